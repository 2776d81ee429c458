//! 督办: a supervisor at the centre follows a case up with a note and the day it must be
//! answered by. The centre's decision arrives as a server event with the note attached; the
//! device keeps the note in its vault (purged with the case) through its own event.

use chrono::NaiveDate;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cases::{projection, workflow};
use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::events::{Envelope, EventBody, Projection};
use crate::validate::{date, multi_line};
use crate::vault::{self, Sealed};

/// The longest supervision note.
pub const NOTE: usize = 2000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionReceived {
    pub case_id: Uuid,
    /// The centre's event that carried it.
    pub server_seq: u64,
    /// Beijing date, `YYYY-MM-DD`.
    pub due_on: String,
    pub note: Sealed,
}

impl EventBody for SupervisionReceived {
    const TOPICS: &'static [crate::events::Topic] =
        &[crate::events::Topic::Cases, crate::events::Topic::Clocks];
    const TYPE: &'static str = "SupervisionReceived";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        received(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        vec![self.note]
    }
}

/// A supervision note as the officer sees it on the case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Supervision {
    pub case_id: String,
    pub due_on: String,
    /// `None` once purged.
    pub note: Option<String>,
    pub received_at_ms: i64,
    /// Past its day while the case's handling has not ended.
    pub overdue: bool,
}

/// The checks the centre makes before sending a note and the device on receiving it.
pub fn check(due_on: &str, note: &str) -> Result<(NaiveDate, String)> {
    Ok((date("due_on", due_on)?, multi_line("note", note, NOTE)?))
}

/// Keeps the centre's note on a case of this device.
pub fn receive(
    w: &mut Writer,
    case_id: Uuid,
    server_seq: u64,
    due_on: &str,
    note: &str,
) -> Result<()> {
    let (due_on, note) = check(due_on, note)?;
    projection::kind_and_state(w.conn(), &case_id.to_string())?.ok_or(Error::NotFound {
        what: "case",
        id: case_id.to_string(),
    })?;
    let note = w.seal_personal(Some(case_id), "supervision.note", &note)?;
    w.append(SupervisionReceived {
        case_id,
        server_seq,
        due_on: due_on.to_string(),
        note,
    })?;
    Ok(())
}

pub fn received(conn: &Connection, event: &Envelope, body: &SupervisionReceived) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO supervisions (case_id, server_seq, due_on, note_vault, received_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        body.case_id.to_string(),
        body.server_seq as i64,
        body.due_on,
        body.note.id,
        event.time.trusted_ms
    ])?;
    Ok(())
}

/// The case's supervision notes, oldest first; `today` is the Beijing date now.
pub fn of_case(conn: &Connection, case_id: &str, today: NaiveDate) -> Result<Vec<Supervision>> {
    let ended = projection::kind_and_state(conn, case_id)?
        .is_some_and(|(_, state)| workflow::is_final(state));
    let mut stmt = conn.prepare_cached(
        "SELECT due_on, note_vault, received_at_ms FROM supervisions
         WHERE case_id = ?1 ORDER BY server_seq",
    )?;
    let rows = stmt
        .query_map([case_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(due_on, note, received_at_ms)| {
            let due = date("due_on", &due_on)?;
            Ok(Supervision {
                case_id: case_id.to_string(),
                overdue: !ended && due < today,
                due_on,
                note: vault::value(conn, note)?,
                received_at_ms,
            })
        })
        .collect()
}
