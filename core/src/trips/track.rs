//! Measuring a track: geodesic distance over the fixes the filters keep, moving time, stops
//! and gaps. A stop (every fix within `stop.radius_m` for at least `stop.min_duration_s`,
//! Traccar's defaults) adds only the straight line from where the vehicle stood first to where
//! it stood last, and only if their accuracy circles do not overlap: a parked vehicle accrues
//! nothing, however its fixes wander. A gap (no fix for more than `gap.max_s`) is listed with
//! the straight line that bridges it; the distance includes that line, and says so.

use serde::{Deserialize, Serialize};

use crate::trips::Fix;
use std::collections::BTreeMap;

use crate::trips::filter::{DropReason, Filter, FilterConfig, Verdict};
use crate::trips::geodesy::metres;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Stop {
    pub start_ms: i64,
    pub end_ms: i64,
    /// The mean position of its fixes.
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Gap {
    pub from_ms: i64,
    pub to_ms: i64,
    /// The straight line from the fix before to the fix after, counted in the distance.
    pub bridged_m: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DropCount {
    pub reason: DropReason,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
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
    let mut tracker = Tracker::default();
    tracker.push(fixes, config, now_ms);
    tracker.finish(config);
    tracker.report(config)
}

/// Filters and measurement as a stream, for a trip whose fixes arrive in batches: its state
/// is kept between batches (serialised in the trip's row), so each batch costs its own length.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tracker {
    filter: Filter,
    measurer: Measurer,
}

impl Tracker {
    pub fn push(&mut self, fixes: &[Fix], config: &TrackConfig, now_ms: i64) {
        let mut out = Vec::new();
        for f in fixes {
            self.filter
                .push(f.clone(), &config.filter, now_ms, &mut out);
            for (item, verdict) in out.drain(..) {
                self.measurer.push(&item.fix, verdict, config);
            }
        }
    }

    /// No more fixes: the filters decide what still waits.
    pub fn finish(&mut self, config: &TrackConfig) {
        let mut out = Vec::new();
        self.filter.finish(&config.filter, &mut out);
        for (item, verdict) in out {
            self.measurer.push(&item.fix, verdict, config);
        }
    }

    /// The track so far (fixes still waiting for a verdict not yet counted).
    pub fn report(&self, config: &TrackConfig) -> TrackReport {
        let mut m = self.measurer.clone();
        m.end_run(config);
        TrackReport {
            fixes_total: m.total,
            fixes_kept: m.kept,
            dropped: m
                .dropped
                .iter()
                .map(|(&reason, &count)| DropCount { reason, count })
                .collect(),
            mock_fixes: m.mock,
            distance_m: m.distance_m,
            bridged_m: m.gaps.iter().map(|g| g.bridged_m).fold(0.0, |a, b| a + b),
            duration_s: match (m.first_real_ms, &m.last_real) {
                (Some(first), Some(last)) => (last.time_ms - first) as f64 / 1000.0,
                _ => 0.0,
            },
            moving_s: m.moving_ms as f64 / 1000.0,
            stops: m.stops,
            gaps: m.gaps,
        }
    }
}

/// Distance, time, stops and gaps over judged fixes. Stops are runs of real fixes within the
/// stop radius of the run's first fix, long enough, with no gap inside (a gap is never taken
/// for a stop). While a run lasts, the distance inside it is held aside: if the run becomes a
/// stop, only the line from its first kept fix to its last counts (if their accuracy circles do
/// not overlap: two fixes of a standing vehicle can be a radius apart each way); if not, the
/// held distance counts as driven.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Measurer {
    total: u64,
    kept: u64,
    mock: u64,
    dropped: BTreeMap<DropReason, u64>,
    first_real_ms: Option<i64>,
    last_real: Option<Fix>,
    last_kept: Option<Fix>,
    run: Option<Run>,
    distance_m: f64,
    moving_ms: i64,
    stops: Vec<Stop>,
    gaps: Vec<Gap>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Run {
    start: Fix,
    last: Fix,
    sum_lat: f64,
    sum_lon: f64,
    n: u64,
    first_kept: Option<Fix>,
    last_kept: Option<Fix>,
    held_m: f64,
    held_moving_ms: i64,
}

impl Run {
    fn starting_at(f: &Fix) -> Run {
        Run {
            start: f.clone(),
            last: f.clone(),
            sum_lat: f.latitude,
            sum_lon: f.longitude,
            n: 1,
            first_kept: None,
            last_kept: None,
            held_m: 0.0,
            held_moving_ms: 0,
        }
    }
}

impl Measurer {
    fn push(&mut self, f: &Fix, verdict: Verdict, config: &TrackConfig) {
        self.total += 1;
        if let Verdict::Dropped(reason) = verdict {
            *self.dropped.entry(reason).or_default() += 1;
        }
        if verdict.is_real() {
            self.real(f, config);
        }
        if verdict.is_kept() {
            self.kept += 1;
            self.mock += u64::from(f.mock);
            self.kept_fix(f, config);
        }
    }

    fn real(&mut self, f: &Fix, config: &TrackConfig) {
        if let Some(prev) = &self.last_real
            && f.time_ms - prev.time_ms > gap_ms(config)
        {
            self.gaps.push(Gap {
                from_ms: prev.time_ms,
                to_ms: f.time_ms,
                bridged_m: metres(prev, f),
            });
            self.end_run(config);
        }
        self.first_real_ms.get_or_insert(f.time_ms);
        match &mut self.run {
            Some(run) if metres(&run.start, f) <= config.stop_radius_m => {
                run.last = f.clone();
                run.sum_lat += f.latitude;
                run.sum_lon += f.longitude;
                run.n += 1;
            }
            _ => {
                self.end_run(config);
                self.run = Some(Run::starting_at(f));
            }
        }
        self.last_real = Some(f.clone());
    }

    fn kept_fix(&mut self, k: &Fix, config: &TrackConfig) {
        if let Some(a) = self.last_kept.take() {
            let d = metres(&a, k);
            let dt = k.time_ms - a.time_ms;
            let speed = d / (dt as f64 / 1000.0).max(0.001);
            let moving_ms = if dt <= gap_ms(config) && speed >= config.filter.stationary_mps {
                dt
            } else {
                0
            };
            match &mut self.run {
                Some(run) if a.time_ms >= run.start.time_ms => {
                    run.held_m += d;
                    run.held_moving_ms += moving_ms;
                }
                _ => {
                    self.distance_m += d;
                    self.moving_ms += moving_ms;
                }
            }
        }
        if let Some(run) = &mut self.run {
            run.first_kept.get_or_insert_with(|| k.clone());
            run.last_kept = Some(k.clone());
        }
        self.last_kept = Some(k.clone());
    }

    fn end_run(&mut self, config: &TrackConfig) {
        let Some(run) = self.run.take() else {
            return;
        };
        let min_ms = (config.stop_min_duration_s * 1000.0) as i64;
        if run.last.time_ms - run.start.time_ms < min_ms {
            self.distance_m += run.held_m;
            self.moving_ms += run.held_moving_ms;
            return;
        }
        let n = run.n as f64;
        self.stops.push(Stop {
            start_ms: run.start.time_ms,
            end_ms: run.last.time_ms,
            latitude: run.sum_lat / n,
            longitude: run.sum_lon / n,
        });
        if let (Some(first), Some(last)) = (&run.first_kept, &run.last_kept) {
            let circles = config.filter.accuracy_of(first) + config.filter.accuracy_of(last);
            let chord = metres(first, last);
            if chord > circles {
                self.distance_m += chord;
            }
        }
    }
}

fn gap_ms(config: &TrackConfig) -> i64 {
    (config.gap_max_s * 1000.0) as i64
}
