-- Enabled audit devices. Options that are not secret are plain JSON; the device's HMAC salt, its
-- Ed25519 checkpoint signing key and its secret options (e.g. a webhook's authorization header)
-- are one JSON document sealed through the barrier (table av_audit_devices, id = name, version 1).
CREATE TABLE av_audit_devices (
    name          VARCHAR(128) PRIMARY KEY,
    type          VARCHAR(32) NOT NULL,
    description   TEXT NOT NULL,
    options       TEXT NOT NULL,
    sealed        BYTEA NOT NULL,
    public_key    TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
