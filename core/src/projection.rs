//! Projections: the tables the UI reads, derived from events. `apply` runs in the append's
//! transaction; `rebuild` empties them and replays the log, giving the same state.

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::events::log::for_each_row;
use crate::events::{Body, Envelope, decode};
use crate::store::schema;
use crate::{cases, clocks, dispatch, documents, evidence, officer, sync, time, trips};

pub fn apply(conn: &Connection, event: &Envelope, body: &Body) -> Result<()> {
    match body {
        Body::OfficerSignedIn(signed_in) => officer::project_signed_in(conn, event, signed_in),
        Body::OfficerSignedOut(_) => officer::project_signed_out(conn),
        Body::CaseOpened(opened) => cases::projection::opened(conn, event, opened),
        Body::CaseStepTaken(step) => cases::projection::step_taken(conn, event, step),
        Body::PersonalDataPurged(purged) => cases::projection::purged(conn, event, purged),
        Body::TripStarted(started) => trips::projection::started(conn, event, started),
        Body::FixesRecorded(fixes) => trips::projection::fixes(conn, event, fixes),
        Body::TripEnded(ended) => trips::projection::ended(conn, event, ended),
        Body::EvidenceCaptured(captured) => evidence::projection::captured(conn, event, captured),
        Body::ClockPaused(mark) => mark.project(conn, event),
        Body::ClockResumed(mark) => mark.project(conn, event),
        Body::ClockExtended(mark) => mark.project(conn, event),
        Body::ClockStarted(mark) => mark.project(conn, event),
        Body::ClockStopped(mark) => mark.project(conn, event),
        Body::Dispatched(body) => dispatch::projection::dispatched(conn, event, body),
        Body::DispatchAdvanced(body) => dispatch::projection::advanced(conn, event, body),
        Body::TimeAnchored(body) => time::project_anchored(conn, body),
        Body::WallClockJumped(body) => time::project_jumped(conn, body),
        Body::DocumentOpened(body) => documents::projection::opened(conn, event, body),
        Body::DocumentActed(body) => documents::projection::acted(conn, event, body),
        Body::ServerEventApplied(applied) => sync::events::project(conn, event, applied),
        Body::SupervisionReceived(body) => cases::supervision::received(conn, event, body),
        Body::ExtensionRequested(body) => clocks::extension::requested(conn, event, body),
        Body::NoticeIssued(body) => documents::notice::project(conn, event, body),
        Body::EvidenceOriginalPruned(body) => {
            evidence::care::project(conn, event.time.trusted_ms, body)
        }
    }
}

/// Empties every projection and replays the whole log into them. Call inside a transaction:
/// if an event cannot be read, nothing changes.
pub fn rebuild(conn: &Connection) -> Result<u64> {
    rebuild_with(conn, |seq, reason| Err(Error::Corrupt { seq, reason }))
}

/// As `rebuild`, but an event whose body this code cannot read (a newer app's type, held by
/// the centre until it is upgraded) goes to `unreadable` instead of stopping the replay.
/// Returns how many events were projected.
pub fn rebuild_with(
    conn: &Connection,
    mut unreadable: impl FnMut(u64, String) -> Result<()>,
) -> Result<u64> {
    for table in schema::PROJECTIONS {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let mut replayed = 0;
    for_each_row(conn, |row| {
        let envelope = decode(&row.canonical).map_err(|reason| Error::Corrupt {
            seq: row.seq,
            reason,
        })?;
        match Body::decode(
            &envelope.event_type,
            envelope.body_version,
            envelope.body.clone(),
        ) {
            Ok(body) => {
                apply(conn, &envelope, &body)?;
                replayed += 1;
            }
            Err(reason) => unreadable(row.seq, reason)?,
        }
        Ok(())
    })?;
    Ok(replayed)
}
