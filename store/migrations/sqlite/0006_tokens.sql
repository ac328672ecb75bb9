-- API tokens created with `weft token create` (src/auth.rs). Only the SHA-256 of each
-- secret is kept. Not derived from the change log (a rebuild keeps it): creating and
-- revoking tokens is administration of this server, not catalog metadata.
CREATE TABLE api_tokens (
    name          TEXT    PRIMARY KEY,
    secret_sha256 BLOB    NOT NULL UNIQUE,
    scopes        TEXT    NOT NULL,   -- comma-separated: read, write, review, admin
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
