-- Agent registry: agents, human delegates (users), consent scopes, delegations, agent identity tokens.
-- Lists and maps are JSON text (names are restricted, so they never need escaping beyond JSON's own).

CREATE TABLE av_agents (
    name             VARCHAR(64)  NOT NULL PRIMARY KEY,
    agent_type       TEXT         NOT NULL,
    description      TEXT         NOT NULL,
    metadata         TEXT         NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    policies         TEXT         NOT NULL,
    delegates        TEXT         NOT NULL,
    eph_enabled      BOOLEAN      NOT NULL,
    eph_max_ttl      BIGINT       NOT NULL,
    eph_default_ttl  BIGINT       NOT NULL,
    eph_num_uses     INTEGER      NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE av_registry_users (
    name          VARCHAR(64)  NOT NULL PRIMARY KEY,
    display_name  TEXT         NOT NULL,
    email         TEXT         NOT NULL,
    oidc_subject  VARCHAR(512),
    policies      TEXT         NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE UNIQUE INDEX av_registry_users_subject ON av_registry_users (oidc_subject);

CREATE TABLE av_scopes (
    name         VARCHAR(64)  NOT NULL PRIMARY KEY,
    description  TEXT         NOT NULL,
    policy       TEXT         NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE av_delegations (
    id             VARCHAR(128) NOT NULL PRIMARY KEY,
    agent          VARCHAR(64)  NOT NULL,
    delegate_user  VARCHAR(64)  NOT NULL,
    scopes         TEXT         NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE,
    status         VARCHAR(16)  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX av_delegations_agent ON av_delegations (agent);

-- The identity tokens an agent currently holds, by accessor. A rotated token keeps working until
-- not_after (the overlap window); a row absent here means the token no longer authenticates the agent.
CREATE TABLE av_agent_tokens (
    accessor    VARCHAR(128) NOT NULL PRIMARY KEY,
    agent       VARCHAR(64)  NOT NULL,
    not_after   TIMESTAMP WITH TIME ZONE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX av_agent_tokens_agent ON av_agent_tokens (agent);
