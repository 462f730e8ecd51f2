-- The vault engine's upstream connection per mount (address, TLS, auth); sealed by the barrier as a
-- whole, since it holds the upstream token, AppRole secret_id or client key.
CREATE TABLE av_vault_upstreams (
    mount_key VARCHAR(256) PRIMARY KEY,
    version   BIGINT       NOT NULL,
    config    BYTEA        NOT NULL
);
