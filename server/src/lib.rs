//! Redshield's central service: it receives every device's signed events, vault rows and
//! blobs over protocol v1 (`redshield_core::sync::protocol`), and publishes the centre's own
//! signed server events to them. See DESIGN.md §2 "The event log" and "Sync".
//!
//! `redshield serve` runs it through [`run_until_signal`]; tests and tools [`start`] it and
//! hold the [`Running`] server, whose calls are its [`Service`]'s.
//!
//! The data directory holds `ledger.sqlite` (the ledger, unless `Config::database` names a
//! PostgreSQL database), `centre.key` (the Ed25519 key that signs server events),
//! `admin.token` (the admin routes' token), `blobs/` and `replicas/`, all readable by the
//! service's user only (`private`).

#![forbid(unsafe_code)]

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

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use error::{ApiError, ServerError};
pub use ledger::{Ledger, SqlLedger};
pub use limits::{Limits, RateLimit};
pub use service::{IssuedCode, Service};

use keys::{AdminToken, CentreKey};

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

/// A server answering requests; what it does is its [`Service`]'s, reached through it
/// (`running.publish(…)`). Dropping it stops the server too (without waiting for in-flight
/// requests); `shutdown` waits for them.
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
}

/// What the server does is the service's: a running server hands its calls on to it.
impl<L: Ledger> std::ops::Deref for Running<L> {
    type Target = Service<L>;

    fn deref(&self) -> &Service<L> {
        &self.service
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
