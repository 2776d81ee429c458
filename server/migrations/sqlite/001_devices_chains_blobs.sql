-- Devices, their chains and forks, vault rows, server events, blobs.
CREATE TABLE enrolment_codes (
        code_hash   BLOB PRIMARY KEY,
        created_ms  INTEGER NOT NULL,
        expires_ms  INTEGER NOT NULL,
        consumed    INTEGER NOT NULL DEFAULT 0,
        consumed_ms INTEGER,
        consumed_by TEXT
    ) WITHOUT ROWID;

CREATE TABLE devices (
        id             TEXT PRIMARY KEY,
        public_key     BLOB NOT NULL,
        prefix         TEXT NOT NULL,
        app_version    TEXT NOT NULL,
        token_hash     BLOB NOT NULL UNIQUE,
        enrolled_at_ms INTEGER NOT NULL,
        last_seen_ms   INTEGER NOT NULL,
        revoked        INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;

-- Each device's chain, gapless from seq 1: the bytes exactly as the device signed them.
CREATE TABLE device_events (
        device         TEXT NOT NULL REFERENCES devices (id),
        seq            INTEGER NOT NULL,
        hash           BLOB NOT NULL,
        canonical      BLOB NOT NULL,
        signature      BLOB NOT NULL,
        received_at_ms INTEGER NOT NULL,
        PRIMARY KEY (device, seq)
    ) WITHOUT ROWID;

-- Events that differ from the one held at their seq: kept, flagged for the centre.
CREATE TABLE forks (
        device         TEXT NOT NULL REFERENCES devices (id),
        seq            INTEGER NOT NULL,
        hash           BLOB NOT NULL,
        canonical      BLOB NOT NULL,
        signature      BLOB NOT NULL,
        received_at_ms INTEGER NOT NULL,
        flagged        INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (device, seq, hash)
    ) WITHOUT ROWID;

-- Events stored but no longer fitting their case (reassigned or closed meanwhile).
CREATE TABLE conflicts (
        device        TEXT NOT NULL REFERENCES devices (id),
        seq           INTEGER NOT NULL,
        reason        TEXT NOT NULL,
        flagged_at_ms INTEGER NOT NULL,
        resolved      INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (device, seq)
    ) WITHOUT ROWID;

-- Personal-data values, per device, as the device's vault ids.
CREATE TABLE vault (
        device  TEXT NOT NULL REFERENCES devices (id),
        id      INTEGER NOT NULL,
        case_id TEXT,
        field   TEXT NOT NULL,
        salt    BLOB NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (device, id)
    ) WITHOUT ROWID;

-- The centre's own events; device NULL: for every device.
CREATE TABLE server_events (
        server_seq INTEGER PRIMARY KEY AUTOINCREMENT,
        device     TEXT,
        canonical  BLOB NOT NULL,
        hash       BLOB NOT NULL,
        signature  BLOB NOT NULL
    );
CREATE INDEX server_events_by_device ON server_events (device, server_seq);

CREATE TABLE blobs (
        sha256   BLOB PRIMARY KEY,
        size     INTEGER,
        complete INTEGER NOT NULL DEFAULT 0,
        received INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
