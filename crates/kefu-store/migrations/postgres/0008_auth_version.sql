-- A counter that moves whenever a user or a token changes (disabled, a new
-- password, another role, a token revoked), kept by triggers so that no
-- write path can forget it. Each kefu process keeps the tokens it has
-- verified in memory for a short while, and trusts them only while this
-- counter stands where it stood when they were verified: a disabled user
-- or a revoked token ends access in every process sharing the database.
-- A new token (a login) changes nothing that was verified, and moves nothing.
CREATE TABLE auth_version (
    id  SMALLINT PRIMARY KEY CHECK (id = 1),
    n   BIGINT NOT NULL
);
INSERT INTO auth_version (id, n) VALUES (1, 0);

CREATE FUNCTION auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_version SET n = n + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_changed_auth AFTER UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION auth_changed();
CREATE TRIGGER tokens_changed_auth AFTER UPDATE OR DELETE ON tokens
    FOR EACH STATEMENT EXECUTE FUNCTION auth_changed();
