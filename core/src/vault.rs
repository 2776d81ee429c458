//! The personal-data vault. Names, phone numbers, addresses and free text never enter an event
//! body: each value is a vault row with its own random salt, and the event carries a `Sealed`
//! reference — the row's id and the commitment SHA-256(salt || value). Purging deletes rows;
//! the chain stays verifiable forever because it never held the values.
//!
//! On a device the values are encrypted at rest (PIPL; DESIGN): each is sealed with
//! ChaCha20-Poly1305 under the device's vault key, which the platform's keystore wraps, a fresh
//! nonce per value and the row's salt as associated data, so a value copied into another row
//! does not open. The search index's words are keyed the same way (`search_tokens`). The
//! connection does the sealing itself through SQL functions `install` makes, so every statement
//! that writes or reads a value names `seal_value` / `open_value` and none handles the key.
//! The centre's replicas install no key: their values stay as the device sent them.
//!
//! Row ids are sequential (AUTOINCREMENT: never reused, even after a purge), so a write appends
//! at the end of the table's B-tree. Keying rows by their random commitment instead made every
//! insert dirty a random page, and batched appends ten times slower on a grown store.

use std::collections::HashSet;
use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::digest::Digest;
use crate::error::{Error, Result};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &[],
    kept: &["vault"],
};

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
    conn.prepare_cached(
        "INSERT INTO vault (case_id, field, salt, value) VALUES (?1, ?2, ?3, seal_value(?4, ?3))",
    )?
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
    let row: Option<Option<String>> = conn
        .prepare_cached("SELECT open_value(value, salt) FROM vault WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    row.map(|value| value.ok_or_else(|| does_not_open(id)))
        .transpose()
}

pub(crate) fn does_not_open(id: i64) -> Error {
    Error::damaged_record(
        "vault",
        format!(
            "personal-data row {id} does not open under this device's key: altered, or the \
             keystore gave another key"
        ),
    )
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
        .prepare_cached("SELECT salt, open_value(value, salt) FROM vault WHERE id = ?1")?
        .query_row([sealed.id], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<String>>(1)?))
        })
        .optional()?;
    Ok(match row {
        None => Lookup::Missing,
        Some((salt, Some(value))) if commit(&salt, &value) == sealed.sha256 => Lookup::Intact,
        // Changed, or sealed bytes that no longer open.
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

/// Vault rows that purge events have released, collected while the log is read.
#[derive(Default)]
pub struct Purged(HashSet<i64>);

impl Purged {
    pub fn release(&mut self, vault_ids: &[i64]) {
        self.0.extend(vault_ids.iter().copied());
    }

    pub fn contains(&self, id: i64) -> bool {
        self.0.contains(&id)
    }
}

/// The device's key for personal data at rest: the AEAD key of vault values, and a key derived
/// from it for the search index's words.
pub struct VaultKey {
    aead: LessSafeKey,
    search: [u8; 32],
}

/// The first byte of a sealed value: how it was sealed (a value written before encryption is
/// text, not a blob).
const SEALED_V1: u8 = 1;

/// Bytes of a keyed search word (hex in the index): 64 bits, no collisions among the words one
/// device ever holds.
const TOKEN_LEN: usize = 8;

impl VaultKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<VaultKey> {
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, bytes)
            .map_err(|_| Error::Platform("the vault key is not 32 bytes".into()))?;
        let search = hmac(bytes, b"redshield search words");
        Ok(VaultKey {
            aead: LessSafeKey::new(unbound),
            search,
        })
    }

    fn seal(&self, value: &str, salt: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|e| Error::Platform(format!("no secure random numbers: {e}")))?;
        let mut sealed = value.as_bytes().to_vec();
        self.aead
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(salt),
                &mut sealed,
            )
            .map_err(|_| Error::Platform("cannot seal a personal value".into()))?;
        Ok([&[SEALED_V1][..], &nonce, &sealed].concat())
    }

    /// `None`: not sealed by this key, or altered since.
    fn open(&self, stored: &[u8], salt: &[u8]) -> Option<String> {
        let (&version, rest) = stored.split_first()?;
        if version != SEALED_V1 || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buffer = sealed.to_vec();
        let plain = self
            .aead
            .open_in_place(nonce, Aad::from(salt), &mut buffer)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }

    fn token(&self, word: &str) -> String {
        hex::encode(&hmac(&self.search, word.as_bytes())[..TOKEN_LEN])
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Makes the connection's SQL functions for personal data at rest:
/// - `seal_value(value, salt)`: what the vault stores for `value` in a row with `salt`;
/// - `open_value(stored, salt)`: the value again, NULL if it does not open;
/// - `search_tokens(words)`: space-separated words as the search index holds them.
///
/// With no key (the centre's replicas, and a device store until its key is unwrapped) values
/// and words pass through as they are. Installing again replaces the functions.
pub fn install(conn: &Connection, key: Option<Arc<VaultKey>>) -> Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY;
    let sealing = key.clone();
    conn.create_scalar_function("seal_value", 2, flags, move |ctx| {
        let value: String = ctx.get(0)?;
        Ok(match &sealing {
            Some(key) => Value::Blob(key.seal(&value, &salt(ctx)?).map_err(user_error)?),
            None => Value::Text(value),
        })
    })?;
    let opening = key.clone();
    conn.create_scalar_function(
        "open_value",
        2,
        flags | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| {
            Ok(match (ctx.get_raw(0), &opening) {
                // Written before values were sealed (sealed at the next open: `seal_clear_rows`).
                (ValueRef::Text(text), _) => Some(String::from_utf8_lossy(text).into_owned()),
                (ValueRef::Blob(stored), Some(key)) => key.open(stored, &salt(ctx)?),
                _ => None,
            })
        },
    )?;
    conn.create_scalar_function(
        "search_tokens",
        1,
        flags | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| {
            let words: String = ctx.get(0)?;
            Ok(match &key {
                Some(key) => words
                    .split_whitespace()
                    .map(|word| key.token(word))
                    .collect::<Vec<_>>()
                    .join(" "),
                None => words,
            })
        },
    )?;
    Ok(())
}

fn salt(ctx: &Context) -> rusqlite::Result<Vec<u8>> {
    ctx.get(1)
}

fn user_error(e: Error) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(Box::new(e))
}

/// Seals the values a store kept in clear before its vault was encrypted. Returns how many rows
/// it sealed; their old bytes leave the disk with the next checkpoint (the store deletes
/// securely: freed space is zeroed).
pub fn seal_clear_rows(conn: &Connection) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE vault SET value = seal_value(value, salt) WHERE typeof(value) = 'text'",
        [],
    )?)
}

/// Gives every `Sealed`-shaped object in a body the vault id `new_id` maps its id to: an
/// event read in another store than the one that wrote it (`sync::handover`).
pub fn remap_sealed(value: &mut serde_json::Value, new_id: &impl Fn(i64) -> i64) {
    use serde_json::Value;
    match value {
        Value::Object(map) if map.len() == 2 => {
            match serde_json::from_value::<Sealed>(Value::Object(map.clone())) {
                Ok(sealed) => {
                    map.insert("id".into(), Value::from(new_id(sealed.id)));
                }
                Err(_) => map.values_mut().for_each(|v| remap_sealed(v, new_id)),
            }
        }
        Value::Object(map) => map.values_mut().for_each(|v| remap_sealed(v, new_id)),
        Value::Array(items) => items.iter_mut().for_each(|v| remap_sealed(v, new_id)),
        _ => {}
    }
}
