-- Invoice Desk: firms (the tenants), their clients and invoices.
-- Row-level security on the tenant tables is turned on by V2 (a Java migration using the
-- library's RowLevelSecurity helper), so the policies are exactly the library's.

CREATE TABLE firms (
  id   text PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE clients (
  id        uuid   NOT NULL,
  tenant_id text   NOT NULL REFERENCES firms (id),
  owner_id  text   NOT NULL,
  name      text   NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email     text   NOT NULL,
  tax_id    text   NOT NULL,
  version   bigint NOT NULL,
  PRIMARY KEY (id),
  -- lets invoices reference a client of their own firm only (foreign keys bypass row-level security)
  UNIQUE (tenant_id, id)
);

CREATE TABLE invoices (
  id           uuid    NOT NULL PRIMARY KEY,
  tenant_id    text    NOT NULL REFERENCES firms (id),
  owner_id     text    NOT NULL,
  client_id    uuid    NOT NULL,
  number       text    NOT NULL,
  description  text    NOT NULL,
  amount_cents bigint  NOT NULL CHECK (amount_cents > 0),
  currency     text    NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  due_date     date    NOT NULL,
  status       text    NOT NULL CHECK (status IN ('OPEN', 'PAID', 'VOID')),
  reminders    integer NOT NULL DEFAULT 0,
  version      bigint  NOT NULL,
  UNIQUE (tenant_id, number),
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id)
);
CREATE INDEX invoices_due ON invoices (tenant_id, status, due_date);
