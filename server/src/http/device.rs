//! What a phone calls, with its own token: enrolment (with a one-time code instead), pushing
//! its chain, pulling the centre's server events, and its blobs in resumable chunks.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use redshield_core::events::Digest;
use redshield_core::sync::protocol::{
    BLOB_COMPLETE_HEADER, BLOB_FINAL_HEADER, BLOB_RECEIVED_HEADER, BlobReceipt, EnrolRequest,
    Enrolled, ErrorBody, PROTOCOL, Push, PushReceipt, ServerEvents,
};
use serde::Deserialize;

use super::common::{Shared, body_refused, device_for_path, device_of, json_body, read_body};
use crate::blobs::{BlobState, ChunkOutcome};
use crate::error::ApiError;
use crate::ledger::Ledger;
use crate::service::now_ms;

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
