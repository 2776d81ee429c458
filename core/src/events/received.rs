//! Signed events of other devices, held as they were received (a case handed over brings its
//! history: `centre::handover`), each with the key of the device that signed it.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::events::decode;
use crate::events::log::StoredRow;
use crate::signing::VerifyingKey;

/// A handed-over event as stored, with its holder's key, by its (negative) seq: the evidence
/// verifier checks received evidence against the key of the device that captured it.
pub fn signed_event(conn: &Connection, seq: i64) -> Result<Option<(StoredRow, VerifyingKey)>> {
    let row = conn
        .prepare_cached(
            "SELECT canonical, hash, signature, public_key FROM handover_events WHERE seq = ?1",
        )?
        .query_row([seq], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })
        .optional()?;
    let Some((canonical, hash, signature, key)) = row else {
        return Ok(None);
    };
    let envelope = decode(&canonical).map_err(|reason| Error::Corrupt {
        seq: seq as u64,
        reason,
    })?;
    let row = StoredRow {
        seq: seq as u64,
        id: envelope.id.to_string(),
        event_type: envelope.event_type,
        body_version: envelope.body_version,
        case_id: None,
        canonical,
        hash,
        signature,
    };
    Ok(Some((row, parse_key(&key)?)))
}

pub fn parse_key(bytes: &[u8]) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::invalid("handover", "a holder's key is not 32 bytes"))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::invalid("handover", "a holder's key is not an Ed25519 key"))
}
