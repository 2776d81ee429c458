//! Around every route: the rate limit of failed attempts, the protocol header check (`426
//! update_app`), the per-route request counter, the `redshield-server-time` header, and a JSON
//! `ErrorBody` for every refusal, including those axum or tower make by themselves.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use redshield_core::sync::protocol::{OLDEST_SUPPORTED, PROTOCOL, PROTOCOL_HEADER, RefusalCode};

use super::common::Shared;
use crate::error::ApiError;
use crate::ledger::Ledger;
use crate::limits::{Limiter, retry_after_seconds};
use crate::service::{Service, now_ms};

/// The server's clock on every response, in ms since the epoch.
pub const SERVER_TIME_HEADER: &str = "redshield-server-time";

/// Routes that answer without the protocol header: probes and documentation.
const OPEN_PATHS: &[&str] = &["/healthz", "/metrics", "/openapi.json"];

/// The rate limit and the protocol check before the route; the server time, the request count
/// and a JSON body for a bare refusal after it.
pub(crate) async fn envelope<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let is_head = request.method() == Method::HEAD;
    let has_body = request.headers().contains_key(header::TRANSFER_ENCODING)
        || request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length != "0");
    let open = OPEN_PATHS.contains(&request.uri().path());
    let limit = limiter_of(&service, &request);
    let taken = limit.map(|(limiter, client)| limiter.take(client, Instant::now()));
    let mut response = match (taken, protocol_of(request.headers())) {
        (Some(Err(wait)), _) => too_many(wait),
        (_, Err(refusal)) if !open => refusal.into_response(),
        _ => next.run(request).await,
    };
    if let Some((limiter, client)) = limit
        && response.status().is_success()
    {
        limiter.give_back(client);
    }
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let refused = status.is_client_error() || status.is_server_error();
    if refused && !is_json && !is_head {
        response = ApiError::for_status(status).into_response();
    }
    // A refusal may come before the body is read (a token, a blob no record names, a limit),
    // and then the connection cannot carry another request: said in the answer, a client opens
    // a new one instead of sending its next request down a connection about to close.
    if refused && has_body {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if let Ok(value) = HeaderValue::from_str(&now_ms().to_string()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(SERVER_TIME_HEADER), value);
    }
    service.metrics.request(&route, status.as_u16());
    response
}

/// The limiter of the request's route, if its failures are limited, and the client's address
/// (unknown without the connection's: all such clients share one bucket).
fn limiter_of<'a, L: Ledger>(
    service: &'a Service<L>,
    request: &Request,
) -> Option<(&'a Limiter, IpAddr)> {
    let path = request.uri().path();
    if !is_limited(path) {
        return None;
    }
    let limiter = match path {
        "/v1/enrol" => &service.enrol_limiter,
        _ => &service.admin_limiter,
    };
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    Some((limiter, client))
}

/// `429` with `Retry-After`: too many failures from this address.
fn too_many(wait: Duration) -> Response {
    let seconds = retry_after_seconds(wait);
    let refusal = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        RefusalCode::TooManyRequests,
        format!("too many failed attempts from this address: try again in {seconds} s"),
    );
    let mut response = refusal.into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The client's protocol version, refused with `426 update_app` when missing or too old, and
/// with `400 update_centre` when newer than this centre serves: it is never served as an older
/// one, whose answers the app would misread.
fn protocol_of(headers: &HeaderMap) -> Result<u32, ApiError> {
    let update = |why: String| {
        ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            RefusalCode::UpdateApp,
            format!(
                "{why}: this centre serves protocol {OLDEST_SUPPORTED} to {PROTOCOL}; update the app"
            ),
        )
    };
    let Some(value) = headers.get(PROTOCOL_HEADER) else {
        return Err(update(format!("the request names no {PROTOCOL_HEADER}")));
    };
    let version = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| update(format!("{PROTOCOL_HEADER} is not a version number")))?;
    if version < OLDEST_SUPPORTED {
        return Err(update(format!("protocol {version} is too old")));
    }
    if version > PROTOCOL {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            RefusalCode::UpdateCentre,
            format!(
                "the app speaks protocol {version}; this centre serves protocol \
                 {OLDEST_SUPPORTED} to {PROTOCOL}: the centre is older than the app and must be \
                 updated first"
            ),
        ));
    }
    Ok(version)
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("no such route in protocol v1")
}

/// Whether failures on `path` are limited per client address: enrolment, whose codes could be
/// guessed, and the admin routes, whose token could.
pub fn is_limited(path: &str) -> bool {
    path == "/v1/enrol" || path.starts_with("/v1/admin/")
}
