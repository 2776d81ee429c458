//! The blind index (DESIGN, personal data): keyed digests (`identity::BlindKey`) of
//! complainants' phone numbers, names, addresses and identity documents, of agents' identity
//! documents, of businesses' names, and of a case's facts and goods, so that cases can be
//! matched (the Art. 17 flags, repeated reports under Art. 35, search by phone) without
//! comparing plain values. Without the key a digest says nothing; the key is wrapped by the
//! platform like the signing key.
//!
//! The index is derived from the vault, not from events: purging a case deletes its rows, and
//! `reindex` makes it again when this code digests more than the stored index holds.

use rusqlite::{Connection, params};
use uuid::Uuid;

use super::events::{CaseOpened, SealedId};
use super::read;
use crate::digest::Digest;
use crate::error::Result;
use crate::identity::{BlindKey, Field};
use crate::vault::{self, Sealed};

/// `person` of the digests that belong to the case rather than to one of its people.
pub const CASE_LEVEL: i64 = -1;

/// Indexes one case's people and business (`digests`).
pub fn index_case(
    conn: &Connection,
    key: &BlindKey,
    case_id: Uuid,
    body: &CaseOpened,
) -> Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO blind_index (digest, field, case_id, person) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (field, person, digest) in digests(conn, key, body)? {
        insert.execute(params![
            digest.0.as_slice(),
            field.as_str(),
            case_id.to_string(),
            person
        ])?;
    }
    Ok(())
}

/// The digests of one case under `key`, from the vault: (field, person, digest). `person`
/// numbers the complainants (0, 1), so that one person's name and phone can be told from
/// another's; the business, the facts and the goods are `CASE_LEVEL`. Purged values give none.
pub fn digests(
    conn: &Connection,
    key: &BlindKey,
    body: &CaseOpened,
) -> Result<Vec<(Field, i64, Digest)>> {
    let mut out = Vec::new();
    let mut add = |field: Field, value: Option<String>, person: i64| {
        if let Some(value) = value {
            out.push((field, person, key.digest(field, &value)));
        }
    };
    let value = |sealed: Option<&Sealed>| -> Result<Option<String>> {
        Ok(sealed
            .map(|s| vault::value(conn, s.id))
            .transpose()?
            .flatten())
    };
    let document = |d: &SealedId| -> Result<Option<String>> {
        Ok(value(Some(&d.number))?.map(|number| format!("{}:{number}", d.kind)))
    };
    for (i, p) in body.complainants.iter().enumerate() {
        let i = i as i64;
        add(Field::Name, value(Some(&p.name))?, i);
        add(Field::Phone, value(Some(&p.phone))?, i);
        add(Field::Address, value(p.address.as_ref())?, i);
        if let Some(d) = &p.id_document {
            add(Field::IdNumber, document(d)?, i);
        }
        if let Some(a) = &p.agent {
            add(Field::Agent, document(&a.id_document)?, i);
        }
    }
    if let Some(r) = &body.respondent {
        add(Field::BusinessName, value(Some(&r.name))?, CASE_LEVEL);
    }
    add(Field::Facts, value(Some(&body.matter.facts))?, CASE_LEVEL);
    add(Field::Goods, body.matter.goods.clone(), CASE_LEVEL);
    Ok(out)
}

/// Whether some case still holding its personal data lacks the digests this code makes (a
/// store indexed before the facts were): then the index is made again (`reindex`).
pub fn is_stale(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM cases c WHERE c.purged_at_ms IS NULL AND NOT EXISTS
             (SELECT 1 FROM blind_index b WHERE b.case_id = c.id AND b.field = ?1))",
        [Field::Facts.as_str()],
        |r| r.get(0),
    )?)
}

pub fn forget_case(conn: &Connection, case_id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM blind_index WHERE case_id = ?1")?
        .execute([case_id.to_string()])?;
    Ok(())
}

/// Recomputes the whole index under `key` from the cases' intake and the vault.
pub fn reindex(conn: &Connection, key: &BlindKey) -> Result<u64> {
    conn.execute("DELETE FROM blind_index", [])?;
    let mut stmt = conn.prepare("SELECT id, intake FROM cases WHERE purged_at_ms IS NULL")?;
    let mut rows = stmt.query([])?;
    let mut indexed = 0;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let intake: String = r.get(1)?;
        let case_id = Uuid::parse_str(&id).map_err(|e| read::damaged(&id, e.to_string()))?;
        index_case(conn, key, case_id, &read::parse_intake(&id, &intake)?)?;
        indexed += 1;
    }
    Ok(indexed)
}
