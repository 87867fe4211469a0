-- Timers for any subject. A work order's clocks were the only deadlines
-- kefu kept; care tasks, appointments, leads and improvement actions need
-- the same: a deadline that fires exactly once, a warning point before it,
-- pauses, and a step on a ladder. `clocks` becomes `timers`, each row
-- naming its subject (`ticket` for a work order's clocks) and the subject's
-- id, with the same ids; the work orders' clocks stay readable as the view
-- `clocks`. `next_at` is still when the scheduler must look at a timer
-- again, NULL while it is paused, stopped or done, and the scheduler reads
-- only the index on it.

ALTER TABLE clocks RENAME TO timers;
ALTER TABLE timers RENAME COLUMN ticket_id TO subject_id;
ALTER TABLE timers DROP CONSTRAINT clocks_ticket_id_fkey;
-- What the timer belongs to: ticket | ... (one per workflow).
ALTER TABLE timers ADD COLUMN subject TEXT NOT NULL DEFAULT 'ticket';
ALTER TABLE timers ALTER COLUMN subject DROP DEFAULT;
ALTER TABLE timers RENAME CONSTRAINT clocks_pkey TO timers_pkey;
ALTER TABLE timers RENAME CONSTRAINT clocks_policy_id_fkey TO timers_policy_id_fkey;
ALTER TABLE timers RENAME CONSTRAINT clocks_calendar_id_fkey TO timers_calendar_id_fkey;
ALTER TABLE timers RENAME CONSTRAINT clocks_dealer_id_fkey TO timers_dealer_id_fkey;
ALTER TABLE timers RENAME CONSTRAINT clocks_department_id_fkey TO timers_department_id_fkey;
ALTER SEQUENCE clocks_id_seq RENAME TO timers_id_seq;

DROP INDEX clocks_ticket_idx;
DROP INDEX clocks_live_due_idx;
ALTER INDEX clocks_next_idx RENAME TO timers_next_idx;
ALTER INDEX clocks_due_idx RENAME TO timers_due_idx;
CREATE INDEX timers_subject_idx ON timers (subject, subject_id, id);
-- The workbench's "late and about to be" queue reads the running clocks by
-- kind, soonest first.
CREATE INDEX timers_live_due_idx ON timers (subject, kind, due_at, id) WHERE stopped_at IS NULL;

-- A work order's clocks, as the work-order queries read them.
CREATE VIEW clocks AS
SELECT id, subject_id AS ticket_id, kind, step, target, policy_id, calendar_id, dealer_id,
    department_id, started_at, minutes, due_at, warn_at, warned_at, paused_at,
    remaining_minutes, stopped_at, fired_at, breached, next_at
FROM timers WHERE subject = 'ticket';
