//! The dispatcher's and the supervisor's orders about a case, each published to the device
//! that owns it as a signed server event.

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use redshield_core::cases::Outcome;
use redshield_core::clocks::ClockKind;
use redshield_core::sync::protocol::PROTOCOL;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::common::{AdminAuth, Shared, id_of, json_body, read_body};
use crate::decisions::{Decided, DispatchOrder, PendingExtension};
use crate::error::ApiError;
use crate::ledger::Ledger;
use crate::service::now_ms;

/// An order about one case: the case id of the path, the JSON body.
async fn case_order<T: DeserializeOwned>(
    case_id: &str,
    request: Request,
    what: &str,
) -> Result<(Uuid, T), ApiError> {
    let case_id = id_of(case_id, "case")?;
    Ok((case_id, json_body(read_body(request).await, what)?))
}

#[utoipa::path(post, path = "/v1/admin/dispatches", tag = "admin",
    summary = "Send a vehicle to a case: one its device owns, or a new case the centre received (it goes with the dispatch)",
    request_body = DispatchOrder, security(("bearer" = [])),
    responses((status = 200, body = Decided, description = "published to the device as a signed CaseDispatched")))]
pub(crate) async fn dispatch<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let (case_id, to): (Uuid, Assignment) = case_order(&case_id, request, "assignment").await?;
    Ok(axum::Json(service.assign_case(case_id, to.device).await?).into_response())
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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let (case_id, closure): (Uuid, Closure) = case_order(&case_id, request, "closure").await?;
    Ok(axum::Json(service.close_case(case_id, closure.outcome).await?).into_response())
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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let (case_id, s): (Uuid, SupervisionNote) =
        case_order(&case_id, request, "supervision note").await?;
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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let (case_id, a): (Uuid, ExtensionAnswer) =
        case_order(&case_id, request, "extension answer").await?;
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
    _: AdminAuth,
) -> Result<Response, ApiError> {
    Ok(axum::Json(PendingExtensions {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        requests: service.pending_extensions().await?,
    })
    .into_response())
}
