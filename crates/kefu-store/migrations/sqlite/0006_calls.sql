-- Incoming calls reported by the telephony system (CTI), for the screen pop
-- and the answer-rate numbers; and the integration keys such systems use.

CREATE TABLE integration_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    digest      TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    CONSTRAINT integration_keys_digest_key UNIQUE (digest)
);

CREATE TABLE calls (
    id           INTEGER PRIMARY KEY,
    -- The telephony system's own id of the call; a repeated report is the same call.
    call_id      TEXT NOT NULL,
    caller       TEXT NOT NULL,
    callee       TEXT,
    agent_id     INTEGER NOT NULL REFERENCES users (id),
    -- The customer the caller's number belongs to, when one does.
    customer_id  INTEGER REFERENCES customers (id),
    key_id       INTEGER REFERENCES integration_keys (id),
    received_at  INTEGER NOT NULL,
    CONSTRAINT calls_call_id_key UNIQUE (call_id)
);
CREATE INDEX calls_customer_idx ON calls (customer_id, id);
CREATE INDEX calls_agent_idx ON calls (agent_id, id);

-- The workbench's "late and about to be" queue reads the running clocks by
-- when they come due; stopped ones (most of them, over the years) are left
-- out of the index.
CREATE INDEX clocks_live_due_idx ON clocks (kind, due_at, id) WHERE stopped_at IS NULL;

-- The workbench's queues read open orders newest first: each person's own
-- (assigned to them, or opened by them and still with the centre), and each
-- dealer's and department's. Closed orders, nearly all of them over the
-- years, stay out of these indexes.
CREATE INDEX tickets_open_assignee_idx ON tickets (assignee_id, id)
    WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_open_creator_idx ON tickets (created_by, id)
    WHERE assignee_id IS NULL AND level = 'L1' AND status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_open_dealer_idx ON tickets (dealer_id, id)
    WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_open_department_idx ON tickets (department_id, id)
    WHERE status NOT IN ('resolved', 'closed');
-- Resolved orders waiting for their callback, the longest waiting first.
CREATE INDEX tickets_resolved_idx ON tickets (resolved_at, id) WHERE status = 'resolved';
