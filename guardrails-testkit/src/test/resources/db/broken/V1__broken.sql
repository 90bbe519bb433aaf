-- A migration that fails, for GuardrailsPostgresTest.
CREATE TABLE broken (;
