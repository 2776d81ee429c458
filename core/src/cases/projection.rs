//! The `cases` table, projected from case events.

use rusqlite::{Connection, params};

use crate::cases::events::CaseOpened;
use crate::cases::model::CaseState;
use crate::error::Result;
use crate::events::Envelope;
use crate::vault::PersonalDataPurged;

pub fn opened(conn: &Connection, event: &Envelope, body: &CaseOpened) -> Result<()> {
    let respondent = body.respondent.as_ref();
    conn.prepare_cached(
        "INSERT INTO cases (id, number, kind, state, channel, opened_at_ms, opened_by_name,
             opened_by_id, complainant_name, complainant_phone, respondent_name,
             respondent_address, facts, demands, place_lat_e7, place_lon_e7, place_accuracy_cm,
             last_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        body.case_id.to_string(),
        body.number,
        body.kind.as_str(),
        CaseState::Received.as_str(),
        body.channel.as_str(),
        event.time.trusted_ms,
        event.actor.name,
        event.actor.enforcement_id,
        body.complainant.name.id,
        body.complainant.phone.id,
        respondent.map(|r| r.name.id),
        respondent.and_then(|r| r.address).map(|a| a.id),
        body.facts.id,
        body.demands.map(|d| d.id),
        body.place.map(|p| p.lat_e7),
        body.place.map(|p| p.lon_e7),
        body.place.and_then(|p| p.accuracy_cm),
        event.seq as i64,
    ])?;
    count_number(conn, &body.number)
}

/// Keeps `case_counters` at the highest counter seen for the number's stem. Numbers made by
/// other programs (imports) that do not end in a counter are not counted.
fn count_number(conn: &Connection, number: &str) -> Result<()> {
    let Some((stem, counter)) = number.rsplit_once('-') else {
        return Ok(());
    };
    let Ok(counter) = counter.parse::<i64>() else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO case_counters (stem, last) VALUES (?1, ?2)
         ON CONFLICT (stem) DO UPDATE SET last = max(last, excluded.last)",
    )?
    .execute(params![format!("{stem}-"), counter])?;
    Ok(())
}

pub fn purged(conn: &Connection, event: &Envelope, body: &PersonalDataPurged) -> Result<()> {
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
