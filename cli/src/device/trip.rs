//! `redshield trip …`: vehicle trips, as the crew's phone logs them, and GPX files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use redshield_core::api::{
    FieldCore, Mileage, MonthlyMileage, NewTrip, Purpose, TrackFormat, Trip,
};
use serde_json::{Value, json};

use crate::failure::Failure;
use crate::files::read_json;
use crate::output::{Output, beijing, officer_json, to_json};
use crate::values::every;

#[derive(Subcommand)]
pub enum TripCommand {
    /// The vehicle leaves: start its trip (one open trip per vehicle).
    Start {
        #[command(flatten)]
        trip: TripArgs,
        /// The odometer reading when leaving, km.
        #[arg(long)]
        odometer: Option<f64>,
        /// A reference to a photo of the odometer.
        #[arg(long)]
        odometer_photo: Option<String>,
    },
    /// Record fixes on an open trip from a JSON file: a list of fixes as the apps send them
    /// (`latitude`, `longitude`, `time_ms`, optional `accuracy_m`, `speed_mps`, …).
    Fixes { id: String, file: PathBuf },
    /// The vehicle is back: end its trip.
    End {
        id: String,
        /// The odometer reading on return, km.
        #[arg(long)]
        odometer: Option<f64>,
    },
    /// A trip and its measured track.
    Show { id: String },
    /// Enter a GPX file's track as one ended trip.
    Import {
        file: PathBuf,
        #[command(flatten)]
        trip: TripArgs,
    },
    /// Write a trip's track (the fixes the filters keep), to stdout unless --out is given.
    Export {
        id: String,
        #[arg(long, value_parser = every::<TrackFormat>())]
        format: TrackFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The month's mileage: trips, dispatches, staff trips (人次), km by GPS and odometer.
    Summary {
        /// YYYY-MM, Beijing time.
        #[arg(long)]
        month: String,
        #[arg(long)]
        vehicle: Option<String>,
    },
}

/// Who went out, in what, and why.
#[derive(Args)]
pub struct TripArgs {
    /// The vehicle's registration or fleet number.
    #[arg(long)]
    vehicle: String,
    /// Staff on board (人次 counts them); default: the crew named, or 1.
    #[arg(long)]
    crew: Option<u32>,
    /// A crew member's name; repeat for each.
    #[arg(long = "crew-member")]
    crew_members: Vec<String>,
    #[arg(long, value_parser = every::<Purpose>(), default_value = "patrol")]
    purpose: Purpose,
    /// The case a dispatch goes to (id or number).
    #[arg(long)]
    case: Option<String>,
}

impl TripArgs {
    fn new_trip(self, odometer_km: Option<f64>, odometer_photo: Option<String>) -> NewTrip {
        let crew_count = self.crew.or(self.crew_members.is_empty().then_some(1));
        NewTrip {
            vehicle: self.vehicle,
            crew: self.crew_members,
            crew_count,
            purpose: self.purpose,
            case_id: self.case,
            odometer_km,
            odometer_photo,
            started_at_ms: None,
        }
    }
}

pub fn run(core: &FieldCore, command: TripCommand, out: &Output) -> Result<ExitCode, Failure> {
    let trip = match command {
        TripCommand::Start {
            trip,
            odometer,
            odometer_photo,
        } => core.start_trip(trip.new_trip(odometer, odometer_photo))?,
        TripCommand::Fixes { id, file } => {
            core.record_fixes(id.clone(), read_json(&file, "fixes")?)?;
            core.get_trip(id)?
        }
        TripCommand::End { id, odometer } => core.end_trip(id, odometer)?,
        TripCommand::Show { id } => core.get_trip(id)?,
        TripCommand::Import { file, trip } => {
            let path = file.to_string_lossy().into_owned();
            core.import_gpx(path, trip.new_trip(None, None))?
        }
        TripCommand::Export { id, format, out } => return export(core, id, format, out),
        TripCommand::Summary { month, vehicle } => {
            return Ok(mileage(&core.monthly_mileage(month, vehicle)?, out));
        }
    };
    Ok(out.print(trip_json(&trip), || trip_text(&trip)))
}

/// The core writes files whole (never half a track); for stdout it writes a temporary file
/// that is then copied out.
fn export(
    core: &FieldCore,
    id: String,
    format: TrackFormat,
    out: Option<PathBuf>,
) -> Result<ExitCode, Failure> {
    if let Some(path) = out {
        core.export_trip(id, format, path.to_string_lossy().into_owned())?;
        return Ok(ExitCode::SUCCESS);
    }
    let setup = |e: std::io::Error| Failure::setup(e.to_string());
    let dir = tempfile::tempdir().map_err(setup)?;
    let path = dir.path().join("track");
    core.export_trip(id, format, path.to_string_lossy().into_owned())?;
    let bytes = std::fs::read(&path).map_err(setup)?;
    std::io::stdout().write_all(&bytes).map_err(setup)?;
    Ok(ExitCode::SUCCESS)
}

/// The month's mileage: the total, then by vehicle, crew member and day.
fn mileage(m: &MonthlyMileage, out: &Output) -> ExitCode {
    out.print(to_json(m), || {
        // km: per trip the odometer where both readings exist, else GPS (regulations.md).
        let mut lines = vec![format!(
            "{:<14}{:>6}{:>10}{:>8}{:>10}{:>10}{:>10}",
            m.month, "trips", "dispatch", "人次", "km", "GPS km", "odo km"
        )];
        let row = |m: &Mileage| {
            format!(
                "{:<14}{:>6}{:>10}{:>8}{:>10.1}{:>10.1}{:>10.1}",
                m.key, m.trips, m.dispatch_trips, m.staff_trips, m.km, m.gps_km, m.odometer_km
            )
        };
        lines.push(row(&m.total));
        for (title, rows) in [
            ("by vehicle", &m.by_vehicle),
            ("by crew member", &m.by_crew_member),
            ("by day", &m.by_day),
        ] {
            lines.push(title.into());
            lines.extend(rows.iter().map(row));
        }
        lines.join("\n")
    })
}

/// A trip with its track's figures at the top level (`trip_id`, `distance_m`, `dropped` by
/// reason, …), as scripts read it.
fn trip_json(t: &Trip) -> Value {
    let r = &t.track;
    let dropped: serde_json::Map<String, Value> = r
        .dropped
        .iter()
        .map(|d| (d.reason.as_str().to_string(), d.count.into()))
        .collect();
    json!({
        "trip_id": t.id,
        "vehicle": t.vehicle,
        "crew": t.crew,
        "crew_count": t.crew_count,
        "purpose": t.purpose,
        "case_id": t.case_id,
        "started_at": beijing(t.started_at_ms),
        "ended_at": t.ended_at_ms.map(beijing),
        "started_by": officer_json(&t.started_by),
        "distance_m": r.distance_m,
        "bridged_m": r.bridged_m,
        "duration_s": r.duration_s,
        "moving_s": r.moving_s,
        "stops": r.stops,
        "gaps": r.gaps,
        "gap_count": r.gaps.len(),
        "fixes_total": r.fixes_total,
        "fixes_kept": r.fixes_kept,
        "dropped": dropped,
        "mock_fixes": r.mock_fixes,
        "start_odometer_km": t.start_odometer_km,
        "end_odometer_km": t.end_odometer_km,
        "odometer_distance_km": t.odometer_distance_km,
        "odometer_mismatch": t.odometer_mismatch,
    })
}

fn trip_text(t: &Trip) -> String {
    let row = |label: &str, value: String| format!("{label:<10}{value}");
    let r = &t.track;
    let minutes = |s: f64| format!("{}h {:02}m", (s / 3600.0) as u64, ((s / 60.0) as u64) % 60);
    let mut lines = vec![
        row("trip", t.id.clone()),
        row(
            "vehicle",
            format!(
                "{} ({}), crew {}{}",
                t.vehicle,
                t.purpose.as_str(),
                t.crew_count,
                if t.crew.is_empty() {
                    String::new()
                } else {
                    format!(": {}", t.crew.join("、"))
                }
            ),
        ),
        row(
            "started",
            format!("{} by {}", beijing(t.started_at_ms), t.started_by.name),
        ),
        row("ended", t.ended_at_ms.map_or("still out".into(), beijing)),
        row(
            "distance",
            format!(
                "{:.3} km ({:.3} km straight over {} gap(s))",
                r.distance_m / 1000.0,
                r.bridged_m / 1000.0,
                r.gaps.len()
            ),
        ),
        row(
            "time",
            format!("{}, moving {}", minutes(r.duration_s), minutes(r.moving_s)),
        ),
        row(
            "fixes",
            format!(
                "{} kept of {}{}",
                r.fixes_kept,
                r.fixes_total,
                r.dropped
                    .iter()
                    .map(|d| format!("; {} {}", d.reason.as_str(), d.count))
                    .collect::<String>()
            ),
        ),
    ];
    for s in &r.stops {
        lines.push(row(
            "stop",
            format!(
                "{} – {} at {:.5}, {:.5}",
                beijing(s.start_ms),
                beijing(s.end_ms),
                s.latitude,
                s.longitude
            ),
        ));
    }
    if let Some(km) = t.odometer_distance_km {
        let flag = if t.odometer_mismatch {
            " — differs from GPS by more than 10 %"
        } else {
            ""
        };
        lines.push(row("odometer", format!("{km:.1} km{flag}")));
    }
    lines.join("\n")
}
