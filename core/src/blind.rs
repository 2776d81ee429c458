//! The blind index (DESIGN, personal data): keyed HMAC-SHA256 digests of complainants' phone
//! numbers, names and addresses and of businesses' names, so that cases can be matched — the
//! Art. 17 flags, search by phone — without comparing plain values. Without the key a digest
//! says nothing; the key is wrapped by the platform like the signing key. The centre's key
//! replaces the device's at enrolment (the sync issue): `reindex` recomputes every digest.
//!
//! The index is derived from the vault, not from events: purging a case deletes its rows.

use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, params};
use sha2::Sha256;
use uuid::Uuid;

use crate::cases::events::CaseOpened;
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
    }
}

pub struct BlindKey([u8; 32]);

impl BlindKey {
    pub fn generate() -> Result<BlindKey> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| Error::Platform(format!("no secure random numbers: {e}")))?;
        Ok(BlindKey(key))
    }

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
    /// forms, white space, letter case.
    pub fn digest(&self, field: Field, value: &str) -> Digest {
        let normal: String = ascii_form(value)
            .chars()
            .filter(|c| !c.is_whitespace())
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

/// The digests of one case's people and business under `key`, from the vault: (field,
/// person, digest). `person` numbers the complainants (0, 1), so that one person's name and
/// phone can be told from another's; a business is person -1. Purged values give none.
pub fn digests(
    conn: &Connection,
    key: &BlindKey,
    body: &CaseOpened,
) -> Result<Vec<(Field, i64, Digest)>> {
    let mut out = Vec::new();
    let mut add = |field: Field, sealed: Option<&Sealed>, person: i64| -> Result<()> {
        if let Some(value) = sealed
            .map(|s| vault::value(conn, s.id))
            .transpose()?
            .flatten()
        {
            out.push((field, person, key.digest(field, &value)));
        }
        Ok(())
    };
    for (i, p) in body.complainants.iter().enumerate() {
        add(Field::Name, Some(&p.name), i as i64)?;
        add(Field::Phone, Some(&p.phone), i as i64)?;
        add(Field::Address, p.address.as_ref(), i as i64)?;
    }
    if let Some(r) = &body.respondent {
        add(Field::BusinessName, Some(&r.name), -1)?;
    }
    Ok(out)
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
    }
}
