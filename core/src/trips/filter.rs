//! Which fixes to believe. Phones report jumps, drift while parked, 0/0 positions, repeated
//! last positions while Android dozes, and times that go backwards; a parked car must not
//! "drive" and a trip must not lose its track to one bad fix. Learned from Traccar's
//! `FilterHandler` and GPSLogger; each rule has a config key and a documented default.
//!
//! Every fix gets a verdict: kept, or dropped with one reason. Order of the checks: invalid,
//! from the future, before the GPS epoch, inaccurate, duplicate or out-of-order time, repeated position, jump,
//! stationary drift. Mock locations are kept, and counted.

use serde::{Deserialize, Serialize};

use crate::trips::Fix;
use crate::trips::geodesy::metres;
use crate::wire_enum::wire_enum;

wire_enum! {
    /// Why a fix was dropped.
    #[derive(PartialOrd, Ord)]
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum DropReason {
        /// NaN, out of range, or 0/0 (a receiver without a fix).
        InvalidCoordinates = "invalid_coordinates",
        /// Later than `filter.future_ms` after the time the track is judged at.
        Future = "future",
        /// Earlier than the GPS epoch (`GPS_EPOCH_MS`): no satellite gave that time, a clock
        /// never set did (a logger's or phone's reset clock reads 1970).
        BeforeGnss = "before_gnss",
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

/// 1980-01-06T00:00:00Z, ms: GPS time starts here (week 0). Every GNSS time is later, so an
/// earlier fix time can only come from a clock that was never set.
pub const GPS_EPOCH_MS: i64 = 315_964_800_000;
pub const GPS_EPOCH_DAY: &str = "1980-01-06";

/// The filters' settings. Keys as in the centre's configuration; defaults in `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
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
    /// The fix's accuracy, or the one assumed when it reports none.
    pub fn accuracy_of(&self, fix: &Fix) -> f64 {
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

/// A fix on its way through the filters, numbered in the order it was pushed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub n: u64,
    pub fix: Fix,
}

/// The filters as a stream: fixes go in one at a time, in the order recorded, and come out
/// with their verdicts. A fix whose fate depends on the next one (a first anchor, a jump from
/// it) waits for it, so verdicts may come out later than their fixes went in — but kept fixes
/// always come out in order. The state is small and serialisable: a trip keeps it between
/// batches, so a batch costs its own length, not the trip's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pushed: u64,
    /// The last fix that passed the time checks.
    last_accepted: Option<Fix>,
    /// The jump filter's anchor; `held` while it waits for a fix to confirm it.
    anchor: Option<Item>,
    held: bool,
    confirmed: bool,
    /// A fix that jumped from an unconfirmed anchor: the next fix decides.
    suspect: Option<Item>,
    /// The drift filter's anchor and the fix before the current one.
    drift_anchor: Option<Fix>,
    drift_previous: Option<Fix>,
}

impl Filter {
    /// Judges `fix` at time `now_ms`; verdicts decided now are appended to `out`.
    pub fn push(
        &mut self,
        fix: Fix,
        config: &FilterConfig,
        now_ms: i64,
        out: &mut Vec<(Item, Verdict)>,
    ) {
        let item = Item {
            n: self.pushed,
            fix,
        };
        self.pushed += 1;
        let verdict = basic_check(&item.fix, config, now_ms);
        if verdict != Verdict::Kept {
            out.push((item, verdict));
            return;
        }
        if let Some(reason) = self.out_of_sequence(&item.fix) {
            out.push((item, Verdict::Dropped(reason)));
            return;
        }
        self.last_accepted = Some(item.fix.clone());
        let start = out.len();
        self.jump(item, config, out);
        for (item, verdict) in &mut out[start..] {
            if verdict.is_kept() {
                *verdict = self.drift(&item.fix, config);
            }
        }
    }

    /// The track is complete: decides what still waits.
    pub fn finish(&mut self, config: &FilterConfig, out: &mut Vec<(Item, Verdict)>) {
        let start = out.len();
        self.release_anchor(out);
        if let Some(s) = self.suspect.take() {
            // A suspect at the very end has nobody to vouch for it.
            out.push((s, Verdict::Dropped(DropReason::Jump)));
        }
        for (item, verdict) in &mut out[start..] {
            if verdict.is_kept() {
                *verdict = self.drift(&item.fix, config);
            }
        }
    }

    /// Times must increase; a position repeated exactly is a phone repeating its last fix.
    fn out_of_sequence(&self, f: &Fix) -> Option<DropReason> {
        let prev = self.last_accepted.as_ref()?;
        if f.time_ms == prev.time_ms {
            Some(DropReason::DuplicateTime)
        } else if f.time_ms < prev.time_ms {
            Some(DropReason::OutOfOrder)
        } else if f.latitude == prev.latitude && f.longitude == prev.longitude {
            Some(DropReason::RepeatedPosition)
        } else {
            None
        }
    }

    /// Drops fixes that could only be reached faster than the limit. The first anchor is
    /// trusted only once the fix after it agrees with it: when the fix after it jumps, the one
    /// after that decides which of the two was the outlier — so a track that starts with a
    /// jump loses the jump, not the track.
    fn jump(&mut self, item: Item, config: &FilterConfig, out: &mut Vec<(Item, Verdict)>) {
        let plausible = |a: &Fix, b: &Fix| {
            let seconds = (b.time_ms - a.time_ms) as f64 / 1000.0;
            metres(a, b) <= config.max_speed_mps() * seconds
        };
        let Some(anchor) = self.anchor.clone() else {
            self.anchor = Some(item);
            self.held = true;
            return;
        };
        if let Some(suspect) = self.suspect.take() {
            if plausible(&anchor.fix, &item.fix) {
                self.release_anchor(out);
                out.push((suspect, Verdict::Dropped(DropReason::Jump)));
                self.confirm(item, out);
            } else if plausible(&suspect.fix, &item.fix) {
                self.held = false;
                out.push((anchor, Verdict::Dropped(DropReason::Jump)));
                out.push((suspect, Verdict::Kept));
                self.confirm(item, out);
            } else {
                // Three fixes, none agreeing: keep the earliest, judge the next afresh.
                out.push((suspect, Verdict::Dropped(DropReason::Jump)));
                out.push((item, Verdict::Dropped(DropReason::Jump)));
            }
        } else if plausible(&anchor.fix, &item.fix) {
            self.release_anchor(out);
            self.confirm(item, out);
        } else if self.confirmed {
            out.push((item, Verdict::Dropped(DropReason::Jump)));
        } else {
            self.suspect = Some(item);
        }
    }

    fn release_anchor(&mut self, out: &mut Vec<(Item, Verdict)>) {
        if self.held
            && let Some(anchor) = &self.anchor
        {
            out.push((anchor.clone(), Verdict::Kept));
        }
        self.held = false;
    }

    fn confirm(&mut self, item: Item, out: &mut Vec<(Item, Verdict)>) {
        out.push((item.clone(), Verdict::Kept));
        self.anchor = Some(item);
        self.confirmed = true;
    }

    /// Drops a fix that stays inside the accuracy circle of the last kept fix while the
    /// vehicle is standing: by the speed the receiver reports, or, without one, by the speed
    /// from the fix before. The anchor does not move with the drift, so a parked vehicle
    /// accrues nothing.
    fn drift(&mut self, f: &Fix, config: &FilterConfig) -> Verdict {
        if let (Some(a), Some(p)) = (&self.drift_anchor, &self.drift_previous) {
            let circle = config.accuracy_of(a).max(config.accuracy_of(f));
            let speed = f.speed_mps.unwrap_or_else(|| {
                let seconds = (f.time_ms - p.time_ms) as f64 / 1000.0;
                metres(p, f) / seconds.max(0.001)
            });
            if metres(a, f) < circle && speed < config.stationary_mps {
                self.drift_previous = Some(f.clone());
                return Verdict::Dropped(DropReason::StationaryDrift);
            }
        }
        self.drift_anchor = Some(f.clone());
        self.drift_previous = Some(f.clone());
        Verdict::Kept
    }
}

/// Judges every fix of a track, in the order given, at time `now_ms`: the verdicts in the
/// fixes' order.
pub fn judge(fixes: &[Fix], config: &FilterConfig, now_ms: i64) -> Vec<Verdict> {
    let mut filter = Filter::default();
    let mut out = Vec::with_capacity(fixes.len());
    for f in fixes {
        filter.push(f.clone(), config, now_ms, &mut out);
    }
    filter.finish(config, &mut out);
    let mut verdicts = vec![Verdict::Kept; fixes.len()];
    for (item, verdict) in out {
        if let Some(v) = verdicts.get_mut(item.n as usize) {
            *v = verdict;
        }
    }
    verdicts
}

/// Whether the fix's time can be a GNSS time at all, judged at `now_ms`: not from the future,
/// not before the GPS epoch. Also what an imported trip's start and end are taken from.
pub fn time_check(f: &Fix, config: &FilterConfig, now_ms: i64) -> Option<DropReason> {
    if f.time_ms > now_ms.saturating_add(config.future_ms) {
        Some(DropReason::Future)
    } else if f.time_ms < GPS_EPOCH_MS {
        Some(DropReason::BeforeGnss)
    } else {
        None
    }
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
    if let Some(reason) = time_check(f, config, now_ms) {
        return Verdict::Dropped(reason);
    }
    let accuracy = config.accuracy_of(f);
    if !(accuracy.is_finite() && accuracy >= 0.0 && accuracy <= config.accuracy_m) {
        return Verdict::Dropped(DropReason::Inaccurate);
    }
    Verdict::Kept
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
            Fix::at(28.2, 112.9007, GPS_EPOCH_MS - 1),
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
                Some(BeforeGnss),
                None,
            ]
        );
    }

    #[test]
    fn gnss_time_starts_at_the_gps_epoch() {
        let config = FilterConfig::default();
        let at = |ms| time_check(&Fix::at(28.2, 112.9, ms), &config, T0);
        assert_eq!(at(GPS_EPOCH_MS), None, "week 0 of a receiver just reset");
        assert_eq!(at(GPS_EPOCH_MS - 1), Some(DropReason::BeforeGnss));
        assert_eq!(at(0), Some(DropReason::BeforeGnss));
        assert_eq!(at(i64::MIN), Some(DropReason::BeforeGnss));
        assert_eq!(at(T0 + config.future_ms + 1), Some(DropReason::Future));
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
