//! The centre's officer roster (reference data): who may sign in on its devices,
//! under which enforcement ID number (执法证号), and who signs in as a supervisor. The centre
//! publishes it whole (`RosterPublished`); a device applies it with its record of the event.
//! A device that has no roster yet (before its first sync) takes any well-formed officer.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::officer::{Officer, Role};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["officer_roster"],
    kept: &[],
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct RosterEntry {
    pub name: String,
    pub enforcement_id: String,
    /// May sign in as a supervisor (approves extensions on the device).
    #[serde(default)]
    #[cfg_attr(feature = "ffi", uniffi(default))]
    pub supervisor: bool,
}

/// The checks the centre makes before publishing and the device on receiving: every entry a
/// valid officer, each enforcement ID once. Returns the entries normalised.
pub fn check(entries: &[RosterEntry]) -> Result<Vec<RosterEntry>> {
    if entries.is_empty() {
        return Err(Error::invalid("officers", "the roster must not be empty"));
    }
    let mut seen = std::collections::HashSet::new();
    let mut checked = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let officer = Officer::new(&entry.name, &entry.enforcement_id)
            .map_err(|e| Error::invalid(format!("officers[{i}]"), e.to_string()))?;
        if !seen.insert(officer.enforcement_id.clone()) {
            return Err(Error::invalid(
                format!("officers[{i}].enforcement_id"),
                format!("{} appears twice", officer.enforcement_id),
            ));
        }
        checked.push(RosterEntry {
            name: officer.name,
            enforcement_id: officer.enforcement_id,
            supervisor: entry.supervisor,
        });
    }
    Ok(checked)
}

/// Replaces the device's roster.
pub fn store(conn: &Connection, entries: &[RosterEntry]) -> Result<()> {
    conn.execute("DELETE FROM officer_roster", [])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO officer_roster (enforcement_id, name, supervisor) VALUES (?1, ?2, ?3)",
    )?;
    for e in entries {
        insert.execute(params![e.enforcement_id, e.name, e.supervisor])?;
    }
    Ok(())
}

pub fn list(conn: &Connection) -> Result<Vec<RosterEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, enforcement_id, supervisor FROM officer_roster ORDER BY enforcement_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(RosterEntry {
                name: r.get(0)?,
                enforcement_id: r.get(1)?,
                supervisor: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Whether `officer` may sign in as `role` under the roster (any officer while there is none).
pub fn admits(conn: &Connection, officer: &Officer, role: Role) -> Result<()> {
    let roster = list(conn)?;
    if roster.is_empty() {
        return Ok(());
    }
    let entry = roster
        .iter()
        .find(|e| e.enforcement_id == officer.enforcement_id)
        .ok_or_else(|| {
            Error::invalid_zh(
                "officer_id",
                format!(
                    "{} is not on the centre's officer roster",
                    officer.enforcement_id
                ),
                format!("{} 不在中心下发的执法人员名册中", officer.enforcement_id),
            )
        })?;
    if entry.name != officer.name {
        return Err(Error::invalid_zh(
            "officer_name",
            format!(
                "the centre's roster gives {} under {}",
                entry.name, entry.enforcement_id
            ),
            format!(
                "名册中执法证号 {} 的姓名是 {}",
                entry.enforcement_id, entry.name
            ),
        ));
    }
    if role == Role::Supervisor && !entry.supervisor {
        return Err(Error::invalid_zh(
            "role",
            format!("{} is not a supervisor on the centre's roster", entry.name),
            format!("名册中 {} 不是审批人员", entry.name),
        ));
    }
    Ok(())
}
