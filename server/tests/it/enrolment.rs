//! Enrolment and the admin routes against abuse: a key or case-number prefix another device holds
//! is refused (`409 already_enrolled`), and failed attempts are limited per client address (`429
//! too_many_requests` with `Retry-After`), while successes — a fleet enrolling, the staff's own
//! tools — never count. Over real HTTP, on both ledgers; a second client address is 127.0.0.2 on
//! loopback.

use std::net::IpAddr;

use crate::common::{Backend, Centre, Phone, client_from, exchange, on_both_backends, refusal};
use redshield_core::sync::protocol::{EnrolRequest, PROTOCOL, PROTOCOL_HEADER};
use redshield_server::{Ledger, Limits, RateLimit};
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn enrol_with(centre: &Centre, request: &EnrolRequest) -> (StatusCode, Value) {
    exchange(centre.request(Method::POST, "/v1/enrol").json(request)).await
}

async fn another_devices_key_or_prefix_is_refused(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut first = Phone::new();
    centre.enrol(&mut first).await;
    let second = Phone::new();
    let code = centre.code().await;
    let first_id = first.device.device_id().to_string();

    let mut with_its_key = second.enrol_request(&code);
    with_its_key.public_key = hex::encode(first.device.public_key());
    let mut with_its_prefix = second.enrol_request(&code);
    with_its_prefix.device_prefix = first.device.device_prefix().to_string();
    for request in [with_its_key, with_its_prefix] {
        let (status, body) = enrol_with(&centre, &request).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (code, message) = refusal(&body);
        assert_eq!(code, "already_enrolled");
        assert!(message.contains(&first_id), "{message}");
    }
    assert_eq!(centre.running().ledger().devices().await.unwrap().len(), 1);

    // Nothing was spent: the device enrols with the same code under its own key and prefix.
    let (status, body) = enrol_with(&centre, &second.enrol_request(&code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // And a device enrolling again with its own key and prefix is still welcome.
    let code = centre.code().await;
    let (status, body) = enrol_with(&centre, &first.enrol_request(&code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(centre.running().ledger().devices().await.unwrap().len(), 2);
}
on_both_backends!(another_devices_key_or_prefix_is_refused);

fn limits() -> Limits {
    Limits {
        enrol_failures: RateLimit {
            burst: 3,
            per_minute: 1,
        },
        admin_failures: RateLimit {
            burst: 2,
            per_minute: 1,
        },
        ..Limits::default()
    }
}

/// A refusal for too many failures: `429`, its code, and a `Retry-After` in whole seconds
/// within the refill interval (one token a minute here).
async fn assert_limited(request: reqwest::RequestBuilder) {
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After: {retry}");
    let (_, body) = crate::common::json(response).await;
    assert_eq!(refusal(&body).0, "too_many_requests");
}

async fn wrong_enrolment_codes_are_limited_per_address(backend: Backend) {
    let centre = Centre::with_limits(backend, limits()).await;
    // A fleet enrolling from one address, more devices than the burst: successes are free.
    for _ in 0..5 {
        centre.enrol(&mut Phone::new()).await;
    }
    let guesser = Phone::new();
    for n in 0..3 {
        let (status, body) =
            enrol_with(&centre, &guesser.enrol_request(&format!("GUESS-{n}"))).await;
        assert_eq!(
            (status, refusal(&body).0.as_str()),
            (StatusCode::BAD_REQUEST, "bad_code")
        );
    }
    let wrong = guesser.enrol_request("GUESS-3");
    assert_limited(centre.request(Method::POST, "/v1/enrol").json(&wrong)).await;
    // Refused before the code is looked at: even the right one waits, and stays unspent.
    let code = centre.code().await;
    let right = guesser.enrol_request(&code);
    assert_limited(centre.request(Method::POST, "/v1/enrol").json(&right)).await;

    // Another address has its own bucket.
    let elsewhere = client_from(Some(IpAddr::from([127, 0, 0, 2])));
    let from_elsewhere = |request: &EnrolRequest| {
        elsewhere
            .post(centre.url("/v1/enrol"))
            .header(PROTOCOL_HEADER, PROTOCOL.to_string())
            .json(request)
    };
    let (status, _) = exchange(from_elsewhere(&wrong)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = exchange(from_elsewhere(&right)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(centre.running().ledger().devices().await.unwrap().len(), 6);
}
on_both_backends!(wrong_enrolment_codes_are_limited_per_address);

async fn wrong_admin_tokens_are_limited_and_the_right_one_never_is(backend: Backend) {
    let centre = Centre::with_limits(backend, limits()).await;
    for _ in 0..10 {
        let (status, body) = exchange(centre.admin(Method::GET, "/v1/admin/devices")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for _ in 0..2 {
        let request = centre.authed(Method::GET, "/v1/admin/devices", "guessed");
        assert_eq!(exchange(request).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_limited(centre.authed(Method::GET, "/v1/admin/devices", "guessed")).await;
    let issue = centre.authed(Method::POST, "/v1/admin/enrolment-codes", "guessed");
    assert_limited(issue).await;
    // The devices' own routes are not the admin's: a device syncs on.
    let mut phone = Phone::new();
    let code = centre.code().await;
    let (status, body) = enrol_with(&centre, &phone.enrol_request(&code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    phone.token = Some(body["token"].as_str().unwrap().to_string());
    centre.push_ok(&phone, &phone.outbox(0)).await;
}
on_both_backends!(wrong_admin_tokens_are_limited_and_the_right_one_never_is);
