//! The statistics' facts read from a real store: when a case's handling ends, per kind, and a
//! trip left open past the centre's limit (regulations.md, "Statistics the centres report").
//! The figures computed from facts are tested beside `statistics::figures`, and end to end on
//! a sample month in `tests/tests/statistics.rs`.

use chrono::Utc;
use redshield_core::Device;
use redshield_core::calendar::Calendar;
use redshield_core::cases::{CaseKind, DeclineReason, Outcome, Step};
use redshield_core::parameters::{self, DEFAULT, Parameters};
use redshield_core::statistics::Facts;
use redshield_core::statistics::facts::Act;
use redshield_core::trips::{NewTrip, Purpose};
use redshield_testkit::{complaint, device_in};

const HOUR: i64 = 3_600_000;

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn facts(device: &Device) -> Facts {
    let conn = device.connection();
    Facts::of_store(conn, &Calendar::of_store(conn).unwrap(), now_ms()).unwrap()
}

fn open(device: &mut Device, kind: CaseKind, n: usize) -> String {
    let mut case = complaint(n);
    case.kind = kind;
    if kind != CaseKind::Complaint {
        case.matter.demands.clear();
        case.matter.demands_text = None;
    }
    device.open_case(&case).unwrap().id
}

/// Takes the steps; returns the time of the one at `index`, as the case's history holds it.
fn steps(device: &mut Device, case: &str, steps: &[Step], index: usize) -> i64 {
    for step in steps {
        let note = matches!(step, Step::Forward { .. } | Step::Refer { .. }).then_some("理由");
        device.take_step(case, step, note, None).unwrap();
    }
    device.case(case).unwrap().history[index].at_ms
}

fn ended_at(facts: &Facts, case: &str) -> Option<i64> {
    facts.cases[case].ended.as_ref().map(|a: &Act| a.at_ms)
}

/// regulations.md, "办结 closed, per kind": "a complaint declined, forwarded or referred out,
/// or closed after mediation (agreement or termination); a report forwarded, or decided (case
/// opened or not)"; and "consultations answered" on their own — a referred consultation is not
/// answered.
#[test]
fn handling_ends_as_the_definition_says_per_kind() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let forward = Step::Forward {
        office: "岳麓区市场监督管理局".into(),
    };
    let refer = Step::Refer {
        department: "tobacco".into(),
    };
    let close = |outcome| Step::Close { outcome };
    let mut expected: Vec<(String, Option<i64>)> = Vec::new();
    let cases: Vec<(CaseKind, Vec<Step>, Option<usize>)> = vec![
        (
            CaseKind::Complaint,
            vec![Step::Decline {
                reason: DeclineReason::OutsideRemit,
            }],
            Some(0),
        ),
        (CaseKind::Complaint, vec![forward.clone()], Some(0)),
        (
            CaseKind::Complaint,
            vec![Step::Accept, refer.clone()],
            Some(1),
        ),
        (
            CaseKind::Complaint,
            vec![
                Step::Accept,
                Step::StartMediation,
                Step::EndMediation { agreement: false },
                close(Outcome::NoAgreement),
            ],
            Some(3),
        ),
        (
            CaseKind::Complaint,
            vec![Step::Accept, close(Outcome::Withdrawn)],
            Some(1),
        ),
        (
            CaseKind::Complaint,
            vec![Step::Accept, Step::StartMediation],
            None,
        ),
        (CaseKind::Report, vec![forward], Some(0)),
        (
            CaseKind::Report,
            vec![
                Step::StartVerification,
                Step::DecideReport { file_case: true },
                close(Outcome::CaseFiled),
            ],
            Some(1),
        ),
        (CaseKind::Report, vec![Step::StartVerification], None),
        (
            CaseKind::Consultation,
            vec![close(Outcome::Answered)],
            Some(0),
        ),
        (CaseKind::Consultation, vec![refer], None),
    ];
    for (n, (kind, taken, ending)) in cases.into_iter().enumerate() {
        let id = open(&mut device, kind, n);
        let at = steps(&mut device, &id, &taken, ending.unwrap_or(0));
        expected.push((id, ending.map(|_| at)));
    }
    let facts = facts(&device);
    for (id, at) in expected {
        assert_eq!(ended_at(&facts, &id), at, "{:?}", facts.cases[&id]);
    }
}

fn patrol(vehicle: &str, started_at_ms: Option<i64>) -> NewTrip {
    NewTrip {
        vehicle: vehicle.into(),
        crew: vec!["李明".into()],
        crew_count: Some(2),
        purpose: Purpose::Patrol,
        case_id: None,
        odometer_km: Some(1000.0),
        odometer_photo: None,
        started_at_ms,
    }
}

fn month_of(ms: i64) -> String {
    redshield_core::time::beijing_date(ms)
        .unwrap()
        .format("%Y-%m")
        .to_string()
}

/// regulations.md: "A trip left open longer than a centre parameter (default 16 hours) is
/// reported as not ended and attracts no cases after that time."
#[test]
fn a_trip_left_open_past_the_limit_attracts_no_cases() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let stale = device
        .start_trip(&patrol("湘A·1", Some(now_ms() - 17 * HOUR)))
        .unwrap();
    let unattributed = open(&mut device, CaseKind::Complaint, 1);
    let fresh = device.start_trip(&patrol("湘A·2", None)).unwrap();
    let attributed = open(&mut device, CaseKind::Complaint, 2);

    let read = facts(&device);
    assert_eq!(read.cases[&unattributed].vehicle, None, "17 h > 16 h");
    assert_eq!(read.cases[&attributed].vehicle.as_deref(), Some("湘A·2"));
    assert!(read.trips[&stale.id].open && read.trips[&stale.id].left_open);
    assert!(read.trips[&fresh.id].open && !read.trips[&fresh.id].left_open);
    let month = device
        .monthly_mileage(&month_of(stale.started_at_ms), Some("湘A·1"))
        .unwrap();
    assert_eq!(
        (month.total.open_trips, month.total.left_open_trips),
        (1, 1)
    );

    // The limit is the centre's: at 24 hours the same trip is under way still.
    let longer = Parameters {
        open_trip_limit_hours: 24,
        ..DEFAULT
    };
    parameters::store(device.connection(), &longer).unwrap();
    let read = facts(&device);
    assert_eq!(read.cases[&unattributed].vehicle.as_deref(), Some("湘A·1"));
    assert!(!read.trips[&stale.id].left_open);
}
