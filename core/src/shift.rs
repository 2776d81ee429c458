//! The shift on this device: officers sign in and out, and every event names the officer
//! signed in. One officer at a time; the projection `officer_session` holds who it is.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::events::{Envelope, EventBody, Projection};
use crate::officer::{Officer, Role};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["officer_session"],
    kept: &[],
};

/// The actor of the event is the officer who signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerSignedIn {
    pub role: Role,
}

impl EventBody for OfficerSignedIn {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Shift];
    const TYPE: &'static str = "OfficerSignedIn";
    /// 2: the role. Version 1 (no body) signed in an officer.
    const VERSION: u32 = 2;

    fn project(&self, at: &Projection) -> Result<()> {
        project_signed_in(at.conn, at.event, self)
    }

    fn upcast(version: u32, _body: serde_json::Value) -> std::result::Result<Self, String> {
        match version {
            1 => Ok(OfficerSignedIn {
                role: Role::Officer,
            }),
            other => Err(format!("OfficerSignedIn has no body version {other}")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerSignedOut {}

impl EventBody for OfficerSignedOut {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Shift];
    const TYPE: &'static str = "OfficerSignedOut";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        project_signed_out(at.conn)
    }
}

pub fn project_signed_in(
    conn: &Connection,
    event: &Envelope,
    body: &OfficerSignedIn,
) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO officer_session (singleton, name, enforcement_id, since_ms, role)
         VALUES (1, ?1, ?2, ?3, ?4)",
        params![
            event.actor.name,
            event.actor.enforcement_id,
            event.time.trusted_ms,
            body.role.as_str(),
        ],
    )?;
    Ok(())
}

/// The role of the officer signed in now (an officer if none is).
pub fn current_role(conn: &Connection) -> Result<Role> {
    let role: Option<String> = conn
        .query_row("SELECT role FROM officer_session", [], |r| r.get(0))
        .optional()?;
    Ok(role
        .as_deref()
        .and_then(Role::parse)
        .unwrap_or(Role::Officer))
}

pub fn project_signed_out(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM officer_session", [])?;
    Ok(())
}

/// The officer signed in now, if any.
pub fn current(conn: &Connection) -> Result<Option<Officer>> {
    Ok(conn
        .query_row(
            "SELECT name, enforcement_id FROM officer_session",
            [],
            |r| {
                Ok(Officer {
                    name: r.get(0)?,
                    enforcement_id: r.get(1)?,
                })
            },
        )
        .optional()?)
}
