//! The field screens' models over a real store, its clocks set by hand: Today's deadlines
//! worded and ranked, a dispatch counting down and its own screen, the trip under way and the
//! month's mileage.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::NaiveDate;
use redshield_core::api::{
    CaseState, ClockKind, DispatchStep, FieldCore, Fix, FormField, GeoPosition, NewCase,
    NewDispatch, NewMatter, NewTrip, Person, Purpose, Step, Urgency, to_gcj02,
};
use redshield_core::time::beijing_day_start_ms;
use redshield_testkit::{TestPlatform, complaint, device_on, patrol_of};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// A phone whose clocks the test moves.
struct Phone {
    core: Arc<FieldCore>,
    now: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

impl Phone {
    /// Signed in on Tuesday 2026-12-08 at 09:05, Beijing time.
    fn new() -> Phone {
        let start = at(2026, 12, 8, 9 * HOUR + 5 * MINUTE);
        let now = Arc::new(AtomicI64::new(start));
        let platform = TestPlatform::builder()
            .set_by_hand(now.clone(), start - HOUR)
            .build();
        let dir = tempfile::tempdir().unwrap();
        let core = device_on(dir.path(), "李明", platform);
        Phone {
            core,
            now,
            _dir: dir,
        }
    }

    fn set(&self, ms: i64) {
        self.now.store(ms, Ordering::SeqCst);
    }

    fn pass(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }
}

/// `ms` into a Beijing day.
fn at(y: i32, m: u32, d: u32, ms: i64) -> i64 {
    beijing_day_start_ms(NaiveDate::from_ymd_opt(y, m, d).unwrap()).unwrap() + ms
}

/// North along a meridian from `start_ms`, 0.001° (111 m) every 10 s, 5 m accurate, for 100
/// fixes: 11 km in 16.5 minutes.
fn northward(start_ms: i64) -> Vec<Fix> {
    (0..100)
        .map(|i| {
            let mut fix = Fix::at(
                28.0 + 0.001 * f64::from(i),
                113.0,
                start_ms + 10_000 * i64::from(i),
            );
            fix.accuracy_m = Some(5.0);
            fix
        })
        .collect()
}

fn day_of(date: &str) -> NaiveDate {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap()
}

#[test]
fn a_new_store_shows_an_empty_day() {
    let phone = Phone::new();
    let today = phone.core.today_screen().unwrap();
    assert_eq!(today.date, "12月8日 周二");
    assert_eq!(today.officer.as_deref(), Some("李明"));
    assert!(today.dispatches.is_empty() && today.clocks.is_empty());
    assert!(today.open_cases.is_empty() && today.trip.is_none());
    assert!(!today.sync.enrolled);
    assert_eq!(today.sync.last, "未注册到中心");
}

#[test]
fn clocks_come_due_are_worded_and_the_most_urgent_lead() {
    let phone = Phone::new();
    let first = phone.core.open_case(complaint(1)).unwrap();
    phone.pass(HOUR);
    let second = phone.core.open_case(complaint(2)).unwrap();
    let accept_clock = |id: &str| {
        phone
            .core
            .case_clocks(id.into())
            .unwrap()
            .into_iter()
            .find(|c| c.kind == ClockKind::Accept)
            .expect("a complaint's accept clock runs")
    };
    let due = day_of(&accept_clock(&first.id).due_date);
    assert!(
        phone.core.today_screen().unwrap().clocks.is_empty(),
        "due in a week and more: not on Today yet"
    );

    // The day before it is due: one working day left.
    let eve = due.pred_opt().unwrap();
    phone.set(beijing_day_start_ms(eve).unwrap() + 10 * HOUR);
    let lines = phone.core.today_screen().unwrap().clocks;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].status, "剩余 1 个工作日");
    assert_eq!(lines[0].urgency, Urgency::Soon);
    assert_eq!(lines[0].due, "明日", "{lines:?}");
    assert_eq!(
        lines[0].case_number, first.number,
        "the first received is due first"
    );

    // Its day: due today; the next morning: breached, and ahead of the one still due.
    phone.set(beijing_day_start_ms(due).unwrap() + 10 * HOUR);
    assert_eq!(
        phone.core.today_screen().unwrap().clocks[0].status,
        "今日到期"
    );
    phone
        .core
        .take_step(second.id.clone(), Step::Accept, None, None)
        .unwrap();
    phone.set(beijing_day_start_ms(due.succ_opt().unwrap()).unwrap() + 30 * MINUTE);
    let lines = phone.core.today_screen().unwrap().clocks;
    let breached = &lines[0];
    assert_eq!(breached.case_number, first.number);
    assert_eq!(breached.urgency, Urgency::Breached);
    assert_eq!(breached.status, "已超时 30 分钟");
    assert!(
        lines
            .iter()
            .all(|l| l.case_number != second.number || l.kind != ClockKind::Accept)
    );
}

#[test]
fn a_dispatch_counts_down_to_its_target_and_offers_the_next_step() {
    let phone = Phone::new();
    let case = phone.core.open_case(complaint(1)).unwrap();
    let dispatched = phone
        .core
        .dispatch(NewDispatch {
            case_id: case.number.clone(),
            vehicle: "湘A·12315".into(),
            site: None,
            site_text: Some("五一广场东侧".into()),
        })
        .unwrap();
    let card = || phone.core.today_screen().unwrap().dispatches.remove(0);

    let fresh = card();
    assert_eq!(fresh.case_number, case.number);
    assert_eq!(fresh.place, "五一广场东侧");
    assert_eq!(fresh.target, "区域未定（按城区） · 30 分钟内到场");
    assert_eq!(
        (fresh.stage.as_str(), fresh.countdown.as_str()),
        ("待确认", "剩余 30 分钟")
    );
    assert_eq!(fresh.urgency, Urgency::Soon);
    let next = fresh.next.expect("it can be acknowledged");
    assert_eq!(
        (next.step, next.label.as_str()),
        (DispatchStep::Acknowledged, "确认接单")
    );

    phone
        .core
        .advance_dispatch(dispatched.id.clone(), DispatchStep::Acknowledged)
        .unwrap();
    phone.pass(21 * MINUTE);
    let close = card();
    assert_eq!(
        (close.stage.as_str(), close.countdown.as_str()),
        ("已确认", "剩余 9 分钟")
    );
    assert_eq!(close.urgency, Urgency::Due);
    assert_eq!(close.next.unwrap().label, "出发");

    phone.pass(12 * MINUTE);
    let late = card();
    assert_eq!(
        (late.countdown.as_str(), late.urgency),
        ("已超时 3 分钟", Urgency::Breached)
    );

    phone
        .core
        .advance_dispatch(dispatched.id.clone(), DispatchStep::OnScene)
        .unwrap();
    let arrived = card();
    assert_eq!(arrived.stage, "已到场");
    assert_eq!(arrived.countdown, "09:38 到场，用时 33 分钟");
    assert_eq!(
        arrived.urgency,
        Urgency::Breached,
        "late is late, once there too"
    );
    phone
        .core
        .advance_dispatch(dispatched.id, DispatchStep::Cleared)
        .unwrap();
    assert!(phone.core.today_screen().unwrap().dispatches.is_empty());
}

#[test]
fn open_cases_by_state_and_the_trip_under_way() {
    let phone = Phone::new();
    for n in 0..3 {
        phone.core.open_case(complaint(n)).unwrap();
    }
    let accepted = phone.core.open_case(complaint(9)).unwrap();
    phone
        .core
        .take_step(accepted.id, Step::Accept, None, None)
        .unwrap();
    let counts: Vec<(CaseState, String, u32)> = phone
        .core
        .today_screen()
        .unwrap()
        .open_cases
        .into_iter()
        .map(|c| (c.state, c.label, c.count))
        .collect();
    assert_eq!(
        counts,
        [
            (CaseState::Received, "已登记".to_string(), 3),
            (CaseState::Accepted, "已受理".to_string(), 1)
        ]
    );

    let trip = phone.core.start_trip(patrol_of("湘A·12315")).unwrap();
    let fixes = northward(phone.now.load(Ordering::SeqCst));
    phone.pass(65 * MINUTE);
    phone.core.record_fixes(trip.id.clone(), fixes).unwrap();
    let running = phone
        .core
        .today_screen()
        .unwrap()
        .trip
        .expect("a trip runs");
    assert_eq!(running.trip_id, trip.id);
    assert_eq!(running.distance, "11.0 公里");
    assert_eq!(running.duration, "1 小时 5 分钟");
    assert_eq!(running.started, "09:05 出发");
    // Not enrolled, every event waits: the sign-in, four cases, the acceptance, the trip's
    // start and its fixes.
    let sync = phone.core.today_screen().unwrap().sync;
    assert_eq!(
        (sync.events_waiting, sync.waiting.as_str()),
        (8, "注册后才能同步")
    );

    phone.core.end_trip(trip.id, None).unwrap();
    assert!(phone.core.today_screen().unwrap().trip.is_none());
}

#[test]
fn a_dispatch_screen_gives_the_site_for_the_map_apps_and_how_arrival_was_known() {
    let phone = Phone::new();
    let case = phone.core.open_case(complaint(1)).unwrap();
    let (lat, lon) = (28.196, 112.977);
    let site = GeoPosition {
        latitude: lat,
        longitude: lon,
        accuracy_m: None,
    };
    let dispatched = phone
        .core
        .dispatch(NewDispatch {
            case_id: case.id.clone(),
            vehicle: "湘A·12315".into(),
            site: Some(site),
            site_text: None,
        })
        .unwrap();
    let screen = phone.core.dispatch_screen(dispatched.id.clone()).unwrap();
    assert_eq!(screen.case_title, "王芳1 — 长沙市某某超市");
    assert_eq!(screen.case_kind_and_state, "投诉 · 已登记");
    assert_eq!(screen.site_gcj02, Some(to_gcj02(site)));
    assert_ne!(screen.site_gcj02, Some(site), "the map apps draw GCJ-02");
    let labels: Vec<(&str, Option<&str>)> = screen
        .steps
        .iter()
        .map(|s| (s.label.as_str(), s.at.as_deref()))
        .collect();
    assert_eq!(
        labels,
        [
            ("派单", Some("09:05")),
            ("确认接单", None),
            ("出发", None),
            ("已到场", None),
            ("处置完毕", None)
        ]
    );
    assert_eq!(screen.arrival, None);

    // The crew drives there: a fix 55 m from the site, 8 m accurate, proves the arrival.
    let trip = phone
        .core
        .start_trip(NewTrip {
            vehicle: "湘A·12315".into(),
            crew: vec!["李明".into()],
            crew_count: None,
            purpose: Purpose::Dispatch,
            case_id: Some(case.id),
            odometer_km: None,
            odometer_photo: None,
            started_at_ms: None,
        })
        .unwrap();
    phone.pass(14 * MINUTE);
    let mut fix = Fix::at(lat + 0.0005, lon, phone.now.load(Ordering::SeqCst));
    fix.accuracy_m = Some(8.0);
    phone.core.record_fixes(trip.id, vec![fix]).unwrap();
    let arrived = phone.core.dispatch_screen(dispatched.id).unwrap();
    assert_eq!(arrived.arrival.as_deref(), Some("由行程定位自动确认"));
    assert_eq!(arrived.steps[3].at.as_deref(), Some("09:19"));
    assert_eq!(arrived.card.countdown, "09:19 到场，用时 14 分钟");
    assert_eq!(arrived.card.urgency, Urgency::Calm);
    assert_eq!(arrived.card.next.unwrap().label, "处置完毕");
}

#[test]
fn the_trip_screen_offers_a_start_shows_the_trip_live_and_sums_the_month() {
    let phone = Phone::new();
    let idle = phone.core.trip_screen().unwrap();
    assert!(idle.running.is_none());
    let purposes: Vec<(&str, bool)> = idle
        .purposes
        .iter()
        .map(|c| (c.label.as_str(), c.selected))
        .collect();
    assert_eq!(
        purposes,
        [
            ("巡查", true),
            ("处置派单", false),
            ("走访服务站", false),
            ("其他", false)
        ]
    );
    assert!(idle.vehicles.is_empty());
    assert_eq!(idle.crew, ["李明"]);
    assert_eq!(idle.month.month, "2026年12月");
    assert_eq!(idle.month.total, "出车 0 次 · 0 米");

    let trip = phone
        .core
        .start_trip(NewTrip {
            vehicle: "湘A·12315".into(),
            crew: vec!["李明".into(), "张伟".into()],
            crew_count: None,
            purpose: Purpose::Patrol,
            case_id: None,
            odometer_km: Some(12_345.6),
            odometer_photo: None,
            started_at_ms: None,
        })
        .unwrap();
    let fixes = northward(phone.now.load(Ordering::SeqCst));
    phone.pass(20 * MINUTE);
    phone.core.record_fixes(trip.id.clone(), fixes).unwrap();
    let live = phone
        .core
        .trip_screen()
        .unwrap()
        .running
        .expect("under way");
    assert_eq!(live.crew, "李明、张伟");
    assert_eq!(live.purpose, "巡查");
    assert_eq!(live.distance, "11.0 公里");
    assert_eq!(live.duration, "20 分钟");
    assert_eq!(live.fixes, "定位 100 个，有效 100 个");
    assert!(
        live.movement.starts_with("行驶 16 分钟"),
        "{}",
        live.movement
    );
    assert_eq!(live.gaps, None);
    assert_eq!(
        live.odometer_start.as_deref(),
        Some("出发里程 12345.6 公里")
    );

    phone.core.end_trip(trip.id, Some(12_357.0)).unwrap();
    let after = phone.core.trip_screen().unwrap();
    assert!(after.running.is_none());
    assert_eq!(after.vehicles, ["湘A·12315"]);
    assert_eq!(
        after.month.total, "出车 1 次 · 11.4 公里",
        "the odometer's difference"
    );
    assert_eq!(after.month.vehicles[0].label, "湘A·12315");
}

#[test]
fn settings_say_what_reference_data_is_missing() {
    let phone = Phone::new();
    let screen = phone.core.settings_screen().unwrap();
    assert!(
        screen.device.starts_with(&phone.core.device_prefix()),
        "{}",
        screen.device
    );
    let me = phone.core.current_officer().unwrap();
    assert_eq!(
        screen.officer,
        Some(format!("李明 · 执法证号 {} · 执法人员", me.enforcement_id))
    );
    assert_eq!((screen.centre, screen.enrolled), (None, None));
    assert!(!screen.sync.enrolled);

    let line = |label: &str| {
        screen
            .reference
            .iter()
            .find(|l| l.label == label)
            .unwrap_or_else(|| panic!("no {label}: {:?}", screen.reference))
            .clone()
    };
    // December: next year's holidays are due; the line says whether they are here.
    let calendar = line("节假日数据");
    match phone.core.is_working_day("2027-07-01".into()) {
        Ok(_) => assert_eq!(calendar.urgency, Urgency::Calm, "{calendar:?}"),
        Err(_) => {
            assert_eq!(calendar.urgency, Urgency::Soon, "{calendar:?}");
            assert!(calendar.value.ends_with("缺少 2027 年安排"), "{calendar:?}");
        }
    }
    assert_eq!(line("城区范围").urgency, Urgency::Soon);
    assert_eq!(line("执法人员名册").value, "尚未收到：任何执法人员均可登录");
    assert_eq!(line("到场时限").value, "城区 30 分钟 · 偏远地区 60 分钟");
    assert_eq!(screen.storage[0].label, "案件数据库");
    assert_ne!(screen.storage[0].value, "0.0 MB");
}

#[test]
fn sign_in_checks_each_field_as_typed_and_takes_any_officer_before_a_roster() {
    let phone = Phone::new();
    let blank = phone
        .core
        .sign_in_screen(String::new(), String::new())
        .unwrap();
    assert!(blank.signed_in.as_deref().unwrap().starts_with("李明 · "));
    assert!(blank.roster.is_empty());
    assert_eq!(
        blank.roster_note,
        "尚未收到中心的执法人员名册：填写姓名与执法证号即可签到"
    );
    assert_eq!(
        (blank.name.error.clone(), blank.enforcement_id.error.clone()),
        (None, None)
    );
    assert!(!blank.can_sign_in, "nothing typed yet");

    let typing = phone
        .core
        .sign_in_screen("张伟".into(), "HN1".into())
        .unwrap();
    assert_eq!(typing.name.error, None);
    assert_eq!(
        typing.enforcement_id.error.as_deref(),
        Some("执法证号为 4 至 32 位字母、数字或短横线")
    );
    assert!(!typing.can_sign_in);

    let ready = phone
        .core
        .sign_in_screen("张伟".into(), "hn-12315-0007".into())
        .unwrap();
    assert!(
        ready.can_sign_in && ready.may_supervise,
        "no roster: anyone well-formed"
    );
    assert_eq!(ready.problem, None);
}

/// A complaint as the form starts it: one complainant, nothing typed.
fn blank_complaint() -> NewCase {
    let mut new = complaint(1);
    new.complainants = vec![Person {
        name: String::new(),
        phone: String::new(),
        address: None,
        id_document: None,
        agent: None,
    }];
    new.respondent = None;
    new.matter = NewMatter {
        facts: String::new(),
        demands: Vec::new(),
        demands_text: None,
        goods: None,
        amount_paid_fen: None,
        quantity: None,
        ..new.matter
    };
    new
}

#[test]
fn the_intake_form_asks_for_what_is_missing_and_checks_what_is_typed() {
    let phone = Phone::new();
    let blank = phone.core.intake_form(blank_complaint()).unwrap();
    assert_eq!(blank.title, "登记投诉");
    let titles: Vec<&str> = blank.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["投诉人", "被投诉（举报）经营者", "事由"]);
    let errors: Vec<&FormField> = blank
        .sections
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| f.error.is_some())
        .collect();
    assert!(
        errors.is_empty(),
        "nothing typed, nothing scolded: {errors:?}"
    );
    assert_eq!(
        blank.missing.as_deref(),
        Some("还需填写：姓名、联系电话、住址、经营者名称、经营地址、事实与理由")
    );
    assert_eq!(blank.problems, ["诉求：必填"]);
    assert!(!blank.can_submit);
    assert_eq!(blank.place, None, "no trip, no fix");

    let mut typing = blank_complaint();
    typing.complainants[0].phone = "1380731223".into();
    let form = phone.core.intake_form(typing).unwrap();
    let phone_field = form.sections[0]
        .fields
        .iter()
        .find(|f| f.key == "complainants[0].phone")
        .unwrap();
    assert_eq!(
        phone_field.error.as_deref(),
        Some("手机号码应为 11 位数字，现有 10 位")
    );

    let whole = phone.core.intake_form(complaint(1)).unwrap();
    assert!(whole.can_submit, "{:?} {:?}", whole.missing, whole.problems);
    let demands: Vec<&str> = whole
        .demands
        .iter()
        .filter(|c| c.selected)
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(demands, ["退款", "赔偿"]);
    let amount = whole.sections[2]
        .fields
        .iter()
        .find(|f| f.key == "matter.amount_paid_fen")
        .unwrap();
    assert_eq!(amount.value, "59.80");
    assert_eq!(
        whole.channels.iter().find(|c| c.selected).unwrap().label,
        "流动维权车现场"
    );
}

#[test]
fn the_intake_form_offers_the_vehicles_latest_position() {
    let phone = Phone::new();
    let trip = phone.core.start_trip(patrol_of("湘A·12315")).unwrap();
    let fixes = northward(phone.now.load(Ordering::SeqCst));
    phone.pass(20 * MINUTE);
    phone.core.record_fixes(trip.id, fixes).unwrap();
    let place = phone
        .core
        .intake_form(blank_complaint())
        .unwrap()
        .place
        .expect("the vehicle's last fix");
    assert!((place.position.latitude - 28.099).abs() < 1e-9);
    assert_eq!(place.label, "车辆位置（今日 09:21，精度 5 米）");
}

#[test]
fn a_case_shows_its_parties_clocks_history_and_the_steps_it_can_take() {
    let phone = Phone::new();
    let case = phone.core.open_case(complaint(1)).unwrap();
    let fresh = phone.core.case_detail(case.number.clone()).unwrap();
    assert_eq!(fresh.kind_and_state, "投诉 · 已登记");
    assert_eq!(fresh.received, "今日 09:05 收到 · 流动维权车现场");
    assert_eq!(fresh.rules, "依照《投诉举报处理办法》");
    let party = |key: &str| {
        fresh
            .parties
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value.clone())
    };
    assert!(party("投诉人").unwrap().starts_with("王芳1 · "));
    assert_eq!(
        party("被投诉（举报）经营者").as_deref(),
        Some("长沙市某某超市 · 长沙市芙蓉区五一大道 1 号")
    );
    let matter: Vec<(&str, &str)> = fresh
        .matter
        .iter()
        .map(|m| (m.key.as_str(), m.value.as_str()))
        .collect();
    assert!(matter.contains(&("金额", "¥59.80")), "{matter:?}");
    assert!(matter.contains(&("诉求", "退款、赔偿")), "{matter:?}");
    assert_eq!(fresh.clocks[0].name, "受理期限");
    let actions: Vec<&str> = fresh.actions.iter().map(|a| a.label.as_str()).collect();
    assert!(
        actions.contains(&"受理") && actions.contains(&"不予受理"),
        "{actions:?}"
    );
    let decline = fresh.actions.iter().find(|a| a.step == "decline").unwrap();
    assert_eq!(
        decline.asks.as_deref(),
        Some("选择不予受理的理由（附条款），必要时说明")
    );

    phone.pass(25 * MINUTE);
    phone
        .core
        .take_step(case.id.clone(), Step::Accept, Some("材料齐全".into()), None)
        .unwrap();
    let accepted = phone.core.case_detail(case.id).unwrap();
    assert_eq!(accepted.kind_and_state, "投诉 · 已受理");
    let last = accepted.history.last().unwrap();
    assert_eq!(last.label, "受理");
    assert_eq!(last.when_and_who, "今日 09:30 · 李明");
    assert_eq!(last.note.as_deref(), Some("材料齐全"));
    assert!(accepted.actions.iter().all(|a| a.step != "accept"));
}
