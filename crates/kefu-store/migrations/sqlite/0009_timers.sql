-- Timers for any subject. A work order's clocks were the only deadlines
-- kefu kept; care tasks, appointments, leads and improvement actions need
-- the same: a deadline that fires exactly once, a warning point before it,
-- pauses, and a step on a ladder. `clocks` becomes `timers`, each row
-- naming its subject (`ticket` for a work order's clocks) and the subject's
-- id, with the same ids; the work orders' clocks stay readable as the view
-- `clocks`. `next_at` is still when the scheduler must look at a timer
-- again, NULL while it is paused, stopped or done, and the scheduler reads
-- only the index on it.

CREATE TABLE timers (
    id                 INTEGER PRIMARY KEY,
    -- What the timer belongs to: ticket | ... (one per workflow).
    subject            TEXT NOT NULL,
    subject_id         INTEGER NOT NULL,
    -- The subject's kind of timer, e.g. for a work order response |
    -- resolution | escalation | callback.
    kind               TEXT NOT NULL,
    step               INTEGER NOT NULL DEFAULT 0,
    -- Who a step goes to, in the subject's words (escalation: department_head | vp | manager | liaison).
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

INSERT INTO timers (id, subject, subject_id, kind, step, target, policy_id, calendar_id,
    dealer_id, department_id, started_at, minutes, due_at, warn_at, warned_at, paused_at,
    remaining_minutes, stopped_at, fired_at, breached, next_at)
SELECT id, 'ticket', ticket_id, kind, step, target, policy_id, calendar_id, dealer_id,
    department_id, started_at, minutes, due_at, warn_at, warned_at, paused_at,
    remaining_minutes, stopped_at, fired_at, breached, next_at
FROM clocks;

-- Breaches now point at the timers (SQLite cannot re-point a foreign key in
-- place, so the table is rebuilt with the same rows).
CREATE TABLE breaches_new (
    id             INTEGER PRIMARY KEY,
    ticket_id      INTEGER NOT NULL REFERENCES tickets (id),
    clock_id       INTEGER NOT NULL REFERENCES timers (id),
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
INSERT INTO breaches_new SELECT id, ticket_id, clock_id, kind, step, level, dealer_id,
    department_id, assignee_id, due_at, actual_at, recorded_at FROM breaches;
DROP TABLE breaches;
ALTER TABLE breaches_new RENAME TO breaches;
CREATE INDEX breaches_due_idx ON breaches (due_at);

DROP TABLE clocks;

CREATE INDEX timers_next_idx ON timers (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX timers_subject_idx ON timers (subject, subject_id, id);
-- The overtime report reads clocks by when they came due.
CREATE INDEX timers_due_idx ON timers (due_at);
-- The workbench's "late and about to be" queue reads the running clocks by
-- kind, soonest first.
CREATE INDEX timers_live_due_idx ON timers (subject, kind, due_at, id) WHERE stopped_at IS NULL;

-- A work order's clocks, as the work-order queries read them.
CREATE VIEW clocks AS
SELECT id, subject_id AS ticket_id, kind, step, target, policy_id, calendar_id, dealer_id,
    department_id, started_at, minutes, due_at, warn_at, warned_at, paused_at,
    remaining_minutes, stopped_at, fired_at, breached, next_at
FROM timers WHERE subject = 'ticket';
