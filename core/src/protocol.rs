//! Protocol v1 between a device and the centre: the JSON both sides speak, defined once here.
//!
//! Paths carry the version (`/v1/…`) and every request the header `Redshield-Protocol`; a
//! server refuses a version older than it supports with `426` and the code `update_app`, and
//! one newer than it serves with `400` and the code `update_centre` (never serving it as an
//! older one).
//! Every response body carries `protocol` and `server_time_ms`. Delivery is proven by the
//! body, never by a status code: a push receipt names the device and the hash of the last
//! event the server holds, which the device compares with its own (a captive portal's 200
//! page, a proxy's error page or a truncated body proves nothing and is not taken).
//!
//! Endpoints:
//! - `POST /v1/enrol` — `EnrolRequest` → `Enrolled` (no token yet: the one-time code is the
//!   credential).
//! - `POST /v1/devices/{device_id}/events` — `Push` → `PushReceipt` (bearer token).
//! - `GET /v1/devices/{device_id}/server-events?after=N` → `ServerEvents` (bearer token).
//! - `HEAD /v1/blobs/{sha256}` → headers `redshield-blob-received` and `redshield-blob-complete`
//!   (a HEAD has no body); `PUT /v1/blobs/{sha256}?offset=N` (chunks up to `MAX_BODY_BYTES`,
//!   `redshield-blob-final: true` on the last) → `BlobReceipt`; a wrong offset is `409` with a
//!   `BlobReceipt` giving the bytes held, where the upload resumes.
//! - `GET /healthz`, `GET /metrics`, `GET /openapi.json`.

pub use crate::clocks::extension::{EXTENSION_DECIDED, ExtensionDecided};
pub use crate::dispatch::{CASE_DISPATCHED, CaseDispatched};
pub use crate::error::RefusalCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cases::model::Outcome;
use crate::events::Digest;

/// The version this build speaks.
pub const PROTOCOL: u32 = 1;
/// The oldest client version the server still serves.
pub const OLDEST_SUPPORTED: u32 = 1;
/// The request header naming the client's protocol version.
pub const PROTOCOL_HEADER: &str = "redshield-protocol";
/// Bytes of a blob the centre holds (`HEAD` and `PUT` of a blob).
pub const BLOB_RECEIVED_HEADER: &str = "redshield-blob-received";
/// Whether the centre holds a blob whole and verified.
pub const BLOB_COMPLETE_HEADER: &str = "redshield-blob-complete";
/// Sent with a blob's last chunk (`true`): verify the whole and complete it.
pub const BLOB_FINAL_HEADER: &str = "redshield-blob-final";
/// The size of the chunks a device uploads a blob in.
pub const BLOB_CHUNK_BYTES: usize = 1024 * 1024;
/// Events per push request (the client batches; the server refuses more).
pub const MAX_EVENTS_PER_PUSH: usize = 500;
/// The largest request body the server reads (a push of 500 fix batches fits well within).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A device enrolling with a code issued at the centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub code: String,
    pub device_id: Uuid,
    /// The device's Ed25519 public key, lowercase hex: every event it pushes must verify
    /// against it.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{64}$"))]
    pub public_key: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub device_prefix: String,
    pub app_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Enrolled {
    pub protocol: u32,
    pub server_time_ms: i64,
    pub device_id: Uuid,
    /// The bearer token for every later request; the server keeps only its hash.
    pub token: String,
    /// The centre's Ed25519 public key, hex: the device pins it and verifies server events.
    pub centre_key: String,
}

/// An event as stored on the device: the exact canonical bytes (UTF-8 JSON text), their
/// SHA-256 and the device's signature. Everything else is read from the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WireEvent {
    pub canonical: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{64}$"))]
    pub hash: Digest,
    /// Ed25519 signature of `hash`, hex.
    pub signature: String,
}

/// A personal-data row an event refers to: it travels with its event (DESIGN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WireVaultRow {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    pub field: String,
    /// Hex.
    pub salt: String,
    pub value: String,
}

/// Events after the device's last acknowledged seq, in order, with their vault rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Push {
    pub events: Vec<WireEvent>,
    pub vault: Vec<WireVaultRow>,
}

/// What the server holds after a push: the highest contiguous seq and that event's hash
/// (the proof of delivery), and the seqs it stored as forks or as conflicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushReceipt {
    pub protocol: u32,
    pub server_time_ms: i64,
    pub device_id: Uuid,
    pub acked_seq: u64,
    /// The hash of event `acked_seq` as the server holds it (`ZERO` when it holds none).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{64}$"))]
    pub acked_hash: Digest,
    /// Events of this push newly stored (not counting ones already held).
    pub stored: u32,
    /// Seqs whose event differs from the one already held: stored aside and flagged.
    pub forks: Vec<u64>,
    /// Seqs stored but flagged for the centre: the case was reassigned or closed meanwhile.
    pub conflicts: Vec<u64>,
}

/// An event of the centre for a device: dispatch, assignment, decisions, reference data.
/// Numbered in the server's sequence, signed with the centre key over `hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServerEvent {
    pub server_seq: u64,
    /// Canonical JSON of `ServerEventBody`.
    pub canonical: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{64}$"))]
    pub hash: Digest,
    pub signature: String,
    /// Personal data a decision carries (a case the centre received, a supervision note):
    /// outside the signed bytes, which hold its commitment, so that the device's record of
    /// the decision never holds the values and a purge can delete them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// A value sent beside a server event; the signed body commits to SHA-256(salt || value),
/// as an event commits to a vault row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Hex.
    pub salt: String,
    pub value: String,
}

impl Attachment {
    /// The commitment the signed body carries.
    pub fn commitment(&self) -> Option<Digest> {
        let salt = hex::decode(&self.salt).ok()?;
        Some(crate::vault::commit(&salt, &self.value))
    }
}

/// What a server event says; its canonical form is what the centre signs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServerEventBody {
    pub server_seq: u64,
    /// `None`: for every device (reference data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Uuid>,
    #[serde(rename = "type")]
    pub event_type: String,
    pub time_ms: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServerEvents {
    pub protocol: u32,
    pub server_time_ms: i64,
    pub device_id: Uuid,
    pub events: Vec<ServerEvent>,
}

/// Reference data the centre publishes to every device: the departments directory for
/// referrals (server event type `DepartmentsPublished`). It replaces the device's directory.
pub const DEPARTMENTS_PUBLISHED: &str = "DepartmentsPublished";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DepartmentsPublished {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub departments: Vec<crate::cases::departments::Department>,
}

/// Reference data for every device: the urban areas inside which a dispatched vehicle must
/// be on site within 30 minutes (server event type `UrbanAreasPublished`). The GeoJSON travels
/// as text: a signed body holds no floating point. It replaces the device's areas.
pub const URBAN_AREAS_PUBLISHED: &str = "UrbanAreasPublished";
pub use crate::dispatch::areas::MAX_URBAN_AREAS_BYTES;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrbanAreasPublished {
    /// A FeatureCollection of Polygon / MultiPolygon features, WGS-84, `properties.name`.
    pub geojson: String,
}

/// Reference data for every device: a year's public holidays and adjusted working days
/// (server event type `CalendarYearPublished`, the body a `calendar::years::YearData`). It
/// replaces that year's calendar on the device.
pub const CALENDAR_YEAR_PUBLISHED: &str = "CalendarYearPublished";

/// 督办: a supervisor's note on a case with the day it must be answered by (server event type
/// `CaseSupervised`); the note is the attachment.
pub const CASE_SUPERVISED: &str = "CaseSupervised";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSupervised {
    pub case_id: Uuid,
    /// Beijing date, `YYYY-MM-DD`.
    pub due_on: String,
    pub note_sha256: Digest,
}

/// The centre's closure decision (server event type `CaseClosed`): the owning device closes
/// the case with `outcome`.
pub const CASE_CLOSED: &str = "CaseClosed";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseClosed {
    pub case_id: Uuid,
    pub outcome: Outcome,
}

/// Ownership moved (server event type `CaseAssigned`), sent to the new owner and the previous.
pub const CASE_ASSIGNED: &str = "CaseAssigned";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseAssigned {
    pub case_id: Uuid,
    pub device: Uuid,
    /// The commitment to the case's history (`Handover`, JSON), sent to the new owner as the
    /// event's attachment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover_sha256: Option<Digest>,
}

/// A reassigned case's history for its new owner: each earlier holder's signed events for
/// the case and the personal-data rows they refer to, oldest holder first (`sync::handover`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    pub holders: Vec<HolderLog>,
}

/// One earlier holder's part of a `Handover`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolderLog {
    pub device: Uuid,
    /// The holder's Ed25519 public key, hex: its events are checked against it.
    pub public_key: String,
    /// In the holder's seq order.
    pub events: Vec<WireEvent>,
    pub vault: Vec<WireVaultRow>,
}

/// Reference data for every device: the centre's officer roster (server event type
/// `RosterPublished`). It replaces the device's roster; sign-in is checked against it.
pub const ROSTER_PUBLISHED: &str = "RosterPublished";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RosterPublished {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub officers: Vec<crate::roster::RosterEntry>,
}

/// Reference data for every device: the rule-set parameters (server event type
/// `ParametersPublished`, the body a `parameters::Parameters`). They replace the device's.
pub const PARAMETERS_PUBLISHED: &str = "ParametersPublished";

/// Reference data for every device: the agency its documents name and how it numbers its
/// 调解书 (server event type `AgencyPublished`, the body an `agency::Agency`).
pub const AGENCY_PUBLISHED: &str = "AgencyPublished";

/// A block of 调解书 numbers for one device (server event type `NumbersAssigned`). Published
/// to every device, so that the centre's own stream lists every block it gave; only the device
/// named applies it.
pub const NUMBERS_ASSIGNED: &str = "NumbersAssigned";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NumbersAssigned {
    pub device: Uuid,
    pub year: i32,
    pub first: u32,
    pub last: u32,
}

impl NumbersAssigned {
    pub fn block(&self) -> crate::agency::NumberBlock {
        crate::agency::NumberBlock {
            year: self.year,
            first: self.first,
            last: self.last,
        }
    }
}

/// Where an upload stands: bytes held so far, and whether the whole blob is verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlobReceipt {
    pub protocol: u32,
    pub server_time_ms: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{64}$"))]
    pub sha256: Digest,
    pub received: u64,
    pub complete: bool,
}

/// Every refusal: a stable code the client acts on, and words for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub protocol: u32,
    pub server_time_ms: i64,
    pub error: Refusal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    pub code: RefusalCode,
    pub message: String,
}
