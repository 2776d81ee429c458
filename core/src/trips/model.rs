//! Trips as crews log them: a vehicle, its crew, why it went out, the odometer at each end.

use serde::{Deserialize, Serialize};

use crate::officer::Officer;
use crate::trips::track::TrackReport;
use crate::wire::wire_enum;

wire_enum! {
    /// Why the vehicle went out.
    #[derive(uniffi::Enum)]
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

/// What the crew enters when the vehicle leaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct NewTrip {
    /// The vehicle's registration or fleet number.
    pub vehicle: String,
    /// The crew's names (officers, kept in the clear like every actor).
    #[uniffi(default)]
    #[serde(default)]
    pub crew: Vec<String>,
    /// Staff on board (人次 counts them); at least the named crew. Defaults to the named crew.
    #[uniffi(default)]
    #[serde(default)]
    pub crew_count: Option<u32>,
    pub purpose: Purpose,
    /// The case a dispatch goes to (id or number); required for a dispatch.
    #[uniffi(default)]
    #[serde(default)]
    pub case_id: Option<String>,
    /// The odometer when leaving, km.
    #[uniffi(default)]
    #[serde(default)]
    pub odometer_km: Option<f64>,
    /// A photo of the odometer (an evidence reference).
    #[uniffi(default)]
    #[serde(default)]
    pub odometer_photo: Option<String>,
    /// When it started (ms, UTC), for a trip entered afterwards (a GPX import); now if not
    /// given.
    #[uniffi(default)]
    #[serde(default)]
    pub started_at_ms: Option<i64>,
}

/// A trip as the device holds it, with its measured track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
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
    /// GPS and odometer disagree by more than `ODOMETER_TOLERANCE`.
    pub odometer_mismatch: bool,
    pub track: TrackReport,
}

/// How far GPS and odometer kilometres may differ before the trip is flagged.
pub const ODOMETER_TOLERANCE: f64 = 0.10;

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
