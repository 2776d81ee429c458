//! WGS-84 ↔ GCJ-02 ("Mars coordinates"), for display only. Maps of mainland China (Amap,
//! Tencent) draw in GCJ-02, a deliberately distorted datum; the core stores and measures
//! WGS-84 as GNSS gives it, and converts a point just before it goes on such a map, or just
//! after it comes off one (a tap on the map).
//!
//! GCJ-02 is defined only on the mainland; Hong Kong, Macao and Taiwan (Kinmen and Matsu with
//! it) publish their maps in WGS-84, so there both conversions are the identity.

/// The Krasovsky 1940 ellipsoid, on which GCJ-02 is defined: semi-major axis, metres.
const A: f64 = 6_378_245.0;
/// Its first eccentricity squared, as published (0.00669342162296594323) to f64's precision.
const EE: f64 = 0.006_693_421_622_965_943;

/// The inverse stops once a step moves less than this, in degrees (about 10 µm). The
/// iteration contracts by a factor below 0.01 a step, so the error left is far below the step.
const TOLERANCE_DEG: f64 = 1e-10;
/// Five steps reach the tolerance from a start 700 m off; the bound only guards against a
/// step that never falls below it through rounding.
const MAX_STEPS: usize = 16;

/// WGS-84 to GCJ-02, degrees in and out, for showing a stored point on a Chinese map. The
/// identity outside the mainland (`in_mainland`) and for non-finite input.
pub fn wgs84_to_gcj02(lat: f64, lon: f64) -> (f64, f64) {
    if !in_mainland(lat, lon) {
        return (lat, lon);
    }
    let (north, east) = offset_deg(lat, lon);
    (lat + north, lon + east)
}

/// GCJ-02 to WGS-84, degrees in and out, for a point taken off a Chinese map: the WGS-84 point
/// whose GCJ-02 image is the input, to well under 1e-9 degrees — not the common one-step
/// approximation (subtract the offset at the GCJ-02 point), which is off by up to metres.
///
/// It solves `w + offset(w) = g` by fixed-point iteration, `w ← g − offset(w)`: the offset
/// changes by under 1 % of a move (0.72 % at worst over the box), so each step gains two
/// digits. If the solution is not
/// on the mainland the forward conversion there is the identity, and so is this. Within the
/// offset's reach (hundreds of metres) of the mainland's edge a point can have both a mainland
/// and a foreign preimage; the mainland one wins, as the app works there.
pub fn gcj02_to_wgs84(lat: f64, lon: f64) -> (f64, f64) {
    // Far from the mainland no preimage can be on it; this also rejects non-finite input.
    if !in_box(lat, lon, 1.0) {
        return (lat, lon);
    }
    let (mut w_lat, mut w_lon) = (lat, lon);
    for _ in 0..MAX_STEPS {
        let (north, east) = offset_deg(w_lat, w_lon);
        let (next_lat, next_lon) = (lat - north, lon - east);
        let step = (next_lat - w_lat).abs().max((next_lon - w_lon).abs());
        (w_lat, w_lon) = (next_lat, next_lon);
        if step < TOLERANCE_DEG {
            break;
        }
    }
    if in_mainland(w_lat, w_lon) {
        (w_lat, w_lon)
    } else {
        (lat, lon)
    }
}

/// Whether GCJ-02 applies at a WGS-84 point: inside the bounding box of China in common use
/// and outside Hong Kong, Macao and Taiwan (with Penghu, Kinmen and Matsu), whose outlines
/// here are coarse polygons good to a kilometre or two at the borders. The box also takes in
/// slices of neighbouring countries; the app's users work on the mainland, where a point wrongly
/// left unconverted would show hundreds of metres off, so the test errs towards the mainland.
/// False for non-finite input.
pub fn in_mainland(lat: f64, lon: f64) -> bool {
    in_box(lat, lon, 0.0) && !WGS84_AREAS.iter().any(|area| inside(area, lat, lon))
}

/// The bounding box of China used by the published implementations, widened by `margin`
/// degrees on every side. False for NaN, as every comparison with it is.
fn in_box(lat: f64, lon: f64, margin: f64) -> bool {
    (0.8293 - margin..=55.8271 + margin).contains(&lat)
        && (72.004 - margin..=137.8347 + margin).contains(&lon)
}

/// The GCJ-02 displacement at a WGS-84 point, degrees north and east.
///
/// The formula every public implementation uses (it was never officially published): two
/// series in the distance from (35° N, 105° E), near the middle of China, give a displacement
/// in metres — a smooth drift plus sines, the shortest a third of a degree long, which make it
/// hard to undo without the formula — and the Krasovsky ellipsoid's radii of curvature at the
/// point turn it into degrees.
fn offset_deg(lat: f64, lon: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let x = lon - 105.0;
    let y = lat - 35.0;
    let ripple = (20.0 * (6.0 * PI * x).sin() + 20.0 * (2.0 * PI * x).sin()) * 2.0 / 3.0;
    let north_m = -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + ripple
        + (20.0 * (PI * y).sin() + 40.0 * (PI * y / 3.0).sin()) * 2.0 / 3.0
        + (160.0 * (PI * y / 12.0).sin() + 320.0 * (PI * y / 30.0).sin()) * 2.0 / 3.0;
    let east_m = 300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + ripple
        + (20.0 * (PI * x).sin() + 40.0 * (PI * x / 3.0).sin()) * 2.0 / 3.0
        + (150.0 * (PI * x / 12.0).sin() + 300.0 * (PI * x / 30.0).sin()) * 2.0 / 3.0;
    // Metres per radian north (the meridian's radius of curvature) and east (the parallel's
    // radius) at this latitude.
    let phi = lat.to_radians();
    let w2 = 1.0 - EE * phi.sin().powi(2);
    let meridian = A * (1.0 - EE) / (w2 * w2.sqrt());
    let parallel = A / w2.sqrt() * phi.cos();
    (
        (north_m / meridian).to_degrees(),
        (east_m / parallel).to_degrees(),
    )
}

/// An outline as (latitude, longitude) vertices, closed implicitly.
type Outline = &'static [(f64, f64)];

/// Where maps use WGS-84 inside the bounding box. Coarse outlines drawn through the water
/// between each territory and the mainland, a kilometre or two from either shore where it can
/// be; where they meet the land border they follow it to about a kilometre.
const WGS84_AREAS: [Outline; 6] = [HONG_KONG, MACAO, TAIWAN, KINMEN, MATSU, DONGYIN];

/// Hong Kong: from south-west of Lantau, up the Urmston Road and across Deep Bay, along the
/// Shenzhen River to Sha Tau Kok, then out through Mirs Bay and down east of the Ninepins.
/// Shenzhen's Shekou, Futian, Luohu and Yantian fall outside; so does Tung Ping Chau, a small
/// Hong Kong island off the Dapeng peninsula.
const HONG_KONG: Outline = &[
    (22.14, 113.82),
    (22.30, 113.82),
    (22.40, 113.89),
    (22.505, 114.02),
    (22.515, 114.07),
    (22.53, 114.11),
    (22.545, 114.14),
    (22.56, 114.18),
    (22.545, 114.225),
    (22.555, 114.30),
    (22.50, 114.40),
    (22.44, 114.44),
    (22.14, 114.44),
];

/// Macao: the peninsula, Taipa, Cotai and Coloane, north to the Border Gate and west to the
/// channels facing Zhuhai's Wanzai and Hengqin, which fall outside.
const MACAO: Outline = &[
    (22.217, 113.533),
    (22.217, 113.556),
    (22.20, 113.60),
    (22.10, 113.60),
    (22.10, 113.55),
    (22.14, 113.545),
    (22.175, 113.54),
    (22.185, 113.525),
    (22.205, 113.528),
];

/// Taiwan with Penghu, Green Island and Orchid Island; the western side runs down the middle
/// of the strait, well clear of Fujian's islands (Pingtan, Nanri).
const TAIWAN: Outline = &[
    (21.70, 120.50),
    (21.70, 121.90),
    (24.50, 122.20),
    (25.70, 122.20),
    (25.50, 121.30),
    (24.60, 120.40),
    (23.90, 119.20),
    (23.10, 119.20),
    (22.40, 120.15),
];

/// Kinmen and Lesser Kinmen, off Xiamen: east of Xiamen Island, south of Dadeng, west of
/// Weitou.
const KINMEN: Outline = &rectangle(24.38, 118.22, 24.53, 118.50);

/// Matsu's Nangan, Beigan and Juguang, south of the Huangqi peninsula.
const MATSU: Outline = &rectangle(25.93, 119.88, 26.27, 120.06);

/// Matsu's Dongyin, further out.
const DONGYIN: Outline = &rectangle(26.34, 120.45, 26.40, 120.53);

/// A latitude–longitude rectangle as an outline.
const fn rectangle(south: f64, west: f64, north: f64, east: f64) -> [(f64, f64); 4] {
    [(south, west), (south, east), (north, east), (north, west)]
}

/// Whether a point is inside an outline: a ray from it due east crosses the outline's edges an
/// odd number of times. Plane geometry on degrees is fine at these sizes and away from the
/// poles and the antimeridian.
fn inside(outline: Outline, lat: f64, lon: f64) -> bool {
    let previous = outline.iter().cycle().skip(outline.len() - 1);
    let crossings = outline
        .iter()
        .zip(previous)
        .filter(|&(&(lat_a, lon_a), &(lat_b, lon_b))| {
            (lat_a > lat) != (lat_b > lat)
                && lon < lon_a + (lat - lat_a) / (lat_b - lat_a) * (lon_b - lon_a)
        })
        .count();
    crossings % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trips::Fix;
    use crate::trips::geodesy::metres;

    fn close(got: (f64, f64), want: (f64, f64), tolerance: f64) -> bool {
        (got.0 - want.0).abs() < tolerance && (got.1 - want.1).abs() < tolerance
    }

    #[test]
    fn agrees_with_published_reference_points() {
        // (WGS-84 lat, lon) → (GCJ-02 lat, lon).
        let points = [
            // wandergis/coordtransform, test/app.js: wgs84togcj02(116.404, 39.915) (lon, lat).
            ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),
            // googollee/eviltransform, the shared test vectors (go/transform_test.go,
            // python/test.py): Shanghai, Shenzhen, Beijing.
            (
                (31.1774276, 121.5272106),
                (31.17530398364597, 121.531541859215),
            ),
            (
                (22.543847, 113.912316),
                (22.540796131694766, 113.9171764808363),
            ),
            (
                (39.911954, 116.377817),
                (39.91334545536069, 116.38404722455657),
            ),
        ];
        for ((lat, lon), want) in points {
            let got = wgs84_to_gcj02(lat, lon);
            assert!(
                close(got, want, 1e-6),
                "{lat}, {lon}: {got:?}, want {want:?}"
            );
            let back = gcj02_to_wgs84(want.0, want.1);
            assert!(
                close(back, (lat, lon), 1e-6),
                "back to {lat}, {lon}: {back:?}"
            );
        }
    }

    #[test]
    fn the_inverse_round_trips_over_a_grid_of_the_mainland() {
        let mut checked = 0;
        // Every 0.37° of latitude and 0.5° of longitude (so through 105° E, where the series
        // have a square root's kink).
        for i in 0..=100 {
            for j in 0..=130 {
                let (lat, lon) = (18.0 + 0.37 * i as f64, 73.0 + 0.5 * j as f64);
                if !in_mainland(lat, lon) {
                    continue;
                }
                let (g_lat, g_lon) = wgs84_to_gcj02(lat, lon);
                assert!(
                    !close((g_lat, g_lon), (lat, lon), 1e-4),
                    "{lat}, {lon} unmoved"
                );
                let back = gcj02_to_wgs84(g_lat, g_lon);
                assert!(close(back, (lat, lon), 1e-8), "{lat}, {lon}: {back:?}");
                checked += 1;
            }
        }
        assert!(checked > 10_000, "{checked} points");
    }

    #[test]
    fn the_offset_is_hundreds_of_metres_in_the_big_cities() {
        for (city, lat, lon) in [
            ("Beijing", 39.9042, 116.4074),
            ("Shanghai", 31.2304, 121.4737),
            ("Urumqi", 43.8256, 87.6168),
        ] {
            let (g_lat, g_lon) = wgs84_to_gcj02(lat, lon);
            let d = metres(&Fix::at(lat, lon, 0), &Fix::at(g_lat, g_lon, 0));
            assert!((100.0..=700.0).contains(&d), "{city}: {d} m");
        }
    }

    #[test]
    fn is_the_identity_outside_the_mainland() {
        for (place, lat, lon) in [
            ("London", 51.5074, -0.1278),
            ("Tokyo", 35.6762, 139.6503),
            ("Hong Kong", 22.28, 114.16),
            ("Macao", 22.19, 113.54),
            ("Taipei", 25.03, 121.56),
            ("Kaohsiung", 22.62, 120.30),
            ("Penghu", 23.57, 119.58),
            ("Kinmen", 24.43, 118.32),
            ("Matsu", 26.16, 119.94),
        ] {
            assert!(!in_mainland(lat, lon), "{place}");
            assert_eq!(wgs84_to_gcj02(lat, lon), (lat, lon), "{place}");
            assert_eq!(gcj02_to_wgs84(lat, lon), (lat, lon), "{place}");
        }
    }

    #[test]
    fn the_mainland_beside_the_excluded_areas_is_converted() {
        for (place, lat, lon) in [
            ("Shenzhen, Shekou", 22.48, 113.91),
            ("Shenzhen, Luohu", 22.55, 114.12),
            ("Zhuhai, Gongbei", 22.23, 113.55),
            ("Zhuhai, Hengqin", 22.12, 113.52),
            ("Xiamen", 24.48, 118.09),
            ("Fuzhou", 26.07, 119.30),
        ] {
            assert!(in_mainland(lat, lon), "{place}");
        }
    }

    #[test]
    fn non_finite_input_comes_back_unchanged() {
        for (lat, lon) in [
            (f64::NAN, 116.4),
            (39.9, f64::NAN),
            (f64::INFINITY, 116.4),
            (39.9, f64::NEG_INFINITY),
        ] {
            let forward = wgs84_to_gcj02(lat, lon);
            let inverse = gcj02_to_wgs84(lat, lon);
            for (got_lat, got_lon) in [forward, inverse] {
                assert!(got_lat.to_bits() == lat.to_bits() && got_lon.to_bits() == lon.to_bits());
            }
        }
    }
}
