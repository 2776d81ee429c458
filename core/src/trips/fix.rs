//! A GNSS fix as the phone (or a GPX file) gives it.

use serde::{Deserialize, Serialize};

use crate::time::{Anchor, GNSS_UNCERTAINTY_MS, TimeSource};

/// One position report. Latitude and longitude are WGS-84 degrees, as GNSS gives them (a map
/// in China shows GCJ-02: convert for display only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Fix {
    pub latitude: f64,
    pub longitude: f64,
    /// Horizontal accuracy (68 % radius), metres; GPX files and many loggers have none.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    /// GNSS time, ms since the Unix epoch (UTC).
    pub time_ms: i64,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub altitude_m: Option<f64>,
    /// Speed over ground, m/s, when the receiver reports it.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub speed_mps: Option<f64>,
    /// Degrees clockwise from true north.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub bearing_deg: Option<f64>,
    /// "gps", "network", "fused", …
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub provider: Option<String>,
    /// Android reported a mock location: kept, but flagged.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub mock: bool,
    /// `Platform::monotonic_ms` when the fix was taken (Android `elapsedRealtimeNanos`): with
    /// provider `gps`, the fix's time then anchors trusted time on GNSS. Not stored.
    #[cfg_attr(feature = "ffi", uniffi(default))]
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

/// GNSS time from the newest `gps` fix that carries its monotonic stamp (not a mock location).
pub fn gnss_anchor(fixes: &[Fix]) -> Option<Anchor> {
    fixes
        .iter()
        .filter(|f| !f.mock && f.provider.as_deref() == Some("gps"))
        // No satellite gave a time before the GPS epoch: a receiver that never had a fix.
        .filter(|f| f.time_ms >= super::filter::GPS_EPOCH_MS)
        .filter_map(|f| f.monotonic_ms.map(|m| (m, f.time_ms)))
        .max_by_key(|(m, _)| *m)
        .map(|(monotonic_ms, true_ms)| Anchor {
            source: TimeSource::Gnss,
            monotonic_ms,
            true_ms,
            uncertainty_ms: GNSS_UNCERTAINTY_MS,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gps_fix_dated_before_the_gps_epoch_anchors_nothing() {
        let fix = |time_ms| Fix {
            latitude: 28.2,
            longitude: 112.9,
            accuracy_m: Some(5.0),
            time_ms,
            altitude_m: None,
            speed_mps: None,
            bearing_deg: None,
            provider: Some("gps".into()),
            monotonic_ms: Some(1_000),
            mock: false,
        };
        assert!(
            gnss_anchor(&[fix(0)]).is_none(),
            "1970: a receiver with no fix"
        );
        let anchor = gnss_anchor(&[fix(1_800_000_000_000)]).unwrap();
        assert_eq!(anchor.true_ms, 1_800_000_000_000);
    }
}
