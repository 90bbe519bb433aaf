-- An idempotency key belongs to the actor that first used it: a repeat from another actor of the
-- same tenant is a conflict, never that actor's stored result. Rows written before this column
-- existed keep the tenant-wide behaviour (NULL matches any actor) until they expire.
ALTER TABLE guardrails_idempotency ADD COLUMN actor text;
