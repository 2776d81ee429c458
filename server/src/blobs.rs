//! Content-addressed blobs (photos, documents), uploaded in resumable chunks.
//!
//! An upload grows `<data>/blobs/partial/<sha>`; the ledger keeps how many bytes are held,
//! the file being cut back to that count before a chunk is appended (bytes written by a request
//! that failed before the ledger recorded them are not counted). On the last chunk the whole
//! file is hashed: if it is the blob its name says, it moves to `<data>/blobs/<ab>/<sha>` and
//! is complete; if not, it is deleted.
//!
//! A device uploads, asks about (`HEAD`) and fetches only blobs its own records name, as the
//! centre's replica of its store reads them (a device pushes its events before their blobs):
//! an evidence record names its original, rendition, display copy and thumbnail with their sizes, a
//! signed document its signature's strokes and image (bounded by `SIGNATURE_BLOB_MAX_BYTES`).
//! An upload may not pass the size its records state, nor take the device past its share of
//! the store (`Limits::blob_quota_bytes`): the bytes of the blobs it began uploading.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use redshield_core::documents::state::State;
use redshield_core::events::Digest;
use redshield_core::evidence::events::EvidenceCaptured;
use rusqlite::Connection;
use sha2::{Digest as _, Sha256};

use crate::error::ApiError;
use crate::keys::sync_dir;
use crate::ledger::{BlobRecord, DeviceRecord, Ledger};
use crate::metrics::Metrics;
use crate::private;
use crate::service::Service;

/// The most a signature's strokes (JSON) or image (PNG) may weigh. Their records state no
/// size; the core's limits bound them (`documents::signature::limits`: 20 000 points of
/// about 85 bytes of JSON each; a 600 × 200 grey image), with room to spare.
pub const SIGNATURE_BLOB_MAX_BYTES: u64 = 4 << 20;

/// Where an upload stands, as answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobState {
    pub received: u64,
    pub complete: bool,
}

/// The answer to a chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkOutcome {
    Held(BlobState),
    /// The chunk does not start where the held bytes end: resume at `held`.
    WrongOffset {
        held: u64,
    },
    /// The whole upload does not hash to the blob's name: it was deleted.
    Corrupt {
        actual: Digest,
        size: u64,
    },
}

pub fn blobs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("blobs")
}

fn partial_path(data_dir: &Path, sha: &Digest) -> PathBuf {
    blobs_dir(data_dir).join("partial").join(sha.to_hex())
}

pub fn blob_path(data_dir: &Path, sha: &Digest) -> PathBuf {
    let hex = sha.to_hex();
    blobs_dir(data_dir).join(&hex[..2]).join(hex)
}

pub fn create_dirs(data_dir: &Path) -> io::Result<()> {
    private::create_dir(&blobs_dir(data_dir))?;
    private::create_dir(&blobs_dir(data_dir).join("partial"))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| io::Error::other(e.to_string()))
        .and_then(|r| r)
        .map_err(|e| {
            tracing::error!(error = %e, "blob store");
            ApiError::unavailable("the centre cannot write blobs now; try again later")
        })
}

/// Appends `chunk` to `path` after cutting it to `held` bytes; syncs it.
fn append(path: &Path, held: u64, chunk: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    private::restrict(&file)?;
    file.set_len(held)?;
    file.seek(SeekFrom::Start(held))?;
    file.write_all(chunk)?;
    file.sync_data()
}

fn hash_file(path: &Path) -> io::Result<(Digest, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((Digest(hasher.finalize().into()), size))
}

/// The most bytes `conn`'s records (a replica) state for blob `sha`; `None`: none names it.
/// Rows are picked by the blob's name in their text, then read whole to be sure.
pub fn stated_size(conn: &Connection, sha: &Digest) -> redshield_core::Result<Option<u64>> {
    let hex = sha.to_hex();
    let mut size = None;
    for body in texts_naming(
        conn,
        "SELECT body FROM evidence WHERE instr(body, ?1) > 0",
        &hex,
    )? {
        let e: EvidenceCaptured = parse(&body)?;
        let derived = e.display.iter().chain(&e.thumbnail);
        let rendition = e.rendition.iter().map(|r| (r.sha256, r.bytes));
        let named = [(e.original.sha256, e.original.bytes)]
            .into_iter()
            .chain(derived.map(|d| (d.sha256, d.bytes)))
            .chain(rendition);
        for (_, bytes) in named.filter(|(name, _)| name == sha) {
            size = size.max(Some(bytes));
        }
    }
    for state in texts_naming(
        conn,
        "SELECT state FROM documents WHERE instr(state, ?1) > 0",
        &hex,
    )? {
        let s: State = parse(&state)?;
        let signed = s.signatures.iter();
        if signed
            .flat_map(|g| [g.strokes_sha256, g.image_sha256])
            .any(|n| n == *sha)
        {
            size = size.max(Some(SIGNATURE_BLOB_MAX_BYTES));
        }
    }
    Ok(size)
}

fn texts_naming(conn: &Connection, sql: &str, hex: &str) -> redshield_core::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([hex], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> redshield_core::Result<T> {
    serde_json::from_str(json).map_err(|e| redshield_core::Error::Corrupt {
        seq: 0,
        reason: format!("a projected record: {e}"),
    })
}

fn file_len(path: &Path) -> io::Result<u64> {
    match fs::metadata(path) {
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e),
    }
}

impl<L: Ledger> Service<L> {
    /// The most bytes `device`'s own records (its replica, caught up) state for blob `sha`;
    /// `403` when none names it.
    pub async fn named_size(&self, device: &DeviceRecord, sha: Digest) -> Result<u64, ApiError> {
        let size = self
            .read_replica(device, move |r| stated_size(r.conn(), &sha))
            .await
            .map_err(|e| ApiError::unavailable(format!("the device's replica: {e}")))?;
        size.ok_or_else(|| {
            ApiError::forbidden(format!("blob {sha} is not named by this device's records"))
        })
    }

    /// Whether `device` may have `len` more bytes of blob `sha` held from `offset`: within
    /// the size its records state (`bound`), and within its share of the store.
    pub async fn may_upload(
        &self,
        device: &DeviceRecord,
        sha: Digest,
        bound: u64,
        offset: u64,
        len: u64,
    ) -> Result<(), ApiError> {
        let end = offset.saturating_add(len);
        if end > bound {
            return Err(ApiError::too_large(format!(
                "this device's records state blob {sha} as at most {bound} bytes, not {end}"
            )));
        }
        let quota = self.limits.blob_quota_bytes;
        let held = self.ledger.blob_bytes(device.id).await?;
        if held.saturating_add(len) > quota {
            return Err(ApiError::too_large(format!(
                "the centre holds {held} bytes of this device's blobs; {len} more would pass \
                 its share of {quota} bytes: ask the centre to raise it"
            )));
        }
        Ok(())
    }

    /// The bytes of blob `sha` for `device`, if the centre holds it whole: only a blob the
    /// device's own records name (as its replica reads them) — the display copies and
    /// thumbnails of a case handed over to it, a file of its own it lost.
    pub async fn blob_for(&self, device: &DeviceRecord, sha: Digest) -> Result<Vec<u8>, ApiError> {
        self.named_size(device, sha).await?;
        match self.held(sha).await? {
            Some((record, _)) if record.complete => {
                let path = blob_path(&self.data_dir, &sha);
                blocking(move || fs::read(path)).await
            }
            _ => Err(ApiError::not_found(format!("blob {sha} is not held whole"))),
        }
    }

    /// What is held of blob `sha`, if anything, for a device whose records name it: who may
    /// not fetch a blob is not told whether the centre holds it either.
    pub async fn blob_state(
        &self,
        device: &DeviceRecord,
        sha: Digest,
    ) -> Result<Option<BlobState>, ApiError> {
        self.named_size(device, sha).await?;
        self.blob_locks
            .run(sha, || async {
                Ok(self.held(sha).await?.map(|(record, _)| BlobState {
                    received: record.received,
                    complete: record.complete,
                }))
            })
            .await
    }

    /// The ledger's record, reconciled with the files: a blob whose verified file was moved
    /// into place just before a crash is complete; a partial file shorter than recorded (lost
    /// in a crash) holds what it holds.
    async fn held(&self, sha: Digest) -> Result<Option<(BlobRecord, u64)>, ApiError> {
        let record = self.ledger.blob(sha).await?;
        if record.is_some_and(|r| r.complete) {
            return Ok(record.map(|r| (r, 0)));
        }
        let (data_dir, partial) = (self.data_dir.clone(), partial_path(&self.data_dir, &sha));
        let (whole, partial_len) = blocking(move || {
            Ok((
                fs::metadata(blob_path(&data_dir, &sha))
                    .ok()
                    .map(|m| m.len()),
                file_len(&partial)?,
            ))
        })
        .await?;
        if let Some(size) = whole {
            self.ledger.complete_blob(sha, size).await?;
            return Ok(Some((
                BlobRecord {
                    received: size,
                    complete: true,
                    size: Some(size),
                },
                0,
            )));
        }
        Ok(record.map(|mut r| {
            r.received = r.received.min(partial_len);
            (r, partial_len)
        }))
    }

    /// Takes one chunk of blob `sha` from `device` (checked: `may_upload`) at `offset`;
    /// `last` asks for the whole to be verified.
    pub async fn put_chunk(
        &self,
        device: &DeviceRecord,
        sha: Digest,
        offset: u64,
        chunk: Bytes,
        last: bool,
    ) -> Result<ChunkOutcome, ApiError> {
        self.blob_locks
            .run(sha, || {
                self.put_chunk_locked(device, sha, offset, chunk, last)
            })
            .await
    }

    async fn put_chunk_locked(
        &self,
        device: &DeviceRecord,
        sha: Digest,
        offset: u64,
        chunk: Bytes,
        last: bool,
    ) -> Result<ChunkOutcome, ApiError> {
        let held = self.held(sha).await?;
        if let Some((record, _)) = held
            && record.complete
        {
            // Already whole and verified: never written again.
            return Ok(ChunkOutcome::Held(BlobState {
                received: record.size.unwrap_or(record.received),
                complete: true,
            }));
        }
        let held = held.map_or(0, |(r, _)| r.received);
        if offset != held {
            return Ok(ChunkOutcome::WrongOffset { held });
        }
        let partial = partial_path(&self.data_dir, &sha);
        let received = held + chunk.len() as u64;
        if !chunk.is_empty() || held == 0 {
            let path = partial.clone();
            let len = chunk.len() as u64;
            blocking(move || append(&path, held, &chunk)).await?;
            self.ledger
                .set_blob_received(sha, device.id, received)
                .await?;
            Metrics::add(&self.metrics.blob_bytes_received, len);
        }
        if !last {
            return Ok(ChunkOutcome::Held(BlobState {
                received,
                complete: false,
            }));
        }
        let path = partial.clone();
        let (actual, size) = blocking(move || hash_file(&path)).await?;
        if actual != sha {
            let path = partial.clone();
            blocking(move || match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            })
            .await?;
            self.ledger.drop_blob(sha).await?;
            tracing::warn!(blob = %sha, %actual, size, "a blob upload did not hash to its name; deleted");
            return Ok(ChunkOutcome::Corrupt { actual, size });
        }
        let target = blob_path(&self.data_dir, &sha);
        blocking(move || {
            let dir = target
                .parent()
                .ok_or_else(|| io::Error::other("no blob directory"))?;
            private::create_dir(dir)?;
            fs::rename(&partial, &target)?;
            sync_dir(dir);
            if let Some(partial_dir) = partial.parent() {
                sync_dir(partial_dir);
            }
            Ok(())
        })
        .await?;
        self.ledger.complete_blob(sha, size).await?;
        Metrics::add(&self.metrics.blobs_completed, 1);
        tracing::info!(blob = %sha, size, "blob complete");
        Ok(ChunkOutcome::Held(BlobState {
            received: size,
            complete: true,
        }))
    }
}
