//! The centre's 12315 statistics (issue 9, item 4) on a sample month, June 2026, made through
//! two real devices whose clocks the test sets: every kind of case (a complaint that also
//! reports, split in two), acceptances, closures (one after the month: the cohort), statutory
//! clocks met and breached, two mediation agreements (one with two mediators), follow-ups,
//! trips with crew counts and odometer readings (one without an end reading), dispatches in
//! town and in a remote area with their arrivals. Synced to a real centre on both ledgers,
//! the figures read from `GET /v1/admin/statistics` are checked one by one against values
//! worked out by hand below; then the workbook is read back with Python's openpyxl.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{NaiveDateTime, TimeZone};
use redshield_core::api::{
    CaseKind, Channel, ClockKind, DeclineReason, DispatchStep, DocumentAct, FieldCore, Fix,
    GeoPosition, MediationMode, NewCase, NewDispatch, NewMediation, NewParticipant, NewTrip,
    Notice, NoticeMethod, Outcome, ParticipantRole, Performer, Purpose, SatisfactionWord, Step,
    StrokePoint, Term, TermKind,
};
use redshield_core::time::BEIJING;
use redshield_testkit::centre::{Centre, enrol};
use redshield_testkit::postgres::Backend;
use redshield_testkit::{TestPlatform, complaint_from, on_both_backends};
use serde_json::{Value, json};

/// A device and the hand on its clock.
struct Phone {
    core: Arc<FieldCore>,
    clock: Arc<AtomicI64>,
}

impl Phone {
    /// A phone with 长沙's urban area loaded.
    fn open(dir: &Path, at: &str, officer: (&str, &str)) -> Phone {
        let phone = Phone::without_urban_areas(dir, at, officer);
        let areas = dir.join("urban.geojson");
        std::fs::write(&areas, URBAN).unwrap();
        phone
            .core
            .load_urban_areas(areas.display().to_string())
            .unwrap();
        phone
    }

    fn without_urban_areas(dir: &Path, at: &str, officer: (&str, &str)) -> Phone {
        let clock = Arc::new(AtomicI64::new(beijing(at)));
        // Monotonic time counted from 2026-01-01: the clock only ever moves forward in this
        // test, and no clock jump is ever recorded.
        let platform = TestPlatform::builder()
            .set_by_hand(clock.clone(), 1_767_196_800_000)
            .build();
        let core = FieldCore::open(dir.display().to_string(), platform).unwrap();
        core.sign_in(officer.0.into(), officer.1.into()).unwrap();
        Phone { core, clock }
    }

    /// Sets the phone's clock to `at` (Beijing, `YYYY-MM-DD HH:MM`).
    fn at(&self, at: &str) -> &FieldCore {
        self.clock.store(beijing(at), Ordering::SeqCst);
        &self.core
    }

    fn step(&self, at: &str, case: &str, step: Step) {
        self.at(at)
            .take_step(case.into(), step, None, None)
            .unwrap();
    }

    /// A patrol.
    fn trip(&self, at: &str, vehicle: &str, crew: &[&str], count: u32, odometer: f64) -> String {
        self.start_trip(at, vehicle, crew, count, odometer, Purpose::Patrol, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn start_trip(
        &self,
        at: &str,
        vehicle: &str,
        crew: &[&str],
        count: u32,
        odometer: f64,
        purpose: Purpose,
        case: Option<&str>,
    ) -> String {
        self.at(at)
            .start_trip(NewTrip {
                vehicle: vehicle.into(),
                crew: crew.iter().map(|c| c.to_string()).collect(),
                crew_count: Some(count),
                purpose,
                case_id: case.map(Into::into),
                odometer_km: Some(odometer),
                odometer_photo: None,
                started_at_ms: None,
            })
            .unwrap()
            .id
    }

    fn end_trip(&self, at: &str, trip: &str, odometer: Option<f64>) {
        self.at(at).end_trip(trip.into(), odometer).unwrap();
    }

    /// Fixes every 10 s from `from`, 5 m accurate, going north `steps` × 0.0005°, recorded at
    /// `at`.
    fn drive_north(&self, at: &str, trip: &str, from: &str, steps: i32) {
        let fixes: Vec<Fix> = (0..=steps)
            .map(|i| Fix {
                accuracy_m: Some(5.0),
                speed_mps: Some(5.5),
                ..Fix::at(
                    28.19 + f64::from(i) * 0.0005,
                    112.98,
                    beijing(from) + i64::from(i) * 10_000,
                )
            })
            .collect();
        self.at(at).record_fixes(trip.into(), fixes).unwrap();
    }

    fn dispatch(&self, at: &str, case: &str, vehicle: &str, site: GeoPosition) -> String {
        self.at(at)
            .dispatch(NewDispatch {
                case_id: case.into(),
                vehicle: vehicle.into(),
                site: Some(site),
                site_text: None,
            })
            .unwrap()
            .id
    }

    fn on_scene(&self, at: &str, dispatch: &str) {
        self.at(at)
            .advance_dispatch(dispatch.into(), DispatchStep::OnScene)
            .unwrap();
    }

    /// A mediation opened at `at`, agreed on `terms` and signed by everyone (the signed-in
    /// officer, the consumer, the merchant, and `second` mediator if any); concluded at `done`.
    fn mediate(
        &self,
        at: &str,
        done: &str,
        case: &str,
        second: Option<(&str, &str)>,
        terms: Vec<Term>,
    ) {
        let now = beijing(at);
        let core = self.at(at);
        let person = |role, name: &str, id: Option<&str>| NewParticipant {
            role,
            name: name.into(),
            title: (role == ParticipantRole::MerchantRepresentative).then(|| "店长".into()),
            enforcement_id: id.map(Into::into),
            authority: None,
        };
        let doc = core
            .start_mediation(NewMediation {
                case_id: case.into(),
                mode: MediationMode::OnSite,
                consumer_consents: true,
                merchant_consents: true,
                notice: Some(Notice {
                    given_at_ms: now - 3_600_000,
                    method: NoticeMethod::Oral,
                    session_at_ms: now,
                    place: "流动维权车旁".into(),
                }),
                place_text: Some("长沙市芙蓉区五一大道 1 号门前".into()),
                enforcement: false,
                participants: vec![
                    person(ParticipantRole::Consumer, "王芳", None),
                    person(ParticipantRole::MerchantRepresentative, "赵强", None),
                ],
                position: None,
            })
            .unwrap()
            .id;
        let mut signers = vec![1, 2, 0];
        if let Some((name, id)) = second {
            let officer = person(ParticipantRole::Officer, name, Some(id));
            core.act_on_document(
                doc.clone(),
                DocumentAct::Join {
                    participant: officer,
                },
                None,
            )
            .unwrap();
            signers.push(3);
        }
        let agree = DocumentAct::Agree {
            terms,
            document_declined: false,
        };
        core.act_on_document(doc.clone(), agree, None).unwrap();
        for who in signers {
            let text_sha256 = core.document_text(doc.clone()).unwrap().sha256;
            let strokes = vec![
                (0..20)
                    .map(|i| StrokePoint {
                        x: f64::from(i) * 10.0,
                        y: f64::from(i * (who + 2)).sin() * 30.0,
                        t_ms: i64::from(i) * 16,
                    })
                    .collect(),
            ];
            let sign = DocumentAct::Sign {
                participant: who,
                text_sha256,
                strokes,
            };
            core.act_on_document(doc.clone(), sign, None).unwrap();
        }
        self.at(done)
            .act_on_document(doc, DocumentAct::Conclude, None)
            .unwrap();
    }
}

/// Beijing wall time `YYYY-MM-DD HH:MM` as ms since the epoch.
fn beijing(at: &str) -> i64 {
    let naive = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap();
    BEIJING
        .from_local_datetime(&naive)
        .unwrap()
        .timestamp_millis()
}

/// 长沙 in town: the dispatch target there is 30 minutes; outside, 60.
const URBAN: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "长沙市区"},
   "geometry": {"type": "Polygon", "coordinates": [[[112.90, 28.10], [113.10, 28.10],
      [113.10, 28.30], [112.90, 28.30], [112.90, 28.10]]]}}]}"#;

fn in_town() -> GeoPosition {
    GeoPosition {
        latitude: 28.19,
        longitude: 112.98,
        accuracy_m: Some(10.0),
    }
}

fn out_of_town() -> GeoPosition {
    GeoPosition {
        latitude: 28.50,
        longitude: 112.60,
        accuracy_m: Some(10.0),
    }
}

fn case_of(kind: CaseKind, name: &str) -> NewCase {
    let mut case = complaint_from(name);
    case.kind = kind;
    if kind != CaseKind::Complaint {
        case.matter.demands.clear();
        case.matter.demands_text = None;
    }
    case
}

fn merchant_pays(fen: i64) -> Term {
    Term {
        kind: TermKind::Refund,
        by: Performer::Merchant,
        what: "退还货款".into(),
        amount_fen: Some(fen),
        due_on: None,
        performed_on_the_spot: true,
    }
}

const A: &str = "湘A·12315";
const B: &str = "湘A·12316";
const LI: (&str, &str) = ("李明", "LM-0001");
const WANG: (&str, &str) = ("王强", "WQ-0002");
const ZHANG: (&str, &str) = ("张伟", "ZW-0003");

/// Device 1 (vehicle 湘A·12315; officers 李明 and 王强).
fn first_device(dir: &Path) -> Phone {
    let p = Phone::open(dir, "2026-05-29 09:00", LI);
    // C5: a consultation by letter received in May, answered in June (answered in June, but
    // not received in June: no channel figure of June's).
    let c5 = p
        .at("2026-05-29 10:00")
        .open_case(by(Channel::Letter, case_of(CaseKind::Consultation, "刘一")))
        .unwrap()
        .id;
    let close = |outcome| Step::Close { outcome };
    p.step("2026-06-01 08:00", &c5, close(Outcome::Answered));
    // T1: a patrol, crew 李明 and 王强 of three, odometer 1000 → 1012, a GPS track due north.
    let t1 = p.trip("2026-06-01 09:00", A, &[LI.0, WANG.0], 3, 1000.0);
    // C1: a consultation during T1, answered at once.
    let c1 = p
        .at("2026-06-01 09:30")
        .open_case(case_of(CaseKind::Consultation, "陈二"))
        .unwrap()
        .id;
    p.step("2026-06-01 09:45", &c1, close(Outcome::Answered));
    // C2: a complaint during T1.
    let c2 = p
        .at("2026-06-01 10:00")
        .open_case(complaint_from("王芳"))
        .unwrap()
        .id;
    let fixes: Vec<Fix> = (0..=20)
        .map(|i| Fix {
            accuracy_m: Some(5.0),
            speed_mps: Some(5.5),
            ..Fix::at(
                28.19 + f64::from(i) * 0.0005,
                112.98,
                beijing("2026-06-01 10:00") + i64::from(i) * 10_000,
            )
        })
        .collect();
    p.at("2026-06-01 11:00")
        .record_fixes(t1.clone(), fixes)
        .unwrap();
    p.end_trip("2026-06-01 11:00", &t1, Some(1012.0));
    p.step("2026-06-02 09:00", &c2, Step::Accept);
    let follow_up = |score, word| Step::FollowUp { score, word };
    p.step("2026-06-02 10:00", &c1, follow_up(Some(4), None));
    // C3 + C3r: a complaint that also reports, two cases; C3 dispatched to 湘A·12315 in town.
    let c3 = p.at("2026-06-03 13:50").open_case(NewCase {
        also_report: Some("该店长期销售过期食品".into()),
        ..complaint_from("赵六")
    });
    let c3 = c3.unwrap();
    let c3r = c3.linked_case.clone().unwrap();
    let d1 = p.dispatch("2026-06-03 13:55", &c3.id, A, in_town());
    let t2 = p.start_trip(
        "2026-06-03 14:00",
        A,
        &[LI.0],
        2,
        1012.0,
        Purpose::Dispatch,
        Some(&c3.id),
    );
    p.on_scene("2026-06-03 14:10", &d1);
    p.end_trip("2026-06-03 15:30", &t2, Some(1030.0));
    p.step("2026-06-04 09:00", &c3r, Step::StartVerification);
    p.step(
        "2026-06-05 09:00",
        &c3r,
        Step::DecideReport { file_case: false },
    );
    p.step("2026-06-05 09:30", &c3r, close(Outcome::NoCaseFiled));
    // C2's agreement: 5 980 + 50 000 fen by the merchant, mediated by 李明 and 王强.
    let terms = vec![merchant_pays(5_980), merchant_pays(50_000)];
    p.mediate(
        "2026-06-05 10:00",
        "2026-06-05 11:00",
        &c2,
        Some(WANG),
        terms,
    );
    p.at("2026-06-08 08:59")
        .sign_in(WANG.0.into(), WANG.1.into())
        .unwrap();
    p.step("2026-06-08 09:00", &c2, close(Outcome::Agreement));
    let very = Some(SatisfactionWord::VerySatisfied);
    p.step("2026-06-10 09:00", &c2, follow_up(Some(5), very));
    // C3 accepted late: received Wed 3 June, due on the 7th working day, Fri 12 June.
    p.step("2026-06-15 10:00", &c3.id, Step::Accept);
    // C3 withdrawn on 3 July (a ground for terminating, Art. 23(1)): its handling ends in
    // July, after June's report date, before July's end.
    let withdrawn = Step::Close {
        outcome: Outcome::Withdrawn,
    };
    p.step("2026-07-03 10:00", &c3.id, withdrawn);
    p
}

/// The case as received through `channel`.
fn by(channel: Channel, case: NewCase) -> NewCase {
    NewCase {
        channel: Some(channel),
        ..case
    }
}

/// Device 2 (vehicle 湘A·12316; officer 张伟).
fn second_device(dir: &Path) -> Phone {
    let p = Phone::open(dir, "2026-05-31 19:00", ZHANG);
    // T5: in May, not counted.
    let t5 = p.trip("2026-05-31 20:00", B, &[ZHANG.0], 1, 490.0);
    p.end_trip("2026-05-31 21:00", &t5, Some(500.0));
    // T3: a patrol without an end reading: no odometer kilometres.
    let t3 = p.trip("2026-06-02 09:00", B, &[ZHANG.0], 2, 500.0);
    // C6: brought to a consumer-rights service station, taken by the passing vehicle.
    let c6 = p
        .at("2026-06-02 10:00")
        .open_case(by(Channel::ServiceStation, complaint_from("孙七")))
        .unwrap()
        .id;
    p.step("2026-06-02 11:00", &c6, Step::Accept);
    p.end_trip("2026-06-02 12:00", &t3, None);
    // C7: an anonymous report by the hotline, dispatched out of town (60 minutes), arrived
    // after 45.
    let mut report = by(Channel::Hotline, case_of(CaseKind::Report, "匿名"));
    report.complainants.clear();
    let c7 = p.at("2026-06-04 09:30").open_case(report).unwrap().id;
    let d2 = p.dispatch("2026-06-04 09:40", &c7, B, out_of_town());
    let t4 = p.start_trip(
        "2026-06-04 10:00",
        B,
        &[ZHANG.0],
        2,
        530.0,
        Purpose::Dispatch,
        Some(&c7),
    );
    p.on_scene("2026-06-04 10:25", &d2);
    p.step("2026-06-04 11:00", &c7, Step::StartVerification);
    p.end_trip("2026-06-04 12:00", &t4, Some(555.0));
    // C8: a complaint from the national platform, dispatched in town, arrived after 40
    // minutes (late), then declined.
    let c8 = p
        .at("2026-06-05 16:00")
        .open_case(by(Channel::NationalPlatform, complaint_from("周八")))
        .unwrap()
        .id;
    let d3 = p.dispatch("2026-06-05 16:05", &c8, B, in_town());
    p.on_scene("2026-06-05 16:45", &d3);
    let decline = Step::Decline {
        reason: DeclineReason::OutsideRemit,
    };
    p.step("2026-06-08 10:00", &c8, decline);
    // C6's agreement: 12 000 fen, 张伟 alone.
    p.mediate(
        "2026-06-09 10:00",
        "2026-06-09 11:00",
        &c6,
        None,
        vec![merchant_pays(12_000)],
    );
    p.step(
        "2026-06-09 15:00",
        &c6,
        Step::Close {
            outcome: Outcome::Agreement,
        },
    );
    let fair = Some(SatisfactionWord::FairlySatisfied);
    p.step(
        "2026-06-11 10:00",
        &c6,
        Step::FollowUp {
            score: Some(3),
            word: fair,
        },
    );
    // C7 decided late (received Thu 4 June; 15 working days end before Mon 29 June), closed
    // in July. A report's handling ends when it is decided (regulations.md): in June, late;
    // the closure in July is no second end.
    p.step(
        "2026-06-29 10:00",
        &c7,
        Step::DecideReport { file_case: true },
    );
    p.step(
        "2026-07-02 10:00",
        &c7,
        Step::Close {
            outcome: Outcome::CaseFiled,
        },
    );
    p
}

async fn statistics(centre: &Centre, query: &str) -> Value {
    let (status, head, body) = centre
        .admin_get(&format!("/v1/admin/statistics?{query}"))
        .await;
    assert_eq!(status, 200, "{head}\n{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// Every figure of `expected` equals the row's (numbers to 1e-9; `null` where none).
fn assert_figures(row: &Value, expected: &Value) {
    let key = &row["key"];
    for (name, want) in expected.as_object().unwrap() {
        let got = &row[name];
        match (got.as_f64(), want.as_f64()) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{key} {name}: {g}, not {w}"),
            _ if want.is_object() => assert_figures(got, want),
            _ => assert_eq!(got, want, "{key} {name}"),
        }
    }
}

fn row<'a>(rows: &'a Value, key: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows}"))
}

/// Metres of T1's track: the meridian arc from 28.19° to 28.20° N on the WGS-84 ellipsoid,
/// integrated numerically in Python (M(φ) = a(1−e²)/(1−e² sin²φ)^1.5): 1 108.226 m.
const T1_KM: f64 = 1.108_226;

fn on_scene(
    area: &str,
    dispatches: u64,
    arrived: u64,
    met: u64,
    median: Option<f64>,
    p90: Option<f64>,
) -> Value {
    json!({"area": area, "dispatches": dispatches, "arrived": arrived, "met": met,
           "median_minutes": median, "p90_minutes": p90})
}

/// One kind's handling figures (regulations.md): `ended` in the period, of them `on_time`
/// (no statutory clock breached); the `cohort` received in the period, of them
/// `cohort_ended` by the report date. Rates as shares, `null` over nothing.
fn handling(ended: u64, cohort: u64, cohort_ended: u64, on_time: u64) -> Value {
    let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
    json!({"ended": ended, "cohort": cohort, "cohort_ended": cohort_ended,
           "completion_rate": share(cohort_ended, cohort),
           "ended_on_time": on_time, "on_time_rate": share(on_time, ended)})
}

/// Cases received per channel: (channel, consultations, complaints, reports), every channel.
fn channels<const N: usize>(split: [(&str, u64, u64, u64); N]) -> Value {
    split
        .iter()
        .map(|(channel, consultations, complaints, reports)| {
            json!({"channel": channel, "consultations": consultations,
                   "complaints": complaints, "reports": reports})
        })
        .collect()
}

async fn the_month_figure_by_figure(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let phones = [first_device(dirs[0].path()), second_device(dirs[1].path())];
    for phone in &phones {
        enrol(&centre, &phone.core).await;
        phone.core.clone().sync(None, None).await.unwrap();
    }
    let june = statistics(&centre, "month=2026-06&as_of=2026-06-30").await;
    assert_eq!(
        june["period"],
        json!({"label": "2026-06", "from": "2026-06-01", "to": "2026-06-30"})
    );
    assert_eq!(june["as_of"], "2026-06-30");

    // GPS kilometres come from the device's own track measurement (tested on its own in the
    // trips tests); here only T1 has a track: one meridian arc.
    let gps = june["centre"]["mileage"]["gps_km"].as_f64().unwrap();
    assert!((gps - T1_KM).abs() < 0.001, "T1's track: {gps} km");

    assert_figures(
        &june["centre"],
        &json!({
            "key": "total",
            // Received in June: C1 (consultation); C2, C3, C6, C8 (complaints); C3r, C7 (reports).
            // The split submission counts once per kind: C3 a complaint, C3r a report.
            "consultations": 1, "complaints": 4, "reports": 2,
            // By channel: C1, C2, C3, C3r at the vehicle; C7 by the hotline; C8 from the
            // national platform; C6 at a service station; C5 came by letter, but in May.
            "received_by_channel": channels([
                ("vehicle_walk_in", 1, 2, 1), ("hotline", 0, 0, 1), ("national_platform", 0, 1, 0),
                ("service_station", 0, 1, 0), ("letter", 0, 0, 0)]),
            // Consultations answered in June, apart from everything below: C5 (received in
            // May) and C1.
            "consultations_answered": 2,
            // Accepted in June: C2 (2 June), C6 (2 June), C3 (15 June).
            "accepted": 3,
            // Complaints ended in June: C2 and C6 closed after agreement, C8 declined. C3 is
            // withdrawn on 3 July. The cohort: C2, C3, C6, C8; ended by 30 June: 3 of 4. On time:
            // all 3 ended (C3, whose acceptance was late, has not ended).
            "complaint_handling": handling(3, 4, 3, 3),
            // Reports ended in June: C3r decided on 5 June (in time), C7 on 29 June (late). The
            // cohort C3r, C7: both ended by 30 June. On time: 1 of 2.
            "report_handling": handling(2, 2, 2, 1),
            // Clocks ended in June: accept — C2 met, C3 breached (due 12 June, accepted 15 June),
            // C6 met, C8 met (declined 8 June); mediation — C2 met (5 June), C6 met (9 June);
            // report decision — C3r met (5 June), C7 breached (decided 29 June). 6 of 8.
            "clocks_ended": 8, "clocks_met": 6, "clocks_met_share": 0.75,
            // Agreements signed in June: C2 5 980 + 50 000 = 55 980; C6 12 000. 67 980 fen.
            "agreements": 2, "recovered_fen": 67_980,
            // Follow-ups in June: C1 score 4 (no word); C2 5, 非常满意; C6 3, 基本满意.
            // Mean (4 + 5 + 3) / 3 = 4; satisfied: 1 of the 2 with a word.
            "follow_ups": 3, "scored": 3, "mean_score": 4.0, "worded": 2, "satisfied": 1,
            "satisfied_share": 0.5,
            // Trips started in June: T1 (crew 3), T2 (dispatch, 2), T3 (2), T4 (dispatch, 2); T5
            // started 31 May. 人次 3 + 2 + 2 + 2 = 9. Odometer: T1 12, T2 18, T4 25 = 55 km over 3
            // trips (T3 has no end reading). Mismatched (> 10 %): T1 (12 vs 1.1), T2 and T4 (no
            // track: 0 km by GPS). One km figure: T1, T2, T4 by odometer (T1's track is not
            // used: both readings exist), T3 has neither: 55 km, one trip without.
            "mileage": {"trips": 4, "dispatch_trips": 2, "staff_trips": 9, "km": 55.0,
                        "odometer_km": 55.0, "odometer_trips": 3, "trips_without_km": 1,
                        "mismatched_trips": 3, "open_trips": 0, "left_open_trips": 0},
            // D1 in town 15 min (met), D3 in town 40 min (late), D2 out of town 45 min (met).
            // Town: sorted [15, 40], median rank ⌈2·0.5⌉ = 1 → 15, P90 rank ⌈2·0.9⌉ = 2 → 40.
            "on_scene": [on_scene("urban", 2, 2, 1, Some(15.0), Some(40.0)),
                         on_scene("remote", 1, 1, 1, Some(45.0), Some(45.0)),
                         on_scene("unknown", 0, 0, 0, None, None)],
        }),
    );
    // The clocks by kind (the limitation check never ended: no complaint gave a date of harm).
    let kinds = &june["on_time_by_kind"];
    for (kind, ended, met) in [
        ("accept", 4, 3),
        ("mediation", 2, 2),
        ("report_decision", 2, 1),
        ("end_notice", 0, 0),
        ("limitation", 0, 0),
    ] {
        let got = kinds
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kind"] == kind)
            .unwrap();
        assert_eq!(
            (got["ended"].as_u64(), got["met"].as_u64()),
            (Some(ended), Some(met)),
            "{kind}"
        );
    }

    let vehicles = &june["by_vehicle"];
    assert_eq!(vehicles.as_array().unwrap().len(), 2, "{vehicles}");
    // 湘A·12315: C1, C2 (opened during T1), C3 (dispatched D1). C3r and C5 had no dispatch and
    // no trip under way when opened: the centre's figures only.
    assert_figures(
        row(vehicles, A),
        &json!({
            "consultations": 1, "complaints": 2, "reports": 0,
            "received_by_channel": channels([
                ("vehicle_walk_in", 1, 2, 0), ("hotline", 0, 0, 0), ("national_platform", 0, 0, 0),
                ("service_station", 0, 0, 0), ("letter", 0, 0, 0)]),
            "consultations_answered": 1, "accepted": 2,
            // C2 ended in June, on time; C3 not by 30 June.
            "complaint_handling": handling(1, 2, 1, 1),
            "report_handling": handling(0, 0, 0, 0),
            // C2 accept + mediation (met), C3 accept (breached).
            "clocks_ended": 3, "clocks_met": 2, "clocks_met_share": 2.0 / 3.0,
            "agreements": 1, "recovered_fen": 55_980,
            // C1 (4, no word), C2 (5, 非常满意).
            "follow_ups": 2, "scored": 2, "mean_score": 4.5, "worded": 1, "satisfied": 1, "satisfied_share": 1.0,
            // T1 (3) and T2 (dispatch, 2): 12 + 18 km.
            "mileage": {"trips": 2, "dispatch_trips": 1, "staff_trips": 5, "km": 30.0, "odometer_km": 30.0,
                        "odometer_trips": 2, "trips_without_km": 0, "gps_km": gps},
            "on_scene": [on_scene("urban", 1, 1, 1, Some(15.0), Some(15.0)),
                         on_scene("remote", 0, 0, 0, None, None),
                         on_scene("unknown", 0, 0, 0, None, None)],
        }),
    );
    // 湘A·12316: C6 (opened during T3), C7 (D2), C8 (D3).
    assert_figures(
        row(vehicles, B),
        &json!({
            "consultations": 0, "complaints": 2, "reports": 1,
            "received_by_channel": channels([
                ("vehicle_walk_in", 0, 0, 0), ("hotline", 0, 0, 1), ("national_platform", 0, 1, 0),
                ("service_station", 0, 1, 0), ("letter", 0, 0, 0)]),
            "consultations_answered": 0, "accepted": 1,
            // C6 closed, C8 declined, both in time; C7 decided late.
            "complaint_handling": handling(2, 2, 2, 2),
            "report_handling": handling(1, 1, 1, 0),
            // C6 accept + mediation (met), C7 report decision (breached), C8 accept (met).
            "clocks_ended": 4, "clocks_met": 3, "clocks_met_share": 0.75,
            "agreements": 1, "recovered_fen": 12_000,
            "follow_ups": 1, "scored": 1, "mean_score": 3.0, "worded": 1, "satisfied": 0, "satisfied_share": 0.0,
            // T3 (2, no end reading, no track) and T4 (dispatch, 2): 25 km by odometer over one
            // trip; T3 has neither.
            "mileage": {"trips": 2, "dispatch_trips": 1, "staff_trips": 4, "km": 25.0, "odometer_km": 25.0,
                        "odometer_trips": 1, "trips_without_km": 1, "gps_km": 0.0},
            "on_scene": [on_scene("urban", 1, 1, 0, Some(40.0), Some(40.0)),
                         on_scene("remote", 1, 1, 1, Some(45.0), Some(45.0)),
                         on_scene("unknown", 0, 0, 0, None, None)],
        }),
    );

    let officers = &june["by_officer"];
    assert_eq!(officers.as_array().unwrap().len(), 3, "{officers}");
    let no_dispatches = json!([
        on_scene("urban", 0, 0, 0, None, None),
        on_scene("remote", 0, 0, 0, None, None),
        on_scene("unknown", 0, 0, 0, None, None)
    ]);
    // 李明 registered C1, C2, C3, C3r in June (and C5 in May); answered C5 and C1; accepted C2;
    // decided C3r (a report ended, in time); ended no complaint (王强 closed C2); the clocks of
    // his cases: C2 ×2 met, C3 breached, C3r met; mediator of C2; closed C1, whose follow-up
    // (4) is his; crew of T1 and T2: once per trip, 2 人次.
    assert_figures(
        row(officers, LI.1),
        &json!({
            "name": LI.0, "consultations": 1, "complaints": 2, "reports": 1,
            "consultations_answered": 2, "accepted": 1,
            "complaint_handling": handling(0, 2, 1, 0),
            "report_handling": handling(1, 1, 1, 1),
            "clocks_ended": 4, "clocks_met": 3, "clocks_met_share": 0.75,
            "agreements": 1, "recovered_fen": 55_980,
            "follow_ups": 1, "scored": 1, "mean_score": 4.0, "worded": 0, "satisfied": 0, "satisfied_share": null,
            "mileage": {"trips": 2, "dispatch_trips": 1, "staff_trips": 2, "km": 30.0, "odometer_km": 30.0, "odometer_trips": 2},
            "on_scene": no_dispatches,
        }),
    );
    // 王强 registered nothing; accepted C3, closed C2 (a complaint ended in time; so C2's
    // follow-up is his); second mediator of C2, credited the whole agreement; crew of T1.
    assert_figures(
        row(officers, WANG.1),
        &json!({
            "name": WANG.0, "consultations": 0, "complaints": 0, "reports": 0,
            "consultations_answered": 0, "accepted": 1,
            "complaint_handling": handling(1, 0, 0, 1),
            "report_handling": handling(0, 0, 0, 0),
            "clocks_ended": 0, "clocks_met": 0, "clocks_met_share": null,
            "agreements": 1, "recovered_fen": 55_980,
            "follow_ups": 1, "scored": 1, "mean_score": 5.0, "worded": 1, "satisfied": 1, "satisfied_share": 1.0,
            "mileage": {"trips": 1, "dispatch_trips": 0, "staff_trips": 1, "km": 12.0, "odometer_km": 12.0, "odometer_trips": 1, "gps_km": gps},
        }),
    );
    // 张伟: everything of device 2.
    assert_figures(
        row(officers, ZHANG.1),
        &json!({
            "name": ZHANG.0, "consultations": 0, "complaints": 2, "reports": 1,
            "consultations_answered": 0, "accepted": 1,
            "complaint_handling": handling(2, 2, 2, 2),
            "report_handling": handling(1, 1, 1, 0),
            "clocks_ended": 4, "clocks_met": 3, "clocks_met_share": 0.75,
            "agreements": 1, "recovered_fen": 12_000,
            "follow_ups": 1, "scored": 1, "mean_score": 3.0, "worded": 1, "satisfied": 0, "satisfied_share": 0.0,
            "mileage": {"trips": 2, "dispatch_trips": 1, "staff_trips": 2, "km": 25.0, "odometer_km": 25.0,
                        "odometer_trips": 1, "trips_without_km": 1, "gps_km": 0.0},
        }),
    );

    // The same cohort judged at the end of July: C3, withdrawn on 3 July, now counts: every
    // complaint of June's has ended. What ended in June stays as it was.
    let later = statistics(&centre, "month=2026-06&as_of=2026-07-31").await;
    assert_figures(
        &later["centre"],
        &json!({"complaint_handling": handling(3, 4, 4, 3), "report_handling": handling(2, 2, 2, 1)}),
    );
    // July: C3's handling ends (late: its acceptance was, though no clock ended in July); C7's
    // closure on 2 July is no second end. Nothing received.
    let july = statistics(&centre, "month=2026-07&as_of=2026-07-31").await;
    assert_figures(
        &july["centre"],
        &json!({"complaint_handling": handling(1, 0, 0, 0), "report_handling": handling(0, 0, 0, 0),
                "clocks_ended": 0, "clocks_met_share": null, "agreements": 0}),
    );
    // A range, 1 to 3 June: C1, C2, C6, C3, C3r received; C2 and C6 accepted (2 June); C5
    // and C1 answered; nothing else ended; T1 (3), T3 (2), T2 (dispatch, 2) started; D1 only.
    let range = statistics(&centre, "from=2026-06-01&to=2026-06-03&as_of=2026-06-30").await;
    assert_eq!(range["period"]["label"], "2026-06-01..2026-06-03");
    assert_figures(
        &range["centre"],
        &json!({
            "consultations": 1, "complaints": 3, "reports": 1, "accepted": 2,
            "consultations_answered": 2,
            "complaint_handling": {"ended": 0}, "report_handling": {"ended": 0},
            "mileage": {"trips": 3, "dispatch_trips": 1, "staff_trips": 7},
            "on_scene": [on_scene("urban", 1, 1, 1, Some(15.0), Some(15.0)),
                         on_scene("remote", 0, 0, 0, None, None),
                         on_scene("unknown", 0, 0, 0, None, None)],
        }),
    );
    // Refusals: no period, half a range, a bad month, no admin token.
    for bad in [
        "",
        "from=2026-06-01",
        "month=2026-13",
        "month=2026-06&format=pdf",
    ] {
        let (status, _, _) = centre
            .admin_get(&format!("/v1/admin/statistics?{bad}"))
            .await;
        assert_eq!(status, 400, "{bad:?}");
    }
    let (status, _, _) = centre
        .get(
            "/v1/admin/statistics?month=2026-06",
            &[("redshield-protocol", "1")],
        )
        .await;
    assert_eq!(status, 401);

    the_workbook_holds_the_same_figures(&centre, &june).await;
}

on_both_backends!(the_month_figure_by_figure);

const A9: &str = "湘A·12317";
const B9: &str = "湘A·12318";

/// A September on one device with no urban areas loaded, for the figures the sample June does
/// not reach: a forwarded complaint, a referred consultation (not answered), cases by letter
/// and by the hotline, a trip left open (and the centre's limit for it), a trip by GPS alone,
/// a trip whose odometer wins over its track, a dispatch of unknown area.
fn september_device(dir: &Path) -> Phone {
    let p = Phone::without_urban_areas(dir, "2026-09-01 07:00", LI);
    // TA: 李明 and 王强 of three on 湘A·12317 from 08:00, odometer 2 000, never ended.
    p.trip("2026-09-01 08:00", A9, &[LI.0, WANG.0], 3, 2000.0);
    // K1, by letter, 4 h into TA: TA's. Forwarded the same day by 李明: ended, in time.
    let k1 = p
        .at("2026-09-01 12:00")
        .open_case(by(Channel::Letter, complaint_from("钱九")))
        .unwrap()
        .id;
    let forward = Step::Forward {
        office: "岳麓区市场监督管理局".into(),
    };
    p.at("2026-09-01 14:00")
        .take_step(k1, forward, Some("经营者住所地在岳麓区".into()), None)
        .unwrap();
    // K2, a consultation by the hotline 12 h into TA: past the centre's 10 h, so nobody's
    // (within the default 16 h it would be TA's). Referred: handled, but not answered.
    let k2 = p
        .at("2026-09-01 20:00")
        .open_case(by(
            Channel::Hotline,
            case_of(CaseKind::Consultation, "吴十"),
        ))
        .unwrap()
        .id;
    let refer = Step::Refer {
        department: "tobacco".into(),
    };
    p.at("2026-09-01 20:10")
        .take_step(k2, refer, Some("涉及卷烟".into()), None)
        .unwrap();
    p.at("2026-09-02 08:59")
        .sign_in(WANG.0.into(), WANG.1.into())
        .unwrap();
    // K3, at a service station, answered by 王强.
    let k3 = p
        .at("2026-09-02 09:00")
        .open_case(by(
            Channel::ServiceStation,
            case_of(CaseKind::Consultation, "郑一"),
        ))
        .unwrap()
        .id;
    let answered = Step::Close {
        outcome: Outcome::Answered,
    };
    p.step("2026-09-02 09:05", &k3, answered);
    // TB: 李明 alone (crew count 1) on 湘A·12318, no reading at the end, a GPS track.
    let tb = p.start_trip(
        "2026-09-02 10:00",
        B9,
        &[LI.0],
        1,
        0.0,
        Purpose::Patrol,
        None,
    );
    // K4, a report from the national platform during TB, dispatched to 湘A·12318 in town —
    // but no urban areas are loaded: area unknown, the urban 30 minutes; there in 15.
    let k4 = p
        .at("2026-09-02 10:30")
        .open_case(by(
            Channel::NationalPlatform,
            case_of(CaseKind::Report, "冯二"),
        ))
        .unwrap()
        .id;
    let d = p.dispatch("2026-09-02 10:35", &k4, B9, in_town());
    p.on_scene("2026-09-02 10:50", &d);
    p.drive_north("2026-09-02 10:55", &tb, "2026-09-02 10:40", 20);
    p.end_trip("2026-09-02 11:00", &tb, None);
    p.step("2026-09-02 11:00", &k4, Step::StartVerification);
    let decided = Step::DecideReport { file_case: false };
    p.step("2026-09-03 09:00", &k4, decided);
    // TC: 王强 of two on 湘A·12318, odometer 300 → 340 and a track: the odometer counts.
    let tc = p.trip("2026-09-03 10:00", B9, &[WANG.0], 2, 300.0);
    p.drive_north("2026-09-03 11:00", &tc, "2026-09-03 10:10", 10);
    p.end_trip("2026-09-03 12:00", &tc, Some(340.0));
    p
}

/// regulations.md, "Statistics the centres report", on a September: 办结 per kind counting a
/// forward as ended; consultations answered apart (a referred one is not answered); received
/// by channel; one km figure (odometer where both readings exist, else GPS; trips with
/// neither counted); 人次 per named crew member once per trip; the on-scene area "unknown"
/// where no urban areas are loaded; and "a trip left open longer than a centre parameter … is
/// reported as not ended and attracts no cases after that time" — the centre's parameter, 10
/// hours here, not the default 16.
async fn a_month_of_the_definitions_the_sample_does_not_reach(backend: Backend) {
    use redshield_core::parameters::{DEFAULT, Parameters};
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = september_device(dir.path());
    enrol(&centre, &phone.core).await;
    let limit = Parameters {
        open_trip_limit_hours: 10,
        ..DEFAULT
    };
    centre.running().publish_parameters(limit).await.unwrap();
    // The first sync pushes the month and applies the parameters; the second pushes the
    // device's record of them to its replica at the centre.
    for _ in 0..2 {
        phone.core.clone().sync(None, None).await.unwrap();
    }
    assert_eq!(phone.core.rule_parameters().unwrap(), limit);

    let september = statistics(&centre, "month=2026-09&as_of=2026-09-30").await;
    let mileage = |field: &str| september["centre"]["mileage"][field].as_f64().unwrap();
    // TB's track: 20 steps of 0.0005° north from 28.19°, T1's meridian arc in June; TC's: 10
    // steps, half of it.
    let gps_km = mileage("gps_km");
    assert!(
        (gps_km - 1.5 * T1_KM).abs() < 0.002,
        "TB + TC by GPS: {gps_km}"
    );
    assert_figures(
        &september["centre"],
        &json!({
            "consultations": 2, "complaints": 1, "reports": 1,
            "received_by_channel": channels([
                ("vehicle_walk_in", 0, 0, 0), ("hotline", 1, 0, 0), ("national_platform", 0, 0, 1),
                ("service_station", 1, 0, 0), ("letter", 0, 1, 0)]),
            // K3 answered; K2 referred, not answered.
            "consultations_answered": 1, "accepted": 0,
            // K1 forwarded on 1 September: ended, its acceptance clock stopped in time.
            "complaint_handling": handling(1, 1, 1, 1),
            // K4 decided (no case) on 3 September, in time.
            "report_handling": handling(1, 1, 1, 1),
            "clocks_ended": 2, "clocks_met": 2, "clocks_met_share": 1.0,
            // TA (3), TB (1), TC (2): 6 人次. km: TA has neither (no end reading, no track), TB
            // its GPS, TC its odometer 40 (its own track left aside).
            "mileage": {"trips": 3, "dispatch_trips": 0, "staff_trips": 6,
                        "odometer_km": 40.0, "odometer_trips": 1, "trips_without_km": 1,
                        "open_trips": 1, "left_open_trips": 1},
            "on_scene": [on_scene("urban", 0, 0, 0, None, None),
                         on_scene("remote", 0, 0, 0, None, None),
                         on_scene("unknown", 1, 1, 1, Some(15.0), Some(15.0))],
        }),
    );
    let km = mileage("km");
    assert!(
        (km - (40.0 + T1_KM)).abs() < 0.001,
        "TC's 40 + TB's GPS: {km}"
    );

    // 湘A·12317: K1 only (K2 came 12 h into TA, past the centre's 10 h); TA left open.
    let vehicles = &september["by_vehicle"];
    assert_figures(
        row(vehicles, A9),
        &json!({"consultations": 0, "complaints": 1, "reports": 0,
                "complaint_handling": handling(1, 1, 1, 1),
                "mileage": {"trips": 1, "staff_trips": 3, "km": 0.0, "trips_without_km": 1,
                            "open_trips": 1, "left_open_trips": 1}}),
    );
    // 湘A·12318: K4 (dispatched); TB and TC.
    assert_figures(
        row(vehicles, B9),
        &json!({"consultations": 0, "complaints": 0, "reports": 1,
                "mileage": {"trips": 2, "staff_trips": 3, "odometer_km": 40.0,
                            "trips_without_km": 0, "open_trips": 0}}),
    );
    // 人次 per named crew member, once per trip: 李明 TA and TB, 王强 TA and TC.
    let officers = &september["by_officer"];
    assert_figures(
        row(officers, LI.1),
        &json!({"consultations": 1, "complaints": 1, "consultations_answered": 0,
                "complaint_handling": handling(1, 1, 1, 1),
                "mileage": {"trips": 2, "staff_trips": 2}}),
    );
    assert_figures(
        row(officers, WANG.1),
        &json!({"consultations": 1, "reports": 1, "consultations_answered": 1,
                "report_handling": handling(1, 1, 1, 1),
                "mileage": {"trips": 2, "staff_trips": 2, "odometer_km": 40.0}}),
    );

    // The workbook shows the same.
    let book = read_workbook(&centre, "month=2026-09&as_of=2026-09-30").await;
    let expected = [("全中心", &september["centre"])];
    assert_sheet_rows(&book, "全中心", &expected);
    let vehicle_rows = [(A9, row(vehicles, A9)), (B9, row(vehicles, B9))];
    assert_sheet_rows(&book, "按车辆", &vehicle_rows);
    let unknown = &keyed_rows(&book, "到场时间")[2];
    assert_eq!(unknown.1, "区域不明（按城区时限）");
    assert_eq!(unknown.2, [1.0, 1.0, 1.0, 15.0, 15.0].map(Some).to_vec());
    let letters = &keyed_rows(&book, "按渠道")[4];
    assert_eq!(letters.1, "来信");
    assert_eq!(letters.2, [0.0, 1.0, 0.0].map(Some).to_vec());
}

on_both_backends!(a_month_of_the_definitions_the_sample_does_not_reach);

/// The headers of the figures sheets and the JSON figures they show (money: fen / 100).
const COLUMNS: &[(&str, &str)] = &[
    ("咨询（件）", "consultations"),
    ("投诉（件）", "complaints"),
    ("举报（件）", "reports"),
    ("咨询解答（件）", "consultations_answered"),
    ("受理投诉（件）", "accepted"),
    ("投诉办结（件）", "complaint_handling.ended"),
    (
        "本期投诉截至报告日办结（件）",
        "complaint_handling.cohort_ended",
    ),
    ("投诉办结率", "complaint_handling.completion_rate"),
    ("投诉按时办结（件）", "complaint_handling.ended_on_time"),
    ("投诉按时办结率", "complaint_handling.on_time_rate"),
    ("举报办结（件）", "report_handling.ended"),
    (
        "本期举报截至报告日办结（件）",
        "report_handling.cohort_ended",
    ),
    ("举报办结率", "report_handling.completion_rate"),
    ("举报按时办结（件）", "report_handling.ended_on_time"),
    ("举报按时办结率", "report_handling.on_time_rate"),
    ("到期法定时限（个）", "clocks_ended"),
    ("其中按时（个）", "clocks_met"),
    ("法定时限按时率（按时限计）", "clocks_met_share"),
    ("调解协议（份）", "agreements"),
    ("挽回经济损失（元）", "recovered_fen"),
    ("回访（次）", "follow_ups"),
    ("评分回访（次）", "scored"),
    ("平均满意度（5分制）", "mean_score"),
    ("表态回访（次）", "worded"),
    ("非常满意+满意（次）", "satisfied"),
    ("满意率", "satisfied_share"),
    ("出动维权车辆（次）", "mileage.trips"),
    ("其中派遣出车（次）", "mileage.dispatch_trips"),
    ("维权人员（人次）", "mileage.staff_trips"),
    ("行程（公里）", "mileage.km"),
    ("GPS里程（公里）", "mileage.gps_km"),
    ("里程表里程（公里）", "mileage.odometer_km"),
    ("有里程表读数的出车（次）", "mileage.odometer_trips"),
    ("无里程数据的出车（次）", "mileage.trips_without_km"),
    ("未结束的出车（次）", "mileage.open_trips"),
    ("其中超时未结束（次）", "mileage.left_open_trips"),
];

/// The sheets of the workbook, in order.
const SHEETS: [&str; 5] = ["全中心", "按车辆", "按人员", "到场时间", "按渠道"];

/// Reads the workbook with openpyxl: per sheet, its first four lines, the header row (row 6)
/// and the rows below, each cell as [type, value].
const READ_BACK: &str = r#"
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": book.sheetnames}
for sheet in book.worksheets:
    rows = [[[type(c.value).__name__, c.value, c.number_format] for c in row] for row in sheet.iter_rows()]
    out[sheet.title] = {"preamble": [r[0][1] for r in rows[:4]], "headers": [c[1] for c in rows[5]], "rows": rows[6:]}
print(json.dumps(out, ensure_ascii=False))
"#;

/// The workbook of `query` (with format=xlsx) as openpyxl reads it.
async fn read_workbook(centre: &Centre, query: &str) -> Value {
    let (status, head, body) = centre
        .admin_get(&format!("/v1/admin/statistics?{query}&format=xlsx"))
        .await;
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "{head}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("june.xlsx");
    std::fs::write(&path, body).unwrap();
    let output = std::process::Command::new("python3")
        .args(["-c", READ_BACK])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "openpyxl: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let book: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(book["sheets"], json!(SHEETS));
    book
}

/// The figures sheets' rows, each figure a numeric cell equal to the JSON's (blank where the
/// JSON has `null`), rates shown as percentages.
fn assert_sheet_rows(book: &Value, sheet: &str, expected_rows: &[(&str, &Value)]) {
    let headers: Vec<&str> = book[sheet]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    let rows = book[sheet]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected_rows.len(), "{sheet}");
    for ((key, figures), cells) in expected_rows.iter().zip(rows) {
        assert_eq!(cells[0][1], *key, "{sheet}");
        for (header, field) in COLUMNS {
            let col = headers
                .iter()
                .position(|h| h == header)
                .unwrap_or_else(|| panic!("{sheet}: no {header} in {headers:?}"));
            let cell = &cells[col];
            let want = field.split('.').fold(*figures, |v, part| &v[part]);
            if want.is_null() {
                assert!(
                    cell[1].is_null(),
                    "{sheet} {key} {header}: blank, not {cell}"
                );
                continue;
            }
            let want = want.as_f64().unwrap()
                / if *field == "recovered_fen" {
                    100.0
                } else {
                    1.0
                };
            assert!(
                matches!(cell[0].as_str(), Some("int" | "float")),
                "{sheet} {key} {header}: a number, not {cell}"
            );
            let got = cell[1].as_f64().unwrap();
            assert!(
                (got - want).abs() < 1e-9,
                "{sheet} {key} {header}: {got}, not {want}"
            );
            if header.ends_with('率') {
                assert_eq!(cell[2], "0.00%", "{sheet} {header} shows a percentage");
            }
        }
    }
}

/// The rows of a (scope, kind) sheet — 到场时间, 按渠道 — as (scope, kind, numbers), a blank
/// cell `None`.
fn keyed_rows(book: &Value, sheet: &str) -> Vec<(String, String, Vec<Option<f64>>)> {
    book[sheet]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cells| {
            let cells = cells.as_array().unwrap();
            let text = |i: usize| cells[i][1].as_str().unwrap().to_string();
            let numbers = cells[2..].iter().map(|c| c[1].as_f64()).collect();
            (text(0), text(1), numbers)
        })
        .collect()
}

async fn the_workbook_holds_the_same_figures(centre: &Centre, june: &Value) {
    let book = read_workbook(centre, "month=2026-06&as_of=2026-06-30").await;
    for sheet in SHEETS {
        let preamble = book[sheet]["preamble"].to_string();
        for stated in ["2026-06-01", "2026-06-30", "办结率队列", "报告日"] {
            assert!(
                preamble.contains(stated),
                "{sheet} states {stated}: {preamble}"
            );
        }
    }
    let figures_sheets = [
        ("全中心", vec![("全中心", &june["centre"])]),
        (
            "按车辆",
            vec![
                (A, row(&june["by_vehicle"], A)),
                (B, row(&june["by_vehicle"], B)),
            ],
        ),
        (
            "按人员",
            [LI, WANG, ZHANG]
                .iter()
                .map(|o| (o.1, row(&june["by_officer"], o.1)))
                .collect(),
        ),
    ];
    for (sheet, expected_rows) in figures_sheets {
        assert_sheet_rows(&book, sheet, &expected_rows);
    }
    assert!(book["按人员"]["headers"][1] == "姓名");
    assert_eq!(book["按人员"]["rows"][0][1][1], LI.0);
    // On scene: the centre's three area types, then each vehicle's.
    let on_scene = keyed_rows(&book, "到场时间");
    assert_eq!(on_scene.len(), 9, "{on_scene:?}");
    assert_eq!(book["到场时间"]["headers"][5], "到场时间中位数（分钟）");
    assert_eq!(
        on_scene[0],
        (
            "全中心".into(),
            "城区（30分钟）".into(),
            [2.0, 2.0, 1.0, 15.0, 40.0].map(Some).to_vec()
        )
    );
    // By channel: the centre's five channels, then each vehicle's; 咨询, 投诉, 举报.
    let by_channel = keyed_rows(&book, "按渠道");
    assert_eq!(by_channel.len(), 15, "{by_channel:?}");
    assert_eq!(
        book["按渠道"]["headers"],
        json!(["范围", "渠道", "咨询（件）", "投诉（件）", "举报（件）"])
    );
    let counts = |n: [f64; 3]| n.map(Some).to_vec();
    let centre_rows: Vec<(&str, Vec<Option<f64>>)> = by_channel[..5]
        .iter()
        .map(|(scope, channel, n)| {
            assert_eq!(scope, "全中心");
            (channel.as_str(), n.clone())
        })
        .collect();
    assert_eq!(
        centre_rows,
        [
            ("流动维权车现场", counts([1.0, 2.0, 1.0])),
            ("12315热线", counts([0.0, 0.0, 1.0])),
            ("全国12315平台", counts([0.0, 1.0, 0.0])),
            ("消费维权服务站", counts([0.0, 1.0, 0.0])),
            ("来信", counts([0.0, 0.0, 0.0])),
        ]
    );
    assert_eq!(
        by_channel[11],
        (B.into(), "12315热线".into(), counts([0.0, 0.0, 1.0]))
    );
}

/// The kind's (ended, met) in `on_time_by_kind`.
fn ended_and_met(statistics: &Value, kind: &str) -> (u64, u64) {
    let got = statistics["on_time_by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {statistics}"));
    (got["ended"].as_u64().unwrap(), got["met"].as_u64().unwrap())
}

/// Clocks started by hand run their normal limit (Order 121 Art. 27: 15 working days, 15 more
/// only with the head's approval; Art. 33: 7 working days, no extension) on the device and in
/// the centre's report. Once, starting a jurisdiction clock made every month's report a 503.
async fn clocks_started_by_hand_reach_the_report(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let p = Phone::open(dir.path(), "2026-11-02 09:00", LI);
    let case = p
        .at("2026-11-02 09:10")
        .open_case(case_of(CaseKind::Complaint, "赵六"))
        .unwrap()
        .id;
    p.step("2026-11-02 09:20", &case, Step::Accept);
    for kind in [ClockKind::ViolationCheck, ClockKind::Jurisdiction] {
        p.at("2026-11-02 10:00")
            .start_clock(case.clone(), kind)
            .unwrap();
    }
    let due: Vec<(ClockKind, String)> = p
        .core
        .case_clocks(case.clone())
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, c.due_date))
        .collect();
    assert!(
        due.contains(&(ClockKind::ViolationCheck, "2026-11-23".into())),
        "{due:?}"
    );
    assert!(
        due.contains(&(ClockKind::Jurisdiction, "2026-11-11".into())),
        "{due:?}"
    );
    // Jurisdiction agreed on 13 November (late); the check done on 20 November (met).
    p.at("2026-11-13 10:00")
        .stop_clock(case.clone(), ClockKind::Jurisdiction)
        .unwrap();
    p.at("2026-11-20 10:00")
        .stop_clock(case.clone(), ClockKind::ViolationCheck)
        .unwrap();
    enrol(&centre, &p.core).await;
    p.core.clone().sync(None, None).await.unwrap();

    let november = statistics(&centre, "month=2026-11&as_of=2026-11-30").await;
    assert_eq!(ended_and_met(&november, "violation_check"), (1, 1));
    assert_eq!(ended_and_met(&november, "jurisdiction"), (1, 0));
    assert_eq!(november["left_out"], json!([]));
    // Any other month reads too.
    statistics(&centre, "month=2026-06").await;
}

on_both_backends!(clocks_started_by_hand_reach_the_report);

/// A replica the centre cannot read (here: damaged under it) leaves the others' figures
/// standing; the report names the device and why.
async fn an_unreadable_replica_is_named_not_fatal(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let phones = [
        Phone::open(dirs[0].path(), "2026-11-02 09:00", LI),
        Phone::open(dirs[1].path(), "2026-11-02 09:00", ZHANG),
    ];
    for (phone, name) in phones.iter().zip(["赵六", "孙七"]) {
        phone
            .at("2026-11-02 09:10")
            .open_case(case_of(CaseKind::Complaint, name))
            .unwrap();
        enrol(&centre, &phone.core).await;
        phone.core.clone().sync(None, None).await.unwrap();
    }
    let damaged = phones[0].core.device_id();
    let replica = centre
        .data
        .path()
        .join("replicas")
        .join(&damaged)
        .join("redshield.sqlite");
    rusqlite::Connection::open(&replica)
        .unwrap()
        .execute("UPDATE cases SET rule_set = 'samr_order_0'", [])
        .unwrap();

    let november = statistics(&centre, "month=2026-11&as_of=2026-11-30").await;
    assert_eq!(november["centre"]["complaints"], 1, "the other device's");
    let left_out = november["left_out"].as_array().unwrap();
    assert_eq!(left_out.len(), 1, "{left_out:?}");
    assert_eq!(left_out[0]["device"], damaged.as_str());
    assert!(
        left_out[0]["reason"].as_str().unwrap().contains("rule set"),
        "{left_out:?}"
    );
}

on_both_backends!(an_unreadable_replica_is_named_not_fatal);
