//! What the staff review: events held but flagged (conflicts and forks), resolved with a note;
//! and the Art. 17 abuse flags across every device's complaints, shown, never acted on.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Response};
use redshield_core::sync::protocol::{ErrorBody, PROTOCOL};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::common::{AdminAuth, Shared, id_of, json_body, read_body};
use crate::abuse::AbuseFlags;
use crate::error::ApiError;
use crate::ledger::{Flag, Ledger};
use crate::review::Flagged;
use crate::service::now_ms;

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

#[utoipa::path(get, path = "/v1/admin/conflicts-and-forks", tag = "admin",
    summary = "Conflicts and forks of every device, for review",
    params(FlaggedQuery), security(("bearer" = [])),
    responses((status = 200, body = FlaggedList, description = "device by device, by seq")))]
pub(crate) async fn conflicts_and_forks<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
    query: Result<Query<FlaggedQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
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

#[utoipa::path(post, path = "/v1/admin/conflicts-and-forks/{device_id}/{flag}/{seq}/resolve", tag = "admin",
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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let device = id_of(&device_id, "device")?;
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

#[utoipa::path(get, path = "/v1/admin/abuse-flags", tag = "admin",
    summary = "Abuse flags across all devices' complaints (Art. 17): shown, never acted on",
    description = "Every complaint the Art. 17 rule flags among all cases of all devices, matched by \
        the centre's own blind index: its number, device, each flag's kind, reason (Chinese, \
        citing the factor), basis and the related case numbers; and, apart from them, the \
        hotspot leads (many consumers against one business: not abuse). No phone number, \
        address or name is in the answer.",
    security(("bearer" = [])),
    responses((status = 200, body = AbuseFlags, description = "by case number")))]
pub(crate) async fn abuse_flags<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
) -> Result<Response, ApiError> {
    Ok(axum::Json(service.abuse_flags().await?).into_response())
}
