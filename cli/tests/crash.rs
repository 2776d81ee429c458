//! The crash harness (issue 18): writers killed with SIGKILL at random moments — a case
//! opened, a photo added, a GPX drive imported, a case accepted, the projections rebuilt —
//! and after every kill the store must pass SQLite's `integrity_check` and `log verify`, and
//! at the end every write a writer acknowledged (it printed its result and exited 0) must be
//! there. `REDSHIELD_CRASH_TRIALS` (default 50) and `REDSHIELD_CRASH_SEED` (default fixed)
//! set the run; the README gives the figures of a 1 000-trial run.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

mod common;
use common::json;

const BIN: &str = env!("CARGO_BIN_EXE_redshield");
const DRIVE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/drive.gpx");

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift): a seed names a run exactly.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn start(store: &Path, args: &[String]) -> Child {
    Command::new(BIN)
        .arg("--json")
        .arg("--store")
        .arg(store)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs")
}

/// What the writers acknowledged.
#[derive(Default)]
struct Acknowledged {
    cases: BTreeSet<String>,
    evidence: BTreeSet<String>,
    trips: BTreeSet<String>,
    accepted: BTreeSet<String>,
}

/// The writer of trial `n`, with what it writes to: an acknowledged case when there is one.
fn writer(dice: &mut Dice, known: &Acknowledged, photo: &Path, n: u64) -> Vec<String> {
    let case = known
        .cases
        .iter()
        .nth(dice.below(known.cases.len().max(1) as u64) as usize);
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match (dice.below(5), case) {
        (1, Some(case)) => words(&[
            "evidence",
            "add",
            &photo.display().to_string(),
            "--case",
            case,
            "--kind",
            "goods",
        ]),
        (2, _) => words(&[
            "trip",
            "import",
            DRIVE,
            "--vehicle",
            "川A·12315",
            "--crew",
            "2",
        ]),
        (3, Some(case)) => words(&["case", "accept", case, "--note", "材料齐全"]),
        (4, _) => words(&["log", "rebuild"]),
        _ => words(&[
            "case",
            "open",
            "--kind",
            "complaint",
            "--complainant-name",
            &format!("王芳{n}"),
            "--complainant-phone",
            "139 0731 0000",
            "--complainant-address",
            "长沙市天心区书院路 9 号",
            "--respondent-name",
            "某某电器商行",
            "--respondent-address",
            "长沙市雨花区劳动路 8 号",
            "--facts",
            "新买的电饭煲第三天不能加热",
            "--demand",
            "replace",
        ]),
    }
}

fn record(known: &mut Acknowledged, args: &[String], answer: &Value) {
    let field = |key: &str| answer[key].as_str().unwrap_or_default().to_string();
    match (args[0].as_str(), args[1].as_str()) {
        ("case", "open") => known.cases.insert(field("number")),
        ("evidence", "add") => known.evidence.insert(field("id")),
        ("trip", "import") => known.trips.insert(field("trip_id")),
        ("case", "accept") => known.accepted.insert(args[2].clone()),
        _ => false,
    };
}

fn store_is_whole(store: &Path, trial: u64, args: &[String]) {
    let conn = rusqlite::Connection::open(store.join("redshield.sqlite")).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "trial {trial} ({args:?})");
    drop(conn);
    let verified = json(store, &["log", "verify"]);
    assert_eq!(
        verified["intact"], true,
        "trial {trial} ({args:?}): {verified}"
    );
}

fn everything_acknowledged_is_there(store: &Path, known: &Acknowledged) {
    for number in &known.cases {
        let case = json(store, &["case", "show", number]);
        assert_eq!(case["number"].as_str(), Some(number.as_str()));
        if known.accepted.contains(number) {
            assert_ne!(case["state"], "received", "{number} was accepted");
        }
    }
    for id in &known.evidence {
        assert_eq!(
            json(store, &["evidence", "show", id])["id"].as_str(),
            Some(id.as_str())
        );
    }
    for id in &known.trips {
        assert_eq!(
            json(store, &["trip", "show", id])["trip_id"].as_str(),
            Some(id.as_str())
        );
    }
}

#[test]
fn writers_killed_at_random_lose_no_acknowledged_write_and_break_nothing() {
    let trials = setting("REDSHIELD_CRASH_TRIALS", 50);
    let mut dice = Dice(setting("REDSHIELD_CRASH_SEED", 18).max(1));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    common::init(&store);
    let photo = dir.path().join("goods.jpg");
    let pixels: Vec<u8> = (0..64u32 * 48 * 3).map(|i| (i * 7 % 251) as u8).collect();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 85)
        .encode(&pixels, 64, 48, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    std::fs::write(&photo, jpeg).unwrap();

    let (mut known, mut killed) = (Acknowledged::default(), 0);
    for trial in 0..trials {
        let args = writer(&mut dice, &known, &photo, trial);
        let mut child = start(&store, &args);
        std::thread::sleep(Duration::from_millis(dice.below(120)));
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap();
            killed += 1;
        }
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
            record(&mut known, &args, &answer);
        }
        store_is_whole(&store, trial, &args);
    }
    everything_acknowledged_is_there(&store, &known);
    eprintln!(
        "{trials} trials, {killed} killed before they finished; acknowledged: {} cases, {} photos, {} \
         trips, {} acceptances",
        known.cases.len(),
        known.evidence.len(),
        known.trips.len(),
        known.accepted.len()
    );
    assert!(
        killed > 0 && !known.cases.is_empty(),
        "the run must kill and keep"
    );
}
