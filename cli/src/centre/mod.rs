//! `redshield centre …`: the staff's commands, through the running service's admin API with
//! the admin token (`client`). Each command's module asks the centre and formats the answer;
//! this one only hands each command to its module.

mod abuse_signs;
pub mod client;
mod decisions;
mod devices;
mod reference;
mod report;
mod review;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use crate::failure::Failure;
use crate::files::read_json_value;
use crate::output::Output;
use client::AdminAccess;

#[derive(Subcommand)]
pub enum CentreCommand {
    /// Issue a one-time enrolment code for a device (asks the running service).
    EnrolCode {
        #[command(flatten)]
        centre: AdminAccess,
        /// How long the code stays valid.
        #[arg(long, default_value_t = 24)]
        hours: u64,
    },
    /// Every enrolled device: last sync, last position, app version, what is flagged.
    Devices {
        #[command(flatten)]
        centre: AdminAccess,
    },
    /// Publish the departments directory for referrals to every device: FILE is a JSON list
    /// of `{"code", "name"}`, checked as a device checks it.
    Departments {
        #[command(flatten)]
        centre: AdminAccess,
        file: PathBuf,
    },
    /// Publish the urban areas to every device: FILE is a GeoJSON FeatureCollection of named
    /// Polygon / MultiPolygon features (the 30-minute on-site target applies inside them).
    UrbanAreas {
        #[command(flatten)]
        centre: AdminAccess,
        file: PathBuf,
    },
    /// Publish a year's holidays and adjusted working days to every device: FILE as for
    /// `calendar load` (`{"year", "holidays", "working_days", "source"}`).
    CalendarYear {
        #[command(flatten)]
        centre: AdminAccess,
        file: PathBuf,
    },
    /// Publish the officer roster to every device: FILE is a JSON list of
    /// `{"name", "enforcement_id", "supervisor"}`; devices then sign in only those officers.
    Roster {
        #[command(flatten)]
        centre: AdminAccess,
        file: PathBuf,
    },
    /// The rule-set parameters in force; with FILE (a JSON object of every parameter, as
    /// shown), publish it to every device.
    Parameters {
        #[command(flatten)]
        centre: AdminAccess,
        file: Option<PathBuf>,
    },
    /// The agency the documents name and its 调解书 numbering; with FILE (a JSON object
    /// `{"name", "commissioned", "numbering"}`, the scheme holding {year} and {n}), publish it
    /// to every device.
    Agency {
        #[command(flatten)]
        centre: AdminAccess,
        file: Option<PathBuf>,
    },
    /// The blocks of 调解书 numbers given to devices; with --device, give that device the
    /// block --first..=--last of --year (it numbers offline from it).
    Numbers {
        #[command(flatten)]
        centre: AdminAccess,
        #[arg(long, requires_all = ["year", "first", "last"])]
        device: Option<String>,
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        first: Option<u32>,
        #[arg(long)]
        last: Option<u32>,
    },
    /// The officer roster last published.
    Officers {
        #[command(flatten)]
        centre: AdminAccess,
    },
    /// The Art. 17 signs across all devices' complaints (shared phone or address under other
    /// names, a business complained about often): shown, never acted on.
    Flags {
        #[command(flatten)]
        centre: AdminAccess,
    },
    /// The 12315 statistics of a month or a date range: the centre, each vehicle, each
    /// officer; as text, JSON (--json) or an .xlsx workbook (--xlsx FILE).
    Report(report::Report),
    /// Revoke a lost device: its token stops working at once; its signed events stay.
    Revoke {
        #[command(flatten)]
        centre: AdminAccess,
        /// The device's id (`redshield centre devices` lists them).
        device: String,
    },
    #[command(flatten)]
    Decision(decisions::DecisionCommand),
    #[command(flatten)]
    Review(review::ReviewCommand),
}

pub fn run(command: CentreCommand, out: &Output) -> Result<ExitCode, Failure> {
    match command {
        CentreCommand::EnrolCode { centre, hours } => devices::enrol_code(&centre, hours, out),
        CentreCommand::Devices { centre } => devices::list(&centre, out),
        CentreCommand::Departments { centre, file } => {
            let body = json!({ "departments": read_json_value(&file)? });
            reference::publish(&centre, "departments", body, out)
        }
        CentreCommand::UrbanAreas { centre, file } => {
            reference::publish(&centre, "urban-areas", read_json_value(&file)?, out)
        }
        CentreCommand::CalendarYear { centre, file } => {
            reference::publish(&centre, "calendar-years", read_json_value(&file)?, out)
        }
        CentreCommand::Roster { centre, file } => {
            let body = json!({ "officers": read_json_value(&file)? });
            reference::publish(&centre, "officers", body, out)
        }
        CentreCommand::Parameters { centre, file } => match file {
            Some(file) => reference::publish(&centre, "parameters", read_json_value(&file)?, out),
            None => reference::parameters(&centre, out),
        },
        CentreCommand::Agency { centre, file } => match file {
            Some(file) => reference::publish(&centre, "agency", read_json_value(&file)?, out),
            None => reference::agency(&centre, out),
        },
        CentreCommand::Numbers {
            centre,
            device: Some(device),
            year,
            first,
            last,
        } => {
            let block = json!({ "year": year, "first": first, "last": last });
            reference::give_numbers(&centre, &device, block, out)
        }
        CentreCommand::Numbers { centre, .. } => reference::numbers(&centre, out),
        CentreCommand::Officers { centre } => reference::officers(&centre, out),
        CentreCommand::Flags { centre } => abuse_signs::run(&centre, out),
        CentreCommand::Report(report) => report::run(report, out),
        CentreCommand::Revoke { centre, device } => devices::revoke(&centre, &device, out),
        CentreCommand::Decision(command) => decisions::run(command, out),
        CentreCommand::Review(command) => review::run(command, out),
    }
}
