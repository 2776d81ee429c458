//! The centre's address a device accepts. Plain `http://` would carry the device token and
//! every name and phone number in clear, so it is taken only for a centre on the device itself
//! (loopback); anything else is refused when the client is made, before any request — these
//! tests send nothing anywhere but to a listener on 127.0.0.1.

use std::net::TcpListener;

use redshield_core::api::{CoreError, FieldCore};
use redshield_core::sync::client::{Client, SyncError};

/// Why `Client::new` refused `base`.
fn refusal(base: &str) -> String {
    match Client::new(base, None) {
        Err(SyncError::Setup(reason)) => reason,
        Err(other) => panic!("{base}: expected a setup error, got {other}"),
        Ok(_) => panic!("{base}: taken, but must be refused"),
    }
}

#[test]
fn plain_http_to_another_machine_is_refused() {
    for base in [
        "http://centre.example.gov.cn",
        "http://203.0.113.7:8315",
        "HTTP://CENTRE.EXAMPLE.GOV.CN/",
        // Loopback-looking, but the host is a domain under evil.com.
        "http://127.0.0.1.evil.com:8315",
        "http://localhost.evil.com",
        "http://[2001:db8::1]:8315",
        // Neither is this device, whatever the resolver makes of them.
        "http://foo.localhost",
        "http://[::ffff:127.0.0.1]",
        "http://0.0.0.0:8315",
        // Loopback in other spellings, which resolvers read differently: refused, not guessed.
        "http://127.1:8315",
        "http://0x7f.0.0.1",
    ] {
        let reason = refusal(base);
        assert!(
            reason.contains("plain HTTP to another machine"),
            "{base}: {reason}"
        );
        assert!(reason.contains("https://"), "{base}: {reason}");
    }
}

#[test]
fn user_names_and_passwords_are_refused_and_not_repeated() {
    for base in [
        // The host is evil.com; `localhost` is the user name.
        "http://localhost@evil.com",
        "http://127.0.0.1@evil.com:8315",
        "http://officer:s3cret@127.0.0.1:8315",
        "https://officer:s3cret@centre.example.gov.cn",
    ] {
        let reason = refusal(base);
        assert!(reason.contains("user name or password"), "{base}: {reason}");
        assert!(!reason.contains("s3cret"), "{base}: {reason}");
    }
}

#[test]
fn other_schemes_queries_and_non_urls_are_refused() {
    for (base, words) in [
        ("ftp://centre.example.gov.cn", "is ftp:, not https://"),
        ("file:///etc/passwd", "is file:, not https://"),
        ("centre.example.gov.cn", "is not a URL"),
        ("", "is not a URL"),
        (
            "https://centre.example.gov.cn/?next=/v1",
            "query or fragment",
        ),
        ("http://127.0.0.1:8315#x", "query or fragment"),
    ] {
        let reason = refusal(base);
        assert!(reason.contains(words), "{base}: {reason}");
    }
}

#[test]
fn https_anywhere_and_plain_http_to_this_device_are_taken() {
    for base in [
        "https://12315.example.gov.cn",
        "https://12315.example.gov.cn/redshield/",
        "HTTPS://Centre.Example.Gov.CN",
        "http://127.0.0.1:8315",
        "http://127.8.9.10:8315/",
        "http://localhost:8315",
        "HTTP://LOCALHOST:8315",
        "http://[::1]:8315",
        " http://127.0.0.1:8315 ",
    ] {
        if let Err(e) = Client::new(base, None) {
            panic!("{base}: refused: {e}");
        }
    }
}

/// Through the apps' call: the refusal is an `InvalidInput` on `server`, made before any
/// connection (a listener on the address's own host and port hears nothing), and nothing is
/// saved. An HTTP client would have sent the user name and password as a Basic authorisation.
#[tokio::test]
async fn enrolment_is_refused_before_any_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let core = FieldCore::open(
        dir.path().display().to_string(),
        redshield_testkit::TestPlatform::new(),
    )
    .unwrap();
    core.sign_in("李明".into(), "HN-12315-0042".into()).unwrap();

    let server = format!("http://officer:s3cret@127.0.0.1:{port}");
    let result = core
        .clone()
        .enrol(server, "96T6-JV35-5332".into(), None)
        .await;
    match result {
        Err(CoreError::InvalidInput { field, reason }) => {
            assert_eq!(field, "server");
            assert!(reason.contains("user name or password"), "{reason}");
        }
        other => panic!("expected InvalidInput on server, got {other:?}"),
    }
    let heard = listener.accept();
    assert!(
        matches!(&heard, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "a connection reached the listener: {heard:?}"
    );
    assert!(matches!(
        core.sync(None, None).await,
        Err(CoreError::NotEnrolled)
    ));
}
