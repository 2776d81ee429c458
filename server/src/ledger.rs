//! What the centre keeps, behind one trait so the storage can change (SQLite embedded now,
//! PostgreSQL for scale) while the protocol logic above it stays the same.
//!
//! The ledger stores; it does not judge. Every check of what a device sends (chain, signature,
//! vault commitments) is made before the ledger is asked to store it (`push`), except the few
//! that must be atomic with the write: an enrolment code is consumed exactly once, and a push's
//! batch is stored only onto the head it was checked against.

use std::future::Future;

use redshield_core::events::Digest;
use redshield_core::sync::protocol::{Attachment, ServerEvent, WireVaultRow};
use uuid::Uuid;

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

/// flag, seq, note, resolved_at_ms.
pub(crate) fn resolution(row: (String, i64, String, i64)) -> LedgerResult<Resolution> {
    let (flag, seq, note, resolved_at_ms) = row;
    Ok(Resolution {
        flag: Flag::parse(&flag)
            .ok_or_else(|| LedgerError::Corrupt(format!("a resolution of a {flag:?}")))?,
        seq: seq_of(seq)?,
        note,
        resolved_at_ms,
    })
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

// --- what both stores share: the rules inside a write, and reading rows back ---

/// `last_seen` is written at most this often per device.
pub(crate) const LAST_SEEN_RESOLUTION_MS: i64 = 60_000;

/// Whether `device_by_token` should write `last_seen` for `record` at `now_ms`.
pub(crate) fn last_seen_due(record: &DeviceRecord, now_ms: i64) -> bool {
    !record.revoked && record.last_seen_ms + LAST_SEEN_RESOLUTION_MS <= now_ms
}

/// Why a code (its `expires_ms` and `consumed`, if it is known) cannot enrol at `now_ms`.
pub(crate) fn code_refusal(code: Option<(i64, bool)>, now_ms: i64) -> Option<EnrolRefusal> {
    match code {
        None => Some(EnrolRefusal::UnknownCode),
        Some((_, true)) => Some(EnrolRefusal::CodeUsed),
        Some((expires, false)) if expires <= now_ms => Some(EnrolRefusal::CodeExpired),
        Some(_) => None,
    }
}

/// What an enrolment does to the devices table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// A device the centre does not know yet.
    New,
    /// The same device with the same key enrolling again: its token is replaced.
    Renew,
}

/// Whether `device` may enrol, given the device held under its id (if any) and the other
/// devices holding its key or its prefix (`others`, revoked ones included: a revoked device's
/// key or prefix is never given to another).
pub(crate) fn admission(
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
pub(crate) fn made_for(next: u64, event: &ServerEvent) -> LedgerResult<Vec<u8>> {
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
pub(crate) fn salt_of(row: &WireVaultRow) -> LedgerResult<Vec<u8>> {
    hex::decode(&row.salt)
        .map_err(|_| LedgerError::Corrupt(format!("vault row {}: salt is not hex", row.id)))
}

pub(crate) fn seq_sql(seq: u64) -> LedgerResult<i64> {
    i64::try_from(seq).map_err(|_| LedgerError::Corrupt(format!("seq {seq} is out of range")))
}

pub(crate) fn seq_of(value: i64) -> LedgerResult<u64> {
    u64::try_from(value).map_err(|_| LedgerError::Corrupt(format!("negative seq {value}")))
}

pub(crate) fn digest_of(bytes: &[u8], what: &str) -> LedgerResult<Digest> {
    Digest::from_slice(bytes).ok_or_else(|| LedgerError::Corrupt(format!("{what} is not 32 bytes")))
}

pub(crate) fn text_of(bytes: Vec<u8>, what: &str) -> LedgerResult<String> {
    String::from_utf8(bytes).map_err(|_| LedgerError::Corrupt(format!("{what} is not UTF-8")))
}

pub(crate) fn uuid_of(text: &str) -> LedgerResult<Uuid> {
    Uuid::parse_str(text).map_err(|e| LedgerError::Corrupt(format!("device id {text:?}: {e}")))
}

pub(crate) const DEVICE_COLUMNS: &str =
    "id, public_key, prefix, app_version, enrolled_at_ms, last_seen_ms, revoked";

/// The `DEVICE_COLUMNS` of a row.
pub(crate) type DeviceRow = (String, Vec<u8>, String, String, i64, i64, bool);

pub(crate) fn device_record(row: DeviceRow) -> LedgerResult<DeviceRecord> {
    let (id, key, prefix, app_version, enrolled_at_ms, last_seen_ms, revoked) = row;
    Ok(DeviceRecord {
        id: uuid_of(&id)?,
        public_key: key
            .try_into()
            .map_err(|_| LedgerError::Corrupt(format!("public key of {id} is not 32 bytes")))?,
        prefix,
        app_version,
        enrolled_at_ms,
        last_seen_ms,
        revoked,
    })
}

/// seq and hash of a device's last event.
pub(crate) fn chain_head(row: Option<(i64, Vec<u8>)>) -> LedgerResult<ChainHead> {
    match row {
        None => Ok(ChainHead::EMPTY),
        Some((seq, hash)) => Ok(ChainHead {
            seq: seq_of(seq)?,
            hash: digest_of(&hash, "an event hash")?,
        }),
    }
}

/// seq, hash, canonical, signature, received_at_ms.
pub(crate) type EventRow = (i64, Vec<u8>, Vec<u8>, Vec<u8>, i64);

pub(crate) fn held_event(row: EventRow) -> LedgerResult<HeldEvent> {
    let (seq, hash, canonical, signature, received_at_ms) = row;
    Ok(HeldEvent {
        seq: seq_of(seq)?,
        hash: digest_of(&hash, "an event hash")?,
        canonical: text_of(canonical, "an event")?,
        signature,
        received_at_ms,
    })
}

/// An `EventRow` and `flagged`.
pub(crate) fn held_fork(row: EventRow, flagged: bool) -> LedgerResult<HeldFork> {
    let (seq, hash, canonical, signature, received_at_ms) = row;
    Ok(HeldFork {
        seq: seq_of(seq)?,
        hash: digest_of(&hash, "a fork hash")?,
        canonical: text_of(canonical, "a fork")?,
        signature,
        received_at_ms,
        flagged,
    })
}

/// id, case_id, field, salt, value.
pub(crate) type VaultRow = (i64, Option<String>, String, Vec<u8>, String);

pub(crate) fn vault_row(row: VaultRow) -> LedgerResult<WireVaultRow> {
    let (id, case_id, field, salt, value) = row;
    Ok(WireVaultRow {
        id,
        case_id: case_id.as_deref().map(uuid_of).transpose()?,
        field,
        salt: hex::encode(salt),
        value,
    })
}

/// server_seq, canonical, hash, signature, attachment salt, attachment value.
pub(crate) type ServerEventRow = (
    i64,
    Vec<u8>,
    Vec<u8>,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<String>,
);

pub(crate) fn server_event(row: ServerEventRow) -> LedgerResult<ServerEvent> {
    let (seq, canonical, hash, signature, salt, value) = row;
    Ok(ServerEvent {
        server_seq: seq_of(seq)?,
        canonical: text_of(canonical, "a server event")?,
        hash: digest_of(&hash, "a server event hash")?,
        signature: hex::encode(signature),
        attachment: salt.zip(value).map(|(salt, value)| Attachment {
            salt: hex::encode(salt),
            value,
        }),
    })
}

/// An attachment's salt and value as stored beside its server event.
pub(crate) fn attachment_columns(
    event: &ServerEvent,
) -> LedgerResult<(Option<Vec<u8>>, Option<&str>)> {
    let Some(a) = &event.attachment else {
        return Ok((None, None));
    };
    let salt = hex::decode(&a.salt)
        .map_err(|_| LedgerError::Refused("an attachment's salt is not hex".into()))?;
    Ok((Some(salt), Some(&a.value)))
}

/// received, complete, size.
pub(crate) fn blob_record(row: (i64, bool, Option<i64>)) -> LedgerResult<BlobRecord> {
    let (received, complete, size) = row;
    Ok(BlobRecord {
        received: seq_of(received)?,
        complete,
        size: size.map(seq_of).transpose()?,
    })
}

pub(crate) fn held_conflict(row: (i64, String, String, i64, bool)) -> LedgerResult<HeldConflict> {
    let (seq, case_id, reason, flagged_at_ms, resolved) = row;
    Ok(HeldConflict {
        seq: seq_of(seq)?,
        case_id: uuid_of(&case_id)?,
        reason,
        flagged_at_ms,
        resolved,
    })
}

pub(crate) fn case_owner(row: (String, bool, bool)) -> LedgerResult<CaseOwner> {
    Ok(CaseOwner {
        device: uuid_of(&row.0)?,
        closed: row.1,
        closure_seen: row.2,
    })
}

/// A decision about a case the centre has never seen.
pub(crate) fn unknown_case(case_id: Uuid) -> LedgerError {
    LedgerError::Refused(format!("the centre holds no case {case_id}"))
}
