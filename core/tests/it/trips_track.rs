//! Measuring synthetic tracks with known geodesic length, clean and with the noise phones
//! really produce: time-correlated error, jumps, 0/0 fixes, drift while parked, duplicated
//! times, a dozing phone repeating its last fix, a tunnel gap. Each with and without the
//! accuracy and speed a phone reports (a GPX file has neither).
//! Expected lengths: `common::tracks`.

use crate::common::tracks::*;
use redshield_core::trips::{DropReason, Fix, TrackConfig, TrackReport, measure};

const T0: i64 = 1_795_000_000_000;
const NOW: i64 = T0 + 30 * 24 * 3600 * 1000;

fn report(fixes: &[Fix]) -> TrackReport {
    measure(fixes, &TrackConfig::default(), NOW)
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
    let d = dozing(T0);
    let r = report(&d.fixes);
    assert_eq!(dropped(&r, DropReason::DuplicateTime), d.duplicates);
    assert_eq!(dropped(&r, DropReason::RepeatedPosition), 59);
    assert_eq!(r.gaps.len(), 1, "{:?}", r.gaps);
    assert_eq!((r.gaps[0].from_ms, r.gaps[0].to_ms), d.gap);
    assert!(r.stops.is_empty(), "a gap is never a stop: {:?}", r.stops);
    assert_close(r.distance_m, d.expected_m, 0.001, "dozing");
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
