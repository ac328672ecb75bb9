-- The column SQLite stores compressed payloads in (see ../sqlite/0004_payload_lz4.sql),
-- so the same queries run on both. PostgreSQL keeps writing text to `payload`: it
-- compresses large values itself (TOAST), so this column stays NULL here.

ALTER TABLE change_log ADD COLUMN payload_lz4 BYTEA;
