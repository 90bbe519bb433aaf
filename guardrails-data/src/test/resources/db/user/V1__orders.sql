CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id varchar(256) NOT NULL, total bigint NOT NULL);
