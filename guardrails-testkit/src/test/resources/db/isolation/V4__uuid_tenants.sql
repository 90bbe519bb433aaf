-- A correctly guarded table whose tenant column is a uuid, and one whose tenant column is varchar.
CREATE TABLE uuid_documents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL
);
ALTER TABLE uuid_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE uuid_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON uuid_documents
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), '')::uuid);

CREATE TABLE varchar_documents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id varchar(256) NOT NULL
);
ALTER TABLE varchar_documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON varchar_documents
  USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));

GRANT SELECT, INSERT, UPDATE, DELETE ON uuid_documents, varchar_documents TO isolation_app;
