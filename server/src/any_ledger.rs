//! The ledger `start` opens, as `Config::database` says: the embedded SQLite file in the data
//! directory, or a PostgreSQL database. An enum, not a trait object: `Ledger` returns
//! `impl Future` and has a generic method, so it is not dyn-compatible.

use redshield_core::events::Digest;
use redshield_core::sync::protocol::{ServerEvent, WireVaultRow};
use uuid::Uuid;

use crate::Config;
use crate::ledger::{
    BlobRecord, CaseDecision, CaseOwner, ChainHead, DeviceRecord, EnrolRefusal, Flag, HeldConflict,
    HeldEvent, HeldFork, Ledger, LedgerError, LedgerResult, NewDevice, PushBatch, Resolution,
};
use crate::postgres::PostgresLedger;
use crate::sqlite::SqliteLedger;

#[derive(Clone)]
pub enum AnyLedger {
    Sqlite(SqliteLedger),
    Postgres(PostgresLedger),
}

impl AnyLedger {
    /// Opens (creating and migrating) the ledger `config` names.
    pub async fn open(config: &Config) -> LedgerResult<AnyLedger> {
        match &config.database {
            Some(url) => Ok(AnyLedger::Postgres(PostgresLedger::connect(url).await?)),
            None => {
                let dir = config.data_dir.clone();
                let ledger = tokio::task::spawn_blocking(move || SqliteLedger::open(&dir))
                    .await
                    .map_err(|e| LedgerError::Storage(format!("ledger task failed: {e}")))??;
                Ok(AnyLedger::Sqlite(ledger))
            }
        }
    }
}

/// `$call` on whichever ledger `$self` holds, named `$ledger`.
macro_rules! delegate {
    ($self:ident, $ledger:ident => $call:expr) => {
        match $self {
            AnyLedger::Sqlite($ledger) => $call.await,
            AnyLedger::Postgres($ledger) => $call.await,
        }
    };
}

impl Ledger for AnyLedger {
    async fn health(&self) -> LedgerResult<()> {
        delegate!(self, l => l.health())
    }

    async fn add_enrolment_code(
        &self,
        code_hash: Digest,
        created_ms: i64,
        expires_ms: i64,
    ) -> LedgerResult<()> {
        delegate!(self, l => l.add_enrolment_code(code_hash, created_ms, expires_ms))
    }

    async fn enrol(
        &self,
        code_hash: Digest,
        now_ms: i64,
        device: NewDevice,
    ) -> LedgerResult<Result<DeviceRecord, EnrolRefusal>> {
        delegate!(self, l => l.enrol(code_hash, now_ms, device))
    }

    async fn device(&self, id: Uuid) -> LedgerResult<Option<DeviceRecord>> {
        delegate!(self, l => l.device(id))
    }

    async fn devices(&self) -> LedgerResult<Vec<DeviceRecord>> {
        delegate!(self, l => l.devices())
    }

    async fn device_by_token(
        &self,
        token_hash: Digest,
        now_ms: i64,
    ) -> LedgerResult<Option<DeviceRecord>> {
        delegate!(self, l => l.device_by_token(token_hash, now_ms))
    }

    async fn revoke_device(&self, id: Uuid) -> LedgerResult<bool> {
        delegate!(self, l => l.revoke_device(id))
    }

    async fn resolve(
        &self,
        device: Uuid,
        flag: Flag,
        seq: u64,
        note: String,
        at_ms: i64,
    ) -> LedgerResult<bool> {
        delegate!(self, l => l.resolve(device, flag, seq, note, at_ms))
    }

    async fn resolutions(&self, device: Uuid) -> LedgerResult<Vec<Resolution>> {
        delegate!(self, l => l.resolutions(device))
    }

    async fn head(&self, device: Uuid) -> LedgerResult<ChainHead> {
        delegate!(self, l => l.head(device))
    }

    async fn event_hash(&self, device: Uuid, seq: u64) -> LedgerResult<Option<Digest>> {
        delegate!(self, l => l.event_hash(device, seq))
    }

    async fn fork_held(&self, device: Uuid, seq: u64, hash: Digest) -> LedgerResult<bool> {
        delegate!(self, l => l.fork_held(device, seq, hash))
    }

    async fn store_push(
        &self,
        device: Uuid,
        onto: ChainHead,
        batch: PushBatch,
    ) -> LedgerResult<()> {
        delegate!(self, l => l.store_push(device, onto, batch))
    }

    async fn events(&self, device: Uuid, after: u64, limit: usize) -> LedgerResult<Vec<HeldEvent>> {
        delegate!(self, l => l.events(device, after, limit))
    }

    async fn forks(&self, device: Uuid) -> LedgerResult<Vec<HeldFork>> {
        delegate!(self, l => l.forks(device))
    }

    async fn conflicts(&self, device: Uuid) -> LedgerResult<Vec<HeldConflict>> {
        delegate!(self, l => l.conflicts(device))
    }

    async fn case_owner(&self, case_id: Uuid) -> LedgerResult<Option<CaseOwner>> {
        delegate!(self, l => l.case_owner(case_id))
    }

    async fn vault_rows_after(&self, device: Uuid, after: i64) -> LedgerResult<Vec<WireVaultRow>> {
        delegate!(self, l => l.vault_rows_after(device, after))
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
        delegate!(self, l => l.append_server_event(device, decision, make))
    }

    async fn server_events(
        &self,
        device: Uuid,
        after: u64,
        limit: usize,
    ) -> LedgerResult<Vec<ServerEvent>> {
        delegate!(self, l => l.server_events(device, after, limit))
    }

    async fn blob(&self, sha256: Digest) -> LedgerResult<Option<BlobRecord>> {
        delegate!(self, l => l.blob(sha256))
    }

    async fn set_blob_received(
        &self,
        sha256: Digest,
        device: Uuid,
        received: u64,
    ) -> LedgerResult<()> {
        delegate!(self, l => l.set_blob_received(sha256, device, received))
    }

    async fn blob_bytes(&self, device: Uuid) -> LedgerResult<u64> {
        delegate!(self, l => l.blob_bytes(device))
    }

    async fn complete_blob(&self, sha256: Digest, size: u64) -> LedgerResult<()> {
        delegate!(self, l => l.complete_blob(sha256, size))
    }

    async fn drop_blob(&self, sha256: Digest) -> LedgerResult<()> {
        delegate!(self, l => l.drop_blob(sha256))
    }
}
