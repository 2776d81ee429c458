//! The agency the documents name, and the blocks of 调解书 numbers the centre gives its
//! devices (`redshield_core::agency`): published as server events to every device; a block
//! names the one device that applies it. Blocks never overlap: the centre checks every block
//! it gave before it gives another, one assignment at a time.

use axum::extract::{Path, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use redshield_core::agency::{self, Agency, NumberBlock};
use redshield_core::sync::protocol::{
    AGENCY_PUBLISHED, NUMBERS_ASSIGNED, NumbersAssigned, PROTOCOL, ServerEvent,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ServerError};
use crate::http::{Shared, admin, json_body, published, read_body};
use crate::ledger::Ledger;
use crate::service::{Service, now_ms, to_body};

/// The lock key that makes assignments take turns (no device has the all-ones id).
const ASSIGNING: Uuid = Uuid::max();

impl<L: Ledger> Service<L> {
    /// Publishes the agency to every device, once it passes the device's own checks.
    pub async fn publish_agency(&self, agency: Agency) -> Result<ServerEvent, ServerError> {
        let checked = agency::check(&agency).map_err(|e| ServerError::BadInput(e.to_string()))?;
        self.publish(None, AGENCY_PUBLISHED, to_body(&checked)?)
            .await
    }

    /// The agency last published, if any.
    pub async fn agency(&self) -> Result<Option<Agency>, ServerError> {
        self.last_published(AGENCY_PUBLISHED).await
    }

    /// Gives `device` a block of numbers, if it is enrolled and the block shares no number
    /// with a block given before (to any device).
    pub async fn assign_numbers(
        &self,
        device: Uuid,
        block: NumberBlock,
    ) -> Result<ServerEvent, ServerError> {
        agency::check_block(&block).map_err(|e| ServerError::BadInput(e.to_string()))?;
        let enrolled = self.ledger.devices().await?.iter().any(|d| d.id == device);
        if !enrolled {
            return Err(ServerError::NotFound(format!(
                "no device {device} is enrolled"
            )));
        }
        self.device_locks
            .run(ASSIGNING, || async {
                if let Some(given) = self
                    .number_blocks()
                    .await?
                    .into_iter()
                    .find(|given| agency::overlap(&given.block(), &block))
                {
                    return Err(ServerError::BadInput(format!(
                        "numbers {}–{} of {} overlap the block {}–{} given to device {}",
                        block.first, block.last, block.year, given.first, given.last, given.device
                    )));
                }
                let assigned = NumbersAssigned {
                    device,
                    year: block.year,
                    first: block.first,
                    last: block.last,
                };
                self.publish(None, NUMBERS_ASSIGNED, to_body(&assigned)?)
                    .await
            })
            .await
    }

    /// Every block given, oldest first.
    pub async fn number_blocks(&self) -> Result<Vec<NumbersAssigned>, ServerError> {
        self.all_published(NUMBERS_ASSIGNED).await
    }
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
    responses((status = 200, body = crate::http::Published, description = "published as a signed server event"),
        (status = 400, description = "a name or scheme the devices would refuse")))]
pub(crate) async fn publish_agency<L: Ledger>(
    State(service): State<Shared<L>>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
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
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
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
    responses((status = 200, body = crate::http::Published, description = "given, as a signed server event"),
        (status = 400, description = "not a block, or it overlaps one given before"),
        (status = 404, description = "no such device")))]
pub(crate) async fn assign_numbers<L: Ledger>(
    State(service): State<Shared<L>>,
    Path(device_id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    admin(&service, request.headers())?;
    let device = Uuid::parse_str(&device_id)
        .map_err(|_| ApiError::bad_request(format!("{device_id:?} is not a device id")))?;
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
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&service, &headers)?;
    Ok(axum::Json(Blocks {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        blocks: service.number_blocks().await?,
    })
    .into_response())
}
