-- Weft store, SQLite flavour. Times are microseconds since the Unix epoch (UTC).
-- Keep in step with ../postgres/0001_init.sql: the same queries run on both.

-- The truth: every change, in order, hash-chained (see src/store/log.rs).
CREATE TABLE change_log (
    seq            INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    actor          TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    entity         TEXT    NOT NULL,
    namespace      TEXT,               -- the job's or dataset's namespace, for feeds and counters
    payload        TEXT,               -- NULL once redacted for erasure
    payload_digest BLOB    NOT NULL,   -- SHA-256 of the payload; the chain covers this
    hash           BLOB    NOT NULL,
    dedupe_key     BLOB UNIQUE,
    redacted_at    INTEGER
);
CREATE INDEX change_log_entity ON change_log(entity);

CREATE TABLE change_warnings (
    seq     INTEGER NOT NULL,
    path    TEXT    NOT NULL,
    message TEXT    NOT NULL
);
CREATE INDEX change_warnings_seq ON change_warnings(seq);

CREATE TABLE namespaces (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    description TEXT,
    owner_name  TEXT
);

CREATE TABLE datasets (
    id              INTEGER PRIMARY KEY,
    namespace_id    INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    type            TEXT    NOT NULL DEFAULT 'DB_TABLE',
    source_name     TEXT,
    description     TEXT,
    lifecycle       TEXT,
    current_version INTEGER NOT NULL DEFAULT 0,
    fields_digest   BLOB,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (namespace_id, name)
);

CREATE TABLE dataset_facets (
    dataset_id INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    digest     BLOB    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, key)
);

-- A new version only when the fields change (content-addressed by fields_digest).
CREATE TABLE dataset_versions (
    dataset_id    INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    fields_digest BLOB    NOT NULL,
    fields        TEXT    NOT NULL,
    run_id        TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, version)
);

-- A column is current when last_version equals its dataset's current_version.
CREATE TABLE columns (
    dataset_id    INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    data_type     TEXT,
    description   TEXT,
    ordinal       INTEGER NOT NULL,
    first_version INTEGER NOT NULL,
    last_version  INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, name)
);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    namespace_id INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    type         TEXT,
    description  TEXT,
    sql          TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (namespace_id, name)
);

CREATE TABLE job_facets (
    job_id     INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    digest     BLOB    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, key)
);

CREATE TABLE job_io (
    job_id     INTEGER NOT NULL,
    dataset_id INTEGER NOT NULL,
    direction  TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, dataset_id, direction)
);
CREATE INDEX job_io_dataset ON job_io(dataset_id, direction);

CREATE TABLE runs (
    id            TEXT    PRIMARY KEY,
    external_id   TEXT    NOT NULL,
    job_id        INTEGER NOT NULL,
    state         TEXT,
    state_order   INTEGER,
    started_at    INTEGER,
    ended_at      INTEGER,
    nominal_start INTEGER,
    nominal_end   INTEGER,
    parent_run_id TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX runs_job ON runs(job_id, created_at);
CREATE INDEX runs_external ON runs(external_id);

CREATE TABLE run_facets (
    run_id     TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
);

CREATE TABLE run_io (
    run_id          TEXT    NOT NULL,
    dataset_id      INTEGER NOT NULL,
    direction       TEXT    NOT NULL,
    dataset_version INTEGER NOT NULL,
    PRIMARY KEY (run_id, dataset_id, direction)
);
CREATE INDEX run_io_dataset ON run_io(dataset_id, direction);

-- dst_column '' is a dataset-level dependency; job_id 0 means no producing job.
CREATE TABLE column_edges (
    dst_dataset_id  INTEGER NOT NULL,
    dst_column      TEXT    NOT NULL,
    src_dataset_id  INTEGER NOT NULL,
    src_column      TEXT    NOT NULL,
    job_id          INTEGER NOT NULL,
    origin          TEXT    NOT NULL,
    transformations TEXT    NOT NULL,
    description     TEXT,
    first_seen      INTEGER NOT NULL,
    last_seen       INTEGER NOT NULL,
    PRIMARY KEY (dst_dataset_id, dst_column, src_dataset_id, src_column, job_id, origin)
);
CREATE INDEX column_edges_src ON column_edges(src_dataset_id, src_column);

CREATE TABLE tags (
    dataset_id  INTEGER NOT NULL,
    column_name TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    value       TEXT,
    source      TEXT,
    origin      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, column_name, key)
);

CREATE TABLE owners (
    entity_type TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    owner_type  TEXT,
    PRIMARY KEY (entity_type, entity_id, name)
);

-- How far each derived view has read the change log (src/views/mod.rs).
CREATE TABLE view_cursors (
    name       TEXT    PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The counters view's own state.
CREATE TABLE namespace_stats (
    namespace     TEXT    PRIMARY KEY,
    events        INTEGER NOT NULL,
    run_events    INTEGER NOT NULL,
    last_event_at INTEGER NOT NULL
);
