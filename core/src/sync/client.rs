//! The device's HTTP client for protocol v1. TLS through rustls on the `ring` provider,
//! trusting the web PKI roots and, when given, the centre's own CA. An answer counts only when
//! its body is the protocol's JSON: a captive portal's login page answering 200, a proxy's
//! error page or a truncated body is `NotDelivered`, never success.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::events::Digest;
use crate::sync::protocol::{
    BLOB_COMPLETE_HEADER, BLOB_FINAL_HEADER, BLOB_RECEIVED_HEADER, BlobReceipt, EnrolRequest,
    Enrolled, ErrorBody, PROTOCOL, PROTOCOL_HEADER, Push, PushReceipt, RefusalCode, ServerEvents,
};

/// Why a request did not deliver.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The centre answered and refused, with its reason.
    #[error("the centre refused: {message} ({code})")]
    Refused { code: RefusalCode, message: String },
    /// No answer from the centre that proves anything: network down, timeout, or a body that
    /// is not the protocol (a captive portal, a proxy page, a cut connection).
    #[error("not delivered: {0}")]
    NotDelivered(String),
    /// The client could not be set up (a bad CA file, a bad URL).
    #[error("sync setup: {0}")]
    Setup(String),
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    retry: Retry,
}

/// How a request that is safe to repeat is retried while nothing proves delivery: `attempts`
/// in all, waiting `first`, then twice as long each time, each wait ±50 % at random so that a
/// fleet coming back into coverage together does not knock on the centre in step.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            attempts: 4,
            first: Duration::from_millis(250),
        }
    }
}

impl Retry {
    /// The wait before attempt `n + 1` (n ≥ 1).
    fn wait(&self, n: u32) -> Duration {
        let base = self.first.saturating_mul(1 << (n - 1).min(16));
        let mut byte = [0u8; 1];
        let jitter = match getrandom::fill(&mut byte) {
            Ok(()) => f64::from(byte[0]) / 255.0,
            Err(_) => 0.5,
        };
        base.mul_f64(0.5 + jitter)
    }
}

/// The field every answer carries, read before the rest: an answer in another protocol (or
/// none) is not the centre's.
#[derive(serde::Deserialize)]
struct Stamp {
    protocol: u32,
}

impl Client {
    /// A client for the centre at `base` (`https://…`; `http://` only to this device itself,
    /// see `centre_base`), trusting the web PKI and the CA certificates in `centre_ca_pem`, if
    /// given.
    pub fn new(base: &str, centre_ca_pem: Option<&[u8]>) -> Result<Client, SyncError> {
        let base = centre_base(base)?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(centre_ca_pem)?)
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| SyncError::Setup(e.to_string()))?;
        Ok(Client {
            http,
            base,
            retry: Retry::default(),
        })
    }

    pub async fn enrol(&self, request: &EnrolRequest) -> Result<Enrolled, SyncError> {
        let url = format!("{}/v1/enrol", self.base);
        self.send(self.http.post(url).json_body(request)?, None, false)
            .await
    }

    pub async fn push(
        &self,
        device: Uuid,
        token: &str,
        push: &Push,
    ) -> Result<PushReceipt, SyncError> {
        let url = format!("{}/v1/devices/{device}/events", self.base);
        // A push is idempotent on the server (device, seq, hash): safe to repeat.
        self.retrying(|| self.http.post(&url).json_body(push), token)
            .await
    }

    pub async fn pull(
        &self,
        device: Uuid,
        token: &str,
        after: u64,
    ) -> Result<ServerEvents, SyncError> {
        let url = format!(
            "{}/v1/devices/{device}/server-events?after={after}",
            self.base
        );
        self.retrying(|| Ok(self.http.get(&url)), token).await
    }

    /// How much of a blob the centre holds: (bytes, complete). Nothing held is (0, false).
    pub async fn blob_held(&self, token: &str, sha256: &Digest) -> Result<(u64, bool), SyncError> {
        let url = format!("{}/v1/blobs/{sha256}", self.base);
        let response = self
            .http
            .head(url)
            .header(PROTOCOL_HEADER, PROTOCOL.to_string())
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| SyncError::NotDelivered(causes(&e)))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        match response.status().as_u16() {
            404 => Ok((0, false)),
            401 | 403 => Err(SyncError::Refused {
                code: RefusalCode::Unauthorized,
                message: "the centre does not take this device's token".into(),
            }),
            200 => {
                let received = header(BLOB_RECEIVED_HEADER).and_then(|v| v.parse().ok());
                let complete = header(BLOB_COMPLETE_HEADER).map(|v| v == "true");
                received.zip(complete).ok_or_else(|| {
                    SyncError::NotDelivered("a 200 without the centre's blob headers".into())
                })
            }
            other => Err(SyncError::NotDelivered(format!(
                "HEAD of a blob: HTTP {other}"
            ))),
        }
    }

    /// A blob the device's records name, from the centre; `None` while the centre does not
    /// hold it whole or does not yet see it named (a case's records reach it with the next
    /// push). The caller checks the bytes against the name.
    pub async fn get_blob(
        &self,
        token: &str,
        sha256: &Digest,
    ) -> Result<Option<Vec<u8>>, SyncError> {
        let url = format!("{}/v1/blobs/{sha256}", self.base);
        let response = self
            .http
            .get(url)
            .header(PROTOCOL_HEADER, PROTOCOL.to_string())
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| SyncError::NotDelivered(causes(&e)))?;
        match response.status().as_u16() {
            200 => {
                let bytes = response
                    .bytes()
                    .await
                    .map_err(|e| SyncError::NotDelivered(causes(&e)))?;
                Ok(Some(bytes.to_vec()))
            }
            403 | 404 => Ok(None),
            401 => Err(SyncError::Refused {
                code: RefusalCode::Unauthorized,
                message: "the centre does not take this device's token".into(),
            }),
            other => Err(SyncError::NotDelivered(format!(
                "GET of a blob: HTTP {other}"
            ))),
        }
    }

    /// Sends one chunk of a blob at `offset`; `last` asks the centre to verify the whole. A
    /// receipt whose `received` differs from `offset + chunk` says where to resume.
    pub async fn put_blob_chunk(
        &self,
        token: &str,
        sha256: &Digest,
        offset: u64,
        chunk: &[u8],
        last: bool,
    ) -> Result<BlobReceipt, SyncError> {
        let url = format!("{}/v1/blobs/{sha256}?offset={offset}", self.base);
        let mut request = self.http.put(url).body(chunk.to_vec());
        if last {
            request = request.header(BLOB_FINAL_HEADER, "true");
        }
        self.send(request, Some(token), true).await
    }

    /// Sends a request that is safe to repeat, retrying while nothing proves delivery (or the
    /// centre says it is unavailable). Enrolment is not retried: its code is spent.
    async fn retrying<T: DeserializeOwned>(
        &self,
        request: impl Fn() -> Result<reqwest::RequestBuilder, SyncError>,
        token: &str,
    ) -> Result<T, SyncError> {
        let mut attempt = 1;
        loop {
            match self.send(request()?, Some(token), false).await {
                Err(e) if attempt < self.retry.attempts && transient(&e) => {
                    tracing::info!(attempt, error = %e, "sync: retrying");
                    tokio::time::sleep(self.retry.wait(attempt)).await;
                    attempt += 1;
                }
                done => return done,
            }
        }
    }

    /// Sends a request and reads the whole answer as protocol JSON of type `T` (each carries the
    /// server's time, which the caller samples against its monotonic clock).
    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        token: Option<&str>,
        conflict_is_answer: bool,
    ) -> Result<T, SyncError> {
        let mut request = request.header(PROTOCOL_HEADER, PROTOCOL.to_string());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| SyncError::NotDelivered(causes(&e)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| SyncError::NotDelivered(format!("the answer was cut: {}", causes(&e))))?;
        read_answer(status, &body, conflict_is_answer)
    }
}

/// Reads a whole answer of the centre as protocol JSON of type `T`: the centre's own refusal,
/// or what was asked for; anything else proves nothing (`NotDelivered`). Apart from `send`
/// so that what a device makes of a body can be tested and fuzzed without a network.
pub fn read_answer<T: DeserializeOwned>(
    status: reqwest::StatusCode,
    body: &[u8],
    conflict_is_answer: bool,
) -> Result<T, SyncError> {
    let stamp: Stamp = serde_json::from_slice(body).map_err(|_| not_protocol(status, body))?;
    if stamp.protocol != PROTOCOL {
        return Err(centre_too_old(body).unwrap_or_else(|| {
            SyncError::NotDelivered(format!(
                "the answer speaks protocol {}, not {PROTOCOL}",
                stamp.protocol
            ))
        }));
    }
    let answered =
        status.is_success() || (conflict_is_answer && status == reqwest::StatusCode::CONFLICT);
    if !answered {
        let refusal: ErrorBody =
            serde_json::from_slice(body).map_err(|_| not_protocol(status, body))?;
        return Err(SyncError::Refused {
            code: refusal.error.code,
            message: refusal.error.message,
        });
    }
    serde_json::from_slice(body).map_err(|_| not_protocol(status, body))
}

/// The centre's address, parsed and written back the parser's way, so that what is checked is
/// what is requested. Plain `http://` would carry the device token and every name and phone
/// number in clear, so a mistyped or planted address must not get it: it is taken only for a
/// centre on this device (`localhost`, 127.0.0.0/8, `[::1]`), which the tests and a centre run
/// beside the CLI use. A user name or password in the address is refused too (reqwest would
/// send it as a Basic authorisation, and `http://localhost@host` reads as loopback but is
/// not), and so are a query and a fragment, which the request paths would be appended to.
pub fn centre_base(base: &str) -> Result<String, SyncError> {
    let refused = |why: &str| SyncError::Setup(format!("the centre's address {why}"));
    let url = reqwest::Url::parse(base.trim())
        .map_err(|e| refused(&format!("{:?} is not a URL ({e})", base.trim())))?;
    let host = url.host_str().unwrap_or_default().to_string();
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused(&format!(
            "for {host} carries a user name or password; give the address alone"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refused(&format!(
            "for {host} has a query or fragment (after ? or #); give the address alone"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(refused(&format!(
                "http://{host} is plain HTTP to another machine: the device token and the \
                 cases' names and phone numbers would cross the network unencrypted. Use the \
                 centre's https:// address (plain http:// is only for a centre on this device: \
                 localhost, 127.x.x.x, [::1])"
            )));
        }
        other => {
            return Err(refused(&format!(
                "is {other}:, not https:// (the centre speaks HTTPS)"
            )));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// `localhost`, an address in 127.0.0.0/8, or `[::1]`, as the URL parser writes a host (lower
/// case, IPv4 in dotted decimal, IPv6 in brackets). Names under `.localhost` and IPv4-mapped
/// IPv6 are not taken: whether they reach this device depends on the resolver and the stack.
fn is_loopback(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    }
    host == "localhost"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A failed request with its causes: reqwest's own words ("error sending request for url …")
/// hide why — a certificate refused, a connection reset — which is what a user must be told.
fn causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

fn transient(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::NotDelivered(_)
            | SyncError::Refused {
                code: RefusalCode::Unavailable,
                ..
            }
    )
}

/// A centre older than this app answers in its own, older protocol that it does not serve
/// ours (`update_centre`): a refusal to show as such, not a failed delivery to retry.
fn centre_too_old(body: &[u8]) -> Option<SyncError> {
    let refusal: ErrorBody = serde_json::from_slice(body).ok()?;
    (refusal.error.code == RefusalCode::UpdateCentre).then_some(SyncError::Refused {
        code: refusal.error.code,
        message: refusal.error.message,
    })
}

/// Names what came back instead of the protocol, briefly.
fn not_protocol(status: reqwest::StatusCode, body: &[u8]) -> SyncError {
    let start: String = String::from_utf8_lossy(&body[..body.len().min(60)])
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    SyncError::NotDelivered(format!(
        "HTTP {status} with a body that is not the centre's answer ({} bytes: {start:?}…)",
        body.len()
    ))
}

trait JsonBody: Sized {
    fn json_body(self, value: &impl Serialize) -> Result<Self, SyncError>;
}

impl JsonBody for reqwest::RequestBuilder {
    fn json_body(self, value: &impl Serialize) -> Result<Self, SyncError> {
        let bytes = serde_json::to_vec(value).map_err(|e| SyncError::Setup(e.to_string()))?;
        Ok(self
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(bytes))
    }
}

/// rustls with `ring`, the web PKI roots and the centre's CA (also the CLI's admin calls).
pub fn tls_config(centre_ca_pem: Option<&[u8]>) -> Result<rustls::ClientConfig, SyncError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(pem) = centre_ca_pem {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| SyncError::Setup(format!("the centre CA: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| SyncError::Setup(format!("the centre CA: {e}")))?;
            added += 1;
        }
        if added == 0 {
            return Err(SyncError::Setup(
                "the centre CA file holds no certificate".into(),
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Setup(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_centre_saying_it_must_be_updated_is_a_refusal_not_a_lost_answer() {
        let older = |code: &str| {
            format!(
                r#"{{"protocol":{},"server_time_ms":1,"error":{{"code":"{code}","message":"m"}}}}"#,
                PROTOCOL - 1
            )
        };
        let refused = centre_too_old(older("update_centre").as_bytes());
        assert!(
            matches!(
                refused,
                Some(SyncError::Refused {
                    code: RefusalCode::UpdateCentre,
                    ..
                })
            ),
            "{refused:?}"
        );
        // Any other answer in another protocol proves nothing.
        assert!(centre_too_old(older("bad_request").as_bytes()).is_none());
        assert!(centre_too_old(b"<html>login</html>").is_none());
    }

    #[test]
    fn waits_double_with_jitter_within_half_and_one_and_a_half() {
        let retry = Retry::default();
        for n in 1..=5u32 {
            let base = 250.0 * f64::from(1u32 << (n - 1));
            for _ in 0..50 {
                let wait = retry.wait(n).as_secs_f64() * 1000.0;
                assert!((base * 0.5..=base * 1.5).contains(&wait), "{n}: {wait}");
            }
        }
    }
}
