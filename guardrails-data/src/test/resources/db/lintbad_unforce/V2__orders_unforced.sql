-- a later migration that quietly takes the tenant table out of row-level security
ALTER TABLE orders NO FORCE ROW LEVEL SECURITY;
