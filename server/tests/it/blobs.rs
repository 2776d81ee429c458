//! Which blobs the centre takes: only those the device's own pushed records name, within the size
//! they state, within the device's share of the blob store; and `HEAD` answers as `GET` does —
//! `403` to a device whose records do not name the blob, `401` without a token. Over real HTTP, on
//! both ledgers; the resumable upload itself is tested in `http.rs`.

use crate::common::{Backend, Centre, Phone, exchange, on_both_backends, refusal};
use redshield_core::events::Digest;
use redshield_server::{Ledger, Limits};
use reqwest::{Method, StatusCode};

/// `PUT` of `bytes` at `offset` of blob `sha`, the last chunk: (status, refusal code or "").
async fn put(
    centre: &Centre,
    token: &str,
    sha: &Digest,
    offset: usize,
    bytes: Vec<u8>,
) -> (StatusCode, String) {
    let path = format!("/v1/blobs/{sha}?offset={offset}");
    let request = centre
        .authed(Method::PUT, &path, token)
        .header("redshield-blob-final", "true")
        .body(bytes);
    let (status, body) = exchange(request).await;
    let code = match status.is_success() {
        true => String::new(),
        false => refusal(&body).0,
    };
    (status, code)
}

async fn head(centre: &Centre, token: Option<&str>, sha: &Digest) -> StatusCode {
    let path = format!("/v1/blobs/{sha}");
    let request = match token {
        Some(token) => centre.authed(Method::HEAD, &path, token),
        None => centre.request(Method::HEAD, &path),
    };
    request.send().await.unwrap().status()
}

/// Nothing of blob `sha` is held: no record, no partial file.
async fn nothing_held(centre: &Centre, sha: &Digest) {
    assert_eq!(centre.running().ledger().blob(*sha).await.unwrap(), None);
    let partial = centre.dir.path().join("blobs/partial").join(sha.to_hex());
    assert!(!partial.exists());
}

async fn a_blob_no_record_names_is_refused_and_head_answers_as_get(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let (sha, data) = phone.record(1, 200_000);

    // Any bytes under any name: refused before the body is taken, nothing kept.
    let junk = vec![7u8; 300_000];
    let junk_sha = Digest::of(&[&junk]);
    assert_eq!(
        put(&centre, phone.token(), &junk_sha, 0, junk).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    nothing_held(&centre, &junk_sha).await;

    // The recording's own record is not pushed yet: refused too (a device pushes first).
    assert_eq!(
        head(&centre, Some(phone.token()), &sha).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put(&centre, phone.token(), &sha, 0, data.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    nothing_held(&centre, &sha).await;

    centre.push_ok(&phone, &phone.outbox(0)).await;
    assert_eq!(
        head(&centre, Some(phone.token()), &sha).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put(&centre, phone.token(), &sha, 0, data).await,
        (StatusCode::OK, String::new())
    );
    assert_eq!(
        head(&centre, Some(phone.token()), &sha).await,
        StatusCode::OK
    );

    // Another device learns nothing of it, held or not; without a token, no one does.
    let mut stranger = Phone::new();
    centre.enrol(&mut stranger).await;
    centre.push_ok(&stranger, &stranger.outbox(0)).await;
    assert_eq!(
        head(&centre, Some(stranger.token()), &sha).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        head(&centre, Some(stranger.token()), &junk_sha).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(head(&centre, None, &sha).await, StatusCode::UNAUTHORIZED);
    let get = centre.authed(Method::GET, &format!("/v1/blobs/{sha}"), stranger.token());
    assert_eq!(exchange(get).await.0, StatusCode::FORBIDDEN);
}
on_both_backends!(a_blob_no_record_names_is_refused_and_head_answers_as_get);

/// A refused upload may leave its body unread, and then its connection cannot carry another
/// request: the answer says `connection: close`, so that a client does not send its next
/// request down it (reqwest's pool did, and failed with "connection closed before message
/// completed" now and then). A refusal without a body keeps the connection.
async fn a_refused_upload_says_its_connection_closes(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let junk = vec![7u8; 300_000];
    let sha = Digest::of(&[&junk]);
    let refused = centre
        .authed(
            Method::PUT,
            &format!("/v1/blobs/{sha}?offset=0"),
            phone.token(),
        )
        .body(junk)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.headers()["connection"], "close");
    let asked = centre
        .authed(Method::HEAD, &format!("/v1/blobs/{sha}"), phone.token())
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::FORBIDDEN);
    assert!(asked.headers().get("connection").is_none());
}

on_both_backends!(a_refused_upload_says_its_connection_closes);

async fn a_blob_is_taken_only_within_the_size_its_record_states(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let (sha, data) = phone.record(2, 100_000);
    centre.push_ok(&phone, &phone.outbox(0)).await;

    // One byte past the stated size, at once or after the rest: refused, nothing written.
    let mut longer = data.clone();
    longer.push(0);
    assert_eq!(
        put(&centre, phone.token(), &sha, 0, longer).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large".into())
    );
    nothing_held(&centre, &sha).await;
    let path = format!("/v1/blobs/{sha}?offset=0");
    let first = centre
        .authed(Method::PUT, &path, phone.token())
        .body(data.clone());
    assert_eq!(exchange(first).await.0, StatusCode::OK);
    assert_eq!(
        put(&centre, phone.token(), &sha, data.len(), vec![0])
            .await
            .0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // The blob itself completes.
    assert_eq!(
        put(&centre, phone.token(), &sha, data.len(), Vec::new()).await,
        (StatusCode::OK, String::new())
    );
    assert_eq!(
        head(&centre, Some(phone.token()), &sha).await,
        StatusCode::OK
    );
}
on_both_backends!(a_blob_is_taken_only_within_the_size_its_record_states);

async fn a_device_past_its_share_of_the_blob_store_is_refused(backend: Backend) {
    let limits = Limits {
        blob_quota_bytes: 250_000,
        ..Limits::default()
    };
    let centre = Centre::with_limits(backend, limits).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let (first, first_data) = phone.record(3, 150_000);
    let (second, second_data) = phone.record(4, 150_000);
    centre.push_ok(&phone, &phone.outbox(0)).await;

    assert_eq!(
        put(&centre, phone.token(), &first, 0, first_data).await.0,
        StatusCode::OK
    );
    let (status, code) = put(&centre, phone.token(), &second, 0, second_data.clone()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );
    nothing_held(&centre, &second).await;
    let device = phone.device.device_id();
    assert_eq!(
        centre.running().ledger().blob_bytes(device).await.unwrap(),
        150_000
    );

    // The share is each device's own: another device uploads its recording.
    let mut other = Phone::new();
    centre.enrol(&mut other).await;
    let (its, its_data) = other.record(5, 150_000);
    centre.push_ok(&other, &other.outbox(0)).await;
    assert_eq!(
        put(&centre, other.token(), &its, 0, its_data).await.0,
        StatusCode::OK
    );
}
on_both_backends!(a_device_past_its_share_of_the_blob_store_is_refused);
