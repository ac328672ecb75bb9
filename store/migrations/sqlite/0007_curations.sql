-- What people curated by hand (`catalog.edit` changes, src/store/edits.rs): kept apart
-- from what producers and crawlers state, so their next event cannot undo it, and read
-- in preference to it. Derived from the change log like all current state.
-- field: 'description' (text), 'owners' (JSON list), 'deprecation' (JSON {note}).
-- column_name '' is the dataset itself.
CREATE TABLE curations (
    dataset_id  INTEGER NOT NULL,
    column_name TEXT    NOT NULL,
    field       TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, column_name, field)
);
