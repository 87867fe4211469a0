-- Business calendars, SLA policies, the clocks that run on work orders, the
-- breaches they record and the notifications they send.

CREATE TABLE calendars (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- The calendar as its admin wrote it (kefu-core CalendarSpec, JSON).
    spec        TEXT NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX calendars_one_default ON calendars (is_default) WHERE is_default = 1;

-- NULL: the default calendar.
ALTER TABLE dealers ADD COLUMN calendar_id INTEGER REFERENCES calendars (id);
ALTER TABLE departments ADD COLUMN calendar_id INTEGER REFERENCES calendars (id);

CREATE TABLE sla_policies (
    id                        INTEGER PRIMARY KEY,
    name                      TEXT NOT NULL,
    -- NULL: the calendar of the dealer or department the order is with.
    calendar_id               INTEGER REFERENCES calendars (id),
    rank                      INTEGER NOT NULL,
    -- {"categories":[],"priorities":[],"channels":[],"tiers":[],"levels":[]}
    match                     TEXT NOT NULL DEFAULT '{}',
    response_minutes          INTEGER,
    resolution_minutes        INTEGER,
    warning_percent           INTEGER NOT NULL DEFAULT 80,
    -- [{"after_minutes":2880,"to":"department_head"}, ...]
    escalations               TEXT NOT NULL DEFAULT '[]',
    callback_attempts         INTEGER NOT NULL DEFAULT 3,
    callback_spacing_minutes  INTEGER NOT NULL DEFAULT 480,
    active                    INTEGER NOT NULL DEFAULT 1,
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL
);
CREATE INDEX sla_policies_rank_idx ON sla_policies (rank, id);

ALTER TABLE tickets ADD COLUMN policy_id INTEGER REFERENCES sla_policies (id);

-- A deadline on a work order. `next_at` is when the scheduler must look at
-- the clock again (its warning point, then its due instant); NULL while it
-- is paused, stopped or done. The scheduler reads only the index on it.
CREATE TABLE clocks (
    id                 INTEGER PRIMARY KEY,
    ticket_id          INTEGER NOT NULL REFERENCES tickets (id),
    -- response | resolution | escalation | callback
    kind               TEXT NOT NULL,
    step               INTEGER NOT NULL DEFAULT 0,
    -- escalation: department_head | vp | manager | liaison
    target             TEXT,
    policy_id          INTEGER REFERENCES sla_policies (id),
    calendar_id        INTEGER REFERENCES calendars (id),
    dealer_id          INTEGER REFERENCES dealers (id),
    department_id      INTEGER REFERENCES departments (id),
    started_at         INTEGER NOT NULL,
    minutes            INTEGER NOT NULL,
    due_at             INTEGER NOT NULL,
    warn_at            INTEGER,
    warned_at          INTEGER,
    paused_at          INTEGER,
    -- Business minutes left when paused.
    remaining_minutes  INTEGER,
    stopped_at         INTEGER,
    fired_at           INTEGER,
    breached           INTEGER NOT NULL DEFAULT 0,
    next_at            INTEGER
);
CREATE INDEX clocks_next_idx ON clocks (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX clocks_ticket_idx ON clocks (ticket_id, id);
-- The overtime report reads clocks by when they came due.
CREATE INDEX clocks_due_idx ON clocks (due_at);

-- Every breach, for the overtime analysis: who, where, which step, the due
-- instant and when the thing actually happened (NULL until it does).
CREATE TABLE breaches (
    id             INTEGER PRIMARY KEY,
    ticket_id      INTEGER NOT NULL REFERENCES tickets (id),
    clock_id       INTEGER NOT NULL REFERENCES clocks (id),
    kind           TEXT NOT NULL,
    step           INTEGER NOT NULL,
    level          TEXT NOT NULL,
    dealer_id      INTEGER REFERENCES dealers (id),
    department_id  INTEGER REFERENCES departments (id),
    assignee_id    INTEGER REFERENCES users (id),
    due_at         INTEGER NOT NULL,
    actual_at      INTEGER,
    recorded_at    INTEGER NOT NULL,
    CONSTRAINT breaches_clock_key UNIQUE (clock_id)
);
CREATE INDEX breaches_due_idx ON breaches (due_at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    ticket_id  INTEGER REFERENCES tickets (id),
    -- warning | breach | escalation | assigned ...
    kind       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    read_at    INTEGER,
    data       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
