-- Trusted identity providers for RFC 8693 token exchange (auth/oidc/config).
CREATE TABLE av_oidc_config (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    issuer      TEXT         NOT NULL,
    jwks_url    TEXT,
    jwks_keys   TEXT,
    audience    TEXT         NOT NULL,
    user_claim  VARCHAR(64)  NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
