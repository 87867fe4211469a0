-- A counter that moves whenever an SLA policy or a calendar changes, kept by
-- triggers so that no write path can forget it. Each kefu process keeps the
-- policies and calendars in memory and reads this counter with the facts of
-- every new order, reloading them when it has moved: several processes on
-- one database never work from settings another has changed.
CREATE TABLE settings_version (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
);
INSERT INTO settings_version (id, n) VALUES (1, 0);

CREATE TRIGGER sla_policies_inserted AFTER INSERT ON sla_policies
BEGIN UPDATE settings_version SET n = n + 1; END;
CREATE TRIGGER sla_policies_updated AFTER UPDATE ON sla_policies
BEGIN UPDATE settings_version SET n = n + 1; END;
CREATE TRIGGER sla_policies_deleted AFTER DELETE ON sla_policies
BEGIN UPDATE settings_version SET n = n + 1; END;
CREATE TRIGGER calendars_inserted AFTER INSERT ON calendars
BEGIN UPDATE settings_version SET n = n + 1; END;
CREATE TRIGGER calendars_updated AFTER UPDATE ON calendars
BEGIN UPDATE settings_version SET n = n + 1; END;
CREATE TRIGGER calendars_deleted AFTER DELETE ON calendars
BEGIN UPDATE settings_version SET n = n + 1; END;
