//! Protocol v1 over HTTP (axum), cut by who calls it:
//! - `device`: what a phone calls with its own token: enrolment, push, pull, blobs;
//! - `admin`: the staff's devices (list, revoke, enrolment codes) and the reference data
//!   published to every device (departments, urban areas, calendar years, parameters,
//!   officers, the agency, 调解书 number blocks);
//! - `decisions`: the dispatcher's and supervisor's orders about a case (dispatch, assign,
//!   close, 督办, extensions);
//! - `review`: what the staff review: held conflicts and forks, and the Art. 17 abuse flags;
//! - `statistics`: the monthly 12315 figures, as JSON or a workbook (`workbook`);
//! - `operations`: `/healthz`, `/metrics`, `/openapi.json`.
//!
//! Every route goes through `envelope`; the handlers stand on `common` and nothing else of
//! this module; the router here and the document (`openapi`) stand on the handlers.

mod admin;
mod common;
mod decisions;
mod device;
mod envelope;
pub mod openapi;
mod operations;
mod review;
mod statistics;
pub mod workbook;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, head, post, put};
use redshield_core::sync::protocol::MAX_BODY_BYTES;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::ledger::Ledger;
pub(crate) use common::Shared;
pub use envelope::SERVER_TIME_HEADER;
pub use redshield_core::sync::protocol::{
    BLOB_COMPLETE_HEADER, BLOB_FINAL_HEADER, BLOB_RECEIVED_HEADER,
};

pub fn router<L: Ledger>(service: Shared<L>) -> Router {
    Router::new()
        .merge(device_routes())
        .merge(admin_routes())
        .merge(decision_routes())
        .merge(review_routes())
        .route("/v1/admin/statistics", get(statistics::statistics::<L>))
        .route("/healthz", get(operations::healthz::<L>))
        .route("/metrics", get(operations::metrics::<L>))
        .route("/openapi.json", get(operations::openapi))
        .fallback(envelope::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(
            service.clone(),
            envelope::envelope::<L>,
        ))
        .with_state(service)
}

fn device_routes<L: Ledger>() -> Router<Shared<L>> {
    use device::*;
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
}

fn admin_routes<L: Ledger>() -> Router<Shared<L>> {
    use admin::*;
    Router::new()
        .route("/v1/admin/enrolment-codes", post(issue_code::<L>))
        .route("/v1/admin/devices", get(devices::<L>))
        .route("/v1/admin/devices/{device_id}/revoke", post(revoke::<L>))
        .route(
            "/v1/admin/reference/departments",
            put(publish_departments::<L>),
        )
        .route(
            "/v1/admin/reference/urban-areas",
            put(publish_urban_areas::<L>),
        )
        .route(
            "/v1/admin/reference/calendar-years",
            put(publish_calendar_year::<L>),
        )
        .route(
            "/v1/admin/reference/parameters",
            get(parameters::<L>).put(publish_parameters::<L>),
        )
        .route(
            "/v1/admin/reference/officers",
            get(roster::<L>).put(publish_roster::<L>),
        )
        .route(
            "/v1/admin/reference/agency",
            get(agency::<L>).put(publish_agency::<L>),
        )
        .route(
            "/v1/admin/devices/{device_id}/document-numbers",
            post(assign_numbers::<L>),
        )
        .route("/v1/admin/document-numbers", get(number_blocks::<L>))
}

fn decision_routes<L: Ledger>() -> Router<Shared<L>> {
    use decisions::*;
    Router::new()
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
}

fn review_routes<L: Ledger>() -> Router<Shared<L>> {
    use review::*;
    Router::new()
        .route(
            "/v1/admin/conflicts-and-forks",
            get(conflicts_and_forks::<L>),
        )
        .route(
            "/v1/admin/conflicts-and-forks/{device_id}/{flag}/{seq}/resolve",
            post(resolve::<L>),
        )
        .route("/v1/admin/abuse-flags", get(abuse_flags::<L>))
}
