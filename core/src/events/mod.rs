//! The event log: every act is an immutable event, sealed (canonical bytes, SHA-256, Ed25519)
//! and appended to the device's hash chain. See DESIGN.md "The event log".

pub mod body;
pub mod canonical;
pub mod changes;
pub mod log;
pub mod received;
pub mod time;
pub mod verify;

use crate::signing::{Signature, SigningKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::officer::Officer;
use crate::position::GeoPoint;

pub use crate::digest::Digest;
pub use body::{Entry, EventBody, Projection, ReadStored};
pub use changes::{Changes, Topic};
pub use time::{EventTime, TimeSource};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &[],
    kept: &["events"],
};

/// Version of the envelope below. Bodies carry their own versions.
pub const ENVELOPE_FORMAT: u32 = 1;

/// What is hashed and signed: everything about an event. Serialised canonically
/// (`canonical::encode`), so the field names here are the wire format: do not rename them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub format: u32,
    pub id: Uuid,
    pub device: Uuid,
    pub seq: u64,
    pub prev_hash: Digest,
    #[serde(rename = "type")]
    pub event_type: String,
    pub body_version: u32,
    pub time: EventTime,
    /// The device's position when the event was made, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<GeoPoint>,
    pub actor: Officer,
    pub body: Value,
}

/// An event as stored: the envelope, the exact bytes that were hashed, the hash and signature.
#[derive(Debug, Clone)]
pub struct SealedEvent {
    pub envelope: Envelope,
    pub canonical: Vec<u8>,
    pub hash: Digest,
    pub signature: Signature,
}

impl SealedEvent {
    /// Encodes, hashes and signs. The signature covers the hash, which covers every field.
    pub fn seal(envelope: Envelope, signer: &SigningKey) -> Result<SealedEvent> {
        let value = serde_json::to_value(&envelope).map_err(|e| Error::Encoding(e.to_string()))?;
        let canonical = canonical::encode(&value)?;
        let hash = Digest::of(&[&canonical]);
        let signature = signer.sign(&hash.0);
        Ok(SealedEvent {
            envelope,
            canonical,
            hash,
            signature,
        })
    }
}

/// Reads canonical bytes back into an envelope.
pub fn decode(canonical: &[u8]) -> std::result::Result<Envelope, String> {
    serde_json::from_slice(canonical).map_err(|e| e.to_string())
}
