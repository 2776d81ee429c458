//! The device's HTTP client for protocol v1. TLS through rustls on the `ring` provider,
//! trusting the web PKI roots and, when given, the centre's own CA. An answer counts only when
//! its body is the protocol's JSON: a captive portal's login page answering 200, a proxy's
//! error page or a truncated body is `NotDelivered`, never success.

pub use crate::error::SyncError;
use std::sync::Arc;
use std::time::Duration;

use hyper::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::events::Digest;
use crate::protocol::{
    BLOB_COMPLETE_HEADER, BLOB_FINAL_HEADER, BLOB_RECEIVED_HEADER, BlobReceipt, EnrolRequest,
    Enrolled, ErrorBody, PROTOCOL, PROTOCOL_HEADER, Push, PushReceipt, RefusalCode, ServerEvents,
};
use crate::sync::transport::{Answer, Centre, Transport};

pub struct Client {
    http: Transport,
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
        Ok(Client {
            http: transport(base, centre_ca_pem)?,
            retry: Retry::default(),
        })
    }

    pub async fn enrol(&self, request: &EnrolRequest) -> Result<Enrolled, SyncError> {
        let body = json(request)?;
        self.send(Method::POST, "/v1/enrol", None, body, false)
            .await
    }

    pub async fn push(
        &self,
        device: Uuid,
        token: &str,
        push: &Push,
    ) -> Result<PushReceipt, SyncError> {
        let path = format!("/v1/devices/{device}/events");
        // A push is idempotent on the server (device, seq, hash): safe to repeat.
        self.retrying(Method::POST, &path, token, &json(push)?)
            .await
    }

    pub async fn pull(
        &self,
        device: Uuid,
        token: &str,
        after: u64,
    ) -> Result<ServerEvents, SyncError> {
        let path = format!("/v1/devices/{device}/server-events?after={after}");
        self.retrying(Method::GET, &path, token, &[]).await
    }

    /// How much of a blob the centre holds: (bytes, complete). Nothing held is (0, false).
    pub async fn blob_held(&self, token: &str, sha256: &Digest) -> Result<(u64, bool), SyncError> {
        let path = format!("/v1/blobs/{sha256}");
        let answer = self
            .exchange(Method::HEAD, &path, Some(token), Vec::new())
            .await?;
        match answer.status.as_u16() {
            404 => Ok((0, false)),
            401 | 403 => Err(unauthorized()),
            200 => {
                let received = answer
                    .header(BLOB_RECEIVED_HEADER)
                    .and_then(|v| v.parse().ok());
                let complete = answer.header(BLOB_COMPLETE_HEADER).map(|v| v == "true");
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
        let path = format!("/v1/blobs/{sha256}");
        let answer = self
            .exchange(Method::GET, &path, Some(token), Vec::new())
            .await?;
        match answer.status.as_u16() {
            200 => Ok(Some(answer.body.to_vec())),
            403 | 404 => Ok(None),
            401 => Err(unauthorized()),
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
        let path = format!("/v1/blobs/{sha256}?offset={offset}");
        let answer = self
            .http
            .send(
                Method::PUT,
                &path,
                &headers(Some(token), last),
                chunk.to_vec(),
            )
            .await
            .map_err(SyncError::NotDelivered)?;
        read_answer(answer.status, &answer.body, true)
    }

    /// Sends a request that is safe to repeat, retrying while nothing proves delivery (or the
    /// centre says it is unavailable). Enrolment is not retried: its code is spent.
    async fn retrying<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: &[u8],
    ) -> Result<T, SyncError> {
        let mut attempt = 1;
        loop {
            let sent = self.send(method.clone(), path, Some(token), body.to_vec(), false);
            match sent.await {
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
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
        conflict_is_answer: bool,
    ) -> Result<T, SyncError> {
        let answer = self.exchange(method, path, token, body).await?;
        read_answer(answer.status, &answer.body, conflict_is_answer)
    }

    /// One request with the protocol's headers (and a JSON body, if any): the whole answer.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Answer, SyncError> {
        let mut headers = headers(token, false);
        if !body.is_empty() {
            headers.push(("content-type", "application/json".into()));
        }
        self.http
            .send(method, path, &headers, body)
            .await
            .map_err(SyncError::NotDelivered)
    }
}

/// The protocol's headers: its version, the bearer token, and whether a blob chunk is the last.
fn headers(token: Option<&str>, last_chunk: bool) -> Vec<(&'static str, String)> {
    let mut headers = vec![(PROTOCOL_HEADER, PROTOCOL.to_string())];
    if let Some(token) = token {
        headers.push(("authorization", format!("Bearer {token}")));
    }
    if last_chunk {
        headers.push((BLOB_FINAL_HEADER, "true".into()));
    }
    headers
}

/// Reads a whole answer of the centre as protocol JSON of type `T`: the centre's own refusal,
/// or what was asked for; anything else proves nothing (`NotDelivered`). Apart from sending,
/// so that what a device makes of a body can be tested and fuzzed without a network.
pub fn read_answer<T: DeserializeOwned>(
    status: StatusCode,
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
    let answered = status.is_success() || (conflict_is_answer && status == StatusCode::CONFLICT);
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

fn unauthorized() -> SyncError {
    SyncError::Refused {
        code: RefusalCode::Unauthorized,
        message: "the centre does not take this device's token".into(),
    }
}

fn json(value: &impl Serialize) -> Result<Vec<u8>, SyncError> {
    serde_json::to_vec(value).map_err(|e| SyncError::Setup(e.to_string()))
}

/// Requests to the centre at `base` (checked by `centre_base`), over TLS that trusts the web
/// PKI and the CA certificates in `centre_ca_pem`: the device's and the CLI's admin calls.
pub fn transport(base: &str, centre_ca_pem: Option<&[u8]>) -> Result<Transport, SyncError> {
    Ok(Transport::new(
        centre_base(base)?,
        tls_config(centre_ca_pem)?,
    ))
}

/// The centre's address, checked (`Centre::parse`: https anywhere, plain http only to this
/// device, no user name, password, query or fragment) and written back one way.
pub fn centre_base(base: &str) -> Result<Centre, SyncError> {
    Centre::parse(base).map_err(|why| SyncError::Setup(format!("the centre's address {why}")))
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
fn not_protocol(status: StatusCode, body: &[u8]) -> SyncError {
    let start: String = String::from_utf8_lossy(&body[..body.len().min(60)])
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    SyncError::NotDelivered(format!(
        "HTTP {status} with a body that is not the centre's answer ({} bytes: {start:?}…)",
        body.len()
    ))
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
