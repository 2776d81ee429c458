//! Fewer points for upload and display, with the length kept: Douglas–Peucker (`geo`) on a
//! local metric plane — `geo` simplifies in the units of its coordinates, so on raw degrees a
//! tolerance would mean different distances north and east — with the largest tolerance whose
//! result keeps the track's geodesic length within `max_loss`.

use geo::{Coord, LineString, SimplifyIdx};

use crate::trips::Fix;
use crate::trips::geodesy::{LocalPlane, metres};

/// Tolerances tried, metres: from a centimetre to a hundred metres, halving the interval.
const TOLERANCE_RANGE_M: (f64, f64) = (0.01, 100.0);
const STEPS: usize = 24;

/// The indices of the fixes to keep (always the first and the last), so that the simplified
/// track is at least `1 − max_loss` of the full track's length.
pub fn simplify(fixes: &[Fix], max_loss: f64) -> Vec<usize> {
    let Some(first) = fixes.first() else {
        return Vec::new();
    };
    let plane = LocalPlane::around(first);
    let line: LineString<f64> = fixes
        .iter()
        .map(|f| {
            let (x, y) = plane.project(f);
            Coord { x, y }
        })
        .collect();
    let full = length(fixes, 0..fixes.len());
    let good_enough = |indices: &[usize]| {
        let kept: f64 = indices
            .windows(2)
            .map(|w| metres(&fixes[w[0]], &fixes[w[1]]))
            .sum();
        kept >= full * (1.0 - max_loss)
    };
    let (mut low, mut high) = TOLERANCE_RANGE_M;
    let mut best: Vec<usize> = (0..fixes.len()).collect();
    for _ in 0..STEPS {
        let tolerance = (low * high).sqrt();
        let indices = line.simplify_idx(tolerance);
        if good_enough(&indices) {
            best = indices;
            low = tolerance;
        } else {
            high = tolerance;
        }
    }
    best
}

fn length(fixes: &[Fix], range: std::ops::Range<usize>) -> f64 {
    fixes[range].windows(2).map(|w| metres(&w[0], &w[1])).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wiggly_track_loses_points_not_length() {
        // 2 000 fixes along a gentle sine through Changsha.
        let fixes: Vec<Fix> = (0..2000)
            .map(|i| {
                let t = i as f64;
                Fix::at(
                    28.2 + 0.0002 * (t / 50.0).sin(),
                    112.9 + 0.00005 * t,
                    i as i64 * 1000,
                )
            })
            .collect();
        let kept = simplify(&fixes, 0.005);
        let full = length(&fixes, 0..fixes.len());
        let simplified: f64 = kept
            .windows(2)
            .map(|w| metres(&fixes[w[0]], &fixes[w[1]]))
            .sum();
        assert!(simplified >= full * 0.995, "{simplified} of {full}");
        assert!(
            kept.len() < fixes.len() / 5,
            "kept {} of {}",
            kept.len(),
            fixes.len()
        );
        assert_eq!((kept[0], *kept.last().unwrap()), (0, fixes.len() - 1));
    }

    #[test]
    fn tiny_tracks_come_back_whole() {
        assert!(simplify(&[], 0.005).is_empty());
        let one = [Fix::at(28.2, 112.9, 0)];
        assert_eq!(simplify(&one, 0.005), [0]);
    }
}
