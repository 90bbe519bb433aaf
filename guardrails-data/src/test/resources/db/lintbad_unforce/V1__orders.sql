CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id text NOT NULL, total bigint NOT NULL);
CREATE INDEX orders_tenant ON orders (tenant_id);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY orders_all ON orders USING (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''))
  WITH CHECK (tenant_id = nullif(current_setting('guardrails.tenant_id', true), ''));
