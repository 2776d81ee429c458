-- Devices, their chains and forks, vault rows, server events, blobs.
CREATE TABLE enrolment_codes (
        code_hash   BYTEA PRIMARY KEY,
        created_ms  BIGINT NOT NULL,
        expires_ms  BIGINT NOT NULL,
        consumed    BOOLEAN NOT NULL DEFAULT FALSE,
        consumed_ms BIGINT,
        consumed_by TEXT
    );

CREATE TABLE devices (
        id             TEXT PRIMARY KEY,
        public_key     BYTEA NOT NULL,
        prefix         TEXT NOT NULL,
        app_version    TEXT NOT NULL,
        token_hash     BYTEA NOT NULL UNIQUE,
        enrolled_at_ms BIGINT NOT NULL,
        last_seen_ms   BIGINT NOT NULL,
        revoked        BOOLEAN NOT NULL DEFAULT FALSE
    );

-- Each device's chain, gapless from seq 1: the bytes exactly as the device signed them.
CREATE TABLE device_events (
        device         TEXT NOT NULL REFERENCES devices (id),
        seq            BIGINT NOT NULL,
        hash           BYTEA NOT NULL,
        canonical      BYTEA NOT NULL,
        signature      BYTEA NOT NULL,
        received_at_ms BIGINT NOT NULL,
        PRIMARY KEY (device, seq)
    );

-- Events that differ from the one held at their seq: kept, flagged for the centre.
CREATE TABLE forks (
        device         TEXT NOT NULL REFERENCES devices (id),
        seq            BIGINT NOT NULL,
        hash           BYTEA NOT NULL,
        canonical      BYTEA NOT NULL,
        signature      BYTEA NOT NULL,
        received_at_ms BIGINT NOT NULL,
        flagged        BOOLEAN NOT NULL DEFAULT TRUE,
        PRIMARY KEY (device, seq, hash)
    );

-- Events stored but no longer fitting their case (reassigned or closed meanwhile).
CREATE TABLE conflicts (
        device        TEXT NOT NULL REFERENCES devices (id),
        seq           BIGINT NOT NULL,
        reason        TEXT NOT NULL,
        flagged_at_ms BIGINT NOT NULL,
        resolved      BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (device, seq)
    );

-- Personal-data values, per device, as the device's vault ids.
CREATE TABLE vault (
        device  TEXT NOT NULL REFERENCES devices (id),
        id      BIGINT NOT NULL,
        case_id TEXT,
        field   TEXT NOT NULL,
        salt    BYTEA NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (device, id)
    );

-- The centre's own events; device NULL: for every device. server_seq is taken under a
-- table lock (see `ledger/postgres.rs`), not from a sequence.
CREATE TABLE server_events (
        server_seq BIGINT PRIMARY KEY,
        device     TEXT,
        canonical  BYTEA NOT NULL,
        hash       BYTEA NOT NULL,
        signature  BYTEA NOT NULL
    );
CREATE INDEX server_events_by_device ON server_events (device, server_seq);

CREATE TABLE blobs (
        sha256   BYTEA PRIMARY KEY,
        size     BIGINT,
        complete BOOLEAN NOT NULL DEFAULT FALSE,
        received BIGINT NOT NULL DEFAULT 0
    );
