//! The ledger on either database: every statement, every rule inside a write and every row's
//! decoding, once. A statement is written in the SQL both databases speak (`?N` parameters,
//! `TRUE`/`FALSE`, `ON CONFLICT`); what differs is below [`Conn`] and [`Scope`]: how a
//! statement reaches the database, and what a transaction must hold there.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use redshield_core::events::Digest;
use redshield_core::sync::protocol::{ServerEvent, WireVaultRow};
use uuid::Uuid;

use super::postgres::Postgres;
use super::rows::{
    Row, Value, blob_record, case_owner, chain_head, device_record, digest_of, held_conflict,
    held_event, held_fork, resolution, select_devices, seq_of, seq_sql, server_event, values,
    vault_row,
};
use super::sqlite::Sqlite;
use super::{
    BlobRecord, CaseDecision, CaseOwner, ChainHead, DeviceRecord, EnrolRefusal, Flag, HeldConflict,
    HeldEvent, HeldFork, Ledger, LedgerError, LedgerResult, NewDevice, PushBatch, Resolution,
};

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// The rows a statement read.
pub(crate) type Rows = LedgerResult<Vec<Row>>;
/// How many rows a statement changed.
pub(crate) type Changed = LedgerResult<u64>;

/// Where statements run: a connection, or a transaction begun on one. A transaction is rolled
/// back unless `commit` is called.
pub(crate) trait Conn: Send {
    fn query(&mut self, sql: &'static str, params: Vec<Value>) -> BoxFuture<'_, Rows>;
    fn execute(&mut self, sql: &'static str, params: Vec<Value>) -> BoxFuture<'_, Changed>;
    fn commit(&mut self) -> BoxFuture<'_, LedgerResult<()>>;
}

/// What a piece of work needs of the database. SQLite has one writer, so nothing changes
/// under a write between its reads and its writes; PostgreSQL has many, so a write that reads
/// first holds what it relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Each statement on its own.
    Autocommit,
    /// One transaction.
    Transaction,
    /// One transaction as if no other write ran at the same time, or cancelled (`Busy`) with
    /// nothing written: an enrolment reads rows that may not exist yet.
    Serializable,
    /// One transaction holding the device's row: pushes of one device are stored one after
    /// another onto the head each was checked against, even from several server processes.
    DeviceChain(Uuid),
    /// One transaction holding the server sequence: server events are numbered gaplessly, in
    /// signing order.
    ServerSequence,
}

/// Work on a connection, run by a driver.
pub(crate) type Work<T> =
    Box<dyn for<'c> FnOnce(&'c mut dyn Conn) -> BoxFuture<'c, LedgerResult<T>> + Send>;

/// The database a ledger is on.
#[derive(Clone)]
enum Database {
    Sqlite(Sqlite),
    Postgres(Postgres),
}

impl Database {
    /// The one place the two databases part.
    async fn run<T: Send + 'static>(&self, scope: Scope, work: Work<T>) -> LedgerResult<T> {
        match self {
            Database::Sqlite(db) => db.run(scope, work).await,
            Database::Postgres(db) => db.run(scope, work).await,
        }
    }
}

/// The centre's ledger, on SQLite or on PostgreSQL.
#[derive(Clone)]
pub struct SqlLedger {
    db: Database,
    /// Enrolments in this process take turns. Serializable enrolments touch the same few index
    /// pages of two small tables, so on PostgreSQL concurrent ones cancel each other (SSI)
    /// faster than they are retried: 35 of 200 devices enrolling at once were refused before.
    /// One at a time costs nothing (once per device); another process's are still retried.
    enrolling: Arc<tokio::sync::Mutex<()>>,
}

/// Runs of serializable work that the database cancels for a concurrent write, before giving
/// up (`Busy`).
const WRITE_ATTEMPTS: u32 = 5;

impl SqlLedger {
    fn on(db: Database) -> SqlLedger {
        SqlLedger {
            db,
            enrolling: Arc::default(),
        }
    }

    /// Opens (creating and migrating) the embedded ledger: `ledger.sqlite` in `data_dir`.
    pub fn sqlite(data_dir: &Path) -> LedgerResult<SqlLedger> {
        Sqlite::open(data_dir).map(|db| SqlLedger::on(Database::Sqlite(db)))
    }

    /// Connects to the database at `url` (`postgres://user:password@host:port/dbname`, or a
    /// unix socket: `postgresql://user@%2Frun%2Fpostgresql/dbname`) and migrates it.
    pub async fn postgres(url: &str) -> LedgerResult<SqlLedger> {
        let db = Postgres::connect(url).await?;
        Ok(SqlLedger::on(Database::Postgres(db)))
    }

    /// The ledger `database` names: PostgreSQL, or by default the SQLite file in `data_dir`
    /// (opened on the blocking pool: creating it syncs the disk).
    pub async fn open(data_dir: &Path, database: Option<&str>) -> LedgerResult<SqlLedger> {
        if let Some(url) = database {
            return SqlLedger::postgres(url).await;
        }
        let dir = data_dir.to_path_buf();
        tokio::task::spawn_blocking(move || SqlLedger::sqlite(&dir))
            .await
            .map_err(|e| LedgerError::Storage(format!("ledger task failed: {e}")))?
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.db, Database::Postgres(_))
    }

    async fn run<T, F>(&self, scope: Scope, work: F) -> LedgerResult<T>
    where
        F: for<'c> FnOnce(&'c mut dyn Conn) -> BoxFuture<'c, LedgerResult<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.db.run(scope, Box::new(work)).await
    }

    /// The rows one statement reads.
    async fn rows(&self, sql: &'static str, params: Vec<Value>) -> LedgerResult<Vec<Row>> {
        self.run(Scope::Autocommit, move |c| c.query(sql, params))
            .await
    }

    /// The first row one statement reads, if any.
    async fn row(&self, sql: &'static str, params: Vec<Value>) -> LedgerResult<Option<Row>> {
        Ok(self.rows(sql, params).await?.into_iter().next())
    }

    /// One statement that changes rows; how many.
    async fn change(&self, sql: &'static str, params: Vec<Value>) -> LedgerResult<u64> {
        self.run(Scope::Autocommit, move |c| c.execute(sql, params))
            .await
    }

    /// Runs `attempt` again while the database cancels it for a concurrent write (`Busy`);
    /// each run is a transaction of its own, so a cancelled one left nothing behind.
    async fn retrying<T, Fut>(&self, mut attempt: impl FnMut() -> Fut) -> LedgerResult<T>
    where
        Fut: Future<Output = LedgerResult<T>>,
    {
        for _ in 1..WRITE_ATTEMPTS {
            match attempt().await {
                Err(LedgerError::Busy(why)) => tracing::debug!(%why, "ledger write run again"),
                outcome => return outcome,
            }
        }
        attempt().await
    }
}

fn decoded<T>(rows: Vec<Row>, decode: fn(Row) -> LedgerResult<T>) -> LedgerResult<Vec<T>> {
    rows.into_iter().map(decode).collect()
}

fn first(rows: Vec<Row>) -> Option<Row> {
    rows.into_iter().next()
}

// --- the rules inside a write ---

/// `last_seen` is written at most this often per device.
const LAST_SEEN_RESOLUTION_MS: i64 = 60_000;

/// Whether `device_by_token` should write `last_seen` for `record` at `now_ms`.
fn last_seen_due(record: &DeviceRecord, now_ms: i64) -> bool {
    !record.revoked && record.last_seen_ms + LAST_SEEN_RESOLUTION_MS <= now_ms
}

/// Why a code (its `expires_ms` and `consumed`, if it is known) cannot enrol at `now_ms`.
fn code_refusal(code: Option<(i64, bool)>, now_ms: i64) -> Option<EnrolRefusal> {
    match code {
        None => Some(EnrolRefusal::UnknownCode),
        Some((_, true)) => Some(EnrolRefusal::CodeUsed),
        Some((expires, false)) if expires <= now_ms => Some(EnrolRefusal::CodeExpired),
        Some(_) => None,
    }
}

/// What an enrolment does to the devices table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admission {
    /// A device the centre does not know yet.
    New,
    /// The same device with the same key enrolling again: its token is replaced.
    Renew,
}

/// Whether `device` may enrol, given the device held under its id (if any) and the other
/// devices holding its key or its prefix (`others`, revoked ones included: a revoked device's
/// key or prefix is never given to another).
fn admission(
    device: &NewDevice,
    held: Option<&DeviceRecord>,
    others: &[DeviceRecord],
) -> Result<Admission, EnrolRefusal> {
    let other = |same: fn(&DeviceRecord, &NewDevice) -> bool| {
        others
            .iter()
            .find(|o| o.id != device.id && same(o, device))
            .map(|o| o.id)
    };
    if let Some(id) = other(|o, d| o.public_key == d.public_key) {
        return Err(EnrolRefusal::KeyTaken(id));
    }
    if let Some(id) = other(|o, d| o.prefix == d.prefix) {
        return Err(EnrolRefusal::PrefixTaken(id));
    }
    match held {
        None => Ok(Admission::New),
        Some(held) if held.revoked => Err(EnrolRefusal::Revoked),
        Some(held) if held.public_key != device.public_key => Err(EnrolRefusal::KeyMismatch),
        Some(_) => Ok(Admission::Renew),
    }
}

/// Checks that `make` built the event for seq `next`; its signature's bytes, to store.
fn made_for(next: u64, event: &ServerEvent) -> LedgerResult<Vec<u8>> {
    if event.server_seq != next {
        return Err(LedgerError::Refused(format!(
            "a server event was made for seq {} instead of {next}",
            event.server_seq
        )));
    }
    hex::decode(&event.signature)
        .map_err(|_| LedgerError::Refused("the signature is not hex".into()))
}

/// A vault row's salt as stored (bytes; hex on the wire).
fn salt_of(row: &WireVaultRow) -> LedgerResult<Vec<u8>> {
    hex::decode(&row.salt)
        .map_err(|_| LedgerError::Corrupt(format!("vault row {}: salt is not hex", row.id)))
}

/// An attachment's salt and value as stored beside its server event.
fn attachment_columns(event: &ServerEvent) -> LedgerResult<(Option<Vec<u8>>, Option<&str>)> {
    let Some(a) = &event.attachment else {
        return Ok((None, None));
    };
    let salt = hex::decode(&a.salt)
        .map_err(|_| LedgerError::Refused("an attachment's salt is not hex".into()))?;
    Ok((Some(salt), Some(&a.value)))
}

// --- statements run inside a larger piece of work ---

async fn read_device(c: &mut dyn Conn, id: Uuid) -> LedgerResult<Option<DeviceRecord>> {
    let rows = c.query(select_devices!("WHERE id = ?1"), values![id]);
    first(rows.await?).map(device_record).transpose()
}

/// The other devices holding `device`'s public key or prefix.
async fn devices_sharing(c: &mut dyn Conn, device: &NewDevice) -> LedgerResult<Vec<DeviceRecord>> {
    let sql = select_devices!("WHERE (public_key = ?1 OR prefix = ?2) AND id <> ?3");
    let params = values![
        device.public_key.as_slice(),
        device.prefix.as_str(),
        device.id
    ];
    decoded(c.query(sql, params).await?, device_record)
}

async fn read_head(c: &mut dyn Conn, device: Uuid) -> LedgerResult<ChainHead> {
    let sql = "SELECT seq, hash FROM device_events WHERE device = ?1 ORDER BY seq DESC LIMIT 1";
    chain_head(first(c.query(sql, values![device]).await?))
}

/// One run of an enrolment; a refusal leaves the transaction uncommitted: the code as it was.
async fn enrol_once(
    c: &mut dyn Conn,
    code_hash: Digest,
    now_ms: i64,
    device: NewDevice,
) -> LedgerResult<Result<DeviceRecord, EnrolRefusal>> {
    let sql = "SELECT expires_ms, consumed FROM enrolment_codes WHERE code_hash = ?1";
    let code = first(c.query(sql, values![code_hash]).await?)
        .map(|mut r| Ok::<_, LedgerError>((r.get(0)?, r.get(1)?)))
        .transpose()?;
    if let Some(refusal) = code_refusal(code, now_ms) {
        return Ok(Err(refusal));
    }
    let held = read_device(c, device.id).await?;
    let others = devices_sharing(c, &device).await?;
    match admission(&device, held.as_ref(), &others) {
        Err(refusal) => return Ok(Err(refusal)),
        Ok(admission) => admit(c, &device, admission, now_ms).await?,
    }
    let consumed = c
        .execute(
            "UPDATE enrolment_codes SET consumed = TRUE, consumed_ms = ?2, consumed_by = ?3
             WHERE code_hash = ?1 AND NOT consumed",
            values![code_hash, now_ms, device.id],
        )
        .await?;
    if consumed != 1 {
        return Ok(Err(EnrolRefusal::CodeUsed));
    }
    let record = read_device(c, device.id)
        .await?
        .ok_or(LedgerError::UnknownDevice(device.id))?;
    c.commit().await?;
    Ok(Ok(record))
}

/// Writes the enrolling device: a new row, or the same device's new token.
async fn admit(
    c: &mut dyn Conn,
    device: &NewDevice,
    admission: Admission,
    now_ms: i64,
) -> LedgerResult<()> {
    let token_hash = device.token_hash;
    let app_version = device.app_version.as_str();
    match admission {
        Admission::Renew => c.execute(
            "UPDATE devices SET token_hash = ?2, app_version = ?3, last_seen_ms = ?4
             WHERE id = ?1",
            values![device.id, token_hash, app_version, now_ms],
        ),
        Admission::New => c.execute(
            "INSERT INTO devices (id, public_key, prefix, app_version, token_hash,
                                  enrolled_at_ms, last_seen_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            values![
                device.id,
                device.public_key.as_slice(),
                device.prefix.as_str(),
                app_version,
                token_hash,
                now_ms
            ],
        ),
    }
    .await?;
    Ok(())
}

/// Stores a push's batch if the device's head is still `onto`.
async fn store_batch(
    c: &mut dyn Conn,
    device: Uuid,
    onto: ChainHead,
    batch: PushBatch,
) -> LedgerResult<()> {
    if read_head(c, device).await? != onto {
        return Err(LedgerError::HeadMoved {
            device,
            expected: onto.seq,
        });
    }
    for e in &batch.events {
        c.execute(
            "INSERT INTO device_events (device, seq, hash, canonical, signature, received_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            values![
                device,
                seq_sql(e.seq)?,
                e.hash,
                e.canonical.as_bytes(),
                e.signature.as_slice(),
                e.received_at_ms
            ],
        )
        .await?;
    }
    for f in &batch.forks {
        // A fork already held is left as it is.
        c.execute(
            "INSERT INTO forks (device, seq, hash, canonical, signature, received_at_ms, flagged)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT DO NOTHING",
            values![
                device,
                seq_sql(f.seq)?,
                f.hash,
                f.canonical.as_bytes(),
                f.signature.as_slice(),
                f.received_at_ms,
                f.flagged
            ],
        )
        .await?;
    }
    for row in &batch.vault {
        c.execute(
            "INSERT INTO vault (device, id, case_id, field, salt, value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (device, id) DO NOTHING",
            values![
                device,
                row.id,
                row.case_id,
                row.field.as_str(),
                salt_of(row)?,
                row.value.as_str()
            ],
        )
        .await?;
    }
    store_ownership(c, device, &batch).await?;
    c.commit().await
}

/// The cases this push's device claims by writing first, the closures it has applied, and its
/// events that do not fit their case.
async fn store_ownership(c: &mut dyn Conn, device: Uuid, batch: &PushBatch) -> LedgerResult<()> {
    for case_id in &batch.claims {
        c.execute(
            "INSERT INTO case_owners (case_id, device) VALUES (?1, ?2)
             ON CONFLICT (case_id) DO NOTHING",
            values![*case_id, device],
        )
        .await?;
    }
    for case_id in &batch.closures_seen {
        c.execute(
            "UPDATE case_owners SET closure_seen = TRUE WHERE case_id = ?1 AND device = ?2",
            values![*case_id, device],
        )
        .await?;
    }
    for conflict in &batch.conflicts {
        c.execute(
            "INSERT INTO conflicts (device, seq, case_id, reason, flagged_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            values![
                device,
                seq_sql(conflict.seq)?,
                conflict.case_id,
                conflict.reason.as_str(),
                conflict.flagged_at_ms
            ],
        )
        .await?;
    }
    Ok(())
}

/// Applies a decision of the centre to the case's ownership.
async fn decide(c: &mut dyn Conn, decision: CaseDecision) -> LedgerResult<()> {
    match decision {
        CaseDecision::Assign { case_id, device } => {
            c.execute(
                "INSERT INTO case_owners (case_id, device, closed) VALUES (?1, ?2, FALSE)
                 ON CONFLICT (case_id) DO UPDATE
                     SET device = excluded.device, closed = FALSE, closure_seen = FALSE",
                values![case_id, device],
            )
            .await?;
        }
        CaseDecision::Close { case_id } => {
            let closed = c
                .execute(
                    "UPDATE case_owners SET closed = TRUE, closure_seen = FALSE WHERE case_id = ?1",
                    values![case_id],
                )
                .await?;
            if closed == 0 {
                return Err(LedgerError::Refused(format!(
                    "the centre holds no case {case_id}"
                )));
            }
        }
    }
    Ok(())
}

/// Numbers the next server event, has `make` build it, and stores it with its decision.
async fn append<F>(
    c: &mut dyn Conn,
    device: Option<Uuid>,
    decision: Option<CaseDecision>,
    make: F,
) -> LedgerResult<ServerEvent>
where
    F: FnOnce(u64) -> LedgerResult<ServerEvent> + Send,
{
    if let Some(decision) = decision {
        decide(c, decision).await?;
    }
    let sql = "SELECT COALESCE(MAX(server_seq), 0) FROM server_events";
    let mut last = first(c.query(sql, values![]).await?)
        .ok_or_else(|| LedgerError::Corrupt("no last server seq".into()))?;
    let next = seq_of(last.get(0)?)? + 1;
    let event = make(next)?;
    let signature = made_for(next, &event)?;
    let (salt, value) = attachment_columns(&event)?;
    c.execute(
        "INSERT INTO server_events (server_seq, device, canonical, hash, signature,
             attachment_salt, attachment_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        values![
            seq_sql(next)?,
            device,
            event.canonical.as_bytes(),
            event.hash,
            signature,
            salt,
            value
        ],
    )
    .await?;
    c.commit().await?;
    Ok(event)
}

/// Marks the flagged event resolved and keeps the note; false when none is open there.
async fn resolve_flag(
    c: &mut dyn Conn,
    device: Uuid,
    flag: Flag,
    seq: i64,
    note: String,
    at_ms: i64,
) -> LedgerResult<bool> {
    let open = match flag {
        Flag::Conflict => {
            "UPDATE conflicts SET resolved = TRUE WHERE device = ?1 AND seq = ?2 AND NOT resolved"
        }
        Flag::Fork => "UPDATE forks SET flagged = FALSE WHERE device = ?1 AND seq = ?2 AND flagged",
    };
    if c.execute(open, values![device, seq]).await? == 0 {
        return Ok(false);
    }
    c.execute(
        "INSERT INTO resolutions (device, flag, seq, note, resolved_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (device, flag, seq)
         DO UPDATE SET note = excluded.note, resolved_at_ms = excluded.resolved_at_ms",
        values![device, flag.as_str(), seq, note, at_ms],
    )
    .await?;
    c.commit().await?;
    Ok(true)
}

/// The device a token belongs to; its `last_seen` written when due.
async fn device_by_token(
    c: &mut dyn Conn,
    token_hash: Digest,
    now_ms: i64,
) -> LedgerResult<Option<DeviceRecord>> {
    let rows = c.query(
        select_devices!("WHERE token_hash = ?1"),
        values![token_hash],
    );
    let Some(record) = first(rows.await?).map(device_record).transpose()? else {
        return Ok(None);
    };
    if last_seen_due(&record, now_ms) {
        c.execute(
            "UPDATE devices SET last_seen_ms = ?2 WHERE id = ?1",
            values![record.id, now_ms],
        )
        .await?;
    }
    Ok(Some(record))
}

impl Ledger for SqlLedger {
    async fn health(&self) -> LedgerResult<()> {
        self.rows("SELECT COUNT(*) FROM devices", values![]).await?;
        Ok(())
    }

    async fn add_enrolment_code(
        &self,
        code_hash: Digest,
        created_ms: i64,
        expires_ms: i64,
    ) -> LedgerResult<()> {
        self.change(
            "INSERT INTO enrolment_codes (code_hash, created_ms, expires_ms) VALUES (?1, ?2, ?3)",
            values![code_hash, created_ms, expires_ms],
        )
        .await?;
        Ok(())
    }

    async fn enrol(
        &self,
        code_hash: Digest,
        now_ms: i64,
        device: NewDevice,
    ) -> LedgerResult<Result<DeviceRecord, EnrolRefusal>> {
        let _turn = self.enrolling.lock().await;
        self.retrying(|| {
            let device = device.clone();
            self.run(Scope::Serializable, move |c| {
                Box::pin(enrol_once(c, code_hash, now_ms, device))
            })
        })
        .await
    }

    async fn device(&self, id: Uuid) -> LedgerResult<Option<DeviceRecord>> {
        self.run(Scope::Autocommit, move |c| Box::pin(read_device(c, id)))
            .await
    }

    async fn devices(&self) -> LedgerResult<Vec<DeviceRecord>> {
        let sql = select_devices!("ORDER BY enrolled_at_ms, id");
        decoded(self.rows(sql, values![]).await?, device_record)
    }

    async fn device_by_token(
        &self,
        token_hash: Digest,
        now_ms: i64,
    ) -> LedgerResult<Option<DeviceRecord>> {
        self.run(Scope::Autocommit, move |c| {
            Box::pin(device_by_token(c, token_hash, now_ms))
        })
        .await
    }

    async fn revoke_device(&self, id: Uuid) -> LedgerResult<bool> {
        let sql = "UPDATE devices SET revoked = TRUE WHERE id = ?1";
        Ok(self.change(sql, values![id]).await? == 1)
    }

    async fn resolve(
        &self,
        device: Uuid,
        flag: Flag,
        seq: u64,
        note: String,
        at_ms: i64,
    ) -> LedgerResult<bool> {
        let seq = seq_sql(seq)?;
        self.run(Scope::Transaction, move |c| {
            Box::pin(resolve_flag(c, device, flag, seq, note, at_ms))
        })
        .await
    }

    async fn resolutions(&self, device: Uuid) -> LedgerResult<Vec<Resolution>> {
        let sql = "SELECT flag, seq, note, resolved_at_ms FROM resolutions
                   WHERE device = ?1 ORDER BY seq, flag";
        decoded(self.rows(sql, values![device]).await?, resolution)
    }

    async fn head(&self, device: Uuid) -> LedgerResult<ChainHead> {
        self.run(Scope::Autocommit, move |c| Box::pin(read_head(c, device)))
            .await
    }

    async fn event_hash(&self, device: Uuid, seq: u64) -> LedgerResult<Option<Digest>> {
        let sql = "SELECT hash FROM device_events WHERE device = ?1 AND seq = ?2";
        let row = self.row(sql, values![device, seq_sql(seq)?]).await?;
        row.map(|mut r| digest_of(&r.get::<Vec<u8>>(0)?, "an event hash"))
            .transpose()
    }

    async fn fork_held(&self, device: Uuid, seq: u64, hash: Digest) -> LedgerResult<bool> {
        let sql = "SELECT 1 FROM forks WHERE device = ?1 AND seq = ?2 AND hash = ?3";
        let row = self.row(sql, values![device, seq_sql(seq)?, hash]).await?;
        Ok(row.is_some())
    }

    async fn store_push(
        &self,
        device: Uuid,
        onto: ChainHead,
        batch: PushBatch,
    ) -> LedgerResult<()> {
        self.run(Scope::DeviceChain(device), move |c| {
            Box::pin(store_batch(c, device, onto, batch))
        })
        .await
    }

    async fn events(&self, device: Uuid, after: u64, limit: usize) -> LedgerResult<Vec<HeldEvent>> {
        let sql = "SELECT seq, hash, canonical, signature, received_at_ms FROM device_events
                   WHERE device = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3";
        let params = values![device, seq_sql(after)?, limit as i64];
        decoded(self.rows(sql, params).await?, held_event)
    }

    async fn forks(&self, device: Uuid) -> LedgerResult<Vec<HeldFork>> {
        let sql = "SELECT seq, hash, canonical, signature, received_at_ms, flagged FROM forks
                   WHERE device = ?1 ORDER BY seq, received_at_ms, hash";
        decoded(self.rows(sql, values![device]).await?, held_fork)
    }

    async fn conflicts(&self, device: Uuid) -> LedgerResult<Vec<HeldConflict>> {
        let sql = "SELECT seq, case_id, reason, flagged_at_ms, resolved FROM conflicts
                   WHERE device = ?1 ORDER BY seq";
        decoded(self.rows(sql, values![device]).await?, held_conflict)
    }

    async fn case_owner(&self, case_id: Uuid) -> LedgerResult<Option<CaseOwner>> {
        let sql = "SELECT device, closed, closure_seen FROM case_owners WHERE case_id = ?1";
        let row = self.row(sql, values![case_id]).await?;
        row.map(case_owner).transpose()
    }

    async fn vault_rows_after(&self, device: Uuid, after: i64) -> LedgerResult<Vec<WireVaultRow>> {
        let sql = "SELECT id, case_id, field, salt, value FROM vault
                   WHERE device = ?1 AND id > ?2 ORDER BY id";
        decoded(self.rows(sql, values![device, after]).await?, vault_row)
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
        self.run(Scope::ServerSequence, move |c| {
            Box::pin(append(c, device, decision, make))
        })
        .await
    }

    async fn server_events(
        &self,
        device: Uuid,
        after: u64,
        limit: usize,
    ) -> LedgerResult<Vec<ServerEvent>> {
        let sql = "SELECT server_seq, canonical, hash, signature, attachment_salt, attachment_value
                   FROM server_events
                   WHERE server_seq > ?2 AND (device = ?1 OR device IS NULL)
                   ORDER BY server_seq LIMIT ?3";
        let params = values![device, seq_sql(after)?, limit as i64];
        decoded(self.rows(sql, params).await?, server_event)
    }

    async fn blob(&self, sha256: Digest) -> LedgerResult<Option<BlobRecord>> {
        let sql = "SELECT received, complete, size FROM blobs WHERE sha256 = ?1";
        let row = self.row(sql, values![sha256]).await?;
        row.map(blob_record).transpose()
    }

    async fn set_blob_received(
        &self,
        sha256: Digest,
        device: Uuid,
        received: u64,
    ) -> LedgerResult<()> {
        self.change(
            "INSERT INTO blobs (sha256, received, device) VALUES (?1, ?2, ?3)
             ON CONFLICT (sha256) DO UPDATE SET received = excluded.received
             WHERE NOT blobs.complete",
            values![sha256, seq_sql(received)?, device],
        )
        .await?;
        Ok(())
    }

    async fn blob_bytes(&self, device: Uuid) -> LedgerResult<u64> {
        let sql = "SELECT CAST(COALESCE(SUM(CASE WHEN complete THEN COALESCE(size, received)
                                               ELSE received END), 0) AS BIGINT)
                   FROM blobs WHERE device = ?1";
        let mut row = self
            .row(sql, values![device])
            .await?
            .ok_or_else(|| LedgerError::Corrupt("no sum of blob bytes".into()))?;
        seq_of(row.get(0)?)
    }

    async fn complete_blob(&self, sha256: Digest, size: u64) -> LedgerResult<()> {
        self.change(
            "INSERT INTO blobs (sha256, size, complete, received) VALUES (?1, ?2, TRUE, ?2)
             ON CONFLICT (sha256) DO UPDATE SET size = ?2, complete = TRUE, received = ?2",
            values![sha256, seq_sql(size)?],
        )
        .await?;
        Ok(())
    }

    async fn drop_blob(&self, sha256: Digest) -> LedgerResult<()> {
        let sql = "DELETE FROM blobs WHERE sha256 = ?1 AND NOT complete";
        self.change(sql, values![sha256]).await?;
        Ok(())
    }
}
