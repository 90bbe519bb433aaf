CREATE TABLE notes (
  id bigint PRIMARY KEY,
  tenant_id text NOT NULL,
  body text NOT NULL
);
GRANT SELECT, INSERT ON notes TO testkit_app;
