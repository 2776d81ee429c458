//! Implausible input through the `redshield` command: the core's rules reach the command line
//! as bad input (exit 2, the field and the reason on stderr), and nothing is stored.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{self, init, json, redshield};

/// Runs with `--json`, expects bad input (exit 2), returns the error's field and message.
fn bad_input(store: &Path, args: &[&str]) -> (String, String) {
    let out = redshield(store, &[&["--json"], args].concat());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "invalid_input");
    let text = |key: &str| err["error"][key].as_str().unwrap_or_default().to_string();
    (text("field"), text("message"))
}

fn open_complaint(store: &Path, extra: &[&str]) -> Output {
    let open = common::complaint_args("王芳", "13907310000");
    let args: Vec<&str> = ["--json"]
        .into_iter()
        .chain(open.iter().map(String::as_str))
        .chain(extra.iter().copied())
        .collect();
    redshield(store, &args)
}

fn cases(store: &Path) -> usize {
    json(store, &["case", "list"])["cases"]
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn a_day_before_1900_is_refused_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    for (extra, field) in [
        (["--occurred-on", "0000-01-01"], "matter.occurred_on"),
        (["--occurred-on", "1899-12-31"], "matter.occurred_on"),
        (["--received-at", "0001-01-01T00:00:00Z"], "received_at_ms"),
    ] {
        let out = open_complaint(dir.path(), &extra);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(err["error"]["field"], field, "{extra:?}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("before 1900-01-01"),
            "{extra:?}: {message}"
        );
    }
    assert_eq!(cases(dir.path()), 0);

    let out = open_complaint(dir.path(), &["--occurred-on", "1900-01-01"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(cases(dir.path()), 1);
}

/// A GPX point without a real time or with a negative HDOP is dropped and counted in what the
/// import prints; a file with no datable point is refused.
#[test]
fn gpx_points_before_gnss_or_with_negative_hdop_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let gpx = |points: &str| {
        format!(
            r#"<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>"#
        )
    };
    let point = |lat: &str, time: &str, more: &str| {
        format!(r#"<trkpt lat="{lat}" lon="104.0668"><time>{time}</time>{more}</trkpt>"#)
    };
    let file = dir.path().join("reset.gpx");
    std::fs::write(
        &file,
        gpx(&[
            point("30.5700", "1970-01-01T00:00:03Z", ""),
            point("30.5702", "2024-05-14T02:00:00Z", "<hdop>0.8</hdop>"),
            point("30.5703", "2024-05-14T02:00:01Z", "<hdop>-1</hdop>"),
            point("30.5705", "2024-05-14T02:00:03Z", "<hdop>0.9</hdop>"),
        ]
        .concat()),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let trip = json(&store, &["trip", "import", file, "--vehicle", "川A·12315"]);
    assert_eq!(trip["dropped"]["before_gnss"], 1, "{trip}");
    assert_eq!(trip["dropped"]["inaccurate"], 1, "{trip}");

    let file = dir.path().join("1970.gpx");
    std::fs::write(&file, gpx(&point("30.57", "1970-01-01T00:00:03Z", ""))).unwrap();
    let (field, message) = bad_input(
        &store,
        &[
            "trip",
            "import",
            file.to_str().unwrap(),
            "--vehicle",
            "川A·1",
        ],
    );
    assert_eq!(field, "fixes");
    assert!(message.contains("1980-01-06"), "{message}");
}

/// 200 000 nested `<extensions>`: refused as bad input, at once.
#[test]
fn gpx_nested_too_deep_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let file = dir.path().join("deep.gpx");
    std::fs::write(
        &file,
        format!(
            r#"<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg><trkpt lat="30.57" lon="104.06"><time>2024-05-14T02:00:00Z</time>{}{}</trkpt></trkseg></trk></gpx>"#,
            "<extensions>".repeat(200_000),
            "</extensions>".repeat(200_000)
        ),
    )
    .unwrap();
    let (field, message) = bad_input(
        &store,
        &[
            "trip",
            "import",
            file.to_str().unwrap(),
            "--vehicle",
            "川A·1",
        ],
    );
    assert_eq!(field, "gpx");
    assert!(message.contains("more than 64 deep"), "{message}");
}

/// The staff commands hold the centre's admin token to the same rule as a device's token:
/// plain HTTP only to this machine, refused before any connection.
#[test]
fn a_staff_command_will_not_send_the_admin_token_in_clear_to_another_machine() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("admin.token"), "secret-admin-token\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args([
            "centre",
            "devices",
            "--server",
            "http://192.0.2.1:8315",
            "--data",
        ])
        .arg(data.path())
        .output()
        .expect("the binary runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("plain HTTP to another machine"), "{stderr}");
    assert!(!stderr.contains("secret-admin-token"), "{stderr}");
}
