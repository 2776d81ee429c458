//! The end-to-end tests' helpers now live in `redshield-testkit`. The server's tests and the
//! CLI's centre crash test still import them from here, under the names they had; they go
//! once those tests import the kit themselves.

use std::sync::{Arc, OnceLock};

use redshield_core::platform::{LogLevel, Platform, PlatformError};
use redshield_testkit::TestPlatform;

pub use redshield_testkit::complaint_from as complaint;
pub use redshield_testkit::{
    centre, device, device_log, field, on_both_backends, photo, postgres, recording,
};

/// `TestPlatform::new()`'s clocks and keystore under the former name, as a value
/// (`Arc::new(PhonePlatform)`); its log lines are dropped.
pub struct PhonePlatform;

impl PhonePlatform {
    fn platform() -> &'static Arc<TestPlatform> {
        static PLATFORM: OnceLock<Arc<TestPlatform>> = OnceLock::new();
        PLATFORM.get_or_init(TestPlatform::new)
    }
}

impl Platform for PhonePlatform {
    fn monotonic_ms(&self) -> u64 {
        PhonePlatform::platform().monotonic_ms()
    }

    fn wall_ms(&self) -> i64 {
        PhonePlatform::platform().wall_ms()
    }

    fn wrap_secret(&self, secret: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        PhonePlatform::platform().wrap_secret(secret)
    }

    fn unwrap_secret(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        PhonePlatform::platform().unwrap_secret(wrapped)
    }

    // Dropped, as they were: the server's tests read none.
    fn log(&self, _level: LogLevel, _target: String, _message: String) {}
}
