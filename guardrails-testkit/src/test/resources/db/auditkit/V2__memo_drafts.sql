-- A second watched table that tests may empty, with a parent whose TRUNCATE ... CASCADE reaches it.
CREATE TABLE draft_parents (
  id int PRIMARY KEY
);

CREATE TABLE memo_drafts (
  id uuid PRIMARY KEY,
  tenant_id varchar(256) NOT NULL,
  title text NOT NULL,
  parent int REFERENCES draft_parents (id)
);
