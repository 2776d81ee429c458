//! The phone's part — keystore, clocks, log — as the tests need it: one `Platform`, its clocks
//! chosen when it is built.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use redshield_core::platform::{LogLevel, Platform, PlatformError};

/// Wraps secrets by XOR with a fixed key behind a tag; can be made to fail like a keystore
/// that lost its key. Keeps the core's log lines.
///
/// `TestPlatform::new()` has the machine's clocks; `TestPlatform::builder()` gives others.
pub struct TestPlatform {
    /// Added to the wall clock: a phone whose clock is set wrong.
    pub wall_shift_ms: AtomicI64,
    pub broken_keystore: AtomicBool,
    pub lines: Mutex<Vec<(LogLevel, String)>>,
    clocks: Clocks,
}

enum Clocks {
    /// The machine's, both moved on by what `ahead` holds.
    Machine { ahead: Arc<AtomicU64> },
    /// The wall clock is what `now` holds; the monotonic clock counts from `origin_ms`.
    Hand { now: Arc<AtomicI64>, origin_ms: i64 },
    /// The machine's wall clock; a monotonic clock that moves `step_ms` at every reading.
    Stepping { next: AtomicU64, step_ms: u64 },
}

/// How a `TestPlatform`'s clocks run.
pub struct Builder {
    clocks: Clocks,
}

impl Builder {
    /// Both clocks `ahead` ms ahead of the machine's, moved on by the test: time passing while
    /// a request is in flight, without waiting for it.
    pub fn ahead_by(mut self, ahead: Arc<AtomicU64>) -> Builder {
        self.clocks = Clocks::Machine { ahead };
        self
    }

    /// Clocks the test sets: the wall clock reads `now`, the monotonic clock the ms since
    /// `origin_ms`. Both move together, so no clock jump is ever recorded; `now` must only
    /// move forward and stay after `origin_ms`.
    pub fn set_by_hand(mut self, now: Arc<AtomicI64>, origin_ms: i64) -> Builder {
        self.clocks = Clocks::Hand { now, origin_ms };
        self
    }

    /// A monotonic clock that reads `start_ms` first and `step_ms` more at every reading: every
    /// round trip lasts `step_ms`.
    pub fn monotonic_stepping(mut self, start_ms: u64, step_ms: u64) -> Builder {
        self.clocks = Clocks::Stepping {
            next: AtomicU64::new(start_ms),
            step_ms,
        };
        self
    }

    pub fn build(self) -> Arc<TestPlatform> {
        Arc::new(TestPlatform {
            wall_shift_ms: AtomicI64::new(0),
            broken_keystore: AtomicBool::new(false),
            lines: Mutex::new(Vec::new()),
            clocks: self.clocks,
        })
    }
}

const TAG: &[u8] = b"test-wrap:";

impl TestPlatform {
    /// The machine's clocks, a working keystore.
    pub fn new() -> Arc<TestPlatform> {
        TestPlatform::builder().build()
    }

    pub fn builder() -> Builder {
        Builder {
            clocks: Clocks::Machine {
                ahead: Arc::new(AtomicU64::new(0)),
            },
        }
    }

    /// One monotonic clock for the whole test process, as a phone has one per boot: a store
    /// reopened with a new platform does not look rebooted.
    fn machine_monotonic_ms() -> u64 {
        static BOOT: OnceLock<Instant> = OnceLock::new();
        BOOT.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1_000_000
    }

    fn xor(bytes: &[u8]) -> Vec<u8> {
        bytes
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ (0x5a + i as u8))
            .collect()
    }
}

impl Platform for TestPlatform {
    fn monotonic_ms(&self) -> u64 {
        match &self.clocks {
            Clocks::Machine { ahead } => {
                TestPlatform::machine_monotonic_ms() + ahead.load(Ordering::SeqCst)
            }
            Clocks::Hand { now, origin_ms } => (now.load(Ordering::SeqCst) - origin_ms) as u64,
            Clocks::Stepping { next, step_ms } => next.fetch_add(*step_ms, Ordering::SeqCst),
        }
    }

    fn wall_ms(&self) -> i64 {
        let clock = match &self.clocks {
            Clocks::Machine { ahead } => {
                chrono::Utc::now().timestamp_millis() + ahead.load(Ordering::SeqCst) as i64
            }
            Clocks::Hand { now, .. } => now.load(Ordering::SeqCst),
            Clocks::Stepping { .. } => chrono::Utc::now().timestamp_millis(),
        };
        clock + self.wall_shift_ms.load(Ordering::SeqCst)
    }

    fn wrap_secret(&self, secret: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        Ok([TAG, &TestPlatform::xor(&secret)].concat())
    }

    fn unwrap_secret(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        if self.broken_keystore.load(Ordering::SeqCst) {
            return Err(PlatformError::Failed {
                reason: "key permanently invalidated".into(),
            });
        }
        let body = wrapped.strip_prefix(TAG).ok_or(PlatformError::Failed {
            reason: "not wrapped by this keystore".into(),
        })?;
        Ok(TestPlatform::xor(body))
    }

    fn log(&self, level: LogLevel, _target: String, message: String) {
        self.lines.lock().unwrap().push((level, message));
    }
}
