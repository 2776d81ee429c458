//! The centre's limits on what one client may cost it: a device's share of the blob store, and
//! how fast one address may fail at enrolling or at the admin routes.
//!
//! The rate limiter is a token bucket per client address and kind of route. Every request
//! takes a token before it is handled and a request that succeeds gives it back, so only
//! failures (a wrong enrolment code, a wrong admin token, a refused order) spend the bucket:
//! guessing a code is slowed to the refill rate, while a fleet enrolling on one morning or the
//! centre's own tools are never held up. An empty bucket answers `429` with `Retry-After`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// The default share of the blob store per device: years of a vehicle's photos and some
/// recordings (a recording may be up to 2 GiB).
pub const DEFAULT_BLOB_QUOTA_BYTES: u64 = 64 << 30;

/// The limits `Config` gives the centre. In `redshield serve`'s file: a `[limits]` table with
/// these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The most blob bytes one device may have the centre hold (blobs it uploaded first;
    /// partial uploads as far as held).
    pub blob_quota_bytes: u64,
    /// Failed enrolments per client address.
    pub enrol_failures: RateLimit,
    /// Failed requests to the admin routes (`/v1/admin/…`) per client address.
    pub admin_failures: RateLimit,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            blob_quota_bytes: DEFAULT_BLOB_QUOTA_BYTES,
            enrol_failures: RateLimit {
                burst: 10,
                per_minute: 10,
            },
            admin_failures: RateLimit {
                burst: 30,
                per_minute: 30,
            },
        }
    }
}

/// A token bucket: `burst` tokens at most, `per_minute` come back each minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub burst: u32,
    pub per_minute: u32,
}

/// Buckets kept at most. Full ones are forgotten first — an address whose bucket refilled is
/// the same as one never seen, so dropping it loses nothing — then the least recently used:
/// the memory many addresses take stays bounded.
const BUCKETS_KEPT: usize = 4096;

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// One `RateLimit` applied per client address.
pub struct Limiter {
    rate: RateLimit,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Limiter {
    pub fn new(rate: RateLimit) -> Limiter {
        Limiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for a request from `client` at `now`; refused, how long until one is back.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= BUCKETS_KEPT && !buckets.contains_key(&key(client)) {
            self.make_room(&mut buckets, now);
        }
        let bucket = buckets.entry(key(client)).or_insert(Bucket {
            tokens: f64::from(self.rate.burst),
            at: now,
        });
        bucket.tokens = self.refilled(bucket, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let per_second = f64::from(self.rate.per_minute) / 60.0;
        if per_second <= 0.0 {
            return Err(Duration::from_secs(3600));
        }
        Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
    }

    /// Gives back the token of a request from `client` that succeeded.
    pub fn give_back(&self, client: IpAddr) {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(bucket) = buckets.get_mut(&key(client)) {
            bucket.tokens = (bucket.tokens + 1.0).min(f64::from(self.rate.burst));
        }
    }

    fn make_room(&self, buckets: &mut HashMap<IpAddr, Bucket>, now: Instant) {
        buckets.retain(|_, b| self.refilled(b, now) < f64::from(self.rate.burst));
        if buckets.len() >= BUCKETS_KEPT {
            let oldest = buckets.iter().min_by_key(|(_, b)| b.at).map(|(ip, _)| *ip);
            if let Some(ip) = oldest {
                buckets.remove(&ip);
            }
        }
    }

    fn refilled(&self, bucket: &Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        let refill = elapsed * f64::from(self.rate.per_minute) / 60.0;
        (bucket.tokens + refill).min(f64::from(self.rate.burst))
    }
}

/// The address a bucket is kept for: an IPv6 client holds a whole /64 (one subscriber's
/// network), so it counts as one.
fn key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
    }
}

/// Whole seconds for `Retry-After`, never 0 (0 would invite an immediate retry).
pub fn retry_after_seconds(wait: Duration) -> u64 {
    (wait.as_secs_f64().ceil() as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn limiter(burst: u32, per_minute: u32) -> Limiter {
        Limiter::new(RateLimit { burst, per_minute })
    }

    #[test]
    fn a_burst_then_one_token_per_refill_interval() {
        let limits = limiter(3, 60);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limits.take(HERE, t0), Ok(()));
        }
        let wait = limits.take(HERE, t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        assert_eq!(retry_after_seconds(wait), 1);
        // A second later one token is back, and only one.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(limits.take(HERE, t1), Ok(()));
        assert!(limits.take(HERE, t1).is_err());
    }

    #[test]
    fn a_request_that_succeeds_costs_nothing() {
        let limits = limiter(2, 1);
        let now = Instant::now();
        for _ in 0..100 {
            limits.take(HERE, now).unwrap();
            limits.give_back(HERE);
        }
        assert_eq!(limits.take(HERE, now), Ok(()));
    }

    #[test]
    fn each_address_has_its_own_bucket_and_an_ipv6_network_one() {
        let limits = limiter(1, 1);
        let now = Instant::now();
        limits.take(HERE, now).unwrap();
        assert!(limits.take(HERE, now).is_err());
        assert_eq!(limits.take("127.0.0.2".parse().unwrap(), now), Ok(()));
        limits.take("2001:db8::1".parse().unwrap(), now).unwrap();
        assert!(limits.take("2001:db8::2".parse().unwrap(), now).is_err());
        assert_eq!(limits.take("2001:db8:0:1::1".parse().unwrap(), now), Ok(()));
    }

    #[test]
    fn many_addresses_take_bounded_memory() {
        let limits = limiter(1, 1);
        let now = Instant::now();
        for n in 0..(BUCKETS_KEPT as u32 + 100) {
            let client = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + n));
            limits.take(client, now).unwrap();
        }
        assert_eq!(limits.buckets.lock().unwrap().len(), BUCKETS_KEPT);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(5_001)), 6);
        assert_eq!(retry_after_seconds(Duration::from_secs(6)), 6);
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
    }
}
