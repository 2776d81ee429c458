//! The crash harness: writers killed with SIGKILL at random moments — a case
//! opened, a photo added, a GPX drive imported, a case accepted, a mediation's steps (started,
//! a demand noted, terms agreed, signed, concluded, a term performed), the projections rebuilt —
//! and after every kill the store must pass SQLite's `integrity_check` and `log verify`, and
//! at the end every write a writer acknowledged (it printed its result and exited 0) must be
//! there. `REDSHIELD_CRASH_TRIALS` (default 50) and `REDSHIELD_CRASH_SEED` (default fixed)
//! set the run; the README gives the figures of a 1 000-trial run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{self, Dice, json, setting};

const BIN: &str = env!("CARGO_BIN_EXE_redshield");
const DRIVE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/drive.gpx");

fn start(store: &Path, args: &[String]) -> Child {
    Command::new(BIN)
        .arg("--json")
        .arg("--store")
        .arg(store)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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
    /// Mediation steps: (document id, step).
    steps: Vec<(String, Step)>,
    /// Cases whose mediation has nothing left to do.
    mediated: BTreeSet<String>,
}

/// The files the writers read: a photo, the agreed terms, a signature's strokes.
struct Files {
    photo: PathBuf,
    terms: PathBuf,
    strokes: PathBuf,
}

impl Files {
    fn new(dir: &Path) -> Files {
        let files = Files {
            photo: dir.join("goods.jpg"),
            terms: dir.join("terms.json"),
            strokes: dir.join("strokes.json"),
        };
        let pixels: Vec<u8> = (0..64u32 * 48 * 3).map(|i| (i * 7 % 251) as u8).collect();
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 85)
            .encode(&pixels, 64, 48, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        std::fs::write(&files.photo, jpeg).unwrap();
        // A refund on the spot and compensation later: the second term is performed later.
        let terms = json!([
            {"kind": "refund", "by": "merchant", "what": "退还货款",
             "amount_fen": 5980, "performed_on_the_spot": true},
            {"kind": "compensation", "by": "merchant", "what": "按规定赔偿",
             "amount_fen": 50_000, "due_on": "2026-12-31", "performed_on_the_spot": false},
        ]);
        std::fs::write(&files.terms, terms.to_string()).unwrap();
        let stroke: Vec<Value> = (0..20)
            .map(|i| json!({"x": f64::from(i) * 10.0, "y": f64::from(i % 5) * 8.0, "t_ms": i * 16}))
            .collect();
        std::fs::write(&files.strokes, json!([stroke]).to_string()).unwrap();
        files
    }
}

/// A mediation step, as acknowledged.
#[derive(Debug)]
enum Step {
    Started { case: String },
    Noted { text: String },
    Agreed,
    Signed { participant: u64 },
    Concluded,
    Performed { term: u64 },
}

/// The writer of trial `n`, with what it writes to: an acknowledged case when there is one.
fn writer(
    dice: &mut Dice,
    known: &mut Acknowledged,
    store: &Path,
    files: &Files,
    n: u64,
) -> Vec<String> {
    let case = known
        .cases
        .iter()
        .nth(dice.below(known.cases.len().max(1) as u64) as usize)
        .cloned();
    let roll = dice.below(7);
    if roll >= 5
        && let Some(step) = mediation_step(known, store, files, n)
    {
        return step;
    }
    match (roll, case.as_deref()) {
        (1, Some(case)) => words(&[
            "evidence",
            "add",
            &files.photo.display().to_string(),
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
        _ => common::complaint_args(&format!("王芳{n}"), "139 0731 0000"),
    }
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| s.to_string()).collect()
}

/// The next step of the mediation the harness carries forward — on the first accepted case
/// whose mediation is not done — chosen from the document as the store holds it, since a
/// killed step may have been kept without being acknowledged. None when no case is ready.
fn mediation_step(
    known: &mut Acknowledged,
    store: &Path,
    files: &Files,
    n: u64,
) -> Option<Vec<String>> {
    let case = known.accepted.difference(&known.mediated).next()?.clone();
    let listed = json(store, &["mediation", "list", &case]);
    let Some(doc) = listed["documents"].get(0) else {
        return Some(common::mediation_start_args(&case));
    };
    let id = doc["id"].as_str().unwrap();
    let act = |rest: &[&str]| Some(words(&[&["mediation", rest[0], id], &rest[1..]].concat()));
    let unsigned = doc["unsigned"].as_array().unwrap();
    match doc["status"].as_str().unwrap() {
        "open" if doc["entries"].as_array().unwrap().is_empty() => act(&[
            "note",
            "--speaker",
            "1",
            "--kind",
            "demand",
            &format!("退货退款并赔偿（第{n}次）"),
        ]),
        "open" if doc["terms"].as_array().unwrap().is_empty() => {
            act(&["agree", "--terms", &files.terms.display().to_string()])
        }
        "open" if !unsigned.is_empty() => act(&[
            "sign",
            "--participant",
            &unsigned[0].to_string(),
            "--strokes",
            &files.strokes.display().to_string(),
        ]),
        "open" => act(&["conclude"]),
        "concluded" if doc["terms"][1]["performed_on"].is_null() => {
            act(&["perform", "--term", "2", "--on", &beijing_today()])
        }
        _ => {
            known.mediated.insert(case);
            None
        }
    }
}

fn beijing_today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string()
}

fn record(known: &mut Acknowledged, args: &[String], answer: &Value) {
    let field = |key: &str| answer[key].as_str().unwrap_or_default().to_string();
    match (args[0].as_str(), args[1].as_str()) {
        ("case", "open") => known.cases.insert(field("number")),
        ("evidence", "add") => known.evidence.insert(field("id")),
        ("trip", "import") => known.trips.insert(field("trip_id")),
        ("case", "accept") => known.accepted.insert(args[2].clone()),
        ("mediation", _) => {
            known.steps.push((field("id"), step(args)));
            true
        }
        _ => false,
    };
}

/// What a mediation writer's arguments did.
fn step(args: &[String]) -> Step {
    let after = |flag: &str| {
        let at = args.iter().position(|a| a == flag).unwrap();
        args[at + 1].clone()
    };
    match args[1].as_str() {
        "start" => Step::Started {
            case: args[2].clone(),
        },
        "note" => Step::Noted {
            text: args.last().unwrap().clone(),
        },
        "agree" => Step::Agreed,
        "sign" => Step::Signed {
            participant: after("--participant").parse().unwrap(),
        },
        "conclude" => Step::Concluded,
        "perform" => Step::Performed {
            term: after("--term").parse().unwrap(),
        },
        other => panic!("no such mediation writer: {other}"),
    }
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
    for (id, step) in &known.steps {
        let doc = json(store, &["mediation", "show", id]);
        assert!(step_is_there(&doc, step), "{step:?} of {id}: {doc}");
    }
}

/// Whether the document shows an acknowledged step. Later steps never undo earlier ones here:
/// the terms are agreed once and every signature stays.
fn step_is_there(doc: &Value, step: &Step) -> bool {
    let any = |list: &str, key: &str, value: Value| {
        doc[list]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x[key] == value)
    };
    match step {
        Step::Started { case } => doc["case_number"] == case.as_str(),
        Step::Noted { text } => any("entries", "text", json!(text)),
        Step::Agreed => {
            let amounts: Vec<&Value> = doc["terms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| &t["term"]["amount_fen"])
                .collect();
            amounts == [&json!(5980), &json!(50_000)]
        }
        Step::Signed { participant } => any("signatures", "participant", json!(participant)),
        Step::Concluded => doc["status"] == "concluded",
        Step::Performed { term } => !doc["terms"][(term - 1) as usize]["performed_on"].is_null(),
    }
}

/// The count of acknowledged mediation steps by kind, for the report.
fn steps_by_kind(known: &Acknowledged) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for (_, step) in &known.steps {
        let kind = match step {
            Step::Started { .. } => "started",
            Step::Noted { .. } => "noted",
            Step::Agreed => "agreed",
            Step::Signed { .. } => "signed",
            Step::Concluded => "concluded",
            Step::Performed { .. } => "performed",
        };
        *counts.entry(kind).or_insert(0) += 1;
    }
    counts
}

/// Runs one writer, killed after up to 120 ms unless it finished: whether it was killed.
fn trial(dice: &mut Dice, known: &mut Acknowledged, store: &Path, args: &[String]) -> bool {
    let mut child = start(store, args);
    std::thread::sleep(Duration::from_millis(dice.below(120)));
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        child.kill().unwrap();
    }
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
        record(known, args, &answer);
    } else {
        // A mediation step is chosen from what the store holds, so only a kill may stop it:
        // a refusal would mean an earlier kill left the document in a state it cannot be in.
        assert!(
            killed || args[0] != "mediation",
            "{args:?} refused: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    killed
}

#[test]
fn writers_killed_at_random_lose_no_acknowledged_write_and_break_nothing() {
    let trials = setting("REDSHIELD_CRASH_TRIALS", 50);
    let mut dice = Dice(setting("REDSHIELD_CRASH_SEED", 18).max(1));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    common::init(&store);
    let files = Files::new(dir.path());

    let (mut known, mut killed) = (Acknowledged::default(), 0);
    for n in 0..trials {
        let args = writer(&mut dice, &mut known, &store, &files, n);
        killed += u64::from(trial(&mut dice, &mut known, &store, &args));
        store_is_whole(&store, n, &args);
    }
    everything_acknowledged_is_there(&store, &known);
    eprintln!(
        "{trials} trials, {killed} killed before they finished; acknowledged: {} cases, {} photos, {} \
         trips, {} acceptances, mediation steps {:?}",
        known.cases.len(),
        known.evidence.len(),
        known.trips.len(),
        known.accepted.len(),
        steps_by_kind(&known)
    );
    assert!(
        killed > 0 && !known.cases.is_empty() && !known.steps.is_empty(),
        "the run must kill and keep"
    );
}
