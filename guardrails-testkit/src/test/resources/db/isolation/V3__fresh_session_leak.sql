-- Fails open only on a session that has never had the tenant setting: current_setting(..., true)
-- is NULL there, but '' on a session where any transaction once set it.
CREATE TABLE fresh_session_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL
);
ALTER TABLE fresh_session_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY unset_sees_all ON fresh_session_notes
  USING (current_setting('guardrails.tenant_id', true) IS NULL
         OR tenant_id = current_setting('guardrails.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON fresh_session_notes TO isolation_app;
