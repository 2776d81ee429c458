//! `redshield serve` (the central service) and `redshield centre …` (its staff's commands; the
//! full admin API comes with the centre issue).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use redshield_core::sync::protocol::{PROTOCOL, PROTOCOL_HEADER};
use serde_json::{Value, json};

use crate::Failure;
use crate::output::Output;

#[derive(Args)]
pub struct Serve {
    /// Where the ledger, the centre key, the admin token and the blobs live.
    #[arg(long, env = "REDSHIELD_DATA", default_value = "./redshield-data")]
    data: PathBuf,
    #[arg(long, env = "REDSHIELD_LISTEN", default_value = "127.0.0.1:8315")]
    listen: SocketAddr,
}

#[derive(Subcommand)]
pub enum CentreCommand {
    /// Issue a one-time enrolment code for a device (asks the running service).
    EnrolCode {
        #[arg(
            long,
            env = "REDSHIELD_SERVER",
            default_value = "http://127.0.0.1:8315"
        )]
        server: String,
        /// The service's data directory, for its admin token (`<data>/admin.token`).
        #[arg(long, env = "REDSHIELD_DATA", default_value = "./redshield-data")]
        data: PathBuf,
        /// How long the code stays valid.
        #[arg(long, default_value_t = 24)]
        hours: u64,
        /// The centre's CA certificate (PEM), when it is not in the web PKI.
        #[arg(long)]
        ca: Option<PathBuf>,
    },
}

pub fn serve(args: Serve) -> Result<(), Failure> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = redshield_server::Config {
        data_dir: args.data,
        listen: args.listen,
        database: None,
    };
    runtime()?
        .block_on(redshield_server::run_until_signal(config))
        .map_err(|e| Failure::Setup(e.to_string()))
}

pub fn run(command: CentreCommand, out: &Output) -> Result<(), Failure> {
    let CentreCommand::EnrolCode {
        server,
        data,
        hours,
        ca,
    } = command;
    let token = read(&data.join("admin.token"))?;
    let ca = ca.map(|path| read(&path)).transpose()?;
    let answer = runtime()?.block_on(issue_code(&server, token.trim(), hours, ca))?;
    let code = answer["code"].as_str().unwrap_or_default().to_string();
    out.print(answer.clone(), || code);
    Ok(())
}

async fn issue_code(
    server: &str,
    token: &str,
    hours: u64,
    ca: Option<String>,
) -> Result<Value, Failure> {
    let tls = redshield_core::sync::client::tls_config(ca.as_deref().map(str::as_bytes))
        .map_err(|e| Failure::Setup(e.to_string()))?;
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .map_err(|e| Failure::Setup(e.to_string()))?;
    let url = format!("{}/v1/admin/enrolment-codes", server.trim_end_matches('/'));
    let response = client
        .post(url)
        .bearer_auth(token)
        .header(PROTOCOL_HEADER, PROTOCOL.to_string())
        .header("content-type", "application/json")
        .body(json!({ "ttl_seconds": hours * 3600 }).to_string())
        .send()
        .await
        .map_err(|e| Failure::Setup(format!("the centre at {server}: {e}")))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| Failure::Setup(e.to_string()))?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|_| Failure::Setup(format!("HTTP {status}: not the centre's answer")))?;
    if !status.is_success() || value["code"].as_str().is_none() {
        return Err(Failure::Setup(format!(
            "the centre refused: {}",
            value["error"]["message"]
                .as_str()
                .unwrap_or("no reason given")
        )));
    }
    Ok(value)
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Setup(format!("{}: {e}", path.display())))
}

pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Setup(format!("no async runtime: {e}")))
}
