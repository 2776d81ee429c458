//! `redshield trip …`: vehicle trips, as the crew's phone logs them, and GPX files.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use redshield_core::api::{FieldCore, Fix, NewTrip, Purpose, TrackFormat};

use crate::output::Output;
use crate::{Failure, arg_enum, invalid};

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
        #[arg(long, value_enum)]
        format: FormatArg,
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
    #[arg(long, value_enum, default_value = "patrol")]
    purpose: PurposeArg,
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
            purpose: self.purpose.into(),
            case_id: self.case,
            odometer_km,
            odometer_photo,
            started_at_ms: None,
        }
    }
}

arg_enum!(PurposeArg => Purpose { Patrol, Dispatch, StationVisit, Other });
arg_enum!(FormatArg => TrackFormat { Gpx, Geojson });

pub fn run(core: &FieldCore, command: TripCommand, out: &Output) -> Result<(), Failure> {
    match command {
        TripCommand::Start {
            trip,
            odometer,
            odometer_photo,
        } => out.trip(&core.start_trip(trip.new_trip(odometer, odometer_photo))?),
        TripCommand::Fixes { id, file } => {
            let fixes = read_fixes(&file)?;
            core.record_fixes(id.clone(), fixes)?;
            out.trip(&core.get_trip(id)?);
        }
        TripCommand::End { id, odometer } => out.trip(&core.end_trip(id, odometer)?),
        TripCommand::Show { id } => out.trip(&core.get_trip(id)?),
        TripCommand::Import { file, trip } => {
            let path = file.to_string_lossy().into_owned();
            out.trip(&core.import_gpx(path, trip.new_trip(None, None))?);
        }
        TripCommand::Export { id, format, out } => export(core, id, format.into(), out)?,
        TripCommand::Summary { month, vehicle } => {
            out.mileage(&core.monthly_mileage(month, vehicle)?)
        }
    }
    Ok(())
}

fn read_fixes(file: &PathBuf) -> Result<Vec<Fix>, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::Setup(format!("{}: {e}", file.display())))?;
    serde_json::from_str(&text).map_err(|e| invalid("fixes", e.to_string()))
}

/// The core writes files whole (never half a track); for stdout it writes a temporary file
/// that is then copied out.
fn export(
    core: &FieldCore,
    id: String,
    format: TrackFormat,
    out: Option<PathBuf>,
) -> Result<(), Failure> {
    if let Some(path) = out {
        return Ok(core.export_trip(id, format, path.to_string_lossy().into_owned())?);
    }
    let setup = |e: std::io::Error| Failure::Setup(e.to_string());
    let dir = tempfile::tempdir().map_err(setup)?;
    let path = dir.path().join("track");
    core.export_trip(id, format, path.to_string_lossy().into_owned())?;
    let bytes = std::fs::read(&path).map_err(setup)?;
    std::io::stdout().write_all(&bytes).map_err(setup)
}
