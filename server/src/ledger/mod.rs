//! What the centre keeps, behind one trait so the storage can change (SQLite embedded, or
//! PostgreSQL for scale) while the protocol logic above it stays the same.
//!
//! The ledger stores; it does not judge. Every check of what a device sends (chain, signature,
//! vault commitments) is made before the ledger is asked to store it (`push`), except the few
//! that must be atomic with the write: an enrolment code is consumed exactly once, and a push's
//! batch is stored only onto the head it was checked against.
//!
//! One implementation, [`SqlLedger`] (`store`), holds every statement and rule once; the two
//! databases differ only in how a statement reaches them (`sqlite`, `postgres`: connection,
//! transactions, locks, migrations) and how a value crosses over (`rows`).

mod postgres;
mod rows;
mod sqlite;
mod store;

use std::future::Future;

use redshield_core::events::Digest;
use redshield_core::sync::protocol::{ServerEvent, WireVaultRow};
use uuid::Uuid;

pub use postgres::{is_postgres_url, redacted_url, schema_version};
pub use sqlite::FILE_NAME as SQLITE_FILE_NAME;
pub use store::SqlLedger;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("ledger storage: {0}")]
    Storage(String),
    #[error("ledger schema migration: {0}")]
    Migration(String),
    /// A stored value that cannot be read back as what it should be.
    #[error("ledger holds a corrupt value: {0}")]
    Corrupt(String),
    /// The device's head moved between the checks of a push and its write: nothing was stored.
    #[error("the head of device {device} is no longer seq {expected}: nothing was stored")]
    HeadMoved { device: Uuid, expected: u64 },
    /// A device id or token that the ledger does not know.
    #[error("unknown device {0}")]
    UnknownDevice(Uuid),
    /// `make` of `append_server_event` refused.
    #[error("{0}")]
    Refused(String),
    /// A concurrent write got in the way, again after retries: nothing was stored; the same
    /// call may be made again.
    #[error("ledger busy: {0}")]
    Busy(String),
}

pub type LedgerResult<T> = std::result::Result<T, LedgerError>;

/// A device as the centre knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    pub id: Uuid,
    /// Ed25519 public key.
    pub public_key: [u8; 32],
    pub prefix: String,
    pub app_version: String,
    pub enrolled_at_ms: i64,
    pub last_seen_ms: i64,
    pub revoked: bool,
}

/// A device enrolling, as checked by the server: key parsed, token made and hashed.
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub id: Uuid,
    pub public_key: [u8; 32],
    pub prefix: String,
    pub app_version: String,
    pub token_hash: Digest,
}

/// Why an enrolment was refused. Nothing was written: the code stays as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolRefusal {
    UnknownCode,
    CodeUsed,
    CodeExpired,
    /// The device id is enrolled with another public key: an identity is never replaced.
    KeyMismatch,
    Revoked,
    /// Another device already holds this public key (a copied identity, or a stranger's key).
    KeyTaken(Uuid),
    /// Another device already holds this case-number prefix: case numbers would collide.
    PrefixTaken(Uuid),
}

/// The held head of a device's chain: the highest contiguous seq and its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: Digest,
}

impl ChainHead {
    pub const EMPTY: ChainHead = ChainHead {
        seq: 0,
        hash: Digest::ZERO,
    };
}

/// A device event as held: the exact bytes the device signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldEvent {
    pub seq: u64,
    pub hash: Digest,
    pub canonical: String,
    pub signature: Vec<u8>,
    pub received_at_ms: i64,
}

/// An event of the device that differs from the one held at its seq (or continues such a
/// branch): kept aside, flagged for the centre, never in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFork {
    pub seq: u64,
    pub hash: Digest,
    pub canonical: String,
    pub signature: Vec<u8>,
    pub received_at_ms: i64,
    /// Still waiting for the centre to look at it.
    pub flagged: bool,
}

/// Which device may write a case's field events, as the centre sees it (DESIGN: one owner
/// per case): the first device to write to it, until the centre assigns it elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseOwner {
    pub device: Uuid,
    /// Closed by a decision of the centre: no device writes to it any more, but its owner
    /// once it has applied the decision (it carries it out, and may follow the case up).
    pub closed: bool,
    /// The owner has applied the closure (its chain holds the decision's record).
    pub closure_seen: bool,
}

/// An event held in its chain but flagged for the centre: it no longer fits its case (the
/// case was reassigned or closed while the device was offline). Never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldConflict {
    pub seq: u64,
    pub case_id: Uuid,
    pub reason: String,
    pub flagged_at_ms: i64,
    pub resolved: bool,
}

/// What the centre flags for its staff to resolve.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// An event that no longer fits its case (reassigned or closed meanwhile).
    Conflict,
    /// An event that differs from the one held at its seq (a restored or copied store).
    Fork,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Conflict => "conflict",
            Flag::Fork => "fork",
        }
    }

    pub fn parse(text: &str) -> Option<Flag> {
        [Flag::Conflict, Flag::Fork]
            .into_iter()
            .find(|f| f.as_str() == text)
    }
}

/// How the centre resolved a flagged event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub flag: Flag,
    pub seq: u64,
    pub note: String,
    pub resolved_at_ms: i64,
}

/// A decision of the centre about a case, stored with the server event that announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseDecision {
    /// The case's field events now come from `device` (ownership transfer).
    Assign {
        case_id: Uuid,
        device: Uuid,
    },
    Close {
        case_id: Uuid,
    },
}

/// What one push stores, in one transaction, onto head `onto`.
#[derive(Debug, Clone, Default)]
pub struct PushBatch {
    /// The new links of the chain, in seq order, the first at `onto.seq + 1`.
    pub events: Vec<HeldEvent>,
    pub forks: Vec<HeldFork>,
    /// Vault rows of the new events (a row already held is left as it is).
    pub vault: Vec<WireVaultRow>,
    /// Cases this device writes to first: it owns them (a case already owned stays so).
    pub claims: Vec<Uuid>,
    /// New links that do not fit their case.
    pub conflicts: Vec<HeldConflict>,
    /// Cases whose closure by the centre this device, their owner, has now applied.
    pub closures_seen: Vec<Uuid>,
}

/// Where an upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobRecord {
    pub received: u64,
    pub complete: bool,
    /// Known once complete.
    pub size: Option<u64>,
}

/// The centre's storage. Every method is a future that is `Send`, so the HTTP handlers that
/// await them run on a multi-threaded runtime; implementations are shared behind an `Arc`.
pub trait Ledger: Send + Sync + 'static {
    /// Answers once the storage does (for `/healthz`).
    fn health(&self) -> impl Future<Output = LedgerResult<()>> + Send;

    // --- enrolment codes and devices ---

    /// Keeps a new enrolment code by its SHA-256 (the code itself is never stored).
    fn add_enrolment_code(
        &self,
        code_hash: Digest,
        created_ms: i64,
        expires_ms: i64,
    ) -> impl Future<Output = LedgerResult<()>> + Send;

    /// Consumes the code and enrols the device, atomically: a code enrols exactly one device.
    /// A device already enrolled with the same key gets the new token (its events stay).
    fn enrol(
        &self,
        code_hash: Digest,
        now_ms: i64,
        device: NewDevice,
    ) -> impl Future<Output = LedgerResult<Result<DeviceRecord, EnrolRefusal>>> + Send;

    fn device(&self, id: Uuid) -> impl Future<Output = LedgerResult<Option<DeviceRecord>>> + Send;

    /// Every device enrolled, revoked ones included, in order of enrolment.
    fn devices(&self) -> impl Future<Output = LedgerResult<Vec<DeviceRecord>>> + Send;

    /// The device a bearer token (by its SHA-256) belongs to; its `last_seen` is set to
    /// `now_ms` (written at most once a minute).
    fn device_by_token(
        &self,
        token_hash: Digest,
        now_ms: i64,
    ) -> impl Future<Output = LedgerResult<Option<DeviceRecord>>> + Send;

    /// Revokes a device: its token stops working; what it pushed stays.
    fn revoke_device(&self, id: Uuid) -> impl Future<Output = LedgerResult<bool>> + Send;

    /// Marks the device's open conflict or forks at `seq` resolved by the centre, with its
    /// note; false when nothing of that kind is open there. The flagged events stay held.
    fn resolve(
        &self,
        device: Uuid,
        flag: Flag,
        seq: u64,
        note: String,
        at_ms: i64,
    ) -> impl Future<Output = LedgerResult<bool>> + Send;

    /// How the centre resolved the device's conflicts and forks.
    fn resolutions(
        &self,
        device: Uuid,
    ) -> impl Future<Output = LedgerResult<Vec<Resolution>>> + Send;

    // --- device events ---

    fn head(&self, device: Uuid) -> impl Future<Output = LedgerResult<ChainHead>> + Send;

    /// The hash of the event held at `seq` in the device's chain.
    fn event_hash(
        &self,
        device: Uuid,
        seq: u64,
    ) -> impl Future<Output = LedgerResult<Option<Digest>>> + Send;

    /// Whether this exact fork (device, seq, hash) is already held.
    fn fork_held(
        &self,
        device: Uuid,
        seq: u64,
        hash: Digest,
    ) -> impl Future<Output = LedgerResult<bool>> + Send;

    /// Stores a push's batch in one transaction, if the head is still `onto`; else nothing and
    /// `HeadMoved`.
    fn store_push(
        &self,
        device: Uuid,
        onto: ChainHead,
        batch: PushBatch,
    ) -> impl Future<Output = LedgerResult<()>> + Send;

    /// Up to `limit` events of the device's chain after `after`, in seq order.
    fn events(
        &self,
        device: Uuid,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = LedgerResult<Vec<HeldEvent>>> + Send;

    fn forks(&self, device: Uuid) -> impl Future<Output = LedgerResult<Vec<HeldFork>>> + Send;

    /// The device's events flagged as not fitting their case, by seq.
    fn conflicts(
        &self,
        device: Uuid,
    ) -> impl Future<Output = LedgerResult<Vec<HeldConflict>>> + Send;

    fn case_owner(
        &self,
        case_id: Uuid,
    ) -> impl Future<Output = LedgerResult<Option<CaseOwner>>> + Send;

    /// The device's vault rows, in id order.
    fn vault_rows(
        &self,
        device: Uuid,
    ) -> impl Future<Output = LedgerResult<Vec<WireVaultRow>>> + Send {
        self.vault_rows_after(device, i64::MIN)
    }

    /// The device's vault rows with an id above `after`, in id order.
    fn vault_rows_after(
        &self,
        device: Uuid,
        after: i64,
    ) -> impl Future<Output = LedgerResult<Vec<WireVaultRow>>> + Send;

    // --- server events ---

    /// Appends a server event: `make` is given the next server seq and builds the signed
    /// event, inside the write, so seqs are gapless and in signing order. A `decision` about a
    /// case takes effect in the same transaction: the event announcing it and the ownership it
    /// changes are never apart.
    fn append_server_event<F>(
        &self,
        device: Option<Uuid>,
        decision: Option<CaseDecision>,
        make: F,
    ) -> impl Future<Output = LedgerResult<ServerEvent>> + Send
    where
        F: FnOnce(u64) -> LedgerResult<ServerEvent> + Send + 'static;

    /// Up to `limit` server events for `device` or for every device, after `after`, in order.
    fn server_events(
        &self,
        device: Uuid,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = LedgerResult<Vec<ServerEvent>>> + Send;

    // --- blobs ---

    fn blob(&self, sha256: Digest)
    -> impl Future<Output = LedgerResult<Option<BlobRecord>>> + Send;

    /// Records how many bytes of an incomplete upload are held; the device that began it is
    /// charged for it (`blob_bytes`).
    fn set_blob_received(
        &self,
        sha256: Digest,
        device: Uuid,
        received: u64,
    ) -> impl Future<Output = LedgerResult<()>> + Send;

    /// The bytes held of the blobs `device` began uploading: its share of the blob store.
    fn blob_bytes(&self, device: Uuid) -> impl Future<Output = LedgerResult<u64>> + Send;

    fn complete_blob(
        &self,
        sha256: Digest,
        size: u64,
    ) -> impl Future<Output = LedgerResult<()>> + Send;

    /// Forgets an incomplete upload (its bytes did not hash to its name).
    fn drop_blob(&self, sha256: Digest) -> impl Future<Output = LedgerResult<()>> + Send;
}
