//! Enrolment, pushes and server events between real core stores and a real server over
//! loopback HTTP, on both ledgers (SQLite and PostgreSQL).

use std::time::Duration;

use crate::common::{Backend, Centre, Phone, exchange, json, on_both_backends, refusal};
use redshield_core::events::{Digest, decode};
use redshield_core::signing::{Signature, SigningKey, VerifyingKey};
use redshield_core::sync::protocol::{Push, ServerEventBody, ServerEvents, WireEvent};
use redshield_server::Ledger;
use redshield_server::ledger::ChainHead;
use reqwest::{Method, StatusCode};
use serde_json::json as j;

async fn held_head(centre: &Centre, phone: &Phone) -> ChainHead {
    centre
        .running()
        .ledger()
        .head(phone.device.device_id())
        .await
        .unwrap()
}

/// A phone with a case open, enrolled.
async fn enrolled_phone(centre: &Centre) -> Phone {
    let mut phone = Phone::new();
    phone.open_case(1);
    centre.enrol(&mut phone).await;
    phone
}

async fn a_code_enrols_one_device_once_and_not_after_it_expires(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    let enrolled = centre.enrol(&mut phone).await;
    assert_eq!(enrolled.device_id, phone.device.device_id());
    assert_eq!(
        enrolled.centre_key,
        hex::encode(centre.running().centre_key())
    );
    assert_eq!(enrolled.token.len(), 64);

    // Enrolling again (a lost token) with a new code and the same key: a new token, and the
    // old one stops working.
    let old = phone.token().to_string();
    let again = centre.enrol(&mut phone).await;
    assert_ne!(again.token, old);
    let empty = Push {
        events: vec![],
        vault: vec![],
    };
    let (status, _) = exchange(
        centre
            .authed(Method::POST, &Centre::events_path(&phone), &old)
            .json(&empty),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    centre.push_ok(&phone, &empty).await;

    // The same code again, by another phone: used.
    let code = centre.code().await;
    let first = Phone::new();
    let second = Phone::new();
    let enrol = |phone: &Phone, code: &str| {
        centre
            .request(Method::POST, "/v1/enrol")
            .json(&phone.enrol_request(code))
            .send()
    };
    let (status, _) = json(enrol(&first, &code).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = json(enrol(&second, &code).await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (code_word, message) = refusal(&body);
    assert_eq!(code_word, "bad_code");
    assert!(message.contains("already used"), "{message}");
    // Typed in lower case without dashes, it is the same (used) code.
    let retyped = code.replace('-', "").to_lowercase();
    let (_, body) = json(enrol(&second, &retyped).await.unwrap()).await;
    assert!(refusal(&body).1.contains("already used"));

    // An unknown code; an expired one.
    let (_, body) = json(enrol(&second, "AAAA-BBBB-CCCC").await.unwrap()).await;
    assert_eq!(refusal(&body).0, "bad_code");
    let short = centre
        .running()
        .issue_enrolment_code(Duration::from_millis(1))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (status, body) = json(enrol(&second, &short).await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refusal(&body).1.contains("expired"), "{body}");

    // Another key for an enrolled device id: refused, and the code stays unused.
    let code = centre.code().await;
    let mut impostor = first.enrol_request(&code);
    impostor.public_key = hex::encode(SigningKey::from_bytes(&[7; 32]).verifying_key().to_bytes());
    let (status, body) = exchange(centre.request(Method::POST, "/v1/enrol").json(&impostor)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = json(enrol(&second, &code).await.unwrap()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the refused enrolment did not use the code"
    );
}
on_both_backends!(a_code_enrols_one_device_once_and_not_after_it_expires);

async fn the_admin_route_issues_codes_to_the_admin_token_only(backend: Backend) {
    let centre = Centre::start(backend).await;
    let admin = std::fs::read_to_string(centre.running().admin_token_path()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["admin.token", "centre.key"] {
            let mode = std::fs::metadata(centre.dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
    let (status, body) = exchange(
        centre
            .authed(Method::POST, "/v1/admin/enrolment-codes", admin.trim())
            .json(&j!({ "ttl_seconds": 600 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let code = body["code"].as_str().unwrap().to_string();
    let expires = body["expires_at_ms"].as_i64().unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    assert!((expires - now - 600_000).abs() < 10_000);
    let mut phone = Phone::new();
    let (status, _) = exchange(
        centre
            .request(Method::POST, "/v1/enrol")
            .json(&phone.enrol_request(&code)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // No body: the default lifetime.
    let (status, _) =
        exchange(centre.authed(Method::POST, "/v1/admin/enrolment-codes", admin.trim())).await;
    assert_eq!(status, StatusCode::OK);

    // A device token is not the admin token; nor is nothing.
    centre.enrol(&mut phone).await;
    for request in [
        centre.authed(Method::POST, "/v1/admin/enrolment-codes", phone.token()),
        centre.request(Method::POST, "/v1/admin/enrolment-codes"),
    ] {
        let (status, body) = exchange(request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(refusal(&body).0, "unauthorized");
    }
}
on_both_backends!(the_admin_route_issues_codes_to_the_admin_token_only);

async fn a_push_is_acknowledged_by_the_device_hash_and_a_replay_changes_nothing(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = enrolled_phone(&centre).await;
    let push = phone.outbox(0);
    let n = phone.head_seq();
    assert!(n >= 2, "sign-in and a case make several events");
    assert_eq!(push.events.len() as u64, n);
    assert!(!push.vault.is_empty(), "a complaint seals personal data");

    let receipt = centre.push_ok(&phone, &push).await;
    assert_eq!(receipt.device_id, phone.device.device_id());
    assert_eq!(receipt.acked_seq, n);
    assert_eq!(receipt.acked_hash, phone.device.head().hash);
    assert_eq!(receipt.stored, n as u32);
    assert!(receipt.forks.is_empty() && receipt.conflicts.is_empty());

    // Held exactly as the device signed it, with its vault rows.
    let ledger = centre.running().ledger();
    let held = ledger
        .events(phone.device.device_id(), 0, 1000)
        .await
        .unwrap();
    assert_eq!(held.len() as u64, n);
    for (held, sent) in held.iter().zip(&push.events) {
        assert_eq!(held.canonical, sent.canonical);
        assert_eq!(held.hash, sent.hash);
        assert_eq!(hex::encode(&held.signature), sent.signature);
    }
    let mut vault = ledger.vault_rows(phone.device.device_id()).await.unwrap();
    let mut sent_vault = push.vault.clone();
    vault.sort_by_key(|r| r.id);
    sent_vault.sort_by_key(|r| r.id);
    assert_eq!(vault, sent_vault);

    // The same push again: nothing new.
    let again = centre.push_ok(&phone, &push).await;
    assert_eq!(again.stored, 0);
    assert_eq!((again.acked_seq, again.acked_hash), (n, receipt.acked_hash));
    assert_eq!(
        ledger
            .events(phone.device.device_id(), 0, 1000)
            .await
            .unwrap()
            .len() as u64,
        n
    );

    // More events: a push overlapping the held ones stores only the new.
    phone.open_case(2);
    let m = phone.head_seq();
    let overlap = phone.outbox(1);
    let receipt = centre.push_ok(&phone, &overlap).await;
    assert_eq!(receipt.stored as u64, m - n);
    assert_eq!(receipt.acked_seq, m);
    assert_eq!(receipt.acked_hash, phone.device.head().hash);

    // An empty push answers the head.
    let empty = centre
        .push_ok(
            &phone,
            &Push {
                events: vec![],
                vault: vec![],
            },
        )
        .await;
    assert_eq!((empty.acked_seq, empty.stored), (m, 0));
}
on_both_backends!(a_push_is_acknowledged_by_the_device_hash_and_a_replay_changes_nothing);

async fn concurrent_copies_of_one_push_store_it_once(backend: Backend) {
    let centre = Centre::start(backend).await;
    let phone = enrolled_phone(&centre).await;
    let push = phone.outbox(0);
    let n = phone.head_seq();
    let receipts = futures_join(std::array::from_fn::<_, 4, _>(|_| {
        centre.push_ok(&phone, &push)
    }))
    .await;
    let stored: u32 = receipts.iter().map(|r| r.stored).sum();
    assert_eq!(stored as u64, n, "{receipts:?}");
    assert!(receipts.iter().all(|r| r.acked_seq == n));
}
on_both_backends!(concurrent_copies_of_one_push_store_it_once);

/// Awaits every future (they run concurrently on the server; the client sends them together).
async fn futures_join<F: Future>(futures: [F; 4]) -> Vec<F::Output> {
    let [a, b, c, d] = futures;
    let (a, b, c, d) = tokio::join!(a, b, c, d);
    vec![a, b, c, d]
}

async fn assert_refused(centre: &Centre, phone: &Phone, push: &Push, words: &str) {
    let before = held_head(centre, phone).await;
    let (status, body) = centre.push(phone, push).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (code, message) = refusal(&body);
    assert_eq!(code, "bad_request");
    assert!(message.contains(words), "{message:?} should say {words:?}");
    assert!(
        message.contains("nothing of this push was stored"),
        "{message}"
    );
    assert_eq!(held_head(centre, phone).await, before, "nothing stored");
}

async fn a_gap_or_a_reordering_is_refused_and_nothing_of_the_push_is_stored(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = enrolled_phone(&centre).await;
    for n in 2..=4 {
        phone.open_case(n);
    }
    let all = phone.outbox(0);
    assert!(all.events.len() >= 5);
    let first_two = Push {
        events: all.events[..2].to_vec(),
        vault: all.vault.clone(),
    };
    centre.push_ok(&phone, &first_two).await;

    // Starting after a gap (3 missing).
    let gap = Push {
        events: all.events[3..].to_vec(),
        vault: all.vault.clone(),
    };
    assert_refused(&centre, &phone, &gap, "event 4 does not follow").await;

    // A good event 3, then a gap: event 3 is not stored either.
    let partial = Push {
        events: vec![all.events[2].clone(), all.events[4].clone()],
        vault: all.vault.clone(),
    };
    assert_refused(&centre, &phone, &partial, "event 5 does not follow").await;

    // Reordered: 4 before 3.
    let mut swapped = all.events[2..].to_vec();
    swapped.swap(0, 1);
    let reordered = Push {
        events: swapped,
        vault: all.vault.clone(),
    };
    assert_refused(&centre, &phone, &reordered, "event 4 does not follow").await;

    // In order, it goes.
    let rest = Push {
        events: all.events[2..].to_vec(),
        vault: all.vault.clone(),
    };
    let receipt = centre.push_ok(&phone, &rest).await;
    assert_eq!(receipt.acked_seq, phone.head_seq());
}
on_both_backends!(a_gap_or_a_reordering_is_refused_and_nothing_of_the_push_is_stored);

async fn a_tampered_event_or_vault_row_is_refused_and_nothing_is_stored(backend: Backend) {
    let centre = Centre::start(backend).await;
    let phone = enrolled_phone(&centre).await;
    let push = phone.outbox(0);
    let last = push.events.len() - 1;
    let with_last = |event: WireEvent| {
        let mut p = push.clone();
        p.events[last] = event;
        p
    };

    // One byte of the canonical bytes changed, the hash kept.
    let mut event = push.events[last].clone();
    event.canonical = event.canonical.replacen("\"seq\"", "\"Seq\"", 1);
    assert_ne!(event.canonical, push.events[last].canonical);
    assert_refused(
        &centre,
        &phone,
        &with_last(event.clone()),
        "do not match its hash",
    )
    .await;

    // Changed and re-hashed: the signature no longer verifies.
    let mut event = push.events[last].clone();
    event.canonical = event.canonical.replacen("李明", "李鸣", 1);
    event.hash = Digest::of(&[event.canonical.as_bytes()]);
    assert_refused(&centre, &phone, &with_last(event), "does not verify").await;

    // Signed by another key.
    let mut event = push.events[last].clone();
    let stranger = SigningKey::from_bytes(&[9; 32]);
    event.signature = hex::encode(stranger.sign(&event.hash.0).to_bytes());
    let seq = last + 1;
    assert_refused(
        &centre,
        &phone,
        &with_last(event),
        &format!("event {seq}: the signature does not verify with the device key"),
    )
    .await;

    // A vault row that does not match its commitment.
    let mut altered = push.clone();
    altered.vault[0].value.push('!');
    assert_refused(&centre, &phone, &altered, "does not match its commitment").await;

    // Another device's event in this device's push.
    let other = Phone::new();
    let mut foreign = push.clone();
    foreign.events[0] = other.outbox(0).events[0].clone();
    assert_refused(&centre, &phone, &foreign, "is of device").await;

    // The untouched push still goes; a vault row purged on the device (absent) is no reason
    // to refuse.
    let mut purged = push.clone();
    purged.vault.remove(0);
    let receipt = centre.push_ok(&phone, &purged).await;
    assert_eq!(receipt.acked_seq, phone.head_seq());
}
on_both_backends!(a_tampered_event_or_vault_row_is_refused_and_nothing_is_stored);

async fn a_fork_is_stored_aside_flagged_and_never_replaces_the_held_event(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut original = Phone::new();
    centre.enrol(&mut original).await;
    let fork_point = original.head_seq();
    // The same identity and key in two stores, which now diverge.
    let mut copy = original.clone_store();
    assert_eq!(copy.device.device_id(), original.device.device_id());
    assert_eq!(copy.head_seq(), fork_point);
    original.open_case(1);
    // The copy makes more than the original: its events beyond the held head continue the
    // forked branch.
    copy.open_case(2);
    copy.open_case(4);
    let copy_head = copy.head_seq();
    assert!(copy_head > original.head_seq());

    let receipt = centre.push_ok(&original, &original.outbox(0)).await;
    let head = original.device.head();
    assert_eq!(
        (receipt.acked_seq, receipt.acked_hash),
        (head.seq, head.hash)
    );

    // The copy pushes what it made after the fork point: every event differs from the held one
    // at its seq (or continues that branch).
    let forked = copy.outbox(fork_point);
    let receipt = centre.push_ok(&copy, &forked).await;
    let expected: Vec<u64> = (fork_point + 1..=copy_head).collect();
    assert_eq!(receipt.forks, expected);
    assert_eq!(receipt.stored as usize, expected.len());
    assert_eq!(
        (receipt.acked_seq, receipt.acked_hash),
        (head.seq, head.hash),
        "head unchanged"
    );

    let ledger = centre.running().ledger();
    let forks = ledger.forks(copy.device.device_id()).await.unwrap();
    assert_eq!(forks.len(), expected.len());
    for (fork, sent) in forks.iter().zip(&forked.events) {
        assert!(fork.flagged);
        assert_eq!(fork.canonical, sent.canonical);
        assert_eq!(fork.hash, sent.hash);
    }
    // The chain still holds the original's events.
    let held = ledger
        .events(original.device.device_id(), 0, 1000)
        .await
        .unwrap();
    assert_eq!(held.last().unwrap().hash, head.hash);
    assert_eq!(
        held[fork_point as usize].hash,
        original.outbox(fork_point).events[0].hash
    );

    // Replayed: nothing new, the forks named again.
    let again = centre.push_ok(&copy, &forked).await;
    assert_eq!(again.stored, 0);
    assert_eq!(again.forks, expected);
    assert_eq!(
        ledger.forks(copy.device.device_id()).await.unwrap().len(),
        expected.len()
    );

    // The original goes on as before.
    original.open_case(3);
    let receipt = centre.push_ok(&original, &original.outbox(head.seq)).await;
    assert_eq!(receipt.acked_hash, original.device.head().hash);

    // A fork signed by another key is refused like any bad event.
    let mut bad = forked.clone();
    bad.events[0].signature = hex::encode(
        SigningKey::from_bytes(&[3; 32])
            .sign(&bad.events[0].hash.0)
            .to_bytes(),
    );
    bad.events.truncate(1);
    let (status, body) = centre.push(&copy, &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(refusal(&body).1.contains("a fork of the chain"), "{body}");
}
on_both_backends!(a_fork_is_stored_aside_flagged_and_never_replaces_the_held_event);

async fn server_events_are_numbered_signed_and_pulled_in_order(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    let enrolled = centre.enrol(&mut phone).await;
    let mut other = Phone::new();
    centre.enrol(&mut other).await;
    let id = phone.device.device_id();
    let running = centre.running();

    let dispatch = running
        .publish(Some(id), "dispatch", j!({ "case": "ABC", "minutes": 30 }))
        .await
        .unwrap();
    let elsewhere = running
        .publish(
            Some(other.device.device_id()),
            "dispatch",
            j!({ "case": "XYZ" }),
        )
        .await
        .unwrap();
    let reference = running
        .publish(
            None,
            "reference_data",
            j!({ "departments": ["质监", "药监"] }),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            dispatch.server_seq,
            elsewhere.server_seq,
            reference.server_seq
        ),
        (1, 2, 3)
    );
    // Floating point is refused, and takes no seq.
    assert!(
        running
            .publish(None, "bad", j!({ "km": 1.5 }))
            .await
            .is_err()
    );

    let pull = |after: u64| {
        let path = format!("/v1/devices/{id}/server-events?after={after}");
        let request = centre.authed(Method::GET, &path, phone.token());
        async move {
            let (status, body) = exchange(request).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            serde_json::from_value::<ServerEvents>(body).unwrap()
        }
    };
    let pulled = pull(0).await;
    assert_eq!(pulled.device_id, id);
    let seqs: Vec<u64> = pulled.events.iter().map(|e| e.server_seq).collect();
    assert_eq!(seqs, vec![1, 3], "this device's and everyone's, in order");

    let centre_key = VerifyingKey::from_bytes(
        &hex::decode(&enrolled.centre_key)
            .unwrap()
            .try_into()
            .unwrap(),
    )
    .unwrap();
    for event in &pulled.events {
        assert_eq!(event.hash, Digest::of(&[event.canonical.as_bytes()]));
        let signature = Signature::from_slice(&hex::decode(&event.signature).unwrap()).unwrap();
        centre_key.verify_strict(&event.hash.0, &signature).unwrap();
        let body: ServerEventBody = serde_json::from_str(&event.canonical).unwrap();
        assert_eq!(body.server_seq, event.server_seq);
        // The canonical form is exactly what the core's encoder makes of it.
        let again =
            redshield_core::events::canonical::encode(&serde_json::to_value(&body).unwrap())
                .unwrap();
        assert_eq!(again, event.canonical.as_bytes());
    }
    let first: ServerEventBody = serde_json::from_str(&pulled.events[0].canonical).unwrap();
    assert_eq!(first.device, Some(id));
    assert_eq!(first.event_type, "dispatch");
    assert_eq!(first.body, j!({ "case": "ABC", "minutes": 30 }));
    let second: ServerEventBody = serde_json::from_str(&pulled.events[1].canonical).unwrap();
    assert_eq!(second.device, None);

    assert_eq!(pull(1).await.events.len(), 1);
    assert!(pull(3).await.events.is_empty());
    // No cursor: from the start.
    let (_, body) = exchange(centre.authed(
        Method::GET,
        &format!("/v1/devices/{id}/server-events"),
        phone.token(),
    ))
    .await;
    assert_eq!(body["events"].as_array().unwrap().len(), 2);
}
on_both_backends!(server_events_are_numbered_signed_and_pulled_in_order);

async fn a_restart_on_the_same_data_keeps_devices_chains_keys_and_server_events(backend: Backend) {
    let mut centre = Centre::start(backend).await;
    let phone = enrolled_phone(&centre).await;
    let receipt = centre.push_ok(&phone, &phone.outbox(0)).await;
    let key = centre.running().centre_key();
    let event = centre
        .running()
        .publish(Some(phone.device.device_id()), "dispatch", j!({ "n": 1 }))
        .await
        .unwrap();

    centre.restart().await;

    assert_eq!(centre.running().centre_key(), key);
    // The token still works; the head is where it was.
    let again = centre.push_ok(&phone, &phone.outbox(0)).await;
    assert_eq!(again.stored, 0);
    assert_eq!(
        (again.acked_seq, again.acked_hash),
        (receipt.acked_seq, receipt.acked_hash)
    );
    let path = format!(
        "/v1/devices/{}/server-events?after=0",
        phone.device.device_id()
    );
    let (_, body) = exchange(centre.authed(Method::GET, &path, phone.token())).await;
    let pulled: ServerEvents = serde_json::from_value(body).unwrap();
    assert_eq!(pulled.events, vec![event]);
    // Server seqs go on.
    let next = centre
        .running()
        .publish(None, "notice", j!({}))
        .await
        .unwrap();
    assert_eq!(next.server_seq, 2);
    // The events decode as the device made them.
    let held = centre
        .running()
        .ledger()
        .events(phone.device.device_id(), 0, 10)
        .await
        .unwrap();
    assert_eq!(decode(held[0].canonical.as_bytes()).unwrap().seq, 1);
}
on_both_backends!(a_restart_on_the_same_data_keeps_devices_chains_keys_and_server_events);
