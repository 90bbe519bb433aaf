package dev.guardrails.cost;

import dev.guardrails.cost.spi.JobLease;
import dev.guardrails.cost.spi.JobLockStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link JobLockStore} in PostgreSQL, shared by every instance; lease times are the database's
 * time ({@code now()}), so the instances' clocks do not matter.
 *
 * <p>Acquiring is one statement: {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE expires_at <=
 * now()}, which takes over an expired lease and increments the fencing token under the row lock.
 * The table {@code gr_job_lock} is created by {@link #createSchema()}; rows are never deleted, so
 * tokens only grow.
 *
 * <p>Thread-safe; each operation takes its own connection and commits its statement, also on a data
 * source whose connections are not in auto-commit mode.
 */
public final class PostgresJobLockStore implements JobLockStore {

  private static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS gr_job_lock (
        job_name text PRIMARY KEY,
        holder text NOT NULL,
        fencing_token bigint NOT NULL,
        expires_at timestamptz NOT NULL)
      """;

  private static final String ACQUIRE =
      """
      INSERT INTO gr_job_lock AS l (job_name, holder, fencing_token, expires_at)
      VALUES (?, ?, 1, now() + ? * interval '1 millisecond')
      ON CONFLICT (job_name) DO UPDATE
        SET holder = excluded.holder,
            fencing_token = l.fencing_token + 1,
            expires_at = excluded.expires_at
        WHERE l.expires_at <= now()
      RETURNING fencing_token, expires_at
      """;

  private static final String RENEW =
      """
      UPDATE gr_job_lock SET expires_at = now() + ? * interval '1 millisecond'
      WHERE job_name = ? AND fencing_token = ? AND expires_at > now()
      RETURNING expires_at
      """;

  private static final String RELEASE =
      """
      UPDATE gr_job_lock SET expires_at = now()
      WHERE job_name = ? AND fencing_token = ? AND expires_at > now()
      """;

  private final DataSource dataSource;

  private PostgresJobLockStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Creates a store on a data source; call {@link #createSchema()} once before use.
   *
   * @param dataSource connections to the shared PostgreSQL database
   * @return the store
   * @throws NullPointerException if the data source is null
   */
  public static PostgresJobLockStore create(DataSource dataSource) {
    return new PostgresJobLockStore(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Returns the DDL of the store's job lock table ({@code CREATE ... IF NOT EXISTS}), for
   * applications that apply schema changes with their own migration tool instead of {@link
   * #createSchema()}.
   *
   * @return the SQL script
   */
  public static String schemaSql() {
    return SCHEMA;
  }

  /**
   * Creates the lock table if it does not exist.
   *
   * @throws IllegalStateException if the database refuses
   */
  public void createSchema() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(SCHEMA);
      commitUnlessAutoCommit(c);
    } catch (SQLException e) {
      throw failure("create the job lock table", e);
    }
  }

  @Override
  public Optional<JobLease> tryAcquire(String jobName, String holder, Duration leaseTime) {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(holder, "holder");
    JobLockStores.requirePositive(leaseTime);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ACQUIRE)) {
      ps.setString(1, jobName);
      ps.setString(2, holder);
      ps.setLong(3, leaseTime.toMillis());
      Optional<JobLease> lease;
      try (ResultSet rs = ps.executeQuery()) {
        lease =
            rs.next()
                ? Optional.of(
                    new JobLease(
                        jobName,
                        holder,
                        rs.getLong(1),
                        rs.getObject(2, OffsetDateTime.class).toInstant()))
                : Optional.empty();
      }
      commitUnlessAutoCommit(c);
      return lease;
    } catch (SQLException e) {
      throw failure("acquire a job lease", e);
    }
  }

  @Override
  public Optional<JobLease> renew(JobLease lease, Duration leaseTime) {
    Objects.requireNonNull(lease, "lease");
    JobLockStores.requirePositive(leaseTime);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RENEW)) {
      ps.setLong(1, leaseTime.toMillis());
      ps.setString(2, lease.jobName());
      ps.setLong(3, lease.fencingToken());
      Optional<JobLease> renewed;
      try (ResultSet rs = ps.executeQuery()) {
        renewed =
            rs.next()
                ? Optional.of(
                    new JobLease(
                        lease.jobName(),
                        lease.holder(),
                        lease.fencingToken(),
                        rs.getObject(1, OffsetDateTime.class).toInstant()))
                : Optional.empty();
      }
      commitUnlessAutoCommit(c);
      return renewed;
    } catch (SQLException e) {
      throw failure("renew a job lease", e);
    }
  }

  @Override
  public boolean release(JobLease lease) {
    Objects.requireNonNull(lease, "lease");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RELEASE)) {
      ps.setString(1, lease.jobName());
      ps.setLong(2, lease.fencingToken());
      boolean released = ps.executeUpdate() == 1;
      commitUnlessAutoCommit(c);
      return released;
    } catch (SQLException e) {
      throw failure("release a job lease", e);
    }
  }

  @Override
  public String toString() {
    return "PostgresJobLockStore";
  }

  /**
   * Commits when the data source hands out connections without auto-commit (a HikariCP pool built
   * with {@code autoCommit=false}, as guardrails-data's {@code ConnectionPool} builds them): else
   * the pool rolls the statement back when the connection returns, and no lease ever holds.
   */
  private static void commitUnlessAutoCommit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException(
        "job lock store could not " + what + ": SQL state " + e.getSQLState(), e);
  }
}
