-- Tables whose SELECT policy is scoped but another command's is not: a probe that reads a column
-- (in WHERE or SET) is held to the SELECT policy too and would never see these leaks.
CREATE TABLE update_open_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL
);
ALTER TABLE update_open_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY scoped_read ON update_open_notes FOR SELECT
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
CREATE POLICY scoped_insert ON update_open_notes FOR INSERT
  WITH CHECK (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
CREATE POLICY any_update ON update_open_notes FOR UPDATE USING (true)
  WITH CHECK (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
CREATE POLICY scoped_delete ON update_open_notes FOR DELETE
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));

CREATE TABLE delete_open_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL
);
ALTER TABLE delete_open_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY scoped_read ON delete_open_notes FOR SELECT
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
CREATE POLICY scoped_insert ON delete_open_notes FOR INSERT
  WITH CHECK (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
CREATE POLICY scoped_update ON delete_open_notes FOR UPDATE
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
CREATE POLICY any_delete ON delete_open_notes FOR DELETE
  USING (nullif(current_setting('guardrails.tenant_id', true), '') IS NOT NULL);

GRANT SELECT, INSERT, UPDATE, DELETE ON update_open_notes, delete_open_notes TO isolation_app;
