//! Trip events. Fixes travel in `FixesRecorded` batches, each fix a compact array of integers
//! (canonical bodies hold no floating point): degrees ×1e7, centimetres, cm/s, centidegrees.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::events::{EventBody, Projection};
use crate::trips::Fix;
use crate::trips::model::Purpose;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TripStarted {
    pub trip_id: Uuid,
    pub vehicle: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crew: Vec<String>,
    pub crew_count: u32,
    pub purpose: Purpose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub odometer_m: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub odometer_photo: Option<String>,
    /// Given for a trip entered afterwards; otherwise the event's time is the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at_ms: Option<i64>,
}

impl EventBody for TripStarted {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Trips];
    const TYPE: &'static str = "TripStarted";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::started(at.conn, at.event, self)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixesRecorded {
    pub trip_id: Uuid,
    pub fixes: Vec<StoredFix>,
}

impl EventBody for FixesRecorded {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Trips];
    const TYPE: &'static str = "FixesRecorded";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::fixes(at.conn, at.event, self)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TripEnded {
    pub trip_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub odometer_m: Option<i64>,
    /// Given for a trip entered afterwards; otherwise the event's time is the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at_ms: Option<i64>,
}

impl EventBody for TripEnded {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Trips];
    const TYPE: &'static str = "TripEnded";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::ended(at.conn, at.event, self)
    }
}

/// `[time_ms, lat_e7, lon_e7, accuracy_cm, altitude_cm, speed_cms, bearing_cdeg, mock, provider]`.
/// A value that is not a finite number (a NaN latitude) is stored as null, and read back as
/// NaN where a position needs one, so the filter still sees — and counts — the bad fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFix(
    pub i64,
    pub Option<i64>,
    pub Option<i64>,
    pub Option<i64>,
    pub Option<i64>,
    pub Option<i64>,
    pub Option<i64>,
    pub u8,
    pub Option<String>,
);

/// Values beyond this are nonsense, not measurements; stored as null rather than overflowing.
const LIMIT: f64 = 1e12;

fn scaled(value: f64, scale: f64) -> Option<i64> {
    let v = (value * scale).round();
    (v.is_finite() && v.abs() < LIMIT).then_some(v as i64)
}

fn unscaled(value: Option<i64>, scale: f64) -> Option<f64> {
    value.map(|v| v as f64 / scale)
}

impl From<&Fix> for StoredFix {
    fn from(f: &Fix) -> Self {
        StoredFix(
            f.time_ms,
            scaled(f.latitude, 1e7),
            scaled(f.longitude, 1e7),
            // An accuracy reported but unusable (NaN, infinite) stays a bad accuracy: -1 cm.
            f.accuracy_m.map(|v| scaled(v, 100.0).unwrap_or(-1)),
            f.altitude_m.and_then(|v| scaled(v, 100.0)),
            f.speed_mps.and_then(|v| scaled(v, 100.0)),
            f.bearing_deg.and_then(|v| scaled(v, 100.0)),
            u8::from(f.mock),
            f.provider.clone(),
        )
    }
}

impl From<&StoredFix> for Fix {
    fn from(s: &StoredFix) -> Self {
        Fix {
            monotonic_ms: None,
            time_ms: s.0,
            latitude: unscaled(s.1, 1e7).unwrap_or(f64::NAN),
            longitude: unscaled(s.2, 1e7).unwrap_or(f64::NAN),
            accuracy_m: unscaled(s.3, 100.0),
            altitude_m: unscaled(s.4, 100.0),
            speed_mps: unscaled(s.5, 100.0),
            bearing_deg: unscaled(s.6, 100.0),
            mock: s.7 != 0,
            provider: s.8.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_are_stored_as_integers_and_read_back_to_a_centimetre() {
        let mut fix = Fix::at(28.194_235_17, 112.982_341_86, 1_795_000_000_123);
        fix.accuracy_m = Some(4.56);
        fix.speed_mps = Some(12.345);
        fix.mock = true;
        fix.provider = Some("fused".into());
        let stored = StoredFix::from(&fix);
        let json = serde_json::to_string(&stored).unwrap();
        assert_eq!(
            json,
            r#"[1795000000123,281942352,1129823419,456,null,1235,null,1,"fused"]"#
        );
        let back = Fix::from(&stored);
        assert!((back.latitude - fix.latitude).abs() < 1e-7);
        assert_eq!(back.accuracy_m, Some(4.56));
        assert!(back.mock);
    }

    #[test]
    fn nonsense_values_become_null_and_a_missing_position_reads_as_nan() {
        let mut fix = Fix::at(f64::NAN, 1e300, 0);
        fix.accuracy_m = Some(f64::INFINITY);
        let stored = StoredFix::from(&fix);
        assert_eq!((stored.1, stored.2, stored.3), (None, None, Some(-1)));
        let back = Fix::from(&stored);
        assert!(back.latitude.is_nan());
        assert_eq!(back.accuracy_m, Some(-0.01), "still refused as inaccurate");
    }
}
