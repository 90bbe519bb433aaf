package dev.guardrails.samples;

import dev.guardrails.core.Actor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seeded firms and their users. In a real deployment users come from an identity provider; the
 * demo's dev login issues tokens for these users only.
 */
public final class DemoUsers {

  /**
   * A firm of the demo: a tenant.
   *
   * @param id the tenant id
   * @param name its name
   */
  public record Firm(String id, String name) {}

  /** Northwind Accounting, the firm of anna, ben and carla. */
  public static final Firm NORTH = new Firm("north", "Northwind Accounting");

  /** Southbank Tax Partners, the firm of dmitri and erin. */
  public static final Firm SOUTH = new Firm("south", "Southbank Tax Partners");

  /** Every firm. */
  public static final List<Firm> FIRMS = List.of(NORTH, SOUTH);

  private static final Map<String, Actor> USERS = new LinkedHashMap<>();

  static {
    add(Actor.person("anna", NORTH.id(), "clerk"));
    add(Actor.person("ben", NORTH.id(), "partner"));
    add(Actor.person("carla", NORTH.id(), "admin"));
    add(Actor.person("dmitri", SOUTH.id(), "clerk"));
    add(Actor.person("erin", SOUTH.id(), "partner"));
  }

  private DemoUsers() {}

  private static void add(Actor actor) {
    USERS.put(actor.id(), actor);
  }

  /**
   * Looks a user up by name.
   *
   * @param username e.g. {@code anna}
   * @return the actor, or empty
   */
  public static Optional<Actor> byName(String username) {
    return Optional.ofNullable(USERS.get(username));
  }

  /** {@return every demo user} */
  public static List<Actor> all() {
    return List.copyOf(USERS.values());
  }

  /**
   * Returns the users of one firm.
   *
   * @param tenantId the firm
   * @return its users
   */
  public static List<Actor> ofFirm(String tenantId) {
    return USERS.values().stream().filter(a -> a.tenantId().equals(tenantId)).toList();
  }
}
