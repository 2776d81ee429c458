//! Events and vault rows in their wire form: read from a device's store to push, and checked
//! on arrival against the sender's key and chain.

use crate::signing::VerifyingKey;
use rusqlite::Connection;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::log::StoredRow;
use crate::events::verify::{Break, check_link};
use crate::events::{Digest, Entry, Envelope, decode};
use crate::journal::Body;
use crate::protocol::{ServerEvent, ServerEventBody, WireEvent, WireVaultRow};
use crate::vault::{self, Sealed};

/// Up to `limit` events after `seq`, in order, with the vault rows they refer to (rows purged
/// since are simply absent).
pub fn outbox(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<(Vec<WireEvent>, Vec<WireVaultRow>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, canonical, hash, signature FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt
        .query_map([after.min(i64::MAX as u64) as i64, limit as i64], |r| {
            Ok(Stored {
                seq: r.get::<_, i64>(0)? as u64,
                canonical: r.get(1)?,
                hash: r.get(2)?,
                signature: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    with_vault_rows(conn, rows)
}

/// An event as its row holds it.
pub(crate) struct Stored {
    pub seq: u64,
    pub canonical: Vec<u8>,
    pub hash: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Stored events as they travel, with each vault row they refer to once (rows purged since
/// are simply absent).
pub(crate) fn with_vault_rows(
    conn: &Connection,
    rows: Vec<Stored>,
) -> Result<(Vec<WireEvent>, Vec<WireVaultRow>)> {
    let mut events = Vec::with_capacity(rows.len());
    let mut vault_rows: Vec<WireVaultRow> = Vec::new();
    for row in rows {
        let corrupt = |reason: String| Error::Corrupt {
            seq: row.seq,
            reason,
        };
        let event = to_wire(row.canonical, &row.hash, &row.signature).map_err(corrupt)?;
        for sealed in references(&event).map_err(corrupt)? {
            if vault_rows.iter().any(|r| r.id == sealed.id) {
                continue;
            }
            if let Some(row) = vault_row(conn, sealed.id)? {
                vault_rows.push(row);
            }
        }
        events.push(event);
    }
    Ok((events, vault_rows))
}

/// A stored event as it travels, or why its row cannot be one.
fn to_wire(
    canonical: Vec<u8>,
    hash: &[u8],
    signature: &[u8],
) -> std::result::Result<WireEvent, String> {
    Ok(WireEvent {
        canonical: String::from_utf8(canonical)
            .map_err(|_| "canonical bytes are not UTF-8".to_string())?,
        hash: Digest::from_slice(hash).ok_or("stored hash is not 32 bytes")?,
        signature: hex::encode(signature),
    })
}

/// The vault references of a stored event's body, or why it cannot be read.
fn references(event: &WireEvent) -> std::result::Result<Vec<Sealed>, String> {
    let envelope = decode(event.canonical.as_bytes())?;
    let body = Body::decode(&envelope.event_type, envelope.body_version, envelope.body)?;
    Ok(body.personal_data())
}

fn vault_row(conn: &Connection, id: i64) -> Result<Option<WireVaultRow>> {
    use rusqlite::OptionalExtension;
    let row = conn
        .prepare_cached(
            "SELECT case_id, field, salt, open_value(value, salt) FROM vault WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })
        .optional()?;
    row.map(|(case_id, field, salt, value)| {
        Ok(WireVaultRow {
            id,
            case_id: case_id
                .map(|c| Uuid::parse_str(&c))
                .transpose()
                .map_err(|e| Error::damaged_record("vault", format!("row {id}: case id: {e}")))?,
            field,
            salt: hex::encode(salt),
            value: value.ok_or_else(|| crate::vault::does_not_open(id))?,
        })
    })
    .transpose()
}

/// A pushed event checked as the next link of `device`'s chain: its bytes against its hash,
/// the hash against the device's key, `seq` and `prev_hash` against the chain so far. What the
/// device's own verifier checks, on the server — except that a body this code cannot read (a
/// newer app's event type or version) does not refuse the event: it is held, and projected
/// once the centre is upgraded.
pub struct Checked {
    pub envelope: Envelope,
    /// The decoded body, or why this code cannot read it.
    pub body: std::result::Result<Body, String>,
    pub hash: Digest,
    pub signature: Vec<u8>,
}

impl Checked {
    /// The vault rows the event commits to: from the body when it is known, else every
    /// reference-shaped object in it (each still checked against its commitment).
    pub fn references(&self) -> Vec<Sealed> {
        match &self.body {
            Ok(body) => body.personal_data(),
            Err(_) => sealed_in(&self.envelope.body),
        }
    }
}

pub fn check(
    event: &WireEvent,
    expected_seq: u64,
    prev: Digest,
    device: Uuid,
    key: &VerifyingKey,
) -> std::result::Result<Checked, Break> {
    let broken = |reason: String| Break {
        seq: expected_seq,
        reason,
    };
    let envelope = decode(event.canonical.as_bytes())
        .map_err(|e| broken(format!("the event does not decode: {e}")))?;
    let signature =
        hex::decode(&event.signature).map_err(|_| broken("the signature is not hex".into()))?;
    let row = StoredRow {
        seq: envelope.seq,
        id: envelope.id.to_string(),
        event_type: envelope.event_type.clone(),
        body_version: envelope.body_version,
        case_id: None,
        canonical: event.canonical.as_bytes().to_vec(),
        hash: event.hash.0.to_vec(),
        signature: signature.clone(),
    };
    let (hash, envelope) = check_link(&row, expected_seq, prev, device, key)?;
    let body = Body::decode(
        &envelope.event_type,
        envelope.body_version,
        envelope.body.clone(),
    );
    Ok(Checked {
        envelope,
        body,
        hash,
        signature,
    })
}

/// Every object of the form of a `Sealed` reference (`{"id": …, "sha256": …}`) in a body.
fn sealed_in(value: &serde_json::Value) -> Vec<Sealed> {
    use serde_json::Value;
    match value {
        Value::Object(map) if map.len() == 2 => serde_json::from_value(value.clone())
            .map(|s| vec![s])
            .unwrap_or_else(|_| map.values().flat_map(sealed_in).collect()),
        Value::Object(map) => map.values().flat_map(sealed_in).collect(),
        Value::Array(items) => items.iter().flat_map(sealed_in).collect(),
        _ => Vec::new(),
    }
}

/// Whether a vault row is the one a reference commits to.
pub fn vault_row_matches(row: &WireVaultRow, sealed: &Sealed) -> bool {
    row.id == sealed.id
        && hex::decode(&row.salt)
            .is_ok_and(|salt| vault::commit(&salt, &row.value) == sealed.sha256)
}

/// A server event checked: its bytes against its hash, the hash against the centre's pinned
/// key, its number against the body's, and meant for `device` or for every device.
pub fn check_server_event(
    event: &ServerEvent,
    key: &VerifyingKey,
    device: Uuid,
) -> std::result::Result<ServerEventBody, String> {
    use crate::signing::Signature;
    if Digest::of(&[event.canonical.as_bytes()]) != event.hash {
        return Err("its bytes do not match its hash".into());
    }
    let signature = hex::decode(&event.signature)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or("its signature is not 64 hex bytes")?;
    key.verify_strict(&event.hash.0, &signature)
        .map_err(|_| "it is not signed by the centre this device enrolled with".to_string())?;
    let body: ServerEventBody =
        serde_json::from_str(&event.canonical).map_err(|e| format!("it does not decode: {e}"))?;
    if body.server_seq != event.server_seq {
        return Err("its number differs from the signed one".into());
    }
    if body.device.is_some_and(|d| d != device) {
        return Err("it is meant for another device".into());
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use crate::signing::SigningKey;

    use super::*;

    fn signed(key: &SigningKey, device: Option<Uuid>, canonical_seq: u64) -> ServerEvent {
        let body = ServerEventBody {
            server_seq: canonical_seq,
            device,
            event_type: "CaseAssigned".into(),
            time_ms: 1,
            body: serde_json::json!({"case": "x"}),
        };
        let canonical = String::from_utf8(
            crate::events::canonical::encode(&serde_json::to_value(&body).unwrap()).unwrap(),
        )
        .unwrap();
        let hash = Digest::of(&[canonical.as_bytes()]);
        ServerEvent {
            server_seq: 7,
            canonical,
            hash,
            signature: hex::encode(key.sign(&hash.0).to_bytes()),
            attachment: None,
        }
    }

    #[test]
    fn references_are_found_in_a_body_of_an_unknown_type() {
        let digest = Digest::of(&[b"x"]);
        let body = serde_json::json!({
            "who": {"id": 3, "sha256": digest},
            "list": [{"note": {"id": 4, "sha256": digest}}, {"id": 5, "label": "not one"}],
            "pair": {"a": 1, "b": 2},
        });
        let mut ids: Vec<i64> = sealed_in(&body).iter().map(|s| s.id).collect();
        ids.sort();
        assert_eq!(ids, [3, 4]);
    }

    #[test]
    fn only_the_pinned_centres_own_events_for_this_device_are_taken() {
        let centre = SigningKey::from_bytes(&[7; 32]);
        let forger = SigningKey::from_bytes(&[9; 32]);
        let me = Uuid::from_u128(1);
        let key = centre.verifying_key();
        assert!(check_server_event(&signed(&centre, Some(me), 7), &key, me).is_ok());
        assert!(check_server_event(&signed(&centre, None, 7), &key, me).is_ok());

        let forged = check_server_event(&signed(&forger, Some(me), 7), &key, me);
        assert!(forged.unwrap_err().contains("not signed by the centre"));
        let elsewhere = check_server_event(&signed(&centre, Some(Uuid::from_u128(2)), 7), &key, me);
        assert!(elsewhere.unwrap_err().contains("another device"));
        let renumbered = check_server_event(&signed(&centre, Some(me), 8), &key, me);
        assert!(renumbered.unwrap_err().contains("number"));
        let mut altered = signed(&centre, Some(me), 7);
        altered.canonical = altered.canonical.replace("CaseAssigned", "CaseClosed__");
        assert!(
            check_server_event(&altered, &key, me)
                .unwrap_err()
                .contains("hash")
        );
    }
}
