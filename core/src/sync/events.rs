//! `ServerEventApplied`: the device's record that it applied a decision of the centre, with
//! the centre's own signed bytes, so that the device's log shows what it acted on and anyone
//! can check the centre signed it.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::calendar::years::{self, Year, YearData};
use crate::cases::departments;
use crate::dispatch::areas;
use crate::error::Result;
use crate::events::{Digest, EventBody};
use crate::sync::protocol::{
    CALENDAR_YEAR_PUBLISHED, DEPARTMENTS_PUBLISHED, DepartmentsPublished, ServerEventBody,
    URBAN_AREAS_PUBLISHED, UrbanAreasPublished,
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
}

impl EventBody for ServerEventApplied {
    const TYPE: &'static str = "ServerEventApplied";
    const VERSION: u32 = 1;
}

/// What a decision of the centre changes on the device, projected with its record (so a
/// replay of the log applies it again). Reference data that does not pass the device's own
/// checks is recorded and not used, with a warning: the centre checks before it publishes,
/// and a device must never stop taking the centre's events over one.
pub fn project(conn: &Connection, applied: &ServerEventApplied) -> Result<()> {
    let Ok(body) = serde_json::from_str::<ServerEventBody>(&applied.canonical) else {
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
        // Other decisions of the centre: recorded; what they change comes with their step.
        _ => {}
    }
    Ok(())
}

fn unused(applied: &ServerEventApplied, what: &str, reason: &str) {
    tracing::warn!(server_seq = applied.server_seq, %reason, "{what} from the centre not used");
}
