//! `EvidenceCaptured`: the link of a photo or recording into its case's signed chain. Integers
//! only (canonical bodies hold no floating point): degrees ×1e7, centimetres.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::events::{Digest, EventBody, Projection};
use crate::evidence::media::MediaType;
use crate::evidence::metadata::ExifStatus;
use crate::evidence::model::{ContentStatus, EvidenceKind, FixSource};
use crate::position::GeoPoint;
use crate::vault::Sealed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceCaptured {
    pub evidence_id: Uuid,
    pub case_id: Uuid,
    pub kind: EvidenceKind,
    pub original: Original,
    /// Photos only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exif: Option<ExifBody>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<DerivedBody>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<DerivedBody>,
    /// Where the device itself was at capture, and when that fix was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_fix: Option<DeviceFixBody>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Sealed>,
    /// The JPEG the app rendered a HEIC original to, from which the copies were made: the
    /// link between the two, kept as a blob and checked by the verifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendition: Option<RenditionBody>,
    /// What reading the original found wrong: its pixels damaged in part (the copies show
    /// what decoded), or nothing readable (a recording cut off before its index was written).
    /// Absent: nothing found wrong. The original is kept as it is either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<ContentBody>,
    /// Why a photo has no display copy and thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_display_copy: Option<String>,
}

impl EventBody for EvidenceCaptured {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Evidence];
    const TYPE: &'static str = "EvidenceCaptured";
    /// v2 added `rendition`, `content`, `no_display_copy` and the EXIF status `partial`; a v1
    /// body reads as a v2 body without them.
    const VERSION: u32 = 2;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::captured(at.conn, at.event, self)
    }

    fn upcast(version: u32, body: serde_json::Value) -> Result<Self, String> {
        match version {
            1 => serde_json::from_value(body).map_err(|e| format!("EvidenceCaptured v1: {e}")),
            _ => Err(format!("EvidenceCaptured has no body version {version}")),
        }
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        self.note.into_iter().collect()
    }
}

/// The untouched original, as stored in the blob store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Original {
    pub sha256: Digest,
    pub bytes: u64,
    pub media_type: MediaType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExifBody {
    pub status: ExifStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_local: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_offset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat_e7: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon_e7: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude_cm: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_cm: Option<i64>,
    pub orientation: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedBody {
    pub sha256: Digest,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub quality: u8,
    pub max_long_edge: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caption: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenditionBody {
    pub sha256: Digest,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    /// What was damaged in the rendition's pixels, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentBody {
    pub status: ContentStatus,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceFixBody {
    pub point: GeoPoint,
    pub time_ms: i64,
    pub source: FixSource,
}

impl EvidenceCaptured {
    /// Every blob the event names, by role: the original, the rendition, the copies.
    pub fn blobs(&self) -> Vec<(&'static str, Digest)> {
        let copies = [
            ("rendition", self.rendition.as_ref().map(|r| r.sha256)),
            ("display", self.display.as_ref().map(|d| d.sha256)),
            ("thumbnail", self.thumbnail.as_ref().map(|d| d.sha256)),
        ];
        std::iter::once(("original", self.original.sha256))
            .chain(
                copies
                    .into_iter()
                    .filter_map(|(role, sha)| sha.map(|s| (role, s))),
            )
            .collect()
    }
}
