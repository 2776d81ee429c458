//! A reassigned case's history, sent to its new owner. The centre sends it beside the signed
//! `CaseAssigned` (its attachment, committed to by the signed body): each earlier holder's
//! signed events for the case, with the personal-data rows they refer to and the holder's
//! public key. Here: which events go with a case, reading a holder's part, and checking what
//! arrives against every key and commitment before it is kept (`centre::handover` holds and
//! projects it).
//!
//! Personal data the holder purged does not travel, even if the centre still holds a copy.
//!
//! The same code runs in the centre's replica of the new owner, given the same attachment, so
//! the replica reads the case as the device does. Evidence arrives as its record (hash,
//! time, place), not its files: the sync fetches the copies later (`sync::blobs::wanted`),
//! and the originals stay at the centre, their archive.

use std::collections::{HashMap, HashSet};

use crate::signing::VerifyingKey;
use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::received::parse_key;
use crate::events::verify::check_signed;
use crate::events::{Digest, Entry, decode};
use crate::journal::{self, Body};
use crate::protocol::{Attachment, Handover, HolderLog, WireEvent, WireVaultRow};
use crate::sync::wire::{Checked, Stored, vault_row_matches, with_vault_rows};
use crate::vault::Sealed;

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
            .and_then(|e| journal::decode(&e).ok())
            .filter(|body| goes_with_case(body, case_id));
        if let Some(body) = body.filter(|_| !held_back.contains(&seq)) {
            purged.extend(body.released_rows());
            part.push(Stored {
                seq,
                canonical,
                hash: r.get(2)?,
                signature: r.get(3)?,
            });
        }
    }
    let (events, mut vault) = with_vault_rows(conn, part)?;
    vault.retain(|row| !purged.contains(&row.id));
    Ok((events, vault))
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
            purged.extend(
                checked
                    .body
                    .as_ref()
                    .map(Entry::released_rows)
                    .unwrap_or_default(),
            );
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
