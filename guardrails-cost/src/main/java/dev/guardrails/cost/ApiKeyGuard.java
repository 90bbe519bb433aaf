package dev.guardrails.cost;

import dev.guardrails.core.ApiKeyClassification;
import dev.guardrails.core.ApiKeys;
import dev.guardrails.core.Environment;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.FailureEvent;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Refuses a live API key outside production and a test key in production, so tests never spend real
 * money and production never runs on a sandbox. The classification of keys by provider prefix is
 * core's {@link ApiKeys}, shared with guardrails-auth's key policy.
 *
 * <pre>{@code
 * ApiKeyGuard keys = ApiKeyGuard.builder(Environment.fromSystemEnvironment()).events(sink).build();
 * String stripeKey = keys.require("STRIPE_SECRET_KEY", System.getenv("STRIPE_SECRET_KEY"));
 * }</pre>
 *
 * <p>Check keys once, at startup, before building the clients that use them. Immutable and
 * thread-safe.
 */
public final class ApiKeyGuard {

  private final Environment environment;
  private final EventSink events;
  private final Clock clock;

  private ApiKeyGuard(Builder b) {
    this.environment = b.environment;
    this.events = b.events;
    this.clock = b.clock;
  }

  /**
   * Starts a guard for the environment the application runs in.
   *
   * @param environment e.g. {@link Environment#fromSystemEnvironment()}
   * @return a builder
   * @throws NullPointerException if the environment is null
   */
  public static Builder builder(Environment environment) {
    return new Builder(environment);
  }

  /** {@return the environment keys are checked against} */
  public Environment environment() {
    return environment;
  }

  /**
   * Returns the key if its mode fits the environment; a key of unknown provider passes.
   *
   * @param keyName the key's configuration name, e.g. {@code "STRIPE_SECRET_KEY"}; used in messages
   * @param key the key; never put in a message or event (only its masked prefix)
   * @return the key
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the key name is blank
   * @throws IllegalStateException if the key's mode does not fit the environment; a {@link
   *     FailureEvent} is published too
   */
  public String require(String keyName, String key) {
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(key, "key");
    try {
      ApiKeys.requireAllowedIn(environment, keyName, key);
    } catch (IllegalStateException e) {
      ApiKeyClassification c = ApiKeys.classify(key);
      events.publish(
          new FailureEvent(
              EventContext.capture(clock),
              "guardrails-cost key guard",
              "api_key_refused",
              "a "
                  + c.mode().name().toLowerCase(java.util.Locale.ROOT)
                  + " "
                  + c.provider()
                  + " key was refused in "
                  + environment.name().toLowerCase(java.util.Locale.ROOT),
              Optional.empty()));
      throw e;
    }
    return key;
  }

  @Override
  public String toString() {
    return "ApiKeyGuard{" + environment + "}";
  }

  /** Builds an {@link ApiKeyGuard}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final Environment environment;
    private EventSink events = EventSink.noop();
    private Clock clock = Clock.systemUTC();

    private Builder(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * Sets where refusals are published.
     *
     * @param events the sink; default drops events
     * @return this builder
     * @throws NullPointerException if the sink is null
     */
    public Builder events(EventSink events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * Sets the clock of the events.
     *
     * @param clock the clock; default the system UTC clock
     * @return this builder
     * @throws NullPointerException if the clock is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** {@return the guard} */
    public ApiKeyGuard build() {
      return new ApiKeyGuard(this);
    }
  }
}
