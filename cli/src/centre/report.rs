//! `redshield centre report`: the 12315 statistics of a month or a date range from the running
//! centre (`GET /v1/admin/statistics`), as text, JSON or an `.xlsx` workbook.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::Value;

use super::client::AdminAccess;
use crate::failure::Failure;
use crate::files::write_whole;
use crate::output::Output;

#[derive(Args)]
pub struct Report {
    #[command(flatten)]
    centre: AdminAccess,
    /// The Beijing month, YYYY-MM.
    #[arg(long, required_unless_present = "from", conflicts_with_all = ["from", "to"])]
    month: Option<String>,
    /// First day of a range, YYYY-MM-DD (with --to).
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// Last day of the range, included.
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// The report date for the 办结率 cohort [default: today in Beijing].
    #[arg(long)]
    as_of: Option<String>,
    /// Write the workbook to FILE instead of printing the figures.
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
}

pub fn run(report: Report, out: &Output) -> Result<ExitCode, Failure> {
    let mut query: Vec<String> = [
        ("month", &report.month),
        ("from", &report.from),
        ("to", &report.to),
        ("as_of", &report.as_of),
    ]
    .iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}={v}")))
    .collect();
    if let Some(path) = &report.xlsx {
        query.push("format=xlsx".into());
        let path_and_query = format!("/v1/admin/statistics?{}", query.join("&"));
        let bytes = report.centre.download(&path_and_query)?;
        write_whole(path, &bytes)?;
        return Ok(out.written(path, bytes.len()));
    }
    let answer = report.centre.ask(
        "GET",
        &format!("/v1/admin/statistics?{}", query.join("&")),
        None,
    )?;
    let text = summary(&answer);
    Ok(out.print(answer, || text))
}

/// The centre's figures, one per line, for people.
fn summary(answer: &Value) -> String {
    let c = &answer["centre"];
    let mut lines = vec![
        format!(
            "{} ({} – {}), cohort judged on {}",
            text(&answer["period"]["label"]),
            text(&answer["period"]["from"]),
            text(&answer["period"]["to"]),
            text(&answer["as_of"]),
        ),
        format!(
            "received: {} consultations, {} complaints, {} reports; {} consultations answered; accepted {}",
            c["consultations"],
            c["complaints"],
            c["reports"],
            c["consultations_answered"],
            c["accepted"]
        ),
        format!("by channel: {}", channels(&c["received_by_channel"])),
        handling("complaints", &c["complaint_handling"]),
        handling("reports", &c["report_handling"]),
        format!(
            "statutory clocks: {} of {} met ({})",
            c["clocks_met"],
            c["clocks_ended"],
            percent(&c["clocks_met_share"])
        ),
        format!(
            "recovered ¥{:.2} in {} agreements; satisfaction {} over {} scored, {} satisfied",
            c["recovered_fen"].as_f64().unwrap_or(0.0) / 100.0,
            c["agreements"],
            c["mean_score"]
                .as_f64()
                .map_or("—".to_string(), |s| format!("{s:.2}")),
            c["scored"],
            percent(&c["satisfied_share"])
        ),
        mileage(&c["mileage"]),
    ];
    for area in c["on_scene"].as_array().into_iter().flatten() {
        let minutes = |v: &Value| v.as_f64().map_or("—".to_string(), |m| format!("{m:.1}"));
        lines.push(format!(
            "on scene, {}: {} dispatched, {} arrived, {} on time; median {} min, P90 {} min",
            text(&area["area"]),
            area["dispatches"],
            area["arrived"],
            area["met"],
            minutes(&area["median_minutes"]),
            minutes(&area["p90_minutes"])
        ));
    }
    lines.join("\n")
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("?")
}

fn percent(v: &Value) -> String {
    v.as_f64()
        .map_or("—".to_string(), |share| format!("{:.2}%", share * 100.0))
}

/// "hotline 1/2/0, …": consultations/complaints/reports per channel that received any.
fn channels(split: &Value) -> String {
    let received: Vec<String> = split
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            ["consultations", "complaints", "reports"]
                .iter()
                .any(|k| c[k] != 0)
        })
        .map(|c| {
            format!(
                "{} {}/{}/{}",
                text(&c["channel"]),
                c["consultations"],
                c["complaints"],
                c["reports"]
            )
        })
        .collect();
    if received.is_empty() {
        "none".into()
    } else {
        format!("{} (consultations/complaints/reports)", received.join(", "))
    }
}

/// One kind's 办结, 办结率 and per-case 按时办结率.
fn handling(kind: &str, h: &Value) -> String {
    format!(
        "{kind}: {} ended; 办结率 {} ({} of {} received); on time {} ({} of {} ended)",
        h["ended"],
        percent(&h["completion_rate"]),
        h["cohort_ended"],
        h["cohort"],
        percent(&h["on_time_rate"]),
        h["ended_on_time"],
        h["ended"]
    )
}

fn mileage(m: &Value) -> String {
    let km = |v: &Value| v.as_f64().unwrap_or(0.0);
    format!(
        "outings {} ({} dispatch), 人次 {}, {:.1} km ({:.1} by GPS, {:.1} by odometer over {} trips, {} trips with neither), {} not ended ({} past the limit)",
        m["trips"],
        m["dispatch_trips"],
        m["staff_trips"],
        km(&m["km"]),
        km(&m["gps_km"]),
        km(&m["odometer_km"]),
        m["odometer_trips"],
        m["trips_without_km"],
        m["open_trips"],
        m["left_open_trips"]
    )
}
