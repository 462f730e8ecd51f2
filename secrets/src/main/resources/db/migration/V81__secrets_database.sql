-- The database engine's connections and roles, per mount. `password` is sealed by the barrier.
CREATE TABLE av_db_connections (
    mount            VARCHAR(512) NOT NULL,
    name             VARCHAR(256) NOT NULL,
    plugin_name      VARCHAR(128) NOT NULL,
    connection_url   VARCHAR(2048) NOT NULL,
    username         VARCHAR(256),
    password         BYTEA,
    password_version BIGINT       NOT NULL,
    allowed_roles    TEXT         NOT NULL,
    verify_connection BOOLEAN     NOT NULL,
    PRIMARY KEY (mount, name)
);
CREATE TABLE av_db_roles (
    mount                 VARCHAR(512) NOT NULL,
    name                  VARCHAR(256) NOT NULL,
    db_name               VARCHAR(256) NOT NULL,
    creation_statements   TEXT         NOT NULL,
    revocation_statements TEXT         NOT NULL,
    renew_statements      TEXT         NOT NULL,
    default_ttl           BIGINT       NOT NULL,
    max_ttl               BIGINT       NOT NULL,
    PRIMARY KEY (mount, name)
);
