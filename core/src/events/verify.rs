//! Verifies a device's log from its stored bytes: each event's hash and signature, that the bytes
//! decode to the row that holds them, the links of the chain, gapless seqs, and every vault row
//! against the commitment an event carries. Nothing is re-encoded.

use crate::signing::{Signature, VerifyingKey};
use rusqlite::Connection;
use uuid::Uuid;

use crate::error::Result;
use crate::events::body::{Entry, ReadStored};
use crate::events::log::{StoredRow, for_each_row_through};
use crate::events::{Digest, Envelope, decode};
use crate::vault::{self, Lookup, Purged, Sealed};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub events: u64,
    /// Vault rows found intact.
    pub personal_values: u64,
    /// Vault rows deleted by a recorded purge.
    pub purged_values: u64,
    /// The first seq at which the log is not what was signed, and why.
    pub first_break: Option<Break>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub seq: u64,
    pub reason: String,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

pub fn verify_chain(
    conn: &Connection,
    device: Uuid,
    key: &VerifyingKey,
    read: ReadStored,
) -> Result<ChainReport> {
    let mut purged = Purged::default();
    let mut sealed: Vec<(u64, Sealed)> = Vec::new();
    let (events, first_break) = walk(conn, device, key, read, u64::MAX, |seq, body| {
        purged.release(&body.released_rows());
        sealed.extend(body.personal_data().into_iter().map(|c| (seq, c)));
    })?;

    let mut report = ChainReport {
        events,
        personal_values: 0,
        purged_values: 0,
        first_break: None,
    };
    // Vault rows are checked after the whole log is read: a purge comes after the values it
    // releases.
    let mut vault_break: Option<Break> = None;
    for (seq, reference) in sealed {
        match vault::check(conn, &reference)? {
            Lookup::Intact => report.personal_values += 1,
            Lookup::Missing if purged.contains(reference.id) => report.purged_values += 1,
            problem => {
                if vault_break.is_none() {
                    let what = if problem == Lookup::Altered {
                        "altered (it no longer matches its commitment)"
                    } else {
                        "missing, and no purge is recorded"
                    };
                    vault_break = Some(Break {
                        seq,
                        reason: format!("personal-data value {} is {what}", reference.id),
                    });
                }
            }
        }
    }
    report.first_break = match (first_break, vault_break) {
        (Some(a), Some(b)) => Some(if b.seq < a.seq { b } else { a }),
        (a, b) => a.or(b),
    };
    Ok(report)
}

/// The first break in the chain from its first event through seq `last`, if any: the events
/// only, not the vault rows.
pub fn chain_through(
    conn: &Connection,
    device: Uuid,
    key: &VerifyingKey,
    read: ReadStored,
    last: u64,
) -> Result<Option<Break>> {
    let (events, first_break) = walk(conn, device, key, read, last, |_, _| {})?;
    Ok(first_break.or_else(|| {
        (events < last).then(|| Break {
            seq: events + 1,
            reason: format!("event {} is missing", events + 1),
        })
    }))
}

/// Checks rows 1 through `last` in order, handing each good body to `visit`, until the first
/// break. Returns how many events verified, and the break.
fn walk(
    conn: &Connection,
    device: Uuid,
    key: &VerifyingKey,
    read: ReadStored,
    last: u64,
    mut visit: impl FnMut(u64, &dyn Entry),
) -> Result<(u64, Option<Break>)> {
    let mut expected = 1u64;
    let mut prev = Digest::ZERO;
    let mut first_break: Option<Break> = None;
    for_each_row_through(conn, last, |row| {
        if first_break.is_some() {
            return Ok(());
        }
        let seq = row.seq;
        match check_row(row, expected, prev, device, key, read) {
            Ok((hash, body)) => {
                visit(seq, body.as_ref());
                prev = hash;
                expected += 1;
            }
            Err(b) => first_break = Some(b),
        }
        Ok(())
    })?;
    Ok((expected - 1, first_break))
}

/// Checks one row against the chain so far; returns its hash and decoded body.
pub fn check_row(
    row: StoredRow,
    expected: u64,
    prev: Digest,
    device: Uuid,
    key: &VerifyingKey,
    read: ReadStored,
) -> std::result::Result<(Digest, Box<dyn Entry>), Break> {
    let (hash, envelope) = check_link(&row, expected, prev, device, key)?;
    let seq = row.seq;
    let body = read(&envelope).map_err(|e| Break {
        seq,
        reason: format!("the body does not decode: {e}"),
    })?;
    if body.case_id().map(|id| id.to_string()) != row.case_id {
        return Err(Break {
            seq,
            reason: "the row's case does not match the signed body".into(),
        });
    }
    Ok((hash, body))
}

/// Checks signed bytes on their own: against their hash, the hash against `key`. Returns the
/// hash and the envelope. A link of a chain (`check_link`) and an event handed over from
/// another device's log (`sync::handover`) are both checked by it.
pub fn check_signed(
    canonical: &[u8],
    hash: &[u8],
    signature: &[u8],
    key: &VerifyingKey,
) -> std::result::Result<(Digest, Envelope), String> {
    let digest = Digest::of(&[canonical]);
    if hash != digest.0 {
        return Err("the stored bytes do not match the stored hash".into());
    }
    let signature = Signature::from_slice(signature)
        .map_err(|_| "the signature is not 64 bytes".to_string())?;
    key.verify_strict(&digest.0, &signature)
        .map_err(|_| "the signature does not verify with the device key".to_string())?;
    let envelope = decode(canonical).map_err(|e| format!("the signed bytes do not decode: {e}"))?;
    Ok((digest, envelope))
}

/// Checks a row as a link of the chain — its bytes against its hash, the hash against the
/// device's key, the envelope against the row and `prev` — without reading its body, which a
/// centre older than the app may not know yet. Returns its hash and envelope. The server runs
/// this on every pushed event.
pub fn check_link(
    row: &StoredRow,
    expected: u64,
    prev: Digest,
    device: Uuid,
    key: &VerifyingKey,
) -> std::result::Result<(Digest, Envelope), Break> {
    let broken = |seq: u64, reason: String| Break { seq, reason };
    if row.seq != expected {
        return Err(broken(
            expected,
            format!("event {expected} is missing (next stored is {})", row.seq),
        ));
    }
    let seq = row.seq;
    let (hash, envelope) = check_signed(&row.canonical, &row.hash, &row.signature, key)
        .map_err(|reason| broken(seq, reason))?;
    let matches_row = envelope.seq == row.seq
        && envelope.id.to_string() == row.id
        && envelope.event_type == row.event_type
        && envelope.body_version == row.body_version
        && envelope.device == device;
    if !matches_row {
        return Err(broken(
            seq,
            "the signed bytes describe another event than the row holding them".into(),
        ));
    }
    if envelope.prev_hash != prev {
        return Err(broken(
            seq,
            "prev_hash does not link to the previous event".into(),
        ));
    }
    Ok((hash, envelope))
}
