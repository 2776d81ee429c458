//! What the server's tests share: a real server on 127.0.0.1:0 over a real ledger — a SQLite
//! file in a temp dir, or a fresh database on the PostgreSQL server that
//! `REDSHIELD_TEST_POSTGRES` names — a client that speaks protocol v1, and phones: real core
//! stores making real events.
//!
//! Each test is one `async fn(Backend)`, run on both ledgers by `on_both_backends!`.

use std::path::Path;
use std::time::Duration;

use redshield_core::Device;
use redshield_core::events::Digest;
use redshield_core::evidence::{EvidenceKind, NewEvidence};
use redshield_core::officer::Officer;
use redshield_core::sync::protocol::{
    EnrolRequest, Enrolled, PROTOCOL, PROTOCOL_HEADER, Push, PushReceipt,
};
use redshield_core::sync::wire;
use redshield_server::{Config, Limits, Running};
use redshield_testkit::{TestPlatform, complaint_from as complaint};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use tempfile::TempDir;

// --- the two ledgers: `redshield_testkit::postgres`, shared with the end-to-end tests ---

pub use redshield_testkit::on_both_backends;
pub use redshield_testkit::postgres::{Backend, TestDatabase};

// --- the phone's side: a platform and a store ---

/// A phone: a core store in its own directory.
pub struct Phone {
    pub dir: TempDir,
    pub device: Device,
    /// The bearer token, once enrolled.
    pub token: Option<String>,
}

impl Phone {
    /// A store with an officer signed in: its first events.
    pub fn new() -> Phone {
        let dir = TempDir::new().unwrap();
        let mut device = Device::open(dir.path(), TestPlatform::new()).unwrap();
        device
            .sign_in(Officer::new("李明", "HN-12315-0042").unwrap())
            .unwrap();
        Phone {
            dir,
            device,
            token: None,
        }
    }

    /// A second store with this one's identity and log so far: the two fork from here on.
    /// (A restored backup does this; the store is kept out of backups to prevent it.)
    pub fn clone_store(&mut self) -> Phone {
        let copy = TempDir::new().unwrap();
        // Closed first, so its WAL is folded in and the copy is whole.
        let placeholder = TempDir::new().unwrap();
        let closed = std::mem::replace(
            &mut self.device,
            Device::open(placeholder.path(), TestPlatform::new()).unwrap(),
        );
        drop(closed);
        copy_dir(self.dir.path(), copy.path());
        self.device = Device::open(self.dir.path(), TestPlatform::new()).unwrap();
        let device = Device::open(copy.path(), TestPlatform::new()).unwrap();
        Phone {
            dir: copy,
            device,
            token: self.token.clone(),
        }
    }

    pub fn open_case(&mut self, n: usize) {
        self.device
            .open_case(&complaint(&format!("王芳{n}")))
            .unwrap();
    }

    /// A recording of `bytes` bytes taken into a new case's evidence (`n` varies its bytes):
    /// its original's name and bytes. Its record names it, so once pushed the centre takes it.
    pub fn record(&mut self, n: u64, bytes: usize) -> (Digest, Vec<u8>) {
        let path = self.dir.path().join(format!("interview-{n}.m4a"));
        redshield_testkit::recording(&path, n, bytes);
        let case = self
            .device
            .open_case(&complaint(&format!("录音{n}")))
            .unwrap();
        let evidence = self
            .device
            .add_evidence(&NewEvidence {
                case_id: case.id,
                path: path.display().to_string(),
                kind: EvidenceKind::Recording,
                note: None,
                caption: false,
                place: None,
                place_time_ms: None,
                rendition: None,
            })
            .unwrap();
        let data = std::fs::read(&path).unwrap();
        let sha = Digest::from_hex(&evidence.sha256).unwrap();
        assert_eq!(sha, Digest::of(&[&data]));
        (sha, data)
    }

    pub fn head_seq(&self) -> u64 {
        self.device.head().seq
    }

    /// Events after `after`, with their vault rows.
    pub fn outbox(&self, after: u64) -> Push {
        let (events, vault) = wire::outbox(self.device.connection(), after, 10_000).unwrap();
        Push { events, vault }
    }

    pub fn enrol_request(&self, code: &str) -> EnrolRequest {
        EnrolRequest {
            code: code.to_string(),
            device_id: self.device.device_id(),
            public_key: hex::encode(self.device.public_key()),
            device_prefix: self.device.device_prefix().to_string(),
            app_version: "0.1.0-test".into(),
        }
    }

    pub fn token(&self) -> &str {
        self.token.as_deref().expect("enrolled")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

// --- the centre's side ---

pub struct Centre {
    /// First, so the server stops before its storage goes.
    pub running: Option<Running>,
    pub dir: TempDir,
    pub database: Option<TestDatabase>,
    pub base: String,
    pub client: reqwest::Client,
    /// The service's limits (the defaults unless a test sets its own).
    pub limits: Limits,
}

impl Centre {
    /// A new centre on `backend`: a new data directory, and a new database on PostgreSQL.
    pub async fn start(backend: Backend) -> Centre {
        Centre::with_limits(backend, Limits::default()).await
    }

    /// A new centre on `backend` with its own limits.
    pub async fn with_limits(backend: Backend, limits: Limits) -> Centre {
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(TestDatabase::create().await),
        };
        let mut centre = Centre {
            running: None,
            dir: TempDir::new().unwrap(),
            database,
            limits,
            base: String::new(),
            client: client_from(None),
        };
        centre.start_again().await;
        centre
    }

    /// How this centre is started: its data directory and database, any free port.
    pub fn config(&self) -> Config {
        Config {
            data_dir: self.dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse().unwrap(),
            database: self.database.as_ref().map(|d| d.url.clone()),
            limits: self.limits,
        }
    }

    pub fn running(&self) -> &Running {
        self.running.as_ref().expect("running")
    }

    /// Starts a server on this centre's data and database (the last one has stopped).
    pub async fn start_again(&mut self) {
        let running = redshield_server::start(self.config()).await.unwrap();
        let on_postgres = running.ledger().is_postgres();
        assert_eq!(on_postgres, self.database.is_some(), "the ledger asked for");
        self.base = format!("http://{}", running.local_addr());
        self.running = Some(running);
    }

    /// Stops the server gracefully and starts a new one on the same data and database.
    pub async fn restart(&mut self) {
        self.running.take().expect("running").shutdown().await;
        self.start_again().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The admin routes' token, from the data directory.
    pub fn admin_token(&self) -> String {
        std::fs::read_to_string(self.running().admin_token_path())
            .unwrap()
            .trim()
            .to_string()
    }

    /// A request naming protocol v1 with the admin token.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.authed(method, path, &self.admin_token())
    }

    /// A request naming protocol v1.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header(PROTOCOL_HEADER, PROTOCOL.to_string())
    }

    /// A request naming protocol v1 with a bearer token.
    pub fn authed(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(token)
    }

    pub async fn code(&self) -> String {
        self.running()
            .issue_enrolment_code(Duration::from_secs(3600))
            .await
            .unwrap()
    }

    pub async fn enrol(&self, phone: &mut Phone) -> Enrolled {
        let code = self.code().await;
        let (status, body) = json(
            self.request(Method::POST, "/v1/enrol")
                .json(&phone.enrol_request(&code))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let enrolled: Enrolled = serde_json::from_value(body).unwrap();
        phone.token = Some(enrolled.token.clone());
        enrolled
    }

    pub fn events_path(phone: &Phone) -> String {
        format!("/v1/devices/{}/events", phone.device.device_id())
    }

    pub async fn push(&self, phone: &Phone, push: &Push) -> (StatusCode, Value) {
        json(
            self.authed(Method::POST, &Self::events_path(phone), phone.token())
                .json(push)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn push_ok(&self, phone: &Phone, push: &Push) -> PushReceipt {
        let (status, body) = self.push(phone, push).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }
}

/// Sends a request and reads its status and JSON body.
pub async fn exchange(request: RequestBuilder) -> (StatusCode, Value) {
    json(request.send().await.unwrap()).await
}

/// A response's status and JSON body, after checking what every response carries: the
/// `redshield-server-time` header, and `protocol` and `server_time_ms` in the body.
pub async fn json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    assert_server_time(&response);
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("status {status}: the body is not JSON ({e}): {text:?}"));
    assert_eq!(body["protocol"], PROTOCOL, "{body}");
    assert!(
        body["server_time_ms"]
            .as_i64()
            .is_some_and(|t| t > 1_600_000_000_000),
        "{body}"
    );
    (status, body)
}

pub fn assert_server_time(response: &Response) {
    let header = response
        .headers()
        .get("redshield-server-time")
        .unwrap_or_else(|| panic!("{} has no redshield-server-time", response.url()));
    let ms: i64 = header.to_str().unwrap().parse().unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    assert!((now - ms).abs() < 60_000, "server time {ms} against {now}");
}

/// The refusal code of an `ErrorBody`, checked to be one (and nothing else).
pub fn refusal(body: &Value) -> (String, String) {
    let parsed: redshield_core::sync::protocol::ErrorBody = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not an ErrorBody ({e}): {body}"));
    (parsed.error.code.as_str().to_string(), parsed.error.message)
}

/// An HTTP client, its connections from `local` if given (any 127.x.y.z address reaches the
/// centre on loopback: another client address, as the centre sees it).
pub fn client_from(local: Option<std::net::IpAddr>) -> reqwest::Client {
    reqwest::Client::builder()
        // The workspace's reqwest brings rustls without a provider (the phones choose
        // `ring`); these tests speak plain HTTP but the builder still wants one.
        .tls_backend_preconfigured(plain_tls())
        .timeout(Duration::from_secs(60))
        .local_address(local)
        .build()
        .unwrap()
}

fn plain_tls() -> rustls::ClientConfig {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
}
