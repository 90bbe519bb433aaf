CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id text NOT NULL, total bigint NOT NULL);
