//! The centre's projections: one replica of each device's store
//! (`redshield_core::sync::replica`) in `<data>/replicas/<device id>/`, brought up to the
//! ledger after every push, so the centre reads a case with the core's own code — exactly as
//! its owning device does — and runs the core's evidence verifier as blobs arrive.
//!
//! Derived, never the record: the directory can be deleted and is rebuilt from the ledger on
//! the next push, read or start (`Service::read_replica`, `catch_up_all`). A replica that
//! cannot keep up (a projection error) leaves the push stored and acknowledged; it is retried
//! on the next one. Each replica's directory and database are the service user's only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use redshield_core::evidence::blobs::Blobs;
use redshield_core::evidence::verify::EvidenceReport;
use redshield_core::signing::VerifyingKey;
use redshield_core::sync::protocol::{Attachment, WireEvent};
use redshield_core::sync::replica::Replica;
use uuid::Uuid;

use crate::ledger::{DeviceRecord, Ledger, LedgerError};

/// Events read from the ledger per step of a catch-up.
const PAGE: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error("replica of device {device}: {source}")]
    Core {
        device: Uuid,
        source: redshield_core::Error,
    },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("replica task failed: {0}")]
    Task(String),
}

/// What a catch-up did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaughtUp {
    pub events: u64,
    /// Events held but not projected: this centre cannot read their type yet.
    pub unreadable: u64,
    pub verdicts: Vec<EvidenceReport>,
}

type Shared = Arc<Mutex<Replica>>;

pub struct Replicas {
    dir: PathBuf,
    blobs: Arc<Blobs>,
    open: Mutex<HashMap<Uuid, Shared>>,
}

impl Replicas {
    pub fn new(data_dir: &Path) -> Replicas {
        Replicas {
            dir: data_dir.join("replicas"),
            blobs: Arc::new(Blobs::in_store(data_dir)),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Brings the replica of `device` up to what the ledger holds, then gives the evidence
    /// verifier whatever evidence now has all its blobs. The caller serialises calls per device.
    pub async fn catch_up<L: Ledger>(
        &self,
        ledger: &L,
        device: &DeviceRecord,
        now_ms: i64,
    ) -> Result<CaughtUp, ReplicaError> {
        let replica = self.replica(device.id).await?;
        let mut caught = CaughtUp::default();
        let (mut head, vault_held) = self
            .run(device.id, &replica, |r| Ok((r.head()?, r.last_vault_id()?)))
            .await?;
        // The vault rows the replica lacks, read once. Only those: reading all of them made
        // every push cost more as the device's history grew. A device numbers its rows in
        // increasing order (AUTOINCREMENT) and each travels with the first event naming it,
        // so the rows of events after the head are all above the highest row held.
        let mut vault = None;
        loop {
            let held = ledger.events(device.id, head, PAGE).await?;
            let Some(last) = held.last().map(|e| e.seq) else {
                break;
            };
            if vault.is_none() {
                vault = Some(Arc::new(
                    ledger.vault_rows_after(device.id, vault_held).await?,
                ));
            }
            let rows = vault.clone().unwrap_or_default();
            let events: Vec<WireEvent> = held
                .into_iter()
                .map(|e| WireEvent {
                    canonical: e.canonical,
                    hash: e.hash,
                    signature: hex::encode(e.signature),
                })
                .collect();
            let handovers = handovers(ledger, device.id, &events).await?;
            let applied = self
                .run(device.id, &replica, move |r| {
                    r.apply(&events, &rows, &handovers)
                })
                .await?;
            caught.events += applied.events;
            caught.unreadable += applied.unreadable.len() as u64;
            head = last;
        }
        caught.verdicts = self.verify(device, now_ms).await?;
        Ok(caught)
    }

    /// Runs the evidence verifier on the device's evidence whose blobs have all arrived.
    pub async fn verify(
        &self,
        device: &DeviceRecord,
        now_ms: i64,
    ) -> Result<Vec<EvidenceReport>, ReplicaError> {
        let replica = self.replica(device.id).await?;
        let key = VerifyingKey::from_bytes(&device.public_key).map_err(|_| {
            LedgerError::Corrupt(format!(
                "the key held for device {} is not valid",
                device.id
            ))
        })?;
        let blobs = self.blobs.clone();
        self.run(device.id, &replica, move |r| {
            r.verify_evidence(&blobs, &key, now_ms)
        })
        .await
    }

    /// The highest seq the replica of `device` holds.
    pub async fn head(&self, device: Uuid) -> Result<u64, ReplicaError> {
        self.read(device, |r| r.head()).await
    }

    /// Reads the replica of `device` (on the blocking pool) as it is, caught up or not: the
    /// service's readers go through `Service::read_replica`.
    pub async fn read<T: Send + 'static>(
        &self,
        device: Uuid,
        f: impl FnOnce(&mut Replica) -> redshield_core::Result<T> + Send + 'static,
    ) -> Result<T, ReplicaError> {
        let replica = self.replica(device).await?;
        self.run(device, &replica, f).await
    }

    async fn replica(&self, device: Uuid) -> Result<Shared, ReplicaError> {
        if let Some(open) = self.lock().get(&device) {
            return Ok(open.clone());
        }
        let dir = self.dir.join(device.to_string());
        let opened = tokio::task::spawn_blocking(move || open_private(&dir, device))
            .await
            .map_err(|e| ReplicaError::Task(e.to_string()))?
            .map_err(|source| ReplicaError::Core { device, source })?;
        Ok(self
            .lock()
            .entry(device)
            .or_insert_with(|| Arc::new(Mutex::new(opened)))
            .clone())
    }

    async fn run<T: Send + 'static>(
        &self,
        device: Uuid,
        replica: &Shared,
        f: impl FnOnce(&mut Replica) -> redshield_core::Result<T> + Send + 'static,
    ) -> Result<T, ReplicaError> {
        let replica = replica.clone();
        tokio::task::spawn_blocking(move || {
            let mut replica = replica.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut replica)
        })
        .await
        .map_err(|e| ReplicaError::Task(e.to_string()))?
        .map_err(|source| ReplicaError::Core { device, source })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Shared>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Opens the replica in `dir`, its directory and database made owner only first (SQLite then
/// gives its `-wal` and `-shm` files the database's mode).
fn open_private(dir: &Path, device: Uuid) -> Result<Replica, redshield_core::Error> {
    let unavailable = |e: std::io::Error| redshield_core::Error::StoreUnavailable {
        path: dir.to_path_buf(),
        reason: format!("replica of device {device}: {e}"),
    };
    crate::private::create_dir(dir).map_err(unavailable)?;
    crate::private::create_file(&dir.join(redshield_core::store::FILE_NAME))
        .map_err(unavailable)?;
    Replica::open(dir)
}

/// The attachments of the decisions among `events` that brought `device` a case's history
/// (`Replica::apply`), by server seq, from the ledger.
async fn handovers<L: Ledger>(
    ledger: &L,
    device: Uuid,
    events: &[WireEvent],
) -> Result<HashMap<u64, Attachment>, ReplicaError> {
    let mut handovers = HashMap::new();
    for server_seq in Replica::handovers_needed(events) {
        let sent = ledger.server_events(device, server_seq - 1, 1).await?;
        if let Some(attachment) = sent
            .into_iter()
            .find(|e| e.server_seq == server_seq)
            .and_then(|e| e.attachment)
        {
            handovers.insert(server_seq, attachment);
        }
    }
    Ok(handovers)
}
