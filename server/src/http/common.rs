//! What the handlers share, below them all: the service they act on, how a refusal is
//! answered, who is asking (a device by its token, the staff by the admin token), and how a
//! body is read.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use redshield_core::sync::protocol::{ErrorBody, PROTOCOL, Refusal, ServerEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::ApiError;
use crate::ledger::{DeviceRecord, Ledger};
use crate::service::{Service, now_ms};

pub(crate) type Shared<L> = Arc<Service<L>>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            protocol: PROTOCOL,
            server_time_ms: now_ms(),
            error: Refusal {
                code: self.code,
                message: self.message,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The device whose token the request carries.
pub(crate) async fn device_of<L: Ledger>(
    service: &Service<L>,
    headers: &HeaderMap,
) -> Result<DeviceRecord, ApiError> {
    let token = bearer(headers).ok_or_else(|| {
        ApiError::unauthorized("the request carries no bearer token: enrol the device first")
    })?;
    service.authenticate(token).await
}

/// The device whose token the request carries, which must be the device of the path.
pub(crate) async fn device_for_path<L: Ledger>(
    service: &Service<L>,
    headers: &HeaderMap,
    path_id: &str,
) -> Result<DeviceRecord, ApiError> {
    let device = device_of(service, headers).await?;
    let id = id_of(path_id, "device")?;
    if id != device.id {
        return Err(ApiError::forbidden(format!(
            "this token is device {}'s, not {id}'s",
            device.id
        )));
    }
    Ok(device)
}

pub(crate) fn body_refused(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::for_status(StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        ApiError::bad_request(format!(
            "the body could not be read: {}",
            rejection.body_text()
        ))
    }
}

/// The body of `request`, read whole within the limit. Handlers call it once the sender is
/// known to be allowed, so an unknown client cannot make the server buffer a large body.
pub(crate) async fn read_body(request: Request) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, &())
        .await
        .map_err(body_refused)
}

/// A body parsed as JSON; refusals as `ErrorBody`.
pub(crate) fn json_body<T: DeserializeOwned>(
    body: Result<Bytes, ApiError>,
    what: &str,
) -> Result<T, ApiError> {
    serde_json::from_slice(&body?)
        .map_err(|e| ApiError::bad_request(format!("the body is not a valid {what}: {e}")))
}

/// A request that carries the admin token (`<data>/admin.token`), never a device's: taken by
/// every admin route before anything else of the request is read.
pub(crate) struct AdminAuth;

impl<L: Ledger> FromRequestParts<Shared<L>> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, service: &Shared<L>) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers)
            .ok_or_else(|| ApiError::unauthorized("the admin routes need the admin token"))?;
        if !service.admin.accepts(token) {
            return Err(ApiError::unauthorized("this is not the admin token"));
        }
        Ok(AdminAuth)
    }
}

/// The id a path names, as a device's or a case's (`what`).
pub(crate) fn id_of(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::bad_request(format!("{text:?} is not a {what} id")))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Published {
    protocol: u32,
    server_time_ms: i64,
    /// The server event that carries it to the devices.
    server_seq: u64,
}

/// The answer to a publication: which server event carries it.
pub(crate) fn published(event: &ServerEvent) -> Response {
    axum::Json(Published {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        server_seq: event.server_seq,
    })
    .into_response()
}
