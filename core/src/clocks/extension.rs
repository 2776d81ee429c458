//! An officer's request to extend a statutory clock, and the centre's answer. The
//! request is the device's event; the answer a server event, recorded by the device; an
//! approval extends the clock with the device's own `ClockExtended`, the very mark a
//! supervisor's approval on the device makes.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::calendar::Calendar;
use crate::clocks::ClockKind;
use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::events::{Envelope, EventBody, Projection};
use crate::validate::multi_line;
use crate::vault::{self, Sealed};

/// The longest reason an officer gives.
const REASON: usize = 2000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRequested {
    pub case_id: Uuid,
    pub clock: ClockKind,
    pub reason: Sealed,
}

impl EventBody for ExtensionRequested {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Clocks];
    const TYPE: &'static str = "ExtensionRequested";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        requested(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        vec![self.reason]
    }
}

/// A request as the officer and the centre see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ExtensionRequest {
    pub case_id: String,
    pub clock: ClockKind,
    pub requested_at_ms: i64,
    /// `None` once purged.
    pub reason: Option<String>,
    /// `None` while the centre has not answered.
    pub approved: Option<bool>,
    pub decided_at_ms: Option<i64>,
}

/// Asks the centre to extend the case's running `kind` clock: one that has an extension, not
/// extended yet, and with no request pending.
pub fn request(
    w: &mut Writer,
    calendar: &Calendar,
    case_id: Uuid,
    kind: ClockKind,
    reason: &str,
) -> Result<()> {
    super::extendable(w, calendar, case_id, kind)?;
    let pending: bool = w.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM extension_requests
                        WHERE case_id = ?1 AND clock = ?2 AND approved IS NULL)",
        [case_id.to_string(), kind.as_str().to_string()],
        |r| r.get(0),
    )?;
    if pending {
        return Err(Error::invalid(
            "clock",
            format!("an extension of the {kind} clock is already requested"),
        ));
    }
    let reason = multi_line("reason", reason, REASON)?;
    let reason = w.seal_personal(Some(case_id), "extension.reason", &reason)?;
    w.append(ExtensionRequested {
        case_id,
        clock: kind,
        reason,
    })?;
    Ok(())
}

/// Carries out the centre's approval: the clock is extended, if it still can be.
pub fn approved(w: &mut Writer, calendar: &Calendar, decided: &ExtensionDecided) -> Result<()> {
    super::approve(w, calendar, decided.case_id, decided.clock)
}

pub fn requested(conn: &Connection, event: &Envelope, body: &ExtensionRequested) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO extension_requests (case_id, clock, seq, requested_at_ms, reason_vault)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        body.case_id.to_string(),
        body.clock.as_str(),
        event.seq as i64,
        event.time.trusted_ms,
        body.reason.id
    ])?;
    Ok(())
}

/// The centre's answer, projected from the device's record of it: it answers the pending
/// request of that clock.
pub fn decided(conn: &Connection, decided: &ExtensionDecided, at_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE extension_requests SET approved = ?3, decided_at_ms = ?4
         WHERE case_id = ?1 AND clock = ?2 AND approved IS NULL",
        params![
            decided.case_id.to_string(),
            decided.clock.as_str(),
            decided.approved,
            at_ms
        ],
    )?;
    Ok(())
}

pub fn of_case(conn: &Connection, case_id: &str) -> Result<Vec<ExtensionRequest>> {
    select(conn, "case_id = ?1", [case_id])
}

/// Requests the centre has not answered, on every case still this device's (a case handed
/// over takes its open request to its new owner).
pub fn pending(conn: &Connection) -> Result<Vec<ExtensionRequest>> {
    select(
        conn,
        "approved IS NULL AND case_id NOT IN (SELECT case_id FROM handed_over)",
        [],
    )
}

fn select<P: rusqlite::Params>(
    conn: &Connection,
    condition: &str,
    params: P,
) -> Result<Vec<ExtensionRequest>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT case_id, clock, requested_at_ms, reason_vault, approved, decided_at_ms
         FROM extension_requests WHERE {condition} ORDER BY requested_at_ms, seq"
    ))?;
    let rows = stmt
        .query_map(params, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<bool>>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(
            |(case_id, clock, requested_at_ms, reason, approved, decided_at_ms)| {
                Ok(ExtensionRequest {
                    clock: ClockKind::parse(&clock).ok_or_else(|| {
                        Error::damaged("extension_requests", format!("clock {clock:?}"))
                    })?,
                    case_id,
                    requested_at_ms,
                    reason: vault::value(conn, reason)?,
                    approved,
                    decided_at_ms,
                })
            },
        )
        .collect()
}

/// The centre's answer to an officer's request to extend a statutory clock (server event type
/// `ExtensionDecided`); an approval extends the clock on the device.
pub const EXTENSION_DECIDED: &str = "ExtensionDecided";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecided {
    pub case_id: Uuid,
    pub clock: ClockKind,
    pub approved: bool,
}
