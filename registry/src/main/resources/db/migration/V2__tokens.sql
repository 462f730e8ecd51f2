-- Tokens: stored only as SHA-256 hashes of the token string. Times are epoch milliseconds (UTC);
-- expire_at NULL means the token never expires (root tokens only).
CREATE TABLE av_tokens (
    id_hash           VARCHAR(64) PRIMARY KEY,
    accessor          VARCHAR(64) NOT NULL UNIQUE,
    parent_hash       VARCHAR(64),
    policies          TEXT NOT NULL,
    path              VARCHAR(512) NOT NULL,
    display_name      VARCHAR(512) NOT NULL,
    meta              TEXT,
    created_at        BIGINT NOT NULL,
    creation_ttl      BIGINT NOT NULL,
    expire_at         BIGINT,
    explicit_max_ttl  BIGINT NOT NULL,
    period            BIGINT NOT NULL,
    num_uses          INTEGER NOT NULL,
    renewable         BOOLEAN NOT NULL,
    orphan            BOOLEAN NOT NULL,
    bound_cidrs       TEXT,
    kind              VARCHAR(32) NOT NULL,
    agent             VARCHAR(128),
    delegate_user     VARCHAR(256),
    delegation_id     VARCHAR(128),
    restrictions      TEXT,
    last_renewal_at   BIGINT
);
CREATE INDEX av_tokens_parent ON av_tokens (parent_hash);
CREATE INDEX av_tokens_expire ON av_tokens (expire_at);
