//! The screens against a real centre: Today's sync line as sync goes, a dispatch the centre
//! sends appearing on Today with the change signal that tells the app to look, and sign-in
//! under the roster the centre publishes.

use redshield_core::api::{RosterEntry, Topic, Urgency};
use redshield_server::decisions::DispatchOrder;
use redshield_testkit::centre::{Centre, device_uuid, enrol};
use redshield_testkit::postgres::Backend;
use redshield_testkit::{Told, complaint, complaint_from, device};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn todays_sync_line_follows_sync_and_a_dispatch_from_the_centre_appears() {
    let centre = Centre::on(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    enrol(&centre, &phone).await;

    let before = phone.today_screen().unwrap().sync;
    assert!(before.enrolled);
    assert_eq!(before.last, "尚未同步");
    phone.open_case(complaint(1)).unwrap();
    let waiting = phone.today_screen().unwrap().sync;
    // The sign-in, trusted time anchored on the centre's at enrolment, the case.
    assert_eq!(waiting.waiting, "待上传 3 条记录");
    assert_eq!(waiting.urgency, Urgency::Soon);

    phone.clone().sync(None, None).await.unwrap();
    let synced = phone.today_screen().unwrap().sync;
    assert!(synced.last.starts_with("上次同步 今日 "), "{}", synced.last);
    assert_eq!(
        (synced.waiting.as_str(), synced.urgency),
        ("已全部上传", Urgency::Calm)
    );

    let told = Told::new();
    phone.set_change_listener(Some(told.clone()));
    centre
        .running()
        .dispatch(DispatchOrder {
            device: device_uuid(&phone),
            vehicle: "湘A·12315".into(),
            case_id: None,
            case: Some(complaint_from("王芳")),
            site: None,
            site_text: Some("芙蓉区五一大道 1 号".into()),
        })
        .await
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();

    let topics = told.topics();
    assert!(topics.contains(&Topic::Dispatches), "{topics:?}");
    let today = phone.today_screen().unwrap();
    assert_eq!(today.dispatches.len(), 1);
    assert_eq!(today.dispatches[0].place, "芙蓉区五一大道 1 号");
    assert_eq!(today.dispatches[0].stage, "待确认");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_offers_the_centres_roster_and_says_who_it_refuses() {
    let centre = Centre::on(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    enrol(&centre, &phone).await;
    let entry = |name: &str, id: &str, supervisor| RosterEntry {
        name: name.into(),
        enforcement_id: id.into(),
        supervisor,
    };
    centre
        .running()
        .publish_roster(vec![
            entry("李明", "HN-12315-0042", false),
            entry("周敏", "HN-12315-0007", true),
        ])
        .await
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();

    let screen = phone.sign_in_screen(String::new(), String::new()).unwrap();
    assert_eq!(screen.roster_note, "名册由中心下发，共 2 人");
    let labels: Vec<&str> = screen.roster.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        ["周敏 · HN-12315-0007 · 审批人员", "李明 · HN-12315-0042"]
    );

    let stranger = phone
        .sign_in_screen("王五".into(), "HN-12315-9999".into())
        .unwrap();
    assert!(!stranger.can_sign_in);
    assert_eq!(
        stranger.problem.as_deref(),
        Some("HN-12315-9999 不在中心下发的执法人员名册中")
    );
    let misnamed = phone
        .sign_in_screen("李敏".into(), "HN-12315-0042".into())
        .unwrap();
    assert_eq!(
        misnamed.problem.as_deref(),
        Some("名册中执法证号 HN-12315-0042 的姓名是 李明")
    );
    let officer = phone
        .sign_in_screen("李明".into(), "hn-12315-0042".into())
        .unwrap();
    assert!(officer.can_sign_in && !officer.may_supervise);
    let supervisor = phone
        .sign_in_screen("周敏".into(), "HN-12315-0007".into())
        .unwrap();
    assert!(supervisor.can_sign_in && supervisor.may_supervise);
}
