CREATE TABLE invoices (id bigint PRIMARY KEY, total bigint NOT NULL);
