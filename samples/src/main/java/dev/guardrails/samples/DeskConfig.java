package dev.guardrails.samples;

import dev.guardrails.core.Environment;
import dev.guardrails.core.Money;
import java.util.Currency;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Invoice Desk's configuration, read once from environment variables with safe defaults.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@code GUARDRAILS_ENV}</td><td>{@code development} for this demo (see below)</td></tr>
 *   <tr><td>{@code GUARDRAILS_DB_URL}</td><td>embedded PostgreSQL</td></tr>
 *   <tr><td>{@code GUARDRAILS_DB_USER}, {@code GUARDRAILS_DB_PASSWORD}</td><td>none</td></tr>
 *   <tr><td>{@code GUARDRAILS_HTTP_HOST}</td><td>{@code 127.0.0.1}</td></tr>
 *   <tr><td>{@code GUARDRAILS_HTTP_PORT}</td><td>{@code 8080}</td></tr>
 *   <tr><td>{@code GUARDRAILS_LLM_USER_DAILY_BUDGET}</td><td>{@code 0.01} (USD)</td></tr>
 *   <tr><td>{@code GUARDRAILS_LLM_TENANT_DAILY_BUDGET}</td><td>{@code 1.00} (USD)</td></tr>
 * </table>
 *
 * <p>Invoice Desk is a demo: when {@code GUARDRAILS_ENV} is not set it runs as {@code development},
 * which turns on the dev login endpoint. In {@code production} the dev login is off and an external
 * database ({@code GUARDRAILS_DB_URL}) is required. Any other value of a variable that cannot be
 * parsed stops the start with a message naming the variable.
 *
 * @param environment where the app runs
 * @param databaseUrl the JDBC URL of an external PostgreSQL database, or null for the embedded one
 * @param databaseUser the user of the external database (owner of the schema), or null
 * @param databasePassword its password, or null
 * @param host the address the HTTP server binds
 * @param port the HTTP port; 0 picks a free one
 * @param userDailyBudget the daily LLM budget of one user
 * @param tenantDailyBudget the daily LLM budget of one firm
 */
public record DeskConfig(
    Environment environment,
    @Nullable String databaseUrl,
    @Nullable String databaseUser,
    @Nullable String databasePassword,
    String host,
    int port,
    Money userDailyBudget,
    Money tenantDailyBudget) {

  /** The currency of prices and budgets. */
  public static final Currency USD = Currency.getInstance("USD");

  /**
   * Validates the configuration.
   *
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException if the port is out of range, a budget is not in USD, or
   *     production runs without an external database
   */
  public DeskConfig {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(userDailyBudget, "userDailyBudget");
    Objects.requireNonNull(tenantDailyBudget, "tenantDailyBudget");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "GUARDRAILS_HTTP_PORT must be 0 to 65535, but was " + port);
    }
    if (!userDailyBudget.currency().equals(USD) || !tenantDailyBudget.currency().equals(USD)) {
      throw new IllegalArgumentException("budgets must be in USD");
    }
    if (environment == Environment.PRODUCTION && databaseUrl == null) {
      throw new IllegalArgumentException(
          "GUARDRAILS_ENV=production needs GUARDRAILS_DB_URL: the embedded database is for demos");
    }
  }

  /**
   * Reads the configuration from a map of environment variables.
   *
   * @param env the variables, e.g. {@link System#getenv()}
   * @return the configuration
   * @throws IllegalArgumentException if a variable has a value that cannot be used
   * @throws IllegalStateException if {@code GUARDRAILS_ENV} names no environment (core's rule)
   */
  public static DeskConfig fromEnvironment(Map<String, String> env) {
    String envName = blankToNull(env.get(Environment.ENV_VARIABLE));
    Environment environment =
        envName == null ? Environment.DEVELOPMENT : Environment.fromEnvironment(env);
    return new DeskConfig(
        environment,
        blankToNull(env.get("GUARDRAILS_DB_URL")),
        blankToNull(env.get("GUARDRAILS_DB_USER")),
        blankToNull(env.get("GUARDRAILS_DB_PASSWORD")),
        orDefault(env, "GUARDRAILS_HTTP_HOST", "127.0.0.1"),
        parsePort(orDefault(env, "GUARDRAILS_HTTP_PORT", "8080")),
        money(env, "GUARDRAILS_LLM_USER_DAILY_BUDGET", "0.01"),
        money(env, "GUARDRAILS_LLM_TENANT_DAILY_BUDGET", "1.00"));
  }

  /**
   * Returns the defaults of the demo with another HTTP port, e.g. 0 for tests and the tour.
   *
   * @param newPort the port
   * @return the changed configuration
   */
  public DeskConfig withPort(int newPort) {
    return new DeskConfig(
        environment,
        databaseUrl,
        databaseUser,
        databasePassword,
        host,
        newPort,
        userDailyBudget,
        tenantDailyBudget);
  }

  /** {@return whether the dev login endpoint is on: in development and test only} */
  public boolean devLoginEnabled() {
    return environment == Environment.DEVELOPMENT || environment == Environment.TEST;
  }

  private static String orDefault(Map<String, String> env, String name, String fallback) {
    String value = blankToNull(env.get(name));
    return value == null ? fallback : value;
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static int parsePort(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "GUARDRAILS_HTTP_PORT must be a number, but was '" + value + "'", e);
    }
  }

  private static Money money(Map<String, String> env, String name, String fallback) {
    String value = orDefault(env, name, fallback);
    Money money;
    try {
      money = Money.of(value, USD);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(
          name + " must be an amount in USD like 0.05, but was '" + value + "'", e);
    }
    if (money.isNegative() || money.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, but was " + value);
    }
    return money;
  }

  @Override
  public String toString() {
    return "DeskConfig[env="
        + environment
        + ", db="
        + (databaseUrl == null ? "embedded PostgreSQL" : "external PostgreSQL")
        + ", http="
        + host
        + ":"
        + port
        + ", userDailyBudget="
        + userDailyBudget
        + ", tenantDailyBudget="
        + tenantDailyBudget
        + "]";
  }
}
