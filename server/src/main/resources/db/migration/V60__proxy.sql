-- The credential-injecting proxy (dev.av.server.proxy).
-- proxy_services: one row per service, its configuration as JSON (field names of the API). It holds
-- references to credentials (secret/data/github#token), never their values.
CREATE TABLE proxy_services (
    name        VARCHAR(128) NOT NULL PRIMARY KEY,
    config      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- proxy_settings: one row (id = 1), JSON.
CREATE TABLE proxy_settings (
    id          INTEGER NOT NULL PRIMARY KEY,
    config      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- proxy_ca: the proxy's CA (one row, id = 1). The private key is sealed by the barrier
-- (AAD = proxy_ca|ca|version); retired roots stay trusted until their overlap ends.
CREATE TABLE proxy_ca (
    id          INTEGER NOT NULL PRIMARY KEY,
    version     BIGINT NOT NULL,
    certificate TEXT NOT NULL,
    sealed_key  BYTEA NOT NULL,
    retired     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
