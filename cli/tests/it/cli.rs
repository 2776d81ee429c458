//! The `redshield` binary, run as an operator or a script runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{self, Cli, Service, init, json, redshield};
use crate::{field_files, images};

fn open_complaint(store: &Path, name: &str) -> Value {
    let mut args = common::complaint_args(name, "+86 139-0731-0000");
    args.extend(["--lat", "28.1", "--lon", "113.0"].map(String::from));
    json(store, &args.iter().map(String::as_str).collect::<Vec<_>>())
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
    assert_eq!(case["complainants"][0]["phone"], "13907310000");
    assert_eq!(case["matter"]["demands"], serde_json::json!(["replace"]));
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
        Cli::new(&store)
            .args(&["case", "list"])
            .flag("--state", "received")
            .flag("--limit", "1")
            .ok()["cases"]
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

    let out = Cli::new(dir.path())
        .json()
        .args(&["case", "open"])
        .flag("--kind", "complaint")
        .flag("--complainant-name", "王芳")
        .flag("--complainant-phone", "1390731000")
        .flag("--facts", "x")
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "invalid_input");
    assert_eq!(err["error"]["field"], "complainants[0].phone");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("10 digits")
    );

    let out = Cli::new(dir.path())
        .args(&["case", "open"])
        .flag("--kind", "complaint")
        .flag("--complainant-name", "")
        .flag("--complainant-phone", "13907310000")
        .flag("--facts", "x")
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("complainants[0].name: must not be empty")
    );

    let out = Cli::new(dir.path())
        .args(&["case", "open"])
        .flag("--kind", "grievance")
        .flag("--complainant-name", "王芳")
        .flag("--complainant-phone", "13907310000")
        .flag("--facts", "x")
        .run();
    assert_eq!(out.status.code(), Some(2), "an unknown kind");
    assert!(String::from_utf8_lossy(&out.stderr).contains("grievance"));

    let out = redshield(dir.path(), &["case", "show", "NOPE-20260101-001"]);
    assert_eq!(out.status.code(), Some(4));

    // Nothing was lost along the way.
    let list = json(dir.path(), &["case", "list"]);
    assert_eq!(list["cases"].as_array().unwrap().len(), 1);
    assert_eq!(list["cases"][0]["id"], kept["id"]);
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
    // Values are sealed at rest: tampering without the key changes the sealed bytes of one
    // of the second case's rows.
    let (id, mut sealed): (i64, Vec<u8>) = db
        .query_row(
            "SELECT id, value FROM vault
             WHERE case_id = (SELECT id FROM cases ORDER BY row LIMIT 1 OFFSET 1)
             ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    sealed[20] ^= 1;
    db.execute(
        "UPDATE vault SET value = ?1 WHERE id = ?2",
        rusqlite::params![sealed, id],
    )
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
    assert_eq!(shown["complainants"], serde_json::json!([]));
    let report = json(dir.path(), &["log", "verify"]);
    assert_eq!(
        (report["intact"].clone(), report["purged_values"].clone()),
        (Value::Bool(true), 6.into())
    );
}

#[test]
fn commands_before_sign_in_and_on_a_foreign_file_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = Cli::new(dir.path())
        .args(&["case", "open"])
        .flag("--kind", "consultation")
        .flag("--complainant-name", "王芳")
        .flag("--complainant-phone", "13907310000")
        .flag("--facts", "问问")
        .run();
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

fn step(store: &Path, args: &[&str]) -> Value {
    json(store, &[&["case"], args].concat())
}

#[test]
fn a_case_moves_through_the_workflow_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    init(store);
    let case = open_complaint(store, "王芳");
    let id = case["id"].as_str().unwrap();

    let accepted = Cli::new(store)
        .args(&["case", "accept", id])
        .flag("--note", "材料齐全")
        .flag("--lat", "28.1")
        .flag("--lon", "113.0")
        .ok();
    assert_eq!(accepted["state"], "accepted");
    assert_eq!(accepted["history"][0]["note"], "材料齐全");
    assert_eq!(accepted["history"][0]["step"]["action"], "accept");
    step(store, &["start-mediation", id]);
    step(store, &["end-mediation", id, "--agreement", "true"]);
    step(store, &["close", id, "--outcome", "agreement"]);
    let done = Cli::new(store)
        .args(&["case", "follow-up", id])
        .flag("--score", "5")
        .flag("--word", "very_satisfied")
        .ok();
    assert_eq!(done["state"], "followed_up");

    // The `state` of the JSON and the `--state` flag use the same names.
    let listed = Cli::new(store)
        .args(&["case", "list"])
        .flag("--state", "followed_up")
        .ok();
    assert_eq!(listed["cases"][0]["id"], id);

    // A wrong step names the state, exits 1, and records nothing.
    let out = redshield(store, &["--json", "case", "accept", id]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "wrong_state");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("followed_up")
    );
    assert_eq!(json(store, &["log", "verify"])["events"], 7);

    let other = open_complaint(store, "张伟");
    let other = other["number"].as_str().unwrap();
    let declined = step(store, &["decline", other, "--reason", "time_barred"]);
    assert_eq!(declined["history"][0]["step"]["reason"], "time_barred");

    let third = open_complaint(store, "赵六");
    let third = third["id"].as_str().unwrap();
    let referred = Cli::new(store)
        .args(&["case", "refer", third])
        .flag("--department", "tobacco")
        .flag("--note", "涉及卷烟")
        .ok();
    assert_eq!(referred["state"], "referred");
    let departments = json(store, &["departments"]);
    assert!(
        departments["departments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "tobacco")
    );
}

#[test]
fn a_report_from_a_file_is_verified_and_filed() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    init(store);
    let file = store.join("report.json");
    let new = serde_json::json!({
        "kind": "report",
        "complainants": [],
        "respondent": {"name": "某某药店", "credit_code": "914403001922038216"},
        "matter": {"facts": "无证销售处方药", "goods": "处方药", "amount_paid_fen": 12000}
    });
    std::fs::write(&file, new.to_string()).unwrap();
    let report = Cli::new(store)
        .args(&["case", "open"])
        .flag("--file", file.to_str().unwrap())
        .ok();
    assert_eq!(report["kind"], "report");
    assert_eq!(report["complainants"], serde_json::json!([]), "anonymous");
    let id = report["id"].as_str().unwrap();
    step(store, &["verify", id]);
    assert_eq!(
        step(store, &["decide", id, "--file-case", "true"])["state"],
        "filed"
    );
    assert_eq!(
        step(store, &["close", id, "--outcome", "case_filed"])["state"],
        "closed"
    );

    std::fs::write(&file, "{\"kind\": \"report\"").unwrap();
    let out = Cli::new(store)
        .args(&["case", "open"])
        .flag("--file", file.to_str().unwrap())
        .run();
    assert_eq!(out.status.code(), Some(2), "a truncated file is bad input");
}

#[test]
fn check_gives_a_verdict_and_an_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let verdict = |args: &[&str]| {
        let out = redshield(dir.path(), &[&["--json", "check"], args].concat());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v)
    };
    let (code, v) = verdict(&["uscc", "9144030071526726xg"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["valid"], true);
    assert_eq!(v["normalized"], "9144030071526726XG");
    assert_eq!(v["error"], Value::Null);

    let (code, v) = verdict(&["id", "110105194912310021"]);
    assert_eq!(
        code,
        Some(1),
        "an invalid code is exit 1, not a usage error"
    );
    assert_eq!(v["valid"], false);
    assert!(v["error"].as_str().unwrap().contains("should be X"), "{v}");

    let (code, v) = verdict(&["phone", "+86 １３８ 0731 2233"]);
    assert_eq!(
        (code, v["normalized"].clone()),
        (Some(0), "13807312233".into())
    );
    // Art. 10: 电话号码 — a landline with its area code is one; `mobile` checks mobiles only.
    let (code, v) = verdict(&["phone", "0731 8456 1234"]);
    assert_eq!(
        (code, v["normalized"].clone()),
        (Some(0), "0731-84561234".into())
    );
    let (code, _) = verdict(&["mobile", "0731 8456 1234"]);
    assert_eq!(code, Some(1));
    assert!(
        !dir.path().join("redshield.sqlite").exists(),
        "checking needs no store"
    );

    let out = redshield(dir.path(), &["check", "id", "11010519491231002X"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "valid: 11010519491231002X"
    );
}

#[test]
fn flags_merchant_view_and_search_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    init(store);
    let a = open_complaint(store, "王芳");
    let b = open_complaint(store, "张伟");
    let flags = json(store, &["case", "flags", a["number"].as_str().unwrap()]);
    // Two names, one fact text word for word, one phone, one address: Art. 17(2) and (4).
    let kinds: Vec<&str> = flags["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["identical_facts", "shared_phone", "shared_address"]);
    assert_eq!(flags["flags"][1]["related_cases"][0], b["number"]);

    let view = json(store, &["case", "merchant-view", a["id"].as_str().unwrap()]);
    assert_eq!(view["complainants"][0]["name"], "王芳");
    assert!(view.get("id").is_none() && view.get("linked_case").is_none());

    let found = Cli::new(store)
        .args(&["case", "list"])
        .flag("--text", "电饭")
        .ok();
    assert_eq!(found["cases"].as_array().unwrap().len(), 2);
    let found = Cli::new(store)
        .args(&["case", "list"])
        .flag("--text", "张伟")
        .ok();
    assert_eq!(found["cases"][0]["id"], b["id"]);
    let found = Cli::new(store)
        .args(&["case", "list"])
        .flag("--phone", "13907310000")
        .ok();
    assert_eq!(found["cases"].as_array().unwrap().len(), 2);
}

/// From the command line: an online seller with no address (Art. 13), a landline (Art. 10),
/// no proof of purchase (Art. 17(3)), the grounds offered (Art. 16), a repeated report marked
/// at intake and new facts merged by the officer (Art. 35).
#[test]
fn intake_grounds_and_repeated_reports_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    init(store);
    let complaint = Cli::new(store)
        .args(&["case", "open"])
        .flag("--kind", "complaint")
        .flag("--complainant-name", "钱七")
        .flag("--complainant-phone", "0731 8456 1234")
        .flag("--complainant-address", "长沙市岳麓区 1 号")
        .flag("--respondent-name", "某某旗舰店")
        .flag("--platform", "拼多多")
        .flag("--facts", "收到的羽绒服是假货")
        .flag("--demand", "refund")
        .flag("--proof", "none")
        .flag("--occurred-on", "2020-01-05")
        .ok();
    assert_eq!(complaint["complainants"][0]["phone"], "0731-84561234");
    assert_eq!(complaint["matter"]["proof"]["kind"], "none");
    let id = complaint["number"].as_str().unwrap();
    let flags = json(store, &["case", "flags", id]);
    assert_eq!(flags["flags"][0]["kind"], "no_proof_of_purchase");
    let grounds = json(store, &["case", "grounds", id])["grounds"].clone();
    assert_eq!(grounds.as_array().unwrap().len(), 7);
    assert_eq!(grounds[3]["reason"], "time_barred");
    assert_eq!(grounds[3]["suggested"], true, "harm in 2020: {grounds}");
    let text = redshield(store, &["case", "grounds", id]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("* time_barred 《投诉举报处理办法》第十六条第（四）项"),
        "{text}"
    );

    let report = |facts: &str| {
        Cli::new(store)
            .args(&["case", "open"])
            .flag("--kind", "report")
            .flag("--complainant-name", "孙悦")
            .flag("--complainant-phone", "13500000005")
            .flag("--respondent-name", "某某超市")
            .flag("--facts", facts)
            .ok()
    };
    let first = report("销售过期牛奶");
    let again = report("销售过期牛奶。");
    assert_eq!(again["state"], "not_handled_again");
    let more = report("还销售无中文标签的奶粉");
    assert_eq!(more["state"], "received");
    let more_id = more["number"].as_str().unwrap();
    let earlier = json(store, &["case", "earlier", more_id])["earlier_reports"].clone();
    assert_eq!(earlier[0]["number"], first["number"]);
    assert_eq!(earlier[0]["same_facts"], false);
    let merged = Cli::new(store)
        .args(&["case", "merge", more_id])
        .flag("--into", first["number"].as_str().unwrap())
        .ok();
    assert_eq!(merged["state"], "merged");
    let first_now = json(store, &["case", "show", first["id"].as_str().unwrap()]);
    assert_eq!(first_now["history"][0]["step"]["action"], "report_merged");
}

fn gpx_file(name: &str) -> String {
    format!("{}/../core/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn trips_are_imported_from_gpx_exported_and_summed_by_month() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);

    let drive = Cli::new(&store)
        .args(&["trip", "import", &gpx_file("drive.gpx")])
        .flag("--vehicle", "川A·12315")
        .flag("--crew", "2")
        .ok();
    for key in ["trip_id", "duration_s", "moving_s", "stops", "fixes_total"] {
        assert!(!drive[key].is_null(), "{key} in {drive}");
    }
    assert!(drive["distance_m"].as_f64().unwrap() > 9_000.0, "{drive}");
    assert_eq!(drive["gap_count"], 1, "the tunnel: {drive}");
    assert_eq!(drive["gaps"].as_array().unwrap().len(), 1);
    assert!(drive["dropped"].is_object());
    let kept = drive["fixes_kept"].as_u64().unwrap();

    let parked = Cli::new(&store)
        .args(&["trip", "import", &gpx_file("parked.gpx")])
        .flag("--vehicle", "川A·12316")
        .ok();
    assert_eq!(parked["distance_m"], 0.0, "a parked car drove: {parked}");
    assert_eq!(parked["crew_count"], 1);

    // GPX to stdout: every kept fix a track point.
    let id = drive["trip_id"].as_str().unwrap();
    let gpx = Cli::new(&store)
        .args(&["trip", "export", id])
        .flag("--format", "gpx")
        .run();
    assert!(gpx.status.success());
    let gpx = String::from_utf8(gpx.stdout).unwrap();
    assert_eq!(gpx.matches("<trkpt").count() as u64, kept);

    // GeoJSON to a file: positions are [lon, lat].
    let out = dir.path().join("drive.geojson");
    let out_arg = out.to_string_lossy().into_owned();
    let args = [
        "trip", "export", id, "--format", "geojson", "--out", &out_arg,
    ];
    assert!(redshield(&store, &args).status.success());
    let geojson: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let feature = &geojson["features"][0];
    assert_eq!(feature["properties"]["trip_id"], id);
    let line = feature["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(line.len() as u64, kept);
    assert!(
        line[0][0].as_f64().unwrap() > 100.0,
        "lon first: {}",
        line[0]
    );

    let month = &drive["started_at"].as_str().unwrap()[..7];
    let summary = Cli::new(&store)
        .args(&["trip", "summary"])
        .flag("--month", month)
        .ok();
    assert_eq!(summary["total"]["trips"], 2, "{summary}");
    assert_eq!(summary["total"]["staff_trips"], 3);
    let gps_km = summary["total"]["gps_km"].as_f64().unwrap();
    assert!((gps_km - drive["distance_m"].as_f64().unwrap() / 1000.0).abs() < 1e-6);
    let one = Cli::new(&store)
        .args(&["trip", "summary"])
        .flag("--month", month)
        .flag("--vehicle", "川A·12316")
        .ok();
    assert_eq!(one["total"]["trips"], 1);
}

#[test]
fn a_trip_logged_live_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let args = [
        "trip",
        "start",
        "--vehicle",
        "湘A·12315",
        "--crew-member",
        "李明",
        "--crew-member",
        "张强",
        "--odometer",
        "12345.6",
    ];
    let trip = json(&store, &args);
    assert_eq!(trip["crew_count"], 2);
    let id = trip["trip_id"].as_str().unwrap().to_string();

    // Ten minutes east at about 11 m/s, then a 0/0 fix.
    let t0: i64 = 1_795_000_000_000;
    let mut fixes: Vec<Value> = (0..600)
        .map(|s| {
            serde_json::json!({"latitude": 28.2, "longitude": 112.9 + 0.0001 * s as f64,
                "accuracy_m": 5.0, "time_ms": t0 + s * 1000})
        })
        .collect();
    fixes.push(serde_json::json!({"latitude": 0.0, "longitude": 0.0, "time_ms": t0 + 600_000}));
    let file = dir.path().join("fixes.json");
    std::fs::write(&file, Value::from(fixes).to_string()).unwrap();
    let fed = json(&store, &["trip", "fixes", &id, &file.to_string_lossy()]);
    assert_eq!(fed["fixes_total"], 601);
    assert_eq!(fed["dropped"]["invalid_coordinates"], 1);

    let ended = Cli::new(&store)
        .args(&["trip", "end", &id])
        .flag("--odometer", "12351.6")
        .ok();
    let km = ended["distance_m"].as_f64().unwrap() / 1000.0;
    assert!((km - 5.88).abs() < 0.05, "{km}");
    assert_eq!(ended["odometer_mismatch"], false, "{ended}");
    let again = redshield(&store, &["--json", "trip", "end", &id]);
    assert_eq!(again.status.code(), Some(2), "ending an ended trip");
}

#[test]
fn bad_gpx_files_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let import = |file: &str| {
        let out = Cli::new(&store)
            .json()
            .args(&["trip", "import", file])
            .flag("--vehicle", "川A·1")
            .run();
        let error: Value = serde_json::from_slice(&out.stderr).unwrap();
        (out.status.code(), error["error"]["kind"].clone())
    };
    let truncated = import(&gpx_file("truncated.gpx"));
    assert_eq!(truncated, (Some(2), Value::from("invalid_input")));
    let missing = import(&dir.path().join("none.gpx").to_string_lossy());
    assert_eq!(missing, (Some(1), Value::from("file_unavailable")));
    let listed = Cli::new(&store)
        .args(&["trip", "summary"])
        .flag("--month", "2026-11")
        .ok();
    assert_eq!(listed["total"]["trips"], 0, "nothing half-imported");
}

#[test]
fn evidence_is_added_verified_and_exported_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let case = open_complaint(&store, "王芳");
    let number = case["number"].as_str().unwrap();
    let photo = dir.path().join("photo.jpg");
    let exif = images::Exif {
        orientation: Some(6),
        gps: Some((28.194_2, 112.982_3, None)),
        taken: Some("2026:11:28 10:30:00"),
        offset: Some("+08:00"),
        ..images::Exif::default()
    };
    std::fs::write(&photo, images::jpeg(&images::scene(600, 400), &exif)).unwrap();
    let path = photo.to_string_lossy().into_owned();
    let args = [
        "evidence",
        "add",
        &path,
        "--case",
        number,
        "--kind",
        "goods",
        "--caption",
    ];
    let added = json(&store, &args);
    for key in ["id", "sha256", "display_sha256", "thumb_sha256"] {
        assert!(added[key].is_string(), "{key}: {added}");
    }
    // Stored 400 × 600 with orientation 6: the original's size, the copy upright.
    assert_eq!(
        (added["width"].clone(), added["height"].clone()),
        (400.into(), 600.into())
    );
    assert_eq!(added["display"]["width"], 600);
    assert_eq!(added["taken_at"], "2026-11-28T10:30:00+08:00");
    assert!((added["gps"]["lat"].as_f64().unwrap() - 28.1942).abs() < 1e-6);

    let id = added["id"].as_str().unwrap();
    let verified = json(&store, &["evidence", "verify", id]);
    assert_eq!(verified["intact"], true, "{verified}");
    // Never sent to a centre: nothing may be pruned, the original stays.
    let pruned = json(&store, &["evidence", "prune"]);
    assert_eq!(pruned, serde_json::json!({"pruned": [], "bytes_freed": 0}));
    let shown = json(&store, &["evidence", "show", id]);
    assert_eq!(shown["original_archived_at_ms"], Value::Null);

    let out = dir.path().join("shared.jpg");
    let out_arg = out.to_string_lossy().into_owned();
    let args = ["evidence", "export", id, "--redacted", "--out", &out_arg];
    let manifest = json(&store, &args);
    assert_eq!(manifest["original_sha256"], added["sha256"]);
    assert!(out.exists() && dir.path().join("shared.jpg.manifest.json").exists());

    // A flipped byte in the stored original: exit 3 and the failing check named.
    let blob = store
        .join("blobs")
        .join(&added["sha256"].as_str().unwrap()[..2])
        .join(added["sha256"].as_str().unwrap());
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0xff;
    std::fs::write(&blob, bytes).unwrap();
    let failed = redshield(&store, &["--json", "evidence", "verify"]);
    assert_eq!(failed.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&failed.stdout).unwrap();
    let codes = report["reports"][0]["checks"].to_string();
    assert!(codes.contains("original.hash.mismatch"), "{codes}");

    let gif = dir.path().join("photo.gif");
    std::fs::write(&gif, b"GIF89a\x01\0\x01\0").unwrap();
    let gif = gif.to_string_lossy().into_owned();
    let refused = Cli::new(&store)
        .args(&["evidence", "add", &gif])
        .flag("--case", number)
        .run();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("JPEG"));
}

/// Files as phones and transfers leave them: kept, flagged, copies made from what
/// can be, and the reason when none can.
#[test]
fn damaged_files_and_a_heic_with_its_rendition_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let number = open_complaint(&store, "王芳")["number"]
        .as_str()
        .unwrap()
        .to_string();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    };
    let add = |path: &str, extra: &[&str]| {
        let args = [&["evidence", "add", path, "--case", &number][..], extra].concat();
        redshield(&store, &args)
    };

    let tiff = field_files::nokia_tiff(None);
    let heic = file("IMG_0001.HEIC", &field_files::heif_with_exif(&tiff));
    let rendition = file(
        "IMG_0001.jpg",
        &images::jpeg(&images::scene(300, 400), &images::Exif::default()),
    );
    let out = add(&heic, &["--json", "--rendition", &rendition]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added["media_type"], "image/heic");
    assert!(added["rendition"]["sha256"].is_string(), "{added}");
    assert_eq!(added["display"]["height"], 400);
    assert!((added["gps"]["lat"].as_f64().unwrap() - field_files::NOKIA_AT.0).abs() < 1e-6);
    let id = added["id"].as_str().unwrap();
    let verified = json(&store, &["evidence", "verify", id]);
    assert_eq!(verified["intact"], true, "{verified}");
    assert!(verified.to_string().contains("rendition.hash.match"));
    let wrong = add(&rendition, &["--rendition", &rendition]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("rendition"));

    let whole = field_files::jpeg_with_restarts(&images::scene(320, 240), 4);
    let damaged = file("damaged.jpg", &field_files::with_restart_damaged(&whole, 4));
    let text = String::from_utf8_lossy(&add(&damaged, &[]).stdout).into_owned();
    assert!(
        text.contains("content   damaged: the JPEG is damaged"),
        "{text}"
    );
    assert!(text.contains("display   320 × 240 px"), "{text}");

    let (_, stub) = field_files::broken_m4a().remove(0);
    let stub = file("stub.m4a", &stub);
    let text = String::from_utf8_lossy(&add(&stub, &["--kind", "recording"]).stdout).into_owned();
    assert!(
        text.contains("content   unreadable: no moov or mdat box"),
        "{text}"
    );

    let big = file("scan.png", &field_files::interlaced_png(6000, 6000));
    let text = String::from_utf8_lossy(&add(&big, &["--kind", "document"]).stdout).into_owned();
    assert!(
        text.contains("display   none: decoding this 6000 × 6000 px PNG"),
        "{text}"
    );
    let listed = Cli::new(&store)
        .args(&["evidence", "list"])
        .flag("--case", &number)
        .ok();
    assert_eq!(listed["evidence"].as_array().unwrap().len(), 4);
}

/// A blob an interrupted `evidence add` left: swept by the next command once over an hour old.
#[test]
fn an_unnamed_blob_is_swept_when_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let hex = "ab".repeat(32);
    let orphan = store.join("blobs").join(&hex[..2]).join(&hex);
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"the start of a photo").unwrap();
    let run = || assert!(redshield(&store, &["case", "list"]).status.success());
    run();
    assert!(orphan.exists(), "fresh: an intake may still be under way");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    let file = std::fs::File::options().append(true).open(&orphan).unwrap();
    file.set_modified(old).unwrap();
    run();
    assert!(!orphan.exists());
}

#[test]
fn calendar_questions_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    // Loading a year is an officer's act, recorded in the log.
    init(&store);
    let next = Cli::new(&store)
        .args(&["calendar", "add-working-days"])
        .flag("--from", "2026-09-30")
        .flag("--days", "1")
        .ok();
    assert_eq!(next["date"], "2026-10-08", "after National Day");
    assert_eq!(next["provisional"], false);
    let saturday = json(&store, &["calendar", "is-working-day", "2026-10-10"]);
    assert_eq!(saturday["working_day"], true, "a worked Saturday (调休)");
    let holiday = redshield(
        &store,
        &["--json", "calendar", "is-working-day", "2026-10-02"],
    );
    assert_eq!(holiday.status.code(), Some(1));
    let deadline = |received: &str| {
        let args = [
            "calendar",
            "deadline",
            "--rule-set",
            "121",
            "--clock",
            "accept",
        ];
        json(&store, &[&args[..], &["--received", received]].concat())
    };
    let due = deadline("2026-02-12");
    assert_eq!(
        (due["date"].as_str(), due["provisional"].as_bool()),
        (Some("2026-02-28"), Some(false))
    );

    // 2027: no data yet — an error for the day, a provisional date for the deadline.
    let unknown = redshield(
        &store,
        &["--json", "calendar", "is-working-day", "2027-01-04"],
    );
    assert_eq!(unknown.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&unknown.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "no_calendar_data");
    assert_eq!(deadline("2027-01-04")["provisional"], true);

    let year = dir.path().join("2027.json");
    let mut holidays: Vec<String> = ["01-01", "01-02", "01-03", "05-01", "10-01"]
        .iter()
        .map(|d| format!("2027-{d}"))
        .collect();
    holidays.extend((6..=12).map(|d| format!("2027-02-{d:02}")));
    let data = serde_json::json!({
        "year": 2027, "holidays": holidays, "working_days": ["2027-01-09"],
        "source": "test data, not a notice",
    });
    std::fs::write(&year, data.to_string()).unwrap();
    json(&store, &["calendar", "load", &year.to_string_lossy()]);
    let loaded = deadline("2027-01-04");
    assert_eq!(
        (loaded["date"].as_str(), loaded["provisional"].as_bool()),
        (Some("2027-01-12"), Some(false))
    );
}

/// Past the calendar data `add-working-days` answers, provisionally (text and JSON), as
/// `deadline` does; a 2027 notice naming days of December 2026 makes it exact.
#[test]
fn add_working_days_past_the_data_is_provisional_until_the_notice_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    // Loading a year is an officer's act, recorded in the log.
    init(&store);
    let args = [
        "calendar",
        "add-working-days",
        "--from",
        "2026-12-24",
        "--days",
        "7",
    ];
    let text = redshield(&store, &args);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("2027-01-05 (PROVISIONAL"), "{text}");
    let counted = json(&store, &args);
    assert_eq!(
        (counted["date"].as_str(), counted["provisional"].as_bool()),
        (Some("2027-01-05"), Some(true)),
        "1 January skipped (holidays measures Art. 2(1))"
    );

    // A TEST FIXTURE, not the 2027 notice (unpublished): 31 December 2026 to 3 January off,
    // Saturday 26 December 2026 worked.
    let mut holidays = vec!["2026-12-31".to_string()];
    holidays.extend(["01-01", "01-02", "01-03", "05-01", "10-01"].map(|d| format!("2027-{d}")));
    holidays.extend((5..=11).map(|d| format!("2027-02-{d:02}")));
    let data = serde_json::json!({
        "year": 2027, "holidays": holidays, "working_days": ["2026-12-26"],
        "source": "test fixture, not a notice",
    });
    let file = dir.path().join("2027.json");
    std::fs::write(&file, data.to_string()).unwrap();
    json(&store, &["calendar", "load", &file.to_string_lossy()]);
    // 25, 26 (worked), 28, 29, 30 December, 4 and 5 January: the same day, now exact.
    let counted = json(&store, &args);
    assert_eq!(
        (counted["date"].as_str(), counted["provisional"].as_bool()),
        (Some("2027-01-05"), Some(false))
    );
    let text = redshield(&store, &args);
    assert_eq!(String::from_utf8_lossy(&text.stdout).trim(), "2027-01-05");
    let saturday = json(&store, &["calendar", "is-working-day", "2026-12-26"]);
    assert_eq!(saturday["working_day"], true);
    let from_sunday = json(
        &store,
        &[&args[..2], &["--from", "2026-12-27", "--days", "7"]].concat(),
    );
    assert_eq!(from_sunday["date"], "2027-01-07", "31 December off");
}

#[test]
fn clock_list_shows_a_case_and_the_due_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let case = open_complaint(&store, "王芳");
    let id = case["id"].as_str().unwrap();
    let clocks = Cli::new(&store)
        .args(&["clock", "list"])
        .flag("--case", id)
        .ok();
    assert_eq!(clocks["clocks"][0]["kind"], "accept");
    assert_eq!(clocks["clocks"][0]["state"], "running");
    let within_month = Cli::new(&store)
        .args(&["clock", "list"])
        .flag("--due-within", "744")
        .ok();
    assert_eq!(within_month["clocks"][0]["case_id"], id);
    json(&store, &["case", "accept", id]);
    let after = Cli::new(&store)
        .args(&["clock", "list"])
        .flag("--case", id)
        .ok();
    assert_eq!(after["clocks"][0]["state"], "met");
    assert_eq!(after["clocks"][1]["kind"], "mediation");
    let month = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m")
        .to_string();
    let report = Cli::new(&store)
        .args(&["clock", "report"])
        .flag("--month", &month)
        .ok();
    assert_eq!(report["on_time"][0]["kind"], "accept");
    assert_eq!(
        (
            report["on_time"][0]["ended"].as_u64(),
            report["on_time"][0]["met"].as_u64()
        ),
        (Some(1), Some(1))
    );
}

#[test]
fn a_dispatch_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let case = open_complaint(&store, "王芳");
    let areas = dir.path().join("urban.geojson");
    let square = "[[[112.9,28.0],[113.1,28.0],[113.1,28.3],[112.9,28.3],[112.9,28.0]]]";
    let geojson = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"长沙市区"}},"geometry":{{"type":"Polygon","coordinates":{square}}}}}]}}"#
    );
    std::fs::write(&areas, geojson).unwrap();
    assert_eq!(
        json(&store, &["dispatch", "areas", &areas.to_string_lossy()])["areas"],
        1
    );
    let number = case["number"].as_str().unwrap();
    let args = [
        "dispatch",
        "new",
        "--case",
        number,
        "--vehicle",
        "湘A·12315",
        "--lat",
        "28.1",
        "--lon",
        "113.0",
    ];
    let sent = &json(&store, &args)["dispatches"][0];
    assert_eq!(
        (sent["area"].as_str(), sent["target_minutes"].as_u64()),
        (Some("urban"), Some(30))
    );
    let id = sent["id"].as_str().unwrap();
    let arrived = &json(&store, &["dispatch", "step", id, "on_scene"])["dispatches"][0];
    assert_eq!(arrived["on_scene_state"], "met");
    let back = redshield(&store, &["dispatch", "step", id, "acknowledged"]);
    assert_eq!(back.status.code(), Some(2));
}

/// An accepted complaint's id.
fn accepted_complaint(store: &Path, name: &str) -> String {
    let case = open_complaint(store, name);
    let id = case["id"].as_str().unwrap().to_string();
    json(store, &["case", "accept", &id]);
    id
}

/// Writes `value` as a JSON file in the store's directory; returns its path.
fn json_file(store: &Path, name: &str, value: &Value) -> String {
    let path = store.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

/// A signature as the screen gives it: one stroke of points with times.
fn strokes_file(store: &Path, seed: f64) -> String {
    let points: Vec<Value> = (0..20)
        .map(|i| {
            let x = f64::from(i) * 10.0;
            serde_json::json!({"x": x, "y": (x * seed).sin() * 30.0, "t_ms": i * 16})
        })
        .collect();
    json_file(
        store,
        &format!("strokes-{seed}.json"),
        &Value::from(vec![points]),
    )
}

fn start_mediation(store: &Path, case: &str) -> Value {
    let args = common::mediation_start_args(case);
    json(store, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Refund 59.80 yuan on the spot, compensation 500 yuan later.
fn terms(store: &Path, compensation_fen: i64) -> String {
    let terms = serde_json::json!([
        {"kind": "refund", "by": "merchant", "what": "退还两盒牛奶货款",
         "amount_fen": 5980, "performed_on_the_spot": true},
        {"kind": "compensation", "by": "merchant", "what": "按规定赔偿",
         "amount_fen": compensation_fen, "due_on": "2026-12-31", "performed_on_the_spot": false},
    ]);
    json_file(store, &format!("terms-{compensation_fen}.json"), &terms)
}

fn sign(store: &Path, command: &str, id: &str, who: u32) -> Value {
    let strokes = strokes_file(store, 0.1 + f64::from(who) / 10.0);
    let who = who.to_string();
    let args = ["--participant", &who, "--strokes", &strokes];
    json(store, &[&[command, "sign", id][..], &args].concat())
}

fn beijing_month() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m")
        .to_string()
}

#[test]
fn a_whole_on_site_mediation_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let case = accepted_complaint(&store, "王芳");
    let started = start_mediation(&store, &case);
    let roles: Vec<&str> = started["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["officer", "consumer", "merchant_representative"]);
    assert_eq!(started["notice"]["method"], "oral");
    assert_eq!(started["notice"]["place"], "流动维权车旁");
    let id = started["id"].as_str().unwrap();

    let note = |speaker: &str, kind: &str, text: &str| {
        let args = ["note", id, "--speaker", speaker, "--kind", kind, text];
        json(&store, &[&["mediation"][..], &args].concat())
    };
    note("1", "demand", "退货退款并赔偿五百元");
    let noted = note("2", "response", "同意退款，赔偿五百元");
    assert_eq!(noted["entries"][1]["kind"], "response");
    let file = terms(&store, 50_000);
    let agreed = Cli::new(&store)
        .args(&["mediation", "agree", id])
        .flag("--terms", &file)
        .ok();
    assert_eq!(agreed["title"], "调解书");
    assert_eq!(agreed["recovered_fen"], 55_980);
    assert_eq!(agreed["unsigned"], serde_json::json!([0, 1, 2]));

    // The text a signer is shown, and the hash a signature is bound to.
    let text = json(&store, &["mediation", "text", id]);
    assert!(text["text"].as_str().unwrap().contains("59.80"));
    assert_eq!(text["sha256"], agreed["text_sha256"]);

    for who in 0..3 {
        sign(&store, "mediation", id, who);
    }
    let concluded = json(&store, &["mediation", "conclude", id]);
    assert_eq!(concluded["status"], "concluded");

    let html = dir.path().join("调解书.html");
    let html_path = html.to_string_lossy().into_owned();
    let args = ["render", id, "--format", "html", "--copy", "consumer"];
    let written = json(
        &store,
        &[&["mediation"][..], &args, &["--out", &html_path]].concat(),
    );
    let html = std::fs::read_to_string(&html).unwrap();
    assert_eq!(written["bytes"], html.len());
    assert!(html.contains("调解书") && html.contains("投诉人收执"));
    assert!(html.contains("王芳") && html.contains("赵强"));
    assert_eq!(html.matches("data:image/png;base64,").count(), 3);

    let shown = json(&store, &["mediation", "show", id]);
    assert_eq!(shown["status"], "concluded");
    assert!(shown["signatures"].as_array().unwrap().len() == 3);
    let listed = json(&store, &["mediation", "list", &case]);
    assert_eq!(listed["documents"][0]["id"], id);
    let recovered = json(&store, &["mediation", "recovered", &beijing_month()]);
    assert_eq!(recovered["total_fen"], 55_980);
    assert_eq!(recovered["performed_fen"], 5_980, "only the refund so far");
    assert_eq!(recovered["by_officer"][0]["key"], "HN-12315-0042");

    // For people: the id first, yuan from integer fen, the signatures' state.
    let out = redshield(&store, &["mediation", "show", id]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(&format!("document    {id}\n")), "{text}");
    assert!(text.contains("¥559.80") && text.contains("[2] merchant_representative"));
    assert!(text.contains("unsigned    none"), "{text}");
    let out = redshield(&store, &["mediation", "recovered", &beijing_month()]);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("¥559.80 recovered")
    );
    assert_eq!(json(&store, &["log", "verify"])["intact"], true);
}

/// A store with an officer, an accepted complaint and a mediation started on it: (the temp
/// dir to keep, the store, the document id).
fn mediation_under_way() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let case = accepted_complaint(&store, "王芳");
    let id = start_mediation(&store, &case)["id"]
        .as_str()
        .unwrap()
        .to_string();
    (dir, store, id)
}

#[test]
fn a_changed_agreement_voids_signatures_and_a_stale_hash_is_refused() {
    let (_dir, store, id) = mediation_under_way();
    let first = Cli::new(&store)
        .args(&["mediation", "agree", &id])
        .flag("--terms", &terms(&store, 50_000))
        .ok();
    let signed = sign(&store, "mediation", &id, 1);
    assert_eq!(signed["signatures"][0]["valid"], true);

    Cli::new(&store)
        .args(&["mediation", "agree", &id])
        .flag("--terms", &terms(&store, 40_000))
        .ok();
    let shown = json(&store, &["mediation", "show", &id]);
    assert_eq!(shown["signatures"][0]["valid"], false);
    assert_eq!(shown["unsigned"], serde_json::json!([0, 1, 2]));

    // Signing for the text as it was shown before the change is refused.
    let stale = first["text_sha256"].as_str().unwrap();
    let strokes = strokes_file(&store, 0.5);
    let args = [
        "--participant",
        "2",
        "--strokes",
        &strokes,
        "--sha256",
        stale,
    ];
    let out = redshield(&store, &[&["mediation", "sign", &id][..], &args].concat());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not the current one"), "{stderr}");
    let text = String::from_utf8(redshield(&store, &["mediation", "show", &id]).stdout).unwrap();
    assert!(text.contains("VOID"), "{text}");
}

#[test]
fn an_interview_record_is_read_back_corrected_and_signed_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    init(&store);
    let case = open_complaint(&store, "王芳");
    let case = case["id"].as_str().unwrap();
    let opened = Cli::new(&store)
        .args(&["record", "open", case])
        .flag("--kind", "interview")
        .flag("--subject", "调查销售不合格电饭煲")
        .flag("--place", "某某电器商行办公室")
        .flag("--officer", "张伟:HN-12315-0077")
        .flag("--interviewee", "赵强:店长")
        .ok();
    assert_eq!(opened["title"], "询问笔录");
    let id = opened["id"].as_str().unwrap();
    assert_eq!(opened["participants"][2]["role"], "interviewee");

    // Long enough answers to fill more than one page.
    let answer = "电饭煲从本市批发市场进货，进货单据保存在办公室，可以提供查看。".repeat(3);
    for _ in 0..5 {
        json(&store, &["record", "question", id, "电饭煲从哪里进货？"]);
        json(&store, &["record", "answer", id, &answer]);
    }
    let noted = json(&store, &["record", "show", id]);
    assert_eq!(noted["entries"][0]["kind"], "question");
    assert_eq!(
        noted["entries"][0]["speaker"], 0,
        "the signed-in officer asks"
    );
    assert_eq!(noted["entries"][1]["speaker"], 2, "the interviewee answers");

    let early = Cli::new(&store)
        .args(&["record", "sign", id])
        .flag("--participant", "2")
        .flag("--strokes", &strokes_file(&store, 0.2))
        .run();
    assert_eq!(early.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&early.stderr).contains("read the record back"));
    json(&store, &["record", "read-back", id]);
    let corrected = Cli::new(&store)
        .args(&["record", "correct", id])
        .flag("--entry", "1")
        .arg("从厂家直接进货")
        .ok();
    assert_eq!(corrected["entries"][1]["corrected_text"], "从厂家直接进货");
    for who in [2, 0, 1] {
        sign(&store, "record", id, who);
    }
    assert_eq!(
        json(&store, &["record", "conclude", id])["status"],
        "concluded"
    );

    let out = Cli::new(&store)
        .args(&["record", "render", id])
        .flag("--format", "text")
        .run();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("询问笔录\n"));
    assert!(text.contains("（更正，原记为："));
    let pages: Vec<&str> = text.split('\u{c}').collect();
    assert!(pages.len() >= 2, "{text}");
    for (n, page) in pages.iter().enumerate() {
        let footer = format!("第 {} 页 共 {} 页", n + 1, pages.len());
        assert!(page.contains(&footer), "page {}: {page}", n + 1);
        assert!(
            page.contains("被询问人：赵强（店长）　已签名"),
            "page {}",
            n + 1
        );
    }
}

#[test]
fn bad_document_input_is_refused_with_the_problem_named() {
    let (_dir, store, id) = mediation_under_way();
    let refused = |args: &[&str]| {
        let out = redshield(&store, &[&["--json"], args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        err["error"]["message"].as_str().unwrap().to_string()
    };

    let negative = serde_json::json!([{"kind": "refund", "by": "merchant", "what": "退款", "amount_fen": -100}]);
    let negative = json_file(&store, "negative.json", &negative);
    let message = refused(&["mediation", "agree", &id, "--terms", &negative]);
    assert!(
        message.contains("terms[0].amount_fen") && message.contains("-100"),
        "{message}"
    );
    let garbled = json_file(
        &store,
        "garbled.json",
        &serde_json::json!({"kind": "refund"}),
    );
    assert!(refused(&["mediation", "agree", &id, "--terms", &garbled]).contains("garbled.json"));

    Cli::new(&store)
        .args(&["mediation", "agree", &id])
        .flag("--terms", &terms(&store, 50_000))
        .ok();
    let empty = json_file(&store, "empty.json", &serde_json::json!([[]]));
    let message = refused(&[
        "mediation",
        "sign",
        &id,
        "--participant",
        "1",
        "--strokes",
        &empty,
    ]);
    assert!(
        message.contains("strokes") && message.contains("at least one point"),
        "{message}"
    );

    let end = [
        "mediation",
        "end",
        &id,
        "--reason",
        "party_absent_or_refuses",
    ];
    let ended = json(&store, &end);
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["end_reason"], "party_absent_or_refuses");
    let message = refused(&end);
    assert!(message.contains("is ended"), "{message}");
    let out = redshield(&store, &end);
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: status: the mediation is ended")
    );
}

#[test]
fn the_staff_list_devices_and_revoke_a_lost_one_from_the_command_line() {
    let service = Service::start();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    init(store);
    open_complaint(store, "王芳");
    service.enrol(store);
    let synced = json(store, &["sync"]);
    assert!(synced["acked_seq"].as_u64().unwrap() >= 2, "{synced}");

    let devices = service.staff_json(&["devices"])["devices"].clone();
    assert_eq!(devices.as_array().unwrap().len(), 1);
    let id = devices[0]["device_id"].as_str().unwrap().to_string();
    assert_eq!(devices[0]["held_seq"], synced["acked_seq"]);
    assert_eq!(devices[0]["revoked"], false);

    // Reference data from the centre reaches the device with its next sync.
    let file = dir.path().join("departments.json");
    let directory =
        r#"[{"code": "police", "name": "公安机关"}, {"code": "prices", "name": "价格主管部门"}]"#;
    std::fs::write(&file, directory).unwrap();
    service.staff_json(&["departments", file.to_str().unwrap()]);
    json(store, &["sync"]);
    let held: Value = serde_json::from_str(directory).unwrap();
    assert_eq!(json(store, &["departments"])["departments"], held);

    // Another device, another name, the same phone and address: flagged at the centre.
    let other = dir.path().join("other");
    init(&other);
    open_complaint(&other, "李娜");
    service.enrol(&other);
    json(&other, &["sync"]);
    let flagged = service.staff_json(&["flags"])["cases"].clone();
    assert_eq!(flagged.as_array().unwrap().len(), 2, "{flagged}");
    assert_eq!(flagged[0]["flags"][0]["kind"], "identical_facts");
    assert_eq!(flagged[0]["flags"][1]["kind"], "shared_phone");
    assert_eq!(flagged[0]["flags"][2]["kind"], "shared_address");
    assert!(
        !flagged.to_string().contains("0731"),
        "no phone number: {flagged}"
    );
    // So does the officer roster; the officer signed in at `init` is on it.
    let file = dir.path().join("roster.json");
    let roster = r#"[{"name": "李明", "enforcement_id": "HN-12315-0042", "supervisor": true}]"#;
    std::fs::write(&file, roster).unwrap();
    service.staff_json(&["roster", file.to_str().unwrap()]);
    let officers = service.staff_json(&["officers"])["officers"].clone();
    assert_eq!(officers, serde_json::from_str::<Value>(roster).unwrap());
    json(store, &["sync"]);
    assert_eq!(json(store, &["roster"])["officers"], officers);

    // And the rule-set parameters: shown, changed, published, in force on the device.
    let mut parameters = service.staff_json(&["parameters"])["parameters"].clone();
    assert_eq!(parameters["on_scene_urban_minutes"], 30);
    assert_eq!(
        parameters["open_trip_limit_hours"], 16,
        "regulations.md's default"
    );
    parameters["on_scene_urban_minutes"] = 25.into();
    parameters["open_trip_limit_hours"] = 12.into();
    let file = dir.path().join("parameters.json");
    std::fs::write(&file, parameters.to_string()).unwrap();
    service.staff_json(&["parameters", file.to_str().unwrap()]);
    json(store, &["sync"]);
    assert_eq!(json(store, &["parameters"]), parameters);

    // The agency and a block of 调解书 numbers for this device (Art. 24: the agency's own
    // numbering, never the case number); a second block overlapping it is refused.
    let file = dir.path().join("agency.json");
    let agency =
        r#"{"name": "长沙市芙蓉区市场监督管理局", "numbering": "芙市监消调〔{year}〕{n}号"}"#;
    std::fs::write(&file, agency).unwrap();
    service.staff_json(&["agency", file.to_str().unwrap()]);
    let shown = service.staff_json(&["agency"])["agency"].clone();
    assert_eq!(shown, serde_json::from_str::<Value>(agency).unwrap());
    let block = [
        "numbers", "--device", &id, "--year", "2026", "--first", "1", "--last", "50",
    ];
    service.staff_json(&block);
    let overlap = [
        "numbers", "--device", &id, "--year", "2026", "--first", "50", "--last", "60",
    ];
    let refused = service.staff(&overlap);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("overlap"));
    assert_eq!(
        service.staff_json(&["numbers"])["blocks"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    service.staff_json(&["revoke", &id]);
    let refused = redshield(store, &["sync"]);
    assert!(!refused.status.success());
    let words = String::from_utf8_lossy(&refused.stderr);
    assert!(words.contains("revoked"), "{words}");
    assert_eq!(
        service.staff_json(&["devices"])["devices"][0]["revoked"],
        true
    );

    let unknown = service.staff(&["revoke", "0190b1a2-0000-7000-8000-000000000000"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no device"));
}

#[test]
fn the_dispatcher_sends_supervises_answers_and_closes_from_the_command_line() {
    let service = Service::start();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    init(store);
    service.enrol(store);
    json(store, &["sync"]);
    let device = service.staff_json(&["devices"])["devices"][0]["device_id"]
        .as_str()
        .unwrap()
        .to_string();

    // A complaint taken by the hotline goes to the vehicle with its dispatch.
    let intake = json_file(
        store,
        "intake.json",
        &serde_json::json!({
            "kind": "complaint",
            "channel": "hotline",
            "complainants": [{"name": "赵敏", "phone": "139 0731 0000",
                "address": "长沙市天心区书院路 9 号"}],
            "respondent": {"name": "某某电器商行", "address": "长沙市雨花区劳动路 8 号"},
            "matter": {"facts": "新买的电饭煲第三天不能加热", "demands": ["replace"]}
        }),
    );
    let sent = Cli::staff(&service, "dispatch")
        .flag("--device", &device)
        .flag("--vehicle", "湘A·12315")
        .flag("--intake", &intake)
        .flag("--lat", "28.1942")
        .flag("--lon", "112.9823")
        .ok();
    let case = sent["case_id"].as_str().unwrap().to_string();
    assert_eq!(json(store, &["sync"])["server_events_applied"], 1);
    let held = json(store, &["case", "show", &case]);
    assert_eq!(held["channel"], "hotline");
    assert_eq!(held["complainants"][0]["name"], "赵敏");
    let dispatches = Cli::new(store)
        .args(&["dispatch", "list"])
        .flag("--case", &case)
        .ok();
    assert_eq!(
        dispatches["dispatches"][0]["vehicle"], "湘A·12315",
        "{dispatches}"
    );

    // 督办, and an extension asked for on the device and approved at the centre.
    Cli::staff(&service, "supervise")
        .arg(&case)
        .flag("--due", "2026-12-05")
        .flag("--note", "请尽快回复")
        .ok();
    let report = json_file(
        store,
        "report.json",
        &serde_json::json!({"kind": "report", "complainants": [],
            "respondent": {"name": "某某药店"}, "matter": {"facts": "无证销售处方药"}}),
    );
    let report = Cli::new(store)
        .args(&["case", "open"])
        .flag("--file", &report)
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_string();
    Cli::new(store)
        .args(&["clock", "ask-extension", &report])
        .flag("--clock", "report_decision")
        .flag("--reason", "送检")
        .ok();
    json(store, &["sync"]);
    let waiting = service.staff_json(&["extension-requests"]);
    assert_eq!(
        waiting["requests"][0]["case_id"],
        report.as_str(),
        "{waiting}"
    );
    Cli::staff(&service, "extension")
        .arg(&report)
        .flag("--clock", "report_decision")
        .arg("--approve")
        .ok();
    Cli::staff(&service, "close")
        .arg(&report)
        .flag("--outcome", "no_case_filed")
        .ok();
    json(store, &["sync"]);
    let notes = json(store, &["case", "supervision", &case]);
    assert_eq!(notes["supervisions"][0]["note"], "请尽快回复");
    let requests = json(store, &["clock", "requests", &report]);
    assert_eq!(requests["requests"][0]["approved"], true);
    // A report not yet decided cannot be closed as "no case filed": recorded, not done.
    assert_eq!(json(store, &["case", "show", &report])["state"], "received");

    let refused = Cli::staff(&service, "supervise")
        .arg(&case)
        .flag("--due", "soon")
        .flag("--note", "x")
        .json()
        .run();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("due_on"));

    // Work on a case reassigned meanwhile is flagged for review, and resolved with a note.
    let other = tempfile::tempdir().unwrap();
    init(other.path());
    service.enrol(other.path());
    json(other.path(), &["sync"]);
    let devices = service.staff_json(&["devices"])["devices"].clone();
    let second = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device_id"] != device.as_str())
        .unwrap();
    let second = second["device_id"].as_str().unwrap().to_string();
    Cli::staff(&service, "assign")
        .arg(&case)
        .flag("--device", &second)
        .ok();
    json(store, &["case", "accept", &case]);
    // The accept step and the clock it starts: two events of the case, both flagged.
    let flagged = json(store, &["sync"])["conflicts_flagged"]
        .as_u64()
        .unwrap();
    let open = service.staff_json(&["flagged"])["flagged"].clone();
    assert_eq!(open.as_array().unwrap().len() as u64, flagged, "{open}");
    assert!(flagged >= 1);
    for item in open.as_array().unwrap() {
        let seq = item["seq"].to_string();
        Cli::staff(&service, "resolve")
            .args(&[&device, "conflict", &seq])
            .flag("--note", "受理有效")
            .ok();
    }
    assert_eq!(
        service.staff_json(&["flagged"])["flagged"],
        serde_json::json!([])
    );
    let all = service.staff_json(&["flagged", "--all"]);
    assert_eq!(all["flagged"][0]["resolution"], "受理有效");
}

#[test]
fn the_staff_get_the_months_statistics_as_figures_and_as_a_workbook() {
    let service = Service::start();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    init(store);
    open_complaint(store, "王芳");
    service.enrol(store);
    json(store, &["sync"]);

    let month = redshield_core::time::beijing_today()
        .format("%Y-%m")
        .to_string();
    let figures = Cli::staff(&service, "report").flag("--month", &month).ok();
    assert_eq!(figures["period"]["label"], month.as_str());
    assert_eq!(figures["centre"]["complaints"], 1, "{figures}");
    assert_eq!(figures["centre"]["complaint_handling"]["cohort_ended"], 0);

    // For people: a line per figure, per kind and by channel.
    let data = service.data.display().to_string();
    let text = Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args([
            "centre",
            "report",
            "--server",
            &service.url,
            "--data",
            &data,
        ])
        .args(["--month", &month])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for line in [
        "complaints: 0 ended; 办结率 0.00% (0 of 1 received)",
        "by channel: vehicle_walk_in 0/1/0",
        "0 consultations answered",
    ] {
        assert!(text.contains(line), "{line:?} in {text}");
    }

    let book = dir.path().join("report.xlsx");
    let wrote = Cli::staff(&service, "report")
        .flag("--month", &month)
        .flag("--xlsx", book.to_str().unwrap())
        .ok();
    let bytes = std::fs::read(&book).unwrap();
    assert_eq!(wrote["bytes"], bytes.len());
    assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip file");

    // A month that does not exist: refused, with the centre's reason, and no file written.
    let bad = dir.path().join("bad.xlsx");
    let refused = Cli::staff(&service, "report")
        .flag("--month", "2026-13")
        .flag("--xlsx", bad.to_str().unwrap())
        .json()
        .run();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a month"));
    assert!(!bad.exists());
}

#[test]
fn a_small_simulation_is_held_whole_by_the_centre() {
    let service = Service::start();
    let data = service.data.display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_redshield"))
        .args(["--json", "sim", "--server", &service.url, "--data", &data])
        .args([
            "--devices",
            "3",
            "--cases-per-device",
            "4",
            "--concurrency",
            "2",
        ])
        .args(["--sync-every", "2", "--seed", "7"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let count = |field: &str| report[field].as_u64().unwrap();
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(
        report["devices_not_held"],
        serde_json::json!([]),
        "{report}"
    );
    assert_eq!(count("cases"), 3 * 4);
    // This seed photographs some goods: their blobs reach the centre and are found intact.
    assert!(count("photos") > 0, "{report}");
    assert!(count("blobs_sent") >= count("photos"), "{report}");
    assert_eq!(report["centre"]["evidence_intact"], report["photos"]);
    // Two syncs after two cases each, and at least one at the end, each pushing something.
    assert!(count("syncs") >= 3 * 3, "{report}");
    assert!(count("pushes") >= 3 * 3, "{report}");
    // Every event made was stored once by the centre, and each device's log is held to its
    // head: the centre's own list of devices adds up to the report's events.
    assert!(count("events") > count("cases"), "{report}");
    assert_eq!(report["centre"]["events_stored"], report["events"]);
    assert_eq!(
        count("events_pushed"),
        count("events") + report["centre"]["duplicates"].as_u64().unwrap()
    );
    let devices = service.staff_json(&["devices"])["devices"].clone();
    let devices = devices.as_array().unwrap();
    assert_eq!(devices.len(), 3);
    let held: u64 = devices
        .iter()
        .map(|d| d["held_seq"].as_u64().unwrap())
        .sum();
    assert_eq!(held, count("events"));
    for field in [
        "replica_failures",
        "forks",
        "evidence_not_intact",
        "server_errors",
    ] {
        assert_eq!(report["centre"][field], 0, "{field}: {report}");
    }
    assert_eq!(report["clean"], true);
}

/// A store written by the code of 2026-12-07 (schema 15), before a fix: an accepted complaint
/// received 2026-12-08 (Beijing) with a violation check, a penalty case, a jurisdiction and an
/// evidence-preservation clock started by hand. That code read each as extended: 30 working
/// days for the check, and "the jurisdiction clock has no extension" for every list. Read by
/// this code, each runs its normal limit (Order 121 Art. 27: 15 working days, +15 only with
/// approval; 处罚程序规定 Art. 64: 90 days; Art. 33 and 处罚程序规定 Art. 35: 7 working days).
#[test]
fn a_store_with_clocks_started_by_hand_reads_right_after_the_upgrade() {
    let (_dir, store) = fixture_store("store-hand-clocks");
    let clocks = Cli::new(&store)
        .args(&["clock", "list"])
        .flag("--case", "FE01FB-20261208-001")
        .ok();
    let due = |kind: &str| -> (String, bool) {
        let clock = clocks["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} clock in {clocks}"));
        (
            clock["due_date"].as_str().unwrap().to_string(),
            clock["extended"].as_bool().unwrap(),
        )
    };
    // From Tuesday 8 December 2026; days from the 26th on are provisional (weekends only).
    assert_eq!(due("violation_check"), ("2026-12-29".into(), false));
    assert_eq!(due("jurisdiction"), ("2026-12-17".into(), false));
    assert_eq!(due("evidence_preservation"), ("2026-12-17".into(), false));
    // 90 days: 8 March 2027.
    assert_eq!(due("penalty_case"), ("2027-03-08".into(), false));

    // Every command that read the clocks works again, and the log is intact.
    Cli::new(&store)
        .args(&["clock", "report"])
        .flag("--month", "2026-12")
        .ok();
    Cli::new(&store)
        .args(&["clock", "stop", "FE01FB-20261208-001"])
        .flag("--clock", "jurisdiction")
        .ok();
    json(&store, &["log", "verify"]);
}

/// A copy of a store kept in `tests/data/NAME`, written by an earlier version of the code.
fn fixture_store(name: &str) -> (tempfile::TempDir, PathBuf) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    copy(&fixture, &store);
    use std::os::unix::fs::PermissionsExt;
    let key = store.join("device.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    (dir, store)
}

/// A 调解书 signed by its four signers and concluded by the code of 2026-12-07, before the words
/// of new documents changed (layout 2: the agency, the legal basis, 大写 …). Read by
/// this code — the store upgraded to schema 16 and its log replayed — its words are the same to
/// the byte, so its signatures stay valid: a document keeps the layout it was signed under.
#[test]
fn a_document_signed_before_the_upgrade_keeps_its_words_and_signatures() {
    let (_dir, store) = fixture_store("store-mediation-layout1");
    let doc = "01a251cc-b9bf-777b-828a-0dc7cc2ba24f";
    let expected = std::fs::read_to_string(store.join("signed-text.txt")).unwrap();
    let out = redshield(&store, &["mediation", "text", doc]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    let shown = json(&store, &["mediation", "show", doc]);
    assert_eq!(shown["status"], "concluded");
    let signatures = shown["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 4);
    assert!(
        signatures.iter().all(|s| s["valid"] == true),
        "{signatures:?}"
    );
    assert!(
        expected.contains("日期：2026年12月08日"),
        "layout 1 keeps its padded date"
    );
    json(&store, &["log", "verify"]);
}
