-- A view over documents that runs as its owner (no security_invoker): the owner is not held to the
-- table's policies, so the view hands every tenant's rows to whoever may use it.
CREATE VIEW documents_everywhere AS SELECT * FROM documents;
GRANT SELECT, INSERT, UPDATE, DELETE ON documents_everywhere TO isolation_app;
