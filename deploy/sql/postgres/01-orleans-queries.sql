-- DeiT.Tuning on PostgreSQL, step 1 of 3: the table Orleans' ADO.NET providers read their SQL from.
-- Each provider loads the rows whose QueryKey it knows at start-up and runs QueryText with @Name parameters.
-- Apply the three files in order to an empty database (psql -v ON_ERROR_STOP=1 -f ...), or let the
-- postgres image run them from /docker-entrypoint-initdb.d (deploy/compose).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
