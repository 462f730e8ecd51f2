-- Leases of dynamic secrets (secrets module). A lease outlives the process: expiry and pending
-- revocations are picked up again after a restart. `internal` is sealed by the barrier.
CREATE TABLE av_leases (
    lease_id        VARCHAR(1024) PRIMARY KEY,
    mount           VARCHAR(512)  NOT NULL,
    path            VARCHAR(1024) NOT NULL,
    owner           VARCHAR(256),
    issue_time      TIMESTAMP WITH TIME ZONE NOT NULL,
    expire_time     TIMESTAMP WITH TIME ZONE NOT NULL,
    last_renewal    TIMESTAMP WITH TIME ZONE,
    max_expire_time TIMESTAMP WITH TIME ZONE NOT NULL,
    ttl_seconds     BIGINT        NOT NULL,
    renewable       BOOLEAN       NOT NULL,
    state           VARCHAR(16)   NOT NULL,
    revoke_attempts INT           NOT NULL DEFAULT 0,
    next_attempt    TIMESTAMP WITH TIME ZONE,
    last_error      VARCHAR(512),
    internal        BYTEA
);
CREATE INDEX av_leases_owner ON av_leases (owner);
CREATE INDEX av_leases_expire ON av_leases (state, expire_time);
CREATE INDEX av_leases_mount ON av_leases (mount);
