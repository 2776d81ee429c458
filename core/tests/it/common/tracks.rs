//! Synthetic tracks with known geodesic length, and the noise phones really produce.
//! Expected lengths come from Vincenty's inverse formula, written here independently of the
//! Karney geodesics the core uses.

use redshield_core::trips::{DropReason, Fix, TrackReport};

/// Vincenty's inverse formula on WGS-84, metres.
pub fn vincenty(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
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

pub fn length(fixes: &[Fix]) -> f64 {
    fixes
        .windows(2)
        .map(|w| vincenty(w[0].latitude, w[0].longitude, w[1].latitude, w[1].longitude))
        .sum()
}

/// A route through Changsha's streets (lat, lon), about 9 km.
pub const ROUTE: &[(f64, f64)] = &[
    (28.1942, 112.9823),
    (28.1950, 112.9950),
    (28.2032, 113.0010),
    (28.2110, 113.0005),
    (28.2135, 112.9870),
    (28.2200, 112.9790),
    (28.2290, 112.9800),
];

/// Fixes every `interval_s` seconds at `speed` m/s along the route, starting at `t0`.
pub fn drive(route: &[(f64, f64)], speed: f64, interval_s: f64, t0: i64) -> Vec<Fix> {
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
pub struct Noise(pub u64);

impl Noise {
    pub fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn gaussian(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-12), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Adds time-correlated error (AR(1), correlation `rho` between fixes, deviation `sigma`
    /// metres) in both directions, as GNSS error behaves.
    pub fn perturb(&mut self, fixes: &mut [Fix], sigma: f64, rho: f64) {
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
pub fn as_phone(fixes: &mut [Fix], accuracy: f64) {
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
pub fn parked(
    at: (f64, f64),
    seconds: i64,
    interval_s: i64,
    t0: i64,
    noise: &mut Noise,
) -> Vec<Fix> {
    let mut fixes: Vec<Fix> = (0..=seconds / interval_s)
        .map(|k| Fix::at(at.0, at.1, t0 + k * interval_s * 1000))
        .collect();
    noise.perturb(&mut fixes, 8.0, 0.95);
    fixes
}

pub fn dropped(report: &TrackReport, reason: DropReason) -> u64 {
    report
        .dropped
        .iter()
        .find(|d| d.reason == reason)
        .map_or(0, |d| d.count)
}

pub fn assert_close(measured: f64, expected: f64, tolerance: f64, what: &str) {
    let error = (measured - expected).abs() / expected;
    assert!(
        error <= tolerance,
        "{what}: {measured:.1} m against {expected:.1} m, off by {:.3} %",
        error * 100.0
    );
}

/// A drive as a dozing phone reports it: every tenth fix sent twice, then, after fix 400, ten
/// minutes of the last position repeated every 10 s (59 repeats) before the drive resumes.
pub struct Dozing {
    pub fixes: Vec<Fix>,
    /// The length of the drive itself.
    pub expected_m: f64,
    pub duplicates: u64,
    /// The silence: from the last real fix to the first after it.
    pub gap: (i64, i64),
}

pub fn dozing(t0: i64) -> Dozing {
    let mut fixes = drive(ROUTE, 12.0, 1.0, t0);
    let expected_m = length(&fixes);
    let twice: Vec<Fix> = fixes.iter().step_by(10).cloned().collect();
    let duplicates = twice.len() as u64;
    fixes.extend(twice);
    fixes.sort_by_key(|f| f.time_ms);
    let last = fixes[400].clone();
    let resume = fixes.iter().position(|f| f.time_ms > last.time_ms).unwrap();
    for f in &mut fixes[resume..] {
        f.time_ms += 600_000;
    }
    let gap = (last.time_ms, fixes[resume].time_ms);
    let repeats: Vec<Fix> = (1..60)
        .map(|k| Fix::at(last.latitude, last.longitude, last.time_ms + k * 10_000))
        .collect();
    fixes.splice(resume..resume, repeats);
    Dozing {
        fixes,
        expected_m,
        duplicates,
        gap,
    }
}
