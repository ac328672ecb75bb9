-- The policy violations standing now (store/src/policy_violations.rs): the current
-- state of the `policy.violation` changes the continuous evaluation writes (an `open`
-- upserts the row, a `cleared` deletes it), so `weft rebuild` recomputes it from the
-- log like all current state. The APIs read it; the evaluator compares its findings
-- with it. Keep in step with ../sqlite/0010_policy_violations.sql.
-- vkey: hex SHA-256 of (policy, column, message), the violation's identity within its
-- dataset (a message can be long; the key keeps the primary key small).
-- column_name '' is the dataset itself; path is the JSON list of hops ('[]' for none).
CREATE TABLE policy_violations (
    dataset_id  BIGINT  NOT NULL,
    vkey        TEXT    NOT NULL,
    policy      TEXT    NOT NULL,
    column_name TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    seq         BIGINT  NOT NULL,
    at          BIGINT  NOT NULL,
    PRIMARY KEY (dataset_id, vkey)
);
CREATE INDEX policy_violations_policy ON policy_violations (policy, severity);
