-- A counter that moves whenever a user or a token changes (disabled, a new
-- password, another role, a token revoked), kept by triggers so that no
-- write path can forget it. Each kefu process keeps the tokens it has
-- verified in memory for a short while, and trusts them only while this
-- counter stands where it stood when they were verified: a disabled user
-- or a revoked token ends access in every process sharing the database.
-- A new token (a login) changes nothing that was verified, and moves nothing.
CREATE TABLE auth_version (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
);
INSERT INTO auth_version (id, n) VALUES (1, 0);

CREATE TRIGGER users_updated_auth AFTER UPDATE ON users
BEGIN UPDATE auth_version SET n = n + 1; END;
CREATE TRIGGER users_deleted_auth AFTER DELETE ON users
BEGIN UPDATE auth_version SET n = n + 1; END;
CREATE TRIGGER tokens_updated_auth AFTER UPDATE ON tokens
BEGIN UPDATE auth_version SET n = n + 1; END;
CREATE TRIGGER tokens_deleted_auth AFTER DELETE ON tokens
BEGIN UPDATE auth_version SET n = n + 1; END;
