-- Webhooks told about clock events, and the outbox of their deliveries: a
-- delivery row is written in the same transaction as the event, then sent
-- (and retried) by the deliverer, so nothing is lost or sent for an event
-- that did not happen.

CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    -- The HMAC-SHA256 key the body is signed with.
    secret      TEXT NOT NULL,
    -- kefu: kefu's JSON; wecom: a WeCom group-robot markdown message.
    format      TEXT NOT NULL,
    -- Event kinds sent (JSON list); empty: all.
    kinds       TEXT NOT NULL DEFAULT '[]',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    webhook_id    INTEGER NOT NULL REFERENCES webhooks (id),
    kind          TEXT NOT NULL,
    ticket_id     INTEGER REFERENCES tickets (id),
    body          TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    -- When to try (again); NULL once delivered or given up.
    next_at       INTEGER,
    delivered_at  INTEGER,
    last_error    TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX deliveries_next_idx ON deliveries (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX deliveries_webhook_idx ON deliveries (webhook_id, id);
