//! Measuring synthetic tracks with known geodesic length, clean and with the noise phones
//! really produce: time-correlated error, jumps, 0/0 fixes, drift while parked, duplicated
//! times, a dozing phone repeating its last fix, a tunnel gap. Each with and without the
//! accuracy and speed a phone reports (a GPX file has neither).
//!
//! Expected lengths come from Vincenty's inverse formula, written here independently of the
//! Karney geodesics the core uses.

use redshield_core::trips::{DropReason, Fix, TrackConfig, TrackReport, measure};

const T0: i64 = 1_795_000_000_000;
const NOW: i64 = T0 + 30 * 24 * 3600 * 1000;

/// Vincenty's inverse formula on WGS-84, metres.
fn vincenty(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let a = 6_378_137.0_f64;
    let f = 1.0 / 298.257_223_563;
    let b = a * (1.0 - f);
    let l = (lon2 - lon1).to_radians();
    let u1 = ((1.0 - f) * lat1.to_radians().tan()).atan();
    let u2 = ((1.0 - f) * lat2.to_radians().tan()).atan();
    let (su1, cu1, su2, cu2) = (u1.sin(), u1.cos(), u2.sin(), u2.cos());
    let mut lambda = l;
    for _ in 0..200 {
        let (sl, cl) = (lambda.sin(), lambda.cos());
        let sin_sigma = ((cu2 * sl).powi(2) + (cu1 * su2 - su1 * cu2 * cl).powi(2)).sqrt();
        if sin_sigma == 0.0 {
            return 0.0;
        }
        let cos_sigma = su1 * su2 + cu1 * cu2 * cl;
        let sigma = sin_sigma.atan2(cos_sigma);
        let sin_alpha = cu1 * cu2 * sl / sin_sigma;
        let cos2_alpha = 1.0 - sin_alpha * sin_alpha;
        let cos_2sm = if cos2_alpha == 0.0 {
            0.0
        } else {
            cos_sigma - 2.0 * su1 * su2 / cos2_alpha
        };
        let c = f / 16.0 * cos2_alpha * (4.0 + f * (4.0 - 3.0 * cos2_alpha));
        let previous = lambda;
        lambda = l
            + (1.0 - c)
                * f
                * sin_alpha
                * (sigma
                    + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1.0 + 2.0 * cos_2sm * cos_2sm)));
        if (lambda - previous).abs() < 1e-13 {
            let u_sq = cos2_alpha * (a * a - b * b) / (b * b);
            let big_a =
                1.0 + u_sq / 16384.0 * (4096.0 + u_sq * (-768.0 + u_sq * (320.0 - 175.0 * u_sq)));
            let big_b = u_sq / 1024.0 * (256.0 + u_sq * (-128.0 + u_sq * (74.0 - 47.0 * u_sq)));
            let delta = big_b
                * sin_sigma
                * (cos_2sm
                    + big_b / 4.0
                        * (cos_sigma * (-1.0 + 2.0 * cos_2sm * cos_2sm)
                            - big_b / 6.0
                                * cos_2sm
                                * (-3.0 + 4.0 * sin_sigma * sin_sigma)
                                * (-3.0 + 4.0 * cos_2sm * cos_2sm)));
            return b * big_a * (sigma - delta);
        }
    }
    panic!("Vincenty did not converge");
}

fn length(fixes: &[Fix]) -> f64 {
    fixes
        .windows(2)
        .map(|w| vincenty(w[0].latitude, w[0].longitude, w[1].latitude, w[1].longitude))
        .sum()
}

/// A route through Changsha's streets (lat, lon), about 9 km.
const ROUTE: &[(f64, f64)] = &[
    (28.1942, 112.9823),
    (28.1950, 112.9950),
    (28.2032, 113.0010),
    (28.2110, 113.0005),
    (28.2135, 112.9870),
    (28.2200, 112.9790),
    (28.2290, 112.9800),
];

/// Fixes every `interval_s` seconds at `speed` m/s along the route, starting at `t0`.
fn drive(route: &[(f64, f64)], speed: f64, interval_s: f64, t0: i64) -> Vec<Fix> {
    let mut fixes = vec![Fix::at(route[0].0, route[0].1, t0)];
    let mut t = t0;
    for leg in route.windows(2) {
        let (a, b) = (leg[0], leg[1]);
        let leg_m = vincenty(a.0, a.1, b.0, b.1);
        let steps = (leg_m / (speed * interval_s)).ceil().max(1.0) as usize;
        for k in 1..=steps {
            let s = k as f64 / steps as f64;
            t += (leg_m / steps as f64 / speed * 1000.0) as i64;
            fixes.push(Fix::at(a.0 + (b.0 - a.0) * s, a.1 + (b.1 - a.1) * s, t));
        }
    }
    fixes
}

/// A deterministic random source: xorshift, and Gaussian numbers by Box–Muller.
struct Noise(u64);

impl Noise {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn gaussian(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-12), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Adds time-correlated error (AR(1), correlation `rho` between fixes, deviation `sigma`
    /// metres) in both directions, as GNSS error behaves.
    fn perturb(&mut self, fixes: &mut [Fix], sigma: f64, rho: f64) {
        let (mut north, mut east) = (0.0, 0.0);
        let innovation = (1.0 - rho * rho).sqrt() * sigma;
        for f in fixes {
            north = rho * north + innovation * self.gaussian();
            east = rho * east + innovation * self.gaussian();
            f.latitude += north / 111_000.0;
            f.longitude += east / (111_000.0 * f.latitude.to_radians().cos());
        }
    }
}

/// The same fixes as a phone reports them: accuracy and speed.
fn as_phone(fixes: &mut [Fix], accuracy: f64) {
    let speeds: Vec<f64> = fixes
        .windows(2)
        .map(|w| {
            vincenty(w[0].latitude, w[0].longitude, w[1].latitude, w[1].longitude)
                / ((w[1].time_ms - w[0].time_ms) as f64 / 1000.0)
        })
        .collect();
    for (i, f) in fixes.iter_mut().enumerate() {
        f.accuracy_m = Some(accuracy);
        f.speed_mps = Some(speeds.get(i.saturating_sub(1)).copied().unwrap_or(0.0));
    }
}

/// Standing at `at` for `seconds`, a fix every `interval_s`, wandering with GNSS error.
fn parked(at: (f64, f64), seconds: i64, interval_s: i64, t0: i64, noise: &mut Noise) -> Vec<Fix> {
    let mut fixes: Vec<Fix> = (0..=seconds / interval_s)
        .map(|k| Fix::at(at.0, at.1, t0 + k * interval_s * 1000))
        .collect();
    noise.perturb(&mut fixes, 8.0, 0.95);
    fixes
}

fn report(fixes: &[Fix]) -> TrackReport {
    measure(fixes, &TrackConfig::default(), NOW)
}

fn dropped(report: &TrackReport, reason: DropReason) -> u64 {
    report
        .dropped
        .iter()
        .find(|d| d.reason == reason)
        .map_or(0, |d| d.count)
}

fn assert_close(measured: f64, expected: f64, tolerance: f64, what: &str) {
    let error = (measured - expected).abs() / expected;
    assert!(
        error <= tolerance,
        "{what}: {measured:.1} m against {expected:.1} m, off by {:.3} %",
        error * 100.0
    );
}

#[test]
fn along_the_equator_the_distance_is_exact() {
    let fixes: Vec<Fix> = (0..=3000)
        .map(|s| Fix::at(0.0, 100.0 + 0.0001 * s as f64, T0 + s * 1000))
        .collect();
    let expected = 6_378_137.0 * (0.3_f64).to_radians();
    let r = report(&fixes);
    assert_close(r.distance_m, expected, 1e-6, "equator");
    assert_eq!(r.fixes_kept, 3001);
    assert!(r.stops.is_empty() && r.gaps.is_empty());
    assert_eq!(r.duration_s, 3000.0);
    assert_eq!(r.moving_s, 3000.0);
}

#[test]
fn a_clean_track_matches_the_geodesic_within_a_thousandth() {
    for interval in [1.0, 5.0] {
        let mut fixes = drive(ROUTE, 12.0, interval, T0);
        let expected = length(&fixes);
        assert_close(
            report(&fixes).distance_m,
            expected,
            0.001,
            "without accuracy",
        );
        as_phone(&mut fixes, 5.0);
        assert_close(
            report(&fixes).distance_m,
            expected,
            0.001,
            "as a phone reports it",
        );
    }
}

#[test]
fn a_noisy_track_stays_within_two_percent() {
    for (seed, interval) in [(7, 1.0), (11, 5.0)] {
        let clean = drive(ROUTE, 12.0, interval, T0);
        let expected = length(&clean);
        let mut noisy = clean.clone();
        Noise(seed).perturb(&mut noisy, 4.0, 0.9);
        assert_close(report(&noisy).distance_m, expected, 0.02, "GPX-like");
        as_phone(&mut noisy, 6.0);
        assert_close(report(&noisy).distance_m, expected, 0.02, "phone-like");
    }
}

#[test]
fn jumps_and_zero_fixes_are_removed() {
    let clean = drive(ROUTE, 12.0, 1.0, T0);
    let expected = length(&clean);
    let mut fixes = clean.clone();
    for i in (100..fixes.len()).step_by(150) {
        fixes[i].latitude += 0.02; // 2.2 km sideways for one fix
    }
    for i in (50..fixes.len()).step_by(300) {
        fixes[i].latitude = 0.0;
        fixes[i].longitude = 0.0;
    }
    let jumps = (100..clean.len()).step_by(150).count() as u64;
    for phone in [false, true] {
        let mut input = fixes.clone();
        if phone {
            as_phone(&mut input, 5.0);
        }
        let r = report(&input);
        assert_eq!(dropped(&r, DropReason::Jump), jumps);
        assert!(dropped(&r, DropReason::InvalidCoordinates) > 0);
        assert_close(r.distance_m, expected, 0.02, "with jumps");
    }
}

#[test]
fn a_track_that_starts_with_a_jump_keeps_its_track() {
    let mut fixes = drive(ROUTE, 12.0, 1.0, T0);
    let expected = length(&fixes[1..]);
    fixes[0].latitude += 0.3;
    let r = report(&fixes);
    assert_eq!(dropped(&r, DropReason::Jump), 1);
    assert_close(r.distance_m, expected, 0.001, "after the first fix");
}

#[test]
fn a_vehicle_parked_for_an_hour_accrues_nothing() {
    for phone in [false, true] {
        let mut fixes = parked(ROUTE[0], 3600, 5, T0, &mut Noise(3));
        if phone {
            for f in &mut fixes {
                f.accuracy_m = Some(12.0);
                f.speed_mps = Some(0.0);
            }
        }
        let r = report(&fixes);
        assert_eq!(r.distance_m, 0.0, "phone: {phone}: {r:?}");
        assert_eq!(r.moving_s, 0.0);
        assert_eq!(r.stops.len(), 1);
        assert_eq!(r.stops[0].end_ms - r.stops[0].start_ms, 3_600_000);
    }
}

#[test]
fn drive_park_drive_counts_the_drives_and_one_stop() {
    let there = drive(ROUTE, 12.0, 1.0, T0);
    let arrived = there.last().unwrap().time_ms;
    let mut noise = Noise(5);
    let wait = parked(ROUTE[ROUTE.len() - 1], 3600, 5, arrived + 5000, &mut noise);
    let back_route: Vec<(f64, f64)> = ROUTE.iter().rev().copied().collect();
    let back = drive(&back_route, 12.0, 1.0, wait.last().unwrap().time_ms + 5000);
    let expected = length(&there) + length(&back);
    let mut fixes = [there, wait, back].concat();
    noise.perturb(&mut fixes, 3.0, 0.9);
    let r = report(&fixes);
    assert_close(r.distance_m, expected, 0.02, "drive, park, drive");
    assert_eq!(r.stops.len(), 1, "{:?}", r.stops);
    assert!(r.gaps.is_empty());
    assert!(r.moving_s < r.duration_s - 3500.0);
}

#[test]
fn duplicated_times_and_a_dozing_phone_are_dropped_and_the_silence_is_a_gap() {
    let mut fixes = drive(ROUTE, 12.0, 1.0, T0);
    let expected = length(&fixes);
    // Every tenth fix sent twice.
    let twice: Vec<Fix> = fixes.iter().step_by(10).cloned().collect();
    let duplicates = twice.len() as u64;
    fixes.extend(twice);
    fixes.sort_by_key(|f| f.time_ms);
    // After fix 400 the phone dozes for 10 minutes, repeating its last position every 10 s.
    let last = fixes[400].clone();
    let resume = fixes.iter().position(|f| f.time_ms > last.time_ms).unwrap();
    let resumed_ms = fixes[resume].time_ms + 600_000;
    for f in &mut fixes[resume..] {
        f.time_ms += 600_000;
    }
    let repeats: Vec<Fix> = (1..60)
        .map(|k| Fix::at(last.latitude, last.longitude, last.time_ms + k * 10_000))
        .collect();
    fixes.splice(resume..resume, repeats);
    let r = report(&fixes);
    assert_eq!(dropped(&r, DropReason::DuplicateTime), duplicates);
    assert_eq!(dropped(&r, DropReason::RepeatedPosition), 59);
    assert_eq!(r.gaps.len(), 1, "{:?}", r.gaps);
    assert_eq!(
        (r.gaps[0].from_ms, r.gaps[0].to_ms),
        (last.time_ms, resumed_ms)
    );
    assert!(r.stops.is_empty(), "a gap is never a stop: {:?}", r.stops);
    assert_close(r.distance_m, expected, 0.001, "dozing");
}

#[test]
fn a_tunnel_is_a_gap_bridged_in_the_open() {
    let mut fixes = drive(ROUTE, 12.0, 1.0, T0);
    let road = length(&fixes);
    // No fix for five minutes and twenty seconds in the middle.
    let (from, to) = (100, 420);
    let tunnel = fixes[from - 1].clone();
    let exit = fixes[to].clone();
    fixes.drain(from..to);
    let r = report(&fixes);
    assert_eq!(r.gaps.len(), 1);
    let gap = &r.gaps[0];
    assert_eq!((gap.from_ms, gap.to_ms), (tunnel.time_ms, exit.time_ms));
    let bridged = vincenty(
        tunnel.latitude,
        tunnel.longitude,
        exit.latitude,
        exit.longitude,
    );
    assert!((gap.bridged_m - bridged).abs() < 0.01);
    assert_eq!(r.bridged_m, gap.bridged_m);
    // The road before and after, and the straight line between: said, not hidden.
    let expected = length(&fixes[..from]) + bridged + length(&fixes[from..]);
    assert_close(r.distance_m, expected, 0.001, "bridged");
    assert!(
        r.distance_m < road,
        "the line under the city is shorter than the road"
    );
}

#[test]
fn mock_locations_are_kept_and_counted() {
    let mut fixes = drive(ROUTE, 12.0, 5.0, T0);
    for f in fixes.iter_mut().take(10) {
        f.mock = true;
    }
    let r = report(&fixes);
    assert_eq!(r.mock_fixes, 10);
    assert_eq!(r.fixes_kept, fixes.len() as u64);
}
