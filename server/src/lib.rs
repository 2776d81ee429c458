//! Redshield's central service: it receives every device's signed events, vault rows and
//! blobs over protocol v1 (`redshield_core::sync::protocol`), and publishes the centre's own
//! signed server events to them. See DESIGN.md §2 "The event log" and "Sync".
//!
//! `redshield serve` runs it through [`run_until_signal`]; tests and tools [`start`] it and
//! hold the [`Running`] server.
//!
//! The data directory holds `ledger.sqlite` (the ledger, unless `Config::database` names a
//! PostgreSQL database), `centre.key` (the Ed25519 key that signs server events),
//! `admin.token` (the admin routes' token), `blobs/` and `replicas/`, all readable by the
//! service's user only (`private`).

pub mod abuse;
pub mod admin;
pub mod blobs;
pub mod decisions;
pub mod error;
pub mod http;
pub mod keys;
pub mod ledger;
pub mod limits;
pub mod metrics;
pub mod numbering;
pub mod private;
pub mod push;
pub mod replicas;
pub mod review;
pub mod service;
pub mod statistics;

use decisions::{Decided, DispatchOrder, PendingExtension};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use redshield_core::sync::protocol::ServerEvent;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub use error::{ApiError, ServerError};
pub use ledger::{Ledger, SqlLedger};
pub use limits::{Limits, RateLimit};
pub use service::IssuedCode;

use keys::{AdminToken, CentreKey};
use service::Service;

#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// Where the keys and the blobs live, and the SQLite ledger; created if missing.
    pub data_dir: PathBuf,
    /// Port 0 takes any free port (`Running::local_addr` tells which).
    pub listen: SocketAddr,
    /// The ledger: `None`, the embedded SQLite file in `data_dir`; or a PostgreSQL URL
    /// (`postgres://user:password@host:port/dbname`), connected to without TLS.
    pub database: Option<String>,
    /// Each device's share of the blob store; failed attempts allowed per client address.
    pub limits: Limits,
}

/// Shown without the database password.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field(
                "database",
                &self.database.as_deref().map(ledger::redacted_url),
            )
            .field("limits", &self.limits)
            .finish()
    }
}

impl Config {
    /// Where the ledger is, for logs: the SQLite file, or the URL with its password masked.
    pub fn ledger_location(&self) -> String {
        match &self.database {
            Some(url) => ledger::redacted_url(url),
            None => self
                .data_dir
                .join(ledger::SQLITE_FILE_NAME)
                .display()
                .to_string(),
        }
    }

    /// Opens (creating and migrating) the ledger `database` names: PostgreSQL, or by default
    /// the SQLite file in `data_dir`.
    pub async fn open_ledger(&self) -> Result<SqlLedger, ledger::LedgerError> {
        SqlLedger::open(&self.data_dir, self.database.as_deref()).await
    }
}

/// A server answering requests. Dropping it stops the server too (without waiting for
/// in-flight requests); `shutdown` waits for them.
pub struct Running<L: Ledger = SqlLedger> {
    local_addr: SocketAddr,
    service: Arc<Service<L>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Starts the server on the ledger `config.database` names: PostgreSQL, or by default the
/// SQLite file in `config.data_dir`.
pub async fn start(config: Config) -> Result<Running, ServerError> {
    prepare_dir(&config)?;
    let ledger = config.open_ledger().await?;
    tracing::info!(ledger = %config.ledger_location(), "ledger open");
    start_with(config, ledger).await
}

fn dir_error(config: &Config) -> impl Fn(std::io::Error) -> ServerError + '_ {
    |source| ServerError::DataDir {
        path: config.data_dir.clone(),
        source,
    }
}

fn prepare_dir(config: &Config) -> Result<(), ServerError> {
    private::create_dir(&config.data_dir).map_err(dir_error(config))?;
    blobs::create_dirs(&config.data_dir).map_err(dir_error(config))
}

/// Makes what an earlier version left in the data directory owner only (one walk, at start).
async fn tighten_dir(config: &Config) -> Result<(), ServerError> {
    let dir = config.data_dir.clone();
    let changed = tokio::task::spawn_blocking(move || private::tighten(&dir))
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))
        .and_then(|r| r)
        .map_err(dir_error(config))?;
    if changed > 0 {
        tracing::info!(changed, "data directory made readable by this user only");
    }
    Ok(())
}

/// Starts the server on any ledger.
pub async fn start_with<L: Ledger>(config: Config, ledger: L) -> Result<Running<L>, ServerError> {
    prepare_dir(&config)?;
    tighten_dir(&config).await?;
    let centre = CentreKey::load_or_create(&config.data_dir)?;
    let admin = AdminToken::load_or_create(&config.data_dir)?;
    ledger.health().await?;
    let service = Arc::new(Service::new(
        ledger,
        centre,
        admin,
        &config,
        keys::blind_key(&config.data_dir)?,
    ));
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Listen {
            addr: config.listen,
            source,
        })?;
    let local_addr = listener
        .local_addr()
        .map_err(|source| ServerError::Listen {
            addr: config.listen,
            source,
        })?;
    // Before the first request: a replica a crash left behind is brought up to the ledger.
    service.catch_up_all().await?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = http::router(service.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                // A sent signal or a dropped `Running`: stop either way.
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(
        %local_addr,
        data_dir = %config.data_dir.display(),
        centre_key = %hex::encode(service.centre.public_key().as_bytes()),
        "redshield centre listening"
    );
    Ok(Running {
        local_addr,
        service,
        stop: Some(stop),
        task: Some(task),
    })
}

impl<L: Ledger> Running<L> {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections, lets in-flight requests finish, and returns when the
    /// server has stopped.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => tracing::info!("redshield centre stopped"),
                Ok(Err(e)) => tracing::error!(error = %e, "redshield centre stopped with an error"),
                Err(e) => tracing::error!(error = %e, "redshield centre task failed"),
            }
        }
    }

    /// Issues a one-time enrolment code valid for `ttl` (at most 30 days), grouped for
    /// reading out (`ABCD-EFGH-JKMN`). Only its hash is kept.
    pub async fn issue_enrolment_code(&self, ttl: Duration) -> Result<String, ServerError> {
        Ok(self.service.issue_enrolment_code(ttl).await?.code)
    }

    /// Like `issue_enrolment_code`, with the code's expiry.
    pub async fn issue_enrolment_code_with_expiry(
        &self,
        ttl: Duration,
    ) -> Result<IssuedCode, ServerError> {
        self.service.issue_enrolment_code(ttl).await
    }

    /// Publishes a server event for `device` (or for every device: `None`), numbered in the
    /// server's sequence and signed with the centre key. The body holds no floating point.
    pub async fn publish(
        &self,
        device: Option<Uuid>,
        event_type: &str,
        body: serde_json::Value,
    ) -> Result<ServerEvent, ServerError> {
        self.service.publish(device, event_type, body).await
    }

    /// Assigns a case to another device (ownership transfer); see `Service::assign_case`.
    pub async fn assign_case(&self, case_id: Uuid, device: Uuid) -> Result<Decided, ServerError> {
        let event = self.service.assign_case(case_id, device).await?;
        Ok(decisions::decided(case_id, &event))
    }

    /// Closes a case by a decision of the centre; see `Service::close_case`.
    pub async fn close_case(
        &self,
        case_id: Uuid,
        outcome: redshield_core::cases::Outcome,
    ) -> Result<Decided, ServerError> {
        let event = self.service.close_case(case_id, outcome).await?;
        Ok(decisions::decided(case_id, &event))
    }

    /// Sends a vehicle to a case; see `Service::dispatch`.
    pub async fn dispatch(&self, order: DispatchOrder) -> Result<Decided, ServerError> {
        self.service.dispatch(order).await
    }

    /// 督办; see `Service::supervise`.
    pub async fn supervise(
        &self,
        case_id: Uuid,
        due_on: &str,
        note: &str,
    ) -> Result<Decided, ServerError> {
        self.service.supervise(case_id, due_on, note).await
    }

    /// Answers an extension request; see `Service::decide_extension`.
    pub async fn decide_extension(
        &self,
        case_id: Uuid,
        clock: redshield_core::clocks::ClockKind,
        approved: bool,
    ) -> Result<Decided, ServerError> {
        self.service
            .decide_extension(case_id, clock, approved)
            .await
    }

    /// Conflicts and forks of every device, or only the open ones; see `Service::flagged`.
    pub async fn flagged(&self, open_only: bool) -> Result<Vec<review::Flagged>, ServerError> {
        self.service.flagged(open_only).await
    }

    /// Resolves a device's conflict or forks at `seq` with a note; see `Service::resolve`.
    pub async fn resolve(
        &self,
        device: Uuid,
        flag: ledger::Flag,
        seq: u64,
        note: &str,
    ) -> Result<(), ServerError> {
        self.service.resolve(device, flag, seq, note).await
    }

    /// Publishes the officer roster; see `Service::publish_roster`.
    pub async fn publish_roster(
        &self,
        officers: Vec<redshield_core::roster::RosterEntry>,
    ) -> Result<ServerEvent, ServerError> {
        let roster = redshield_core::sync::protocol::RosterPublished { officers };
        self.service.publish_roster(roster).await
    }

    /// Publishes the rule-set parameters; see `Service::publish_parameters`.
    pub async fn publish_parameters(
        &self,
        p: redshield_core::parameters::Parameters,
    ) -> Result<ServerEvent, ServerError> {
        self.service.publish_parameters(p).await
    }

    /// The parameters in force (the last published, else the defaults).
    pub async fn parameters(&self) -> Result<redshield_core::parameters::Parameters, ServerError> {
        self.service.parameters().await
    }

    /// The roster last published.
    pub async fn roster(&self) -> Result<Vec<redshield_core::roster::RosterEntry>, ServerError> {
        self.service.roster().await
    }

    /// Extension requests not yet answered, from every device.
    pub async fn pending_extensions(&self) -> Result<Vec<PendingExtension>, ServerError> {
        self.service.pending_extensions().await
    }

    /// Every enrolled device as the centre's staff see it.
    pub async fn devices(&self) -> Result<admin::Devices, ServerError> {
        self.service.devices().await
    }

    /// Publishes the departments directory to every device.
    pub async fn publish_departments(
        &self,
        directory: redshield_core::sync::protocol::DepartmentsPublished,
    ) -> Result<ServerEvent, ServerError> {
        self.service.publish_departments(directory).await
    }

    /// Publishes the urban areas (GeoJSON) to every device; returns how many areas.
    pub async fn publish_urban_areas(&self, geojson: String) -> Result<usize, ServerError> {
        Ok(self.service.publish_urban_areas(geojson).await?.1)
    }

    /// Publishes a year's holidays and adjusted working days to every device.
    pub async fn publish_calendar_year(
        &self,
        data: redshield_core::calendar::years::YearData,
    ) -> Result<ServerEvent, ServerError> {
        self.service.publish_calendar_year(data).await
    }

    /// Every flagged complaint across all devices (Art. 17); see `Service::abuse_flags`.
    pub async fn abuse_flags(&self) -> Result<abuse::AbuseFlags, ServerError> {
        self.service.abuse_flags().await
    }

    /// The 12315 statistics of `period` over every device's replica, the cohort judged by
    /// the end of `as_of`.
    pub async fn statistics(
        &self,
        period: &redshield_core::statistics::Period,
        as_of: chrono::NaiveDate,
    ) -> Result<redshield_core::statistics::Statistics, ServerError> {
        self.service.statistics(period, as_of).await
    }

    /// Revokes a lost device (false: no such device).
    pub async fn revoke_device(&self, id: Uuid) -> Result<bool, ServerError> {
        self.service.revoke(id).await
    }

    /// The centre's public key (devices pin it at enrolment).
    pub fn centre_key(&self) -> [u8; 32] {
        self.service.centre.public_key().to_bytes()
    }

    /// The storage, for inspection (forks, held events).
    pub fn ledger(&self) -> &L {
        &self.service.ledger
    }

    /// The centre's replicas of the devices' stores (its projections).
    pub fn replicas(&self) -> &replicas::Replicas {
        &self.service.replicas
    }

    /// Where the admin token is kept.
    pub fn admin_token_path(&self) -> PathBuf {
        self.service.admin.path().to_path_buf()
    }

    /// For tests of crash recovery: the next push that stores events stops right after the
    /// ledger committed them, before the device's replica is brought up to date, and is
    /// answered `503` — as if the process had died between the two steps.
    #[doc(hidden)]
    pub fn fail_next_push_after_commit(&self) {
        self.service.fail_points.arm_after_commit();
    }
}

impl<L: Ledger> Drop for Running<L> {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Runs the server until Ctrl-C or SIGTERM, then shuts it down gracefully (`redshield serve`).
pub async fn run_until_signal(config: Config) -> Result<(), ServerError> {
    let running = start(config).await?;
    let signal = shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await;
    signal
}

async fn shutdown_signal() -> Result<(), ServerError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).map_err(ServerError::Signal)?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map_err(ServerError::Signal),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map_err(ServerError::Signal)
    }
}
