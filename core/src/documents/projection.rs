//! The `documents` table: each document's state as JSON, updated by its events.

use rusqlite::{Connection, OptionalExtension, params};

use crate::documents::events::{DocumentActed, DocumentOpened};
use crate::documents::state::{Moment, State};
use crate::error::{Error, Result};
use crate::events::{Digest, Envelope};
use crate::store::{json_column, to_json};

pub fn moment(event: &Envelope) -> Moment<'_> {
    Moment {
        at_ms: event.time.trusted_ms,
        position: event.position,
        actor: &event.actor,
    }
}

pub fn opened(conn: &Connection, event: &Envelope, body: &DocumentOpened) -> Result<()> {
    let state = State::opened(body, &moment(event));
    conn.prepare_cached(
        "INSERT INTO documents (id, case_id, kind, status, opened_at_ms, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        state.id.to_string(),
        state.case_id.to_string(),
        state.kind.as_str(),
        state.status().as_str(),
        state.opened_at_ms,
        to_json(&state)?,
    ])?;
    Ok(())
}

/// Applies an act the writer checked; on replay, the log is the truth.
pub fn acted(conn: &Connection, event: &Envelope, body: &DocumentActed) -> Result<()> {
    let mut state = get(conn, &body.document_id.to_string())?;
    state.apply(&body.act, &moment(event));
    if let crate::documents::events::Act::Concluded {
        number: Some(number),
    } = &body.act
    {
        crate::agency::take(conn, number.year, number.n, &state.id.to_string())?;
    }
    conn.prepare_cached(
        "UPDATE documents SET status = ?2, closed_at_ms = ?3, state = ?4 WHERE id = ?1",
    )?
    .execute(params![
        state.id.to_string(),
        state.status().as_str(),
        state.closed_at_ms,
        to_json(&state)?,
    ])?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> Result<State> {
    let json: String = conn
        .prepare_cached("SELECT state FROM documents WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "document",
            id: id.to_string(),
        })?;
    parse(&json)
}

fn parse(json: &str) -> Result<State> {
    serde_json::from_str(json).map_err(|e| Error::damaged("documents", e.to_string()))
}

fn states(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<State>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(args, |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.iter().map(|json| parse(json)).collect()
}

/// A case's documents, oldest first.
pub fn of_case(conn: &Connection, case_id: &str) -> Result<Vec<State>> {
    states(
        conn,
        "SELECT state FROM documents WHERE case_id = ?1 ORDER BY opened_at_ms, id",
        [case_id],
    )
}

/// The case's mediation that is still going, if any.
pub fn open_mediation(conn: &Connection, case_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM documents WHERE case_id = ?1 AND kind = 'mediation'
             AND closed_at_ms IS NULL",
        )?
        .query_row([case_id], |r| r.get(0))
        .optional()?)
}

/// Mediations concluded (signed) between two instants.
pub fn concluded_mediations(conn: &Connection, from_ms: i64, to_ms: i64) -> Result<Vec<State>> {
    states(
        conn,
        "SELECT state FROM documents WHERE kind = 'mediation' AND status = 'concluded'
         AND closed_at_ms >= ?1 AND closed_at_ms < ?2 ORDER BY closed_at_ms, id",
        [from_ms, to_ms],
    )
}

/// The blobs the documents name (each signature's strokes and image), oldest document first.
pub fn named_blobs(conn: &Connection) -> Result<Vec<Digest>> {
    let states: Vec<State> = json_column(
        conn,
        "SELECT state FROM documents ORDER BY opened_at_ms, id",
        "documents",
    )?;
    Ok(states
        .iter()
        .flat_map(|s| &s.signatures)
        .flat_map(|g| [g.strokes_sha256, g.image_sha256])
        .collect())
}
