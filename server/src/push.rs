//! A device's push, judged whatever the storage: what is a duplicate, what extends the chain,
//! what is a fork, and what is refused — in which case nothing of the push is stored.
//!
//! Per event, in the order pushed:
//! - at a seq the centre holds: the same hash is a duplicate (nothing changes); another hash is
//!   a fork — checked against the device key, stored aside and flagged, never replacing;
//! - at the seq after the head: the next link, which must pass the same check the device's own
//!   verifier makes (`wire::check`), with its vault rows matching their commitments;
//!   an event that instead links to a fork continues that fork's branch and is stored aside;
//! - beyond: a gap, refused.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use redshield_core::events::{Digest, Entry, decode};
use redshield_core::journal::Body;
use redshield_core::signing::VerifyingKey;
use redshield_core::sync::protocol::{MAX_EVENTS_PER_PUSH, Push, WireEvent, WireVaultRow};
use redshield_core::sync::wire::{self, Checked};
use uuid::Uuid;

use crate::ledger::{
    CaseOwner, ChainHead, DeviceRecord, HeldConflict, HeldEvent, HeldFork, Ledger, LedgerError,
    PushBatch,
};

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The push breaks the protocol: nothing of it was stored.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// What a push changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOutcome {
    /// The head after the push.
    pub head: ChainHead,
    /// New links of the chain.
    pub stored_events: u32,
    /// Forks not held before.
    pub stored_forks: u32,
    /// Events already held, at the same seq with the same hash (forks already held included).
    pub duplicates: u32,
    /// Seqs of the push's events that are forks (new or already held), ascending.
    pub forks: Vec<u64>,
    /// Seqs of the push's new links that do not fit their case, flagged for the centre.
    pub conflicts: Vec<u64>,
}

/// One async lock per key, made on first use and dropped when no one holds or waits for it.
pub struct KeyedLocks<K> {
    locks: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

impl<K: Eq + Hash + Clone> Default for KeyedLocks<K> {
    fn default() -> Self {
        KeyedLocks {
            locks: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash + Clone> KeyedLocks<K> {
    /// Runs `f` while holding `key`'s lock.
    pub async fn run<T, Fut: Future<Output = T>>(&self, key: K, f: impl FnOnce() -> Fut) -> T {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
            locks.entry(key.clone()).or_default().clone()
        };
        let value = {
            let _guard = lock.lock().await;
            f().await
        };
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        // The map's reference and ours: nobody else holds or awaits it.
        if Arc::strong_count(&lock) == 2 {
            locks.remove(&key);
        }
        value
    }
}

/// Judges and stores `push` from `device` (authenticated). The caller serialises pushes of one
/// device (`KeyedLocks`), so the head read here is the one the batch is stored onto.
pub async fn push<L: Ledger>(
    ledger: &L,
    device: &DeviceRecord,
    push: &Push,
    now_ms: i64,
) -> Result<PushOutcome, PushError> {
    let refused = |reason: String| PushError::Refused(reason);
    if push.events.len() > MAX_EVENTS_PER_PUSH {
        return Err(refused(format!(
            "a push holds at most {MAX_EVENTS_PER_PUSH} events, this one {}",
            push.events.len()
        )));
    }
    let key = VerifyingKey::from_bytes(&device.public_key).map_err(|_| {
        LedgerError::Corrupt(format!(
            "the key held for device {} is not valid",
            device.id
        ))
    })?;
    let rows = vault_rows_by_id(&push.vault)?;

    let held = ledger.head(device.id).await?;
    let mut judge = Judge {
        ledger,
        device: device.id,
        key: &key,
        now_ms,
        held,
        running: held,
        batch: PushBatch::default(),
        fork_tip: None,
        duplicates: 0,
        forks: Vec::new(),
        owners: HashMap::new(),
    };
    let mut needed_rows: Vec<i64> = Vec::new();
    for (i, event) in push.events.iter().enumerate() {
        if let Some(checked) = judge.judge(i, event).await? {
            // A purge deletes the device's own copy: never a conflict, whoever owns the case.
            let judged = checked
                .body
                .as_ref()
                .ok()
                .filter(|b| !matches!(b, Body::PersonalDataPurged(_)));
            if let Some(case_id) = judged.and_then(|b| b.case_id()) {
                judge.ownership(checked.envelope.seq, case_id).await?;
            }
            if let Ok(Body::ServerEventApplied(applied)) = &checked.body
                && let Some(case_id) = applied.closed_case()
            {
                judge.closure_seen(case_id).await?;
            }
            if let Err(reason) = &checked.body {
                tracing::info!(device = %device.id, seq = checked.envelope.seq, event_type = %checked.envelope.event_type, %reason, "held an event this centre cannot read yet");
            }
            for sealed in checked.references() {
                // A row absent from the push was purged on the device: the commitment stays.
                let Some(row) = rows.get(&sealed.id) else {
                    continue;
                };
                if !wire::vault_row_matches(row, &sealed) {
                    return Err(refused(format!(
                        "event {}: personal-data row {} does not match its commitment",
                        checked.envelope.seq, sealed.id
                    )));
                }
                if !needed_rows.contains(&sealed.id) {
                    needed_rows.push(sealed.id);
                }
            }
        }
    }
    let Judge {
        held,
        running,
        mut batch,
        duplicates,
        mut forks,
        ..
    } = judge;
    batch.vault = needed_rows
        .iter()
        .filter_map(|id| rows.get(id).map(|row| (*row).clone()))
        .collect();
    let outcome = {
        forks.sort_unstable();
        forks.dedup();
        PushOutcome {
            head: running,
            stored_events: batch.events.len() as u32,
            stored_forks: batch.forks.len() as u32,
            duplicates,
            conflicts: batch.conflicts.iter().map(|c| c.seq).collect(),
            forks,
        }
    };
    if !batch.events.is_empty() || !batch.forks.is_empty() {
        ledger.store_push(device.id, held, batch).await?;
    }
    Ok(outcome)
}

fn vault_rows_by_id(rows: &[WireVaultRow]) -> Result<HashMap<i64, &WireVaultRow>, PushError> {
    let mut by_id: HashMap<i64, &WireVaultRow> = HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some(other) = by_id.insert(row.id, row)
            && other != row
        {
            return Err(PushError::Refused(format!(
                "personal-data row {} is sent twice with different contents",
                row.id
            )));
        }
    }
    Ok(by_id)
}

struct Judge<'a, L> {
    ledger: &'a L,
    device: Uuid,
    key: &'a VerifyingKey,
    now_ms: i64,
    /// The head as held before this push.
    held: ChainHead,
    /// The head with this push's new links.
    running: ChainHead,
    batch: PushBatch,
    /// The newest fork of this push: an event linking to it continues its branch.
    fork_tip: Option<(u64, Digest)>,
    duplicates: u32,
    forks: Vec<u64>,
    /// Case owners read so far, with this push's claims.
    owners: HashMap<Uuid, Option<CaseOwner>>,
}

impl<L: Ledger> Judge<'_, L> {
    /// Judges the push's `i`-th event; a new link of the chain is returned with its body.
    async fn judge(&mut self, i: usize, event: &WireEvent) -> Result<Option<Checked>, PushError> {
        let n = i + 1;
        if Digest::of(&[event.canonical.as_bytes()]) != event.hash {
            return Err(PushError::Refused(format!(
                "event #{n} of the push: its bytes do not match its hash"
            )));
        }
        let envelope = decode(event.canonical.as_bytes()).map_err(|e| {
            PushError::Refused(format!("event #{n} of the push does not decode: {e}"))
        })?;
        let seq = envelope.seq;
        if envelope.device != self.device {
            return Err(PushError::Refused(format!(
                "event {seq} is of device {}, not {}",
                envelope.device, self.device
            )));
        }
        if seq == 0 {
            return Err(PushError::Refused(format!(
                "event #{n} of the push has seq 0: seqs start at 1"
            )));
        }
        let next = self.running.seq + 1;
        if seq < next {
            let held_hash = self.hash_at(seq).await?;
            if held_hash == event.hash {
                self.duplicates += 1;
                return Ok(None);
            }
            self.fork(event, seq, envelope.prev_hash).await?;
            return Ok(None);
        }
        if envelope.prev_hash != self.running.hash || seq != next {
            // Not the next link: it may continue a branch that forked off.
            if self.links_to_fork(seq, envelope.prev_hash).await? {
                self.fork(event, seq, envelope.prev_hash).await?;
                return Ok(None);
            }
        }
        if seq != next {
            return Err(PushError::Refused(format!(
                "event {seq} does not follow: the centre holds events 1 to {} and the push \
                 does not bring {next} before it",
                self.running.seq
            )));
        }
        let checked = wire::check(event, next, self.running.hash, self.device, self.key)
            .map_err(|b| PushError::Refused(format!("event {}: {}", b.seq, b.reason)))?;
        self.batch.events.push(HeldEvent {
            seq,
            hash: checked.hash,
            canonical: event.canonical.clone(),
            signature: checked.signature.clone(),
            received_at_ms: self.now_ms,
        });
        self.running = ChainHead {
            seq,
            hash: checked.hash,
        };
        Ok(Some(checked))
    }

    /// Judges the new link `seq` against its case's owner (DESIGN: one owning device per
    /// case): a case no device holds yet is claimed by this one; an event for a case the
    /// centre assigned elsewhere or closed is still stored, and flagged as a conflict.
    async fn ownership(&mut self, seq: u64, case_id: Uuid) -> Result<(), PushError> {
        let owner = match self.owners.get(&case_id) {
            Some(owner) => *owner,
            None => self.ledger.case_owner(case_id).await?,
        };
        let reason = match owner {
            None => {
                self.batch.claims.push(case_id);
                let mine = CaseOwner {
                    device: self.device,
                    closed: false,
                    closure_seen: false,
                };
                self.owners.insert(case_id, Some(mine));
                return Ok(());
            }
            Some(o) if o.closed && !(o.device == self.device && o.closure_seen) => {
                "the centre closed the case".to_string()
            }
            Some(o) if o.device != self.device => {
                format!("the centre assigned the case to device {}", o.device)
            }
            Some(_) => {
                self.owners.insert(case_id, owner);
                return Ok(());
            }
        };
        self.owners.insert(case_id, owner);
        tracing::warn!(device = %self.device, seq, case = %case_id, %reason, "conflict stored for the centre");
        self.batch.conflicts.push(HeldConflict {
            seq,
            case_id,
            reason,
            flagged_at_ms: self.now_ms,
            resolved: false,
        });
        Ok(())
    }

    /// The owner applied the centre's closure of `case_id`: its events for the case from here
    /// on carry the decision out (the close step, a follow-up), knowing of it.
    async fn closure_seen(&mut self, case_id: Uuid) -> Result<(), PushError> {
        let owner = match self.owners.get(&case_id) {
            Some(owner) => *owner,
            None => self.ledger.case_owner(case_id).await?,
        };
        if let Some(mut o) = owner.filter(|o| o.device == self.device && o.closed) {
            o.closure_seen = true;
            self.owners.insert(case_id, Some(o));
            self.batch.closures_seen.push(case_id);
        }
        Ok(())
    }

    /// The hash the chain holds at `seq` (≤ the running head), this push's new links included.
    async fn hash_at(&self, seq: u64) -> Result<Digest, PushError> {
        if seq > self.held.seq {
            let index = (seq - self.held.seq - 1) as usize;
            return Ok(self.batch.events[index].hash);
        }
        self.ledger
            .event_hash(self.device, seq)
            .await?
            .ok_or_else(|| {
                LedgerError::Corrupt(format!(
                    "device {} has no event {seq} below its head {}",
                    self.device, self.held.seq
                ))
                .into()
            })
    }

    async fn links_to_fork(&self, seq: u64, prev: Digest) -> Result<bool, PushError> {
        if seq < 2 {
            return Ok(false);
        }
        if self.fork_tip == Some((seq - 1, prev))
            || self
                .batch
                .forks
                .iter()
                .any(|f| f.seq == seq - 1 && f.hash == prev)
        {
            return Ok(true);
        }
        Ok(self.ledger.fork_held(self.device, seq - 1, prev).await?)
    }

    /// A signed event of this device that the chain does not hold at its seq: kept aside.
    async fn fork(&mut self, event: &WireEvent, seq: u64, prev: Digest) -> Result<(), PushError> {
        // The same check as a link, against the event's own predecessor: a fork must still be
        // the device's, signed by its key, and well-formed.
        let checked = wire::check(event, seq, prev, self.device, self.key).map_err(|b| {
            PushError::Refused(format!(
                "event {} (a fork of the chain): {}",
                b.seq, b.reason
            ))
        })?;
        self.forks.push(seq);
        self.fork_tip = Some((seq, checked.hash));
        let in_batch = self
            .batch
            .forks
            .iter()
            .any(|f| f.seq == seq && f.hash == checked.hash);
        if in_batch
            || self
                .ledger
                .fork_held(self.device, seq, checked.hash)
                .await?
        {
            self.duplicates += 1;
            return Ok(());
        }
        tracing::warn!(device = %self.device, seq, hash = %checked.hash, "fork stored for the centre");
        self.batch.forks.push(HeldFork {
            seq,
            hash: checked.hash,
            canonical: event.canonical.clone(),
            signature: checked.signature,
            received_at_ms: self.now_ms,
            flagged: true,
        });
        Ok(())
    }
}
