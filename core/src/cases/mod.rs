//! Cases: consultations, complaints and reports taken on the spot. Opening a case appends a
//! `CaseOpened` event; reads come from the `cases` projection joined with the vault.

pub mod events;
pub mod model;
pub mod projection;

use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use crate::clock::beijing_date;
use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::officer::Officer;
use crate::position::GeoPoint;
use crate::validate::{mobile_phone, multi_line, one_line, optional};

use events::{CaseOpened, Party, Respondent};
pub use model::{Case, CaseFilter, CaseKind, CasePage, CaseState, Channel, NewCase, limits};

/// Checks `new` against the rules for its kind and appends `CaseOpened`.
pub fn open(w: &mut Writer, new: &NewCase) -> Result<Uuid> {
    let checked = Checked::from(new)?;
    let case_id = Uuid::now_v7();
    let number = next_number(w.conn(), w.device_prefix(), w.time.trusted_ms)?;
    let seal = |field: &str, value: &str| w.seal_personal(Some(case_id), field, value);
    let respondent = match &checked.respondent_name {
        None => None,
        Some(name) => Some(Respondent {
            name: seal("respondent_name", name)?,
            address: checked
                .respondent_address
                .as_deref()
                .map(|a| seal("respondent_address", a))
                .transpose()?,
        }),
    };
    let body = CaseOpened {
        case_id,
        number,
        kind: new.kind,
        channel: new.channel,
        complainant: Party {
            name: seal("complainant_name", &checked.complainant_name)?,
            phone: seal("complainant_phone", &checked.complainant_phone)?,
        },
        respondent,
        facts: seal("facts", &checked.facts)?,
        demands: checked
            .demands
            .as_deref()
            .map(|d| seal("demands", d))
            .transpose()?,
        place: new.place,
    };
    w.append(body)?;
    Ok(case_id)
}

/// `new`'s text, trimmed and checked.
struct Checked {
    complainant_name: String,
    complainant_phone: String,
    respondent_name: Option<String>,
    respondent_address: Option<String>,
    facts: String,
    demands: Option<String>,
}

impl Checked {
    fn from(new: &NewCase) -> Result<Checked> {
        let required_for = |field: &str, kinds: &[CaseKind], value: &Option<String>| {
            if value.is_none() && kinds.contains(&new.kind) {
                Err(Error::invalid(
                    field,
                    format!("is required for a {}", new.kind),
                ))
            } else {
                Ok(())
            }
        };
        let checked = Checked {
            complainant_name: one_line("complainant_name", &new.complainant_name, limits::NAME)?,
            complainant_phone: mobile_phone("complainant_phone", &new.complainant_phone)?,
            respondent_name: optional(new.respondent_name.as_deref(), |v| {
                one_line("respondent_name", v, limits::NAME)
            })?,
            respondent_address: optional(new.respondent_address.as_deref(), |v| {
                one_line("respondent_address", v, limits::ADDRESS)
            })?,
            facts: multi_line("facts", &new.facts, limits::FACTS)?,
            demands: optional(new.demands.as_deref(), |v| {
                multi_line("demands", v, limits::DEMANDS)
            })?,
        };
        // Art. 10: a complaint names the business, its address and the consumer's demand.
        use CaseKind::{Complaint, Report};
        required_for(
            "respondent_name",
            &[Complaint, Report],
            &checked.respondent_name,
        )?;
        required_for(
            "respondent_address",
            &[Complaint],
            &checked.respondent_address,
        )?;
        required_for("demands", &[Complaint], &checked.demands)?;
        if checked.respondent_address.is_some() && checked.respondent_name.is_none() {
            return Err(Error::invalid(
                "respondent_name",
                "is required when the respondent's address is given",
            ));
        }
        Ok(checked)
    }
}

/// The next human-readable number for the Beijing day of `at_ms`: the day's highest counter on
/// this device plus one.
fn next_number(conn: &Connection, prefix: &str, at_ms: i64) -> Result<String> {
    let stem = format!("{prefix}-{}-", beijing_date(at_ms)?.format("%Y%m%d"));
    let last: Option<i64> = conn
        .prepare_cached("SELECT last FROM case_counters WHERE stem = ?1")?
        .query_row([&stem], |r| r.get(0))
        .optional()?;
    Ok(format!("{stem}{:03}", last.unwrap_or(0) + 1))
}

const SELECT_CASE: &str = "
    SELECT c.id, c.number, c.kind, c.state, c.channel, c.opened_at_ms, c.opened_by_name,
           c.opened_by_id, cn.value, cp.value, rn.value, ra.value, f.value, d.value,
           c.place_lat_e7, c.place_lon_e7, c.place_accuracy_cm, c.purged_at_ms
    FROM cases c
    LEFT JOIN vault cn ON cn.id = c.complainant_name
    LEFT JOIN vault cp ON cp.id = c.complainant_phone
    LEFT JOIN vault rn ON rn.id = c.respondent_name
    LEFT JOIN vault ra ON ra.id = c.respondent_address
    LEFT JOIN vault f ON f.id = c.facts
    LEFT JOIN vault d ON d.id = c.demands";

/// A case by its id or its human-readable number.
pub fn get(conn: &Connection, id_or_number: &str) -> Result<Case> {
    let key = id_or_number.trim();
    conn.prepare_cached(&format!("{SELECT_CASE} WHERE c.id = ?1 OR c.number = ?1"))?
        .query_row([key], read_row)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "case",
            id: key.to_string(),
        })?
        .into_case()
}

pub const PAGE_MAX: u32 = 500;

/// Cases newest first, `limit` at a time; `after` is the `next` of the previous page.
pub fn list(
    conn: &Connection,
    filter: &CaseFilter,
    limit: u32,
    after: Option<&str>,
) -> Result<CasePage> {
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(Error::invalid("limit", format!("must be 1 to {PAGE_MAX}")));
    }
    let (before_ms, before_id) = match after {
        None => (i64::MAX, String::new()),
        Some(cursor) => parse_cursor(cursor)?,
    };
    let sql = format!(
        "{SELECT_CASE}
         WHERE (?1 IS NULL OR c.state = ?1) AND (?2 IS NULL OR c.kind = ?2)
           AND (c.opened_at_ms < ?3 OR (c.opened_at_ms = ?3 AND c.id < ?4) OR ?4 = '')
         ORDER BY c.opened_at_ms DESC, c.id DESC
         LIMIT ?5"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            filter.state.map(CaseState::as_str),
            filter.kind.map(CaseKind::as_str),
            before_ms,
            before_id,
            i64::from(limit) + 1
        ],
        read_row,
    )?;
    let mut cases = rows
        .map(|row| row?.into_case())
        .collect::<Result<Vec<Case>>>()?;
    let next = if cases.len() > limit as usize {
        cases.truncate(limit as usize);
        cases.last().map(|c| format!("{}/{}", c.opened_at_ms, c.id))
    } else {
        None
    };
    Ok(CasePage { cases, next })
}

fn parse_cursor(cursor: &str) -> Result<(i64, String)> {
    let bad = || Error::invalid("after", "is not a cursor returned by a previous page");
    let (ms, id) = cursor.split_once('/').ok_or_else(bad)?;
    let ms = ms.parse().map_err(|_| bad())?;
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((ms, id.to_string()))
}

/// A row of `SELECT_CASE` as SQLite holds it.
struct CaseRow {
    id: String,
    number: String,
    kind: String,
    state: String,
    channel: String,
    opened_at_ms: i64,
    opened_by: Officer,
    personal: [Option<String>; 6],
    place: Option<GeoPoint>,
    purged: bool,
}

fn read_row(r: &Row) -> rusqlite::Result<CaseRow> {
    let place = match (r.get::<_, Option<i32>>(14)?, r.get::<_, Option<i32>>(15)?) {
        (Some(lat_e7), Some(lon_e7)) => Some(GeoPoint {
            lat_e7,
            lon_e7,
            accuracy_cm: r.get(16)?,
        }),
        _ => None,
    };
    Ok(CaseRow {
        id: r.get(0)?,
        number: r.get(1)?,
        kind: r.get(2)?,
        state: r.get(3)?,
        channel: r.get(4)?,
        opened_at_ms: r.get(5)?,
        opened_by: Officer {
            name: r.get(6)?,
            enforcement_id: r.get(7)?,
        },
        personal: [
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
            r.get(11)?,
            r.get(12)?,
            r.get(13)?,
        ],
        place,
        purged: r.get::<_, Option<i64>>(17)?.is_some(),
    })
}

impl CaseRow {
    /// Text that does not parse back is reported as damage, not guessed.
    fn into_case(self) -> Result<Case> {
        let unknown = |what: &str, value: &str| Error::Corrupt {
            seq: 0,
            reason: format!("case {}: {what} {value:?} is not known", self.id),
        };
        let [
            complainant_name,
            complainant_phone,
            respondent_name,
            respondent_address,
            facts,
            demands,
        ] = self.personal.clone();
        Ok(Case {
            id: Uuid::parse_str(&self.id).map_err(|_| unknown("id", &self.id))?,
            kind: CaseKind::parse(&self.kind).ok_or_else(|| unknown("kind", &self.kind))?,
            state: CaseState::parse(&self.state).ok_or_else(|| unknown("state", &self.state))?,
            channel: Channel::parse(&self.channel)
                .ok_or_else(|| unknown("channel", &self.channel))?,
            number: self.number.clone(),
            opened_at_ms: self.opened_at_ms,
            opened_by: self.opened_by.clone(),
            complainant_name,
            complainant_phone,
            respondent_name,
            respondent_address,
            facts,
            demands,
            place: self.place,
            personal_data_purged: self.purged,
        })
    }
}
