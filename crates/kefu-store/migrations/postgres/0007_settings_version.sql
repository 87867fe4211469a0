-- A counter that moves whenever an SLA policy or a calendar changes, kept by
-- triggers so that no write path can forget it. Each kefu process keeps the
-- policies and calendars in memory and reads this counter with the facts of
-- every new order, reloading them when it has moved: several processes on
-- one database never work from settings another has changed.
CREATE TABLE settings_version (
    id  SMALLINT PRIMARY KEY CHECK (id = 1),
    n   BIGINT NOT NULL
);
INSERT INTO settings_version (id, n) VALUES (1, 0);

CREATE FUNCTION settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE settings_version SET n = n + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER sla_policies_changed AFTER INSERT OR UPDATE OR DELETE ON sla_policies
    FOR EACH STATEMENT EXECUTE FUNCTION settings_changed();
CREATE TRIGGER calendars_changed AFTER INSERT OR UPDATE OR DELETE ON calendars
    FOR EACH STATEMENT EXECUTE FUNCTION settings_changed();
