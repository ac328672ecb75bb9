-- Review state of tags on columns (src/store/reviews.rs): one row per (column, tag)
-- that a person has touched. Every decision is also in change_log (kind 'tag.review')
-- with its reviewer and reason; this table is what the lineage graph replays at start.
-- Keep in step with ../sqlite/0003_tag_reviews.sql.

CREATE TABLE tag_reviews (
    dataset_id  BIGINT  NOT NULL,
    column_name TEXT    NOT NULL,
    tag         TEXT    NOT NULL,
    manual      BIGINT  NOT NULL,   -- 1 when added by hand (a confirmed source)
    decision    TEXT,               -- 'confirmed', 'rejected' or NULL
    reviewer    TEXT    NOT NULL,   -- who made the latest move
    reason      TEXT,
    seq         BIGINT  NOT NULL,   -- the change-log entry of the latest move
    at          BIGINT  NOT NULL,
    PRIMARY KEY (dataset_id, column_name, tag)
);

-- Column edges a person retracted (src/store/reviews.rs). The rows themselves are
-- deleted from column_edges; this keeps the SQL view from deriving them again. A
-- producer that states the edge again brings it back. origin '' means every origin.
CREATE TABLE edge_retractions (
    dst_dataset_id BIGINT  NOT NULL,
    dst_column     TEXT    NOT NULL,
    src_dataset_id BIGINT  NOT NULL,
    src_column     TEXT    NOT NULL,
    origin         TEXT    NOT NULL,
    seq            BIGINT  NOT NULL,
    PRIMARY KEY (dst_dataset_id, dst_column, src_dataset_id, src_column, origin)
);
