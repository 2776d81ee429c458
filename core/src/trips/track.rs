//! Measuring a track: geodesic distance over the fixes the filters keep, moving time, stops
//! and gaps. A stop (every fix within `stop.radius_m` for at least `stop.min_duration_s`,
//! Traccar's defaults) adds only the straight line from where the vehicle stood first to where
//! it stood last, and only if that is outside the accuracy circle: a parked vehicle accrues
//! nothing, however its fixes wander. A gap (no fix for more than `gap.max_s`) is listed with
//! the straight line that bridges it; the distance includes that line, and says so.

use serde::{Deserialize, Serialize};

use crate::trips::Fix;
use crate::trips::filter::{self, DropReason, FilterConfig, Verdict};
use crate::trips::geodesy::metres;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct TrackConfig {
    pub filter: FilterConfig,
    /// `stop.radius_m`: default 200 m.
    pub stop_radius_m: f64,
    /// `stop.min_duration_s`: default 180 s.
    pub stop_min_duration_s: f64,
    /// `gap.max_s`: more than this without a fix while the trip is open is a gap. Default 300 s.
    pub gap_max_s: f64,
}

impl Default for TrackConfig {
    fn default() -> Self {
        TrackConfig {
            filter: FilterConfig::default(),
            stop_radius_m: 200.0,
            stop_min_duration_s: 180.0,
            gap_max_s: 300.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct Stop {
    pub start_ms: i64,
    pub end_ms: i64,
    /// The mean position of its fixes.
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct Gap {
    pub from_ms: i64,
    pub to_ms: i64,
    /// The straight line from the fix before to the fix after, counted in the distance.
    pub bridged_m: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct DropCount {
    pub reason: DropReason,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct TrackReport {
    pub fixes_total: u64,
    pub fixes_kept: u64,
    /// Per reason, only reasons that occurred.
    pub dropped: Vec<DropCount>,
    /// Kept fixes the phone marked as mock locations.
    pub mock_fixes: u64,
    pub distance_m: f64,
    /// Of `distance_m`, what straight lines over gaps contributed.
    pub bridged_m: f64,
    /// From the first to the last real fix.
    pub duration_s: f64,
    pub moving_s: f64,
    pub stops: Vec<Stop>,
    pub gaps: Vec<Gap>,
}

/// Filters and measures `fixes` (in the order recorded), judging "the future" at `now_ms`.
pub fn measure(fixes: &[Fix], config: &TrackConfig, now_ms: i64) -> TrackReport {
    let verdicts = filter::judge(fixes, &config.filter, now_ms);
    let real: Vec<&Fix> = real_fixes(fixes, &verdicts);
    let kept: Vec<&Fix> = fixes
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| v.is_kept())
        .map(|(f, _)| f)
        .collect();
    let gap_ms = (config.gap_max_s * 1000.0) as i64;
    let stops = stops(&real, config, gap_ms);
    let gaps = gaps(&real, gap_ms);
    let (distance_m, moving_s) = distance_and_moving(&kept, &stops, config, gap_ms);
    TrackReport {
        fixes_total: fixes.len() as u64,
        fixes_kept: kept.len() as u64,
        dropped: count_dropped(&verdicts),
        mock_fixes: kept.iter().filter(|f| f.mock).count() as u64,
        distance_m,
        bridged_m: gaps.iter().map(|g| g.bridged_m).sum(),
        duration_s: match (real.first(), real.last()) {
            (Some(a), Some(b)) => (b.time_ms - a.time_ms) as f64 / 1000.0,
            _ => 0.0,
        },
        moving_s,
        stops,
        gaps,
    }
}

fn real_fixes<'a>(fixes: &'a [Fix], verdicts: &[Verdict]) -> Vec<&'a Fix> {
    fixes
        .iter()
        .zip(verdicts)
        .filter(|(_, v)| v.is_real())
        .map(|(f, _)| f)
        .collect()
}

fn count_dropped(verdicts: &[Verdict]) -> Vec<DropCount> {
    DropReason::ALL
        .iter()
        .map(|&reason| DropCount {
            reason,
            count: verdicts
                .iter()
                .filter(|v| **v == Verdict::Dropped(reason))
                .count() as u64,
        })
        .filter(|c| c.count > 0)
        .collect()
}

/// Runs of real fixes within the stop radius of the run's first fix, long enough, with no gap
/// inside (a gap is never taken for a stop).
fn stops(real: &[&Fix], config: &TrackConfig, gap_ms: i64) -> Vec<Stop> {
    let min_ms = (config.stop_min_duration_s * 1000.0) as i64;
    let mut stops = Vec::new();
    let mut start = 0;
    for i in 1..=real.len() {
        let ends_run = i == real.len()
            || metres(real[start], real[i]) > config.stop_radius_m
            || real[i].time_ms - real[i - 1].time_ms > gap_ms;
        if !ends_run {
            continue;
        }
        let run = &real[start..i];
        if let (Some(first), Some(last)) = (run.first(), run.last())
            && last.time_ms - first.time_ms >= min_ms
        {
            let n = run.len() as f64;
            stops.push(Stop {
                start_ms: first.time_ms,
                end_ms: last.time_ms,
                latitude: run.iter().map(|f| f.latitude).sum::<f64>() / n,
                longitude: run.iter().map(|f| f.longitude).sum::<f64>() / n,
            });
        }
        start = i;
    }
    stops
}

fn gaps(real: &[&Fix], gap_ms: i64) -> Vec<Gap> {
    real.windows(2)
        .filter(|w| w[1].time_ms - w[0].time_ms > gap_ms)
        .map(|w| Gap {
            from_ms: w[0].time_ms,
            to_ms: w[1].time_ms,
            bridged_m: metres(w[0], w[1]),
        })
        .collect()
}

/// Sums the kept path, counting each stop as the line from its first kept fix to its last (if
/// that leaves the accuracy circle), and the time spent moving outside stops and gaps.
fn distance_and_moving(
    kept: &[&Fix],
    stops: &[Stop],
    config: &TrackConfig,
    gap_ms: i64,
) -> (f64, f64) {
    // Stops and kept fixes are both in time order: find by binary search.
    let stop_of = |f: &Fix| {
        let i = stops.partition_point(|s| s.end_ms < f.time_ms);
        stops.get(i).filter(|s| s.start_ms <= f.time_ms).map(|_| i)
    };
    let mut distance = 0.0;
    let mut moving_ms = 0;
    for pair in kept.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let same_stop = stop_of(a).is_some() && stop_of(a) == stop_of(b);
        if same_stop {
            continue;
        }
        let d = metres(a, b);
        distance += d;
        let dt = b.time_ms - a.time_ms;
        let moving = d / (dt as f64 / 1000.0).max(0.001) >= config.filter.stationary_mps;
        if dt <= gap_ms && moving {
            moving_ms += dt;
        }
    }
    for stop in stops {
        let from = kept.partition_point(|f| f.time_ms < stop.start_ms);
        let to = kept.partition_point(|f| f.time_ms <= stop.end_ms);
        let inside = kept.get(from..to).unwrap_or_default();
        if let (Some(first), Some(last)) = (inside.first(), inside.last()) {
            let circle = [first, last]
                .iter()
                .map(|f| f.accuracy_m.unwrap_or(config.filter.assumed_accuracy_m))
                .fold(0.0, f64::max);
            let chord = metres(first, last);
            if chord > circle {
                distance += chord;
            }
        }
    }
    (distance, moving_ms as f64 / 1000.0)
}
