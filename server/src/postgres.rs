//! The ledger on PostgreSQL, for a centre that outgrows one file: the same tables as
//! `sqlite.rs` behind the same trait, over tokio-postgres with a small deadpool pool.
//!
//! No TLS to the database (`NoTls`): it belongs on the centre's own network or on the same
//! host (a unix socket or 127.0.0.1), like the rest of the centre's back end.
//!
//! The SQLite store has a single writer, so nothing changes under a write between its reads
//! and its writes. Here many connections write at once, so every write that reads first holds
//! what it relies on:
//! - an enrolment runs SERIALIZABLE (the code's row, and a device row that may not exist yet),
//!   and is run again when PostgreSQL reports that a concurrent one got in its way;
//! - a push locks its device's row, so pushes of one device are stored one after another onto
//!   the head each was checked against, even from several server processes;
//! - a server event locks `server_events` against other writers (readers go on) and takes the
//!   last seq plus one: gapless and in signing order. A sequence (BIGSERIAL) would not do:
//!   every rolled-back transaction would leave a gap.
//!
//! Durability: the server refuses a database whose `synchronous_commit` is `off`, since an
//! acknowledged push must survive a crash (DESIGN "Durability").

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{
    GenericClient, Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
    Transaction,
};
use redshield_core::events::Digest;
use redshield_core::sync::protocol::{ServerEvent, WireVaultRow};
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, NoTls, Row};
use uuid::Uuid;

use crate::ledger::{
    Admission, BlobRecord, CaseDecision, CaseOwner, ChainHead, DEVICE_COLUMNS, DeviceRecord,
    DeviceRow, EnrolRefusal, EventRow, Flag, HeldConflict, HeldEvent, HeldFork, Ledger,
    LedgerError, LedgerResult, NewDevice, PushBatch, Resolution, admission, attachment_columns,
    blob_record, case_owner, chain_head, code_refusal, device_record, digest_of, held_conflict,
    held_event, held_fork, last_seen_due, made_for, resolution, salt_of, seq_of, seq_sql,
    server_event, unknown_case, vault_row,
};

/// Connections kept open to the database.
const POOL_SIZE: usize = 16;
/// A request waits at most this long for a free connection, then is answered `unavailable`.
const POOL_WAIT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Runs of an enrolment that PostgreSQL cancels for a concurrent one, before giving up (`Busy`).
const WRITE_ATTEMPTS: u32 = 5;
/// Any fixed key: two servers starting at once on one database migrate one after the other.
const MIGRATION_LOCK: i64 = 0x7265_6473_6869_656c;

/// The schema, one step per version; `schema_migrations` records the versions applied.
/// Steps are only ever appended.
const STEPS: &[&str] = &[
    "CREATE TABLE enrolment_codes (
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
    -- table lock (see the module), not from a sequence.
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
    );",
    // 2: case ownership, and the case a conflict is about.
    "CREATE TABLE case_owners (
        case_id TEXT PRIMARY KEY,
        device  TEXT NOT NULL REFERENCES devices (id),
        closed  BOOLEAN NOT NULL DEFAULT FALSE
    );
    ALTER TABLE conflicts ADD COLUMN case_id TEXT NOT NULL DEFAULT '';",
    // 3: personal data sent beside a decision (purgeable, outside the signed bytes), and
    // whether a case's owner has applied its closure.
    "ALTER TABLE server_events ADD COLUMN attachment_salt BYTEA;
    ALTER TABLE server_events ADD COLUMN attachment_value TEXT;
    ALTER TABLE case_owners ADD COLUMN closure_seen BOOLEAN NOT NULL DEFAULT FALSE;
    -- How the centre's staff resolved a conflict or a fork (the events stay held).
    CREATE TABLE resolutions (
        device         TEXT NOT NULL REFERENCES devices (id),
        flag           TEXT NOT NULL,
        seq            BIGINT NOT NULL,
        note           TEXT NOT NULL,
        resolved_at_ms BIGINT NOT NULL,
        PRIMARY KEY (device, flag, seq)
    );",
    // 4: the device charged for a blob (the one that began uploading it), for its quota.
    "ALTER TABLE blobs ADD COLUMN device TEXT;
    CREATE INDEX blobs_by_device ON blobs (device);",
];

/// The schema version this server migrates to.
pub fn schema_version() -> usize {
    STEPS.len()
}

impl From<tokio_postgres::Error> for LedgerError {
    fn from(e: tokio_postgres::Error) -> Self {
        // tokio-postgres shows only the kind ("db error"); the server's words are the cause.
        let words = match std::error::Error::source(&e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        };
        match e.code() {
            Some(code)
                if *code == SqlState::T_R_SERIALIZATION_FAILURE
                    || *code == SqlState::T_R_DEADLOCK_DETECTED =>
            {
                LedgerError::Busy(words)
            }
            _ => LedgerError::Storage(words),
        }
    }
}

impl From<PoolError> for LedgerError {
    fn from(e: PoolError) -> Self {
        match e {
            PoolError::Backend(e) => e.into(),
            other => LedgerError::Storage(format!("PostgreSQL connection pool: {other}")),
        }
    }
}

fn migration_error(e: tokio_postgres::Error) -> LedgerError {
    LedgerError::Migration(LedgerError::from(e).to_string())
}

/// `url` with its password (in the user part or a `password=` parameter) masked, for logs.
pub fn redacted_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    // The user part ends at the last '@': a password may hold '/', '?' or '@' unescaped, and
    // masking too much only hides a little more.
    let rest = match rest.rsplit_once('@') {
        Some((user, after)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{after}"),
            None => rest.to_string(),
        },
        None => rest.to_string(),
    };
    let rest = match rest.split_once('?') {
        Some((head, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => param.to_string(),
                })
                .collect();
            format!("{head}?{}", params.join("&"))
        }
        None => rest,
    };
    scheme + &rest
}

/// Whether `database` names a PostgreSQL server (`postgres://…` or `postgresql://…`).
pub fn is_postgres_url(database: &str) -> bool {
    database.starts_with("postgres://") || database.starts_with("postgresql://")
}

#[derive(Clone)]
pub struct PostgresLedger {
    pool: Pool,
    /// Enrolments in this process take turns. Serializable enrolments touch the same few index
    /// pages of two small tables, so concurrent ones cancel each other (SSI) faster than they
    /// are retried: 35 of 200 devices enrolling at once were refused before. One at a time
    /// costs nothing (once per device); another process's enrolments are still retried.
    enrolling: Arc<tokio::sync::Mutex<()>>,
}

impl PostgresLedger {
    /// Connects to the database at `url` (`postgres://user:password@host:port/dbname`, or a
    /// unix socket: `postgresql://user@%2Frun%2Fpostgresql/dbname`) and migrates it.
    pub async fn connect(url: &str) -> LedgerResult<PostgresLedger> {
        if !is_postgres_url(url) {
            return Err(LedgerError::Storage(format!(
                "{}: a database URL starts with postgres:// or postgresql://",
                redacted_url(url)
            )));
        }
        let mut config = tokio_postgres::Config::from_str(url).map_err(|e| {
            LedgerError::Storage(format!("{}: {}", redacted_url(url), LedgerError::from(e)))
        })?;
        config.connect_timeout(CONNECT_TIMEOUT);
        if config.get_application_name().is_none() {
            config.application_name("redshield-server");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| LedgerError::Storage(format!("PostgreSQL connection pool: {e}")))?;
        let ledger = PostgresLedger {
            pool,
            enrolling: Arc::default(),
        };
        ledger.prepare().await.map_err(|e| match e {
            LedgerError::Storage(words) => {
                LedgerError::Storage(format!("{}: {words}", redacted_url(url)))
            }
            other => other,
        })?;
        Ok(ledger)
    }

    /// Checks the database and migrates it: the first connection.
    async fn prepare(&self) -> LedgerResult<()> {
        let mut client = self.client().await?;
        check_durable(&client).await?;
        migrate(&mut client).await
    }

    async fn client(&self) -> LedgerResult<Object> {
        Ok(self.pool.get().await?)
    }
}

/// Refuses a database that would acknowledge a commit before it is on disk.
async fn check_durable(client: &Object) -> LedgerResult<()> {
    let row = client.query_one("SHOW synchronous_commit", &[]).await?;
    let setting: String = row.try_get(0)?;
    if setting.eq_ignore_ascii_case("off") {
        return Err(LedgerError::Storage(
            "synchronous_commit is off: an acknowledged push could vanish in a crash; \
             set it to on for the database or role (ALTER DATABASE … SET synchronous_commit = on)"
                .into(),
        ));
    }
    Ok(())
}

/// Applies the steps not applied yet, in one transaction.
async fn migrate(client: &mut Object) -> LedgerResult<()> {
    let tx = client.transaction().await.map_err(migration_error)?;
    tx.batch_execute(&format!(
        "SELECT pg_advisory_xact_lock({MIGRATION_LOCK});
         CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         );"
    ))
    .await
    .map_err(migration_error)?;
    let applied: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .and_then(|row| row.try_get(0))
        .map_err(migration_error)?;
    let applied = usize::try_from(applied)
        .map_err(|_| LedgerError::Migration(format!("schema version {applied}")))?;
    if applied > STEPS.len() {
        return Err(LedgerError::Migration(format!(
            "the database is at schema version {applied}, this server knows up to {}: \
             run a newer server",
            STEPS.len()
        )));
    }
    for (version, step) in (1i32..).zip(STEPS).skip(applied) {
        tx.batch_execute(step).await.map_err(migration_error)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await
        .map_err(migration_error)?;
        tracing::info!(version, "ledger schema migrated");
    }
    tx.commit().await.map_err(migration_error)
}

/// Runs `attempt` again while PostgreSQL cancels it for a concurrent write (`Busy`); each run
/// is a transaction of its own, so a cancelled one left nothing behind.
async fn retrying<T, Fut>(mut attempt: impl FnMut() -> Fut) -> LedgerResult<T>
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

fn device_row(r: &Row) -> Result<DeviceRow, tokio_postgres::Error> {
    Ok((
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
    ))
}

fn event_row(r: &Row) -> Result<EventRow, tokio_postgres::Error> {
    Ok((
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
    ))
}

async fn read_device(c: &impl GenericClient, id: Uuid) -> LedgerResult<Option<DeviceRecord>> {
    let statement = c
        .prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1"
        ))
        .await?;
    c.query_opt(&statement, &[&id.to_string()])
        .await?
        .map(|row| device_record(device_row(&row)?))
        .transpose()
}

/// The other devices holding `device`'s public key or prefix.
async fn devices_sharing(
    c: &impl GenericClient,
    device: &NewDevice,
) -> LedgerResult<Vec<DeviceRecord>> {
    let statement = c
        .prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices
             WHERE (public_key = $1 OR prefix = $2) AND id <> $3"
        ))
        .await?;
    c.query(
        &statement,
        &[
            &device.public_key.as_slice(),
            &device.prefix,
            &device.id.to_string(),
        ],
    )
    .await?
    .iter()
    .map(|row| device_record(device_row(row)?))
    .collect()
}

async fn read_head(c: &impl GenericClient, device: Uuid) -> LedgerResult<ChainHead> {
    let statement = c
        .prepare_cached(
            "SELECT seq, hash FROM device_events WHERE device = $1 ORDER BY seq DESC LIMIT 1",
        )
        .await?;
    let row = c
        .query_opt(&statement, &[&device.to_string()])
        .await?
        .map(|r| Ok::<_, tokio_postgres::Error>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()?;
    chain_head(row)
}

async fn insert_events(tx: &Transaction<'_>, id: &str, events: &[HeldEvent]) -> LedgerResult<()> {
    let insert = tx
        .prepare_cached(
            "INSERT INTO device_events (device, seq, hash, canonical, signature, received_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .await?;
    for e in events {
        tx.execute(
            &insert,
            &[
                &id,
                &seq_sql(e.seq)?,
                &e.hash.0.as_slice(),
                &e.canonical.as_bytes(),
                &e.signature,
                &e.received_at_ms,
            ],
        )
        .await?;
    }
    Ok(())
}

/// A fork already held is left as it is.
async fn insert_forks(tx: &Transaction<'_>, id: &str, forks: &[HeldFork]) -> LedgerResult<()> {
    let insert = tx
        .prepare_cached(
            "INSERT INTO forks (device, seq, hash, canonical, signature, received_at_ms, flagged)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT DO NOTHING",
        )
        .await?;
    for f in forks {
        tx.execute(
            &insert,
            &[
                &id,
                &seq_sql(f.seq)?,
                &f.hash.0.as_slice(),
                &f.canonical.as_bytes(),
                &f.signature,
                &f.received_at_ms,
                &f.flagged,
            ],
        )
        .await?;
    }
    Ok(())
}

/// A vault row already held is left as it is.
async fn insert_vault(tx: &Transaction<'_>, id: &str, rows: &[WireVaultRow]) -> LedgerResult<()> {
    let insert = tx
        .prepare_cached(
            "INSERT INTO vault (device, id, case_id, field, salt, value)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (device, id) DO NOTHING",
        )
        .await?;
    for row in rows {
        tx.execute(
            &insert,
            &[
                &id,
                &row.id,
                &row.case_id.map(|c| c.to_string()),
                &row.field,
                &salt_of(row)?,
                &row.value,
            ],
        )
        .await?;
    }
    Ok(())
}

/// The cases this push's device claims by writing first, and its events that do not fit
/// their case.
async fn insert_ownership(tx: &Transaction<'_>, id: &str, batch: &PushBatch) -> LedgerResult<()> {
    let claim = tx
        .prepare_cached(
            "INSERT INTO case_owners (case_id, device) VALUES ($1, $2)
             ON CONFLICT (case_id) DO NOTHING",
        )
        .await?;
    for case_id in &batch.claims {
        tx.execute(&claim, &[&case_id.to_string(), &id]).await?;
    }
    let seen = tx
        .prepare_cached(
            "UPDATE case_owners SET closure_seen = TRUE WHERE case_id = $1 AND device = $2",
        )
        .await?;
    for case_id in &batch.closures_seen {
        tx.execute(&seen, &[&case_id.to_string(), &id]).await?;
    }
    let conflict = tx
        .prepare_cached(
            "INSERT INTO conflicts (device, seq, case_id, reason, flagged_at_ms)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .await?;
    for c in &batch.conflicts {
        tx.execute(
            &conflict,
            &[
                &id,
                &seq_sql(c.seq)?,
                &c.case_id.to_string(),
                &c.reason,
                &c.flagged_at_ms,
            ],
        )
        .await?;
    }
    Ok(())
}

/// Applies a decision of the centre to the case's ownership.
async fn decide(tx: &Transaction<'_>, decision: CaseDecision) -> LedgerResult<()> {
    match decision {
        CaseDecision::Assign { case_id, device } => {
            tx.execute(
                "INSERT INTO case_owners (case_id, device, closed) VALUES ($1, $2, FALSE)
                 ON CONFLICT (case_id) DO UPDATE
                     SET device = excluded.device, closed = FALSE, closure_seen = FALSE",
                &[&case_id.to_string(), &device.to_string()],
            )
            .await?;
        }
        CaseDecision::Close { case_id } => {
            let closed = tx
                .execute(
                    "UPDATE case_owners SET closed = TRUE, closure_seen = FALSE WHERE case_id = $1",
                    &[&case_id.to_string()],
                )
                .await?;
            if closed == 0 {
                return Err(unknown_case(case_id));
            }
        }
    }
    Ok(())
}

/// Writes the enrolling device: a new row, or the same device's new token.
async fn admit(
    tx: &Transaction<'_>,
    device: &NewDevice,
    admission: Admission,
    now_ms: i64,
) -> LedgerResult<()> {
    let id = device.id.to_string();
    match admission {
        Admission::Renew => {
            tx.execute(
                "UPDATE devices SET token_hash = $2, app_version = $3, last_seen_ms = $4
                 WHERE id = $1",
                &[
                    &id,
                    &device.token_hash.0.as_slice(),
                    &device.app_version,
                    &now_ms,
                ],
            )
            .await?
        }
        Admission::New => {
            tx.execute(
                "INSERT INTO devices (id, public_key, prefix, app_version, token_hash,
                                      enrolled_at_ms, last_seen_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
                &[
                    &id,
                    &device.public_key.as_slice(),
                    &device.prefix,
                    &device.app_version,
                    &device.token_hash.0.as_slice(),
                    &now_ms,
                ],
            )
            .await?
        }
    };
    Ok(())
}

impl PostgresLedger {
    /// One run of an enrolment, in a SERIALIZABLE transaction: as if no other write ran at the
    /// same time, or cancelled (`Busy`) with nothing written.
    async fn enrol_once(
        &self,
        code_hash: Digest,
        now_ms: i64,
        device: &NewDevice,
    ) -> LedgerResult<Result<DeviceRecord, EnrolRefusal>> {
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::Serializable)
            .start()
            .await?;
        let code = tx
            .query_opt(
                "SELECT expires_ms, consumed FROM enrolment_codes WHERE code_hash = $1",
                &[&code_hash.0.as_slice()],
            )
            .await?
            .map(|r| Ok::<_, tokio_postgres::Error>((r.try_get(0)?, r.try_get(1)?)))
            .transpose()?;
        // A refusal returns with `tx` dropped: rolled back, the code as it was.
        if let Some(refusal) = code_refusal(code, now_ms) {
            return Ok(Err(refusal));
        }
        let held = read_device(&tx, device.id).await?;
        let others = devices_sharing(&tx, device).await?;
        match admission(device, held.as_ref(), &others) {
            Err(refusal) => return Ok(Err(refusal)),
            Ok(admission) => admit(&tx, device, admission, now_ms).await?,
        }
        let consumed = tx
            .execute(
                "UPDATE enrolment_codes SET consumed = TRUE, consumed_ms = $2, consumed_by = $3
                 WHERE code_hash = $1 AND NOT consumed",
                &[&code_hash.0.as_slice(), &now_ms, &device.id.to_string()],
            )
            .await?;
        if consumed != 1 {
            return Ok(Err(EnrolRefusal::CodeUsed));
        }
        let record = read_device(&tx, device.id)
            .await?
            .ok_or(LedgerError::UnknownDevice(device.id))?;
        tx.commit().await?;
        Ok(Ok(record))
    }
}

impl Ledger for PostgresLedger {
    async fn health(&self) -> LedgerResult<()> {
        let client = self.client().await?;
        client
            .query_one("SELECT COUNT(*) FROM devices", &[])
            .await?;
        Ok(())
    }

    async fn add_enrolment_code(
        &self,
        code_hash: Digest,
        created_ms: i64,
        expires_ms: i64,
    ) -> LedgerResult<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO enrolment_codes (code_hash, created_ms, expires_ms)
                 VALUES ($1, $2, $3)",
                &[&code_hash.0.as_slice(), &created_ms, &expires_ms],
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
        retrying(|| self.enrol_once(code_hash, now_ms, &device)).await
    }

    async fn device(&self, id: Uuid) -> LedgerResult<Option<DeviceRecord>> {
        read_device(&self.client().await?, id).await
    }

    async fn devices(&self) -> LedgerResult<Vec<DeviceRecord>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_at_ms, id"
            ))
            .await?;
        client
            .query(&statement, &[])
            .await?
            .iter()
            .map(|row| device_record(device_row(row)?))
            .collect()
    }

    async fn device_by_token(
        &self,
        token_hash: Digest,
        now_ms: i64,
    ) -> LedgerResult<Option<DeviceRecord>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = $1"
            ))
            .await?;
        let Some(row) = client
            .query_opt(&statement, &[&token_hash.0.as_slice()])
            .await?
        else {
            return Ok(None);
        };
        let record = device_record(device_row(&row)?)?;
        if last_seen_due(&record, now_ms) {
            let update = client
                .prepare_cached("UPDATE devices SET last_seen_ms = $2 WHERE id = $1")
                .await?;
            client
                .execute(&update, &[&record.id.to_string(), &now_ms])
                .await?;
        }
        Ok(Some(record))
    }

    async fn revoke_device(&self, id: Uuid) -> LedgerResult<bool> {
        let client = self.client().await?;
        let changed = client
            .execute(
                "UPDATE devices SET revoked = TRUE WHERE id = $1",
                &[&id.to_string()],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn resolve(
        &self,
        device: Uuid,
        flag: Flag,
        seq: u64,
        note: String,
        at_ms: i64,
    ) -> LedgerResult<bool> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let open = match flag {
            Flag::Conflict => {
                "UPDATE conflicts SET resolved = TRUE
                               WHERE device = $1 AND seq = $2 AND NOT resolved"
            }
            Flag::Fork => {
                "UPDATE forks SET flagged = FALSE
                           WHERE device = $1 AND seq = $2 AND flagged"
            }
        };
        let (id, seq) = (device.to_string(), seq_sql(seq)?);
        if tx.execute(open, &[&id, &seq]).await? == 0 {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO resolutions (device, flag, seq, note, resolved_at_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (device, flag, seq)
             DO UPDATE SET note = excluded.note, resolved_at_ms = excluded.resolved_at_ms",
            &[&id, &flag.as_str(), &seq, &note, &at_ms],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn resolutions(&self, device: Uuid) -> LedgerResult<Vec<Resolution>> {
        let client = self.client().await?;
        client
            .query(
                "SELECT flag, seq, note, resolved_at_ms FROM resolutions
                 WHERE device = $1 ORDER BY seq, flag",
                &[&device.to_string()],
            )
            .await?
            .iter()
            .map(|r| resolution((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }

    async fn head(&self, device: Uuid) -> LedgerResult<ChainHead> {
        read_head(&self.client().await?, device).await
    }

    async fn event_hash(&self, device: Uuid, seq: u64) -> LedgerResult<Option<Digest>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT hash FROM device_events WHERE device = $1 AND seq = $2")
            .await?;
        client
            .query_opt(&statement, &[&device.to_string(), &seq_sql(seq)?])
            .await?
            .map(|row| digest_of(&row.try_get::<_, Vec<u8>>(0)?, "an event hash"))
            .transpose()
    }

    async fn fork_held(&self, device: Uuid, seq: u64, hash: Digest) -> LedgerResult<bool> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT 1 FROM forks WHERE device = $1 AND seq = $2 AND hash = $3")
            .await?;
        let row = client
            .query_opt(
                &statement,
                &[&device.to_string(), &seq_sql(seq)?, &hash.0.as_slice()],
            )
            .await?;
        Ok(row.is_some())
    }

    async fn store_push(
        &self,
        device: Uuid,
        onto: ChainHead,
        batch: PushBatch,
    ) -> LedgerResult<()> {
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .await?;
        let id = device.to_string();
        // Held to the commit: another push of this device waits here, then reads the head
        // this one left (READ COMMITTED reads anew at each statement). The weaker NO KEY lock
        // still lets the rows of other tables that reference the device be written.
        tx.execute(
            "SELECT 1 FROM devices WHERE id = $1 FOR NO KEY UPDATE",
            &[&id],
        )
        .await?;
        if read_head(&tx, device).await? != onto {
            return Err(LedgerError::HeadMoved {
                device,
                expected: onto.seq,
            });
        }
        insert_events(&tx, &id, &batch.events).await?;
        insert_forks(&tx, &id, &batch.forks).await?;
        insert_vault(&tx, &id, &batch.vault).await?;
        insert_ownership(&tx, &id, &batch).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn events(&self, device: Uuid, after: u64, limit: usize) -> LedgerResult<Vec<HeldEvent>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT seq, hash, canonical, signature, received_at_ms FROM device_events
                 WHERE device = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .await?;
        client
            .query(
                &statement,
                &[&device.to_string(), &seq_sql(after)?, &(limit as i64)],
            )
            .await?
            .iter()
            .map(|row| held_event(event_row(row)?))
            .collect()
    }

    async fn forks(&self, device: Uuid) -> LedgerResult<Vec<HeldFork>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT seq, hash, canonical, signature, received_at_ms, flagged FROM forks
                 WHERE device = $1 ORDER BY seq, received_at_ms, hash",
            )
            .await?;
        client
            .query(&statement, &[&device.to_string()])
            .await?
            .iter()
            .map(|row| held_fork(event_row(row)?, row.try_get(5)?))
            .collect()
    }

    async fn conflicts(&self, device: Uuid) -> LedgerResult<Vec<HeldConflict>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT seq, case_id, reason, flagged_at_ms, resolved FROM conflicts
                 WHERE device = $1 ORDER BY seq",
            )
            .await?;
        client
            .query(&statement, &[&device.to_string()])
            .await?
            .iter()
            .map(|r| {
                held_conflict((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                ))
            })
            .collect()
    }

    async fn case_owner(&self, case_id: Uuid) -> LedgerResult<Option<CaseOwner>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT device, closed, closure_seen FROM case_owners WHERE case_id = $1",
                &[&case_id.to_string()],
            )
            .await?;
        row.map(|r| case_owner((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .transpose()
    }

    async fn vault_rows_after(&self, device: Uuid, after: i64) -> LedgerResult<Vec<WireVaultRow>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT id, case_id, field, salt, value FROM vault
                 WHERE device = $1 AND id > $2 ORDER BY id",
            )
            .await?;
        client
            .query(&statement, &[&device.to_string(), &after])
            .await?
            .iter()
            .map(|r| {
                vault_row((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                ))
            })
            .collect()
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
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .await?;
        // Until the commit, other appends wait here (pulls do not): the seq read next is the
        // last committed one, and this event is committed before the next is numbered.
        tx.batch_execute("LOCK TABLE server_events IN EXCLUSIVE MODE")
            .await?;
        if let Some(decision) = decision {
            decide(&tx, decision).await?;
        }
        let last: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(server_seq), 0) FROM server_events",
                &[],
            )
            .await?
            .try_get(0)?;
        let next = seq_of(last)? + 1;
        let event = make(next)?;
        let signature = made_for(next, &event)?;
        let (salt, value) = attachment_columns(&event)?;
        tx.execute(
            "INSERT INTO server_events (server_seq, device, canonical, hash, signature,
                 attachment_salt, attachment_value)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &seq_sql(next)?,
                &device.map(|d| d.to_string()),
                &event.canonical.as_bytes(),
                &event.hash.0.as_slice(),
                &signature,
                &salt,
                &value,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(event)
    }

    async fn server_events(
        &self,
        device: Uuid,
        after: u64,
        limit: usize,
    ) -> LedgerResult<Vec<ServerEvent>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT server_seq, canonical, hash, signature, attachment_salt, attachment_value
                 FROM server_events
                 WHERE server_seq > $2 AND (device = $1 OR device IS NULL)
                 ORDER BY server_seq LIMIT $3",
            )
            .await?;
        client
            .query(
                &statement,
                &[&device.to_string(), &seq_sql(after)?, &(limit as i64)],
            )
            .await?
            .iter()
            .map(|r| {
                server_event((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                ))
            })
            .collect()
    }

    async fn blob(&self, sha256: Digest) -> LedgerResult<Option<BlobRecord>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT received, complete, size FROM blobs WHERE sha256 = $1")
            .await?;
        client
            .query_opt(&statement, &[&sha256.0.as_slice()])
            .await?
            .map(|r| blob_record((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .transpose()
    }

    async fn set_blob_received(
        &self,
        sha256: Digest,
        device: Uuid,
        received: u64,
    ) -> LedgerResult<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO blobs (sha256, received, device) VALUES ($1, $2, $3)
                 ON CONFLICT (sha256) DO UPDATE SET received = excluded.received
                 WHERE NOT blobs.complete",
                &[
                    &sha256.0.as_slice(),
                    &seq_sql(received)?,
                    &device.to_string(),
                ],
            )
            .await?;
        Ok(())
    }

    async fn blob_bytes(&self, device: Uuid) -> LedgerResult<u64> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT COALESCE(SUM(CASE WHEN complete THEN COALESCE(size, received)
                                          ELSE received END), 0)::BIGINT
                 FROM blobs WHERE device = $1",
            )
            .await?;
        let bytes: i64 = client
            .query_one(&statement, &[&device.to_string()])
            .await?
            .try_get(0)?;
        seq_of(bytes)
    }

    async fn complete_blob(&self, sha256: Digest, size: u64) -> LedgerResult<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO blobs (sha256, size, complete, received) VALUES ($1, $2, TRUE, $2)
                 ON CONFLICT (sha256) DO UPDATE SET size = $2, complete = TRUE, received = $2",
                &[&sha256.0.as_slice(), &seq_sql(size)?],
            )
            .await?;
        Ok(())
    }

    async fn drop_blob(&self, sha256: Digest) -> LedgerResult<()> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM blobs WHERE sha256 = $1 AND NOT complete",
                &[&sha256.0.as_slice()],
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_shown_urls() {
        let cases = [
            (
                "postgres://redshield:s3cr%40t@db.centre:5432/ledger",
                "postgres://redshield:***@db.centre:5432/ledger",
            ),
            (
                "postgresql://u:p@h1,h2/db?password=hunter2&sslmode=disable",
                "postgresql://u:***@h1,h2/db?password=***&sslmode=disable",
            ),
            (
                "postgres://redshield@127.0.0.1/postgres",
                "postgres://redshield@127.0.0.1/postgres",
            ),
            (
                "postgresql:///ledger?host=/run/postgresql&PASSWORD=x",
                "postgresql:///ledger?host=/run/postgresql&PASSWORD=***",
            ),
            ("postgres://u:p:q@h", "postgres://u:***@h"),
            ("postgres://u:pa/ss?x@h/db", "postgres://u:***@h/db"),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
        ];
        for (url, shown) in cases {
            assert_eq!(redacted_url(url), shown, "{url}");
        }
    }

    #[test]
    fn only_postgres_urls_are_taken() {
        assert!(is_postgres_url("postgres://h/db"));
        assert!(is_postgres_url("postgresql://h/db"));
        assert!(!is_postgres_url("host=h dbname=db"));
        assert!(!is_postgres_url("sqlite:///var/lib/ledger"));
    }
}
