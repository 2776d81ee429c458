//! The core's log lines reach the app's sink. Alone in its test binary: the sink is global to
//! the process (it follows the most recently opened store), and other tests open stores.

use redshield_core::Device;
use redshield_core::platform::LogLevel;
use redshield_testkit::TestPlatform;

#[test]
fn log_lines_reach_the_platform() {
    let dir = tempfile::tempdir().unwrap();
    let platform = TestPlatform::new();
    drop(Device::open(dir.path(), platform.clone()).unwrap());
    let lines = platform.lines.lock().unwrap();
    assert!(
        lines.iter().any(|(level, line)| *level == LogLevel::Info
            && line.starts_with("created the device identity device=")),
        "{lines:?}"
    );
}
