package dev.guardrails.benchmarks.auth;

import dev.guardrails.auth.Guard;
import dev.guardrails.auth.Resource;
import dev.guardrails.core.Actor;
import dev.guardrails.core.EventSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One authorization check with roles and an ownership rule, side by side: guardrails' {@link
 * Guard#decide(Actor, String, Resource)}, jCasbin 1.81.0's {@code Enforcer.enforce} on an
 * equivalent RBAC model, and the floor, a hand-written {@link HashMap}/{@link HashSet} check of the
 * same decision.
 *
 * <p>The policy: 50 roles, 500 permissions ({@code doc0:read} ... {@code doc99:share}, each granted
 * to one role, 10 per role), 500 users holding 2 roles each (1,000 user-role assignments), one
 * tenant, and an owner rule: the owner of a record may do anything on it. jCasbin gets the same
 * policy as a model text (RBAC whose matcher also allows {@code r.sub == r.owner}) and policies
 * added programmatically. The three implementations see the same 1,024 pre-built requests, cycled;
 * {@code @Setup} checks that they agree on every one of them, so a faster answer cannot be a wrong
 * one. Workloads ({@code @Param decisions}): {@code allowed} (half by role, half by ownership) and
 * {@code mixed} (a third by role, a third by ownership, a third denied). A denial is published as
 * an audit event by design (here to a no-op sink), so only the {@code allowed} workload can be
 * allocation-free.
 *
 * <p>Targets (issue): at most 100 ns per check and 0 B/op on {@code guard} (read {@code
 * gc.alloc.rate.norm} under {@code -prof gc}); {@code guard} within 2x of {@code handWritten}; and
 * at least 1,000x faster than {@code casbin} (about 120-230 us per check on the reference machine).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar -prof gc
 * 'dev.guardrails.benchmarks.auth.AuthorizationBenchmark'}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
@SuppressWarnings("NullAway.Init") // fields are set by the @Setup method
public class AuthorizationBenchmark {

  static final int ROLES = 50;
  static final int RESOURCE_TYPES = 100;
  static final String[] ACTIONS = {"read", "write", "delete", "approve", "share"};
  static final int USERS = 500;
  static final int ROLES_PER_USER = 2;
  static final String TENANT = "tenant-1";
  static final int REQUESTS = 1024;

  static final String CASBIN_MODEL =
      """
      [request_definition]
      r = sub, obj, act, owner

      [policy_definition]
      p = sub, obj, act

      [role_definition]
      g = _, _

      [policy_effect]
      e = some(where (p.eft == allow))

      [matchers]
      m = (g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act) || r.sub == r.owner
      """;

  /** The workload: which decisions the requests come out as. */
  @Param({"allowed", "mixed"})
  public String decisions = "allowed";

  private Guard guard;
  private Enforcer casbin;
  private HandWritten handWritten;

  private Actor[] actors;
  private HandUser[] handUsers;
  private String[] permissions;
  private String[] objects;
  private String[] actions;
  private Resource[] resources;
  private int next;

  /** A prototype's user: id, tenant and a hash set of roles. */
  record HandUser(String id, String tenantId, Set<String> roles) {}

  /** The floor: what a careful prototype writes by hand for the same decision. */
  static final class HandWritten {
    private final Map<String, Set<String>> rolesByPermission;

    HandWritten(Map<String, Set<String>> rolesByPermission) {
      this.rolesByPermission = rolesByPermission;
    }

    boolean allows(HandUser user, String permission, Resource record) {
      if (!user.tenantId().equals(record.tenantId())) {
        return false;
      }
      if (user.id().equals(record.ownerId())) {
        return true;
      }
      Set<String> granted = rolesByPermission.get(permission);
      if (granted == null) {
        return false;
      }
      for (String role : user.roles()) {
        if (granted.contains(role)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Builds the three equivalent policies and the requests, and checks that they agree. */
  @Setup(Level.Trial)
  public void setUp() {
    Guard.Builder guardBuilder = Guard.builder().eventSink(EventSink.noop());
    casbin = new Enforcer(Model.newModelFromString(CASBIN_MODEL));
    casbin.enableLog(false);
    Map<String, Set<String>> rolesByPermission = new HashMap<>();
    List<String> allPermissions = new ArrayList<>();
    List<String> roleOfPermission = new ArrayList<>();
    int index = 0;
    for (int type = 0; type < RESOURCE_TYPES; type++) {
      for (String action : ACTIONS) {
        String role = "role" + (index % ROLES);
        String permission = "doc" + type + ":" + action;
        guardBuilder.grant(role, permission);
        casbin.addPolicy(role, "doc" + type, action);
        rolesByPermission.computeIfAbsent(permission, p -> new HashSet<>()).add(role);
        allPermissions.add(permission);
        roleOfPermission.add(role);
        index++;
      }
    }
    guardBuilder.ownersMay(allPermissions.toArray(String[]::new));
    guard = guardBuilder.build();
    handWritten = new HandWritten(Map.copyOf(rolesByPermission));

    Random random = new Random(42);
    List<Actor> users = new ArrayList<>();
    List<HandUser> hands = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      String id = "user" + u;
      Set<String> roles = new HashSet<>();
      while (roles.size() < ROLES_PER_USER) {
        roles.add("role" + random.nextInt(ROLES));
      }
      for (String role : roles) {
        casbin.addRoleForUser(id, role);
      }
      users.add(Actor.person(id, TENANT, roles));
      hands.add(new HandUser(id, TENANT, Set.copyOf(new HashSet<>(roles))));
    }
    buildRequests(random, users, hands, allPermissions, roleOfPermission);
    checkAgreement();
  }

  private void buildRequests(
      Random random,
      List<Actor> users,
      List<HandUser> hands,
      List<String> allPermissions,
      List<String> roleOfPermission) {
    actors = new Actor[REQUESTS];
    handUsers = new HandUser[REQUESTS];
    permissions = new String[REQUESTS];
    objects = new String[REQUESTS];
    actions = new String[REQUESTS];
    resources = new Resource[REQUESTS];
    int kinds = decisions.equals("mixed") ? 3 : 2;
    for (int i = 0; i < REQUESTS; i++) {
      int kind = i % kinds; // 0: allowed by role, 1: allowed as owner, 2: denied
      int user;
      int permission;
      String owner;
      do {
        user = random.nextInt(USERS);
        permission = random.nextInt(allPermissions.size());
      } while (users.get(user).hasRole(roleOfPermission.get(permission)) != (kind == 0));
      owner = kind == 1 ? "user" + user : "user" + ((user + 1 + random.nextInt(USERS - 1)) % USERS);
      String name = allPermissions.get(permission);
      int colon = name.indexOf(':');
      actors[i] = users.get(user);
      handUsers[i] = hands.get(user);
      permissions[i] = name;
      objects[i] = name.substring(0, colon);
      actions[i] = name.substring(colon + 1);
      resources[i] = Resource.owned(objects[i], "record-" + i, TENANT, owner);
    }
  }

  private void checkAgreement() {
    int allowed = 0;
    for (int i = 0; i < REQUESTS; i++) {
      boolean byGuard = guard.decide(actors[i], permissions[i], resources[i]).allowed();
      boolean byCasbin = casbin.enforce(actors[i].id(), objects[i], actions[i], ownerOf(i));
      boolean byHand = handWritten.allows(handUsers[i], permissions[i], resources[i]);
      if (byGuard != byCasbin || byGuard != byHand) {
        throw new IllegalStateException(
            "implementations disagree on request "
                + i
                + " ("
                + actors[i]
                + " "
                + permissions[i]
                + " "
                + resources[i]
                + "): guard "
                + byGuard
                + ", casbin "
                + byCasbin
                + ", hand-written "
                + byHand);
      }
      allowed += byGuard ? 1 : 0;
    }
    int expected = decisions.equals("mixed") ? REQUESTS - REQUESTS / 3 : REQUESTS;
    if (Math.abs(allowed - expected) > 1) {
      throw new IllegalStateException(
          "workload '"
              + decisions
              + "' should allow about "
              + expected
              + " requests, not "
              + allowed);
    }
  }

  private String ownerOf(int i) {
    String owner = resources[i].ownerId();
    if (owner == null) {
      throw new IllegalStateException("request " + i + " has no owner");
    }
    return owner;
  }

  private int nextRequest() {
    int i = next;
    next = (i + 1) & (REQUESTS - 1);
    return i;
  }

  /**
   * The guardrail.
   *
   * @return whether the request is allowed
   */
  @Benchmark
  public boolean guard() {
    int i = nextRequest();
    return guard.decide(actors[i], permissions[i], resources[i]).allowed();
  }

  /**
   * The floor: a hand-written hash map and hash set check.
   *
   * @return whether the request is allowed
   */
  @Benchmark
  public boolean handWritten() {
    int i = nextRequest();
    return handWritten.allows(handUsers[i], permissions[i], resources[i]);
  }

  /**
   * The peer: jCasbin's enforce on the equivalent model.
   *
   * @return whether the request is allowed
   */
  @Benchmark
  public boolean casbin() {
    int i = nextRequest();
    return casbin.enforce(actors[i].id(), objects[i], actions[i], ownerOf(i));
  }
}
