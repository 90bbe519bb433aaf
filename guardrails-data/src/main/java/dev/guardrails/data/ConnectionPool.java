package dev.guardrails.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A factory for HikariCP pools with production-safe defaults: a bounded pool, short connection and
 * validation timeouts, connections retired before typical server or proxy limits, leak detection
 * on, and auto-commit off (every unit of work runs in an explicit transaction through {@link
 * Database}).
 *
 * <p>Defaults: pool size 10, connection timeout 5 s, validation timeout 2 s, idle timeout 10 min,
 * max lifetime 30 min, leak detection threshold 30 s; on PostgreSQL also a socket timeout of 60 s
 * (above {@link Database}'s 30 s statement timeout) and TCP keep-alive, so a server that goes
 * silent mid-transaction (network partition, frozen host, failover) fails the read instead of
 * holding its thread and connection forever. HikariCP does not reset session settings when a
 * connection returns to the pool; {@link Database} therefore sets its per-request settings
 * transaction-locally only.
 *
 * <p>The builder is not thread-safe; {@link Builder#build()} creates an independent pool each time.
 */
public final class ConnectionPool {

  private ConnectionPool() {}

  /**
   * Returns a builder for a pool on the JDBC URL.
   *
   * @param jdbcUrl the JDBC URL, e.g. {@code jdbc:postgresql://db:5432/app}
   * @return the builder
   * @throws NullPointerException if {@code jdbcUrl} is null
   * @throws IllegalArgumentException if {@code jdbcUrl} does not start with {@code jdbc:}
   */
  public static Builder builder(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with 'jdbc:', but was '" + jdbcUrl + "'");
    }
    return new Builder(jdbcUrl);
  }

  /** Builds a {@link HikariDataSource}; every option has a production-safe default. */
  public static final class Builder {
    private final String jdbcUrl;
    private @Nullable String username;
    private @Nullable String password;
    private String poolName = "guardrails";
    private int maximumPoolSize = 10;
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private Duration validationTimeout = Duration.ofSeconds(2);
    private Duration idleTimeout = Duration.ofMinutes(10);
    private Duration maxLifetime = Duration.ofMinutes(30);
    private Duration leakDetectionThreshold = Duration.ofSeconds(30);
    private Duration socketTimeout = Duration.ofSeconds(60);

    private Builder(String jdbcUrl) {
      this.jdbcUrl = jdbcUrl;
    }

    /**
     * Sets the user and password the pool connects with.
     *
     * @param username the database user; use a non-owner, non-superuser role without BYPASSRLS
     * @param password the password
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder credentials(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Sets the pool's name, shown in HikariCP's logs and metrics.
     *
     * @param poolName the name
     * @return this builder
     * @throws NullPointerException if {@code poolName} is null
     * @throws IllegalArgumentException if {@code poolName} is blank
     */
    public Builder poolName(String poolName) {
      Objects.requireNonNull(poolName, "poolName");
      if (poolName.isBlank()) {
        throw new IllegalArgumentException(
            "poolName must not be blank, but was '" + poolName + "'");
      }
      this.poolName = poolName;
      return this;
    }

    /**
     * Sets the maximum number of connections (default 10); a fixed-size pool is used.
     *
     * @param size between 1 and 1000
     * @return this builder
     * @throws IllegalArgumentException if {@code size} is out of range
     */
    public Builder maximumPoolSize(int size) {
      if (size < 1 || size > 1000) {
        throw new IllegalArgumentException(
            "maximumPoolSize must be between 1 and 1000, but was " + size);
      }
      this.maximumPoolSize = size;
      return this;
    }

    /**
     * Sets how long a caller waits for a connection before failing (default 5 s).
     *
     * @param timeout at least 250 ms
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is shorter than 250 ms
     */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = atLeast(timeout, Duration.ofMillis(250), "connectionTimeout");
      return this;
    }

    /**
     * Sets how long a borrowed connection may stay out of the pool before a leak is logged (default
     * 30 s).
     *
     * @param threshold at least 2 s
     * @return this builder
     * @throws NullPointerException if {@code threshold} is null
     * @throws IllegalArgumentException if {@code threshold} is shorter than 2 s
     */
    public Builder leakDetectionThreshold(Duration threshold) {
      this.leakDetectionThreshold =
          atLeast(threshold, Duration.ofSeconds(2), "leakDetectionThreshold");
      return this;
    }

    /**
     * Sets how long a connection lives before the pool retires it (default 30 min); keep it below
     * the server's and any proxy's connection time limit.
     *
     * @param lifetime at least 30 s
     * @return this builder
     * @throws NullPointerException if {@code lifetime} is null
     * @throws IllegalArgumentException if {@code lifetime} is shorter than 30 s
     */
    public Builder maxLifetime(Duration lifetime) {
      this.maxLifetime = atLeast(lifetime, Duration.ofSeconds(30), "maxLifetime");
      return this;
    }

    /**
     * Sets how long a read from a PostgreSQL server may wait for data before the connection is
     * declared broken (default 60 s, whole seconds). Keep it above the longest statement, and above
     * {@link Database}'s statement timeout, which the server enforces with a clean error.
     *
     * @param timeout at least 1 s
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is shorter than 1 s
     * @throws IllegalStateException if the URL is not a PostgreSQL one
     */
    public Builder socketTimeout(Duration timeout) {
      Duration checked = atLeast(timeout, Duration.ofSeconds(1), "socketTimeout");
      if (!postgresql()) {
        throw new IllegalStateException(
            "socketTimeout applies to PostgreSQL URLs (jdbc:postgresql:) only, but the URL is '"
                + jdbcUrl
                + "'");
      }
      this.socketTimeout = checked;
      return this;
    }

    private boolean postgresql() {
      return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /**
     * Creates and starts the pool.
     *
     * @return the pool; close it when the application stops
     * @throws RuntimeException HikariCP's exception if the first connection cannot be opened
     */
    public HikariDataSource build() {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      if (username != null) {
        config.setUsername(username);
        config.setPassword(password);
      }
      config.setPoolName(poolName);
      config.setMaximumPoolSize(maximumPoolSize);
      config.setMinimumIdle(maximumPoolSize);
      config.setConnectionTimeout(connectionTimeout.toMillis());
      config.setValidationTimeout(
          Math.min(validationTimeout.toMillis(), connectionTimeout.toMillis()));
      config.setIdleTimeout(idleTimeout.toMillis());
      config.setMaxLifetime(maxLifetime.toMillis());
      config.setLeakDetectionThreshold(leakDetectionThreshold.toMillis());
      config.setAutoCommit(false);
      if (postgresql()) {
        config.addDataSourceProperty("socketTimeout", Long.toString(socketTimeout.toSeconds()));
        config.addDataSourceProperty("tcpKeepAlive", "true");
      }
      return new HikariDataSource(config);
    }

    private static Duration atLeast(Duration value, Duration minimum, String name) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(minimum) < 0) {
        throw new IllegalArgumentException(
            name + " must be at least " + minimum + ", but was " + value);
      }
      return value;
    }
  }
}
