//! A reassigned case's history as its new owner holds it: the handover's events and rows,
//! kept as received (`sync::handover` checks them), projected with this device's own code so
//! the case reads, and its clocks run, exactly as on the device that held it.
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

use std::collections::HashMap;

use rusqlite::Connection;
use uuid::Uuid;

use crate::centre::ServerEventApplied;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::events::{Projection, ReadStored, decode};
use crate::protocol::{CASE_ASSIGNED, CaseAssigned, ServerEventBody};
use crate::vault::remap_sealed;

/// The id a reference to a row that was purged before the handover is given: no row has it.
const NO_ROW: i64 = 0;

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

/// Projects the events handed over by the decision `server_seq`, in the order received. A
/// case coming back to a device that held it before is forgotten first and read again whole
/// from the handover, which holds this device's own earlier events too: so its events and
/// the other holders' take one order.
pub fn project(
    conn: &Connection,
    read_stored: ReadStored,
    server_seq: u64,
    case_id: Uuid,
) -> Result<()> {
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
        let body = read_stored(&envelope).map_err(corrupt)?;
        body.project(&Projection {
            conn,
            event: &envelope,
            read_stored,
        })?;
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
