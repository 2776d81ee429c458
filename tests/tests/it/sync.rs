//! Devices syncing to the central service over loopback HTTP: every event arrives once and
//! byte-identical; a captive portal's 200 page proves nothing; the centre killed and
//! restarted loses nothing; the centre's events are checked and applied; a restored store is
//! caught as a fork.

use redshield_core::api::{CoreError, FieldCore, Step};
use redshield_server::Ledger;
use redshield_server::ledger::Flag;
use redshield_testkit::centre::{Centre, device_uuid, enrol};
use redshield_testkit::on_both_backends;
use redshield_testkit::postgres::Backend;
use redshield_testkit::{
    LogRow, add_evidence, blob_names, complaint_from, copy_store, device, device_log, photo,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn centre_log(centre: &Centre, device: &FieldCore) -> Vec<LogRow> {
    centre.log_of(device).await
}

async fn every_event_of_every_device_arrives_once_and_byte_identical(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let phones: Vec<_> = dirs
        .iter()
        .zip(["李明", "张伟"])
        .map(|(dir, officer)| device(dir.path(), officer))
        .collect();
    for (n, phone) in phones.iter().enumerate() {
        for i in 0..3 {
            phone
                .open_case(complaint_from(&format!("王芳{n}{i}")))
                .unwrap();
        }
        enrol(&centre, phone).await;
    }
    for (dir, phone) in dirs.iter().zip(&phones) {
        let report = phone.clone().sync(None, None).await.unwrap();
        let log = device_log(dir.path());
        assert_eq!(report.acked_seq, log.last().unwrap().0);
        assert_eq!(centre_log(&centre, phone).await, log, "byte-identical");
        // Again: nothing to send, nothing stored twice.
        let again = phone.clone().sync(None, None).await.unwrap();
        assert_eq!(again.events_pushed, 0);
        assert_eq!(centre_log(&centre, phone).await, device_log(dir.path()));
    }
    // More work later: only the new events travel.
    phones[0].open_case(complaint_from("赵六")).unwrap();
    let later = phones[0].clone().sync(None, None).await.unwrap();
    assert!(
        later.events_pushed >= 1 && later.events_pushed <= 2,
        "{later:?}"
    );
    assert_eq!(
        centre_log(&centre, &phones[0]).await,
        device_log(dirs[0].path())
    );
}

on_both_backends!(every_event_of_every_device_arrives_once_and_byte_identical);

/// A `200 OK` with `body`, whatever was asked: what a portal or an impostor answers.
async fn answer_ok(socket: &mut tokio::net::TcpStream, content_type: &str, body: &str) {
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(answer.as_bytes()).await;
}

/// Answers every request with a login page and 200, as a captive portal does.
async fn captive_portal(listener: tokio::net::TcpListener) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            let _ = socket.read(&mut buf).await;
            let page = "<html><body>请登录 Wi-Fi</body></html>";
            answer_ok(&mut socket, "text/html", page).await;
        });
    }
}

async fn a_captive_portal_proves_nothing_and_a_restarted_centre_loses_nothing(backend: Backend) {
    let mut centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    phone.open_case(complaint_from("王芳")).unwrap();
    enrol(&centre, &phone).await;
    let first = phone.clone().sync(None, None).await.unwrap();

    // The centre goes away; a portal answers 200 on its address.
    let addr = centre.running().local_addr();
    centre.running.take().unwrap().shutdown().await;
    let portal = tokio::spawn(captive_portal(
        tokio::net::TcpListener::bind(addr).await.unwrap(),
    ));
    phone.open_case(complaint_from("钱七")).unwrap();
    match phone.clone().sync(None, None).await {
        Err(CoreError::NotDelivered { reason }) => assert!(reason.contains("200"), "{reason}"),
        other => panic!("a portal's page taken for delivery: {other:?}"),
    }
    portal.abort();
    let _ = portal.await;

    // The centre comes back on the same data: it held everything acknowledged, and takes
    // the rest now.
    centre.revive(addr).await;
    let report = phone.clone().sync(None, None).await.unwrap();
    assert!(report.acked_seq > first.acked_seq);
    assert_eq!(centre_log(&centre, &phone).await, device_log(dir.path()));
    // A plain restart between syncs changes nothing either.
    centre.restart().await;
    assert_eq!(
        phone.clone().sync(None, None).await.unwrap().events_pushed,
        0
    );
}

on_both_backends!(a_captive_portal_proves_nothing_and_a_restarted_centre_loses_nothing);

/// Answers every request with a well-formed push receipt for `device` that acknowledges seq 1
/// with a hash the device never made: protocol JSON, but not proof.
async fn lying_receipts(listener: tokio::net::TcpListener, device: String) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let device = device.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 256 * 1024];
            let _ = socket.read(&mut buf).await;
            let receipt = serde_json::json!({
                "protocol": 1, "server_time_ms": chrono::Utc::now().timestamp_millis(),
                "device_id": device, "acked_seq": 1, "acked_hash": "ab".repeat(32),
                "stored": 1, "forks": [], "conflicts": [],
            })
            .to_string();
            answer_ok(&mut socket, "application/json", &receipt).await;
        });
    }
}

async fn a_receipt_for_an_event_the_device_never_made_is_not_taken(backend: Backend) {
    let mut centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    phone.open_case(complaint_from("王芳")).unwrap();
    enrol(&centre, &phone).await;
    let addr = centre.running().local_addr();
    centre.running.take().unwrap().shutdown().await;
    let liar = tokio::spawn(lying_receipts(
        tokio::net::TcpListener::bind(addr).await.unwrap(),
        phone.device_id(),
    ));
    match phone.clone().sync(None, None).await {
        Err(CoreError::SyncConflict { seq: 1, .. }) => {}
        other => panic!("a receipt with a foreign hash was taken: {other:?}"),
    }
    liar.abort();
    let _ = liar.await;
    // Nothing was marked sent: the real centre gets every event.
    centre.revive(addr).await;
    phone.clone().sync(None, None).await.unwrap();
    assert_eq!(centre_log(&centre, &phone).await, device_log(dir.path()));
}

on_both_backends!(a_receipt_for_an_event_the_device_never_made_is_not_taken);

async fn the_centres_events_are_checked_and_applied_in_order_once(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let a = device(dirs[0].path(), "李明");
    let b = device(dirs[1].path(), "张伟");
    enrol(&centre, &a).await;
    enrol(&centre, &b).await;
    let a_id = device_uuid(&a);
    let running = centre.running();
    running
        .publish(
            None,
            "DepartmentsPublished",
            serde_json::json!({"version": 2}),
        )
        .await
        .unwrap();
    running
        .publish(
            Some(a_id),
            "CaseAssigned",
            serde_json::json!({"note": "to A"}),
        )
        .await
        .unwrap();
    assert_eq!(
        a.clone()
            .sync(None, None)
            .await
            .unwrap()
            .server_events_applied,
        2
    );
    assert_eq!(
        b.clone()
            .sync(None, None)
            .await
            .unwrap()
            .server_events_applied,
        1
    );
    assert_eq!(
        a.clone()
            .sync(None, None)
            .await
            .unwrap()
            .server_events_applied,
        0
    );
    // The device's log records what it applied, with the centre's signed bytes.
    let log = device_log(dirs[0].path());
    let applied = log
        .iter()
        .filter(|(_, c, _)| String::from_utf8_lossy(c).contains("\"ServerEventApplied\""))
        .count();
    assert_eq!(applied, 2);
    assert!(a.verify_chain().unwrap().intact);
}

on_both_backends!(the_centres_events_are_checked_and_applied_in_order_once);

async fn a_restored_store_is_caught_as_a_fork_and_nothing_is_overwritten(backend: Backend) {
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let copy = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    phone.open_case(complaint_from("王芳")).unwrap();
    enrol(&centre, &phone).await;
    phone.clone().sync(None, None).await.unwrap();
    // A backup taken now, restored later on another phone (the same identity and key).
    drop(phone);
    copy_store(dir.path(), copy.path());
    let phone = device(dir.path(), "李明");
    phone.open_case(complaint_from("钱七")).unwrap();
    phone.clone().sync(None, None).await.unwrap();
    let held = centre_log(&centre, &phone).await;

    let restored = device(copy.path(), "李明");
    restored.open_case(complaint_from("孙八")).unwrap();
    match restored.clone().sync(None, None).await {
        Err(CoreError::SyncConflict { seq, .. }) => assert!(seq > 0),
        other => panic!("a restored store went unnoticed: {other:?}"),
    }
    let forks = centre
        .running()
        .ledger()
        .forks(device_uuid(&phone))
        .await
        .unwrap();
    assert!(!forks.is_empty() && forks.iter().all(|f| f.flagged));
    assert_eq!(
        centre_log(&centre, &phone).await,
        held,
        "the chain held is untouched"
    );

    // The staff review the fork and resolve it with a note; the events stay held.
    let seq = forks[0].seq;
    resolve_flagged(&centre, &phone, Flag::Fork, seq, "恢复的备份，以原链为准").await;
    assert_eq!(
        centre
            .running()
            .ledger()
            .forks(device_uuid(&phone))
            .await
            .unwrap()
            .len(),
        forks.len()
    );
}

on_both_backends!(a_restored_store_is_caught_as_a_fork_and_nothing_is_overwritten);

async fn evidence_blobs_arrive_byte_identical_and_are_never_sent_twice(backend: Backend) {
    use redshield_core::api::EvidenceKind;
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    let case = phone.open_case(complaint_from("王芳")).unwrap();
    let jpeg = dir.path().join("goods.jpg");
    photo(&jpeg, 0);
    let evidence = add_evidence(&phone, &case.id, &jpeg, EvidenceKind::Goods);
    enrol(&centre, &phone).await;

    let report = phone.clone().sync(None, None).await.unwrap();
    // A photo this small has the same bytes as display copy and thumbnail: one blob.
    let names = blob_names(&evidence);
    assert_eq!(report.blobs_sent as usize, names.len());
    for sha in &names {
        let held = centre.blob_file(sha);
        let mine = std::fs::read(phone.blob_path(sha.clone()).unwrap()).unwrap();
        assert_eq!(
            std::fs::read(held).unwrap(),
            mine,
            "blob {sha} byte-identical"
        );
    }
    let again = phone.clone().sync(None, None).await.unwrap();
    assert_eq!((again.blobs_sent, again.bytes_sent), (0, 0));
}

on_both_backends!(evidence_blobs_arrive_byte_identical_and_are_never_sent_twice);

async fn work_on_a_case_reassigned_meanwhile_is_delivered_and_flagged(backend: Backend) {
    let centre = Centre::on(backend).await;
    let (first_dir, second_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = device(first_dir.path(), "李明");
    let second = device(second_dir.path(), "张伟");
    let case = first.open_case(complaint_from("王芳")).unwrap();
    for phone in [&first, &second] {
        enrol(&centre, phone).await;
        phone.clone().sync(None, None).await.unwrap();
    }
    let case_id = uuid::Uuid::parse_str(&case.id).unwrap();
    centre
        .running()
        .assign_case(case_id, device_uuid(&second))
        .await
        .unwrap();

    // The first officer, not yet told, accepts the complaint on the spot.
    first
        .take_step(case.id.clone(), Step::Accept, None, None)
        .unwrap();
    let report = first.clone().sync(None, None).await.unwrap();
    assert_eq!(report.conflicts_flagged, 1);
    // Delivered all the same, byte for byte (the decision's record, applied after the push,
    // goes with the next sync).
    let mut mine = device_log(first_dir.path());
    mine.retain(|(seq, ..)| *seq <= report.acked_seq);
    assert!(centre.log_of(&first).await == mine, "the chain as held");
    let conflicts = centre
        .running()
        .ledger()
        .conflicts(device_uuid(&first))
        .await
        .unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].case_id, case_id);
    resolve_flagged(
        &centre,
        &first,
        Flag::Conflict,
        conflicts[0].seq,
        "受理有效，已告知新承办人",
    )
    .await;
    // The same sync brought the decision; the next one flags nothing more.
    assert!(report.server_events_applied >= 1);
    let again = first.clone().sync(None, None).await.unwrap();
    assert_eq!(again.conflicts_flagged, 0);
    // Told now, the first device takes no more work on the case — only its purge.
    let refused = first.take_step(case.id.clone(), Step::StartMediation, None, None);
    let words = refused.unwrap_err().to_string();
    assert!(words.contains(&device_uuid(&second).to_string()), "{words}");
    assert!(first.purge_personal_data(case.id.clone()).unwrap() > 0);
    assert_eq!(
        first
            .clone()
            .sync(None, None)
            .await
            .unwrap()
            .conflicts_flagged,
        0
    );
}

on_both_backends!(work_on_a_case_reassigned_meanwhile_is_delivered_and_flagged);

async fn the_departments_directory_the_centre_publishes_reaches_every_device(backend: Backend) {
    use redshield_core::cases::departments::Department;
    use redshield_core::sync::protocol::DepartmentsPublished;
    let centre = Centre::on(backend).await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let phones: Vec<_> = dirs.iter().map(|d| device(d.path(), "李明")).collect();
    for phone in &phones {
        enrol(&centre, phone).await;
    }
    let directory = vec![
        Department {
            code: "market_supervision_furong".into(),
            name: "芙蓉区市场监督管理局".into(),
        },
        Department {
            code: "police".into(),
            name: "公安机关".into(),
        },
    ];
    // A directory a device would refuse is never published.
    let mut twice = directory.clone();
    twice.push(directory[1].clone());
    let refused = centre
        .running()
        .publish_departments(DepartmentsPublished { departments: twice })
        .await;
    assert!(refused.unwrap_err().to_string().contains("appears twice"));
    assert!(centre.server_seqs_for(&phones[0]).await.is_empty());

    centre
        .running()
        .publish_departments(DepartmentsPublished {
            departments: directory.clone(),
        })
        .await
        .unwrap();
    for phone in &phones {
        assert_ne!(
            phone.departments().unwrap(),
            directory,
            "the built-in list before"
        );
        let report = phone.clone().sync(None, None).await.unwrap();
        assert_eq!(report.server_events_applied, 1);
        assert_eq!(phone.departments().unwrap(), directory);
    }
}

on_both_backends!(the_departments_directory_the_centre_publishes_reaches_every_device);

async fn urban_areas_the_centre_publishes_set_each_devices_on_site_target(backend: Backend) {
    use redshield_core::api::{AreaType, GeoPosition, NewDispatch};
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    enrol(&centre, &phone).await;
    let dispatch_to = |case: &str| NewDispatch {
        case_id: case.into(),
        vehicle: "湘A·12315".into(),
        site: Some(GeoPosition {
            latitude: 28.1942,
            longitude: 112.9823,
            accuracy_m: None,
        }),
        site_text: None,
    };
    // No urban areas yet: the area type is unknown, not remote (regulations.md, statistics).
    let before = phone.open_case(complaint_from("王芳")).unwrap();
    assert_eq!(
        phone.dispatch(dispatch_to(&before.id)).unwrap().area,
        AreaType::Unknown
    );

    let refused = centre
        .running()
        .publish_urban_areas(r#"{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point", "coordinates": [1, 2]}}]}"#.into())
        .await;
    assert!(refused.is_err(), "a Point is no area");
    assert!(
        centre.server_seqs_for(&phone).await.is_empty(),
        "nothing published"
    );
    let urban = r#"{"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "长沙市区"},
       "geometry": {"type": "Polygon", "coordinates": [[[112.90, 28.10], [113.10, 28.10],
          [113.10, 28.30], [112.90, 28.30], [112.90, 28.10]]]}}]}"#;
    let areas = centre.running().publish_urban_areas(urban.into()).await;
    assert_eq!(areas.unwrap(), 1);

    phone.clone().sync(None, None).await.unwrap();
    let after = phone.open_case(complaint_from("赵强")).unwrap();
    let dispatched = phone.dispatch(dispatch_to(&after.id)).unwrap();
    assert_eq!(dispatched.area, AreaType::Urban);
    assert_eq!(dispatched.area_name.as_deref(), Some("长沙市区"));
}

on_both_backends!(urban_areas_the_centre_publishes_set_each_devices_on_site_target);

async fn a_calendar_year_the_centre_publishes_is_the_devices_calendar(backend: Backend) {
    use redshield_core::calendar::years::YearData;
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    enrol(&centre, &phone).await;
    let year = |holidays: &[&str], working_days: &[&str]| YearData {
        year: 2030,
        holidays: holidays.iter().map(|d| d.to_string()).collect(),
        working_days: working_days.iter().map(|d| d.to_string()).collect(),
        source: "国务院办公厅关于2030年部分节假日安排的通知（测试）".into(),
    };
    // 2030-01-01 is a Tuesday, 2030-01-05 a Saturday.
    let refused = centre
        .running()
        .publish_calendar_year(year(&["2031-01-01"], &[]))
        .await;
    assert!(refused.is_err(), "a holiday outside its year");
    assert!(
        centre.server_seqs_for(&phone).await.is_empty(),
        "nothing published"
    );

    let mut days_off = vec!["2030-01-01".to_string()];
    for (month, first, last) in [(2, 2, 8), (5, 1, 5), (10, 1, 7)] {
        days_off.extend((first..=last).map(|d| format!("2030-{month:02}-{d:02}")));
    }
    let days_off: Vec<&str> = days_off.iter().map(String::as_str).collect();
    let notice = year(&days_off, &["2030-01-05"]);
    centre
        .running()
        .publish_calendar_year(notice)
        .await
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();
    assert!(
        !phone.is_working_day("2030-01-01".into()).unwrap(),
        "New Year's Day"
    );
    assert!(
        phone.is_working_day("2030-01-05".into()).unwrap(),
        "a worked Saturday"
    );
    assert!(phone.is_working_day("2030-01-02".into()).unwrap());
}

on_both_backends!(a_calendar_year_the_centre_publishes_is_the_devices_calendar);

/// A year's notice may name days of the December before it (the New Year holiday reaching back,
/// a Saturday worked): the centre publishes it, the device takes it, and deadlines across late
/// December are exact without the previous year published again.
async fn a_published_notice_settles_the_late_december_before_it(backend: Backend) {
    use redshield_core::api::{ClockKind, RuleSet, YearData};
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    enrol(&centre, &phone).await;
    let due = |phone: &FieldCore| {
        phone
            .clock_due_date(
                RuleSet::SamrOrder121,
                ClockKind::Accept,
                "2026-12-27".into(),
                false,
            )
            .unwrap()
    };
    assert!(due(&phone).provisional, "26–31 December 2026: no data yet");

    // A TEST FIXTURE, not the 2027 notice (unpublished): 31 December 2026 to 3 January off,
    // Saturday 26 December 2026 worked.
    let mut holidays = vec!["2026-12-31".to_string()];
    holidays.extend(["01-01", "01-02", "01-03", "05-01", "10-01"].map(|d| format!("2027-{d}")));
    holidays.extend((5..=11).map(|d| format!("2027-02-{d:02}")));
    let notice = YearData {
        year: 2027,
        holidays,
        working_days: vec!["2026-12-26".into()],
        source: "test fixture, not a notice".into(),
    };
    centre
        .running()
        .publish_calendar_year(notice)
        .await
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();
    assert!(phone.is_working_day("2026-12-26".into()).unwrap());
    assert!(!phone.is_working_day("2026-12-31".into()).unwrap());
    assert!(
        phone.is_working_day("2026-12-28".into()).unwrap(),
        "not named: ordinary"
    );
    let exact = due(&phone);
    assert_eq!(
        (exact.date.as_str(), exact.provisional),
        ("2027-01-07", false)
    );
}

on_both_backends!(a_published_notice_settles_the_late_december_before_it);

/// Resolves a device's open conflict or fork at `seq` as the staff do, and checks the review
/// list before and after: open, then resolved with the note; resolving twice is refused.
async fn resolve_flagged(centre: &Centre, device: &FieldCore, flag: Flag, seq: u64, note: &str) {
    let id = device_uuid(device);
    let is_it =
        |f: &&redshield_server::review::Flagged| f.device == id && f.flag == flag && f.seq == seq;
    let open = centre.running().flagged(true).await.unwrap();
    assert!(open.iter().any(|f| is_it(&f)), "{open:?}");
    centre.running().resolve(id, flag, seq, note).await.unwrap();
    assert!(
        !centre
            .running()
            .flagged(true)
            .await
            .unwrap()
            .iter()
            .any(|f| is_it(&f))
    );
    let all = centre.running().flagged(false).await.unwrap();
    let resolved = all.iter().find(is_it).unwrap();
    assert!(!resolved.open);
    assert_eq!(resolved.resolution.as_deref(), Some(note));
    let again = centre.running().resolve(id, flag, seq, note).await;
    assert!(again.unwrap_err().to_string().contains("no open"));
}

async fn the_officer_roster_the_centre_publishes_decides_who_signs_in(backend: Backend) {
    use redshield_core::api::{Role, RosterEntry};
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    enrol(&centre, &phone).await;
    let entry = |name: &str, id: &str, supervisor| RosterEntry {
        name: name.into(),
        enforcement_id: id.into(),
        supervisor,
    };
    let roster = vec![
        entry("李明", "hn-12315-0042", false),
        entry("周敏", "HN-12315-0007", true),
    ];
    // A roster a device would refuse is never published.
    let mut twice = roster.clone();
    twice.push(entry("李明", "HN-12315-0042", false));
    let refused = centre.running().publish_roster(twice).await.unwrap_err();
    assert!(refused.to_string().contains("appears twice"), "{refused}");
    assert!(centre.running().roster().await.unwrap().is_empty());

    // Before its first roster a device signs in any valid officer; after it, only those on it.
    phone
        .sign_in("王五".into(), "HN-12315-9999".into())
        .unwrap();
    centre.running().publish_roster(roster).await.unwrap();
    let held = centre.running().roster().await.unwrap();
    assert_eq!(held[0].enforcement_id, "HN-12315-0042", "normalised");
    phone.clone().sync(None, None).await.unwrap();
    assert_eq!(phone.officer_roster().unwrap().len(), 2);
    let stranger = phone.sign_in("王五".into(), "HN-12315-9999".into());
    assert!(
        stranger
            .unwrap_err()
            .to_string()
            .contains("not on the centre's officer roster")
    );
    let wrong_name = phone.sign_in("李敏".into(), "HN-12315-0042".into());
    assert!(wrong_name.unwrap_err().to_string().contains("李明"));
    let not_supervisor = phone.sign_in_as("李明".into(), "HN-12315-0042".into(), Role::Supervisor);
    assert!(
        not_supervisor
            .unwrap_err()
            .to_string()
            .contains("not a supervisor")
    );
    phone
        .sign_in_as("周敏".into(), "HN-12315-0007".into(), Role::Supervisor)
        .unwrap();
    phone
        .sign_in("李明".into(), "HN-12315-0042".into())
        .unwrap();
}

on_both_backends!(the_officer_roster_the_centre_publishes_decides_who_signs_in);

async fn rule_set_parameters_the_centre_publishes_are_the_devices_rules(backend: Backend) {
    use redshield_core::api::{FlagKind, GeoPosition, NewDispatch};
    use redshield_core::parameters::{DEFAULT, Parameters};
    let centre = Centre::on(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    enrol(&centre, &phone).await;
    let case = phone.open_case(complaint_from("王芳")).unwrap();
    assert!(
        phone.abuse_flags(case.id.clone()).unwrap().is_empty(),
        "2 bought: no flag"
    );
    assert_eq!(centre.running().parameters().await.unwrap(), DEFAULT);

    let mut slower = Parameters {
        on_scene_urban_minutes: 90,
        ..DEFAULT
    };
    let refused = centre.running().publish_parameters(slower).await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("on_scene_urban_minutes")
    );
    slower = Parameters {
        on_scene_urban_minutes: 20,
        on_scene_remote_minutes: 45,
        flag_quantity: 1,
        open_trip_limit_hours: 8,
        ..DEFAULT
    };
    centre.running().publish_parameters(slower).await.unwrap();
    assert_eq!(centre.running().parameters().await.unwrap(), slower);
    phone.clone().sync(None, None).await.unwrap();
    assert_eq!(phone.rule_parameters().unwrap(), slower);

    // No urban areas loaded: the area type is unknown (regulations.md, statistics), and the
    // stricter urban target applies, as the centre set it.
    let site = GeoPosition {
        latitude: 28.5,
        longitude: 113.5,
        accuracy_m: None,
    };
    let dispatch = phone
        .dispatch(NewDispatch {
            case_id: case.id.clone(),
            vehicle: "湘A·12315".into(),
            site: Some(site),
            site_text: None,
        })
        .unwrap();
    assert_eq!(dispatch.target_minutes, 20);
    let flags = phone.abuse_flags(case.id).unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].kind, FlagKind::LargeQuantity);
}

on_both_backends!(rule_set_parameters_the_centre_publishes_are_the_devices_rules);
