//! Distances on the WGS-84 ellipsoid (Karney's geodesics, through `geo`), and a local metric
//! projection for algorithms that work in the plane. `geo` points are (x = longitude,
//! y = latitude).

use geo::{Distance, Geodesic, Point};

use crate::trips::Fix;

/// The geodesic distance between two fixes, metres.
pub fn metres(a: &Fix, b: &Fix) -> f64 {
    Geodesic.distance(point(a), point(b))
}

fn point(f: &Fix) -> Point<f64> {
    Point::new(f.longitude, f.latitude)
}

/// Metres east and north of an origin, on the plane tangent there. Good to well under a
/// metre over the tens of kilometres of a trip; used only to pick which points to keep, never
/// to measure.
pub struct LocalPlane {
    origin_lat: f64,
    origin_lon: f64,
    metres_per_degree_lat: f64,
    metres_per_degree_lon: f64,
}

impl LocalPlane {
    pub fn around(origin: &Fix) -> LocalPlane {
        // Radii of curvature of the WGS-84 ellipsoid at the origin's latitude.
        const A: f64 = 6_378_137.0;
        const E2: f64 = 6.694_379_990_14e-3;
        let phi = origin.latitude.to_radians();
        let w = (1.0 - E2 * phi.sin().powi(2)).sqrt();
        let meridian = A * (1.0 - E2) / w.powi(3);
        let normal = A / w;
        LocalPlane {
            origin_lat: origin.latitude,
            origin_lon: origin.longitude,
            // A radius times one degree in radians: metres per degree along it.
            metres_per_degree_lat: meridian.to_radians(),
            metres_per_degree_lon: (normal * phi.cos()).to_radians(),
        }
    }

    pub fn project(&self, f: &Fix) -> (f64, f64) {
        (
            (f.longitude - self.origin_lon) * self.metres_per_degree_lon,
            (f.latitude - self.origin_lat) * self.metres_per_degree_lat,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_degree_of_the_equator_is_the_semi_major_axis_times_pi_over_180() {
        let d = metres(&Fix::at(0.0, 100.0, 0), &Fix::at(0.0, 101.0, 0));
        assert!(
            (d - 6_378_137.0 * std::f64::consts::PI / 180.0).abs() < 1e-6,
            "{d}"
        );
    }

    #[test]
    fn the_local_plane_agrees_with_geodesics_nearby() {
        let origin = Fix::at(28.2, 112.9, 0);
        let plane = LocalPlane::around(&origin);
        let there = Fix::at(28.23, 112.95, 0);
        let (x, y) = plane.project(&there);
        let flat = (x * x + y * y).sqrt();
        let geodesic = metres(&origin, &there);
        assert!(
            (flat - geodesic).abs() / geodesic < 1e-4,
            "{flat} vs {geodesic}"
        );
    }
}
