//! The embedded ledger: one SQLite file, `ledger.sqlite` in the data directory.
//!
//! One connection behind a mutex; every call runs on tokio's blocking pool, so a slow fsync
//! never stalls the async workers. WAL with `synchronous=FULL`: a push the server acknowledged
//! survives power loss, or the device would drop events the server no longer holds.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use redshield_core::events::Digest;
use redshield_core::sync::protocol::{ServerEvent, WireVaultRow};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use rusqlite_migration::{M, Migrations};
use uuid::Uuid;

use crate::ledger::{
    Admission, BlobRecord, CaseDecision, CaseOwner, ChainHead, DEVICE_COLUMNS, DeviceRecord,
    DeviceRow, EnrolRefusal, EventRow, Flag, HeldConflict, HeldEvent, HeldFork, Ledger,
    LedgerError, LedgerResult, NewDevice, PushBatch, Resolution, admission, attachment_columns,
    blob_record, case_owner, chain_head, code_refusal, device_record, digest_of, held_conflict,
    held_event, held_fork, last_seen_due, made_for, resolution, salt_of, seq_of, seq_sql,
    server_event, unknown_case, vault_row,
};

pub const FILE_NAME: &str = "ledger.sqlite";

const STEPS: &[M<'static>] = &[
    // 1: devices, chains, forks, vault rows, server events, blobs.
    M::up(
        "CREATE TABLE enrolment_codes (
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
    ) WITHOUT ROWID;",
    ),
    // 2: case ownership, and the case a conflict is about.
    M::up(
        "CREATE TABLE case_owners (
        case_id TEXT PRIMARY KEY,
        device  TEXT NOT NULL REFERENCES devices (id),
        closed  INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    ALTER TABLE conflicts ADD COLUMN case_id TEXT NOT NULL DEFAULT '';",
    ),
    // 3: personal data sent beside a decision (purgeable, outside the signed bytes), and
    // whether a case's owner has applied its closure.
    M::up(
        "ALTER TABLE server_events ADD COLUMN attachment_salt BLOB;
    ALTER TABLE server_events ADD COLUMN attachment_value TEXT;
    ALTER TABLE case_owners ADD COLUMN closure_seen INTEGER NOT NULL DEFAULT 0;
    -- How the centre's staff resolved a conflict or a fork (the events stay held).
    CREATE TABLE resolutions (
        device         TEXT NOT NULL REFERENCES devices (id),
        flag           TEXT NOT NULL,
        seq            INTEGER NOT NULL,
        note           TEXT NOT NULL,
        resolved_at_ms INTEGER NOT NULL,
        PRIMARY KEY (device, flag, seq)
    ) WITHOUT ROWID;",
    ),
    // 4: the device charged for a blob (the one that began uploading it), for its quota.
    M::up(
        "ALTER TABLE blobs ADD COLUMN device TEXT;
    CREATE INDEX blobs_by_device ON blobs (device);",
    ),
];

fn migrations() -> Migrations<'static> {
    Migrations::from_slice(STEPS)
}

#[derive(Clone)]
pub struct SqliteLedger {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteLedger {
    /// Opens (creating and migrating) `ledger.sqlite` in `data_dir`.
    pub fn open(data_dir: &Path) -> LedgerResult<SqliteLedger> {
        let path = data_dir.join(FILE_NAME);
        // Owner only before SQLite opens it: its -wal and -shm files take the same mode.
        crate::private::create_file(&path)
            .map_err(|e| LedgerError::Storage(format!("{}: {e}", path.display())))?;
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(LedgerError::Storage(format!(
                "{}: cannot use write-ahead logging (journal mode is {mode})",
                path.display()
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| LedgerError::Migration(e.to_string()))?;
        Ok(SqliteLedger {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection on the blocking pool.
    async fn with<T, F>(&self, f: F) -> LedgerResult<T>
    where
        F: FnOnce(&mut Connection) -> LedgerResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A panic elsewhere rolled its transaction back when it unwound: the connection
            // itself is fine.
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut guard)
        })
        .await
        .map_err(|e| LedgerError::Storage(format!("ledger task failed: {e}")))?
    }

    /// Runs `f` in an IMMEDIATE transaction, committed if `f` succeeds.
    async fn write<T, F>(&self, f: F) -> LedgerResult<T>
    where
        F: FnOnce(&rusqlite::Transaction) -> LedgerResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Storage(e.to_string())
    }
}

fn device_row(r: &Row) -> rusqlite::Result<DeviceRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn event_row(r: &Row) -> rusqlite::Result<EventRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn read_device(conn: &Connection, id: Uuid) -> LedgerResult<Option<DeviceRecord>> {
    conn.prepare_cached(&format!(
        "SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"
    ))?
    .query_row([id.to_string()], device_row)
    .optional()?
    .map(device_record)
    .transpose()
}

/// The other devices holding `device`'s public key or prefix.
fn devices_sharing(conn: &Connection, device: &NewDevice) -> LedgerResult<Vec<DeviceRecord>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices
             WHERE (public_key = ?1 OR prefix = ?2) AND id <> ?3"
        ))?
        .query_map(
            params![
                device.public_key.as_slice(),
                device.prefix,
                device.id.to_string()
            ],
            device_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(device_record).collect()
}

fn read_head(conn: &Connection, device: Uuid) -> LedgerResult<ChainHead> {
    let row = conn
        .prepare_cached(
            "SELECT seq, hash FROM device_events WHERE device = ?1 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([device.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    chain_head(row)
}

impl Ledger for SqliteLedger {
    async fn health(&self) -> LedgerResult<()> {
        self.with(|conn| {
            conn.query_row("SELECT COUNT(*) FROM devices", [], |r| r.get::<_, i64>(0))?;
            Ok(())
        })
        .await
    }

    async fn add_enrolment_code(
        &self,
        code_hash: Digest,
        created_ms: i64,
        expires_ms: i64,
    ) -> LedgerResult<()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO enrolment_codes (code_hash, created_ms, expires_ms)
                 VALUES (?1, ?2, ?3)",
                params![code_hash.0.as_slice(), created_ms, expires_ms],
            )?;
            Ok(())
        })
        .await
    }

    async fn enrol(
        &self,
        code_hash: Digest,
        now_ms: i64,
        device: NewDevice,
    ) -> LedgerResult<Result<DeviceRecord, EnrolRefusal>> {
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let code = tx
                .query_row(
                    "SELECT expires_ms, consumed FROM enrolment_codes WHERE code_hash = ?1",
                    [code_hash.0.as_slice()],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)),
                )
                .optional()?;
            if let Some(refusal) = code_refusal(code, now_ms) {
                return Ok(Err(refusal));
            }
            let id = device.id.to_string();
            let held = read_device(&tx, device.id)?;
            let others = devices_sharing(&tx, &device)?;
            match admission(&device, held.as_ref(), &others) {
                Err(refusal) => return Ok(Err(refusal)),
                Ok(Admission::Renew) => {
                    tx.execute(
                        "UPDATE devices SET token_hash = ?2, app_version = ?3, last_seen_ms = ?4
                         WHERE id = ?1",
                        params![
                            id,
                            device.token_hash.0.as_slice(),
                            device.app_version,
                            now_ms
                        ],
                    )?;
                }
                Ok(Admission::New) => {
                    tx.execute(
                        "INSERT INTO devices (id, public_key, prefix, app_version, token_hash,
                                              enrolled_at_ms, last_seen_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                        params![
                            id,
                            device.public_key.as_slice(),
                            device.prefix,
                            device.app_version,
                            device.token_hash.0.as_slice(),
                            now_ms
                        ],
                    )?;
                }
            }
            let consumed = tx.execute(
                "UPDATE enrolment_codes SET consumed = 1, consumed_ms = ?2, consumed_by = ?3
                 WHERE code_hash = ?1 AND consumed = 0",
                params![code_hash.0.as_slice(), now_ms, id],
            )?;
            if consumed != 1 {
                return Ok(Err(EnrolRefusal::CodeUsed));
            }
            let record =
                read_device(&tx, device.id)?.ok_or(LedgerError::UnknownDevice(device.id))?;
            tx.commit()?;
            Ok(Ok(record))
        })
        .await
    }

    async fn device(&self, id: Uuid) -> LedgerResult<Option<DeviceRecord>> {
        self.with(move |conn| read_device(conn, id)).await
    }

    async fn devices(&self) -> LedgerResult<Vec<DeviceRecord>> {
        self.with(|conn| {
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_at_ms, id"
                ))?
                .query_map([], device_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(device_record).collect()
        })
        .await
    }

    async fn device_by_token(
        &self,
        token_hash: Digest,
        now_ms: i64,
    ) -> LedgerResult<Option<DeviceRecord>> {
        self.with(move |conn| {
            let Some(record) = conn
                .prepare_cached(&format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ?1"
                ))?
                .query_row([token_hash.0.as_slice()], device_row)
                .optional()?
                .map(device_record)
                .transpose()?
            else {
                return Ok(None);
            };
            if last_seen_due(&record, now_ms) {
                conn.prepare_cached("UPDATE devices SET last_seen_ms = ?2 WHERE id = ?1")?
                    .execute(params![record.id.to_string(), now_ms])?;
            }
            Ok(Some(record))
        })
        .await
    }

    async fn revoke_device(&self, id: Uuid) -> LedgerResult<bool> {
        self.write(move |tx| {
            Ok(tx.execute(
                "UPDATE devices SET revoked = 1 WHERE id = ?1",
                [id.to_string()],
            )? == 1)
        })
        .await
    }

    async fn resolve(
        &self,
        device: Uuid,
        flag: Flag,
        seq: u64,
        note: String,
        at_ms: i64,
    ) -> LedgerResult<bool> {
        self.write(move |tx| {
            let open = match flag {
                Flag::Conflict => {
                    "UPDATE conflicts SET resolved = 1
                                   WHERE device = ?1 AND seq = ?2 AND resolved = 0"
                }
                Flag::Fork => {
                    "UPDATE forks SET flagged = 0
                               WHERE device = ?1 AND seq = ?2 AND flagged = 1"
                }
            };
            if tx.execute(open, params![device.to_string(), seq_sql(seq)?])? == 0 {
                return Ok(false);
            }
            tx.execute(
                "INSERT OR REPLACE INTO resolutions (device, flag, seq, note, resolved_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    device.to_string(),
                    flag.as_str(),
                    seq_sql(seq)?,
                    note,
                    at_ms
                ],
            )?;
            Ok(true)
        })
        .await
    }

    async fn resolutions(&self, device: Uuid) -> LedgerResult<Vec<Resolution>> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT flag, seq, note, resolved_at_ms FROM resolutions
                 WHERE device = ?1 ORDER BY seq, flag",
            )?;
            let rows = stmt
                .query_map([device.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(resolution).collect()
        })
        .await
    }

    async fn head(&self, device: Uuid) -> LedgerResult<ChainHead> {
        self.with(move |conn| read_head(conn, device)).await
    }

    async fn event_hash(&self, device: Uuid, seq: u64) -> LedgerResult<Option<Digest>> {
        self.with(move |conn| {
            conn.prepare_cached("SELECT hash FROM device_events WHERE device = ?1 AND seq = ?2")?
                .query_row(params![device.to_string(), seq_sql(seq)?], |r| {
                    r.get::<_, Vec<u8>>(0)
                })
                .optional()?
                .map(|h| digest_of(&h, "an event hash"))
                .transpose()
        })
        .await
    }

    async fn fork_held(&self, device: Uuid, seq: u64, hash: Digest) -> LedgerResult<bool> {
        self.with(move |conn| {
            Ok(conn
                .prepare_cached("SELECT 1 FROM forks WHERE device = ?1 AND seq = ?2 AND hash = ?3")?
                .exists(params![
                    device.to_string(),
                    seq_sql(seq)?,
                    hash.0.as_slice()
                ])?)
        })
        .await
    }

    async fn store_push(
        &self,
        device: Uuid,
        onto: ChainHead,
        batch: PushBatch,
    ) -> LedgerResult<()> {
        self.write(move |tx| {
            if read_head(tx, device)? != onto {
                return Err(LedgerError::HeadMoved {
                    device,
                    expected: onto.seq,
                });
            }
            let id = device.to_string();
            let mut insert = tx.prepare_cached(
                "INSERT INTO device_events (device, seq, hash, canonical, signature, received_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for e in &batch.events {
                insert.execute(params![
                    id,
                    seq_sql(e.seq)?,
                    e.hash.0.as_slice(),
                    e.canonical.as_bytes(),
                    e.signature,
                    e.received_at_ms
                ])?;
            }
            let mut fork = tx.prepare_cached(
                "INSERT OR IGNORE INTO forks
                     (device, seq, hash, canonical, signature, received_at_ms, flagged)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for f in &batch.forks {
                fork.execute(params![
                    id,
                    seq_sql(f.seq)?,
                    f.hash.0.as_slice(),
                    f.canonical.as_bytes(),
                    f.signature,
                    f.received_at_ms,
                    f.flagged
                ])?;
            }
            let mut vault = tx.prepare_cached(
                "INSERT INTO vault (device, id, case_id, field, salt, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (device, id) DO NOTHING",
            )?;
            for row in &batch.vault {
                vault.execute(params![
                    id,
                    row.id,
                    row.case_id.map(|c| c.to_string()),
                    row.field,
                    salt_of(row)?,
                    row.value
                ])?;
            }
            let mut claim = tx.prepare_cached(
                "INSERT INTO case_owners (case_id, device) VALUES (?1, ?2)
                 ON CONFLICT (case_id) DO NOTHING",
            )?;
            for case_id in &batch.claims {
                claim.execute(params![case_id.to_string(), id])?;
            }
            let mut seen = tx.prepare_cached(
                "UPDATE case_owners SET closure_seen = 1 WHERE case_id = ?1 AND device = ?2",
            )?;
            for case_id in &batch.closures_seen {
                seen.execute(params![case_id.to_string(), id])?;
            }
            let mut conflict = tx.prepare_cached(
                "INSERT OR IGNORE INTO conflicts (device, seq, case_id, reason, flagged_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for c in &batch.conflicts {
                conflict.execute(params![
                    id,
                    seq_sql(c.seq)?,
                    c.case_id.to_string(),
                    c.reason,
                    c.flagged_at_ms
                ])?;
            }
            Ok(())
        })
        .await
    }

    async fn events(&self, device: Uuid, after: u64, limit: usize) -> LedgerResult<Vec<HeldEvent>> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, hash, canonical, signature, received_at_ms FROM device_events
                 WHERE device = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            )?;
            let rows = stmt
                .query_map(
                    params![device.to_string(), seq_sql(after)?, limit as i64],
                    event_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(held_event).collect()
        })
        .await
    }

    async fn forks(&self, device: Uuid) -> LedgerResult<Vec<HeldFork>> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, hash, canonical, signature, received_at_ms, flagged FROM forks
                 WHERE device = ?1 ORDER BY seq, received_at_ms, hash",
            )?;
            let rows = stmt
                .query_map([device.to_string()], |r| Ok((event_row(r)?, r.get(5)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter()
                .map(|(row, flagged)| held_fork(row, flagged))
                .collect()
        })
        .await
    }

    async fn conflicts(&self, device: Uuid) -> LedgerResult<Vec<HeldConflict>> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, case_id, reason, flagged_at_ms, resolved FROM conflicts
                 WHERE device = ?1 ORDER BY seq",
            )?;
            let rows = stmt
                .query_map([device.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(held_conflict).collect()
        })
        .await
    }

    async fn case_owner(&self, case_id: Uuid) -> LedgerResult<Option<CaseOwner>> {
        self.with(move |conn| {
            let row = conn
                .prepare_cached(
                    "SELECT device, closed, closure_seen FROM case_owners WHERE case_id = ?1",
                )?
                .query_row([case_id.to_string()], |r| {
                    Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            row.map(case_owner).transpose()
        })
        .await
    }

    async fn vault_rows_after(&self, device: Uuid, after: i64) -> LedgerResult<Vec<WireVaultRow>> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, case_id, field, salt, value FROM vault
                 WHERE device = ?1 AND id > ?2 ORDER BY id",
            )?;
            let rows = stmt
                .query_map(params![device.to_string(), after], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(vault_row).collect()
        })
        .await
    }

    async fn append_server_event<F>(
        &self,
        device: Option<Uuid>,
        decision: Option<CaseDecision>,
        make: F,
    ) -> LedgerResult<ServerEvent>
    where
        F: FnOnce(u64) -> LedgerResult<ServerEvent> + Send + 'static,
    {
        self.write(move |tx| {
            if let Some(decision) = decision {
                decide(tx, decision)?;
            }
            let last: i64 = tx.query_row(
                "SELECT COALESCE(MAX(server_seq), 0) FROM server_events",
                [],
                |r| r.get(0),
            )?;
            let next = seq_of(last)? + 1;
            let event = make(next)?;
            let signature = made_for(next, &event)?;
            let (salt, value) = attachment_columns(&event)?;
            tx.execute(
                "INSERT INTO server_events (server_seq, device, canonical, hash, signature,
                     attachment_salt, attachment_value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    seq_sql(next)?,
                    device.map(|d| d.to_string()),
                    event.canonical.as_bytes(),
                    event.hash.0.as_slice(),
                    signature,
                    salt,
                    value
                ],
            )?;
            Ok(event)
        })
        .await
    }

    async fn server_events(
        &self,
        device: Uuid,
        after: u64,
        limit: usize,
    ) -> LedgerResult<Vec<ServerEvent>> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT server_seq, canonical, hash, signature, attachment_salt, attachment_value
                 FROM server_events
                 WHERE server_seq > ?2 AND (device = ?1 OR device IS NULL)
                 ORDER BY server_seq LIMIT ?3",
            )?;
            let rows = stmt
                .query_map(
                    params![device.to_string(), seq_sql(after)?, limit as i64],
                    |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                        ))
                    },
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(server_event).collect()
        })
        .await
    }

    async fn blob(&self, sha256: Digest) -> LedgerResult<Option<BlobRecord>> {
        self.with(move |conn| {
            conn.prepare_cached("SELECT received, complete, size FROM blobs WHERE sha256 = ?1")?
                .query_row([sha256.0.as_slice()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?
                .map(blob_record)
                .transpose()
        })
        .await
    }

    async fn set_blob_received(
        &self,
        sha256: Digest,
        device: Uuid,
        received: u64,
    ) -> LedgerResult<()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO blobs (sha256, received, device) VALUES (?1, ?2, ?3)
                 ON CONFLICT (sha256) DO UPDATE SET received = excluded.received
                 WHERE complete = 0",
                params![sha256.0.as_slice(), seq_sql(received)?, device.to_string()],
            )?;
            Ok(())
        })
        .await
    }

    async fn blob_bytes(&self, device: Uuid) -> LedgerResult<u64> {
        self.with(move |conn| {
            let bytes: i64 = conn
                .prepare_cached(
                    "SELECT COALESCE(SUM(CASE WHEN complete THEN COALESCE(size, received)
                                              ELSE received END), 0)
                     FROM blobs WHERE device = ?1",
                )?
                .query_row([device.to_string()], |r| r.get(0))?;
            seq_of(bytes)
        })
        .await
    }

    async fn complete_blob(&self, sha256: Digest, size: u64) -> LedgerResult<()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO blobs (sha256, size, complete, received) VALUES (?1, ?2, 1, ?2)
                 ON CONFLICT (sha256) DO UPDATE SET size = ?2, complete = 1, received = ?2",
                params![sha256.0.as_slice(), seq_sql(size)?],
            )?;
            Ok(())
        })
        .await
    }

    async fn drop_blob(&self, sha256: Digest) -> LedgerResult<()> {
        self.write(move |tx| {
            tx.execute(
                "DELETE FROM blobs WHERE sha256 = ?1 AND complete = 0",
                [sha256.0.as_slice()],
            )?;
            Ok(())
        })
        .await
    }
}

/// Applies a decision of the centre to the case's ownership.
fn decide(tx: &rusqlite::Transaction, decision: CaseDecision) -> LedgerResult<()> {
    match decision {
        CaseDecision::Assign { case_id, device } => {
            tx.execute(
                "INSERT INTO case_owners (case_id, device, closed) VALUES (?1, ?2, 0)
                 ON CONFLICT (case_id) DO UPDATE
                     SET device = excluded.device, closed = 0, closure_seen = 0",
                params![case_id.to_string(), device.to_string()],
            )?;
        }
        CaseDecision::Close { case_id } => {
            let closed = tx.execute(
                "UPDATE case_owners SET closed = 1, closure_seen = 0 WHERE case_id = ?1",
                [case_id.to_string()],
            )?;
            if closed == 0 {
                return Err(unknown_case(case_id));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }
}
