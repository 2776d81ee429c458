//! The personal-data vault. Names, phone numbers, addresses and free text never enter an event
//! body: each value is a vault row with its own random salt, and the event carries the
//! commitment SHA-256(salt || value). Purging deletes rows; the chain stays verifiable forever
//! because it never held the values.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::{Digest, EventBody};

const SALT_LEN: usize = 16;

/// Stores `value` and returns its commitment, which the event body carries.
pub fn seal(conn: &Connection, case_id: Option<Uuid>, field: &str, value: &str) -> Result<Digest> {
    let mut salt = [0u8; SALT_LEN];
    getrandom::fill(&mut salt)
        .map_err(|e| Error::Platform(format!("no secure random numbers: {e}")))?;
    let commitment = commit(&salt, value);
    conn.prepare_cached(
        "INSERT INTO vault (commitment, case_id, field, salt, value) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        commitment.to_hex(),
        case_id.map(|id| id.to_string()),
        field,
        salt.as_slice(),
        value
    ])?;
    Ok(commitment)
}

pub fn commit(salt: &[u8], value: &str) -> Digest {
    Digest::of(&[salt, value.as_bytes()])
}

/// What the vault holds for a commitment.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Intact,
    /// The row's salt and value no longer hash to the commitment.
    Altered,
    Missing,
}

pub fn check(conn: &Connection, commitment: &Digest) -> Result<Lookup> {
    let row = conn
        .prepare_cached("SELECT salt, value FROM vault WHERE commitment = ?1")?
        .query_row([commitment.to_hex()], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?;
    Ok(match row {
        None => Lookup::Missing,
        Some((salt, value)) if commit(&salt, &value) == *commitment => Lookup::Intact,
        Some(_) => Lookup::Altered,
    })
}

/// Commitments of a case's vault rows, to be named in the purge event.
pub fn rows_of_case(conn: &Connection, case_id: Uuid) -> Result<Vec<Digest>> {
    let mut stmt =
        conn.prepare("SELECT commitment FROM vault WHERE case_id = ?1 ORDER BY commitment")?;
    let rows = stmt.query_map([case_id.to_string()], |r| r.get::<_, String>(0))?;
    rows.map(|hex| {
        let hex = hex?;
        Digest::from_hex(&hex).ok_or_else(|| Error::Corrupt {
            seq: 0,
            reason: format!("vault commitment {hex:?} is not a SHA-256"),
        })
    })
    .collect()
}

pub fn delete(conn: &Connection, commitments: &[Digest]) -> Result<()> {
    let mut stmt = conn.prepare_cached("DELETE FROM vault WHERE commitment = ?1")?;
    for c in commitments {
        stmt.execute([c.to_hex()])?;
    }
    Ok(())
}

/// Records that a case's personal data was deleted on purpose, so that the verifier reports
/// the rows as purged rather than tampered with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalDataPurged {
    pub case_id: Uuid,
    pub commitments: Vec<Digest>,
}

impl EventBody for PersonalDataPurged {
    const TYPE: &'static str = "PersonalDataPurged";
    const VERSION: u32 = 1;

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }
}

/// Commitments that purge events have released, collected while the log is read.
#[derive(Default)]
pub struct Purged(HashSet<Digest>);

impl Purged {
    pub fn record(&mut self, event: &PersonalDataPurged) {
        self.0.extend(event.commitments.iter().copied());
    }

    pub fn contains(&self, commitment: &Digest) -> bool {
        self.0.contains(commitment)
    }
}
