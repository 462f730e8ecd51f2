-- The mount table: which secret engine (by type) answers under which path.
CREATE TABLE av_mounts (
    path          VARCHAR(512) PRIMARY KEY,
    type          VARCHAR(64) NOT NULL,
    description   TEXT NOT NULL,
    accessor      VARCHAR(128) NOT NULL UNIQUE,
    uuid          VARCHAR(64) NOT NULL UNIQUE,
    options       TEXT NOT NULL,
    config        TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
