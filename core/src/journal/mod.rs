//! The journal: every body type the log holds (`body`), read back by type and version, and
//! the replay of the log into the projections (`replay`). It stands above the capabilities,
//! which each declare their own bodies, and hands the log what the log must not know itself
//! (`RULES`): how to read a body of any type, and which cases take no more events here.

pub mod body;
pub mod replay;

use rusqlite::Connection;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::events::log::{Rules, Writer};
use crate::events::{Entry, Envelope, Projection};
use crate::tables::Tables;
use crate::{
    agency, calendar, cases, centre, clocks, dispatch, documents, events, evidence, identity,
    parameters, roster, shift, time, trips, vault,
};

pub use body::Body;
pub use replay::{rebuild, rebuild_with};

/// The tables of every module below the journal, as each declares them.
pub const DECLARED: &[&Tables] = &[
    &identity::TABLES,
    &vault::TABLES,
    &events::TABLES,
    &calendar::TABLES,
    &agency::TABLES,
    &roster::TABLES,
    &parameters::TABLES,
    &shift::TABLES,
    &time::TABLES,
    &cases::TABLES,
    &trips::TABLES,
    &evidence::TABLES,
    &clocks::TABLES,
    &documents::TABLES,
    &dispatch::TABLES,
    &centre::TABLES,
];

/// The projection tables: what a rebuild empties and replays the log into.
pub fn projections() -> impl Iterator<Item = &'static str> {
    DECLARED.iter().flat_map(|t| t.projections.iter().copied())
}

/// What the log is opened with for writing.
pub const RULES: Rules = Rules {
    read_stored,
    case_guard: centre::refuse_handed_over,
};

/// Reads a stored event's body, of any type and version this code knows.
pub fn read_stored(envelope: &Envelope) -> std::result::Result<Box<dyn Entry>, String> {
    decode(envelope).map(|body| Box::new(body) as Box<dyn Entry>)
}

/// Reads a stored event's body as the registry's `Body`.
pub fn decode(envelope: &Envelope) -> std::result::Result<Body, String> {
    Body::decode(
        &envelope.event_type,
        envelope.body_version,
        envelope.body.clone(),
    )
}

/// Projects an event whose body is already read (a replica taking a device's events).
pub fn project(conn: &Connection, event: &Envelope, body: &Body) -> Result<()> {
    body.project(&Projection {
        conn,
        event,
        read_stored,
    })
}

/// Appends a body given in its stored form, possibly an older version of its type (an import,
/// a test of upcasting). It must decode, as any stored body must; what is signed is `value`.
pub fn append_stored(
    w: &mut Writer,
    event_type: &str,
    body_version: u32,
    value: Value,
) -> Result<Envelope> {
    let body = Body::decode(event_type, body_version, value.clone())
        .map_err(|reason| Error::invalid("body", reason))?;
    w.append_as(event_type, body_version, value, &body)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use rusqlite::Connection;

    use super::*;
    use crate::store::schema;

    /// Each table of the schema, with the SQL that made it and its indexes, by the name of
    /// the table it belongs to (an FTS table's shadow tables are its own).
    fn schema_of(conn: &Connection) -> BTreeMap<String, Vec<String>> {
        let mut stmt = conn
            .prepare(
                "SELECT tbl_name, coalesce(sql, '') FROM sqlite_master
                 WHERE tbl_name NOT LIKE 'sqlite_%' ORDER BY tbl_name, name",
            )
            .unwrap();
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap() {
            let (table, sql): (String, String) = row.unwrap();
            let owner = table
                .strip_suffix("_data")
                .map_or(table.clone(), |t| t.to_string());
            let owner = ["_idx", "_content", "_docsize", "_config"]
                .iter()
                .find_map(|s| table.strip_suffix(s))
                .map_or(owner, str::to_string);
            out.entry(owner).or_default().push(sql);
        }
        out
    }

    fn kept() -> impl Iterator<Item = &'static str> {
        DECLARED
            .iter()
            .copied()
            .chain([&crate::sync::TABLES])
            .flat_map(|t| t.kept.iter().copied())
    }

    #[test]
    fn every_table_is_declared_once_as_kept_or_as_a_projection() {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrations().to_latest(&mut conn).unwrap();
        let tables: BTreeSet<String> = schema_of(&conn).into_keys().collect();
        let declared: Vec<&str> = projections().chain(kept()).collect();
        let unique: BTreeSet<String> = declared.iter().map(|t| t.to_string()).collect();
        assert_eq!(unique.len(), declared.len(), "a table declared twice");
        assert_eq!(
            unique, tables,
            "every table is some module's projection or kept table, and no other"
        );
    }

    #[test]
    fn exactly_the_steps_that_change_projection_tables_replay_the_log() {
        let projections: BTreeSet<&str> = projections().collect();
        let migrations = schema::migrations();
        let mut conn = Connection::open_in_memory().unwrap();
        let mut before = schema_of(&conn);
        for step in 1..=schema::LATEST {
            migrations.to_version(&mut conn, step).unwrap();
            let after = schema_of(&conn);
            let changed: Vec<&String> = after
                .keys()
                .chain(before.keys())
                .filter(|t| after.get(*t) != before.get(*t))
                .collect();
            // The first step makes the store: nothing to replay yet.
            let replays = schema::PROJECTION_STEPS.contains(&step);
            let touches = step > 1 && changed.iter().any(|t| projections.contains(t.as_str()));
            assert_eq!(replays, touches, "step {step} changes {changed:?}");
            before = after;
        }
    }
}
