//! Which fixes to believe. Phones report jumps, drift while parked, 0/0 positions, repeated
//! last positions while Android dozes, and times that go backwards; a parked car must not
//! "drive" and a trip must not lose its track to one bad fix. Learned from Traccar's
//! `FilterHandler` and GPSLogger; each rule has a config key and a documented default.
//!
//! Every fix gets a verdict: kept, or dropped with one reason. Order of the checks: invalid,
//! from the future, inaccurate, duplicate or out-of-order time, repeated position, jump,
//! stationary drift. Mock locations are kept, and counted.

use serde::{Deserialize, Serialize};

use crate::trips::Fix;
use crate::trips::geodesy::metres;
use crate::wire::wire_enum;

wire_enum! {
    /// Why a fix was dropped.
    #[derive(uniffi::Enum, PartialOrd, Ord)]
    pub enum DropReason {
        /// NaN, out of range, or 0/0 (a receiver without a fix).
        InvalidCoordinates = "invalid_coordinates",
        /// Later than `filter.future_ms` after the time the track is judged at.
        Future = "future",
        /// Accuracy worse than `filter.accuracy_m`.
        Inaccurate = "inaccurate",
        /// The same GNSS time as the fix before.
        DuplicateTime = "duplicate_time",
        /// Earlier than the fix before.
        OutOfOrder = "out_of_order",
        /// Exactly the position of the fix before, again (a dozing phone repeating itself).
        RepeatedPosition = "repeated_position",
        /// Reaching it would take more than `filter.max_speed_kmh`.
        Jump = "jump",
        /// Inside the accuracy circle of the last kept fix while standing still.
        StationaryDrift = "stationary_drift",
    }
}

/// The filters' settings. Keys as in the centre's configuration; defaults in `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct FilterConfig {
    /// `filter.accuracy_m`: fixes less accurate than this are dropped. Default 50 m.
    pub accuracy_m: f64,
    /// `filter.assumed_accuracy_m`: the accuracy taken for fixes that report none (GPX files,
    /// many loggers). Default 10 m, a phone's typical open-sky accuracy.
    pub assumed_accuracy_m: f64,
    /// `filter.max_speed_kmh`: an implied speed above this is a jump. Default 200 km/h.
    pub max_speed_kmh: f64,
    /// `filter.stationary_mps`: below this speed the vehicle is standing. Default 1 m/s.
    pub stationary_mps: f64,
    /// `filter.future_ms`: how far ahead of the judging time a fix may be. Default 60 s.
    pub future_ms: i64,
}

impl Default for FilterConfig {
    fn default() -> Self {
        FilterConfig {
            accuracy_m: 50.0,
            assumed_accuracy_m: 10.0,
            max_speed_kmh: 200.0,
            stationary_mps: 1.0,
            future_ms: 60_000,
        }
    }
}

impl FilterConfig {
    fn accuracy(&self, fix: &Fix) -> f64 {
        fix.accuracy_m.unwrap_or(self.assumed_accuracy_m)
    }

    fn max_speed_mps(&self) -> f64 {
        self.max_speed_kmh / 3.6
    }
}

/// A fix's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Kept,
    Dropped(DropReason),
}

impl Verdict {
    pub fn is_kept(self) -> bool {
        self == Verdict::Kept
    }

    /// A real position of the vehicle, if not a moving one: kept, or standing drift. Stops and
    /// gaps are found among these.
    pub fn is_real(self) -> bool {
        matches!(
            self,
            Verdict::Kept | Verdict::Dropped(DropReason::StationaryDrift)
        )
    }
}

/// Judges every fix of a track, in the order given, at time `now_ms`.
pub fn judge(fixes: &[Fix], config: &FilterConfig, now_ms: i64) -> Vec<Verdict> {
    let mut verdicts: Vec<Verdict> = fixes
        .iter()
        .map(|f| basic_check(f, config, now_ms))
        .collect();
    order_and_repeats(fixes, &mut verdicts);
    jumps(fixes, &mut verdicts, config);
    drift(fixes, &mut verdicts, config);
    verdicts
}

/// Checks that need no other fix.
fn basic_check(f: &Fix, config: &FilterConfig, now_ms: i64) -> Verdict {
    let valid = f.latitude.is_finite()
        && f.longitude.is_finite()
        && (-90.0..=90.0).contains(&f.latitude)
        && (-180.0..=180.0).contains(&f.longitude)
        && !(f.latitude == 0.0 && f.longitude == 0.0);
    if !valid {
        return Verdict::Dropped(DropReason::InvalidCoordinates);
    }
    if f.time_ms > now_ms.saturating_add(config.future_ms) {
        return Verdict::Dropped(DropReason::Future);
    }
    let accuracy = config.accuracy(f);
    if !(accuracy.is_finite() && accuracy >= 0.0 && accuracy <= config.accuracy_m) {
        return Verdict::Dropped(DropReason::Inaccurate);
    }
    Verdict::Kept
}

/// Times must increase; a position repeated exactly is a phone repeating its last fix.
fn order_and_repeats(fixes: &[Fix], verdicts: &mut [Verdict]) {
    let mut last: Option<&Fix> = None;
    for (f, v) in fixes.iter().zip(verdicts.iter_mut()) {
        if !v.is_kept() {
            continue;
        }
        if let Some(prev) = last {
            let reason = if f.time_ms == prev.time_ms {
                Some(DropReason::DuplicateTime)
            } else if f.time_ms < prev.time_ms {
                Some(DropReason::OutOfOrder)
            } else if f.latitude == prev.latitude && f.longitude == prev.longitude {
                Some(DropReason::RepeatedPosition)
            } else {
                None
            };
            if let Some(reason) = reason {
                *v = Verdict::Dropped(reason);
                continue;
            }
        }
        last = Some(f);
    }
}

/// Drops fixes that could only be reached faster than the limit. A fix is trusted as an
/// anchor only once the fix after it agrees with it: when the fix after an unconfirmed anchor
/// jumps, the one after that decides which of the two was the outlier — so a track that starts
/// with a jump loses the jump, not the track.
fn jumps(fixes: &[Fix], verdicts: &mut [Verdict], config: &FilterConfig) {
    let plausible = |a: &Fix, b: &Fix| {
        let seconds = (b.time_ms - a.time_ms) as f64 / 1000.0;
        metres(a, b) <= config.max_speed_mps() * seconds
    };
    let mut anchor: Option<usize> = None;
    let mut confirmed = false;
    let mut suspect: Option<usize> = None;
    for i in 0..fixes.len() {
        if !verdicts[i].is_kept() {
            continue;
        }
        let Some(a) = anchor else {
            anchor = Some(i);
            continue;
        };
        if let Some(s) = suspect.take() {
            // The anchor was unconfirmed and `s` jumped from it: side with whoever `i` agrees with.
            if plausible(&fixes[a], &fixes[i]) {
                verdicts[s] = Verdict::Dropped(DropReason::Jump);
                anchor = Some(i);
                confirmed = true;
            } else if plausible(&fixes[s], &fixes[i]) {
                verdicts[a] = Verdict::Dropped(DropReason::Jump);
                anchor = Some(i);
                confirmed = true;
            } else {
                // Three fixes, none agreeing: keep the earliest, judge the next afresh.
                verdicts[s] = Verdict::Dropped(DropReason::Jump);
                verdicts[i] = Verdict::Dropped(DropReason::Jump);
            }
            continue;
        }
        if plausible(&fixes[a], &fixes[i]) {
            anchor = Some(i);
            confirmed = true;
        } else if confirmed {
            verdicts[i] = Verdict::Dropped(DropReason::Jump);
        } else {
            suspect = Some(i);
        }
    }
    // A suspect at the very end has nobody to vouch for it.
    if let Some(s) = suspect {
        verdicts[s] = Verdict::Dropped(DropReason::Jump);
    }
}

/// Drops fixes that stay inside the accuracy circle of the last kept fix while the vehicle is
/// standing: by the speed the receiver reports, or, without one, by the speed from the fix
/// before. The anchor does not move with the drift, so a parked vehicle accrues nothing.
fn drift(fixes: &[Fix], verdicts: &mut [Verdict], config: &FilterConfig) {
    let mut anchor: Option<usize> = None;
    let mut previous: Option<usize> = None;
    for i in 0..fixes.len() {
        if !verdicts[i].is_kept() {
            continue;
        }
        let f = &fixes[i];
        if let (Some(a), Some(p)) = (anchor, previous) {
            let a = &fixes[a];
            let circle = config.accuracy(a).max(config.accuracy(f));
            let speed = f.speed_mps.unwrap_or_else(|| {
                let seconds = (f.time_ms - fixes[p].time_ms) as f64 / 1000.0;
                metres(&fixes[p], f) / seconds.max(0.001)
            });
            if metres(a, f) < circle && speed < config.stationary_mps {
                verdicts[i] = Verdict::Dropped(DropReason::StationaryDrift);
                previous = Some(i);
                continue;
            }
        }
        anchor = Some(i);
        previous = Some(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_000_000_000;

    fn fix(lat: f64, lon: f64, second: i64) -> Fix {
        Fix::at(lat, lon, T0 + second * 1000)
    }

    fn reasons(verdicts: &[Verdict]) -> Vec<Option<DropReason>> {
        verdicts
            .iter()
            .map(|v| match v {
                Verdict::Kept => None,
                Verdict::Dropped(r) => Some(*r),
            })
            .collect()
    }

    /// A fix about 10 m further east each second, near Changsha.
    fn driving(second: i64) -> Fix {
        fix(28.2, 112.9 + 0.0001 * second as f64, second)
    }

    #[test]
    fn bad_fixes_are_dropped_with_their_reason() {
        let mut inaccurate = driving(3);
        inaccurate.accuracy_m = Some(80.0);
        let mut repeated = driving(5);
        repeated.time_ms += 1000;
        let fixes = vec![
            driving(0),
            driving(1),
            fix(0.0, 0.0, 2),
            inaccurate,
            fix(f64::NAN, 112.9, 4),
            driving(5),
            driving(5),
            driving(4),
            repeated,
            driving(10_000),
            driving(7),
        ];
        let verdicts = judge(&fixes, &FilterConfig::default(), T0 + 10_000);
        use DropReason::*;
        assert_eq!(
            reasons(&verdicts),
            [
                None,
                None,
                Some(InvalidCoordinates),
                Some(Inaccurate),
                Some(InvalidCoordinates),
                None,
                Some(DuplicateTime),
                Some(OutOfOrder),
                Some(RepeatedPosition),
                Some(Future),
                None,
            ]
        );
    }

    #[test]
    fn a_jump_in_the_middle_is_dropped() {
        let mut fixes: Vec<Fix> = (0..10).map(driving).collect();
        fixes[5].latitude += 0.05; // 5.5 km away for one second
        let verdicts = judge(&fixes, &FilterConfig::default(), T0 + 60_000);
        assert_eq!(verdicts[5], Verdict::Dropped(DropReason::Jump));
        assert_eq!(verdicts.iter().filter(|v| v.is_kept()).count(), 9);
    }

    #[test]
    fn a_track_that_starts_with_a_jump_loses_the_jump_not_the_track() {
        let mut fixes: Vec<Fix> = (0..10).map(driving).collect();
        fixes[0].latitude += 0.05;
        let verdicts = judge(&fixes, &FilterConfig::default(), T0 + 60_000);
        assert_eq!(verdicts[0], Verdict::Dropped(DropReason::Jump));
        assert!(verdicts[1..].iter().all(|v| v.is_kept()), "{verdicts:?}");
    }

    #[test]
    fn standing_drift_is_dropped_and_driving_is_not() {
        // Standing where `driving` is at second 20: a few metres around, reported speed 0.
        let mut fixes: Vec<Fix> = (0..20)
            .map(|s| {
                let mut f = fix(28.2 + 0.00002 * (s % 3) as f64, 112.902, s);
                f.speed_mps = Some(0.0);
                f.accuracy_m = Some(8.0);
                f
            })
            .collect();
        fixes.extend((21..30).map(driving));
        let verdicts = judge(&fixes, &FilterConfig::default(), T0 + 60_000);
        let drift = verdicts
            .iter()
            .filter(|v| **v == Verdict::Dropped(DropReason::StationaryDrift))
            .count();
        assert!(drift >= 12, "{verdicts:?}");
        assert!(verdicts[21..].iter().all(|v| v.is_kept()));
    }
}
