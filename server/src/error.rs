//! The server's errors: `ServerError` for whoever runs it (start, admin calls), `ApiError` for
//! what a request is answered with.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::http::StatusCode;
use redshield_core::sync::protocol::RefusalCode;

use crate::ledger::LedgerError;
use crate::push::PushError;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the {what} in {path}: {reason}")]
    Secret {
        what: String,
        path: PathBuf,
        reason: String,
    },
    #[error("no secure random numbers: {0}")]
    Random(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A call with arguments the server cannot use (a body with floating point, a zero TTL).
    #[error("{0}")]
    BadInput(String),
    /// What the call names does not exist (a device never enrolled).
    #[error("{0}")]
    NotFound(String),
    /// The centre's replica of a device could not be read.
    #[error("{0}")]
    Replica(String),
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("cannot wait for a shutdown signal: {0}")]
    Signal(std::io::Error),
}

/// A refusal as answered: status, the stable code the client acts on, words for people.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: RefusalCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: RefusalCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, RefusalCode::BadRequest, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, RefusalCode::Unauthorized, message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, RefusalCode::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, RefusalCode::NotFound, message)
    }

    pub fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            RefusalCode::TooLarge,
            message,
        )
    }

    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            RefusalCode::Unavailable,
            message,
        )
    }

    /// The code and words for a status that axum or tower answered by itself.
    pub fn for_status(status: StatusCode) -> ApiError {
        let words = status
            .canonical_reason()
            .unwrap_or("refused")
            .to_lowercase();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => RefusalCode::TooLarge,
            StatusCode::NOT_FOUND => RefusalCode::NotFound,
            StatusCode::UNAUTHORIZED => RefusalCode::Unauthorized,
            StatusCode::FORBIDDEN => RefusalCode::Forbidden,
            StatusCode::UPGRADE_REQUIRED => RefusalCode::UpdateApp,
            StatusCode::TOO_MANY_REQUESTS => RefusalCode::TooManyRequests,
            s if s.is_server_error() => RefusalCode::Unavailable,
            _ => RefusalCode::BadRequest,
        };
        let message = match code {
            RefusalCode::TooLarge => format!(
                "the request body is larger than {} bytes",
                redshield_core::sync::protocol::MAX_BODY_BYTES
            ),
            _ => words,
        };
        ApiError::new(status, code, message)
    }
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> ApiError {
        tracing::error!(error = %e, "ledger");
        match e {
            LedgerError::HeadMoved { .. } | LedgerError::Busy(_) => {
                ApiError::unavailable(format!("{e}; try again"))
            }
            _ => ApiError::unavailable("the centre's storage did not answer; try again later"),
        }
    }
}

impl From<PushError> for ApiError {
    fn from(e: PushError) -> ApiError {
        match e {
            PushError::Refused(reason) => {
                ApiError::bad_request(format!("nothing of this push was stored: {reason}"))
            }
            PushError::Ledger(e) => e.into(),
        }
    }
}

/// A failure of the centre's own work, answered to an admin request: bad input is the
/// caller's to fix; anything else is logged and answered "try again".
impl From<ServerError> for ApiError {
    fn from(e: ServerError) -> ApiError {
        match e {
            ServerError::BadInput(words) => ApiError::bad_request(words),
            ServerError::NotFound(words) => ApiError::not_found(words),
            ServerError::Ledger(e) => e.into(),
            other => {
                tracing::error!(error = %other, "admin request");
                ApiError::unavailable("the centre cannot do this now; try again later")
            }
        }
    }
}
