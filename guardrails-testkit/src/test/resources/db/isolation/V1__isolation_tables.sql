-- Tables for TenantIsolation's tests: one guarded as RowLevelSecurity guards it (enabled from the
-- test), and four broken in the ways real schemas are.
CREATE TABLE documents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL,
  title text NOT NULL
);
CREATE INDEX documents_tenant ON documents (tenant_id);

-- Session-wide tenant settings: guarded like documents; its seeder sets the tenant for the session.
CREATE TABLE session_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL
);

-- No row-level security at all.
CREATE TABLE open_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL
);

-- Fails open: a missing or empty tenant setting matches every row.
CREATE TABLE fail_open_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL
);
ALTER TABLE fail_open_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY fail_open ON fail_open_notes
  USING (coalesce(current_setting('guardrails.tenant_id', true), '') IN ('', tenant_id));

-- Reads are scoped, but writes are checked against nothing: rows can be planted or moved across.
CREATE TABLE plantable_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL
);
ALTER TABLE plantable_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY scoped_read ON plantable_notes FOR SELECT
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
CREATE POLICY any_insert ON plantable_notes FOR INSERT WITH CHECK (true);
CREATE POLICY scoped_update ON plantable_notes FOR UPDATE
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), '')) WITH CHECK (true);
CREATE POLICY scoped_delete ON plantable_notes FOR DELETE
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));

GRANT SELECT, INSERT, UPDATE, DELETE
  ON documents, session_notes, open_notes, fail_open_notes, plantable_notes TO isolation_app;
