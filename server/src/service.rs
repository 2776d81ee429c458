//! What the centre does, apart from HTTP: enrolment, pushes, server events; the admin calls
//! are in `admin`, `decisions`, `review`, `abuse`, `numbering` and `statistics`. `http` maps
//! requests onto it; a `Running` server hands its callers to it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use redshield_core::cases::Outcome;
use redshield_core::events::Digest;
use redshield_core::signing::VerifyingKey;
use redshield_core::sync::protocol::{
    Attachment, CASE_ASSIGNED, CASE_CLOSED, CaseAssigned, CaseClosed, EnrolRequest, Enrolled,
    PROTOCOL, Push, PushReceipt, RefusalCode, ServerEvent, ServerEventBody, ServerEvents,
};
use uuid::Uuid;

use crate::Config;
use crate::decisions::{Decided, decided};
use crate::error::{ApiError, ServerError};
use crate::keys::{AdminToken, CentreKey, random};
use crate::ledger::{CaseDecision, DeviceRecord, EnrolRefusal, Ledger, LedgerError, NewDevice};
use crate::limits::{Limiter, Limits};
use crate::metrics::Metrics;
use crate::push::{self, KeyedLocks};
use crate::replicas::{CaughtUp, ReplicaError, Replicas};
use redshield_core::evidence::verify::EvidenceReport;
use redshield_core::identity::BlindKey;
use redshield_core::sync::replica::Replica;

/// Server events per pull.
pub const MAX_SERVER_EVENTS_PER_PULL: usize = 500;
/// The longest an enrolment code may stay valid.
pub const MAX_CODE_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// Enrolment codes: no 0/O, 1/I/L, so a code read out over the phone cannot be misheard.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 12;
const CODE_GROUP: usize = 4;

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// An enrolment code as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    /// Grouped for reading out: `ABCD-EFGH-JKMN`.
    pub code: String,
    pub expires_at_ms: i64,
}

pub struct Service<L> {
    pub ledger: L,
    pub centre: CentreKey,
    pub admin: AdminToken,
    pub data_dir: PathBuf,
    pub metrics: Metrics,
    pub replicas: Replicas,
    /// The centre's blind-index key (`flags`).
    pub blind: std::sync::Arc<redshield_core::identity::BlindKey>,
    pub(crate) device_locks: KeyedLocks<Uuid>,
    pub(crate) blob_locks: KeyedLocks<Digest>,
    pub limits: Limits,
    /// Failed enrolments, per client address.
    pub(crate) enrol_limiter: Limiter,
    /// Failed admin requests, per client address.
    pub(crate) admin_limiter: Limiter,
    pub(crate) fail_points: FailPoints,
}

/// Where a test may make the service stop as a crash would (`fail_next_push_after_commit`).
#[derive(Default)]
pub(crate) struct FailPoints {
    after_commit: AtomicBool,
}

impl FailPoints {
    pub(crate) fn arm_after_commit(&self) {
        self.after_commit.store(true, Ordering::SeqCst);
    }

    /// Whether the armed point fires now (once).
    fn after_commit(&self) -> bool {
        self.after_commit.swap(false, Ordering::SeqCst)
    }
}

/// The form a code is hashed in: letters upper case, without the grouping dashes or spaces.
fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn code_hash(code: &str) -> Digest {
    Digest::of(&[normalise_code(code).as_bytes()])
}

fn new_code() -> Result<String, ServerError> {
    let mut chars = String::with_capacity(CODE_LEN + CODE_LEN / CODE_GROUP);
    let mut picked = 0;
    // Rejection sampling: a byte maps to a letter only below the largest multiple of the
    // alphabet's size, so every letter is equally likely.
    let limit = (256 / CODE_ALPHABET.len() * CODE_ALPHABET.len()) as u8;
    while picked < CODE_LEN {
        for byte in random::<32>()? {
            if picked == CODE_LEN {
                break;
            }
            if byte >= limit {
                continue;
            }
            if picked > 0 && picked % CODE_GROUP == 0 {
                chars.push('-');
            }
            chars.push(CODE_ALPHABET[byte as usize % CODE_ALPHABET.len()] as char);
            picked += 1;
        }
    }
    Ok(chars)
}

impl<L: Ledger> Service<L> {
    pub(crate) fn new(
        ledger: L,
        centre: CentreKey,
        admin: AdminToken,
        config: &Config,
        blind: BlindKey,
    ) -> Service<L> {
        Service {
            ledger,
            centre,
            admin,
            data_dir: config.data_dir.clone(),
            metrics: Metrics::default(),
            replicas: Replicas::new(&config.data_dir),
            blind: std::sync::Arc::new(blind),
            device_locks: Default::default(),
            blob_locks: Default::default(),
            limits: config.limits,
            enrol_limiter: Limiter::new(config.limits.enrol_failures),
            admin_limiter: Limiter::new(config.limits.admin_failures),
            fail_points: FailPoints::default(),
        }
    }

    /// The centre's public key (devices pin it at enrolment).
    pub fn centre_key(&self) -> [u8; 32] {
        self.centre.public_key().to_bytes()
    }

    /// The storage, for inspection (forks, held events).
    pub fn ledger(&self) -> &L {
        &self.ledger
    }

    /// The centre's replicas of the devices' stores (its projections).
    pub fn replicas(&self) -> &Replicas {
        &self.replicas
    }

    /// Where the admin token is kept.
    pub fn admin_token_path(&self) -> PathBuf {
        self.admin.path().to_path_buf()
    }

    /// For tests of crash recovery: the next push that stores events stops right after the
    /// ledger committed them, before the device's replica is brought up to date, and is
    /// answered `503`, as if the process had died between the two steps.
    #[doc(hidden)]
    pub fn fail_next_push_after_commit(&self) {
        self.fail_points.arm_after_commit();
    }

    /// Issues a one-time enrolment code valid for `ttl` (at most 30 days), grouped for
    /// reading out (`ABCD-EFGH-JKMN`). Only its hash is kept.
    pub async fn issue_enrolment_code(&self, ttl: Duration) -> Result<String, ServerError> {
        Ok(self.issue_enrolment_code_with_expiry(ttl).await?.code)
    }

    /// Like `issue_enrolment_code`, with the code's expiry.
    pub async fn issue_enrolment_code_with_expiry(
        &self,
        ttl: Duration,
    ) -> Result<IssuedCode, ServerError> {
        if ttl.is_zero() || ttl > MAX_CODE_TTL {
            return Err(ServerError::BadInput(format!(
                "an enrolment code is valid for more than 0 and at most {} days",
                MAX_CODE_TTL.as_secs() / 86_400
            )));
        }
        let code = new_code()?;
        let now = now_ms();
        let expires_at_ms = now + ttl.as_millis() as i64;
        self.ledger
            .add_enrolment_code(code_hash(&code), now, expires_at_ms)
            .await?;
        tracing::info!(expires_at_ms, "enrolment code issued");
        Ok(IssuedCode {
            code,
            expires_at_ms,
        })
    }

    pub async fn enrol(&self, request: EnrolRequest) -> Result<Enrolled, ApiError> {
        if request.device_id.is_nil() {
            return Err(ApiError::bad_request("the device id is nil"));
        }
        let public_key = parse_public_key(&request.public_key)?;
        if request.device_prefix.trim().is_empty() || request.device_prefix.len() > 32 {
            return Err(ApiError::bad_request(
                "the device prefix is empty or longer than 32 bytes",
            ));
        }
        if request.app_version.len() > 64 {
            return Err(ApiError::bad_request(
                "the app version is longer than 64 bytes",
            ));
        }
        let token = hex::encode(random::<32>().map_err(|e| {
            tracing::error!(error = %e, "enrol");
            ApiError::unavailable("the centre cannot make a token now; try again later")
        })?);
        let device = NewDevice {
            id: request.device_id,
            public_key,
            prefix: request.device_prefix.clone(),
            app_version: request.app_version.clone(),
            token_hash: token_hash(&token),
        };
        let outcome = self
            .ledger
            .enrol(code_hash(&request.code), now_ms(), device)
            .await?;
        let bad_code = |words: &str| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                RefusalCode::BadCode,
                format!("the enrolment code {words}: ask the centre for a new one"),
            )
        };
        match outcome {
            Ok(record) => {
                Metrics::add(&self.metrics.enrolments, 1);
                tracing::info!(device = %record.id, prefix = %record.prefix, "device enrolled");
                Ok(Enrolled {
                    protocol: PROTOCOL,
                    server_time_ms: now_ms(),
                    device_id: record.id,
                    token,
                    centre_key: hex::encode(self.centre.public_key().as_bytes()),
                })
            }
            Err(EnrolRefusal::UnknownCode) => Err(bad_code("is not known")),
            Err(EnrolRefusal::CodeUsed) => Err(bad_code("was already used")),
            Err(EnrolRefusal::CodeExpired) => Err(bad_code("has expired")),
            Err(EnrolRefusal::KeyMismatch) => Err(ApiError::forbidden(format!(
                "device {} is enrolled with another key; a device identity is never replaced",
                request.device_id
            ))),
            Err(EnrolRefusal::Revoked) => Err(ApiError::forbidden(format!(
                "device {} was revoked by the centre",
                request.device_id
            ))),
            Err(EnrolRefusal::KeyTaken(other)) => Err(already_enrolled(format!(
                "device {other} is enrolled with this public key; a key belongs to one device"
            ))),
            Err(EnrolRefusal::PrefixTaken(other)) => Err(already_enrolled(format!(
                "device {other} is enrolled with the case-number prefix {:?}; case numbers \
                 would collide: reset the app's identity to get another prefix",
                request.device_prefix
            ))),
        }
    }

    /// The device a bearer token belongs to, if it is valid.
    pub async fn authenticate(&self, token: &str) -> Result<DeviceRecord, ApiError> {
        match self
            .ledger
            .device_by_token(token_hash(token), now_ms())
            .await?
        {
            Some(device) if !device.revoked => Ok(device),
            Some(_) => Err(ApiError::unauthorized(
                "this device was revoked by the centre",
            )),
            None => Err(ApiError::unauthorized("the token is not known")),
        }
    }

    pub async fn push(
        &self,
        device: &DeviceRecord,
        request: &Push,
    ) -> Result<PushReceipt, ApiError> {
        let outcome = self
            .device_locks
            .run(device.id, || async {
                let outcome = push::push(&self.ledger, device, request, now_ms()).await?;
                if outcome.stored_events > 0 && self.fail_points.after_commit() {
                    return Err(LedgerError::Storage(
                        "stopped by a test between the ledger and the replica".into(),
                    )
                    .into());
                }
                // Not only after new events: a replica a crash left behind catches up with
                // the device's next push, even one that brings nothing new.
                let _ = self.catch_up_locked(device).await;
                Ok::<_, push::PushError>(outcome)
            })
            .await?;
        Metrics::add(&self.metrics.events_stored, outcome.stored_events.into());
        Metrics::add(&self.metrics.duplicates, outcome.duplicates.into());
        Metrics::add(&self.metrics.forks, outcome.stored_forks.into());
        if outcome.stored_events > 0 {
            tracing::info!(
                device = %device.id,
                stored = outcome.stored_events,
                head = outcome.head.seq,
                "events stored"
            );
        }
        Ok(PushReceipt {
            protocol: PROTOCOL,
            server_time_ms: now_ms(),
            device_id: device.id,
            acked_seq: outcome.head.seq,
            acked_hash: outcome.head.hash,
            stored: outcome.stored_events + outcome.stored_forks,
            forks: outcome.forks,
            conflicts: outcome.conflicts,
        })
    }

    /// Brings the device's replica up to its chain if it is behind; the caller holds the
    /// device's lock. A failure leaves a push stored and acknowledged (the ledger is the
    /// record) and is tried again at the next push or read.
    async fn catch_up_locked(&self, device: &DeviceRecord) -> Result<(), ReplicaError> {
        match self.bring_up(device).await {
            Ok(Some(caught)) => {
                Metrics::add(&self.metrics.events_unreadable, caught.unreadable);
                self.count_verdicts(&caught.verdicts);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(e) => {
                Metrics::add(&self.metrics.replica_failures, 1);
                tracing::error!(device = %device.id, error = %e, "replica not brought up to date");
                Err(e)
            }
        }
    }

    /// The catch-up, when the replica holds fewer events than the ledger (`None`: it holds
    /// them all).
    async fn bring_up(&self, device: &DeviceRecord) -> Result<Option<CaughtUp>, ReplicaError> {
        let held = self.ledger.head(device.id).await?.seq;
        if held == 0 || self.replicas.head(device.id).await? >= held {
            return Ok(None);
        }
        let caught = self.replicas.catch_up(&self.ledger, device, now_ms());
        caught.await.map(Some)
    }

    /// Brings every replica up to the ledger: a crash between a push's commit and its
    /// catch-up leaves one behind. One that fails is logged and left to its next read or push.
    pub(crate) async fn catch_up_all(&self) -> Result<(), ServerError> {
        for device in self.ledger.devices().await? {
            let _ = self
                .device_locks
                .run(device.id, || self.catch_up_locked(&device))
                .await;
        }
        Ok(())
    }

    /// Reads the replica of `device` once it holds every event the ledger holds: a reader
    /// never sees a stale copy of a device's work.
    pub async fn read_replica<T: Send + 'static>(
        &self,
        device: &DeviceRecord,
        f: impl FnOnce(&mut Replica) -> redshield_core::Result<T> + Send + 'static,
    ) -> Result<T, ReplicaError> {
        self.device_locks
            .run(device.id, || async {
                self.catch_up_locked(device).await?;
                self.replicas.read(device.id, f).await
            })
            .await
    }

    /// After a blob of `device` arrives whole: verifies the evidence it completes.
    pub async fn blob_arrived(&self, device: &DeviceRecord) {
        let verified = self
            .device_locks
            .run(device.id, || self.replicas.verify(device, now_ms()))
            .await;
        match verified {
            Ok(verdicts) => self.count_verdicts(&verdicts),
            Err(e) => {
                Metrics::add(&self.metrics.replica_failures, 1);
                tracing::error!(device = %device.id, error = %e, "evidence not verified");
            }
        }
    }

    fn count_verdicts(&self, verdicts: &[EvidenceReport]) {
        for report in verdicts {
            if report.intact {
                Metrics::add(&self.metrics.evidence_intact, 1);
            } else {
                Metrics::add(&self.metrics.evidence_not_intact, 1);
                tracing::warn!(evidence = %report.evidence_id, checks = ?report.checks, "evidence failed verification on ingest");
            }
        }
    }

    pub async fn pull(&self, device: Uuid, after: u64) -> Result<ServerEvents, ApiError> {
        let events = self
            .ledger
            .server_events(device, after, MAX_SERVER_EVENTS_PER_PULL)
            .await?;
        Ok(ServerEvents {
            protocol: PROTOCOL,
            server_time_ms: now_ms(),
            device_id: device,
            events,
        })
    }

    /// Numbers, signs and stores a server event for `device` (or every device: `None`).
    pub async fn publish(
        &self,
        device: Option<Uuid>,
        event_type: &str,
        body: serde_json::Value,
    ) -> Result<ServerEvent, ServerError> {
        self.publish_decision(device, None, event_type, body, None)
            .await
    }

    /// Assigns a case to `device` (ownership transfer): from now on the case's field events
    /// come from it, and events of the previous owner are conflicts. The signed `CaseAssigned`
    /// event goes to the new owner with the change, in one transaction; the previous owner is
    /// told by a second event (if that one fails, its next push shows it the conflict).
    pub async fn assign_case(&self, case_id: Uuid, device: Uuid) -> Result<Decided, ServerError> {
        let previous = self.ledger.case_owner(case_id).await?;
        let moved = previous.as_ref().is_none_or(|p| p.device != device);
        let handover = match moved {
            true => self.handover(case_id).await?,
            false => None,
        };
        let (attachment, handover_sha256) = handover.unzip();
        let body = to_body(&CaseAssigned {
            case_id,
            device,
            handover_sha256,
        })?;
        let decision = CaseDecision::Assign { case_id, device };
        let event = self
            .publish_decision(
                Some(device),
                Some(decision),
                CASE_ASSIGNED,
                body.clone(),
                attachment,
            )
            .await?;
        if let Some(previous) = previous.filter(|p| p.device != device) {
            self.publish(Some(previous.device), CASE_ASSIGNED, body)
                .await?;
        }
        Ok(decided(case_id, &event))
    }

    /// Closes a case by a decision of the centre, with `outcome`: its owner carries the
    /// closure out when it applies the signed `CaseClosed`; events of any device for the case
    /// made without knowing of it are conflicts.
    pub async fn close_case(
        &self,
        case_id: Uuid,
        outcome: Outcome,
    ) -> Result<Decided, ServerError> {
        let owner = self.owner(case_id).await?;
        let decision = CaseDecision::Close { case_id };
        let body = to_body(&CaseClosed { case_id, outcome })?;
        let event = self
            .publish_decision(Some(owner), Some(decision), CASE_CLOSED, body, None)
            .await?;
        Ok(decided(case_id, &event))
    }

    /// The device that owns `case_id`.
    pub(crate) async fn owner(&self, case_id: Uuid) -> Result<Uuid, ServerError> {
        let owner =
            self.ledger.case_owner(case_id).await?.ok_or_else(|| {
                ServerError::BadInput(format!("the centre holds no case {case_id}"))
            })?;
        Ok(owner.device)
    }

    /// Numbers, signs and stores a server event, with the ownership change it makes and the
    /// personal data it carries beside its signed bytes, in one transaction.
    pub(crate) async fn publish_decision(
        &self,
        device: Option<Uuid>,
        decision: Option<CaseDecision>,
        event_type: &str,
        body: serde_json::Value,
        attachment: Option<Attachment>,
    ) -> Result<ServerEvent, ServerError> {
        if event_type.trim().is_empty() {
            return Err(ServerError::BadInput("a server event needs a type".into()));
        }
        if let Some(id) = device
            && self.ledger.device(id).await?.is_none()
        {
            return Err(ServerError::BadInput(format!(
                "device {id} is not enrolled"
            )));
        }
        // Refuse a body with floating point before taking a seq for it.
        redshield_core::events::canonical::encode(&body)
            .map_err(|e| ServerError::BadInput(format!("the body: {e}")))?;
        let centre = self.centre.clone();
        let event_type = event_type.to_string();
        let event = self
            .ledger
            .append_server_event(device, decision, move |server_seq| {
                let body = ServerEventBody {
                    server_seq,
                    device,
                    event_type,
                    time_ms: now_ms(),
                    body,
                };
                let mut event = centre.seal(&body).map_err(LedgerError::Refused)?;
                event.attachment = attachment;
                Ok(event)
            })
            .await?;
        Metrics::add(&self.metrics.server_events, 1);
        tracing::info!(server_seq = event.server_seq, device = ?device, "server event published");
        Ok(event)
    }
}

fn already_enrolled(message: String) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, RefusalCode::AlreadyEnrolled, message)
}

/// A decision's body as JSON.
pub(crate) fn to_body(body: &impl serde::Serialize) -> Result<serde_json::Value, ServerError> {
    serde_json::to_value(body).map_err(|e| ServerError::BadInput(e.to_string()))
}

pub fn token_hash(token: &str) -> Digest {
    Digest::of(&[token.as_bytes()])
}

fn parse_public_key(text: &str) -> Result<[u8; 32], ApiError> {
    let bad = || ApiError::bad_request("the public key is not an Ed25519 key in lowercase hex");
    let digest = Digest::from_hex(text).ok_or_else(bad)?;
    VerifyingKey::from_bytes(&digest.0).map_err(|_| bad())?;
    Ok(digest.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_from_the_alphabet() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 14);
        let groups: Vec<&str> = code.split('-').collect();
        assert_eq!(groups.len(), 3);
        for group in groups {
            assert_eq!(group.len(), 4);
            assert!(group.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        }
    }

    #[test]
    fn a_code_reads_the_same_however_it_is_typed() {
        assert_eq!(code_hash("ABCD-EFGH-JKMN"), code_hash("abcd efgh jkmn"));
        assert_ne!(code_hash("ABCD-EFGH-JKMN"), code_hash("ABCD-EFGH-JKMP"));
    }
}
