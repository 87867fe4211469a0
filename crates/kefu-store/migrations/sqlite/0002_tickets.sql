-- Work orders and the events of their life. Instants in milliseconds (UTC).

CREATE TABLE tickets (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL,
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    vehicle_id         INTEGER REFERENCES vehicles (id),
    dealer_id          INTEGER REFERENCES dealers (id),
    department_id      INTEGER REFERENCES departments (id),
    assignee_id        INTEGER REFERENCES users (id),
    channel            TEXT NOT NULL,
    category           TEXT NOT NULL,
    priority           TEXT NOT NULL,
    subject            TEXT NOT NULL,
    description        TEXT,
    status             TEXT NOT NULL,
    level              TEXT NOT NULL,
    before_wait        TEXT,
    received_at        INTEGER NOT NULL,
    created_by         INTEGER REFERENCES users (id),
    resolution         TEXT,
    close_reason       TEXT,
    satisfaction       INTEGER,
    callback_attempts  INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    resolved_at        INTEGER,
    closed_at          INTEGER,
    CONSTRAINT tickets_number_key UNIQUE (number)
);
CREATE INDEX tickets_status_idx ON tickets (status, id);
CREATE INDEX tickets_dealer_idx ON tickets (dealer_id, status, id);
CREATE INDEX tickets_department_idx ON tickets (department_id, status, id);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id, status, id);
CREATE INDEX tickets_customer_idx ON tickets (customer_id, id);

CREATE TABLE ticket_events (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    kind       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users (id),
    data       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

-- The last number given out per day, for GD-YYYYMMDD-NNNN.
CREATE TABLE ticket_numbers (
    day   TEXT PRIMARY KEY,
    last  INTEGER NOT NULL
);
