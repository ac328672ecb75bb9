-- Current state follows each event's own time (eventTime), not the order events
-- arrive in: producers retry, transports send twice, partitions interleave
-- (src/store/writer.rs, "Arrival order").
--
-- event_time: when the stored value was last stated. A facet is replaced only by an
-- event at least as new; an equal time is settled by the larger digest (or text), so
-- the outcome never depends on which arrived first. 0 for rows written before this
-- migration: any event is newer.
ALTER TABLE dataset_facets ADD COLUMN event_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_facets ADD COLUMN event_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_facets ADD COLUMN event_time INTEGER NOT NULL DEFAULT 0;

-- fields_time: when the current schema was last stated; max_version: the highest
-- version number given out, so that a late, older schema lands in the history as a
-- version of its own without becoming current.
ALTER TABLE datasets ADD COLUMN fields_time INTEGER;
ALTER TABLE datasets ADD COLUMN max_version INTEGER NOT NULL DEFAULT 0;
UPDATE datasets SET max_version = current_version;

-- stated_at: the time of the schema a column's type and description come from. A
-- column that only an older, late schema had is kept (lineage may name it) with the
-- newest such schema's type; a column of the current schema keeps the current one's.
ALTER TABLE columns ADD COLUMN stated_at INTEGER NOT NULL DEFAULT 0;

-- A facet removed (`_deleted: true`) at event_time: an older event that sets it again
-- arrives late and must not bring it back. entity is 'dataset', 'job' or 'run';
-- entity_id the dataset's or job's id, or the run's UUID, as text.
CREATE TABLE facet_tombstones (
    entity     TEXT   NOT NULL,
    entity_id  TEXT   NOT NULL,
    key        TEXT   NOT NULL,
    event_time INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id, key)
);
