//! The central service for end-to-end tests: a real `redshield_server` on 127.0.0.1 with its
//! data in a temp dir, stopped, killed and restarted on the same data and port as a test needs,
//! and what it holds of a device, read back for comparison with the device's own store.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use redshield_core::api::FieldCore;
use redshield_core::cases::Case;
use redshield_core::evidence::Evidence;
use redshield_server::{Ledger, Running};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::LogRow;
use crate::postgres::{Backend, TestDatabase};

pub struct Centre {
    pub data: tempfile::TempDir,
    /// The centre's database when its ledger is PostgreSQL (dropped with the centre).
    pub database: Option<TestDatabase>,
    pub running: Option<Running>,
    /// The service's limits (the defaults unless a test sets its own).
    pub limits: redshield_server::Limits,
}

impl Centre {
    /// A centre on SQLite.
    pub async fn start() -> Centre {
        Centre::on(Backend::Sqlite).await
    }

    /// A centre whose ledger is `backend`: a new data directory, and a new database on
    /// PostgreSQL.
    pub async fn on(backend: Backend) -> Centre {
        Centre::with_limits(backend, redshield_server::Limits::default()).await
    }

    /// A centre on `backend` with its own limits.
    pub async fn with_limits(backend: Backend, limits: redshield_server::Limits) -> Centre {
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(TestDatabase::create().await),
        };
        let mut centre = Centre {
            data: tempfile::tempdir().unwrap(),
            database,
            running: None,
            limits,
        };
        centre.running = Some(
            centre
                .start_at("127.0.0.1:0".parse().unwrap())
                .await
                .unwrap(),
        );
        centre
    }

    /// The one place a test builds the server's `Config`: this centre's data and database.
    async fn start_at(&self, listen: SocketAddr) -> Result<Running, redshield_server::ServerError> {
        redshield_server::start(redshield_server::Config {
            data_dir: self.data.path().to_path_buf(),
            listen,
            database: self.database.as_ref().map(|d| d.url.clone()),
            limits: self.limits,
        })
        .await
    }

    pub fn running(&self) -> &Running {
        self.running.as_ref().expect("the centre runs")
    }

    pub fn addr(&self) -> SocketAddr {
        self.running().local_addr()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    pub async fn code(&self) -> String {
        self.running()
            .issue_enrolment_code(Duration::from_secs(600))
            .await
            .unwrap()
    }

    /// Stops the service gracefully and starts it again on the same data and port.
    pub async fn restart(&mut self) {
        let running = self.running.take().expect("the centre runs");
        let addr = running.local_addr();
        running.shutdown().await;
        self.running = Some(self.start_at(addr).await.unwrap());
    }

    /// Drops the service without waiting for the requests in flight (they may still finish, or
    /// not, as on a crash): returns the address it listened on.
    pub fn kill(&mut self) -> SocketAddr {
        let running = self.running.take().expect("the centre runs");
        let addr = running.local_addr();
        drop(running);
        addr
    }

    /// Starts the service again on the same data at `addr`, waiting (briefly) for the port to
    /// be free: a killed server lets go of its listener in its own time.
    pub async fn revive(&mut self, addr: SocketAddr) {
        for _ in 0..200 {
            match self.start_at(addr).await {
                Ok(running) => {
                    self.running = Some(running);
                    return;
                }
                Err(redshield_server::ServerError::Listen { .. }) => {
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                Err(e) => panic!("the centre does not start again: {e}"),
            }
        }
        panic!("port {addr} stayed taken");
    }

    /// What the centre holds of `device`'s chain, in the form of `crate::device_log`.
    pub async fn log_of(&self, device: &FieldCore) -> Vec<LogRow> {
        self.log(device_uuid(device)).await
    }

    /// What the centre holds of the chain of device `id`.
    pub async fn log(&self, id: Uuid) -> Vec<LogRow> {
        self.running()
            .ledger()
            .events(id, 0, 1_000_000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.seq, e.canonical.into_bytes(), e.hash.0.to_vec()))
            .collect()
    }

    /// A case of `device` as the centre reads it: from its replica of the device's store,
    /// with the core's own projection code.
    pub async fn case_as_held(&self, device: &FieldCore, case_id: &str) -> Case {
        let case_id = case_id.to_string();
        self.running()
            .replicas()
            .read(device_uuid(device), move |r| {
                redshield_core::cases::read::get(r.conn(), &case_id)
            })
            .await
            .unwrap()
    }

    /// The evidence of a case of `device` as the centre reads it from its replica.
    pub async fn evidence_as_held(&self, device: &FieldCore, case_id: &str) -> Vec<Evidence> {
        let case_id = case_id.to_string();
        self.running()
            .replicas()
            .read(device_uuid(device), move |r| {
                redshield_core::evidence::projection::of_case(r.conn(), &case_id)
            })
            .await
            .unwrap()
    }

    /// How many forks of `device`'s chain the centre holds.
    pub async fn forks_of(&self, device: &FieldCore) -> usize {
        let forks = self.running().ledger().forks(device_uuid(device)).await;
        forks.unwrap().len()
    }

    /// The server seqs of the centre's events meant for `device` (its own and everyone's).
    pub async fn server_seqs_for(&self, device: &FieldCore) -> Vec<u64> {
        self.running()
            .ledger()
            .server_events(device_uuid(device), 0, 1_000_000)
            .await
            .unwrap()
            .iter()
            .map(|e| e.server_seq)
            .collect()
    }

    /// The file a whole blob is kept in (`server/src/blobs.rs`).
    pub fn blob_file(&self, sha256: &str) -> std::path::PathBuf {
        self.data
            .path()
            .join("blobs")
            .join(&sha256[..2])
            .join(sha256)
    }

    /// Uploads begun and not finished (`blobs/partial`).
    pub fn partial_uploads(&self) -> Vec<String> {
        std::fs::read_dir(self.data.path().join("blobs").join("partial"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// A counter of `/metrics` (since this server started), read over HTTP as a scraper would.
    pub async fn metric(&self, name: &str) -> u64 {
        let (_, _, body) = self.get("/metrics", &[]).await;
        let text = String::from_utf8(body).unwrap();
        text.lines()
            .find_map(|line| {
                line.strip_prefix(name)?
                    .strip_prefix(' ')?
                    .trim()
                    .parse()
                    .ok()
            })
            .unwrap_or_else(|| panic!("no {name} in /metrics:\n{text}"))
    }
}

pub fn device_uuid(device: &FieldCore) -> Uuid {
    Uuid::parse_str(&device.device_id()).unwrap()
}

/// Enrols `core` with the centre directly (no proxy), with a fresh code.
pub async fn enrol(centre: &Centre, core: &Arc<FieldCore>) {
    core.clone()
        .enrol(centre.url(), centre.code().await, None)
        .await
        .unwrap();
}

impl Centre {
    /// `GET path` over plain HTTP/1.1 with `headers`: (status, head, body).
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String, Vec<u8>) {
        self.request("GET", path, headers, "").await
    }

    /// `METHOD path` over plain HTTP/1.1 with `headers` and a body: (status, head, body).
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String, Vec<u8>) {
        let mut stream = tokio::net::TcpStream::connect(self.addr()).await.unwrap();
        let mut request =
            format!("{method} {path} HTTP/1.1\r\nhost: centre\r\nconnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() {
            request.push_str(&format!(
                "content-type: application/json\r\ncontent-length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP head");
        let head = String::from_utf8(answer[..split].to_vec()).unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        assert!(
            !head
                .to_ascii_lowercase()
                .contains("transfer-encoding: chunked"),
            "answers here carry their length: {head}"
        );
        (status, head, answer[split + 4..].to_vec())
    }

    /// `GET path` of the admin API with the admin token and the protocol header.
    pub async fn admin_get(&self, path: &str) -> (u16, String, Vec<u8>) {
        self.admin("GET", path, "").await
    }

    /// `METHOD path` of the admin API with a JSON body: (status, head, body).
    pub async fn admin(&self, method: &str, path: &str, body: &str) -> (u16, String, Vec<u8>) {
        let token = std::fs::read_to_string(self.running().admin_token_path()).unwrap();
        let bearer = format!("Bearer {}", token.trim());
        let protocol = redshield_core::sync::protocol::PROTOCOL.to_string();
        let headers = [
            ("authorization", bearer.as_str()),
            (
                redshield_core::sync::protocol::PROTOCOL_HEADER,
                protocol.as_str(),
            ),
        ];
        self.request(method, path, &headers, body).await
    }
}
