package dev.guardrails.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Who performs an action: a person, a service or a job, in one tenant, with a set of roles.
 *
 * <p>Every text field ends up in MDC values and log lines, so each one must be non-blank, at most
 * {@value #MAX_LENGTH} characters and free of control characters (including line separators and
 * bidirectional overrides). Roles are copied into an immutable set ordered by name.
 *
 * <p>Immutable and thread-safe; equal when kind, id, tenant and roles are equal.
 */
public final class Actor {

  /** The longest id, tenant id or role accepted, in UTF-16 characters. */
  public static final int MAX_LENGTH = 256;

  private final String id;
  private final String tenantId;
  private final ActorKind kind;
  private final Set<String> roles;

  /** The same roles in a hash-based set: {@link #hasRole} sits on authorization's hot path. */
  private final Set<String> roleLookup;

  private Actor(ActorKind kind, String id, String tenantId, Collection<String> roles) {
    this.kind = kind;
    this.id = Text.requireSafeId(id, "actor id", MAX_LENGTH);
    this.tenantId = Text.requireSafeId(tenantId, "tenant id", MAX_LENGTH);
    Objects.requireNonNull(roles, "roles");
    TreeSet<String> copy = new TreeSet<>();
    for (String role : roles) {
      copy.add(Text.requireSafeId(role, "role", MAX_LENGTH));
    }
    this.roles = Collections.unmodifiableSet(copy);
    this.roleLookup = Set.copyOf(copy);
  }

  /**
   * Returns a person acting in a tenant with the given roles.
   *
   * @param id the person's stable id, e.g. the subject of their token
   * @param tenantId the tenant the person acts in
   * @param roles the person's roles; duplicates are ignored
   * @return the actor
   * @throws NullPointerException if an argument or a role is null
   * @throws IllegalArgumentException if the id, the tenant id or a role is blank, longer than
   *     {@value #MAX_LENGTH} characters or contains a control character
   */
  public static Actor person(String id, String tenantId, String... roles) {
    return new Actor(
        ActorKind.PERSON, id, tenantId, Arrays.asList(Objects.requireNonNull(roles, "roles")));
  }

  /**
   * Returns a person acting in a tenant with the given roles.
   *
   * @param id the person's stable id, e.g. the subject of their token
   * @param tenantId the tenant the person acts in
   * @param roles the person's roles; duplicates are ignored
   * @return the actor
   * @throws NullPointerException if an argument or a role is null
   * @throws IllegalArgumentException if the id, the tenant id or a role is blank, longer than
   *     {@value #MAX_LENGTH} characters or contains a control character
   */
  public static Actor person(String id, String tenantId, Collection<String> roles) {
    return new Actor(ActorKind.PERSON, id, tenantId, roles);
  }

  /**
   * Returns a service (another system with its own credentials) acting in a tenant.
   *
   * @param id the service's stable id, e.g. its client id
   * @param tenantId the tenant the service acts in
   * @param roles the service's roles; duplicates are ignored
   * @return the actor
   * @throws NullPointerException if an argument or a role is null
   * @throws IllegalArgumentException if the id, the tenant id or a role is blank, longer than
   *     {@value #MAX_LENGTH} characters or contains a control character
   */
  public static Actor service(String id, String tenantId, String... roles) {
    return new Actor(
        ActorKind.SERVICE, id, tenantId, Arrays.asList(Objects.requireNonNull(roles, "roles")));
  }

  /**
   * Returns a service (another system with its own credentials) acting in a tenant.
   *
   * @param id the service's stable id, e.g. its client id
   * @param tenantId the tenant the service acts in
   * @param roles the service's roles; duplicates are ignored
   * @return the actor
   * @throws NullPointerException if an argument or a role is null
   * @throws IllegalArgumentException if the id, the tenant id or a role is blank, longer than
   *     {@value #MAX_LENGTH} characters or contains a control character
   */
  public static Actor service(String id, String tenantId, Collection<String> roles) {
    return new Actor(ActorKind.SERVICE, id, tenantId, roles);
  }

  /**
   * Returns a job of this application acting on its own behalf in a tenant, without roles.
   *
   * @param jobName the job's stable name, used as its id
   * @param tenantId the tenant the job acts in
   * @return the actor
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the job name or the tenant id is blank, longer than {@value
   *     #MAX_LENGTH} characters or contains a control character
   */
  public static Actor job(String jobName, String tenantId) {
    Text.requireSafeId(jobName, "job name", MAX_LENGTH);
    return new Actor(ActorKind.JOB, jobName, tenantId, List.of());
  }

  /** {@return the actor's stable id} */
  public String id() {
    return id;
  }

  /** {@return the tenant the actor acts in} */
  public String tenantId() {
    return tenantId;
  }

  /** {@return what kind of principal the actor is} */
  public ActorKind kind() {
    return kind;
  }

  /** {@return the actor's roles: an immutable set, ordered by name} */
  public Set<String> roles() {
    return roles;
  }

  /**
   * Returns whether the actor has the role, compared exactly (case-sensitive).
   *
   * @param role the role to look for
   * @return true if the actor has it
   * @throws NullPointerException if the role is null
   */
  public boolean hasRole(String role) {
    return roleLookup.contains(Objects.requireNonNull(role, "role"));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Actor other
        && kind == other.kind
        && id.equals(other.id)
        && tenantId.equals(other.tenantId)
        && roles.equals(other.roles);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, id, tenantId, roles);
  }

  /**
   * {@return the kind, id, tenant and roles, e.g. {@code Actor[PERSON id=u-1 tenant=t-1
   * roles=[admin]]}}
   */
  @Override
  public String toString() {
    return "Actor[" + kind + " id=" + id + " tenant=" + tenantId + " roles=" + roles + "]";
  }
}
