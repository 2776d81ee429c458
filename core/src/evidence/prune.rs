//! Device storage care: once the centre has confirmed an original whole and its retention has
//! passed, the device may delete its copy of the original (the centre is the archive). The
//! hash, the display copy and the thumbnail stay, and so does the signed record of the
//! deletion, `EvidenceOriginalPruned`, which lets the verifier tell an archived original from
//! a lost one.
//!
//! Deleting a file and committing a transaction cannot be one atomic step, so a prune is
//! recorded first — the events and a `blob_prunes_pending` row per file, in one transaction —
//! and the files are deleted after; an interrupted deletion is finished by the next prune or
//! the next open. The store therefore never counts an original as present once its deletion
//! may have begun, and a file it counts as pruned is gone at the latest on the next open.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cases::model::CaseState;
use crate::cases::workflow::is_final;
use crate::error::{Error, Result};
use crate::events::log::{Writer, row_at};
use crate::events::{Digest, EventBody, Projection, decode};
use crate::evidence::blobs::Blobs;
use crate::evidence::events::EvidenceCaptured;

/// How long an original stays on the device: data, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Kept this long after the later of: the centre confirmed holding it whole, and its case
    /// reached a final state (closed, declined, forwarded, referred). An open case keeps its
    /// originals whatever their age.
    pub days: i64,
}

pub const RETENTION: Retention = Retention { days: 30 };

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The device deleted its copy of an evidence original; the centre holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceOriginalPruned {
    pub evidence_id: Uuid,
    pub case_id: Uuid,
    pub sha256: Digest,
    pub bytes: u64,
    /// When the centre confirmed holding it whole (device's trusted time).
    pub confirmed_at_ms: i64,
}

impl EventBody for EvidenceOriginalPruned {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Evidence];
    const TYPE: &'static str = "EvidenceOriginalPruned";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        project(at.conn, at.event.time.trusted_ms, self)
    }
    // No `case_id()`: this is the device's housekeeping, not an act on the case. A case is
    // pruned only once final — often closed by the centre, or handed to another device — and
    // the centre flags a case event from a non-owner or on a closed case as a conflict.
}

/// An original pruned by one call, as the app sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PrunedOriginal {
    pub evidence_id: String,
    pub case_id: String,
    /// The original's SHA-256, lowercase hex: still its name at the centre.
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PruneReport {
    pub pruned: Vec<PrunedOriginal>,
    /// Bytes of files deleted (an original shared by two pieces of evidence counts once).
    pub bytes_freed: u64,
}

/// Evidence whose original may go now: confirmed, retained long enough, its case final, and
/// its file still there and whole (a missing or altered original is left for the verifier to
/// report, never covered by a prune). A file that anything else still names (`kept`, as
/// `blob_names::kept` reads them: documents keep files here too) is kept.
pub fn eligible(
    conn: &Connection,
    blobs: &Blobs,
    now_ms: i64,
    kept: &[Digest],
) -> Result<Vec<Candidate>> {
    let mut candidates = Vec::new();
    let mut released: HashMap<Digest, usize> = HashMap::new();
    for row in originals(conn)? {
        if row.pruned {
            *released.entry(row.body.original.sha256).or_default() += 1;
            continue;
        }
        let Some(confirmed_at_ms) = row.confirmed_at_ms else {
            continue;
        };
        let Some(final_at_ms) = final_since(conn, &row.case_id)? else {
            continue;
        };
        if confirmed_at_ms.max(final_at_ms) + RETENTION.days * DAY_MS > now_ms {
            continue;
        }
        *released.entry(row.body.original.sha256).or_default() += 1;
        candidates.push(Candidate {
            body: row.body,
            confirmed_at_ms,
        });
    }
    let mut references: HashMap<Digest, usize> = HashMap::new();
    for sha in kept {
        *references.entry(*sha).or_default() += 1;
    }
    let mut whole = HashMap::new();
    candidates.retain(|c| {
        let sha = c.body.original.sha256;
        references.get(&sha) == released.get(&sha)
            && *whole
                .entry(sha)
                .or_insert_with(|| blobs.rehash(&sha).ok().flatten().map(|s| s.sha256) == Some(sha))
    });
    Ok(candidates)
}

/// A piece of evidence whose original may be pruned.
pub struct Candidate {
    body: EvidenceCaptured,
    confirmed_at_ms: i64,
}

/// Records the prunes (the events and the pending deletions, in the writer's transaction).
pub fn record(w: &mut Writer, candidates: &[Candidate]) -> Result<PruneReport> {
    let mut report = PruneReport::default();
    for c in candidates {
        let o = &c.body.original;
        w.append(EvidenceOriginalPruned {
            evidence_id: c.body.evidence_id,
            case_id: c.body.case_id,
            sha256: o.sha256,
            bytes: o.bytes,
            confirmed_at_ms: c.confirmed_at_ms,
        })?;
        let added = w
            .conn()
            .prepare_cached("INSERT OR IGNORE INTO blob_prunes_pending (sha256) VALUES (?1)")?
            .execute([o.sha256.to_hex()])?;
        report.bytes_freed += if added == 1 { o.bytes } else { 0 };
        report.pruned.push(PrunedOriginal {
            evidence_id: c.body.evidence_id.to_string(),
            case_id: c.body.case_id.to_string(),
            sha256: o.sha256.to_hex(),
            bytes: o.bytes,
        });
    }
    Ok(report)
}

/// Deletes the files of recorded prunes, each row cleared once its file is gone for good.
pub fn finish_pending(conn: &Connection, blobs: &Blobs) -> Result<()> {
    let pending: Vec<String> = conn
        .prepare_cached("SELECT sha256 FROM blob_prunes_pending")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for hex in pending {
        if let Some(sha) = Digest::from_hex(&hex) {
            blobs.remove(&sha)?;
        }
        conn.prepare_cached("DELETE FROM blob_prunes_pending WHERE sha256 = ?1")?
            .execute([hex])?;
    }
    Ok(())
}

/// The projection: the evidence shows its original archived at the centre.
pub fn project(conn: &Connection, at_ms: i64, body: &EvidenceOriginalPruned) -> Result<()> {
    conn.prepare_cached("UPDATE evidence SET original_pruned_at_ms = ?2 WHERE id = ?1")?
        .execute(params![body.evidence_id.to_string(), at_ms])?;
    Ok(())
}

/// Whether the original with this hash was pruned from the device (for every evidence naming
/// it).
pub fn is_pruned(conn: &Connection, sha256: &Digest) -> Result<bool> {
    let (named, pruned): (i64, i64) = conn
        .prepare_cached(
            "SELECT COUNT(*), COUNT(original_pruned_at_ms) FROM evidence WHERE sha256 = ?1",
        )?
        .query_row([sha256.to_hex()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(named > 0 && named == pruned)
}

/// The signed record of each prune in the log: evidence id → (seq, original's hash). Only
/// events whose stored bytes hash to their hash and whose signature verifies count.
pub fn signed_prunes(
    conn: &Connection,
    key: &crate::signing::VerifyingKey,
) -> Result<HashMap<String, (u64, Digest)>> {
    let seqs: Vec<i64> = conn
        .prepare_cached("SELECT seq FROM events WHERE type = ?1 ORDER BY seq")?
        .query_map([EvidenceOriginalPruned::TYPE], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut prunes = HashMap::new();
    for seq in seqs {
        let Some(row) = row_at(conn, seq as u64)? else {
            continue;
        };
        let hash = Digest::of(&[&row.canonical]);
        let signed = row.hash == hash.0
            && crate::signing::Signature::from_slice(&row.signature)
                .is_ok_and(|s| key.verify_strict(&hash.0, &s).is_ok());
        let body = decode(&row.canonical)
            .ok()
            .and_then(|e| EvidenceOriginalPruned::read_from(&e));
        if let (true, Some(p)) = (signed, body) {
            prunes.insert(p.evidence_id.to_string(), (row.seq, p.sha256));
        }
    }
    Ok(prunes)
}

struct OriginalRow {
    case_id: String,
    body: EvidenceCaptured,
    pruned: bool,
    confirmed_at_ms: Option<i64>,
}

fn originals(conn: &Connection) -> Result<Vec<OriginalRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.case_id, e.body, e.original_pruned_at_ms IS NOT NULL, s.sent_at_ms
         FROM evidence e LEFT JOIN blobs_sent s ON s.sha256 = e.sha256 ORDER BY e.seq",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(case_id, body, pruned, confirmed_at_ms)| {
            Ok(OriginalRow {
                case_id,
                body: serde_json::from_str(&body)
                    .map_err(|e| Error::damaged("evidence", e.to_string()))?,
                pruned,
                confirmed_at_ms,
            })
        })
        .collect()
}

/// When the case reached a final state, if it is in one now.
fn final_since(conn: &Connection, case_id: &str) -> Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT state_after, at_ms FROM case_steps WHERE case_id = ?1 ORDER BY seq",
    )?;
    let steps = stmt
        .query_map([case_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let is_final_now = steps
        .last()
        .and_then(|(state, _)| CaseState::parse(state))
        .is_some_and(is_final);
    Ok(is_final_now
        .then(|| {
            steps
                .iter()
                .find(|(state, _)| CaseState::parse(state).is_some_and(is_final))
                .map(|(_, at)| *at)
        })
        .flatten())
}
