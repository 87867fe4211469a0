-- The dealer group's own settings, one row: the time zone its days and hours
-- are counted in where no dealer's applies (the centre's workbench, reports,
-- order numbers), and the prefix of its order numbers. A change moves the
-- settings counter of migration 0007, which every new order already reads:
-- each kefu process keeps this row in memory and reads it again only then.
CREATE TABLE group_settings (
    id             SMALLINT PRIMARY KEY CHECK (id = 1),
    timezone       TEXT NOT NULL,
    number_prefix  TEXT NOT NULL,
    updated_at     BIGINT NOT NULL
);
INSERT INTO group_settings (id, timezone, number_prefix, updated_at)
    VALUES (1, 'Asia/Shanghai', 'GD-', 0);

CREATE TRIGGER group_settings_changed AFTER INSERT OR UPDATE OR DELETE ON group_settings
    FOR EACH STATEMENT EXECUTE FUNCTION settings_changed();
