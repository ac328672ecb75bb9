-- Positions of external sources (Kafka consumer groups today) read into the store:
-- the next offset to read per (source, stream, partition). Written by the writer in the
-- same transaction as the changes the messages produced, so a crash never applies a
-- message twice nor skips one; a position only moves forward. Not derived from the
-- change log (a rebuild keeps it): it says what was read, not what it means.
CREATE TABLE source_positions (
    source      TEXT    NOT NULL,   -- e.g. `kafka:<group>`
    stream      TEXT    NOT NULL,   -- e.g. the topic
    part        INTEGER NOT NULL,   -- the partition
    next_offset INTEGER  NOT NULL,   -- the first offset not yet applied
    updated_at  INTEGER  NOT NULL,
    PRIMARY KEY (source, stream, part)
);

-- Input a source sent that could not be stored (not JSON, not an event, refused by
-- normalization), recorded once the dead-letter stream acknowledged it, in the same
-- transaction as the position moving past it. One row per refused item: a batch
-- message with two bad events has two rows (item = its index; -1 for the whole message).
CREATE TABLE dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT    NOT NULL,
    stream      TEXT    NOT NULL,
    part        INTEGER NOT NULL,
    msg_offset  INTEGER  NOT NULL,
    item        INTEGER NOT NULL,
    msg_key     BLOB,
    error       TEXT    NOT NULL,
    path        TEXT,
    dead_letter_stream TEXT NOT NULL,
    at          INTEGER  NOT NULL,
    UNIQUE (source, stream, part, msg_offset, item)
);
