//! The schema, one migration per version (`PRAGMA user_version`). Append new steps; never edit
//! a released one. Projection tables can also be changed by dropping and replaying the log
//! (`Device::rebuild_projections`).

use rusqlite_migration::{M, Migrations};

/// The `cases` projection of schema 2, also restored by step 3's down migration.
macro_rules! cases_v2 {
    () => {
        "
        -- Personal fields hold vault ids; reads join the vault.
        CREATE TABLE cases (
            id                 TEXT PRIMARY KEY,
            number             TEXT NOT NULL UNIQUE,
            kind               TEXT NOT NULL,
            state              TEXT NOT NULL,
            channel            TEXT NOT NULL,
            opened_at_ms       INTEGER NOT NULL,
            opened_by_name     TEXT NOT NULL,
            opened_by_id       TEXT NOT NULL,
            complainant_name   INTEGER,
            complainant_phone  INTEGER,
            respondent_name    INTEGER,
            respondent_address INTEGER,
            facts              INTEGER,
            demands            INTEGER,
            place_lat_e7       INTEGER,
            place_lon_e7       INTEGER,
            place_accuracy_cm  INTEGER,
            purged_at_ms       INTEGER,
            last_seq           INTEGER NOT NULL
        );
        CREATE INDEX cases_newest ON cases (opened_at_ms DESC, id DESC);
        CREATE INDEX cases_by_state ON cases (state, opened_at_ms DESC, id DESC);"
    };
}

const STEPS: &[M<'static>] = &[
    // 1: identity, the event log and the personal-data vault: what must never be lost.
    M::up(
        "CREATE TABLE device (
            singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
            id             TEXT NOT NULL,
            prefix         TEXT NOT NULL,
            public_key     BLOB NOT NULL,
            wrapped_secret BLOB NOT NULL,
            created_ms     INTEGER NOT NULL
        );
        -- seq is the rowid: gapless per device, starting at 1.
        CREATE TABLE events (
            seq          INTEGER PRIMARY KEY,
            id           TEXT NOT NULL UNIQUE,
            type         TEXT NOT NULL,
            body_version INTEGER NOT NULL,
            case_id      TEXT,
            canonical    BLOB NOT NULL,
            hash         BLOB NOT NULL,
            signature    BLOB NOT NULL
        );
        CREATE INDEX events_by_case ON events (case_id, seq) WHERE case_id IS NOT NULL;
        -- One row per personal value. Events carry the id and SHA-256(salt || value).
        -- AUTOINCREMENT: an id is never reused, even after the newest row is purged.
        CREATE TABLE vault (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            case_id TEXT,
            field   TEXT NOT NULL,
            salt    BLOB NOT NULL,
            value   TEXT NOT NULL
        );
        CREATE INDEX vault_by_case ON vault (case_id);",
    ),
    // 2: projections, rebuilt from the log at will.
    M::up(concat!(
        "CREATE TABLE officer_session (
            singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
            name           TEXT NOT NULL,
            enforcement_id TEXT NOT NULL,
            since_ms       INTEGER NOT NULL
        );",
        cases_v2!(),
        "
        -- The highest case counter per `<prefix>-<yyyymmdd>-`, so numbering is one lookup.
        CREATE TABLE case_counters (
            stem TEXT PRIMARY KEY,
            last INTEGER NOT NULL
        ) WITHOUT ROWID;",
    ))
    .down("DROP TABLE case_counters; DROP TABLE cases; DROP TABLE officer_session;"),
    // 3: the full case (intake as the event's body, the workflow's steps); departments.
    M::up(
        "DROP TABLE cases;
        CREATE TABLE cases (
            -- A stable integer key: the search index's rowid (VACUUM keeps declared keys).
            row              INTEGER PRIMARY KEY,
            id               TEXT NOT NULL UNIQUE,
            number           TEXT NOT NULL UNIQUE,
            kind             TEXT NOT NULL,
            state            TEXT NOT NULL,
            channel          TEXT NOT NULL,
            rule_set         TEXT NOT NULL,
            received_at_ms   INTEGER NOT NULL,
            opened_at_ms     INTEGER NOT NULL,
            opened_by_name   TEXT NOT NULL,
            opened_by_id     TEXT NOT NULL,
            -- Vault ids, for lists: the first complainant's name, the business's name.
            complainant_name INTEGER,
            respondent_name  INTEGER,
            credit_code      TEXT,
            goods            TEXT,
            linked_case      TEXT,
            -- The CaseOpened body (current version) as JSON: vault references, no values.
            intake           TEXT NOT NULL,
            purged_at_ms     INTEGER,
            updated_at_ms    INTEGER NOT NULL,
            last_seq         INTEGER NOT NULL
        );
        CREATE INDEX cases_newest ON cases (opened_at_ms DESC, id DESC);
        CREATE INDEX cases_by_state ON cases (state, opened_at_ms DESC, id DESC);
        CREATE INDEX cases_by_kind ON cases (kind, opened_at_ms DESC, id DESC);
        CREATE TABLE case_steps (
            case_id           TEXT NOT NULL,
            seq               INTEGER NOT NULL,
            step              TEXT NOT NULL,
            state_after       TEXT NOT NULL,
            at_ms             INTEGER NOT NULL,
            officer_name      TEXT NOT NULL,
            officer_id        TEXT NOT NULL,
            place_lat_e7      INTEGER,
            place_lon_e7      INTEGER,
            place_accuracy_cm INTEGER,
            note              INTEGER,
            PRIMARY KEY (case_id, seq)
        ) WITHOUT ROWID;
        -- Full-text search over cases (cases/search.rs); personal text, so a projection. Its
        -- rowid is cases.row.
        CREATE VIRTUAL TABLE case_search USING fts5 (text);
        -- The blind-index key, wrapped by the platform like the signing key.
        ALTER TABLE device ADD COLUMN wrapped_blind_key BLOB;
        -- Keyed digests of people's phones, names, addresses and of business names (blind.rs).
        CREATE TABLE blind_index (
            digest  BLOB NOT NULL,
            field   TEXT NOT NULL,
            case_id TEXT NOT NULL,
            person  INTEGER NOT NULL
        );
        CREATE INDEX blind_by_digest ON blind_index (digest);
        CREATE INDEX blind_by_case ON blind_index (case_id);
        -- Reference data: the departments cases are referred to. Empty: the built-in list.
        CREATE TABLE departments (
            position INTEGER PRIMARY KEY,
            code     TEXT NOT NULL UNIQUE,
            name     TEXT NOT NULL
        );",
    )
    .down(concat!(
        "DROP TABLE departments; DROP TABLE blind_index; DROP TABLE case_search;
        DROP TABLE case_steps; DROP TABLE cases;
        ALTER TABLE device DROP COLUMN wrapped_blind_key;",
        cases_v2!()
    )),
    // 4: vehicle trips and their fixes (projections).
    M::up(
        "CREATE TABLE trips (
            id               TEXT PRIMARY KEY,
            vehicle          TEXT NOT NULL,
            crew             TEXT NOT NULL,
            crew_count       INTEGER NOT NULL,
            purpose          TEXT NOT NULL,
            case_id          TEXT,
            started_at_ms    INTEGER NOT NULL,
            started_by_name  TEXT NOT NULL,
            started_by_id    TEXT NOT NULL,
            start_odometer_m INTEGER,
            odometer_photo   TEXT,
            ended_at_ms      INTEGER,
            end_odometer_m   INTEGER,
            -- The track as measured so far (TrackReport as JSON), and, while the trip is open,
            -- the filters' state (Tracker as JSON), so a batch costs its own length.
            report           TEXT NOT NULL,
            tracker          TEXT,
            last_seq         INTEGER NOT NULL
        );
        CREATE INDEX trips_by_start ON trips (started_at_ms);
        CREATE INDEX trips_open ON trips (vehicle) WHERE ended_at_ms IS NULL;
        -- One row per fix, as stored in its FixesRecorded event.
        CREATE TABLE trip_fixes (
            trip_id TEXT NOT NULL,
            seq     INTEGER NOT NULL,
            idx     INTEGER NOT NULL,
            fix     TEXT NOT NULL,
            PRIMARY KEY (trip_id, seq, idx)
        ) WITHOUT ROWID;",
    )
    .down("DROP TABLE trip_fixes; DROP TABLE trips;"),
    // 5: evidence (projection). The signed body is kept whole: the verifier trusts only the
    // event, and this table is how the app finds it.
    M::up(
        "CREATE TABLE evidence (
            id             TEXT PRIMARY KEY,
            case_id        TEXT NOT NULL,
            seq            INTEGER NOT NULL UNIQUE,
            sha256         TEXT NOT NULL,
            captured_at_ms INTEGER NOT NULL,
            officer_name   TEXT NOT NULL,
            officer_id     TEXT NOT NULL,
            body           TEXT NOT NULL
        );
        CREATE INDEX evidence_by_case ON evidence (case_id, captured_at_ms);
        CREATE INDEX evidence_by_sha256 ON evidence (sha256);",
    )
    .down("DROP TABLE evidence;"),
    // 6: calendar years loaded as reference data (State Council notices), over the built-in.
    M::up(
        "CREATE TABLE calendar_years (
            year         INTEGER PRIMARY KEY,
            data         TEXT NOT NULL,
            loaded_at_ms INTEGER NOT NULL
        );",
    )
    .down("DROP TABLE calendar_years;"),
    // 7: the signed-in officer's role; clock pauses, resumptions and approved extensions.
    M::up(
        "ALTER TABLE officer_session ADD COLUMN role TEXT NOT NULL DEFAULT 'officer';
        CREATE TABLE clock_marks (
            case_id TEXT NOT NULL,
            seq     INTEGER NOT NULL,
            clock   TEXT NOT NULL,
            mark    TEXT NOT NULL,
            at_ms   INTEGER NOT NULL,
            PRIMARY KEY (case_id, seq)
        ) WITHOUT ROWID;",
    )
    .down("DROP TABLE clock_marks; ALTER TABLE officer_session DROP COLUMN role;"),
    // 8: dispatches (projection) and the urban areas (reference data).
    M::up(
        "CREATE TABLE dispatches (
            id                 TEXT PRIMARY KEY,
            case_id            TEXT NOT NULL,
            vehicle            TEXT NOT NULL,
            site_lat_e7        INTEGER,
            site_lon_e7        INTEGER,
            site_accuracy_cm   INTEGER,
            site_text          TEXT,
            area               TEXT NOT NULL,
            area_name          TEXT,
            target_minutes     INTEGER NOT NULL,
            dispatched_at_ms   INTEGER NOT NULL,
            acknowledged_at_ms INTEGER,
            en_route_at_ms     INTEGER,
            on_scene_at_ms     INTEGER,
            cleared_at_ms      INTEGER,
            proof_lat_e7       INTEGER,
            proof_lon_e7       INTEGER,
            proof_accuracy_cm  INTEGER
        );
        CREATE INDEX dispatches_by_case ON dispatches (case_id);
        CREATE INDEX dispatches_open ON dispatches (vehicle) WHERE on_scene_at_ms IS NULL;
        CREATE TABLE urban_areas (
            position INTEGER PRIMARY KEY,
            name     TEXT NOT NULL,
            polygons TEXT NOT NULL
        );",
    )
    .down("DROP TABLE urban_areas; DROP TABLE dispatches;"),
    // 9: the anchor of trusted time (projection of TimeAnchored / WallClockJumped).
    M::up(
        "CREATE TABLE time_anchor (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            anchor    TEXT NOT NULL
        );",
    )
    .down("DROP TABLE time_anchor;"),
    // 10: on-site documents (mediations, on-site and interview records): their state as JSON.
    M::up(
        "CREATE TABLE documents (
            id           TEXT PRIMARY KEY,
            case_id      TEXT NOT NULL,
            kind         TEXT NOT NULL,
            status       TEXT NOT NULL,
            opened_at_ms INTEGER NOT NULL,
            closed_at_ms INTEGER,
            state        TEXT NOT NULL
        );
        CREATE INDEX documents_by_case ON documents (case_id, opened_at_ms);
        CREATE INDEX documents_closed ON documents (kind, closed_at_ms);",
    )
    .down("DROP TABLE documents;"),
    // 11: the device's enrolment with a centre and how far sync got (device state, not a
    // projection: it is not rebuilt from the log).
    M::up(
        "CREATE TABLE sync_state (
            singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
            server         TEXT NOT NULL,
            centre_ca      BLOB,
            wrapped_token  BLOB NOT NULL,
            centre_key     BLOB NOT NULL,
            enrolled_at_ms INTEGER NOT NULL,
            acked_seq      INTEGER NOT NULL DEFAULT 0,
            acked_hash     BLOB,
            pull_cursor    INTEGER NOT NULL DEFAULT 0,
            last_sync_ms   INTEGER
        );",
    )
    .down("DROP TABLE sync_state;"),
    // 12: blobs the centre confirmed holding whole (never sent again).
    M::up(
        "CREATE TABLE blobs_sent (
            sha256     TEXT PRIMARY KEY,
            sent_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID;",
    )
    .down("DROP TABLE blobs_sent;"),
    // 13: the centre's supervision notes (督办), officers' requests for extensions, and the
    // centre's officer roster and rule-set parameters; cases handed over to another device.
    M::up(
        "CREATE TABLE supervisions (
            case_id        TEXT NOT NULL,
            server_seq     INTEGER NOT NULL,
            due_on         TEXT NOT NULL,
            note_vault     INTEGER NOT NULL,
            received_at_ms INTEGER NOT NULL,
            PRIMARY KEY (case_id, server_seq)
        ) WITHOUT ROWID;
        CREATE TABLE extension_requests (
            case_id         TEXT NOT NULL,
            clock           TEXT NOT NULL,
            seq             INTEGER NOT NULL,
            requested_at_ms INTEGER NOT NULL,
            reason_vault    INTEGER NOT NULL,
            approved        INTEGER,
            decided_at_ms   INTEGER,
            PRIMARY KEY (case_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE officer_roster (
            enforcement_id TEXT PRIMARY KEY,
            name           TEXT NOT NULL,
            supervisor     INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE rule_parameters (
            singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
            parameters TEXT NOT NULL
        );
        CREATE TABLE handed_over (
            case_id TEXT PRIMARY KEY,
            device  TEXT NOT NULL
        ) WITHOUT ROWID;",
    )
    .down(
        "DROP TABLE handed_over; DROP TABLE rule_parameters; DROP TABLE officer_roster;
         DROP TABLE extension_requests; DROP TABLE supervisions;",
    ),
    // 14: storage care. The evidence projection shows an original pruned from the device;
    // device state (not rebuilt from the log) lists files whose prune is recorded but whose
    // deletion may not have finished.
    M::up(
        "ALTER TABLE evidence ADD COLUMN original_pruned_at_ms INTEGER;
        CREATE TABLE blob_prunes_pending (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;",
    )
    .down(
        "DROP TABLE blob_prunes_pending;
        ALTER TABLE evidence DROP COLUMN original_pruned_at_ms;",
    ),
    // 15: cases handed over from other devices (`sync::handover`): their signed events, as
    // received, and where their personal-data rows went in this vault. Input, not projection:
    // the log's record of the reassignment projects them again on every replay.
    M::up(
        "CREATE TABLE handover_events (
            -- Negative, below every earlier handover's: projected before this device's own
            -- events of the case, never colliding with a seq of its own.
            seq         INTEGER PRIMARY KEY,
            server_seq  INTEGER NOT NULL,
            device      TEXT NOT NULL,
            public_key  BLOB NOT NULL,
            canonical   BLOB NOT NULL,
            hash        BLOB NOT NULL,
            signature   BLOB NOT NULL
        );
        CREATE INDEX handover_events_by_decision ON handover_events (server_seq, seq);
        CREATE TABLE handover_vault (
            server_seq  INTEGER NOT NULL,
            device      TEXT NOT NULL,
            holder_id   INTEGER NOT NULL,
            -- Negative too, so that rows of this device's own (AUTOINCREMENT) never collide.
            vault_id    INTEGER NOT NULL,
            PRIMARY KEY (server_seq, device, holder_id)
        ) WITHOUT ROWID;",
    )
    .down("DROP TABLE handover_vault; DROP TABLE handover_events;"),
    // 16: the agency the documents name and its 调解书 numbers (reference data and the
    // numbers this device holds and gave); the notices a case was given (不予受理告知书,
    // 终止调解告知书). Projections: a replay fills them, and the new fields of the document
    // state and the clocks (notices stop the end-notice clock).
    M::up(
        "CREATE TABLE agency (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            agency    TEXT NOT NULL
        );
        CREATE TABLE number_blocks (
            year  INTEGER NOT NULL,
            first INTEGER NOT NULL,
            last  INTEGER NOT NULL,
            PRIMARY KEY (year, first)
        ) WITHOUT ROWID;
        CREATE TABLE document_numbers (
            year        INTEGER NOT NULL,
            n           INTEGER NOT NULL,
            document_id TEXT NOT NULL,
            PRIMARY KEY (year, n)
        ) WITHOUT ROWID;
        CREATE TABLE notices (
            case_id   TEXT NOT NULL,
            seq       INTEGER NOT NULL,
            kind      TEXT NOT NULL,
            issued_at_ms INTEGER NOT NULL,
            body      TEXT NOT NULL,
            PRIMARY KEY (case_id, seq)
        ) WITHOUT ROWID;",
    )
    .down(
        "DROP TABLE notices; DROP TABLE document_numbers; DROP TABLE number_blocks;
         DROP TABLE agency;",
    ),
    // 17: personal data at rest (vault.rs). The vault key, wrapped like the other secrets;
    // the search index holds keyed words, whole ones and the prefixes of Latin ones, instead
    // of the words themselves (a projection: the replay after this step fills it again).
    M::up(
        "ALTER TABLE device ADD COLUMN wrapped_vault_key BLOB;
        DROP TABLE case_search;
        CREATE VIRTUAL TABLE case_search USING fts5 (words, prefixes);",
    )
    .down(
        "DROP TABLE case_search;
        CREATE VIRTUAL TABLE case_search USING fts5 (text);
        ALTER TABLE device DROP COLUMN wrapped_vault_key;",
    ),
];

/// Steps that create or change projection tables: a store upgraded across one of them replays
/// its log once, so the new projections hold what the log says.
pub(crate) const PROJECTION_STEPS: &[usize] = &[2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 16, 17];

/// Whether upgrading a store from schema version `from` must replay the log.
pub fn upgrade_needs_replay(from: usize) -> bool {
    from > 0 && PROJECTION_STEPS.iter().any(|&step| step > from)
}

pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(STEPS)
}

/// The schema version this code writes.
pub const LATEST: usize = STEPS.len();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn only_upgrades_across_a_projection_step_replay() {
        assert!(
            !upgrade_needs_replay(0),
            "a new store has nothing to replay"
        );
        assert!(upgrade_needs_replay(1));
        assert!(!upgrade_needs_replay(LATEST));
    }
    // Upgrading every older schema, with data, to the fresh one: `tests/store.rs`.
}
