-- Built-in KV v2 engine (dev.av.secrets.kv). One row per mount in kv_config, one row per secret
-- path in kv_metadata, one row per version in kv_versions. Secret values live only in
-- kv_versions.sealed_value, sealed by the barrier (AES-256-GCM, AAD = table|mount/path|version);
-- paths, timestamps and custom_metadata are not secret (as in Vault, custom_metadata is metadata).
CREATE TABLE kv_config (
    mount                     VARCHAR(255) NOT NULL PRIMARY KEY,
    max_versions              INTEGER      NOT NULL DEFAULT 0,
    cas_required              BOOLEAN      NOT NULL DEFAULT FALSE,
    delete_version_after_ns   BIGINT       NOT NULL DEFAULT 0
);

CREATE TABLE kv_metadata (
    mount                     VARCHAR(255)  NOT NULL,
    path                      VARCHAR(1024) NOT NULL,
    current_version           BIGINT        NOT NULL,
    oldest_version            BIGINT        NOT NULL,
    max_versions              INTEGER       NOT NULL DEFAULT 0,
    cas_required              BOOLEAN       NOT NULL DEFAULT FALSE,
    delete_version_after_ns   BIGINT        NOT NULL DEFAULT 0,
    custom_metadata           VARCHAR(100000),
    created_time              TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_time              TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mount, path)
);

CREATE TABLE kv_versions (
    mount                     VARCHAR(255)  NOT NULL,
    path                      VARCHAR(1024) NOT NULL,
    version                   BIGINT        NOT NULL,
    created_time              TIMESTAMP WITH TIME ZONE NOT NULL,
    deletion_time             TIMESTAMP WITH TIME ZONE,
    destroyed                 BOOLEAN       NOT NULL DEFAULT FALSE,
    sealed_value              BYTEA,
    PRIMARY KEY (mount, path, version)
);
