//! The monthly 12315 statistics of a month or a date range, answered as JSON or as an `.xlsx`
//! workbook (`workbook`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use redshield_core::statistics::figures::parse_day;
use redshield_core::statistics::{Period, Statistics};
use redshield_core::sync::protocol::PROTOCOL;
use redshield_core::time::beijing_today;
use serde::{Deserialize, Serialize};

use super::common::{AdminAuth, Shared};
use super::workbook::workbook;
use crate::error::ApiError;
use crate::ledger::Ledger;
use crate::service::now_ms;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatisticsQuery {
    /// A Beijing month, `YYYY-MM`; or give `from` and `to`.
    month: Option<String>,
    /// First day, `YYYY-MM-DD` (with `to`, instead of `month`).
    from: Option<String>,
    /// Last day, included.
    to: Option<String>,
    /// The report date for the 办结率 cohort, `YYYY-MM-DD`; default today in Beijing.
    as_of: Option<String>,
    /// `json` (default) or `xlsx`.
    format: Option<String>,
}

/// The statistics as JSON: `Statistics` of `redshield_core::statistics`.
#[derive(Serialize)]
struct StatisticsBody<'a> {
    protocol: u32,
    server_time_ms: i64,
    #[serde(flatten)]
    statistics: &'a Statistics,
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(get, path = "/v1/admin/statistics", tag = "admin",
    summary = "The 12315 statistics of a month or a date range: for the centre, per vehicle, per officer (JSON, or an .xlsx workbook with format=xlsx)",
    params(StatisticsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "JSON: {protocol, server_time_ms, period {label, from, to}, as_of, centre, on_time_by_kind, by_vehicle, by_officer, left_out (devices whose replica could not be read, with the reason: their work is missing from the figures)}; with format=xlsx the workbook (sheets 全中心, 按车辆, 按人员, 到场时间, 按渠道)",
            content((Object = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
pub(crate) async fn statistics<L: Ledger>(
    State(service): State<Shared<L>>,
    _: AdminAuth,
    query: Result<Query<StatisticsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::bad_request(format!("the query: {}", e.body_text())))?;
    let bad = |e: redshield_core::Error| ApiError::bad_request(e.to_string());
    let period = match (&query.month, &query.from, &query.to) {
        (Some(month), None, None) => Period::month(month).map_err(bad)?,
        (None, Some(from), Some(to)) => Period::days(from, to).map_err(bad)?,
        _ => {
            return Err(ApiError::bad_request(
                "name a month (month=YYYY-MM) or a range (from=YYYY-MM-DD&to=YYYY-MM-DD)",
            ));
        }
    };
    let as_of = match &query.as_of {
        Some(day) => parse_day("as_of", day).map_err(bad)?,
        None => beijing_today(),
    };
    let statistics = service.statistics(&period, as_of).await?;
    match query.format.as_deref().unwrap_or("json") {
        "json" => Ok(axum::Json(StatisticsBody {
            protocol: PROTOCOL,
            server_time_ms: now_ms(),
            statistics: &statistics,
        })
        .into_response()),
        "xlsx" => {
            let bytes = workbook(&statistics).map_err(|e| {
                tracing::error!(error = %e, "statistics workbook");
                ApiError::unavailable("the workbook could not be made; try again later")
            })?;
            let name = format!(
                "attachment; filename=\"redshield-statistics-{}.xlsx\"",
                statistics.period.label
            );
            Ok((
                [
                    (header::CONTENT_TYPE, XLSX.to_string()),
                    (header::CONTENT_DISPOSITION, name),
                ],
                bytes,
            )
                .into_response())
        }
        other => Err(ApiError::bad_request(format!(
            "format {other:?}: json or xlsx"
        ))),
    }
}
