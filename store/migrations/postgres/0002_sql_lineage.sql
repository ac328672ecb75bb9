-- Column edges derived from jobs' SQL (src/views/sql_lineage.rs). The edges themselves
-- live in column_edges with origin 'sql'; this table says how each job's SQL fared.
-- Keep in step with ../sqlite/0002_sql_lineage.sql.

CREATE TABLE job_sql_lineage (
    job_id     BIGINT  PRIMARY KEY,
    seq        BIGINT  NOT NULL,   -- the change-log entry that triggered the analysis
    dialect    TEXT    NOT NULL,
    statements BIGINT  NOT NULL,
    edges      BIGINT  NOT NULL,
    errors     TEXT    NOT NULL,   -- JSON [{statement, line, column, message}]
    warnings   TEXT    NOT NULL,   -- JSON, same shape
    unresolved TEXT    NOT NULL,   -- JSON [table name as written]
    updated_at BIGINT  NOT NULL
);

-- A job's derived edges are replaced as a set when its SQL changes.
CREATE INDEX column_edges_job ON column_edges(job_id, origin);
