//! Abuse flags across cases (Order No. 121 Art. 17) at the centre, over real HTTP on both
//! ledgers: two devices whose complaints share a phone number and an address under different
//! names (Art. 17(4)), one person complaining three times across both (Art. 17(2): "同一投诉人
//! …短期内大量投诉") — flagged at the centre, not on either device alone (each device's blind
//! key is its own); a business complained about by six consumers, which is a hotspot lead and
//! no flag; nothing acted on; no phone number, address or name in the answer.

use crate::common::{Backend, Centre, Phone, exchange, on_both_backends};
use redshield_core::cases::{CaseState, NewCase};
use redshield_server::Ledger;
use redshield_testkit::complaint_from as complaint;
use reqwest::{Method, StatusCode};
use serde_json::Value;

const SHARED_PHONE: &str = "13800000001";
const SHARED_ADDRESS: &str = "长沙市岳麓区麓山南路 1 号";

/// A complaint by `name` with their own phone and address, against the fixture's business.
fn by(name: &str, phone: &str, address: &str) -> NewCase {
    let mut case = complaint(name);
    case.complainants[0].phone = phone.into();
    case.complainants[0].address = Some(address.into());
    case
}

async fn flags(centre: &Centre, token: &str) -> (StatusCode, Value) {
    exchange(centre.authed(Method::GET, "/v1/admin/abuse-flags", token)).await
}

fn admin_token(centre: &Centre) -> String {
    let path = centre.running().admin_token_path();
    std::fs::read_to_string(path).unwrap().trim().to_string()
}

fn kinds_of(answer: &Value, number: &str) -> Vec<String> {
    let cases = answer["cases"].as_array().unwrap();
    let case = cases.iter().find(|c| c["case_number"] == number);
    case.map_or(Vec::new(), |c| {
        let flags = c["flags"].as_array().unwrap();
        flags
            .iter()
            .map(|f| f["kind"].as_str().unwrap().to_string())
            .collect()
    })
}

async fn flags_are_found_across_devices_shown_and_never_acted_on(backend: Backend) {
    let mut centre = Centre::start(backend).await;
    let (mut first, mut second) = (Phone::new(), Phone::new());
    let first_cases = [
        by("王芳", SHARED_PHONE, SHARED_ADDRESS),
        by("陈静", "13900000002", "长沙市开福区湘江中路 2 号"),
        by("刘洋", "13700000003", "长沙市雨花区韶山路 3 号"),
        by("孙悦", "13500000005", "长沙市望城区 5 号"),
        by("孙悦", "13500000005", "长沙市望城区 5 号"),
    ]
    .map(|c| first.device.open_case(&c).unwrap());
    // The same phone typed another way, the same address, another name; 孙悦 once more.
    let second_cases = [
        by("李娜", "138 0000 0001", SHARED_ADDRESS),
        by("周杰", "13600000004", "长沙市天心区芙蓉路 4 号"),
        by("孙悦", "+86 135-0000-0005", "长沙市望城区 5 号"),
    ]
    .map(|c| second.device.open_case(&c).unwrap());
    for phone in [&mut first, &mut second] {
        centre.enrol(phone).await;
        centre.push_ok(phone, &phone.outbox(0)).await;
    }

    // On either device alone: nothing (no phone shared there, 孙悦 twice and once).
    for (phone, cases) in [(&first, &first_cases[..]), (&second, &second_cases[..])] {
        for case in cases {
            assert_eq!(phone.device.abuse_flags(&case.id).unwrap(), Vec::new());
        }
    }

    // Only the admin token opens the flags.
    assert_eq!(
        flags(&centre, first.token()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, answer) = flags(&centre, &admin_token(&centre)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (wang, li) = (&first_cases[0], &second_cases[0]);
    let shared = ["shared_phone", "shared_address"];
    assert_eq!(kinds_of(&answer, &wang.number), shared);
    assert_eq!(kinds_of(&answer, &li.number), shared);
    let cases = answer["cases"].as_array().unwrap();
    let wang_flags = &cases
        .iter()
        .find(|c| c["case_number"] == *wang.number)
        .unwrap();
    assert_eq!(
        wang_flags["device_id"],
        first.device.device_id().to_string()
    );
    assert_eq!(wang_flags["case_id"], wang.id);
    assert_eq!(
        wang_flags["flags"][0]["related_cases"],
        serde_json::json!([li.number])
    );
    let reason = wang_flags["flags"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("第十七条第（四）项"), "{reason}");
    assert_eq!(wang_flags["flags"][0]["statutory"], true);
    // One person's three complaints across the two devices: each flagged, naming the others.
    let sun = [&first_cases[3], &first_cases[4], &second_cases[2]];
    for case in sun {
        assert_eq!(kinds_of(&answer, &case.number), ["repeated_complaints"]);
    }
    let sun_flag = &cases
        .iter()
        .find(|c| c["case_number"] == *sun[2].number)
        .unwrap()["flags"][0];
    assert_eq!(sun_flag["related_cases"].as_array().unwrap().len(), 2);
    assert!(
        sun_flag["reason"]
            .as_str()
            .unwrap()
            .contains("3件（含本件）"),
        "{sun_flag}"
    );
    // Five other consumers against the same business are no flag …
    for case in [&first_cases[1], &first_cases[2], &second_cases[1]] {
        assert_eq!(kinds_of(&answer, &case.number), Vec::<String>::new());
    }
    assert_eq!(cases.len(), 5);
    // … but the business, with all eight complaints, is a hotspot lead, labelled as such.
    let hotspots = answer["hotspots"].as_array().unwrap();
    assert_eq!(hotspots.len(), 1, "{answer}");
    assert_eq!(hotspots[0]["label"], "投诉热点线索（非异常投诉标记）");
    assert_eq!(hotspots[0]["cases"].as_array().unwrap().len(), 8);
    assert!(
        hotspots[0]["reason"]
            .as_str()
            .unwrap()
            .contains("6名投诉人"),
        "{}",
        hotspots[0]
    );

    // No phone number, address or name in the answer, in any spelling given.
    let text = answer.to_string();
    for secret in [
        SHARED_PHONE,
        "0000 0001",
        SHARED_ADDRESS,
        "麓山南路",
        "王芳",
        "李娜",
        "孙悦",
        "13500000005",
        "长沙市某某超市",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // Shown, never acted on: no decision published, every case as it was.
    for phone in [&first, &second] {
        let id = phone.device.device_id();
        let ledger = centre.running().ledger();
        assert_eq!(ledger.server_events(id, 0, 100).await.unwrap(), Vec::new());
    }
    let held = first_cases.iter().map(|c| (&first, c));
    for (phone, case) in held.chain(second_cases.iter().map(|c| (&second, c))) {
        assert_eq!(
            phone.device.case(&case.id).unwrap().state,
            CaseState::Received
        );
        let id = case.id.clone();
        let at_centre = centre
            .running()
            .replicas()
            .read(phone.device.device_id(), move |r| {
                redshield_core::cases::read::get(r.conn(), &id)
            })
            .await
            .unwrap();
        assert_eq!(at_centre.state, CaseState::Received);
    }
    // The centre's blind key is made once, owner-only, and kept: after a restart the same
    // digests, the same flags (computed, not stored).
    let key = centre
        .config()
        .data_dir
        .join(redshield_server::keys::BLIND_KEY_FILE);
    let made = std::fs::read(&key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    centre.restart().await;
    assert_eq!(std::fs::read(&key).unwrap(), made);
    let (_, again) = flags(&centre, &admin_token(&centre)).await;
    assert_eq!(again["cases"], answer["cases"]);
}

on_both_backends!(flags_are_found_across_devices_shown_and_never_acted_on);
