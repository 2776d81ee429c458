//! The days a case names, checked once in the core for every caller (the apps through the FFI,
//! the CLI, the centre): a day before 1900 is a slip of the keyboard and refused, as is a day
//! after today (Beijing) or a receipt before 1900; nothing is stored when refused.

use redshield_core::Error;
use redshield_core::api::{CoreError, FieldCore};
use redshield_core::time::beijing_date;
use redshield_testkit::{TestPlatform, complaint, device_in};

/// The field and reason of an invalid-input refusal.
fn refusal<T: std::fmt::Debug>(result: Result<T, Error>) -> (String, String) {
    match result {
        Err(Error::Invalid { field, reason, .. }) => (field, reason),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn today() -> chrono::NaiveDate {
    beijing_date(chrono::Utc::now().timestamp_millis()).unwrap()
}

#[test]
fn the_day_it_happened_is_from_1900_to_today() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let events = device.verify_chain().unwrap().events;
    let with_day = |day: String| {
        let mut new = complaint(1);
        new.matter.occurred_on = Some(day);
        new
    };
    for (day, words) in [
        (
            "0000-01-01".to_string(),
            "0000-01-01 is before 1900-01-01: check the year",
        ),
        (
            "1899-12-31".to_string(),
            "1899-12-31 is before 1900-01-01: check the year",
        ),
        (today().succ_opt().unwrap().to_string(), "is in the future"),
    ] {
        let (field, reason) = refusal(device.open_case(&with_day(day.clone())));
        assert_eq!(field, "matter.occurred_on", "{day}");
        assert!(reason.contains(words), "{day}: {reason}");
    }
    assert_eq!(
        device.verify_chain().unwrap().events,
        events,
        "nothing stored"
    );

    for day in ["1900-01-01".to_string(), today().to_string()] {
        let case = device.open_case(&with_day(day.clone())).unwrap();
        assert_eq!(case.matter.occurred_on.as_deref(), Some(day.as_str()));
    }
}

#[test]
fn a_receipt_before_1900_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut new = complaint(1);
    // 0001-01-01T00:00:00Z, as `--received-at 0001-01-01T00:00:00Z` gives it.
    new.received_at_ms = Some(-62_135_596_800_000);
    let (field, reason) = refusal(device.open_case(&new));
    assert_eq!(field, "received_at_ms");
    assert!(reason.contains("before 1900-01-01"), "{reason}");
}

/// The apps' call: the same rule, as a typed error across the FFI.
#[test]
fn the_apps_get_the_same_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let core = FieldCore::open(dir.path().display().to_string(), TestPlatform::new()).unwrap();
    core.sign_in("李明".into(), "HN-12315-0042".into()).unwrap();
    let mut new = complaint(1);
    new.matter.occurred_on = Some("0000-01-01".into());
    match core.open_case(new) {
        Err(CoreError::InvalidInput { field, reason }) => {
            assert_eq!(field, "matter.occurred_on");
            assert!(reason.contains("before 1900-01-01"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}
