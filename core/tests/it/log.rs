//! The event log: chain, actor, verification, tampering, replay, purge and upcasting.

use redshield_core::events::decode;
use redshield_core::events::verify::ChainReport;
use redshield_core::{Device, Error};
use redshield_testkit::{TestPlatform, complaint, device_in, every_table, officer, projections};
use rusqlite::params;
use serde_json::json;

/// A device with an officer and four cases: events 1 (sign-in) to 5.
fn busy_device(dir: &std::path::Path) -> Device {
    let mut device = device_in(dir);
    for n in 0..4 {
        device.open_case(&complaint(n)).unwrap();
    }
    device
}

fn first_break(report: &ChainReport) -> (u64, String) {
    let b = report
        .first_break
        .clone()
        .expect("the verifier found the damage");
    (b.seq, b.reason)
}

#[test]
fn events_chain_with_gapless_seqs_and_name_their_actor() {
    let dir = tempfile::tempdir().unwrap();
    let device = busy_device(dir.path());
    let mut stmt = device
        .connection()
        .prepare("SELECT seq, canonical, hash FROM events ORDER BY seq")
        .unwrap();
    let rows: Vec<(u64, Vec<u8>, Vec<u8>)> = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    let mut prev = vec![0u8; 32];
    for (seq, canonical, hash) in rows {
        let e = decode(&canonical).unwrap();
        assert_eq!(e.seq, seq);
        assert_eq!(
            e.prev_hash.0.to_vec(),
            prev,
            "event {seq} links to its predecessor"
        );
        assert_eq!(e.actor, officer());
        assert_eq!(e.device, device.device_id());
        assert_eq!(e.time.trusted_ms, e.time.wall_ms + e.time.offset_ms);
        let text = String::from_utf8(canonical).unwrap();
        assert!(
            !text.contains("王芳"),
            "personal data stays out of the log: {text}"
        );
        prev = hash;
    }
    assert_eq!(device.head().seq, 5);
}

#[test]
fn without_an_officer_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = Device::open(dir.path(), TestPlatform::new()).unwrap();
    assert!(matches!(
        device.open_case(&complaint(1)),
        Err(Error::NotSignedIn)
    ));
    device.sign_in(officer()).unwrap();
    device.sign_out().unwrap();
    assert!(matches!(
        device.open_case(&complaint(1)),
        Err(Error::NotSignedIn)
    ));
    assert_eq!(device.head().seq, 2, "sign-in and sign-out only");
}

#[test]
fn an_untouched_log_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let report = busy_device(dir.path()).verify_chain().unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.events, 5);
    assert_eq!(report.personal_values, 4 * 7);
}

#[test]
fn a_changed_event_byte_is_caught_at_its_seq() {
    let dir = tempfile::tempdir().unwrap();
    let device = busy_device(dir.path());
    let canonical: Vec<u8> = device
        .connection()
        .query_row("SELECT canonical FROM events WHERE seq = 3", [], |r| {
            r.get(0)
        })
        .unwrap();
    // Change the case's channel in the signed bytes, keeping them valid JSON.
    let text = String::from_utf8(canonical).unwrap();
    let forged = text.replace("vehicle_walk_in", "hotline_walk_in");
    assert_ne!(forged, text);
    device
        .connection()
        .execute(
            "UPDATE events SET canonical = ?1 WHERE seq = 3",
            [forged.as_bytes()],
        )
        .unwrap();
    let (seq, reason) = first_break(&device.verify_chain().unwrap());
    assert_eq!(seq, 3);
    assert!(reason.contains("hash"), "{reason}");
}

#[test]
fn a_recomputed_hash_does_not_hide_a_change_the_signature_catches_it() {
    let dir = tempfile::tempdir().unwrap();
    let device = busy_device(dir.path());
    let conn = device.connection();
    let text: Vec<u8> = conn
        .query_row("SELECT canonical FROM events WHERE seq = 4", [], |r| {
            r.get(0)
        })
        .unwrap();
    let forged = String::from_utf8(text)
        .unwrap()
        .replace("\"complaint\"", "\"consultation\"");
    let hash = redshield_core::events::Digest::of(&[forged.as_bytes()]);
    conn.execute(
        "UPDATE events SET canonical = ?1, hash = ?2 WHERE seq = 4",
        params![forged.as_bytes(), hash.0.as_slice()],
    )
    .unwrap();
    let (seq, reason) = first_break(&device.verify_chain().unwrap());
    assert_eq!(seq, 4);
    assert!(reason.contains("signature"), "{reason}");
}

#[test]
fn a_changed_vault_value_is_caught_at_the_event_that_sealed_it() {
    let dir = tempfile::tempdir().unwrap();
    let device = busy_device(dir.path());
    // Without the key, changing a value means changing its sealed bytes.
    let conn = device.connection();
    let (id, mut sealed): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT id, value FROM vault WHERE open_value(value, salt) = '王芳2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    *sealed.last_mut().unwrap() ^= 1;
    let changed = conn
        .execute(
            "UPDATE vault SET value = ?1 WHERE id = ?2",
            rusqlite::params![sealed, id],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let (seq, reason) = first_break(&device.verify_chain().unwrap());
    assert_eq!(seq, 4, "case 2 was opened by event 4");
    assert!(reason.contains("altered"), "{reason}");
}

/// Reading a case whose sealed name no longer opens names the vault: the log still verifies
/// up to that event, and a rebuild of the projections would not bring the value back.
#[test]
fn a_vault_value_that_does_not_open_is_a_damaged_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = device.open_case(&complaint(0)).unwrap();
    let changed = device
        .connection()
        .execute(
            "UPDATE vault SET value = zeroblob(length(value)) WHERE open_value(value, salt) = '王芳0'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    match device.case(&case.number) {
        Err(Error::DamagedRecord {
            what: "vault",
            reason,
        }) => {
            assert!(reason.contains("does not open"), "{reason}")
        }
        other => panic!("expected the vault named as damaged, got {other:?}"),
    }
}

#[test]
fn a_deleted_event_is_caught_as_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let device = busy_device(dir.path());
    device
        .connection()
        .execute("DELETE FROM events WHERE seq = 3", [])
        .unwrap();
    let (seq, reason) = first_break(&device.verify_chain().unwrap());
    assert_eq!(seq, 3);
    assert!(reason.contains("missing"), "{reason}");
}

#[test]
fn a_deleted_vault_row_without_a_purge_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let device = busy_device(dir.path());
    device
        .connection()
        .execute(
            "DELETE FROM vault WHERE open_value(value, salt) = '王芳3'",
            [],
        )
        .unwrap();
    let (seq, reason) = first_break(&device.verify_chain().unwrap());
    assert_eq!(seq, 5);
    assert!(reason.contains("no purge"), "{reason}");
}

#[test]
fn swapped_seqs_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let device = busy_device(dir.path());
    device
        .connection()
        .execute_batch(
            "UPDATE events SET seq = -1 WHERE seq = 3;
             UPDATE events SET seq = 3 WHERE seq = 4;
             UPDATE events SET seq = 4 WHERE seq = -1;",
        )
        .unwrap();
    let (seq, reason) = first_break(&device.verify_chain().unwrap());
    assert_eq!(seq, 3);
    assert!(reason.contains("another event"), "{reason}");
}

#[test]
fn verification_names_the_first_of_several_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let device = busy_device(dir.path());
    let conn = device.connection();
    conn.execute(
        "UPDATE vault SET value = 'x' WHERE open_value(value, salt) = '王芳0'",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM events WHERE seq = 5", [])
        .unwrap();
    assert_eq!(first_break(&device.verify_chain().unwrap()).0, 2);
}

#[test]
fn tampering_loses_no_data_and_appending_continues_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = busy_device(dir.path());
    device
        .connection()
        .execute(
            "UPDATE vault SET value = 'x' WHERE open_value(value, salt) = '王芳1'",
            [],
        )
        .unwrap();
    assert!(!device.verify_chain().unwrap().is_intact());
    device.open_case(&complaint(9)).unwrap();
    let count: i64 = device
        .connection()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 6);
}

#[test]
fn rebuilding_the_projections_gives_identical_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = busy_device(dir.path());
    let case = device.cases(&Default::default()).unwrap().cases[1].clone();
    device.purge_personal_data(&case.number).unwrap();
    let before = projections(&device);
    assert!(before.len() >= 5);
    assert_eq!(device.rebuild_projections().unwrap(), 6);
    assert_eq!(projections(&device), before);
    assert_eq!(device.officer(), Some(&officer()));
}

#[test]
fn rebuilding_gives_identical_state_in_every_table_reference_data_loaded_here_included() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = busy_device(&dir.path().join("store"));
    let areas = dir.path().join("urban.geojson");
    std::fs::write(
        &areas,
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"name": "长沙市区"}, "geometry": {"type": "Polygon", "coordinates":
            [[[112.9, 28.1], [113.1, 28.1], [113.1, 28.3], [112.9, 28.3], [112.9, 28.1]]]}}]}"#,
    )
    .unwrap();
    assert_eq!(device.load_urban_areas(&areas).unwrap(), 1);
    device
        .load_calendar_year(redshield_core::calendar::YearData {
            year: 2031,
            holidays: redshield_core::calendar::festivals::fixed_holidays(2031)
                .iter()
                .map(|d| d.to_string())
                .collect(),
            working_days: vec![],
            source: "国办发明电〔2030〕1号".into(),
        })
        .unwrap();
    device
        .load_departments(&[redshield_core::cases::departments::Department {
            code: "quality".into(),
            name: "质量技术监督部门".into(),
        }])
        .unwrap();
    let before = every_table(&device);
    assert!(before.iter().any(|row| row.starts_with("urban_areas:")));
    assert!(before.iter().any(|row| row.starts_with("calendar_years:")));
    assert!(before.iter().any(|row| row.starts_with("departments:")));
    device.rebuild_projections().unwrap();
    assert_eq!(every_table(&device), before);
}

#[test]
fn a_rebuild_that_meets_a_damaged_event_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = busy_device(dir.path());
    let before = projections(&device);
    device
        .connection()
        .execute("UPDATE events SET canonical = x'7b7d' WHERE seq = 4", [])
        .unwrap();
    let err = device.rebuild_projections().unwrap_err();
    assert!(matches!(err, Error::Corrupt { seq: 4, .. }), "{err}");
    assert_eq!(projections(&device), before);
}

#[test]
fn purging_deletes_the_values_keeps_the_chain_and_shows_the_case_as_purged() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = busy_device(dir.path());
    let number = device.cases(&Default::default()).unwrap().cases[0]
        .number
        .clone();
    assert_eq!(device.purge_personal_data(&number).unwrap(), 7);

    let case = device.case(&number).unwrap();
    assert!(case.personal_data_purged);
    assert!(case.complainants.is_empty() && case.respondent.is_none());
    assert_eq!((case.matter.facts, case.matter.demands_text), (None, None));
    assert_eq!(case.matter.goods.as_deref(), Some("纯牛奶"));
    assert_eq!(
        case.kind.as_str(),
        "complaint",
        "what is not personal stays"
    );

    let report = device.verify_chain().unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!((report.purged_values, report.personal_values), (7, 21));
    assert_eq!(
        device.purge_personal_data(&number).unwrap(),
        0,
        "nothing left to purge"
    );
    assert_eq!(device.head().seq, 6, "an empty purge records nothing");
}

#[test]
fn an_old_body_version_is_upcast_when_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case_id = "019ac8f0-5e00-7000-8000-00000000c0de";
    device
        .write(|w| {
            let seal = |field: &str, value: &str| w.seal_personal(None, field, value);
            let v1 = json!({
                "case_id": case_id,
                "number": "OLD001-20260301-001",
                "kind": "consultation",
                "complainant": {
                    "name": seal("complainant_name", "赵六")?,
                    "phone": seal("complainant_phone", "13900001111")?,
                },
                "facts": seal("facts", "咨询预付卡退卡规定")?,
            });
            redshield_core::journal::append_stored(w, "CaseOpened", 1, v1)
        })
        .unwrap();
    let stored: i64 = device
        .connection()
        .query_row("SELECT body_version FROM events WHERE seq = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, 1, "the v1 body is stored as written");

    let check = |device: &Device| {
        let case = device.case(case_id).unwrap();
        assert_eq!(
            case.channel.as_str(),
            "vehicle_walk_in",
            "v1 cases came from the vehicle"
        );
        assert_eq!(case.matter.facts.as_deref(), Some("咨询预付卡退卡规定"));
        assert_eq!(case.complainants[0].name, "赵六");
        assert_eq!(
            case.received_at_ms, case.opened_at_ms,
            "v1 did not record it"
        );
    };
    check(&device);
    device.rebuild_projections().unwrap();
    check(&device);
    assert!(device.verify_chain().unwrap().is_intact());
}

#[test]
fn a_body_that_does_not_decode_is_refused_before_it_is_signed() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    for (version, body) in [
        (1, json!({"kind": "complaint"})),
        (3, json!({})),
        (4, json!({})),
        (0, json!({})),
    ] {
        let err = device
            .write(|w| redshield_core::journal::append_stored(w, "CaseOpened", version, body))
            .unwrap_err();
        assert!(matches!(err, Error::Invalid { .. }), "{err}");
    }
    let err = device
        .write(|w| redshield_core::journal::append_stored(w, "CaseEaten", 1, json!({})))
        .unwrap_err();
    assert!(err.to_string().contains("unknown event type"), "{err}");
    assert_eq!(device.head().seq, 1);
}
