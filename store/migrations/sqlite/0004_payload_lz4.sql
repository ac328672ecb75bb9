-- Payloads stored LZ4-compressed (src/store/log.rs): a typical event's JSON is 6-10 KB
-- and LZ4 shrinks it 3-4×, which cuts the WAL volume every commit writes and syncs.
-- New rows keep `payload` NULL and the block in `payload_lz4`; rows written before
-- keep their text. Readers take whichever is set; redaction clears both.
-- Keep in step with ../postgres/0004_payload_lz4.sql.

ALTER TABLE change_log ADD COLUMN payload_lz4 BLOB;
