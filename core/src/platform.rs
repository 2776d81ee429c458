//! What the core asks of the phone it runs on. The app implements `Platform` (Kotlin, Swift; the
//! CLI in Rust) and passes it to `FieldCore::open`. The core never reads sensors or the UI itself.

/// A failure inside the app's implementation of `Platform`.
#[derive(Debug, thiserror::Error)]
#[cfg_attr(feature = "ffi", derive(uniffi::Error))]
pub enum PlatformError {
    // Not `message`: in Kotlin that would clash with `Throwable.message`.
    #[error("{reason}")]
    Failed { reason: String },
}

#[cfg(feature = "ffi")]
impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Failed { reason: e.reason }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

#[cfg_attr(feature = "ffi", uniffi::export(foreign))]
pub trait Platform: Send + Sync {
    /// Milliseconds on a clock that never jumps and keeps counting in deep sleep
    /// (Android `SystemClock.elapsedRealtime`, iOS `mach_continuous_time`). Its origin is
    /// arbitrary; only differences matter.
    fn monotonic_ms(&self) -> u64;

    /// The phone's wall clock, ms since the Unix epoch (Android `System.currentTimeMillis`,
    /// iOS `Date().timeIntervalSince1970`): recorded beside trusted time, never trusted alone.
    fn wall_ms(&self) -> i64;

    /// Encrypts a secret under a key the platform holds and never exports (Android Keystore,
    /// iOS Keychain). The result is stored in the core's database.
    fn wrap_secret(&self, secret: Vec<u8>) -> Result<Vec<u8>, PlatformError>;

    /// The inverse of `wrap_secret`.
    fn unwrap_secret(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError>;

    /// Receives the core's log lines (logcat, os_log, stderr).
    fn log(&self, level: LogLevel, target: String, message: String);
}
