-- The foundation: organisation, people, login tokens, customers, vehicles,
-- the change log and the audit trail. Instants are milliseconds since the
-- epoch (UTC); dates are ISO text (YYYY-MM-DD); flags are 0/1.

CREATE TABLE dealers (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    region      TEXT,
    timezone    TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CONSTRAINT dealers_code_key UNIQUE (code)
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL,
    dealer_id      INTEGER REFERENCES dealers (id),
    department_id  INTEGER REFERENCES departments (id),
    password_hash  TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username)
);
CREATE INDEX users_dealer_idx ON users (dealer_id);
CREATE INDEX users_department_idx ON users (department_id);

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    head_id     INTEGER REFERENCES users (id),
    vp_id       INTEGER REFERENCES users (id),
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CONSTRAINT departments_code_key UNIQUE (code)
);

CREATE TABLE department_liaisons (
    department_id  INTEGER NOT NULL REFERENCES departments (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (department_id, user_id)
);

-- API tokens and (with the workbench) web sessions: only a digest is kept.
CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    digest      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    CONSTRAINT tokens_digest_key UNIQUE (digest)
);
CREATE INDEX tokens_user_idx ON tokens (user_id);

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    other_phones    TEXT NOT NULL DEFAULT '[]',
    wechat          TEXT,
    gender          TEXT,
    birthday        TEXT,
    address         TEXT,
    dealer_id       INTEGER REFERENCES dealers (id),
    owner_id        INTEGER REFERENCES users (id),
    source          TEXT,
    tier            TEXT,
    tags            TEXT NOT NULL DEFAULT '[]',
    needs           TEXT NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    deleted_reason  TEXT
);
CREATE INDEX customers_name_idx ON customers (name);
CREATE INDEX customers_dealer_idx ON customers (dealer_id, id);

-- Every phone of a customer, the primary included, so a lookup by any of them
-- is one index probe. Families share numbers: no uniqueness on phone.
CREATE TABLE customer_phones (
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    phone        TEXT NOT NULL,
    is_primary   INTEGER NOT NULL,
    PRIMARY KEY (customer_id, phone)
);
CREATE INDEX customer_phones_phone_idx ON customer_phones (phone);

CREATE TABLE vehicles (
    id                               INTEGER PRIMARY KEY,
    customer_id                      INTEGER NOT NULL REFERENCES customers (id),
    vin                              TEXT NOT NULL,
    vin_last6                        TEXT NOT NULL,
    plate                            TEXT,
    brand                            TEXT,
    model                            TEXT,
    trim                             TEXT,
    color                            TEXT,
    purchased_on                     TEXT,
    delivered_on                     TEXT,
    registered_on                    TEXT,
    manufactured_on                  TEXT,
    mileage_km                       INTEGER,
    mileage_read_on                  TEXT,
    compulsory_insurance_expires_on  TEXT,
    commercial_insurance_expires_on  TEXT,
    dealer_id                        INTEGER REFERENCES dealers (id),
    active                           INTEGER NOT NULL DEFAULT 1,
    created_at                       INTEGER NOT NULL,
    updated_at                       INTEGER NOT NULL,
    CONSTRAINT vehicles_vin_key UNIQUE (vin)
);
CREATE UNIQUE INDEX vehicles_plate_key ON vehicles (plate) WHERE active = 1 AND plate IS NOT NULL;
CREATE INDEX vehicles_plate_idx ON vehicles (plate);
CREATE INDEX vehicles_vin_last6_idx ON vehicles (vin_last6);
CREATE INDEX vehicles_customer_idx ON vehicles (customer_id);
CREATE INDEX vehicles_dealer_idx ON vehicles (dealer_id, id);

-- The change log that derived data (search index, roll-ups) follows.
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    at         INTEGER NOT NULL
);

-- Append-only: nothing in kefu updates or deletes these rows.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users (id),
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_entity_idx ON audit (entity, entity_id);
CREATE INDEX audit_actor_idx ON audit (actor_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
