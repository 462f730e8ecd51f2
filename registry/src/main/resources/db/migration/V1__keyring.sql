-- The keyring: the data encryption key (DEK), wrapped by a key derived from the unseal key with
-- Argon2id. One row (id = 1). The unseal key itself is never stored.
CREATE TABLE av_keyring (
    id              INTEGER PRIMARY KEY,
    term            INTEGER NOT NULL,
    wrapped_dek     BYTEA NOT NULL,
    kdf_salt        BYTEA NOT NULL,
    kdf_params      VARCHAR(200) NOT NULL,
    passphrase      BOOLEAN NOT NULL,
    created_at      BIGINT NOT NULL,
    rekeyed_at      BIGINT NOT NULL
);
