//! The personal-data vault. Names, phone numbers, addresses and free text never enter an event
//! body: each value is a vault row with its own random salt, and the event carries a `Sealed`
//! reference — the row's id and the commitment SHA-256(salt || value). Purging deletes rows;
//! the chain stays verifiable forever because it never held the values.
//!
//! Row ids are sequential (AUTOINCREMENT: never reused, even after a purge), so a write appends
//! at the end of the table's B-tree. Keying rows by their random commitment instead made every
//! insert dirty a random page, and batched appends ten times slower on a grown store.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::{Digest, EventBody};

const SALT_LEN: usize = 16;

/// How an event refers to a personal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    /// The vault row, per device.
    pub id: i64,
    /// SHA-256(salt || value): binds the row to the signed event.
    pub sha256: Digest,
}

/// Stores `value` in a new vault row; the event body carries the returned reference.
pub fn seal(conn: &Connection, case_id: Option<Uuid>, field: &str, value: &str) -> Result<Sealed> {
    let mut salt = [0u8; SALT_LEN];
    getrandom::fill(&mut salt)
        .map_err(|e| Error::Platform(format!("no secure random numbers: {e}")))?;
    conn.prepare_cached("INSERT INTO vault (case_id, field, salt, value) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![
            case_id.map(|id| id.to_string()),
            field,
            salt.as_slice(),
            value
        ])?;
    Ok(Sealed {
        id: conn.last_insert_rowid(),
        sha256: commit(&salt, value),
    })
}

pub fn commit(salt: &[u8], value: &str) -> Digest {
    Digest::of(&[salt, value.as_bytes()])
}

/// The value of vault row `id`; `None` once purged.
pub fn value(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM vault WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// What the vault holds for a reference.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Intact,
    /// The row's salt and value no longer hash to the commitment.
    Altered,
    Missing,
}

pub fn check(conn: &Connection, sealed: &Sealed) -> Result<Lookup> {
    let row = conn
        .prepare_cached("SELECT salt, value FROM vault WHERE id = ?1")?
        .query_row([sealed.id], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?;
    Ok(match row {
        None => Lookup::Missing,
        Some((salt, value)) if commit(&salt, &value) == sealed.sha256 => Lookup::Intact,
        Some(_) => Lookup::Altered,
    })
}

/// Ids of a case's vault rows, to be named in the purge event.
pub fn rows_of_case(conn: &Connection, case_id: Uuid) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM vault WHERE case_id = ?1 ORDER BY id")?;
    let ids = stmt.query_map([case_id.to_string()], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

pub fn delete(conn: &Connection, ids: &[i64]) -> Result<()> {
    let mut stmt = conn.prepare_cached("DELETE FROM vault WHERE id = ?1")?;
    for id in ids {
        stmt.execute([id])?;
    }
    Ok(())
}

/// Records that a case's personal data was deleted on purpose, so that the verifier reports
/// the rows as purged rather than tampered with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalDataPurged {
    pub case_id: Uuid,
    pub vault_ids: Vec<i64>,
}

impl EventBody for PersonalDataPurged {
    const TYPE: &'static str = "PersonalDataPurged";
    const VERSION: u32 = 1;

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }
}

/// Vault rows that purge events have released, collected while the log is read.
#[derive(Default)]
pub struct Purged(HashSet<i64>);

impl Purged {
    pub fn record(&mut self, event: &PersonalDataPurged) {
        self.0.extend(event.vault_ids.iter().copied());
    }

    pub fn contains(&self, id: i64) -> bool {
        self.0.contains(&id)
    }
}
