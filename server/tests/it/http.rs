//! The HTTP rules around every route: the protocol header, tokens, the body limit, JSON
//! refusals, server time, metrics; and resumable blob uploads.

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::common::{
    Backend, Centre, Phone, assert_server_time, exchange, json, on_both_backends, refusal,
};
use redshield_core::events::Digest;
use redshield_core::sync::protocol::{
    BlobReceipt, MAX_BODY_BYTES, MAX_EVENTS_PER_PUSH, PROTOCOL, PROTOCOL_HEADER, Push,
};
use redshield_server::Ledger;
use reqwest::{Method, StatusCode};

async fn a_missing_or_old_protocol_is_told_to_update_the_app(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let path = Centre::events_path(&phone);
    let push = phone.outbox(0);

    let without = centre
        .client
        .post(centre.url(&path))
        .bearer_auth(phone.token())
        .json(&push)
        .send()
        .await
        .unwrap();
    let (status, body) = json(without).await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED);
    let (code, message) = refusal(&body);
    assert_eq!(code, "update_app");
    assert!(message.contains("update the app"), "{message}");

    for version in ["0", "v1", ""] {
        let old = centre
            .client
            .post(centre.url(&path))
            .header(PROTOCOL_HEADER, version)
            .bearer_auth(phone.token())
            .json(&push)
            .send()
            .await
            .unwrap();
        let (status, body) = json(old).await;
        assert_eq!(status, StatusCode::UPGRADE_REQUIRED, "{version:?}");
        assert_eq!(refusal(&body).0, "update_app");
    }
    // Enrolment and blobs too.
    let enrol = centre
        .client
        .post(centre.url("/v1/enrol"))
        .json(&phone.enrol_request("X"))
        .send()
        .await
        .unwrap();
    assert_eq!(json(enrol).await.0, StatusCode::UPGRADE_REQUIRED);
    let blob = centre
        .client
        .head(centre.url(&format!("/v1/blobs/{}", "0".repeat(64))))
        .bearer_auth(phone.token())
        .send()
        .await
        .unwrap();
    assert_eq!(blob.status(), StatusCode::UPGRADE_REQUIRED);
    assert_server_time(&blob);
    // Nothing was stored by the refused push.
    let head = centre
        .running()
        .ledger()
        .head(phone.device.device_id())
        .await
        .unwrap();
    assert_eq!(head.seq, 0);

    // Probes and documentation need no header.
    let health = centre
        .client
        .get(centre.url("/healthz"))
        .send()
        .await
        .unwrap();
    let (status, body) = json(health).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    let openapi = centre
        .client
        .get(centre.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(openapi.status(), StatusCode::OK);
    assert_server_time(&openapi);
    let doc: serde_json::Value = openapi.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/v1/devices/{device_id}/events"]["post"].is_object());
    let metrics = centre
        .client
        .get(centre.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    assert_server_time(&metrics);
}
on_both_backends!(a_missing_or_old_protocol_is_told_to_update_the_app);

async fn a_newer_protocol_is_told_the_centre_is_older_and_never_served_as_v1(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let newer = (PROTOCOL + 1).to_string();
    let as_newer = |method: Method, path: &str| {
        centre
            .client
            .request(method, centre.url(path))
            .header(PROTOCOL_HEADER, newer.as_str())
            .bearer_auth(phone.token())
    };

    let push = as_newer(Method::POST, &Centre::events_path(&phone)).json(&phone.outbox(0));
    let (status, body) = json(push.send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (code, message) = refusal(&body);
    assert_eq!(code, "update_centre");
    assert!(
        message.contains("the centre is older than the app"),
        "{message}"
    );
    assert!(message.contains(&newer), "{message}");
    let id = phone.device.device_id();
    assert_eq!(centre.running().ledger().head(id).await.unwrap().seq, 0);

    // Every protocol route, enrolment and blobs too; probes and documentation still answer.
    let code = centre.code().await;
    let enrol = as_newer(Method::POST, "/v1/enrol").json(&Phone::new().enrol_request(&code));
    let (status, body) = json(enrol.send().await.unwrap()).await;
    assert_eq!(
        (status, refusal(&body).0.as_str()),
        (StatusCode::BAD_REQUEST, "update_centre")
    );
    let blob = as_newer(Method::HEAD, &format!("/v1/blobs/{}", "0".repeat(64)));
    assert_eq!(blob.send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    let health = as_newer(Method::GET, "/healthz").send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
on_both_backends!(a_newer_protocol_is_told_the_centre_is_older_and_never_served_as_v1);

async fn tokens_are_checked_and_bound_to_their_device(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let mut other = Phone::new();
    centre.enrol(&mut other).await;
    let path = Centre::events_path(&phone);
    let push = phone.outbox(0);

    let (status, body) = exchange(centre.request(Method::POST, &path).json(&push)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refusal(&body).0, "unauthorized");

    let (status, body) = exchange(
        centre
            .authed(Method::POST, &path, &"f".repeat(64))
            .json(&push),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refusal(&body).0, "unauthorized");

    // Another device's token on this device's path: forbidden, for pushes and pulls.
    let (status, body) = exchange(
        centre
            .authed(Method::POST, &path, other.token())
            .json(&push),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refusal(&body).0, "forbidden");
    let pull = format!(
        "/v1/devices/{}/server-events?after=0",
        phone.device.device_id()
    );
    let (status, _) = exchange(centre.authed(Method::GET, &pull, other.token())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Blobs need a token too.
    let blob = centre
        .request(
            Method::PUT,
            &format!("/v1/blobs/{}?offset=0", "a".repeat(64)),
        )
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(json(blob).await.0, StatusCode::UNAUTHORIZED);

    // A revoked device's token stops working.
    assert!(
        centre
            .running()
            .ledger()
            .revoke_device(phone.device.device_id())
            .await
            .unwrap()
    );
    let (status, body) = exchange(
        centre
            .authed(Method::POST, &path, phone.token())
            .json(&push),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(refusal(&body).1.contains("revoked"));
}
on_both_backends!(tokens_are_checked_and_bound_to_their_device);

async fn oversized_and_malformed_bodies_are_refused_with_an_error_body(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let path = Centre::events_path(&phone);

    // Over the limit, announced by Content-Length: refused before the body is read (a raw
    // socket: a client still writing the body may see the connection close before it reads
    // the answer).
    let (status, body) = raw_post(
        &centre,
        &path,
        phone.token(),
        Body::Length(MAX_BODY_BYTES + 1),
    );
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        refusal(&serde_json::from_str(&body).unwrap()).0,
        "too_large"
    );

    // Over the limit without a length (chunked): refused once the limit is passed.
    let (status, body) = raw_post(
        &centre,
        &path,
        phone.token(),
        Body::Chunked(MAX_BODY_BYTES + 64 * 1024),
    );
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        refusal(&serde_json::from_str(&body).unwrap()).0,
        "too_large"
    );

    // Not JSON; JSON of the wrong shape; unknown fields.
    for bad in [
        "{not json".to_string(),
        r#"{"events": 5, "vault": []}"#.to_string(),
        r#"{"events": [], "vault": [], "extra": 1}"#.to_string(),
        String::new(),
    ] {
        let (status, body) = exchange(
            centre
                .authed(Method::POST, &path, phone.token())
                .header("content-type", "application/json")
                .body(bad.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        let (code, message) = refusal(&body);
        assert_eq!(code, "bad_request");
        assert!(message.contains("not a valid push"), "{message}");
    }
    let (status, body) = exchange(centre.request(Method::POST, "/v1/enrol").body("[]")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refusal(&body).0, "bad_request");

    // More events than a push may hold.
    let one = phone.outbox(0).events[0].clone();
    let crowded = Push {
        events: vec![one; MAX_EVENTS_PER_PUSH + 1],
        vault: vec![],
    };
    let (status, body) = centre.push(&phone, &crowded).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refusal(&body).1.contains("at most 500 events"), "{body}");

    // Routes and methods that do not exist answer in the same shape.
    let (status, body) = exchange(centre.request(Method::GET, "/v1/nothing")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(refusal(&body).0, "not_found");
    let (status, body) = exchange(centre.request(Method::DELETE, "/v1/enrol")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(refusal(&body).0, "bad_request");
    // A device id that is not one.
    let (status, _) = exchange(
        centre
            .authed(Method::POST, "/v1/devices/not-a-uuid/events", phone.token())
            .json(&phone.outbox(0)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
on_both_backends!(oversized_and_malformed_bodies_are_refused_with_an_error_body);

enum Body {
    /// Announces this length and sends none of it.
    Length(usize),
    /// Sends this many bytes in chunks, as long as the server reads them.
    Chunked(usize),
}

/// POSTs over a raw socket; the status and body of the answer.
fn raw_post(centre: &Centre, path: &str, token: &str, body: Body) -> (u16, String) {
    let addr = centre.running().local_addr();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{PROTOCOL_HEADER}: 1\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Connection: close\r\n"
    )
    .unwrap();
    let size = match body {
        Body::Length(n) => {
            write!(stream, "Content-Length: {n}\r\n\r\n").unwrap();
            0
        }
        Body::Chunked(n) => {
            write!(stream, "Transfer-Encoding: chunked\r\n\r\n").unwrap();
            n
        }
    };
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < size {
        let header = format!("{:x}\r\n", chunk.len());
        let ok = stream.write_all(header.as_bytes()).is_ok()
            && stream.write_all(&chunk).is_ok()
            && stream.write_all(b"\r\n").is_ok();
        if !ok {
            break; // the server answered and closed: read what it said
        }
        sent += chunk.len();
    }
    if size > 0 {
        let _ = stream.write_all(b"0\r\n\r\n");
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).to_string();
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    assert!(
        text.to_ascii_lowercase().contains("redshield-server-time:"),
        "{text}"
    );
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    // A chunked response body: take the JSON between the first '{' and the last '}'.
    let body = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) => body[a..=b].to_string(),
        _ => body,
    };
    (status, body)
}

fn sha256(bytes: &[u8]) -> Digest {
    Digest::of(&[bytes])
}

async fn a_blob_upload_resumes_after_an_interruption_and_is_verified_whole(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let token = phone.token().to_string();
    // Its record first, as a device sends it: the centre takes only blobs records name.
    let (sha, data) = phone.record(1, 300_000);
    centre.push_ok(&phone, &phone.outbox(0)).await;
    let path = format!("/v1/blobs/{sha}");
    let chunks = [&data[..100_000], &data[100_000..200_000], &data[200_000..]];

    let head = || async {
        let response = centre
            .authed(Method::HEAD, &path, &token)
            .send()
            .await
            .unwrap();
        assert_server_time(&response);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        (
            response.status(),
            header("redshield-blob-received"),
            header("redshield-blob-complete"),
        )
    };
    let put = |offset: usize, chunk: Vec<u8>, last: bool| {
        let mut request = centre
            .authed(Method::PUT, &format!("{path}?offset={offset}"), &token)
            .body(chunk);
        if last {
            request = request.header("redshield-blob-final", "true");
        }
        async move {
            let (status, body) = exchange(request).await;
            (status, body)
        }
    };
    assert_eq!(head().await.0, StatusCode::NOT_FOUND);

    let (status, body) = put(0, chunks[0].to_vec(), false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let receipt: BlobReceipt = serde_json::from_value(body).unwrap();
    assert_eq!((receipt.received, receipt.complete), (100_000, false));
    assert_eq!(receipt.sha256, sha);

    // The connection dropped; the client sends the third chunk as if the second had arrived.
    let (status, body) = put(200_000, chunks[2].to_vec(), true).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let held: BlobReceipt = serde_json::from_value(body).unwrap();
    assert_eq!((held.received, held.complete), (100_000, false));
    let (status, received, complete) = head().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(received.as_deref(), Some("100000"));
    assert_eq!(complete.as_deref(), Some("false"));

    // It resumes where the centre says.
    let (status, body) = put(100_000, chunks[1].to_vec(), false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["received"], 200_000);
    let (status, body) = put(200_000, chunks[2].to_vec(), true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let done: BlobReceipt = serde_json::from_value(body).unwrap();
    assert_eq!((done.received, done.complete), (300_000, true));
    let (status, received, complete) = head().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(received.as_deref(), Some("300000"));
    assert_eq!(complete.as_deref(), Some("true"));

    let hex = sha.to_hex();
    let stored = centre.dir.path().join("blobs").join(&hex[..2]).join(&hex);
    assert_eq!(std::fs::read(&stored).unwrap(), data);
    assert!(!centre.dir.path().join("blobs/partial").join(&hex).exists());
    let modified = std::fs::metadata(&stored).unwrap().modified().unwrap();

    // Sent again: answered complete, nothing written.
    let (status, body) = put(0, b"not the blob".to_vec(), true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["complete"], true);
    assert_eq!(body["received"], 300_000);
    assert_eq!(std::fs::read(&stored).unwrap(), data);
    assert_eq!(
        std::fs::metadata(&stored).unwrap().modified().unwrap(),
        modified
    );

    // Complete after a restart too.
    let mut centre = centre;
    centre.restart().await;
    let response = centre
        .authed(Method::HEAD, &path, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["redshield-blob-complete"], "true");
}
on_both_backends!(a_blob_upload_resumes_after_an_interruption_and_is_verified_whole);

async fn a_blob_that_does_not_hash_to_its_name_is_deleted(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let (named, real) = phone.record(2, 2_000);
    centre.push_ok(&phone, &phone.outbox(0)).await;
    let mut forged = real.clone();
    forged[1_000] ^= 0xff;
    let path = format!("/v1/blobs/{named}");
    let put = |offset: usize, body: Vec<u8>, last: bool| {
        let mut request = centre
            .authed(
                Method::PUT,
                &format!("{path}?offset={offset}"),
                phone.token(),
            )
            .body(body);
        if last {
            request = request.header("redshield-blob-final", "true");
        }
        async move { exchange(request).await }
    };
    let (status, _) = put(0, forged[..900].to_vec(), false).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = put(900, forged[900..].to_vec(), true).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (code, message) = refusal(&body);
    assert_eq!(code, "bad_request");
    assert!(message.contains(&sha256(&forged).to_hex()), "{message}");

    let head = centre
        .authed(Method::HEAD, &path, phone.token())
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::NOT_FOUND);
    let hex = named.to_hex();
    assert!(!centre.dir.path().join("blobs/partial").join(&hex).exists());
    assert!(
        !centre
            .dir
            .path()
            .join("blobs")
            .join(&hex[..2])
            .join(&hex)
            .exists()
    );

    // The right bytes, from the start, complete it.
    let (status, body) = put(0, real, true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["complete"], true);

    // Not a blob name.
    let (status, _) = exchange(
        centre
            .authed(Method::PUT, "/v1/blobs/ABC?offset=0", phone.token())
            .body("x"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // No offset.
    let (status, _) = exchange(centre.authed(Method::PUT, &path, phone.token()).body("x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
on_both_backends!(a_blob_that_does_not_hash_to_its_name_is_deleted);

async fn metrics_count_requests_events_and_blobs(backend: Backend) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    phone.open_case(1);
    let (_, blob) = phone.record(3, 1_000);
    centre.enrol(&mut phone).await;
    let push = phone.outbox(0);
    centre.push_ok(&phone, &push).await;
    centre.push_ok(&phone, &push).await;
    let (status, _) = exchange(
        centre
            .authed(
                Method::PUT,
                &format!("/v1/blobs/{}?offset=0", sha256(&blob)),
                phone.token(),
            )
            .header("redshield-blob-final", "true")
            .body(blob),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let _ = centre
        .request(Method::POST, "/v1/devices/x/events")
        .send()
        .await;

    let text = centre
        .client
        .get(centre.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let n = push.events.len();
    for line in [
        "redshield_http_requests_total{route=\"/v1/enrol\",status=\"200\"} 1".to_string(),
        "redshield_http_requests_total{route=\"/v1/devices/{device_id}/events\",status=\"200\"} 2"
            .to_string(),
        "redshield_http_requests_total{route=\"/v1/devices/{device_id}/events\",status=\"401\"} 1"
            .to_string(),
        "redshield_http_requests_total{route=\"/v1/blobs/{sha256}\",status=\"200\"} 1".to_string(),
        format!("redshield_events_stored_total {n}"),
        format!("redshield_events_duplicate_total {n}"),
        "redshield_forks_total 0".to_string(),
        "redshield_enrolments_total 1".to_string(),
        "redshield_blobs_completed_total 1".to_string(),
        "redshield_blob_bytes_received_total 1000".to_string(),
        "# TYPE redshield_events_stored_total counter".to_string(),
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "{line:?} missing from\n{text}"
        );
    }
}
on_both_backends!(metrics_count_requests_events_and_blobs);

async fn shutdown_finishes_the_request_in_flight_and_then_refuses_connections(backend: Backend) {
    let mut centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let (sha, data) = phone.record(4, 200_000);
    centre.push_ok(&phone, &phone.outbox(0)).await;
    let addr = centre.running().local_addr();
    let token = phone.token().to_string();

    // Half a request is sent...
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "PUT /v1/blobs/{sha}?offset=0 HTTP/1.1\r\nHost: {addr}\r\n{PROTOCOL_HEADER}: 1\r\n\
         Authorization: Bearer {token}\r\nredshield-blob-final: true\r\n\
         Content-Length: {}\r\n\r\n",
        data.len()
    )
    .unwrap();
    stream.write_all(&data[..100_000]).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    // ...when the server is asked to stop.
    let running = centre.running.take().unwrap();
    let stopping = tokio::spawn(running.shutdown());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !stopping.is_finished(),
        "it waits for the request in flight"
    );

    stream.write_all(&data[100_000..]).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"complete\":true"), "{text}");
    tokio::time::timeout(std::time::Duration::from_secs(10), stopping)
        .await
        .expect("stopped once the request was answered")
        .unwrap();
    assert!(TcpStream::connect(addr).is_err(), "no longer accepting");

    // What the request stored is there on the next start.
    let hex = sha.to_hex();
    assert_eq!(
        std::fs::read(centre.dir.path().join("blobs").join(&hex[..2]).join(&hex)).unwrap(),
        data
    );
    centre.start_again().await;
    let head = centre
        .authed(Method::HEAD, &format!("/v1/blobs/{sha}"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.headers()["redshield-blob-complete"], "true");
}
on_both_backends!(shutdown_finishes_the_request_in_flight_and_then_refuses_connections);
