//! The evidence verifier: trusts nothing but the device's public key. It reads the signed event
//! that recorded the evidence, checks its hash and signature and the chain up to it, then
//! hashes every blob the event names. Each check reports a status in the spirit of C2PA's
//! codes: `event.hash.match`, `event.signature.valid`, `event.body.match`, `chain.intact`,
//! `original.hash.match`, `rendition.hash.match` (a HEIC's JPEG rendition),
//! `display.hash.match`, … and their failures (`…mismatch`,
//! `…invalid`, `chain.broken`, `original.blob.missing`). An original the device pruned under a
//! signed `EvidenceOriginalPruned` is `original.blob.archived` (passed: the centre holds it).
//! The server runs the same code.

use crate::signing::{Signature, VerifyingKey};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::events::log::{StoredRow, row_at};
use crate::events::verify::Break;
use crate::events::{Digest, EventBody, decode};
use crate::evidence::blobs::Blobs;
use crate::evidence::events::EvidenceCaptured;

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct EvidenceCheck {
    /// e.g. `original.hash.match` or `original.hash.mismatch`.
    pub code: String,
    pub passed: bool,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct EvidenceReport {
    pub evidence_id: String,
    pub seq: u64,
    /// Every check passed.
    pub intact: bool,
    pub checks: Vec<EvidenceCheck>,
}

struct Checks(Vec<EvidenceCheck>);

impl Checks {
    fn add(&mut self, passed: bool, ok: &str, failed: &str, detail: Option<String>) -> bool {
        let code = if passed { ok } else { failed };
        self.0.push(EvidenceCheck {
            code: code.to_string(),
            passed,
            detail,
        });
        passed
    }
}

/// The signed prune of an original (`prune::signed_prunes`): the seq recording it and the hash
/// it names.
pub type Archived = (u64, Digest);

/// Verifies the evidence recorded by the event at `seq`, given the chain's first break (from
/// `events::verify::chain_through`, walked at least up to `seq`) and the signed record of its
/// original's prune, if any (the centre, which is the archive, passes none).
pub fn evidence(
    conn: &Connection,
    blobs: &Blobs,
    key: &VerifyingKey,
    evidence_id: &str,
    seq: u64,
    chain_break: Option<&Break>,
    archived: Option<&Archived>,
) -> Result<EvidenceReport> {
    let mut checks = Checks(Vec::new());
    if (seq as i64) < 0 {
        return received_evidence(conn, blobs, evidence_id, seq, checks);
    }
    if let Some(body) = signed_body(conn, key, evidence_id, seq, &mut checks)? {
        let detail = chain_break
            .filter(|b| b.seq <= seq)
            .map(|b| format!("at seq {}: {}", b.seq, b.reason));
        checks.add(detail.is_none(), "chain.intact", "chain.broken", detail);
        let original = &body.original.sha256;
        let archived = archived.filter(|(at, sha)| *at > seq && sha == original);
        match archived {
            Some((at, _)) if blobs.rehash(original)?.is_none() => {
                checks.add(
                    true,
                    "original.blob.archived",
                    "",
                    Some(format!(
                        "pruned from the device at seq {at}; the centre holds it"
                    )),
                );
            }
            _ => blob(blobs, "original", original, &mut checks)?,
        }
        // The rendition of a HEIC (`rendition.hash.match`: the JPEG the copies came from is
        // the one the signed event names), then the copies.
        for (role, sha256) in body.blobs().into_iter().skip(1) {
            blob(blobs, role, &sha256, &mut checks)?;
        }
    }
    Ok(checks.report(evidence_id, seq))
}

/// Evidence of a case handed over from another device (`centre::handover`, a negative seq):
/// its event is checked against the key of the device that captured it, whose chain the
/// centre checked; its files are at the centre, and are hashed here only if present.
fn received_evidence(
    conn: &Connection,
    blobs: &Blobs,
    evidence_id: &str,
    seq: u64,
    mut checks: Checks,
) -> Result<EvidenceReport> {
    let Some((row, key)) = crate::events::received::signed_event(conn, seq as i64)? else {
        checks.add(
            false,
            "",
            "event.missing",
            Some("no handed-over event".into()),
        );
        return Ok(checks.report(evidence_id, seq));
    };
    if let Some(body) = signed_row(&row, &key, evidence_id, &mut checks) {
        for (role, sha256) in body.blobs() {
            if blobs.rehash(&sha256)?.is_some() {
                blob(blobs, role, &sha256, &mut checks)?;
            } else {
                let detail =
                    "captured on the device that held the case before; the centre holds it";
                checks.add(
                    true,
                    &format!("{role}.blob.at_centre"),
                    "",
                    Some(detail.into()),
                );
            }
        }
    }
    Ok(checks.report(evidence_id, seq))
}

impl Checks {
    fn report(self, evidence_id: &str, seq: u64) -> EvidenceReport {
        EvidenceReport {
            evidence_id: evidence_id.to_string(),
            seq,
            intact: self.0.iter().all(|c| c.passed),
            checks: self.0,
        }
    }
}

/// The event's hash, signature and body; the body if it is this evidence's, signed.
fn signed_body(
    conn: &Connection,
    key: &VerifyingKey,
    evidence_id: &str,
    seq: u64,
    checks: &mut Checks,
) -> Result<Option<EvidenceCaptured>> {
    let Some(row) = row_at(conn, seq)? else {
        checks.add(false, "", "event.missing", Some(format!("no event {seq}")));
        return Ok(None);
    };
    Ok(signed_row(&row, key, evidence_id, checks))
}

fn signed_row(
    row: &StoredRow,
    key: &VerifyingKey,
    evidence_id: &str,
    checks: &mut Checks,
) -> Option<EvidenceCaptured> {
    let seq = row.seq;
    let hash = Digest::of(&[&row.canonical]);
    let detail =
        (row.hash != hash.0).then(|| "the stored bytes do not hash to the stored hash".into());
    let hashed = checks.add(
        detail.is_none(),
        "event.hash.match",
        "event.hash.mismatch",
        detail,
    );
    let signed =
        Signature::from_slice(&row.signature).is_ok_and(|s| key.verify_strict(&hash.0, &s).is_ok());
    checks.add(
        signed,
        "event.signature.valid",
        "event.signature.invalid",
        (!signed).then(|| "the signature does not verify with the device key".into()),
    );
    let body = evidence_body(row).filter(|b| b.evidence_id.to_string() == evidence_id);
    checks.add(
        body.is_some(),
        "event.body.match",
        "event.body.mismatch",
        body.is_none()
            .then(|| format!("event {seq} does not record evidence {evidence_id}")),
    );
    body.filter(|_| hashed && signed)
}

fn evidence_body(row: &StoredRow) -> Option<EvidenceCaptured> {
    EvidenceCaptured::read_from(&decode(&row.canonical).ok()?)
}

/// Hashes the blob again and compares with the signed hash.
fn blob(blobs: &Blobs, role: &str, signed: &Digest, checks: &mut Checks) -> Result<()> {
    let code = |outcome: &str| format!("{role}.{outcome}");
    match blobs.rehash(signed)? {
        None => {
            checks.add(
                false,
                "",
                &code("blob.missing"),
                Some(format!("no blob {signed}")),
            );
        }
        Some(found) => {
            let detail = (found.sha256 != *signed)
                .then(|| format!("the blob named {signed} hashes to {}", found.sha256));
            checks.add(
                detail.is_none(),
                &code("hash.match"),
                &code("hash.mismatch"),
                detail,
            );
        }
    }
    Ok(())
}
