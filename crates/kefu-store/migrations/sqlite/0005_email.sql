-- E-mail: people's addresses and the outbox of messages about clock events,
-- written in the transaction that fires the clock and sent by the mailer.

ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE emails (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id),
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER,
    delivered_at INTEGER,
    last_error  TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX emails_next_idx ON emails (next_at) WHERE next_at IS NOT NULL;
