//! `redshield centre report`: the 12315 statistics of a month or a date range from the running
//! centre (`GET /v1/admin/statistics`), as text, JSON or an `.xlsx` workbook.

use std::path::PathBuf;

use clap::Args;
use serde_json::Value;

use crate::Failure;
use crate::centre::AdminAccess;
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

pub fn run(report: Report, out: &Output) -> Result<(), Failure> {
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
        crate::mediation::write_file(path, &bytes)?;
        out.written(path, bytes.len());
        return Ok(());
    }
    let answer = report.centre.ask(
        "GET",
        &format!("/v1/admin/statistics?{}", query.join("&")),
        None,
    )?;
    let text = summary(&answer);
    out.print(answer, || text);
    Ok(())
}

/// The centre's figures, one per line, for people.
fn summary(answer: &Value) -> String {
    let c = &answer["centre"];
    let m = &c["mileage"];
    let percent = |v: &Value| {
        v.as_f64()
            .map_or("—".to_string(), |share| format!("{:.2}%", share * 100.0))
    };
    let mut lines = vec![
        format!(
            "{} ({} – {}), cohort judged on {}",
            answer["period"]["label"].as_str().unwrap_or("?"),
            answer["period"]["from"].as_str().unwrap_or("?"),
            answer["period"]["to"].as_str().unwrap_or("?"),
            answer["as_of"].as_str().unwrap_or("?"),
        ),
        format!(
            "received: {} consultations, {} complaints, {} reports; accepted {}; closed {}",
            c["consultations"], c["complaints"], c["reports"], c["accepted"], c["closed"]
        ),
        format!(
            "办结率 {} ({} of {} closed); on time {} ({} of {} clocks)",
            percent(&c["completion_rate"]),
            c["cohort_closed"],
            c["cohort"],
            percent(&c["on_time_rate"]),
            c["clocks_met"],
            c["clocks_ended"]
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
        format!(
            "outings {} ({} dispatch), 人次 {}, {:.1} km by GPS, {:.1} km by odometer ({} trips)",
            m["trips"],
            m["dispatch_trips"],
            m["staff_trips"],
            m["gps_km"].as_f64().unwrap_or(0.0),
            m["odometer_km"].as_f64().unwrap_or(0.0),
            m["odometer_trips"]
        ),
    ];
    for area in c["on_scene"].as_array().into_iter().flatten() {
        let minutes = |v: &Value| v.as_f64().map_or("—".to_string(), |m| format!("{m:.1}"));
        lines.push(format!(
            "on scene, {}: {} dispatched, {} arrived, {} on time; median {} min, P90 {} min",
            area["area"].as_str().unwrap_or("?"),
            area["dispatches"],
            area["arrived"],
            area["met"],
            minutes(&area["median_minutes"]),
            minutes(&area["p90_minutes"])
        ));
    }
    lines.join("\n")
}
