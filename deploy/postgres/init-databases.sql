-- Runs once, when the PostgreSQL volume is first initialised. POSTGRES_DB
-- creates the main "temporal" database; visibility (list queries, search
-- attributes) lives in its own database, as temporal-sql-tool expects.
CREATE DATABASE temporal_visibility;
