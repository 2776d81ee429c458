//! Protocol v1 over HTTP (axum). The routes are those of `redshield_core::sync::protocol`,
//! plus `POST /v1/admin/enrolment-codes` for the centre's staff.
//!
//! Around every route: the protocol header check (`426 update_app`), the body limit, request
//! tracing, the per-route request counter, the `redshield-server-time` header, and a JSON
//! `ErrorBody` for every refusal, including those axum or tower make by themselves.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, MatchedPath, Path, Query, Request, State,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, head, post};
use redshield_core::events::Digest;
use redshield_core::sync::protocol::{
    BlobReceipt, DepartmentsPublished, EnrolRequest, Enrolled, ErrorBody, MAX_BODY_BYTES,
    OLDEST_SUPPORTED, PROTOCOL, PROTOCOL_HEADER, Push, PushReceipt, Refusal, RefusalCode,
    ServerEvents,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use uuid::Uuid;

use crate::admin::Devices;
use crate::blobs::{BlobState, ChunkOutcome};
use crate::decisions::{self, Decided, DispatchOrder, PendingExtension};
use crate::error::ApiError;
use crate::ledger::{DeviceRecord, Flag, Ledger};
use crate::limits::{Limiter, retry_after_seconds};
use crate::review::Flagged;
use crate::service::{Service, now_ms};
use redshield_core::calendar::years::YearData;
use redshield_core::cases::Outcome;
use redshield_core::clocks::ClockKind;
use redshield_core::parameters::Parameters;
use redshield_core::roster::RosterEntry;
use redshield_core::sync::protocol::RosterPublished;

/// The server's clock on every response, in ms since the epoch.
pub const SERVER_TIME_HEADER: &str = "redshield-server-time";
pub use redshield_core::sync::protocol::{
    BLOB_COMPLETE_HEADER, BLOB_FINAL_HEADER, BLOB_RECEIVED_HEADER,
};

/// Routes that answer without the protocol header: probes and documentation.
const OPEN_PATHS: &[&str] = &["/healthz", "/metrics", "/openapi.json"];

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

pub fn router<L: Ledger>(service: Shared<L>) -> Router {
    Router::new()
        .route("/v1/enrol", post(enrol::<L>))
        .route("/v1/devices/{device_id}/events", post(push::<L>))
        .route(
            "/v1/devices/{device_id}/server-events",
            get(server_events::<L>),
        )
        .route(
            "/v1/blobs/{sha256}",
            head(blob_head::<L>).put(blob_put::<L>).get(blob_get::<L>),
        )
        .route("/v1/admin/enrolment-codes", post(issue_code::<L>))
        .route("/v1/admin/devices", get(devices::<L>))
        .route(
            "/v1/admin/reference/departments",
            axum::routing::put(publish_departments::<L>),
        )
        .route(
            "/v1/admin/reference/urban-areas",
            axum::routing::put(publish_urban_areas::<L>),
        )
        .route(
            "/v1/admin/reference/calendar-years",
            axum::routing::put(publish_calendar_year::<L>),
        )
        .route(
            "/v1/admin/reference/parameters",
            get(parameters::<L>).put(publish_parameters::<L>),
        )
        .route(
            "/v1/admin/reference/officers",
            get(roster::<L>).put(publish_roster::<L>),
        )
        // The agency and its 调解书 numbers: `crate::numbering`.
        .route(
            "/v1/admin/reference/agency",
            get(crate::numbering::agency::<L>).put(crate::numbering::publish_agency::<L>),
        )
        .route(
            "/v1/admin/devices/{device_id}/document-numbers",
            post(crate::numbering::assign_numbers::<L>),
        )
        .route(
            "/v1/admin/document-numbers",
            get(crate::numbering::number_blocks::<L>),
        )
        .route("/v1/admin/devices/{device_id}/revoke", post(revoke::<L>))
        .route("/v1/admin/dispatches", post(dispatch::<L>))
        .route("/v1/admin/cases/{case_id}/assign", post(assign::<L>))
        .route("/v1/admin/cases/{case_id}/close", post(close::<L>))
        .route(
            "/v1/admin/cases/{case_id}/supervision",
            post(supervise::<L>),
        )
        .route(
            "/v1/admin/cases/{case_id}/extension",
            post(decide_extension::<L>),
        )
        .route("/v1/admin/extension-requests", get(extension_requests::<L>))
        .route("/v1/admin/flagged", get(flagged::<L>))
        .route(
            "/v1/admin/flagged/{device_id}/{flag}/{seq}/resolve",
            post(resolve::<L>),
        )
        .route("/v1/admin/flags", get(flags::<L>))
        // The 12315 statistics (issue 9, item 4): `crate::statistics`.
        .route(
            "/v1/admin/statistics",
            get(crate::statistics::statistics::<L>),
        )
        .route("/healthz", get(healthz::<L>))
        .route("/metrics", get(metrics::<L>))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(
            service.clone(),
            envelope::<L>,
        ))
        .with_state(service)
}

/// The rate limit and the protocol check before the route; the server time, the request count
/// and a JSON body for a bare refusal after it.
async fn envelope<L: Ledger>(
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
    if !crate::openapi::is_limited(path) {
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

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The device whose token the request carries.
async fn device_of<L: Ledger>(
    service: &Service<L>,
    headers: &HeaderMap,
) -> Result<DeviceRecord, ApiError> {
    let token = bearer(headers).ok_or_else(|| {
        ApiError::unauthorized("the request carries no bearer token: enrol the device first")
    })?;
    service.authenticate(token).await
}

/// The device whose token the request carries, which must be the device of the path.
async fn device_for_path<L: Ledger>(
    service: &Service<L>,
    headers: &HeaderMap,
    path_id: &str,
) -> Result<DeviceRecord, ApiError> {
    let device = device_of(service, headers).await?;
    let id = Uuid::parse_str(path_id)
        .map_err(|_| ApiError::bad_request(format!("{path_id:?} is not a device id")))?;
    if id != device.id {
        return Err(ApiError::forbidden(format!(
            "this token is device {}'s, not {id}'s",
            device.id
        )));
    }
    Ok(device)
}

fn body_refused(rejection: BytesRejection) -> ApiError {
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

#[utoipa::path(post, path = "/v1/enrol", tag = "devices",
    summary = "Enrol a device with a one-time code issued at the centre",
    request_body = EnrolRequest,
    responses((status = 200, body = Enrolled, description = "the bearer token and the centre's key, to pin"),
        (status = 409, body = ErrorBody, description = "another device holds this public key or case-number prefix (already_enrolled)")))]
pub(crate) async fn enrol<L: Ledger>(
    State(service): State<Shared<L>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request: EnrolRequest = json_body(body.map_err(body_refused), "enrolment request")?;
    Ok(axum::Json(service.enrol(request).await?).into_response())
}

#[utoipa::path(post, path = "/v1/devices/{device_id}/events", tag = "devices",
    summary = "Push the events after the last acknowledged seq, with their vault rows",
    params(("device_id" = Uuid, Path, description = "this device's id; the token must be its own")), request_body = Push, security(("bearer" = [])),
    responses((status = 200, body = PushReceipt, description = "the head held after the push: acknowledged seq and its hash")))]
pub(crate) async fn push<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(device_id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let device = device_for_path(&service, request.headers(), &device_id).await?;
    let request: Push = json_body(read_body(request).await, "push")?;
    Ok(axum::Json(service.push(&device, &request).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AfterQuery {
    #[serde(default)]
    after: u64,
}

#[utoipa::path(get, path = "/v1/devices/{device_id}/server-events", tag = "devices",
    summary = "The centre's signed events for this device (or for every device) after a cursor",
    params(("device_id" = Uuid, Path, description = "this device's id; the token must be its own"), ("after" = Option<u64>, Query, description = "the last server seq applied; 0 for all")),
    security(("bearer" = [])),
    responses((status = 200, body = ServerEvents, description = "up to 500 events in server order")))]
pub(crate) async fn server_events<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(device_id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<AfterQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let device = device_for_path(&service, &headers, &device_id).await?;
    let Query(query) =
        query.map_err(|e| ApiError::bad_request(format!("the query: {}", e.body_text())))?;
    Ok(axum::Json(service.pull(device.id, query.after).await?).into_response())
}

fn blob_name(text: &str) -> Result<Digest, ApiError> {
    Digest::from_hex(text).ok_or_else(|| {
        ApiError::bad_request(format!(
            "{text:?} is not a blob name (a SHA-256 in lowercase hex)"
        ))
    })
}

fn blob_headers(state: BlobState) -> [(HeaderName, String); 2] {
    [
        (
            HeaderName::from_static(BLOB_RECEIVED_HEADER),
            state.received.to_string(),
        ),
        (
            HeaderName::from_static(BLOB_COMPLETE_HEADER),
            state.complete.to_string(),
        ),
    ]
}

fn blob_receipt(sha256: Digest, state: BlobState) -> BlobReceipt {
    BlobReceipt {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        sha256,
        received: state.received,
        complete: state.complete,
    }
}

#[utoipa::path(head, path = "/v1/blobs/{sha256}", tag = "blobs",
    summary = "How much of a blob the centre holds (headers redshield-blob-received, redshield-blob-complete)",
    params(("sha256" = String, Path, description = "the blob's SHA-256, lowercase hex")), security(("bearer" = [])),
    responses((status = 200, description = "bytes held; complete once verified whole"),
        (status = 403, body = ErrorBody, description = "no record of this device names the blob: the centre does not say whether it holds it"),
        (status = 404, body = ErrorBody, description = "nothing of this blob is held")))]
pub(crate) async fn blob_head<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let device = device_of(&service, &headers).await?;
    let sha = blob_name(&sha)?;
    match service.blob_state(&device, sha).await? {
        None => Err(ApiError::not_found(format!(
            "no bytes of blob {sha} are held"
        ))),
        Some(state) => Ok((StatusCode::OK, blob_headers(state)).into_response()),
    }
}

#[utoipa::path(get, path = "/v1/blobs/{sha256}", tag = "blobs",
    summary = "A blob the device's own records name, held whole: the display copies and thumbnails of a case handed over to it",
    params(("sha256" = String, Path, description = "the blob's SHA-256, lowercase hex")), security(("bearer" = [])),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>, description = "the blob's bytes"),
        (status = 403, body = ErrorBody, description = "no record of this device names the blob (yet: a case's records arrive with its next push)"),
        (status = 404, body = ErrorBody, description = "the centre does not hold the blob whole (yet)")))]
pub(crate) async fn blob_get<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let device = device_of(&service, &headers).await?;
    let sha = blob_name(&sha)?;
    let bytes = service.blob_for(&device, sha).await?;
    let content_type = (header::CONTENT_TYPE, "application/octet-stream");
    Ok((StatusCode::OK, [content_type], bytes).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OffsetQuery {
    offset: u64,
}

#[utoipa::path(put, path = "/v1/blobs/{sha256}", tag = "blobs",
    summary = "Append a chunk where the held bytes end; the last chunk (header redshield-blob-final: true) has the whole verified",
    params(("sha256" = String, Path, description = "the blob's SHA-256, lowercase hex"), ("offset" = u64, Query, description = "where this chunk starts"),
        ("redshield-blob-final" = Option<bool>, Header, description = "true on the last chunk")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = [])),
    responses((status = 200, body = BlobReceipt, description = "bytes held; complete once verified"),
        (status = 403, body = ErrorBody, description = "no record of this device names the blob: push the events that name it first"),
        (status = 409, body = BlobReceipt, description = "the offset is not where the held bytes end: resume at `received`"),
        (status = 413, body = ErrorBody, description = "past the size this device's records state for the blob, or past the device's share of the blob store")))]
pub(crate) async fn blob_put<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(sha): Path<String>,
    query: Result<Query<OffsetQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    let device = device_of(&service, request.headers()).await?;
    let sha = blob_name(&sha)?;
    let Query(OffsetQuery { offset }) = query.map_err(|e| {
        ApiError::bad_request(format!("the query needs ?offset=N: {}", e.body_text()))
    })?;
    let last = request
        .headers()
        .get(BLOB_FINAL_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    // Before the body is read: a blob no record of the device names is never buffered.
    let bound = service.named_size(&device, sha).await?;
    let chunk = read_body(request).await?;
    service
        .may_upload(&device, sha, bound, offset, chunk.len() as u64)
        .await?;
    match service.put_chunk(&device, sha, offset, chunk, last).await? {
        ChunkOutcome::Held(state) => {
            if state.complete {
                service.blob_arrived(&device).await;
            }
            Ok((
                StatusCode::OK,
                blob_headers(state),
                axum::Json(blob_receipt(sha, state)),
            )
                .into_response())
        }
        ChunkOutcome::WrongOffset { held } => {
            // The client resumes from the receipt: where the held bytes end.
            let state = BlobState {
                received: held,
                complete: false,
            };
            Ok((
                StatusCode::CONFLICT,
                blob_headers(state),
                axum::Json(blob_receipt(sha, state)),
            )
                .into_response())
        }
        ChunkOutcome::Corrupt { actual, size } => Err(ApiError::bad_request(format!(
            "the {size} bytes received hash to {actual}, not {sha}: the upload was deleted; \
             send the blob again from offset 0"
        ))),
    }
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeRequest {
    /// How long the code stays valid (default a day, at most 30 days).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 2_592_000)]
    ttl_seconds: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct IssuedCodeBody {
    protocol: u32,
    server_time_ms: i64,
    code: String,
    expires_at_ms: i64,
}

/// How long a code issued over HTTP lasts when the request does not say.
const DEFAULT_CODE_TTL_SECONDS: u64 = 24 * 3600;

#[utoipa::path(post, path = "/v1/admin/enrolment-codes", tag = "admin",
    summary = "Issue a one-time enrolment code (admin token); valid 24 hours unless the body says",
    request_body(content = Option<CodeRequest>), security(("bearer" = [])),
    responses((status = 200, body = IssuedCodeBody, description = "the code, grouped for reading out, and its expiry")))]
pub(crate) async fn issue_code<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let request: CodeRequest = match read_body(request).await {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => CodeRequest::default(),
        // `null` is an absent body too (the document's request body is optional).
        body => {
            json_body::<Option<CodeRequest>>(body, "enrolment-code request")?.unwrap_or_default()
        }
    };
    let ttl =
        std::time::Duration::from_secs(request.ttl_seconds.unwrap_or(DEFAULT_CODE_TTL_SECONDS));
    let issued = service.issue_enrolment_code(ttl).await?;
    Ok(axum::Json(IssuedCodeBody {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        code: issued.code,
        expires_at_ms: issued.expires_at_ms,
    })
    .into_response())
}

/// Admin routes take the admin token (`<data>/admin.token`), never a device's.
pub(crate) fn admin<L: Ledger>(service: &Service<L>, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = bearer(headers)
        .ok_or_else(|| ApiError::unauthorized("the admin routes need the admin token"))?;
    if !service.admin.accepts(token) {
        return Err(ApiError::unauthorized("this is not the admin token"));
    }
    Ok(())
}

#[utoipa::path(get, path = "/v1/admin/devices", tag = "admin",
    summary = "Every enrolled device: last sync, last position, app version, what is flagged",
    security(("bearer" = [])),
    responses((status = 200, body = Devices, description = "in order of enrolment")))]
pub(crate) async fn devices<L: Ledger>(
    State(service): State<Shared<L>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
    Ok(axum::Json(service.devices().await?).into_response())
}

#[utoipa::path(get, path = "/v1/admin/flags", tag = "admin",
    summary = "Abuse flags across all devices' complaints (Art. 17): shown, never acted on",
    description = "Every complaint the Art. 17 rule flags among all cases of all devices, matched by \
        the centre's own blind index: its number, device, each flag's kind, reason (Chinese, \
        citing the factor), basis and the related case numbers; and, apart from them, the \
        hotspot leads (many consumers against one business: not abuse). No phone number, \
        address or name is in the answer.",
    security(("bearer" = [])),
    responses((status = 200, body = crate::flags::Flags, description = "by case number")))]
pub(crate) async fn flags<L: Ledger>(
    State(service): State<Shared<L>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
    Ok(axum::Json(service.flags().await?).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Revoked {
    protocol: u32,
    server_time_ms: i64,
    device_id: Uuid,
    revoked: bool,
}

#[utoipa::path(post, path = "/v1/admin/devices/{device_id}/revoke", tag = "admin",
    summary = "Revoke a lost device: its token stops working at once; its signed events stay",
    params(("device_id" = Uuid, Path, description = "the device")), security(("bearer" = [])),
    responses((status = 200, body = Revoked, description = "revoked (again: still revoked)"),
        (status = 404, body = ErrorBody, description = "no such device")))]
pub(crate) async fn revoke<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(device_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
    let id = Uuid::parse_str(&device_id)
        .map_err(|_| ApiError::bad_request(format!("{device_id:?} is not a device id")))?;
    if !service.revoke(id).await? {
        return Err(ApiError::not_found(format!("no device {id} is enrolled")));
    }
    Ok(axum::Json(Revoked {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        device_id: id,
        revoked: true,
    })
    .into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Published {
    protocol: u32,
    server_time_ms: i64,
    /// The server event that carries it to the devices.
    server_seq: u64,
}

/// The answer to a publication: which server event carries it.
pub(crate) fn published(event: &redshield_core::sync::protocol::ServerEvent) -> Response {
    axum::Json(Published {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        server_seq: event.server_seq,
    })
    .into_response()
}

#[utoipa::path(put, path = "/v1/admin/reference/departments", tag = "admin",
    summary = "Publish the departments directory for referrals to every device (checked as a device checks it)",
    request_body = DepartmentsPublished, security(("bearer" = [])),
    responses((status = 200, body = Published, description = "published as a signed server event")))]
pub(crate) async fn publish_departments<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let directory: DepartmentsPublished =
        json_body(read_body(request).await, "departments directory")?;
    let event = service.publish_departments(directory).await?;
    Ok(published(&event))
}

#[utoipa::path(put, path = "/v1/admin/reference/urban-areas", tag = "admin",
    summary = "Publish the urban areas (a GeoJSON FeatureCollection of named polygons, at most 4 MiB) to every device",
    request_body(content = Object, content_type = "application/geo+json"), security(("bearer" = [])),
    responses((status = 200, body = Published, description = "published as a signed server event")))]
pub(crate) async fn publish_urban_areas<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let bytes = read_body(request).await?;
    let geojson = String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad_request("the GeoJSON is not UTF-8"))?;
    let (event, _) = service.publish_urban_areas(geojson).await?;
    Ok(published(&event))
}

#[utoipa::path(put, path = "/v1/admin/reference/calendar-years", tag = "admin",
    summary = "Publish a year's public holidays and adjusted working days to every device (checked as a device checks them)",
    request_body(content = Object, description = "{year, holidays: [YYYY-MM-DD], working_days: [YYYY-MM-DD], source}"),
    security(("bearer" = [])),
    responses((status = 200, body = Published, description = "published as a signed server event")))]
pub(crate) async fn publish_calendar_year<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let data: YearData = json_body(read_body(request).await, "calendar year")?;
    let event = service.publish_calendar_year(data).await?;
    Ok(published(&event))
}

#[utoipa::path(put, path = "/v1/admin/reference/officers", tag = "admin",
    summary = "Publish the officer roster to every device (enforcement IDs; who may sign in as a supervisor)",
    request_body = RosterPublished, security(("bearer" = [])),
    responses((status = 200, body = Published, description = "published as a signed server event")))]
pub(crate) async fn publish_roster<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let roster: RosterPublished = json_body(read_body(request).await, "officer roster")?;
    let event = service.publish_roster(roster).await?;
    Ok(published(&event))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Roster {
    protocol: u32,
    server_time_ms: i64,
    #[schema(value_type = Vec<Object>)]
    officers: Vec<RosterEntry>,
}

#[utoipa::path(get, path = "/v1/admin/reference/officers", tag = "admin",
    summary = "The officer roster last published",
    security(("bearer" = [])),
    responses((status = 200, body = Roster, description = "by enforcement ID as published")))]
pub(crate) async fn roster<L: Ledger>(
    State(service): State<Shared<L>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
    Ok(axum::Json(Roster {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        officers: service.roster().await?,
    })
    .into_response())
}

#[utoipa::path(put, path = "/v1/admin/reference/parameters", tag = "admin",
    summary = "Publish the rule-set parameters to every device (on-site targets, arrival proof, Art. 17 thresholds, odometer tolerance)",
    request_body(content = Object, description = "every field of Parameters, whole numbers"),
    security(("bearer" = [])),
    responses((status = 200, body = Published, description = "published as a signed server event")))]
pub(crate) async fn publish_parameters<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let p: Parameters = json_body(read_body(request).await, "set of rule-set parameters")?;
    let event = service.publish_parameters(p).await?;
    Ok(published(&event))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ParametersInForce {
    protocol: u32,
    server_time_ms: i64,
    #[schema(value_type = Object)]
    parameters: Parameters,
}

#[utoipa::path(get, path = "/v1/admin/reference/parameters", tag = "admin",
    summary = "The rule-set parameters in force (the last published, else the defaults)",
    security(("bearer" = [])),
    responses((status = 200, body = ParametersInForce, description = "the parameters")))]
pub(crate) async fn parameters<L: Ledger>(
    State(service): State<Shared<L>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
    Ok(axum::Json(ParametersInForce {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        parameters: service.parameters().await?,
    })
    .into_response())
}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    summary = "The server and its storage answer",
    responses((status = 200, description = "{\"status\": \"ok\"}"),
        (status = 503, body = ErrorBody, description = "the storage does not answer")))]
pub(crate) async fn healthz<L: Ledger>(
    State(service): State<Shared<L>>,
) -> Result<Response, ApiError> {
    service.ledger.health().await?;
    Ok(axum::Json(serde_json::json!({
        "status": "ok",
        "protocol": PROTOCOL,
        "server_time_ms": now_ms(),
    }))
    .into_response())
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    summary = "Counters in the Prometheus text format",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub(crate) async fn metrics<L: Ledger>(State(service): State<Shared<L>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        service.metrics.render(),
    )
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route in protocol v1")
}

#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    summary = "This document", responses((status = 200, description = "OpenAPI 3.1")))]
pub(crate) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document(),
    )
        .into_response()
}

// --- The dispatcher's and supervisor's decisions (`decisions`) ---

/// An admin order about one case: the admin token, the case id of the path, the JSON body.
async fn case_order<L: Ledger, T: DeserializeOwned>(
    service: &Service<L>,
    case_id: &str,
    request: Request,
    what: &str,
) -> Result<(Uuid, T), ApiError> {
    admin(service, request.headers())?;
    let case_id = Uuid::parse_str(case_id)
        .map_err(|_| ApiError::bad_request(format!("{case_id:?} is not a case id")))?;
    Ok((case_id, json_body(read_body(request).await, what)?))
}

#[utoipa::path(post, path = "/v1/admin/dispatches", tag = "admin",
    summary = "Send a vehicle to a case: one its device owns, or a new case the centre received (it goes with the dispatch)",
    request_body = DispatchOrder, security(("bearer" = [])),
    responses((status = 200, body = Decided, description = "published to the device as a signed CaseDispatched")))]
pub(crate) async fn dispatch<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let order: DispatchOrder = json_body(read_body(request).await, "dispatch")?;
    Ok(axum::Json(service.dispatch(order).await?).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Assignment {
    device: Uuid,
}

#[utoipa::path(post, path = "/v1/admin/cases/{case_id}/assign", tag = "admin",
    summary = "Reassign a case to another device (ownership transfer)",
    params(("case_id" = Uuid, Path, description = "the case")), request_body = Assignment,
    security(("bearer" = [])),
    responses((status = 200, body = Decided, description = "published as a signed CaseAssigned")))]
pub(crate) async fn assign<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(case_id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (case_id, to): (Uuid, Assignment) =
        case_order(&service, &case_id, request, "assignment").await?;
    let event = service.assign_case(case_id, to.device).await?;
    Ok(axum::Json(decisions::decided(case_id, &event)).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Closure {
    /// answered, agreement, no_agreement, withdrawn, settled_by_parties, case_filed, no_case_filed
    #[schema(value_type = String)]
    outcome: Outcome,
}

#[utoipa::path(post, path = "/v1/admin/cases/{case_id}/close", tag = "admin",
    summary = "Close a case by the centre's decision; its device carries the closure out",
    params(("case_id" = Uuid, Path, description = "the case")), request_body = Closure,
    security(("bearer" = [])),
    responses((status = 200, body = Decided, description = "published as a signed CaseClosed")))]
pub(crate) async fn close<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(case_id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (case_id, closure): (Uuid, Closure) =
        case_order(&service, &case_id, request, "closure").await?;
    let event = service.close_case(case_id, closure.outcome).await?;
    Ok(axum::Json(decisions::decided(case_id, &event)).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SupervisionNote {
    /// Beijing date, YYYY-MM-DD.
    due_on: String,
    note: String,
}

#[utoipa::path(post, path = "/v1/admin/cases/{case_id}/supervision", tag = "admin",
    summary = "督办: a supervision note on a case, to be answered by a date",
    params(("case_id" = Uuid, Path, description = "the case")), request_body = SupervisionNote,
    security(("bearer" = [])),
    responses((status = 200, body = Decided, description = "published as a signed CaseSupervised, the note beside it")))]
pub(crate) async fn supervise<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(case_id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (case_id, s): (Uuid, SupervisionNote) =
        case_order(&service, &case_id, request, "supervision note").await?;
    let decided = service.supervise(case_id, &s.due_on, &s.note).await?;
    Ok(axum::Json(decided).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtensionAnswer {
    /// The clock, e.g. report_check, violation_check, penalty_case
    #[schema(value_type = String)]
    clock: ClockKind,
    approved: bool,
}

#[utoipa::path(post, path = "/v1/admin/cases/{case_id}/extension", tag = "admin",
    summary = "Approve or refuse the extension of a case's statutory clock",
    params(("case_id" = Uuid, Path, description = "the case")), request_body = ExtensionAnswer,
    security(("bearer" = [])),
    responses((status = 200, body = Decided, description = "published as a signed ExtensionDecided")))]
pub(crate) async fn decide_extension<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(case_id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (case_id, a): (Uuid, ExtensionAnswer) =
        case_order(&service, &case_id, request, "extension answer").await?;
    let decided = service
        .decide_extension(case_id, a.clock, a.approved)
        .await?;
    Ok(axum::Json(decided).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PendingExtensions {
    protocol: u32,
    server_time_ms: i64,
    requests: Vec<PendingExtension>,
}

#[utoipa::path(get, path = "/v1/admin/extension-requests", tag = "admin",
    summary = "Officers' requests to extend a statutory clock, not yet answered",
    security(("bearer" = [])),
    responses((status = 200, body = PendingExtensions, description = "oldest first per device")))]
pub(crate) async fn extension_requests<L: Ledger>(
    State(service): State<Shared<L>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
    Ok(axum::Json(PendingExtensions {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        requests: service.pending_extensions().await?,
    })
    .into_response())
}

// --- Conflicts and forks for the staff to review (`review`) ---

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FlaggedQuery {
    /// Only those not resolved yet.
    #[serde(default)]
    open: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FlaggedList {
    protocol: u32,
    server_time_ms: i64,
    flagged: Vec<Flagged>,
}

#[utoipa::path(get, path = "/v1/admin/flagged", tag = "admin",
    summary = "Conflicts and forks of every device, for review",
    params(FlaggedQuery), security(("bearer" = [])),
    responses((status = 200, body = FlaggedList, description = "device by device, by seq")))]
pub(crate) async fn flagged<L: Ledger>(
    State(service): State<Shared<L>>,
    headers: HeaderMap,
    query: Result<Query<FlaggedQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    Ok(axum::Json(FlaggedList {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        flagged: service.flagged(query.open).await?,
    })
    .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResolutionNote {
    /// What the centre decided about it.
    note: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Resolved {
    protocol: u32,
    server_time_ms: i64,
    device_id: Uuid,
    flag: Flag,
    seq: u64,
}

#[utoipa::path(post, path = "/v1/admin/flagged/{device_id}/{flag}/{seq}/resolve", tag = "admin",
    summary = "Resolve a device's conflict or fork with a note (the events stay held)",
    params(("device_id" = Uuid, Path, description = "the device"),
        ("flag" = Flag, Path, description = "conflict or fork"),
        ("seq" = u64, Path, description = "the flagged event's seq")),
    request_body = ResolutionNote, security(("bearer" = [])),
    responses((status = 200, body = Resolved, description = "resolved"),
        (status = 400, body = ErrorBody, description = "nothing of that kind is open there")))]
pub(crate) async fn resolve<L: Ledger>(
    State(service): State<Shared<L>>,
    Path((device_id, flag, seq)): Path<(String, String, u64)>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let device = Uuid::parse_str(&device_id)
        .map_err(|_| ApiError::bad_request(format!("{device_id:?} is not a device id")))?;
    let flag = Flag::parse(&flag)
        .ok_or_else(|| ApiError::bad_request(format!("{flag:?} is not conflict or fork")))?;
    let note: ResolutionNote = json_body(read_body(request).await, "resolution")?;
    service.resolve(device, flag, seq, &note.note).await?;
    Ok(axum::Json(Resolved {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        device_id: device,
        flag,
        seq,
    })
    .into_response())
}
