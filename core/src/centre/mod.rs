//! `ServerEventApplied`: the device's record that it applied a decision of the centre, with
//! the centre's own signed bytes, so that the device's log shows what it acted on and anyone
//! can check the centre signed it.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use uuid::Uuid;

pub mod handover;

use crate::calendar::years::{self, Year, YearData};
use crate::cases::departments;
use crate::cases::events::PersonalDataPurged;
use crate::clocks;
use crate::dispatch::areas;
use crate::error::{Error, Result};
use crate::events::{Digest, Entry, EventBody, Projection};
use crate::parameters::{self, Parameters};
use crate::protocol::{
    AGENCY_PUBLISHED, CALENDAR_YEAR_PUBLISHED, CASE_ASSIGNED, CASE_CLOSED, CaseAssigned,
    CaseClosed, DEPARTMENTS_PUBLISHED, DepartmentsPublished, EXTENSION_DECIDED, ExtensionDecided,
    NUMBERS_ASSIGNED, NumbersAssigned, PARAMETERS_PUBLISHED, ROSTER_PUBLISHED, RosterPublished,
    ServerEventBody, URBAN_AREAS_PUBLISHED, UrbanAreasPublished,
};
use crate::roster;

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["handed_over"],
    kept: &["handover_events", "handover_vault"],
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerEventApplied {
    pub server_seq: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    /// The centre's canonical bytes (UTF-8 JSON) as received, and its signature (hex).
    pub canonical: String,
    pub hash: Digest,
    pub signature: String,
    /// A decision the device could not carry out (the case is not here, its state does not
    /// allow the step, the attachment does not match): why. The centre sees it with the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_carried_out: Option<String>,
}

impl ServerEventApplied {
    /// The body the centre signed (a record's bytes were checked when it was applied).
    pub fn body(&self) -> Option<ServerEventBody> {
        serde_json::from_str(&self.canonical).ok()
    }

    /// The case this record closes, if it is a closure decision the device carried out.
    pub fn closed_case(&self) -> Option<Uuid> {
        let body = self.body().filter(|b| b.event_type == CASE_CLOSED)?;
        let closed = serde_json::from_value::<CaseClosed>(body.body).ok()?;
        self.not_carried_out.is_none().then_some(closed.case_id)
    }
}

impl ServerEventApplied {
    /// The case whose extension request this record answers, if it is an answer the device
    /// took (the answer goes with the case to a new owner: `handover`).
    pub fn answered_extension(&self) -> Option<Uuid> {
        let body = self.body().filter(|b| b.event_type == EXTENSION_DECIDED)?;
        let decided = serde_json::from_value::<ExtensionDecided>(body.body).ok()?;
        self.not_carried_out.is_none().then_some(decided.case_id)
    }
}

impl EventBody for ServerEventApplied {
    const TOPICS: &'static [crate::events::Topic] = &[
        crate::events::Topic::Cases,
        crate::events::Topic::Clocks,
        crate::events::Topic::Dispatches,
        crate::events::Topic::Reference,
    ];
    const TYPE: &'static str = "ServerEventApplied";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        project(at, self)
    }
}

/// What a decision of the centre changes on the device, projected with its record (so a
/// replay of the log applies it again). Reference data that does not pass the device's own
/// checks is recorded and not used, with a warning: the centre checks before it publishes,
/// and a device must never stop taking the centre's events over one.
pub fn project(at: &Projection, applied: &ServerEventApplied) -> Result<()> {
    let (conn, event) = (at.conn, at.event);
    let Some(body) = applied.body() else {
        tracing::warn!(
            server_seq = applied.server_seq,
            "a server event whose body does not decode"
        );
        return Ok(());
    };
    match body.event_type.as_str() {
        DEPARTMENTS_PUBLISHED => {
            let checked = serde_json::from_value::<DepartmentsPublished>(body.body)
                .map_err(|e| e.to_string())
                .and_then(|p| departments::check(&p.departments).map_err(|e| e.to_string()));
            match checked {
                Ok(directory) => departments::load(conn, &directory)?,
                Err(reason) => unused(applied, "departments directory", &reason),
            }
        }
        URBAN_AREAS_PUBLISHED => {
            let checked = serde_json::from_value::<UrbanAreasPublished>(body.body)
                .map_err(|e| e.to_string())
                .and_then(|p| areas::parse(&p.geojson).map_err(|e| e.to_string()));
            match checked {
                Ok(urban) => areas::store(conn, &urban)?,
                Err(reason) => unused(applied, "urban areas", &reason),
            }
        }
        CALENDAR_YEAR_PUBLISHED => {
            let checked = serde_json::from_value::<YearData>(body.body)
                .map_err(|e| e.to_string())
                .and_then(|data| Year::check(data).map_err(|e| e.to_string()));
            match checked {
                Ok(year) => years::store(conn, &year, body.time_ms)?,
                Err(reason) => unused(applied, "calendar year", &reason),
            }
        }
        PARAMETERS_PUBLISHED => {
            let checked = serde_json::from_value::<Parameters>(body.body)
                .map_err(|e| e.to_string())
                .and_then(|p| parameters::check(&p).map(|()| p).map_err(|e| e.to_string()));
            match checked {
                Ok(p) => parameters::store(conn, &p)?,
                Err(reason) => unused(applied, "rule-set parameters", &reason),
            }
        }
        ROSTER_PUBLISHED => {
            let checked = serde_json::from_value::<RosterPublished>(body.body)
                .map_err(|e| e.to_string())
                .and_then(|p| roster::check(&p.officers).map_err(|e| e.to_string()));
            match checked {
                Ok(officers) => roster::store(conn, &officers)?,
                Err(reason) => unused(applied, "officer roster", &reason),
            }
        }
        AGENCY_PUBLISHED => {
            let checked = serde_json::from_value::<crate::agency::Agency>(body.body)
                .map_err(|e| e.to_string())
                .and_then(|a| crate::agency::check(&a).map_err(|e| e.to_string()));
            match checked {
                Ok(agency) => crate::agency::store(conn, &agency)?,
                Err(reason) => unused(applied, "agency", &reason),
            }
        }
        NUMBERS_ASSIGNED => {
            let checked = serde_json::from_value::<NumbersAssigned>(body.body)
                .map_err(|e| e.to_string())
                .and_then(|n| {
                    crate::agency::check_block(&n.block())
                        .map(|()| n)
                        .map_err(|e| e.to_string())
                });
            match checked {
                Ok(n) if n.device == event.device => crate::agency::add_block(conn, &n.block())?,
                Ok(_) => {}
                Err(reason) => unused(applied, "document numbers", &reason),
            }
        }
        CASE_ASSIGNED => {
            if let Ok(assigned) = serde_json::from_value::<CaseAssigned>(body.body) {
                let case_id = assigned.case_id.to_string();
                if assigned.device == event.device {
                    conn.execute("DELETE FROM handed_over WHERE case_id = ?1", [case_id])?;
                    if let Some((server_seq, case_id, _)) =
                        handover::recorded(applied, event.device)
                    {
                        handover::project(conn, at.read_stored, server_seq, case_id)?;
                    }
                } else {
                    conn.execute(
                        "INSERT OR REPLACE INTO handed_over (case_id, device) VALUES (?1, ?2)",
                        [case_id, assigned.device.to_string()],
                    )?;
                }
            }
        }
        EXTENSION_DECIDED if applied.not_carried_out.is_none() => {
            if let Ok(decided) = serde_json::from_value::<ExtensionDecided>(body.body) {
                clocks::extension::decided(conn, &decided, body.time_ms)?;
            }
        }
        // Other decisions are carried out by the device's own events (`decisions`).
        _ => {}
    }
    Ok(())
}

/// The device the centre assigned `case_id` to, if that is another device than this store's.
pub fn handed_over_to(conn: &Connection, case_id: Uuid) -> Result<Option<Uuid>> {
    let device: Option<String> = conn
        .prepare_cached("SELECT device FROM handed_over WHERE case_id = ?1")?
        .query_row([case_id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(device.and_then(|d| Uuid::parse_str(&d).ok()))
}

fn unused(applied: &ServerEventApplied, what: &str, reason: &str) {
    tracing::warn!(server_seq = applied.server_seq, %reason, "{what} from the centre not used");
}

/// The log's case guard (`journal::RULES`): a case the centre gave to another device takes no
/// more work here, but for the purge of its personal data.
pub fn refuse_handed_over(conn: &Connection, case_id: Uuid, body: &dyn Entry) -> Result<()> {
    if body.event_type() == PersonalDataPurged::TYPE {
        return Ok(());
    }
    match handed_over_to(conn, case_id)? {
        Some(owner) => Err(Error::CaseHandedOver {
            owner: owner.to_string(),
        }),
        None => Ok(()),
    }
}
