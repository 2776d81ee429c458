//! The staff's HTTP client: how a `redshield centre …` command (and `redshield sim`) reaches
//! the running service's admin API with the admin token. Every staff command goes through
//! here; nothing here knows any command.

use std::path::PathBuf;

use clap::Args;
use redshield_core::sync::client::transport;
use redshield_core::sync::protocol::{PROTOCOL, PROTOCOL_HEADER};
use redshield_core::sync::transport::{Method, StatusCode};
use serde_json::Value;

use crate::failure::Failure;
use crate::files::read;
use crate::runtime::runtime;

/// How a staff command reaches the running service and proves it is the centre's staff.
#[derive(Args)]
pub struct AdminAccess {
    #[arg(
        long,
        env = "REDSHIELD_SERVER",
        default_value = "http://127.0.0.1:8315"
    )]
    server: String,
    /// The service's data directory, for its admin token (`<data>/admin.token`).
    #[arg(long, env = "REDSHIELD_DATA", default_value = "./redshield-data")]
    data: PathBuf,
    /// The centre's CA certificate (PEM), when it is not in the web PKI.
    #[arg(long)]
    ca: Option<PathBuf>,
}

impl AdminAccess {
    /// Sends an admin request with the admin token and returns the centre's JSON answer;
    /// anything else (a refusal, a page that is not the centre's) is an error.
    pub(crate) fn ask(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Failure> {
        runtime()?.block_on(self.ask_async(method, path, body))
    }

    /// `ask`, from inside a runtime.
    pub async fn ask_async(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Failure> {
        let (status, body) = self.exchange(method, path, body).await?;
        let value: Value = serde_json::from_slice(&body)
            .map_err(|_| Failure::setup(format!("HTTP {status}: not the centre's answer")))?;
        if !status.is_success() || value["protocol"].as_u64().is_none() {
            return refusal(status, &body);
        }
        Ok(value)
    }

    /// Gets a file the admin API makes (a workbook): its bytes, or the centre's refusal.
    pub(crate) fn download(&self, path: &str) -> Result<Vec<u8>, Failure> {
        let (status, body) = runtime()?.block_on(self.exchange("GET", path, None))?;
        if status.is_success() {
            return Ok(body);
        }
        refusal(status, &body)
    }

    async fn exchange(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Vec<u8>), Failure> {
        // The admin token goes nowhere in clear but to this machine, as a device's does.
        let token = read(&self.data.join("admin.token"))?;
        let ca = self.ca_pem()?;
        let centre =
            transport(&self.server, ca.as_deref()).map_err(|e| Failure::setup(e.to_string()))?;
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| Failure::setup(e.to_string()))?;
        let mut headers = vec![
            (PROTOCOL_HEADER, PROTOCOL.to_string()),
            ("authorization", format!("Bearer {}", token.trim())),
        ];
        let body = match body {
            Some(body) => {
                headers.push(("content-type", "application/json".into()));
                body.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let answer = centre
            .send(method, path, &headers, body)
            .await
            .map_err(|e| Failure::setup(format!("the centre at {}{path}: {e}", centre.centre())))?;
        Ok((answer.status, answer.body.to_vec()))
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// The centre's CA certificate (PEM), if one was named.
    pub fn ca_pem(&self) -> Result<Option<Vec<u8>>, Failure> {
        self.ca
            .as_ref()
            .map(|path| read(path).map(String::into_bytes))
            .transpose()
    }
}

/// The centre's refusal as a failure, with its reason when the answer is the centre's.
fn refusal<T>(status: StatusCode, body: &[u8]) -> Result<T, Failure> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| Failure::setup(format!("HTTP {status}: not the centre's answer")))?;
    Err(Failure::setup(format!(
        "the centre refused: {}",
        value["error"]["message"]
            .as_str()
            .unwrap_or("no reason given")
    )))
}
