//! Positions as stored: WGS-84 in integer 1e-7 degrees (about 1 cm), so that hashed content
//! holds no floating point. The API speaks degrees; conversion and checks happen here, once.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat_e7: i32,
    pub lon_e7: i32,
    /// Horizontal accuracy (radius, 68 %) in centimetres, when the source reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_cm: Option<u32>,
}

/// Accuracy worse than this is not a position, whatever the receiver says.
const MAX_ACCURACY_M: f64 = 100_000.0;

/// A position as the apps give and show it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct GeoPosition {
    /// WGS-84 degrees, as GNSS gives them.
    pub latitude: f64,
    pub longitude: f64,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    pub accuracy_m: Option<f64>,
}

impl GeoPosition {
    pub fn to_point(&self, field: &str) -> Result<GeoPoint> {
        GeoPoint::from_degrees(field, self.latitude, self.longitude, self.accuracy_m)
    }
}

impl From<GeoPoint> for GeoPosition {
    fn from(p: GeoPoint) -> Self {
        GeoPosition {
            latitude: p.latitude(),
            longitude: p.longitude(),
            accuracy_m: p.accuracy_m(),
        }
    }
}

impl GeoPoint {
    /// Checks and converts a position given in degrees. `field` names it in errors.
    pub fn from_degrees(field: &str, lat: f64, lon: f64, accuracy_m: Option<f64>) -> Result<Self> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(Error::invalid(
                field,
                format!("latitude {lat} is not between -90 and 90"),
            ));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(Error::invalid(
                field,
                format!("longitude {lon} is not between -180 and 180"),
            ));
        }
        if lat == 0.0 && lon == 0.0 {
            return Err(Error::invalid(
                field,
                "0, 0 is the position of a receiver without a fix",
            ));
        }
        let accuracy_cm = match accuracy_m {
            None => None,
            Some(a) if a.is_finite() && (0.0..=MAX_ACCURACY_M).contains(&a) => {
                Some((a * 100.0).round() as u32)
            }
            Some(a) => {
                return Err(Error::invalid(
                    field,
                    format!("accuracy {a} m is not between 0 and {MAX_ACCURACY_M} m"),
                ));
            }
        };
        Ok(GeoPoint {
            lat_e7: (lat * 1e7).round() as i32,
            lon_e7: (lon * 1e7).round() as i32,
            accuracy_cm,
        })
    }

    pub fn latitude(&self) -> f64 {
        f64::from(self.lat_e7) / 1e7
    }

    pub fn longitude(&self) -> f64 {
        f64::from(self.lon_e7) / 1e7
    }

    pub fn accuracy_m(&self) -> Option<f64> {
        self.accuracy_cm.map(|cm| f64::from(cm) / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_round_to_1e7_and_back() {
        let p = GeoPoint::from_degrees("place", 28.1942351, 112.9823418, Some(4.56)).unwrap();
        assert_eq!(
            (p.lat_e7, p.lon_e7, p.accuracy_cm),
            (281942351, 1129823418, Some(456))
        );
        assert!((p.latitude() - 28.1942351).abs() < 1e-9);
        assert_eq!(p.accuracy_m(), Some(4.56));
    }

    #[test]
    fn malformed_positions_name_the_field() {
        for (lat, lon, acc) in [
            (f64::NAN, 112.0, None),
            (91.0, 112.0, None),
            (28.0, -180.5, None),
            (28.0, f64::INFINITY, None),
            (0.0, 0.0, None),
            (28.0, 112.0, Some(-1.0)),
            (28.0, 112.0, Some(f64::NAN)),
        ] {
            let err = GeoPoint::from_degrees("place", lat, lon, acc).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field, .. } if field == "place"),
                "{err}"
            );
        }
    }
}
