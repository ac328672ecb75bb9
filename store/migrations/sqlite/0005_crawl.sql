-- What the crawlers learn besides schemas (src/store/usage.rs). Every row here is
-- derived from change_log entries of kind 'usage.queries' and 'crawl.run', so a rebuild
-- recomputes it. Keep in step with ../postgres/0005_crawl.sql.

-- Executions per dataset (column_name '') and per column, per UTC day, with the users
-- and statement fingerprints behind them as sorted, newline-separated sets, so distinct
-- counts stay exact however many crawls add to one day (the writer merges the sets).
CREATE TABLE usage_daily (
    dataset_id  INTEGER NOT NULL,
    column_name TEXT    NOT NULL,
    day         TEXT    NOT NULL,   -- YYYY-MM-DD
    reads       INTEGER NOT NULL,
    writes      INTEGER NOT NULL,
    users       TEXT    NOT NULL,
    queries     TEXT    NOT NULL,
    PRIMARY KEY (dataset_id, column_name, day)
);

-- Queries already counted, per source, so overlapping exports count each run once;
-- calls holds the last cumulative counter of sources that report totals
-- (pg_stat_statements), so the next crawl counts only the difference.
CREATE TABLE query_seen (
    source TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    calls  INTEGER NOT NULL,
    PRIMARY KEY (source, key)
);

-- Normalised statements (literals replaced by placeholders) with their parse errors.
CREATE TABLE query_shapes (
    source       TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    dialect      TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    raw          TEXT,               -- only when the source is configured to keep it
    calls        INTEGER NOT NULL,
    first_seen   INTEGER,
    last_seen    INTEGER,
    error_class  TEXT,
    error        TEXT,
    error_line   INTEGER,
    error_column INTEGER,
    PRIMARY KEY (source, fingerprint)
);

-- One row per crawl (the change-log entry's seq), for the crawl history.
CREATE TABLE crawl_runs (
    seq        INTEGER PRIMARY KEY,
    source     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    namespace  TEXT    NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    counts     TEXT    NOT NULL,   -- JSON object
    errors     TEXT    NOT NULL,   -- JSON array of {class, count, example}
    watermark  INTEGER
);
CREATE INDEX crawl_runs_source ON crawl_runs(source, seq);
