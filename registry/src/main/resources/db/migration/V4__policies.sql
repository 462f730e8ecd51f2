-- Policies by kind ('acl' or 'cedar') and name; the text as written by the operator.
CREATE TABLE av_policies (
    kind        VARCHAR(16) NOT NULL,
    name        VARCHAR(256) NOT NULL,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (kind, name)
);
