//! A GNSS fix as the phone (or a GPX file) gives it.

use serde::{Deserialize, Serialize};

/// One position report. Latitude and longitude are WGS-84 degrees, as GNSS gives them (a map
/// in China shows GCJ-02: convert for display only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct Fix {
    pub latitude: f64,
    pub longitude: f64,
    /// Horizontal accuracy (68 % radius), metres; GPX files and many loggers have none.
    #[uniffi(default)]
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    /// GNSS time, ms since the Unix epoch (UTC).
    pub time_ms: i64,
    #[uniffi(default)]
    #[serde(default)]
    pub altitude_m: Option<f64>,
    /// Speed over ground, m/s, when the receiver reports it.
    #[uniffi(default)]
    #[serde(default)]
    pub speed_mps: Option<f64>,
    /// Degrees clockwise from true north.
    #[uniffi(default)]
    #[serde(default)]
    pub bearing_deg: Option<f64>,
    /// "gps", "network", "fused", …
    #[uniffi(default)]
    #[serde(default)]
    pub provider: Option<String>,
    /// Android reported a mock location: kept, but flagged.
    #[uniffi(default)]
    #[serde(default)]
    pub mock: bool,
    /// `Platform::monotonic_ms` when the fix was taken (Android `elapsedRealtimeNanos`): with
    /// provider `gps`, the fix's time then anchors trusted time on GNSS. Not stored.
    #[uniffi(default)]
    #[serde(default, skip_serializing)]
    pub monotonic_ms: Option<u64>,
}

impl Fix {
    /// A fix with a position and a time only, as a GPX track point is.
    pub fn at(latitude: f64, longitude: f64, time_ms: i64) -> Fix {
        Fix {
            latitude,
            longitude,
            accuracy_m: None,
            time_ms,
            altitude_m: None,
            speed_mps: None,
            bearing_deg: None,
            provider: None,
            mock: false,
            monotonic_ms: None,
        }
    }
}
