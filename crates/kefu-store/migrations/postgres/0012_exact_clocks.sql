-- Clocks exact to the millisecond, and ladders in round-the-clock hours.
--
-- A paused timer kept the time it had left in whole minutes, so every pause
-- lost up to a minute of it; it now keeps milliseconds. Each timer says how
-- it counts: the working time of its calendar, or every hour of the day
-- (the seed's "48 hours, then 24 more" to the department head and the VP).
DROP VIEW clocks;
ALTER TABLE timers ADD COLUMN remaining_ms BIGINT;
UPDATE timers SET remaining_ms = remaining_minutes * 60000 WHERE remaining_minutes IS NOT NULL;
ALTER TABLE timers DROP COLUMN remaining_minutes;
ALTER TABLE timers ADD COLUMN counts TEXT NOT NULL DEFAULT 'working_time';
CREATE VIEW clocks AS
SELECT id, subject_id AS ticket_id, kind, step, target, policy_id, calendar_id, dealer_id,
    department_id, started_at, minutes, counts, due_at, warn_at, warned_at, paused_at,
    remaining_ms, stopped_at, fired_at, breached, next_at
FROM timers WHERE subject = 'ticket';

-- The seed's two default policies, where they are still as seeded, count
-- their escalation steps round the clock, as the seed means them.
UPDATE sla_policies
SET escalations = '[{"after_minutes":2880,"to":"department_head","counts":"round_the_clock"},{"after_minutes":4320,"to":"vp","counts":"round_the_clock"}]'
WHERE name = '部门时效（默认）'
    AND escalations = '[{"after_minutes":2880,"to":"department_head"},{"after_minutes":4320,"to":"vp"}]';
UPDATE sla_policies
SET escalations = '[{"after_minutes":2880,"to":"manager","counts":"round_the_clock"}]'
WHERE name = '门店时效（默认）' AND escalations = '[{"after_minutes":2880,"to":"manager"}]';
