-- The table Orleans' AdoNet providers read their SQL from at silo start (clustering, grain storage, reminders).
--
-- Its name and columns are fixed by the providers, which run exactly
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- unquoted, so PostgreSQL folds them to orleansquery / querykey / querytext. Every other object in this schema
-- is ours to name; result columns are aliased back to the names the providers read (see docs/PERSISTENCE.md).
--
-- Later scripts upsert their rows, so a query can be fixed by a new script that upserts it again.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,
    CONSTRAINT orleansquery_pkey PRIMARY KEY (querykey)
);
