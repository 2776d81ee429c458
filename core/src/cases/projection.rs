//! The `cases` table, projected from case events.

use rusqlite::{Connection, params};

use crate::cases::events::CaseOpened;
use crate::cases::model::CaseState;
use crate::error::Result;
use crate::events::{Digest, Envelope};
use crate::vault::PersonalDataPurged;

pub fn opened(conn: &Connection, event: &Envelope, body: &CaseOpened) -> Result<()> {
    let hex = |d: &Digest| d.to_hex();
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
        hex(&body.complainant.name),
        hex(&body.complainant.phone),
        respondent.map(|r| hex(&r.name)),
        respondent.and_then(|r| r.address.as_ref()).map(hex),
        hex(&body.facts),
        body.demands.as_ref().map(hex),
        body.place.map(|p| p.lat_e7),
        body.place.map(|p| p.lon_e7),
        body.place.and_then(|p| p.accuracy_cm),
        event.seq as i64,
    ])?;
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
