//! Trips as crews log them: a vehicle, its crew, why it went out, the odometer at each end.

use serde::{Deserialize, Serialize};

use crate::officer::Officer;
use crate::time::BEIJING;
use crate::trips::track::TrackReport;
use crate::wire_enum::wire_enum;

wire_enum! {
    /// Why the vehicle went out.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum Purpose {
        /// 巡查: a patrol, the window open wherever the vehicle stops.
        Patrol = "patrol",
        /// Sent to a case (`case_id`).
        Dispatch = "dispatch",
        /// A visit to a consumer-rights service station.
        StationVisit = "station_visit",
        Other = "other",
    }
}

/// Files a track is written as (both WGS-84, as their standards require).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum TrackFormat {
    /// GPX 1.1.
    Gpx,
    /// RFC 7946.
    Geojson,
}

impl TrackFormat {
    pub const ALL: &'static [TrackFormat] = &[TrackFormat::Gpx, TrackFormat::Geojson];

    /// How the format is named where it is chosen as text (the CLI's `--format`).
    pub fn as_str(self) -> &'static str {
        match self {
            TrackFormat::Gpx => "gpx",
            TrackFormat::Geojson => "geojson",
        }
    }
}

/// The datum a map draws in: Chinese map SDKs (Amap, Tencent) draw GCJ-02.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum MapDatum {
    Wgs84,
    Gcj02,
}

/// What the crew enters when the vehicle leaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NewTrip {
    /// The vehicle's registration or fleet number.
    pub vehicle: String,
    /// The crew's names (officers, kept in the clear like every actor).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub crew: Vec<String>,
    /// Staff on board (人次 counts them); at least the named crew. Defaults to the named crew.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub crew_count: Option<u32>,
    pub purpose: Purpose,
    /// The case a dispatch goes to (id or number); required for a dispatch.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub case_id: Option<String>,
    /// The odometer when leaving, km.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub odometer_km: Option<f64>,
    /// A photo of the odometer (an evidence reference).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub odometer_photo: Option<String>,
    /// When it started (ms, UTC), for a trip entered afterwards (a GPX import); now if not
    /// given.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub started_at_ms: Option<i64>,
}

/// A trip as the device holds it, with its measured track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Trip {
    pub id: String,
    pub vehicle: String,
    pub crew: Vec<String>,
    pub crew_count: u32,
    pub purpose: Purpose,
    pub case_id: Option<String>,
    pub started_at_ms: i64,
    pub started_by: Officer,
    pub ended_at_ms: Option<i64>,
    pub start_odometer_km: Option<f64>,
    pub end_odometer_km: Option<f64>,
    pub odometer_photo: Option<String>,
    /// End minus start reading, when both exist.
    pub odometer_distance_km: Option<f64>,
    /// GPS and odometer disagree by more than the centre's tolerance (10 % by default).
    pub odometer_mismatch: bool,
    pub track: TrackReport,
}

impl Trip {
    /// "川A·12345 2026-11-28 09:30": the vehicle and when it left, Beijing time.
    pub fn title(&self) -> String {
        let left = chrono::DateTime::from_timestamp_millis(self.started_at_ms)
            .map(|t| {
                t.with_timezone(&BEIJING)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        format!("{} {left}", self.vehicle)
    }

    /// What an exported track says about its trip.
    pub fn properties(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        [
            ("trip_id", json!(self.id)),
            ("title", json!(self.title())),
            ("vehicle", json!(self.vehicle)),
            ("purpose", json!(self.purpose)),
            ("case_id", json!(self.case_id)),
            ("crew_count", json!(self.crew_count)),
            ("started_at_ms", json!(self.started_at_ms)),
            ("ended_at_ms", json!(self.ended_at_ms)),
            ("distance_m", json!(self.track.distance_m)),
            ("bridged_m", json!(self.track.bridged_m)),
            ("gaps", json!(self.track.gaps.len())),
            ("odometer_distance_km", json!(self.odometer_distance_km)),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect()
    }
}

/// How much shorter than the measured track a simplified route may be.
pub const ROUTE_MAX_LOSS: f64 = 0.005;

/// Limits of what a crew enters.
pub mod limits {
    pub const VEHICLE: usize = 32;
    pub const NAME: usize = 64;
    pub const CREW: usize = 12;
    pub const PHOTO: usize = 128;
    /// Fixes one `record_fixes` call takes.
    pub const FIXES_PER_CALL: usize = 10_000;
    /// Fixes one `FixesRecorded` event holds (DESIGN: a few hundred).
    pub const FIXES_PER_EVENT: usize = 500;
    /// The largest odometer reading taken seriously, km.
    pub const ODOMETER_KM: f64 = 10_000_000.0;
}
