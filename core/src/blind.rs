//! The blind index (DESIGN, personal data): keyed HMAC-SHA256 digests of complainants' phone
//! numbers, names, addresses and identity documents, of agents' identity documents, of
//! businesses' names, and of a case's facts and goods, so that cases can be matched — the
//! Art. 17 flags, repeated reports (Art. 35), search by phone — without comparing plain values. Without the key a digest
//! says nothing; the key is wrapped by the platform like the signing key. The centre's key
//! replaces the device's at enrolment (the sync issue): `reindex` recomputes every digest.
//!
//! The index is derived from the vault, not from events: purging a case deletes its rows.

use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, params};
use sha2::Sha256;
use uuid::Uuid;

use crate::cases::events::{CaseOpened, SealedId};
use crate::cases::read;
use crate::error::{Error, Result};
use crate::events::Digest;
use crate::validate::ascii_form;
use crate::vault::{self, Sealed};
use crate::wire::wire_enum;

wire_enum! {
    /// What a digest was made of; part of the HMAC input, so equal text in two fields never
    /// matches.
    pub enum Field {
        Phone = "phone",
        Name = "name",
        Address = "address",
        BusinessName = "business_name",
        /// A person's identity document: its kind and number.
        IdNumber = "id_number",
        /// The identity document of the agent acting for a person (Art. 11).
        Agent = "agent",
        /// The facts as told, without white space or punctuation.
        Facts = "facts",
        /// The goods or service, likewise.
        Goods = "goods",
    }
}

/// `person` of the digests that belong to the case rather than to one of its people.
pub const CASE_LEVEL: i64 = -1;

pub struct BlindKey([u8; 32]);

impl BlindKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<BlindKey> {
        let key = bytes
            .try_into()
            .map_err(|_| Error::Platform("the blind-index key is not 32 bytes".into()))?;
        Ok(BlindKey(key))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest of `value` as `field`, after normalising what typing varies: full-width
    /// forms, white space, letter case; for text told in words (facts, goods), punctuation too,
    /// so that "identical fact text" means the same words.
    pub fn digest(&self, field: Field, value: &str) -> Digest {
        let words = matches!(field, Field::Facts | Field::Goods);
        let normal: String = ascii_form(value)
            .chars()
            .filter(|c| !c.is_whitespace() && (!words || c.is_alphanumeric()))
            .flat_map(char::to_lowercase)
            .collect();
        // HMAC pads a key shorter than the hash's 64-byte block with zeros; padding it here
        // gives the same MAC through the infallible constructor.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&self.0);
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&block.into());
        mac.update(field.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(normal.as_bytes());
        Digest(mac.finalize().into_bytes().into())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_variants_give_one_digest_fields_and_keys_keep_them_apart() {
        let key = BlindKey([7; 32]);
        let phone = key.digest(Field::Phone, "13812345678");
        assert_eq!(key.digest(Field::Phone, "１３８ 1234 5678"), phone);
        assert_ne!(key.digest(Field::Name, "13812345678"), phone);
        assert_ne!(BlindKey([8; 32]).digest(Field::Phone, "13812345678"), phone);
        assert_eq!(
            key.digest(Field::Address, "五一大道 1 号"),
            key.digest(Field::Address, "五一大道１号")
        );
        // Facts: the same words, whatever the punctuation and spacing.
        assert_eq!(
            key.digest(Field::Facts, "买的牛奶，已经过期了！"),
            key.digest(Field::Facts, "买的牛奶 已经过期了")
        );
        assert_ne!(
            key.digest(Field::Facts, "买的牛奶已经过期了"),
            key.digest(Field::Facts, "买的酸奶已经过期了")
        );
    }
}
