//! For whoever runs the centre: whether it answers, its counters, and this document. None of
//! them needs the protocol header (`envelope`).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use redshield_core::sync::protocol::{ErrorBody, PROTOCOL};

use super::common::Shared;
use crate::error::ApiError;
use crate::ledger::Ledger;
use crate::service::now_ms;

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

#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    summary = "This document", responses((status = 200, description = "OpenAPI 3.1")))]
pub(crate) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        super::openapi::document(),
    )
        .into_response()
}
