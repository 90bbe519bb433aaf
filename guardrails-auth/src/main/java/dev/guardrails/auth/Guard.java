package dev.guardrails.auth;

import dev.guardrails.auth.Decision.Reason;
import dev.guardrails.core.AccessDecisionEvent;
import dev.guardrails.core.AccessDenied;
import dev.guardrails.core.Actor;
import dev.guardrails.core.CorrelationIds;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.EventSinks;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.NotFound;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Server-side authorization, deny by default: permissions ({@code invoice:read}) granted to roles
 * (with inheritance), and object-level rules. A record is reachable when the actor's roles grant
 * the permission on any record of its tenant, when the actor owns the record and holds the
 * permission on its own records, or when a role grants the permission across tenants (an explicit
 * admin grant). Whatever no rule allows is denied.
 *
 * <pre>{@code
 * Guard guard = Guard.builder()
 *     .grant("viewer", "invoice:read")                 // any invoice of the actor's tenant
 *     .inherit("accountant", "viewer")
 *     .grant("accountant", "invoice:write")
 *     .grantOnOwn("member", "invoice:read", "invoice:write")   // own invoices only
 *     .grantAcrossTenants("support", "invoice:read")   // every tenant
 *     .build();
 * guard.check(actor, "invoice:write", INVOICE, invoice);      // throws AccessDenied
 * Invoice found = guard.requireFound(actor, "invoice:read", INVOICE, id, repo.find(id)); // NotFound
 * ListScope scope = guard.scope(actor, "invoice:read", INVOICE);  // WHERE clause for lists
 * }</pre>
 *
 * <p>The role closure is computed once at build time into per-permission role arrays, so a check
 * does a map lookup and a few set lookups and allocates nothing. The single check, the batch {@link
 * #filter} and the list {@link #scope} all derive from one computation of the actor's grant level,
 * so they cannot disagree.
 *
 * <p>Every denial by {@code check}, {@code requireFound} and {@code decide} is published as a core
 * {@link AccessDecisionEvent}, and so is every use of a cross-tenant grant (a privileged action),
 * also by {@link #scope} and {@link #filter}; other allows only after {@link
 * Builder#publishAllows()}. Events carry the actor, the permission, the resource type and id, and
 * the correlation id of the request bound to the thread ({@link GuardContext}); without a bound
 * request the event gets a fresh correlation id. Records left out by {@link #filter} or {@link
 * #scope} are not denials and publish nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class Guard {

  private static final Pattern PERMISSION =
      Pattern.compile("[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_.-]{1,64}");
  private static final Pattern ROLE = Pattern.compile("[^\\p{Cntrl}\\s]{1,256}");
  private static final String[] NO_ROLES = {};

  /** Grant levels, widest last. */
  private static final int NONE = 0;

  private static final int OWN = 1;
  private static final int TENANT = 2;
  private static final int ANY = 3;

  /** The roles granting one permission, by level; precomputed from the closure. */
  private static final class Rule {
    final String[] anyTenantRoles;
    final String[] tenantRoles;
    final String[] ownRoles;
    final boolean ownersMay;

    Rule(String[] anyTenantRoles, String[] tenantRoles, String[] ownRoles, boolean ownersMay) {
      this.anyTenantRoles = anyTenantRoles;
      this.tenantRoles = tenantRoles;
      this.ownRoles = ownRoles;
      this.ownersMay = ownersMay;
    }
  }

  private final Map<String, Rule> rules;
  private final Map<String, Map<String, Integer>> effectiveGrants;
  private final EventSink eventSink;
  private final boolean silent;
  private final boolean publishAllows;
  private final Clock clock;
  private final @Nullable RandomGenerator random;

  private Guard(
      Map<String, Rule> rules, Map<String, Map<String, Integer>> effectiveGrants, Builder b) {
    this.rules = rules;
    this.effectiveGrants = effectiveGrants;
    this.eventSink = b.eventSink;
    this.silent = b.eventSink == EventSink.noop();
    this.publishAllows = b.publishAllows;
    this.clock = b.clock;
    this.random = b.random;
  }

  /** {@return a builder of an empty policy: everything denied until granted} */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- checks without a resource

  /**
   * Decides whether the actor's roles grant the permission at all (on own records, its tenant or
   * across tenants); use it before an action that has no record yet (a create, a report).
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:create}
   * @return {@code GRANTED}, {@code NO_GRANT} or {@code UNKNOWN_PERMISSION}
   * @throws NullPointerException if an argument is null
   */
  public Decision decide(Actor actor, String permission) {
    Decision decision = decideQuietly(actor, permission);
    if (shouldPublish(decision)) {
      publish(actor, permission, typeOf(permission), null, decision);
    }
    return decision;
  }

  /**
   * Checks that the actor's roles grant the permission at all.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:create}
   * @throws NullPointerException if an argument is null
   * @throws AccessDenied if the permission is not granted
   */
  public void check(Actor actor, String permission) {
    Decision decision = decide(actor, permission);
    if (decision.denied()) {
      throw denied(actor, permission, typeOf(permission), null, decision);
    }
  }

  /**
   * Returns whether the actor's roles grant the permission at all; publishes nothing.
   *
   * @param actor the actor
   * @param permission the permission
   * @return true if granted
   * @throws NullPointerException if an argument is null
   */
  public boolean isGranted(Actor actor, String permission) {
    return decideQuietly(actor, permission).allowed();
  }

  private Decision decideQuietly(Actor actor, String permission) {
    Objects.requireNonNull(actor, "actor");
    Rule rule = rules.get(Objects.requireNonNull(permission, "permission"));
    if (rule == null) {
      return Decision.of(Reason.UNKNOWN_PERMISSION);
    }
    return Decision.of(level(actor, rule) == NONE ? Reason.NO_GRANT : Reason.GRANTED);
  }

  // ---------------------------------------------------------------- checks on one record

  /**
   * Decides whether the actor may act on a record.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:write}
   * @param type the record's type
   * @param record the record
   * @param <T> the record class
   * @return the decision and its reason
   * @throws NullPointerException if an argument is null
   */
  public <T> Decision decide(Actor actor, String permission, ResourceType<T> type, T record) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(record, "record");
    Decision decision =
        decideOn(actor, permission, type.tenantOf(record), type.ownerOf(record), type.hasOwner());
    if (shouldPublish(decision)) {
      publish(actor, permission, type.name(), type.idOf(record), decision);
    }
    return decision;
  }

  /**
   * Decides whether the actor may act on a record described by a {@link Resource}.
   *
   * @param actor the actor
   * @param permission the permission
   * @param resource the record
   * @return the decision and its reason
   * @throws NullPointerException if an argument is null
   */
  public Decision decide(Actor actor, String permission, Resource resource) {
    Objects.requireNonNull(resource, "resource");
    Decision decision = decideOn(actor, permission, resource.tenantId(), resource.ownerId(), true);
    if (shouldPublish(decision)) {
      publish(actor, permission, resource.type(), resource.id(), decision);
    }
    return decision;
  }

  /**
   * Checks that the actor may act on a record.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:write}
   * @param type the record's type
   * @param record the record
   * @param <T> the record class
   * @throws NullPointerException if an argument is null
   * @throws AccessDenied if the action is not allowed
   */
  public <T> void check(Actor actor, String permission, ResourceType<T> type, T record) {
    Decision decision = decide(actor, permission, type, record);
    if (decision.denied()) {
      throw denied(actor, permission, type.name(), type.idOf(record), decision);
    }
  }

  /**
   * Checks that the actor may act on a record described by a {@link Resource}.
   *
   * @param actor the actor
   * @param permission the permission
   * @param resource the record
   * @throws NullPointerException if an argument is null
   * @throws AccessDenied if the action is not allowed
   */
  public void check(Actor actor, String permission, Resource resource) {
    Decision decision = decide(actor, permission, resource);
    if (decision.denied()) {
      throw denied(actor, permission, resource.type(), resource.id(), decision);
    }
  }

  /**
   * For reads: returns the record when the actor may reach it, and throws the same {@link NotFound}
   * when the record is missing or the actor may not reach it, so a caller cannot probe which ids
   * exist.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:read}
   * @param type the record's type
   * @param id the id that was looked up
   * @param record the record, or empty when none has that id
   * @param <T> the record class
   * @return the record
   * @throws NullPointerException if an argument is null
   * @throws NotFound if the record is missing or not reachable
   */
  public <T> T requireFound(
      Actor actor, String permission, ResourceType<T> type, String id, Optional<T> record) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(type, "type");
    if (record.isEmpty()) {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(permission, "permission");
      throw new NotFound(type.name(), id);
    }
    T found = record.get();
    Decision decision = decide(actor, permission, type, found);
    if (decision.denied()) {
      throw new NotFound(
          type.name(),
          id,
          "denied as not found: " + reasonText(decision) + " for actor " + actor.id());
    }
    return found;
  }

  /**
   * For reads of a record described by a {@link Resource}: returns normally when the actor may
   * reach it and throws {@link NotFound} otherwise, exactly as for a missing record.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:read}
   * @param resource the record
   * @throws NullPointerException if an argument is null
   * @throws NotFound if the record is not reachable
   */
  public void requireFound(Actor actor, String permission, Resource resource) {
    Decision decision = decide(actor, permission, resource);
    if (decision.denied()) {
      throw new NotFound(
          resource.type(),
          resource.id(),
          "denied as not found: " + reasonText(decision) + " for actor " + actor.id());
    }
  }

  private Decision decideOn(
      Actor actor, String permission, String tenant, @Nullable String owner, boolean ownable) {
    Objects.requireNonNull(actor, "actor");
    Rule rule = rules.get(Objects.requireNonNull(permission, "permission"));
    if (rule == null) {
      return Decision.of(Reason.UNKNOWN_PERMISSION);
    }
    return decisionAt(level(actor, rule), actor, tenant, owner, ownable);
  }

  /** The decision for one record once the actor's level is known; no allocation. */
  private static Decision decisionAt(
      int level, Actor actor, String tenant, @Nullable String owner, boolean ownable) {
    if (level == ANY) {
      return Decision.of(Reason.CROSS_TENANT_GRANT);
    }
    if (level == NONE) {
      return Decision.of(Reason.NO_GRANT);
    }
    if (!actor.tenantId().equals(tenant)) {
      return Decision.of(Reason.OTHER_TENANT);
    }
    if (level == TENANT) {
      return Decision.of(Reason.TENANT_GRANT);
    }
    return ownable && owner != null && owner.equals(actor.id())
        ? Decision.of(Reason.OWNER)
        : Decision.of(Reason.NOT_OWNER);
  }

  /** The widest level at which the actor holds the permission; no allocation. */
  private static int level(Actor actor, Rule rule) {
    if (hasAny(actor, rule.anyTenantRoles)) {
      return ANY;
    }
    if (hasAny(actor, rule.tenantRoles)) {
      return TENANT;
    }
    if (rule.ownersMay || hasAny(actor, rule.ownRoles)) {
      return OWN;
    }
    return NONE;
  }

  private static boolean hasAny(Actor actor, String[] roles) {
    for (String role : roles) {
      if (actor.hasRole(role)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- lists

  /**
   * Returns the records of a list the actor may reach, in order; one rule lookup for the whole
   * list, then a comparison per record. Publishes nothing: narrowing a list is not a denial.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:read}
   * @param type the records' type
   * @param records the records
   * @param <T> the record class
   * @return the reachable records, an immutable list
   * @throws NullPointerException if an argument or a record is null
   */
  public <T> List<T> filter(
      Actor actor, String permission, ResourceType<T> type, Collection<? extends T> records) {
    Objects.requireNonNull(records, "records");
    ListScope scope = scope(actor, permission, type);
    List<T> reachable = new ArrayList<>(records.size());
    for (T record : records) {
      Objects.requireNonNull(record, "record");
      if (scope.matches(type.tenantOf(record), type.ownerOf(record))) {
        reachable.add(record);
      }
    }
    return List.copyOf(reachable);
  }

  /**
   * Decides for every record of a batch with one rule lookup, in order; publishes the denials (and
   * cross-tenant allows) like {@link #decide(Actor, String, ResourceType, Object)}.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:write}
   * @param type the records' type
   * @param records the records
   * @param <T> the record class
   * @return one decision per record, an immutable list
   * @throws NullPointerException if an argument or a record is null
   */
  public <T> List<Decision> decideAll(
      Actor actor, String permission, ResourceType<T> type, Collection<? extends T> records) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(records, "records");
    Rule rule = rules.get(Objects.requireNonNull(permission, "permission"));
    int level = rule == null ? NONE : level(actor, rule);
    List<Decision> decisions = new ArrayList<>(records.size());
    for (T record : records) {
      Objects.requireNonNull(record, "record");
      Decision decision =
          rule == null
              ? Decision.of(Reason.UNKNOWN_PERMISSION)
              : decisionAt(
                  level, actor, type.tenantOf(record), type.ownerOf(record), type.hasOwner());
      if (shouldPublish(decision)) {
        publish(actor, permission, type.name(), type.idOf(record), decision);
      }
      decisions.add(decision);
    }
    return List.copyOf(decisions);
  }

  /**
   * Checks that the actor may act on every record of a batch, with one rule lookup; the first
   * record that is not reachable is published and thrown.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:write}
   * @param type the records' type
   * @param records the records
   * @param <T> the record class
   * @throws NullPointerException if an argument or a record is null
   * @throws AccessDenied naming the first record that is not reachable
   */
  public <T> void checkAll(
      Actor actor, String permission, ResourceType<T> type, Collection<? extends T> records) {
    Objects.requireNonNull(records, "records");
    ListScope scope = scope(actor, permission, type);
    for (T record : records) {
      Objects.requireNonNull(record, "record");
      if (!scope.matches(type.tenantOf(record), type.ownerOf(record))) {
        Decision decision = decide(actor, permission, type, record);
        throw denied(actor, permission, type.name(), type.idOf(record), decision);
      }
    }
  }

  /**
   * Returns the records the actor may reach with a permission as a filter for a list query, from
   * the same rule as {@link #decide(Actor, String, ResourceType, Object)}.
   *
   * @param actor the actor
   * @param permission e.g. {@code invoice:read}
   * @param type the records' type
   * @param <T> the record class
   * @return the scope
   * @throws NullPointerException if an argument is null
   */
  public <T> ListScope scope(Actor actor, String permission, ResourceType<T> type) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(type, "type");
    Rule rule = rules.get(Objects.requireNonNull(permission, "permission"));
    int level = rule == null ? NONE : level(actor, rule);
    ListScope.Kind kind =
        switch (level) {
          case ANY -> ListScope.Kind.ALL;
          case TENANT -> ListScope.Kind.TENANT;
          case OWN -> type.hasOwner() ? ListScope.Kind.OWNER : ListScope.Kind.NONE;
          default -> ListScope.Kind.NONE;
        };
    if (kind == ListScope.Kind.ALL) {
      publish(actor, permission, type.name(), null, Decision.of(Reason.CROSS_TENANT_GRANT));
    }
    return new ListScope(
        kind,
        kind == ListScope.Kind.TENANT || kind == ListScope.Kind.OWNER ? actor.tenantId() : null,
        kind == ListScope.Kind.OWNER ? actor.id() : null,
        type.tenantColumn(),
        type.ownerColumn());
  }

  // ---------------------------------------------------------------- introspection

  /**
   * Returns every permission a role holds after inheritance, with the widest scope at which it
   * holds it ({@code own}, {@code tenant} or {@code any tenant}); for admin screens and tests.
   *
   * @param role the role
   * @return an immutable map ordered by permission; empty for an unknown role
   * @throws NullPointerException if the role is null
   */
  public Map<String, String> permissionsOf(String role) {
    Map<String, Integer> grants = effectiveGrants.get(Objects.requireNonNull(role, "role"));
    if (grants == null) {
      return Map.of();
    }
    Map<String, String> named = new TreeMap<>();
    grants.forEach((permission, level) -> named.put(permission, levelName(level)));
    return java.util.Collections.unmodifiableMap(named);
  }

  private static String levelName(int level) {
    return switch (level) {
      case OWN -> "own";
      case TENANT -> "tenant";
      default -> "any tenant";
    };
  }

  // ---------------------------------------------------------------- events

  private void publish(
      Actor actor,
      String permission,
      String resourceType,
      @Nullable String resourceId,
      Decision decision) {
    if (silent || !shouldPublish(decision)) {
      return; // the no-op sink discards events, so none is built
    }
    Instant now = clock.instant();
    GuardContext bound = GuardContext.currentIfBound().orElse(null);
    GuardContext context;
    if (bound != null && bound.actor().equals(actor)) {
      context = bound;
    } else if (bound != null) {
      context = GuardContext.of(actor, bound.correlationId(), bound.startedAt());
    } else {
      RandomGenerator generator = random != null ? random : ThreadLocalRandom.current();
      context = GuardContext.of(actor, CorrelationIds.newId(generator), now);
    }
    eventSink.publish(
        new AccessDecisionEvent(
            EventContext.of(now, context),
            permission,
            resourceType,
            Optional.ofNullable(resourceId),
            decision.allowed(),
            reasonText(decision)));
  }

  /** Denials always; cross-tenant access (a privileged action) always; other allows on request. */
  private boolean shouldPublish(Decision decision) {
    return decision.denied() || publishAllows || decision.reason() == Reason.CROSS_TENANT_GRANT;
  }

  private static String reasonText(Decision decision) {
    return decision.reason().name().toLowerCase(Locale.ROOT);
  }

  private static String typeOf(String permission) {
    int colon = permission.indexOf(':');
    return colon > 0 ? permission.substring(0, colon) : permission;
  }

  private static AccessDenied denied(
      Actor actor,
      String permission,
      String resourceType,
      @Nullable String resourceId,
      Decision decision) {
    return new AccessDenied(
        permission,
        reasonText(decision)
            + ": actor "
            + actor.id()
            + " (tenant "
            + actor.tenantId()
            + ", roles "
            + actor.roles()
            + ") on "
            + resourceType
            + (resourceId == null ? "" : " " + resourceId));
  }

  @Override
  public String toString() {
    return "Guard[" + rules.size() + " permissions, " + effectiveGrants.size() + " roles]";
  }

  /**
   * Builds a {@link Guard}. Starts empty: nothing is allowed until granted. Not thread-safe; {@link
   * #build()} computes the role closure and copies everything, so a built guard never changes.
   */
  public static final class Builder {
    private final Map<String, Map<String, Integer>> grants = new LinkedHashMap<>();
    private final Map<String, Set<String>> parents = new LinkedHashMap<>();
    private final Set<String> ownersMay = new LinkedHashSet<>();
    private EventSink eventSink = EventSinks.logging();
    private boolean publishAllows;
    private Clock clock = Clock.systemUTC();
    private @Nullable RandomGenerator random;

    private Builder() {}

    /**
     * Grants permissions to a role on every record of the actor's own tenant.
     *
     * @param role the role
     * @param permissions permissions of the form {@code resource:action}
     * @return this builder
     * @throws IllegalArgumentException if the role or a permission is malformed
     */
    public Builder grant(String role, String... permissions) {
      return add(role, permissions, TENANT);
    }

    /**
     * Grants permissions to a role on the actor's own records only (records it owns, in its
     * tenant).
     *
     * @param role the role
     * @param permissions permissions of the form {@code resource:action}
     * @return this builder
     * @throws IllegalArgumentException if the role or a permission is malformed
     */
    public Builder grantOnOwn(String role, String... permissions) {
      return add(role, permissions, OWN);
    }

    /**
     * Grants permissions to a role on every record of every tenant: an explicit admin grant for
     * platform operators and support staff. Use sparingly; every use crosses the tenant wall.
     *
     * @param role the role
     * @param permissions permissions of the form {@code resource:action}
     * @return this builder
     * @throws IllegalArgumentException if the role or a permission is malformed
     */
    public Builder grantAcrossTenants(String role, String... permissions) {
      return add(role, permissions, ANY);
    }

    /**
     * Lets every actor use these permissions on the records it owns, whatever its roles.
     *
     * @param permissions permissions of the form {@code resource:action}
     * @return this builder
     * @throws IllegalArgumentException if a permission is malformed
     */
    public Builder ownersMay(String... permissions) {
      Objects.requireNonNull(permissions, "permissions");
      for (String permission : permissions) {
        ownersMay.add(requirePermission(permission));
      }
      return this;
    }

    /**
     * Makes a role inherit every grant of another role (transitively); cycles are refused at build
     * time.
     *
     * @param role the inheriting role
     * @param parent the role whose grants it inherits
     * @return this builder
     * @throws IllegalArgumentException if a role is malformed or a role inherits itself
     */
    public Builder inherit(String role, String parent) {
      requireRole(role);
      requireRole(parent);
      if (role.equals(parent)) {
        throw new IllegalArgumentException("role '" + role + "' cannot inherit itself");
      }
      parents.computeIfAbsent(role, r -> new LinkedHashSet<>()).add(parent);
      grants.computeIfAbsent(role, r -> new LinkedHashMap<>());
      return this;
    }

    /**
     * Sets where access decisions go (default: the core logging sink). A sink that throws is logged
     * and skipped (core fail-safe sink): it never turns a decision into an error. With {@link
     * EventSink#noop()} no event is built at all.
     *
     * @param sink the sink
     * @return this builder
     */
    public Builder eventSink(EventSink sink) {
      Objects.requireNonNull(sink, "sink");
      this.eventSink = sink == EventSink.noop() ? sink : EventSinks.failSafe(sink);
      return this;
    }

    /**
     * Publishes allowed decisions too, not only denials (audit of privileged reads).
     *
     * @return this builder
     */
    public Builder publishAllows() {
      this.publishAllows = true;
      return this;
    }

    /**
     * Sets the clock that stamps events (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the random source of correlation ids for events outside a request (default {@link
     * ThreadLocalRandom}); must be thread-safe.
     *
     * @param random the source
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    private Builder add(String role, String[] permissions, int level) {
      requireRole(role);
      Objects.requireNonNull(permissions, "permissions");
      if (permissions.length == 0) {
        throw new IllegalArgumentException("role '" + role + "' must be granted some permission");
      }
      Map<String, Integer> roleGrants = grants.computeIfAbsent(role, r -> new LinkedHashMap<>());
      for (String permission : permissions) {
        roleGrants.merge(requirePermission(permission), level, Math::max);
      }
      return this;
    }

    /**
     * Computes the role closure and builds the guard.
     *
     * @return the guard
     * @throws IllegalStateException if a role inherits an undefined role or inheritance has a cycle
     */
    public Guard build() {
      for (Map.Entry<String, Set<String>> entry : parents.entrySet()) {
        for (String parent : entry.getValue()) {
          if (!grants.containsKey(parent)) {
            throw new IllegalStateException(
                "role '" + entry.getKey() + "' inherits undefined role '" + parent + "'");
          }
        }
      }
      Map<String, Map<String, Integer>> effective = new LinkedHashMap<>();
      for (String role : grants.keySet()) {
        effective.put(role, Map.copyOf(closure(role)));
      }
      // invert: permission -> roles by level
      Map<String, List<List<String>>> byPermission = new HashMap<>();
      for (Map.Entry<String, Map<String, Integer>> entry : effective.entrySet()) {
        for (Map.Entry<String, Integer> grant : entry.getValue().entrySet()) {
          byPermission
              .computeIfAbsent(
                  grant.getKey(),
                  p -> List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()))
              .get(grant.getValue() - 1)
              .add(entry.getKey());
        }
      }
      for (String permission : ownersMay) {
        byPermission.computeIfAbsent(
            permission, p -> List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
      }
      Map<String, Rule> rules = new HashMap<>();
      for (Map.Entry<String, List<List<String>>> entry : byPermission.entrySet()) {
        List<List<String>> levels = entry.getValue();
        rules.put(
            entry.getKey(),
            new Rule(
                levels.get(ANY - 1).toArray(NO_ROLES),
                levels.get(TENANT - 1).toArray(NO_ROLES),
                levels.get(OWN - 1).toArray(NO_ROLES),
                ownersMay.contains(entry.getKey())));
      }
      return new Guard(Map.copyOf(rules), Map.copyOf(effective), this);
    }

    private Map<String, Integer> closure(String role) {
      Map<String, Integer> result = new HashMap<>();
      Set<String> visiting = new LinkedHashSet<>();
      Deque<String> path = new ArrayDeque<>();
      collect(role, result, visiting, path);
      return result;
    }

    private void collect(
        String role, Map<String, Integer> result, Set<String> visiting, Deque<String> path) {
      path.addLast(role);
      if (!visiting.add(role)) {
        throw new IllegalStateException(
            "role inheritance has a cycle: " + String.join(" -> ", path));
      }
      grants.getOrDefault(role, Map.of()).forEach((p, level) -> result.merge(p, level, Math::max));
      for (String parent : parents.getOrDefault(role, Set.of())) {
        collect(parent, result, visiting, path);
      }
      visiting.remove(role);
      path.removeLast();
    }

    private static String requirePermission(String permission) {
      Objects.requireNonNull(permission, "permission");
      if (!PERMISSION.matcher(permission).matches()) {
        throw new IllegalArgumentException(
            "permission must look like 'resource:action' (letters, digits, '_', '.', '-'), but was '"
                + permission
                + "'");
      }
      return permission;
    }

    private static void requireRole(String role) {
      Objects.requireNonNull(role, "role");
      if (!ROLE.matcher(role).matches()) {
        throw new IllegalArgumentException(
            "role must be 1 to 256 characters without spaces or control characters, but was '"
                + role
                + "'");
      }
    }
  }
}
