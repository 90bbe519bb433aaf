-- guardrails-data: the append-only, hash-chained audit log and the idempotency keys.

CREATE TABLE guardrails_audit (
  seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id      text        NOT NULL,
  table_name     text        NOT NULL,
  record_id      text        NOT NULL,
  action         text        NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'SOFT_DELETE')),
  actor_id       text        NOT NULL,
  actor_kind     text        NOT NULL,
  correlation_id text        NOT NULL,
  transaction_id text        NOT NULL,
  occurred_at    timestamptz NOT NULL,
  before_values  jsonb,
  after_values   jsonb
);
-- The only secondary index: a record's history. The sealer and verifier go by seq (the primary key).
CREATE INDEX guardrails_audit_record ON guardrails_audit (table_name, record_id);

-- One row per sealed audit row: the per-tenant hash chain, written after commit in sequence order.
CREATE TABLE guardrails_audit_seal (
  tenant_id   text        NOT NULL,
  chain_index bigint      NOT NULL,
  audit_seq   bigint      NOT NULL UNIQUE REFERENCES guardrails_audit (seq),
  prev_hash   text        NOT NULL,
  hash        text        NOT NULL,
  sealed_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, chain_index)
);

-- Append-only, even for the owner: updates, deletes and truncation are refused.
CREATE FUNCTION guardrails_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER guardrails_audit_append_only BEFORE UPDATE OR DELETE ON guardrails_audit
  FOR EACH ROW EXECUTE FUNCTION guardrails_refuse_change();
CREATE TRIGGER guardrails_audit_no_truncate BEFORE TRUNCATE ON guardrails_audit
  FOR EACH STATEMENT EXECUTE FUNCTION guardrails_refuse_change();
CREATE TRIGGER guardrails_audit_seal_append_only BEFORE UPDATE OR DELETE ON guardrails_audit_seal
  FOR EACH ROW EXECUTE FUNCTION guardrails_refuse_change();
CREATE TRIGGER guardrails_audit_seal_no_truncate BEFORE TRUNCATE ON guardrails_audit_seal
  FOR EACH STATEMENT EXECUTE FUNCTION guardrails_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON guardrails_audit, guardrails_audit_seal FROM PUBLIC;

CREATE TABLE guardrails_idempotency (
  tenant_id       text        NOT NULL,
  idempotency_key text        NOT NULL,
  request_hash    text        NOT NULL,
  state           text        NOT NULL CHECK (state IN ('IN_FLIGHT', 'COMPLETED')),
  claim_token     text        NOT NULL,
  response        text,
  created_at      timestamptz NOT NULL,
  locked_until    timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, idempotency_key)
);
CREATE INDEX guardrails_idempotency_expiry ON guardrails_idempotency (expires_at);

CREATE TABLE guardrails_restore_drill (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at     timestamptz NOT NULL,
  duration_ms    bigint      NOT NULL,
  succeeded      boolean     NOT NULL,
  table_count    integer     NOT NULL,
  row_count      bigint      NOT NULL,
  summary        text        NOT NULL
);
CREATE INDEX guardrails_restore_drill_started ON guardrails_restore_drill (succeeded, started_at);
