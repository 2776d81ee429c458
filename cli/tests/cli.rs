//! The `redshield` binary, run as an operator or a script runs it.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn redshield(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redshield"))
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs with `--json`, expects success, returns the one JSON document printed.
fn json(store: &Path, args: &[&str]) -> Value {
    let out = redshield(store, &[&["--json"], args].concat());
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

fn open_complaint(store: &Path, name: &str) -> Value {
    json(
        store,
        &[
            "case",
            "open",
            "--kind",
            "complaint",
            "--complainant-name",
            name,
            "--complainant-phone",
            "+86 139-0731-0000",
            "--respondent-name",
            "某某电器商行",
            "--respondent-address",
            "长沙市雨花区劳动路 8 号",
            "--facts",
            "新买的电饭煲第三天不能加热",
            "--demands",
            "更换",
            "--lat",
            "28.1",
            "--lon",
            "113.0",
        ],
    )
}

fn init(store: &Path) -> Value {
    json(
        store,
        &[
            "init",
            "--officer-name",
            "李明",
            "--officer-id",
            "HN-12315-0042",
        ],
    )
}

#[test]
fn init_open_list_show_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let device = init(&store);
    assert_eq!(device["officer"]["enforcement_id"], "HN-12315-0042");
    assert!(store.join("redshield.sqlite").exists());

    let case = open_complaint(&store, "王芳");
    for key in ["id", "number", "kind", "state", "opened_at"] {
        assert!(case[key].is_string(), "{key} in {case}");
    }
    assert_eq!(case["kind"], "complaint");
    assert_eq!(case["state"], "received");
    assert_eq!(case["complainant_phone"], "13907310000");
    let prefix = device["device_prefix"].as_str().unwrap();
    assert!(
        case["number"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{prefix}-"))
    );
    assert!(case["opened_at"].as_str().unwrap().ends_with("+08:00"));

    open_complaint(&store, "张伟");
    let list = json(&store, &["case", "list"]);
    let names: Vec<&str> = list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["complainant_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["张伟", "王芳"], "newest first");
    assert_eq!(
        json(
            &store,
            &["case", "list", "--state", "received", "--limit", "1"]
        )["cases"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let shown = json(&store, &["case", "show", case["number"].as_str().unwrap()]);
    assert_eq!(shown, case);

    let report = json(&store, &["log", "verify"]);
    assert_eq!(report["intact"], true);
    assert_eq!(report["events"], 3);
}

#[test]
fn text_output_is_for_people() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    open_complaint(dir.path(), "王芳");
    let out = redshield(dir.path(), &["case", "list"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("complaint") && text.contains("王芳"),
        "{text}"
    );
    let out = redshield(dir.path(), &["log", "verify"]);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("intact: 2 events")
    );
}

#[test]
fn bad_input_is_an_error_on_stderr_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let kept = open_complaint(dir.path(), "王芳");

    let out = redshield(
        dir.path(),
        &[
            "--json",
            "case",
            "open",
            "--kind",
            "complaint",
            "--complainant-name",
            "王芳",
            "--complainant-phone",
            "1390731000",
            "--facts",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "invalid_input");
    assert_eq!(err["error"]["field"], "complainant_phone");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("10 digits")
    );

    let out = redshield(
        dir.path(),
        &[
            "case",
            "open",
            "--kind",
            "complaint",
            "--complainant-name",
            "",
            "--complainant-phone",
            "13907310000",
            "--facts",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("complainant_name: must not be empty"));

    let out = redshield(
        dir.path(),
        &[
            "case",
            "open",
            "--kind",
            "grievance",
            "--complainant-name",
            "王芳",
            "--complainant-phone",
            "13907310000",
            "--facts",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "an unknown kind");
    assert!(String::from_utf8_lossy(&out.stderr).contains("grievance"));

    let out = redshield(dir.path(), &["case", "show", "NOPE-20260101-001"]);
    assert_eq!(out.status.code(), Some(4));

    // Nothing was lost along the way.
    let list = json(dir.path(), &["case", "list"]);
    assert_eq!(list["cases"].as_array().unwrap().len(), 1);
    assert_eq!(list["cases"][0], kept);
    assert_eq!(json(dir.path(), &["log", "verify"])["intact"], true);
}

#[test]
fn log_verify_names_the_first_broken_seq_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    for name in ["甲", "乙", "丙"] {
        open_complaint(dir.path(), name);
    }
    let db = rusqlite::Connection::open(dir.path().join("redshield.sqlite")).unwrap();
    db.execute("UPDATE vault SET value = '丁' WHERE value = '乙'", [])
        .unwrap();
    drop(db);
    let out = redshield(dir.path(), &["--json", "log", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["intact"], false);
    assert_eq!(report["first_broken_seq"], 3);
    let out = redshield(dir.path(), &["log", "verify"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("BROKEN at seq 3"));
}

#[test]
fn purge_then_show_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let case = open_complaint(dir.path(), "王芳");
    let id = case["id"].as_str().unwrap();
    assert_eq!(
        json(dir.path(), &["case", "purge", id])["personal_values_deleted"],
        6
    );
    let shown = json(dir.path(), &["case", "show", id]);
    assert_eq!(shown["personal_data_purged"], true);
    assert_eq!(shown["complainant_name"], Value::Null);
    let report = json(dir.path(), &["log", "verify"]);
    assert_eq!(
        (report["intact"].clone(), report["purged_values"].clone()),
        (Value::Bool(true), 6.into())
    );
}

#[test]
fn commands_before_sign_in_and_on_a_foreign_file_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = redshield(
        dir.path(),
        &[
            "case",
            "open",
            "--kind",
            "consultation",
            "--complainant-name",
            "王芳",
            "--complainant-phone",
            "13907310000",
            "--facts",
            "问问",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no officer is signed in"));

    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("redshield.sqlite"),
        b"not a database at all",
    )
    .unwrap();
    let out = redshield(other.path(), &["--json", "case", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "not_a_store");
}
