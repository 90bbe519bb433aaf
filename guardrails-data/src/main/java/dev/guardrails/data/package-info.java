/**
 * An audited, tenant-scoped data layer on plain JDBC: every write with its audit row in one
 * transaction, owner and tenant scoping in every query, optimistic locking, PostgreSQL row-level
 * security driven per transaction, idempotency keys, migrations, a hash-chained audit log and
 * restore drills.
 *
 * <pre>{@code
 * record Note(UUID id, String title, String ssn, long version) {}
 *
 * HikariDataSource pool = ConnectionPool.builder(url).credentials("app", password).build();
 * Migrations.builder(ownerDataSource, Dialect.postgresql())
 *     .applicationRole("app").userLocations("classpath:db/migration").build().migrate();
 * Database db = Database.builder(pool, Dialect.postgresql()).build();
 * AuditedRepository<Note> notes = AuditedRepository.of(db,
 *     TableMapping.forRecord(Note.class, "notes").versionColumn("version").sensitive("ssn").build(),
 *     RowScope.tenant());
 *
 * try (var scope = GuardContext.start(actor, clock).open()) {
 *   Note stored = notes.insert(new Note(UUID.randomUUID(), "hello", "123-45-6789", 0));
 *   Optional<Note> mine = notes.findById(stored.id());   // empty for another tenant
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.guardrails.data.Database} and {@link dev.guardrails.data.Transaction}: work in
 *       transactions under the current {@link dev.guardrails.core.GuardContext}, with the tenant,
 *       actor and correlation id as transaction-local settings on PostgreSQL;
 *   <li>{@link dev.guardrails.data.AuditedRepository}, {@link dev.guardrails.data.TableMapping},
 *       {@link dev.guardrails.data.RowScope}: audited, scoped CRUD and paging;
 *   <li>{@link dev.guardrails.data.AuditLog}: the per-tenant hash chain, sealed after commit, and
 *       its verifier;
 *   <li>{@link dev.guardrails.data.IdempotencyKeys}: Stripe-style idempotency, database-enforced;
 *   <li>{@link dev.guardrails.data.RowLevelSecurity}, {@link dev.guardrails.data.ConformanceCheck}:
 *       PostgreSQL policies that fail closed, and a check of the live database;
 *   <li>{@link dev.guardrails.data.Migrations}, {@link dev.guardrails.data.MigrationLint}: Flyway
 *       with clean disabled and an optional schema lint;
 *   <li>{@link dev.guardrails.data.RestoreDrill}: back up, restore, compare, record, alert.
 * </ul>
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.data;

import org.jspecify.annotations.NullMarked;
