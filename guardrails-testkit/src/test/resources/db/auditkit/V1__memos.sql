CREATE TABLE memos (
  id uuid PRIMARY KEY,
  tenant_id varchar(256) NOT NULL,
  title text NOT NULL
);
