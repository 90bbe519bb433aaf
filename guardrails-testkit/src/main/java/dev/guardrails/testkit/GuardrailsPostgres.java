package dev.guardrails.testkit;

import dev.guardrails.data.Dialect;
import dev.guardrails.data.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JUnit 5 extension that gives a test class its own PostgreSQL database with the Guardrails
 * migrations (and the application's) applied, on a real server: an embedded PostgreSQL started once
 * per JVM from a Maven artifact, or the server named by {@code GUARDRAILS_PG_URL}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GuardrailsPostgres PG =
 *     GuardrailsPostgres.builder()
 *         .userMigrations("classpath:db/migration")
 *         .applicationRole("invoice_app")
 *         .build();
 *
 * @Test
 * void tenantsAreIsolated(DataSource app) { ... } // connects as invoice_app
 * }</pre>
 *
 * <p>With an application role the extension creates a login role that is not a superuser, has no
 * {@code BYPASSRLS} and owns nothing, so that row-level security applies to it as in production;
 * {@link DataSource} parameters and {@link #applicationDataSource()} connect as that role, and
 * {@link #ownerDataSource()} as the owner that ran the migrations. With {@code GUARDRAILS_PG_URL}
 * the URL's user needs the right to create databases and roles, and the databases the run created
 * are dropped when the JVM exits (PostgreSQL 13 or later).
 *
 * <p>Thread-safe; {@link #start()} runs once however often it is called.
 */
public final class GuardrailsPostgres implements BeforeAllCallback, ParameterResolver {

  /** The environment variable naming an existing PostgreSQL server to use instead. */
  public static final String URL_VARIABLE = "GUARDRAILS_PG_URL";

  private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Logger LOG = LoggerFactory.getLogger(GuardrailsPostgres.class);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  /**
   * Roles are server-wide: one password per role for the whole run (random on the embedded server,
   * {@linkplain #sharedPassword derived} on a shared one).
   */
  private static final Map<String, String> ROLE_PASSWORDS = new ConcurrentHashMap<>();

  private static final String RUN_ID = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
  private static @Nullable PGSimpleDataSource server;

  /** Whether the server is the user's (named by the URL variable) rather than an embedded one. */
  private static boolean external;

  /** The databases this JVM created on an external server, dropped when it exits. */
  private static final List<String> CREATED = new CopyOnWriteArrayList<>();

  private final List<String> userMigrations;
  private final @Nullable String applicationRole;
  private volatile @Nullable PGSimpleDataSource owner;
  private volatile @Nullable PGSimpleDataSource application;

  private GuardrailsPostgres(Builder builder) {
    this.userMigrations = List.copyOf(builder.userMigrations);
    this.applicationRole = builder.applicationRole;
  }

  /** {@return a builder; with no options the database gets the library's migrations only} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates the test class's database, runs the migrations and, when asked, creates the application
   * role; see {@link #start()}.
   *
   * @param context the test class's context
   * @throws IllegalStateException if the server cannot be reached or a statement fails, with the
   *     statement in the message
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  /**
   * Creates the database, runs the migrations and, when asked, creates the application role, once:
   * later calls return at once. {@link #beforeAll} calls it; call it yourself where JUnit
   * extensions do not run, e.g. from a jqwik {@code @BeforeContainer} method.
   *
   * @return this extension, started
   * @throws IllegalStateException if the server cannot be reached, a statement fails (with the
   *     statement in the message) or a migration fails (with the migration's error in the message,
   *     the cause attached); the extension then stays not started, and a later call tries again on
   *     a new database
   */
  public synchronized GuardrailsPostgres start() {
    if (owner != null) {
      return this;
    }
    PGSimpleDataSource admin = server();
    String database = "guardrails_test_" + RUN_ID + "_" + DATABASES.incrementAndGet();
    execute(admin, "CREATE DATABASE " + database);
    if (external) {
      CREATED.add(database);
    }
    PGSimpleDataSource ownerSource = copy(admin, database);
    Migrations.Builder migrations = Migrations.builder(ownerSource, Dialect.postgresql());
    migrations.userLocations(userMigrations.toArray(String[]::new));
    PGSimpleDataSource app = null;
    if (applicationRole != null) {
      String role = applicationRole;
      String password =
          ROLE_PASSWORDS.computeIfAbsent(
              role,
              name -> {
                String secret =
                    external
                        ? sharedPassword(admin, name)
                        : HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
                createRole(admin, name, secret);
                return secret;
              });
      migrations.applicationRole(applicationRole);
      app = copy(ownerSource, database);
      app.setUser(applicationRole);
      app.setPassword(password);
    }
    try {
      migrations.build().migrate();
    } catch (RuntimeException e) {
      // Flyway's and guardrails-data's failures alike, so that start() keeps to its contract
      throw new IllegalStateException(
          "test database setup failed: the migrations of "
              + database
              + " did not run ("
              + e.getMessage()
              + ")",
          e);
    }
    // published only once the database is whole: a failed start leaves the extension not started
    application = app;
    owner = ownerSource;
    return this;
  }

  /** {@return a data source connecting as the owner that ran the migrations} */
  public DataSource ownerDataSource() {
    return requireStarted(owner);
  }

  /**
   * Returns a data source connecting as the application role, or as the owner when no role was
   * asked for.
   *
   * @return the data source
   * @throws IllegalStateException if the extension has not started yet
   */
  public DataSource applicationDataSource() {
    return application != null ? application : requireStarted(owner);
  }

  /**
   * {@return whether the parameter is a {@link DataSource}}
   *
   * @param parameter the parameter
   * @param context the test's context
   */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DataSource.class;
  }

  /**
   * {@return the {@linkplain #applicationDataSource() application data source}}
   *
   * @param parameter the parameter
   * @param context the test's context
   */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return applicationDataSource();
  }

  private static DataSource requireStarted(@Nullable DataSource source) {
    if (source == null) {
      throw new IllegalStateException(
          "GuardrailsPostgres has not started: register it as a static field with"
              + " @RegisterExtension so that it runs before the tests, or call start() first"
              + " (e.g. from a jqwik @BeforeContainer method)");
    }
    return source;
  }

  private static synchronized PGSimpleDataSource server() {
    if (server == null) {
      String url = System.getenv(URL_VARIABLE);
      PGSimpleDataSource admin = new PGSimpleDataSource();
      if (url != null && !url.isBlank()) {
        admin.setURL(url);
        external = true;
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> dropCreatedAtExit(admin), "guardrails-pg-drop"));
      } else {
        EmbeddedPostgres embedded = startEmbedded();
        admin.setServerNames(new String[] {"localhost"});
        admin.setPortNumbers(new int[] {embedded.getPort()});
        admin.setDatabaseName("postgres");
        admin.setUser("postgres");
      }
      server = admin;
    }
    return server;
  }

  private static EmbeddedPostgres startEmbedded() {
    try {
      EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> closeQuietlyAtExit(embedded), "guardrails-pg-stop"));
      return embedded;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
  }

  private static void closeQuietlyAtExit(EmbeddedPostgres embedded) {
    try {
      embedded.close();
    } catch (IOException e) {
      LOG.warn("could not stop embedded PostgreSQL at exit", e);
    }
  }

  /**
   * The application role's password on a shared server: derived from the admin connection and the
   * role, so that concurrent runs against one server set the same password instead of locking each
   * other out; it protects a test role on a test server and is never logged.
   */
  static String sharedPassword(PGSimpleDataSource admin, String role) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      String seed =
          String.join(
              "\n",
              "guardrails-testkit application role",
              String.valueOf(admin.getURL()),
              String.valueOf(admin.getUser()),
              String.valueOf(admin.getPassword()),
              role);
      return HexFormat.of()
          .formatHex(sha256.digest(seed.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Drops this run's databases on the user's server; the embedded server goes away whole. */
  private static void dropCreatedAtExit(PGSimpleDataSource admin) {
    admin.setLoginTimeout(5);
    for (String database : CREATED) {
      try {
        execute(admin, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      } catch (IllegalStateException e) {
        LOG.warn("could not drop test database {} at exit; drop it by hand", database, e);
      }
    }
  }

  private static void createRole(PGSimpleDataSource admin, String role, String password) {
    execute(
        admin,
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
            + role
            + "') THEN CREATE ROLE "
            + role
            + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; END $$",
        "ALTER ROLE " + role + " PASSWORD '" + password + "'");
  }

  private static PGSimpleDataSource copy(PGSimpleDataSource source, String database) {
    PGSimpleDataSource copy = new PGSimpleDataSource();
    copy.setURL(source.getURL());
    copy.setUser(source.getUser());
    copy.setPassword(source.getPassword());
    copy.setDatabaseName(database);
    return copy;
  }

  private static void execute(DataSource source, String... statements) {
    try (Connection connection = source.getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        try {
          statement.execute(sql);
        } catch (SQLException e) {
          throw new IllegalStateException(
              "test database setup failed on: "
                  + sql.replaceAll("PASSWORD '[^']*'", "PASSWORD '***'"),
              e);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to the test PostgreSQL server", e);
    }
  }

  /** Builds a {@link GuardrailsPostgres}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final List<String> userMigrations = new ArrayList<>();
    private @Nullable String applicationRole;

    private Builder() {}

    /**
     * Adds Flyway locations of the application's own migrations, run after the library's.
     *
     * @param locations e.g. {@code classpath:db/migration}
     * @return this builder
     */
    public Builder userMigrations(String... locations) {
      for (String location : locations) {
        userMigrations.add(Objects.requireNonNull(location, "location"));
      }
      return this;
    }

    /**
     * Creates a login role the tests connect as: no superuser, no {@code BYPASSRLS}, owner of
     * nothing, granted the library's tables as the migrations grant them.
     *
     * @param role a lower-case PostgreSQL identifier
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier or was set before
     */
    public Builder applicationRole(String role) {
      Objects.requireNonNull(role, "role");
      if (!ROLE_NAME.matcher(role).matches()) {
        throw new IllegalArgumentException(
            "application role must be a lower-case identifier ([a-z_][a-z0-9_]*), but was '"
                + role.toLowerCase(Locale.ROOT)
                + "'");
      }
      if (applicationRole != null) {
        throw new IllegalArgumentException(
            "application role was already set to '" + applicationRole + "'");
      }
      this.applicationRole = role;
      return this;
    }

    /** {@return the extension} */
    public GuardrailsPostgres build() {
      return new GuardrailsPostgres(this);
    }
  }
}
