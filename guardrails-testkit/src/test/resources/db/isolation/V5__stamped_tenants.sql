-- Correctly guarded, and a trigger stamps every written row with the session's own tenant, whatever
-- the statement asked for: a row "inserted into" or "moved to" another tenant lands in its own.
CREATE TABLE stamped_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL
);
ALTER TABLE stamped_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON stamped_notes
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
CREATE FUNCTION stamp_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tenant_id := nullif(current_setting('guardrails.tenant_id', true), '');
  RETURN NEW;
END $$;
CREATE TRIGGER stamp_tenant BEFORE INSERT OR UPDATE ON stamped_notes
  FOR EACH ROW EXECUTE FUNCTION stamp_tenant();

GRANT SELECT, INSERT, UPDATE, DELETE ON stamped_notes TO isolation_app;
