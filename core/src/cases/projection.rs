//! The `cases` and `case_steps` tables, projected from case events. The intake is kept as the
//! event body (vault references, no values); reads resolve the references.

use rusqlite::{Connection, OptionalExtension, params};

use crate::cases::events::PersonalDataPurged;
use crate::cases::events::{CaseOpened, CaseStepTaken};
use crate::cases::intake::rule_set_for;
use crate::cases::model::{CaseKind, CaseState, RuleSet};
use crate::cases::{number, read, search, workflow};
use crate::error::{Error, Result};
use crate::events::Envelope;
use crate::store::to_json;
use crate::time::beijing_date;

pub fn opened(conn: &Connection, event: &Envelope, body: &CaseOpened) -> Result<()> {
    let received_at_ms = body.received_at_ms.unwrap_or(event.time.trusted_ms);
    let rule_set = match body.rule_set {
        Some(rule_set) => rule_set,
        None => rule_set_for(beijing_date(received_at_ms)?),
    };
    let respondent = body.respondent.as_ref();
    conn.prepare_cached(
        "INSERT INTO cases (id, number, kind, state, channel, rule_set, received_at_ms,
             opened_at_ms, opened_by_name, opened_by_id, complainant_name, respondent_name,
             credit_code, goods, linked_case, intake, updated_at_ms, last_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?8, ?17)",
    )?
    .execute(params![
        body.case_id.to_string(),
        body.number,
        body.kind.as_str(),
        CaseState::Received.as_str(),
        body.channel.as_str(),
        rule_set.as_str(),
        received_at_ms,
        event.time.trusted_ms,
        event.actor.name,
        event.actor.enforcement_id,
        body.complainants.first().map(|p| p.name.id),
        respondent.map(|r| r.name.id),
        respondent.and_then(|r| r.credit_code.as_deref()),
        body.matter.goods,
        body.linked_case.map(|id| id.to_string()),
        to_json(body)?,
        event.seq as i64,
    ])?;
    search::index(conn, body.case_id, body)?;
    number::count(conn, &body.number)
}

/// Moves the case to the step's state. The workflow was checked when the step was taken; a
/// stored step the workflow refuses means the log does not match this code, which replay
/// must report rather than paper over.
pub fn step_taken(conn: &Connection, event: &Envelope, body: &CaseStepTaken) -> Result<()> {
    let case_id = body.case_id.to_string();
    let (kind, state) = kind_and_state(conn, &case_id)?.ok_or_else(|| Error::Corrupt {
        seq: event.seq,
        reason: format!("a step for case {case_id}, which was never opened"),
    })?;
    let after = workflow::next(kind, state, &body.step).map_err(|e| Error::Corrupt {
        seq: event.seq,
        reason: e.to_string(),
    })?;
    let place = event.position;
    conn.prepare_cached(
        "INSERT INTO case_steps (case_id, seq, step, state_after, at_ms, officer_name,
             officer_id, place_lat_e7, place_lon_e7, place_accuracy_cm, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        case_id,
        event.seq as i64,
        to_json(&body.step)?,
        after.as_str(),
        event.time.trusted_ms,
        event.actor.name,
        event.actor.enforcement_id,
        place.map(|p| p.lat_e7),
        place.map(|p| p.lon_e7),
        place.and_then(|p| p.accuracy_cm),
        body.note.map(|n| n.id),
    ])?;
    conn.prepare_cached(
        "UPDATE cases SET state = ?2, updated_at_ms = ?3, last_seq = ?4 WHERE id = ?1",
    )?
    .execute(params![
        case_id,
        after.as_str(),
        event.time.trusted_ms,
        event.seq as i64
    ])?;
    Ok(())
}

/// The case's kind and state as projected, if it exists.
/// How many cases stand in each state, the states no case stands in left out.
pub fn count_by_state(conn: &Connection) -> Result<Vec<(CaseState, u32)>> {
    let mut stmt = conn.prepare_cached("SELECT state, COUNT(*) FROM cases GROUP BY state")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    let mut counts = Vec::new();
    for row in rows {
        let (state, n) = row?;
        let state = CaseState::parse(&state)
            .ok_or_else(|| Error::damaged("cases", format!("state {state:?}")))?;
        counts.push((state, n));
    }
    counts.sort_by_key(|(state, _)| CaseState::ALL.iter().position(|s| s == state));
    Ok(counts)
}

/// The number of a case, by its id.
pub fn number_of(conn: &Connection, case_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT number FROM cases WHERE id = ?1")?
        .query_row([case_id], |r| r.get(0))
        .optional()?)
}

pub fn kind_and_state(conn: &Connection, case_id: &str) -> Result<Option<(CaseKind, CaseState)>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT kind, state FROM cases WHERE id = ?1")?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(kind, state)| {
        Ok((
            read::parse(case_id, "kind", &kind, CaseKind::parse)?,
            read::parse(case_id, "state", &state, CaseState::parse)?,
        ))
    })
    .transpose()
}

/// The rules the case follows for an act at `at_ms`: its own, or Order No. 121 from
/// 2026-04-15 for a pending case when the centre chose so (`PendingCases`).
pub fn rule_set_at(conn: &Connection, case_id: &str, at_ms: i64) -> Result<RuleSet> {
    let text: String = conn
        .prepare_cached("SELECT rule_set FROM cases WHERE id = ?1")?
        .query_row([case_id], |r| r.get(0))?;
    let own = read::parse(case_id, "rule_set", &text, RuleSet::parse)?;
    let pending = crate::parameters::current(conn)?.pending_cases;
    Ok(crate::rulebook::rule_set_at(
        own,
        beijing_date(at_ms)?,
        pending,
    ))
}

/// The case keeps its non-personal words in the search index, and nothing else.
pub fn purged(conn: &Connection, event: &Envelope, body: &PersonalDataPurged) -> Result<()> {
    if let Some(opened) = read::intake(conn, body.case_id)? {
        search::index(conn, body.case_id, &opened)?;
    }
    conn.execute(
        "UPDATE cases SET purged_at_ms = ?2, last_seq = ?3 WHERE id = ?1",
        params![
            body.case_id.to_string(),
            event.time.trusted_ms,
            event.seq as i64
        ],
    )?;
    Ok(())
}
