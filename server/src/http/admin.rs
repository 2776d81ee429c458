//! The staff's devices (every device, revoking a lost one, enrolment codes) and the reference
//! data published to every device: departments, urban areas, calendar years, parameters, the
//! officer roster, the agency and its 调解书 number blocks.

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use redshield_core::agency::{Agency, NumberBlock};
use redshield_core::calendar::years::YearData;
use redshield_core::parameters::Parameters;
use redshield_core::roster::RosterEntry;
use redshield_core::sync::protocol::{
    DepartmentsPublished, ErrorBody, NumbersAssigned, PROTOCOL, RosterPublished,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::common::{AdminAuth, Published, Shared, id_of, json_body, published, read_body};
use crate::admin::Devices;
use crate::error::ApiError;
use crate::ledger::Ledger;
use crate::service::now_ms;

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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let request: CodeRequest = match read_body(request).await {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => CodeRequest::default(),
        // `null` is an absent body too (the document's request body is optional).
        body => {
            json_body::<Option<CodeRequest>>(body, "enrolment-code request")?.unwrap_or_default()
        }
    };
    let ttl =
        std::time::Duration::from_secs(request.ttl_seconds.unwrap_or(DEFAULT_CODE_TTL_SECONDS));
    let issued = service.issue_enrolment_code_with_expiry(ttl).await?;
    Ok(axum::Json(IssuedCodeBody {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        code: issued.code,
        expires_at_ms: issued.expires_at_ms,
    })
    .into_response())
}

#[utoipa::path(get, path = "/v1/admin/devices", tag = "admin",
    summary = "Every enrolled device: last sync, last position, app version, what is flagged",
    security(("bearer" = [])),
    responses((status = 200, body = Devices, description = "in order of enrolment")))]
pub(crate) async fn devices<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
) -> Result<Response, ApiError> {
    Ok(axum::Json(service.devices().await?).into_response())
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
    _: AdminAuth,
) -> Result<Response, ApiError> {
    let id = id_of(&device_id, "device")?;
    if !service.revoke_device(id).await? {
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

#[utoipa::path(put, path = "/v1/admin/reference/departments", tag = "admin",
    summary = "Publish the departments directory for referrals to every device (checked as a device checks it)",
    request_body = DepartmentsPublished, security(("bearer" = [])),
    responses((status = 200, body = Published, description = "published as a signed server event")))]
pub(crate) async fn publish_departments<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let bytes = read_body(request).await?;
    let geojson = String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad_request("the GeoJSON is not UTF-8"))?;
    let (event, _) = service.publish_urban_areas_event(geojson).await?;
    Ok(published(&event))
}

#[utoipa::path(put, path = "/v1/admin/reference/calendar-years", tag = "admin",
    summary = "Publish a year's public holidays and adjusted working days to every device (checked as a device checks them)",
    request_body(content = Object, description = "{year, holidays: [YYYY-MM-DD], working_days: [YYYY-MM-DD], source}"),
    security(("bearer" = [])),
    responses((status = 200, body = Published, description = "published as a signed server event")))]
pub(crate) async fn publish_calendar_year<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let roster: RosterPublished = json_body(read_body(request).await, "officer roster")?;
    let event = service.publish_roster(roster.officers).await?;
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
    _: AdminAuth,
) -> Result<Response, ApiError> {
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
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
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
    _: AdminAuth,
) -> Result<Response, ApiError> {
    Ok(axum::Json(ParametersInForce {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        parameters: service.parameters().await?,
    })
    .into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AgencyInForce {
    protocol: u32,
    server_time_ms: i64,
    /// `null` before the centre published one.
    #[schema(value_type = Option<Object>)]
    agency: Option<Agency>,
}

#[utoipa::path(put, path = "/v1/admin/reference/agency", tag = "admin",
    summary = "Publish the agency the documents name, a mediation body acting in its name, and its 调解书 numbering scheme (with {year} and {n})",
    request_body(content = Object, description = "{name, commissioned?, numbering}"),
    security(("bearer" = [])),
    responses((status = 200, body = Published, description = "published as a signed server event"),
        (status = 400, description = "a name or scheme the devices would refuse")))]
pub(crate) async fn publish_agency<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let agency: Agency = json_body(read_body(request).await, "agency")?;
    let event = service.publish_agency(agency).await?;
    Ok(published(&event))
}

#[utoipa::path(get, path = "/v1/admin/reference/agency", tag = "admin",
    summary = "The agency last published",
    security(("bearer" = [])),
    responses((status = 200, body = AgencyInForce, description = "the agency, or null")))]
pub(crate) async fn agency<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
) -> Result<Response, ApiError> {
    Ok(axum::Json(AgencyInForce {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        agency: service.agency().await?,
    })
    .into_response())
}

/// A block asked for.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BlockOrder {
    year: i32,
    first: u32,
    last: u32,
}

#[utoipa::path(post, path = "/v1/admin/devices/{device_id}/document-numbers", tag = "admin",
    summary = "Give a device a block of 调解书 numbers of a year, to number offline",
    params(("device_id" = Uuid, Path, description = "the device")),
    request_body = BlockOrder, security(("bearer" = [])),
    responses((status = 200, body = Published, description = "given, as a signed server event"),
        (status = 400, description = "not a block, or it overlaps one given before"),
        (status = 404, description = "no such device")))]
pub(crate) async fn assign_numbers<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(device_id): Path<String>,
    _: AdminAuth,
    request: Request,
) -> Result<Response, ApiError> {
    let device = id_of(&device_id, "device")?;
    let order: BlockOrder = json_body(read_body(request).await, "block of numbers")?;
    let block = NumberBlock {
        year: order.year,
        first: order.first,
        last: order.last,
    };
    let event = service.assign_numbers(device, block).await?;
    Ok(published(&event))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Blocks {
    protocol: u32,
    server_time_ms: i64,
    blocks: Vec<NumbersAssigned>,
}

#[utoipa::path(get, path = "/v1/admin/document-numbers", tag = "admin",
    summary = "Every block of 调解书 numbers given, oldest first",
    security(("bearer" = [])),
    responses((status = 200, body = Blocks, description = "the blocks")))]
pub(crate) async fn number_blocks<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
) -> Result<Response, ApiError> {
    Ok(axum::Json(Blocks {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        blocks: service.number_blocks().await?,
    })
    .into_response())
}
