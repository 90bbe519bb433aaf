-- guardrails-data on H2: the same tables as on PostgreSQL, without triggers and row-level security.

CREATE TABLE guardrails_audit (
  seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id      VARCHAR(256)  NOT NULL,
  table_name     VARCHAR(128)  NOT NULL,
  record_id      VARCHAR(1024) NOT NULL,
  action         VARCHAR(16)   NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'SOFT_DELETE')),
  actor_id       VARCHAR(256)  NOT NULL,
  actor_kind     VARCHAR(16)   NOT NULL,
  correlation_id VARCHAR(256)  NOT NULL,
  transaction_id VARCHAR(64)   NOT NULL,
  occurred_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  before_values  CHARACTER LARGE OBJECT,
  after_values   CHARACTER LARGE OBJECT
);
-- The only secondary index: a record's history. The sealer and verifier go by seq (the primary key).
CREATE INDEX guardrails_audit_record ON guardrails_audit (table_name, record_id);

CREATE TABLE guardrails_audit_seal (
  tenant_id   VARCHAR(256) NOT NULL,
  chain_index BIGINT       NOT NULL,
  audit_seq   BIGINT       NOT NULL UNIQUE REFERENCES guardrails_audit (seq),
  prev_hash   VARCHAR(64)  NOT NULL,
  hash        VARCHAR(64)  NOT NULL,
  sealed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, chain_index)
);

CREATE TABLE guardrails_idempotency (
  tenant_id       VARCHAR(256) NOT NULL,
  idempotency_key VARCHAR(256) NOT NULL,
  request_hash    VARCHAR(64)  NOT NULL,
  state           VARCHAR(16)  NOT NULL CHECK (state IN ('IN_FLIGHT', 'COMPLETED')),
  claim_token     VARCHAR(64)  NOT NULL,
  response        CHARACTER LARGE OBJECT,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  locked_until    TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, idempotency_key)
);
CREATE INDEX guardrails_idempotency_expiry ON guardrails_idempotency (expires_at);

CREATE TABLE guardrails_restore_drill (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  duration_ms BIGINT        NOT NULL,
  succeeded   BOOLEAN       NOT NULL,
  table_count INTEGER       NOT NULL,
  row_count   BIGINT        NOT NULL,
  summary     CHARACTER LARGE OBJECT NOT NULL
);
CREATE INDEX guardrails_restore_drill_started ON guardrails_restore_drill (succeeded, started_at);
