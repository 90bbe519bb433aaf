package dev.guardrails.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * When an event occurred and, when it happened inside a {@link GuardContext}, which request and
 * which actor it belongs to.
 *
 * <p>Immutable and thread-safe; equal when all its parts are equal.
 */
public final class EventContext {

  private final Instant occurredAt;
  private final @Nullable String correlationId;
  private final @Nullable Actor actor;

  private EventContext(Instant occurredAt, @Nullable GuardContext context) {
    this.occurredAt = Objects.requireNonNull(occurredAt, "occurredAt");
    this.correlationId = context == null ? null : context.correlationId();
    this.actor = context == null ? null : context.actor();
  }

  /**
   * Captures the clock's current instant and the context bound to the current thread, if any.
   *
   * @param clock the clock to read
   * @return the event context
   * @throws NullPointerException if {@code clock} is null
   */
  public static EventContext capture(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return new EventContext(clock.instant(), GuardContext.currentIfBound().orElse(null));
  }

  /**
   * Returns an event context with the given parts.
   *
   * @param occurredAt when the event occurred
   * @param context the request the event belongs to, or null when it belongs to none
   * @return the event context
   * @throws NullPointerException if {@code occurredAt} is null
   */
  public static EventContext of(Instant occurredAt, @Nullable GuardContext context) {
    return new EventContext(occurredAt, context);
  }

  /** {@return when the event occurred} */
  public Instant occurredAt() {
    return occurredAt;
  }

  /** {@return the correlation id of the request the event belongs to, if any} */
  public Optional<String> correlationId() {
    return Optional.ofNullable(correlationId);
  }

  /** {@return the id of the actor the event belongs to, if any} */
  public Optional<String> actorId() {
    return actor == null ? Optional.empty() : Optional.of(actor.id());
  }

  /** {@return the tenant of the actor the event belongs to, if any} */
  public Optional<String> tenantId() {
    return actor == null ? Optional.empty() : Optional.of(actor.tenantId());
  }

  /** {@return the kind of the actor the event belongs to, if any} */
  public Optional<ActorKind> actorKind() {
    return actor == null ? Optional.empty() : Optional.of(actor.kind());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EventContext other
        && occurredAt.equals(other.occurredAt)
        && Objects.equals(correlationId, other.correlationId)
        && Objects.equals(actor, other.actor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(occurredAt, correlationId, actor);
  }

  /** {@return the instant, the correlation id and the actor, or "none" for each absent part} */
  @Override
  public String toString() {
    return "EventContext[occurredAt="
        + occurredAt
        + " correlationId="
        + (correlationId == null ? "none" : correlationId)
        + " actor="
        + (actor == null ? "none" : actor)
        + "]";
  }
}
