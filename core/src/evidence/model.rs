//! Evidence as the apps give and see it.

use serde::{Deserialize, Serialize};

use crate::evidence::derive::Derived;
use crate::evidence::media::MediaType;
use crate::evidence::metadata::ExifSummary;
use crate::officer::Officer;
use crate::position::GeoPosition;
use crate::wire_enum::wire_enum;

wire_enum! {
    /// What the evidence shows.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum EvidenceKind {
        /// The scene: premises, the place of the dispute.
        Scene = "scene",
        /// The goods in dispute.
        Goods = "goods",
        /// A receipt or invoice (小票, 发票).
        Receipt = "receipt",
        /// A screenshot of an online purchase (PNG allowed).
        Screenshot = "screenshot",
        /// The vehicle's odometer.
        Odometer = "odometer",
        /// A document: a contract, a licence, a letter (PNG allowed).
        Document = "document",
        /// Audio or video: an interview, the full-process record (m4a, mp4).
        Recording = "recording",
        Other = "other",
    }
}

wire_enum! {
    /// What reading an original's content (a photo's pixels, a recording's structure) found.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum ContentStatus {
        /// Nothing found wrong (a HEIC's pixels are not decoded here: its boxes are checked).
        Readable = "readable",
        /// Partly readable: a photo's copies show what decoded, the rest grey.
        Damaged = "damaged",
        /// Nothing could be read: kept byte for byte as the evidence it is, flagged.
        Unreadable = "unreadable",
    }
}

wire_enum! {
    /// Where the device's own fix at capture came from.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum FixSource {
        /// The app passed its current location.
        App = "app",
        /// The newest fix of a trip this device recorded.
        Trip = "trip",
    }
}

/// What the app passes to add evidence: a path, never the bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NewEvidence {
    /// The case's id or number.
    pub case_id: String,
    /// A file the app can read: the camera's JPEG or HEIC, a PNG screenshot, an m4a or mp4.
    pub path: String,
    pub kind: EvidenceKind,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub note: Option<String>,
    /// Burn the case number, trusted time and position into the display copy.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub caption: bool,
    /// Where the device is now (its current fix); else the newest trip fix, if recent.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub place: Option<GeoPosition>,
    /// When `place` was fixed (ms, UTC); now if not given.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub place_time_ms: Option<i64>,
    /// For a HEIC original (`path`), a JPEG the app rendered it to with the platform's own
    /// decoder: the copies are made from it, and its hash is recorded with the original's.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub rendition: Option<String>,
}

/// The JPEG rendition of a HEIC original, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Rendition {
    /// Its SHA-256, lowercase hex: its name in the blob store.
    pub sha256: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    /// What was damaged in its pixels, if anything.
    pub problem: Option<String>,
}

/// The device's own position at capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DeviceFix {
    pub position: GeoPosition,
    pub time_ms: i64,
    pub source: FixSource,
}

/// A piece of evidence as the device holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Evidence {
    pub id: String,
    pub case_id: String,
    pub kind: EvidenceKind,
    pub media_type: MediaType,
    /// The original's SHA-256, lowercase hex: its name in the blob store.
    pub sha256: String,
    pub bytes: u64,
    /// Set once the device pruned the original (`prune_originals`): the centre holds it, the
    /// archive; the hash, the display copy and the thumbnail stay here. Trusted time, ms.
    pub original_archived_at_ms: Option<i64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u64>,
    /// Photos only.
    pub exif: Option<ExifSummary>,
    /// What reading the original found; `content_problem` says what, unless readable.
    pub content: ContentStatus,
    pub content_problem: Option<String>,
    pub display: Option<Derived>,
    pub thumbnail: Option<Derived>,
    /// Why a photo has no display copy and thumbnail: its pixels do not decode, it would not
    /// decode within the budget, or it is a HEIC given without a rendition.
    pub no_display_copy: Option<String>,
    /// The JPEG rendition the copies of a HEIC original were made from.
    pub rendition: Option<Rendition>,
    pub device_fix: Option<DeviceFix>,
    /// Trusted time of capture.
    pub captured_at_ms: i64,
    pub captured_by: Officer,
    pub note: Option<String>,
    /// The event that records it.
    pub seq: u64,
}

/// Limits of what an officer enters.
pub mod limits {
    pub const NOTE: usize = 2000;
    /// A device fix older than this at capture is not the device's position then.
    pub const FIX_MAX_AGE_MS: i64 = 10 * 60 * 1000;
}
