//! A reassigned case's history, received by its new owner. The centre sends it beside the
//! signed `CaseAssigned` (its attachment, committed to by the signed body): each earlier
//! holder's signed events for the case, with the personal-data rows they refer to and the
//! holder's public key. The new owner checks every event against its holder's key and every
//! row against its commitment, keeps them as received, and projects them with its own code,
//! so the case reads — and its clocks run — exactly as on the device that held it.
//!
//! Two numberings are changed for the projection, never in the signed bytes:
//! - seqs: the received events get negative seqs, below every earlier handover's, so they
//!   sort before the new owner's own events of the case and never take a seq of its own (the
//!   `u64` envelope field carries them in two's complement: every table stores `seq as i64`);
//! - vault ids: rows take negative ids here, and every reference in a received body is
//!   rewritten to them when it is projected.
//!
//! A case may come back to a device that held it before: the handover then holds that
//! device's own earlier events too, and the case is read again whole from it.
//!
//! Personal data the holder purged does not travel, even if the centre still holds a copy.
//!
//! The same code runs in the centre's replica of the new owner, given the same attachment, so
//! the replica reads the case as the device does. Evidence arrives as its record (hash,
//! time, place), not its files: the sync fetches the copies later (`sync::blobs::wanted`),
//! and the originals stay at the centre, their archive.

use std::collections::{HashMap, HashSet};

use crate::signing::VerifyingKey;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::log::StoredRow;
use crate::events::verify::check_signed;
use crate::events::{Body, Digest, decode};
use crate::projection;
use crate::sync::events::ServerEventApplied;
use crate::sync::protocol::{
    Attachment, CASE_ASSIGNED, CaseAssigned, Handover, HolderLog, ServerEventBody, WireEvent,
    WireVaultRow,
};
use crate::sync::wire::{Checked, remap_sealed, vault_row_matches, with_vault_rows};
use crate::vault::Sealed;

/// The id a reference to a row that was purged before the handover is given: no row has it.
const NO_ROW: i64 = 0;

/// Whether an event of a holder's log goes with the case to its next owner: the case's own
/// events and the centre's answers to its extension requests — not the holder's records of
/// other decisions (a reassignment, which would hand the case back), nor the pruning of its
/// own files.
pub fn goes_with_case(body: &Body, case_id: Uuid) -> bool {
    match body {
        Body::ServerEventApplied(applied) => applied.answered_extension() == Some(case_id),
        Body::EvidenceOriginalPruned(_) => false,
        body => body.case_id() == Some(case_id),
    }
}

/// One holder's part of a case's history, read from its store (the centre's replica of it):
/// the events that go with the case (`goes_with_case`), in seq order, but for `held_back`
/// (events the centre flagged, made after the case had left the holder), with their rows.
pub fn holder_part(
    conn: &Connection,
    case_id: Uuid,
    held_back: &[u64],
) -> Result<(Vec<WireEvent>, Vec<WireVaultRow>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, canonical, hash, signature FROM events
         WHERE case_id = ?1 OR type = 'ServerEventApplied' ORDER BY seq",
    )?;
    let mut rows = stmt.query([case_id.to_string()])?;
    let (mut part, mut purged) = (Vec::new(), HashSet::new());
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let canonical: Vec<u8> = r.get(1)?;
        let body = decode(&canonical)
            .ok()
            .and_then(|e| Body::decode(&e.event_type, e.body_version, e.body).ok())
            .filter(|body| goes_with_case(body, case_id));
        if let Some(body) = body.filter(|_| !held_back.contains(&seq)) {
            purged.extend(purged_rows(&body));
            part.push((canonical, r.get(2)?, r.get(3)?));
        }
    }
    let (events, mut vault) = with_vault_rows(conn, part)?;
    vault.retain(|row| !purged.contains(&row.id));
    Ok((events, vault))
}

/// The rows a purge on the holder deleted: they do not travel, whoever still holds a copy.
fn purged_rows(body: &Body) -> Vec<i64> {
    match body {
        Body::PersonalDataPurged(purge) => purge.vault_ids.clone(),
        _ => Vec::new(),
    }
}

/// The case and the commitment to its history, if `body` reassigns a case to `device` with
/// its history.
pub fn brought_by(body: &ServerEventBody, device: Uuid) -> Option<(Uuid, Digest)> {
    if body.event_type != CASE_ASSIGNED {
        return None;
    }
    let assigned: CaseAssigned = serde_json::from_value(body.body.clone()).ok()?;
    let commitment = assigned.handover_sha256?;
    (assigned.device == device).then_some((assigned.case_id, commitment))
}

/// The decision a device recorded that brought it a case's history, if `applied` is one it
/// took: the server seq, whose attachment the centre's replica needs too.
pub fn recorded(applied: &ServerEventApplied, device: Uuid) -> Option<(u64, Uuid, Digest)> {
    let body = applied
        .body()
        .filter(|_| applied.not_carried_out.is_none())?;
    brought_by(&body, device).map(|(case_id, commitment)| (applied.server_seq, case_id, commitment))
}

/// Checks the handover `attachment` of the decision `server_seq` for `case_id` and keeps it:
/// its events in `handover_events`, its rows in the vault. Projected by `project`, when the
/// record of the decision is.
pub fn receive(
    conn: &Connection,
    server_seq: u64,
    case_id: Uuid,
    commitment: Digest,
    attachment: Option<&Attachment>,
) -> Result<()> {
    let text = super::decisions::attached(attachment, commitment)?;
    let handover: Handover = serde_json::from_str(text)
        .map_err(|e| Error::invalid("handover", format!("does not decode: {e}")))?;
    let events: usize = handover.holders.iter().map(|h| h.events.len()).sum();
    let mut next_seq = lowest(conn, "SELECT MIN(seq) FROM handover_events")? - events as i64;
    let mut next_row = lowest(conn, "SELECT MIN(vault_id) FROM handover_vault")? - 1;
    for holder in &handover.holders {
        let key = holder_key(holder)?;
        let (mut references, mut purged) = (HashMap::new(), HashSet::new());
        for event in &holder.events {
            let checked = check_event(event, holder.device, &key, case_id)?;
            references.extend(checked.references().into_iter().map(|s| (s.id, s)));
            purged.extend(checked.body.as_ref().map(purged_rows).unwrap_or_default());
            store_event(
                conn,
                next_seq,
                server_seq,
                holder,
                &key,
                event,
                &checked.signature,
            )?;
            next_seq += 1;
        }
        for row in holder.vault.iter().filter(|r| !purged.contains(&r.id)) {
            store_row(
                conn,
                server_seq,
                holder.device,
                row,
                references.get(&row.id),
                next_row,
            )?;
            next_row -= 1;
        }
    }
    Ok(())
}

/// Projects the events handed over by the decision `server_seq`, in the order received. A
/// case coming back to a device that held it before is forgotten first and read again whole
/// from the handover, which holds this device's own earlier events too: so its events and
/// the other holders' take one order.
pub fn project(conn: &Connection, server_seq: u64, case_id: Uuid) -> Result<()> {
    forget_case(conn, case_id)?;
    let rows: HashMap<(String, i64), i64> = conn
        .prepare_cached(
            "SELECT device, holder_id, vault_id FROM handover_vault WHERE server_seq = ?1",
        )?
        .query_map([server_seq as i64], |r| {
            Ok(((r.get(0)?, r.get(1)?), r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT seq, device, canonical FROM handover_events WHERE server_seq = ?1 ORDER BY seq",
    )?;
    let events = stmt
        .query_map([server_seq as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (seq, device, canonical) in events {
        let corrupt = |reason: String| Error::Corrupt {
            seq: server_seq,
            reason: format!("handed-over event {seq}: {reason}"),
        };
        let mut envelope = decode(&canonical).map_err(corrupt)?;
        remap_sealed(&mut envelope.body, &|id| {
            rows.get(&(device.clone(), id)).copied().unwrap_or(NO_ROW)
        });
        envelope.seq = seq as u64;
        let body = Body::decode(
            &envelope.event_type,
            envelope.body_version,
            envelope.body.clone(),
        )
        .map_err(corrupt)?;
        projection::apply(conn, &envelope, &body)?;
    }
    Ok(())
}

/// The projection tables that hold a case's rows by its id.
const CASE_ROWS: &[&str] = &[
    "case_steps",
    "clock_marks",
    "evidence",
    "dispatches",
    "documents",
    "supervisions",
    "extension_requests",
    "notices",
];

/// Deletes the case's projected rows (none if the case is new here).
fn forget_case(conn: &Connection, case_id: Uuid) -> Result<()> {
    let id = case_id.to_string();
    for table in CASE_ROWS {
        conn.execute(&format!("DELETE FROM {table} WHERE case_id = ?1"), [&id])?;
    }
    conn.execute(
        "DELETE FROM case_search WHERE rowid IN (SELECT row FROM cases WHERE id = ?1)",
        [&id],
    )?;
    conn.execute("DELETE FROM cases WHERE id = ?1", [&id])?;
    Ok(())
}

/// A handed-over event as stored, with its holder's key, by its (negative) seq: the evidence
/// verifier checks received evidence against the key of the device that captured it.
pub fn signed_event(conn: &Connection, seq: i64) -> Result<Option<(StoredRow, VerifyingKey)>> {
    let row = conn
        .prepare_cached(
            "SELECT canonical, hash, signature, public_key FROM handover_events WHERE seq = ?1",
        )?
        .query_row([seq], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })
        .optional()?;
    let Some((canonical, hash, signature, key)) = row else {
        return Ok(None);
    };
    let envelope = decode(&canonical).map_err(|reason| Error::Corrupt {
        seq: seq as u64,
        reason,
    })?;
    let row = StoredRow {
        seq: seq as u64,
        id: envelope.id.to_string(),
        event_type: envelope.event_type,
        body_version: envelope.body_version,
        case_id: None,
        canonical,
        hash,
        signature,
    };
    Ok(Some((row, parse_key(&key)?)))
}

fn check_event(
    event: &WireEvent,
    device: Uuid,
    key: &VerifyingKey,
    case_id: Uuid,
) -> Result<Checked> {
    let refused = |reason: String| Error::invalid("handover", reason);
    let signature =
        hex::decode(&event.signature).map_err(|_| refused("a signature is not hex".into()))?;
    let (hash, envelope) = check_signed(event.canonical.as_bytes(), &event.hash.0, &signature, key)
        .map_err(|reason| refused(format!("an event of device {device}: {reason}")))?;
    if envelope.device != device {
        return Err(refused(format!(
            "an event of device {} given as {device}'s",
            envelope.device
        )));
    }
    let seq = envelope.seq;
    let body = Body::decode(
        &envelope.event_type,
        envelope.body_version,
        envelope.body.clone(),
    )
    .map_err(|reason| {
        refused(format!(
            "event {seq} of device {device} cannot be read by this app ({reason}): update it"
        ))
    })?;
    if !goes_with_case(&body, case_id) {
        return Err(refused(format!(
            "event {seq} of device {device} is not of case {case_id}"
        )));
    }
    Ok(Checked {
        envelope,
        body: Ok(body),
        hash,
        signature,
    })
}

fn store_event(
    conn: &Connection,
    seq: i64,
    server_seq: u64,
    holder: &HolderLog,
    key: &VerifyingKey,
    event: &WireEvent,
    signature: &[u8],
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO handover_events
             (seq, server_seq, device, public_key, canonical, hash, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        seq,
        server_seq as i64,
        holder.device.to_string(),
        key.as_bytes().as_slice(),
        event.canonical.as_bytes(),
        event.hash.0.as_slice(),
        signature,
    ])?;
    Ok(())
}

/// Keeps a holder's row under the negative id `id`, if an event handed over refers to it.
fn store_row(
    conn: &Connection,
    server_seq: u64,
    device: Uuid,
    row: &WireVaultRow,
    reference: Option<&Sealed>,
    id: i64,
) -> Result<()> {
    if !reference.is_some_and(|sealed| vault_row_matches(row, sealed)) {
        return Err(Error::invalid(
            "handover",
            format!(
                "personal-data row {} of device {device} is not the one its event commits to",
                row.id
            ),
        ));
    }
    let salt = hex::decode(&row.salt).unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO vault (id, case_id, field, salt, value)
         VALUES (?1, ?2, ?3, ?4, seal_value(?5, ?4))",
    )?
    .execute(params![
        id,
        row.case_id.map(|c| c.to_string()),
        row.field,
        salt,
        row.value
    ])?;
    conn.prepare_cached(
        "INSERT INTO handover_vault (server_seq, device, holder_id, vault_id)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![server_seq as i64, device.to_string(), row.id, id])?;
    Ok(())
}

/// The lowest value a query finds, or 0 when there is none.
fn lowest(conn: &Connection, sql: &str) -> Result<i64> {
    let lowest: Option<i64> = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(lowest.unwrap_or(0).min(0))
}

fn holder_key(holder: &HolderLog) -> Result<VerifyingKey> {
    let bytes = hex::decode(&holder.public_key)
        .map_err(|_| Error::invalid("handover", "a holder's key is not hex"))?;
    parse_key(&bytes)
}

fn parse_key(bytes: &[u8]) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::invalid("handover", "a holder's key is not 32 bytes"))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::invalid("handover", "a holder's key is not an Ed25519 key"))
}
