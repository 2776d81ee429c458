//! `redshield centre dispatch|assign|close|supervise|extension|extension-requests`: the
//! dispatcher's and supervisor's decisions, through the running service's admin API. Each
//! becomes a signed server event the case's device carries out at its next sync.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::{Value, json};

use crate::calendar::ClockArg;
use crate::centre::{AdminAccess, json_file};
use crate::output::Output;
use crate::{Failure, OutcomeArg};

#[derive(Subcommand)]
pub enum DecisionCommand {
    /// Send a vehicle to a case: one its device owns (--case), or a case the centre received
    /// (--intake FILE: a NewCase JSON, as `case open --json-file` takes), which goes with it.
    Dispatch {
        #[command(flatten)]
        centre: AdminAccess,
        /// The device in the vehicle (`redshield centre devices`).
        #[arg(long)]
        device: String,
        #[arg(long)]
        vehicle: String,
        #[arg(long, conflicts_with = "intake", required_unless_present = "intake")]
        case: Option<String>,
        #[arg(long)]
        intake: Option<PathBuf>,
        /// The site, WGS-84 degrees.
        #[arg(long, requires = "lon", allow_hyphen_values = true)]
        lat: Option<f64>,
        #[arg(long, requires = "lat", allow_hyphen_values = true)]
        lon: Option<f64>,
        #[arg(long)]
        site_text: Option<String>,
    },
    /// Reassign a case to another device (ownership transfer).
    Assign {
        #[command(flatten)]
        centre: AdminAccess,
        case: String,
        #[arg(long)]
        device: String,
    },
    /// Close a case by the centre's decision; its device carries the closure out.
    Close {
        #[command(flatten)]
        centre: AdminAccess,
        case: String,
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
    },
    /// 督办: a supervision note on a case, to be answered by --due (YYYY-MM-DD).
    Supervise {
        #[command(flatten)]
        centre: AdminAccess,
        case: String,
        #[arg(long)]
        due: String,
        #[arg(long)]
        note: String,
    },
    /// Answer an officer's request to extend a clock.
    Extension {
        #[command(flatten)]
        centre: AdminAccess,
        case: String,
        #[arg(long, value_enum)]
        clock: ClockArg,
        #[arg(long, conflicts_with = "refuse", required_unless_present = "refuse")]
        approve: bool,
        #[arg(long)]
        refuse: bool,
    },
    /// Officers' extension requests the centre has not answered.
    ExtensionRequests {
        #[command(flatten)]
        centre: AdminAccess,
    },
    /// Conflicts and forks to review (the open ones; --all: resolved ones too).
    Flagged {
        #[command(flatten)]
        centre: AdminAccess,
        #[arg(long)]
        all: bool,
    },
    /// Resolve a device's conflict or fork at SEQ, saying what the centre decided.
    Resolve {
        #[command(flatten)]
        centre: AdminAccess,
        device: String,
        #[arg(value_parser = ["conflict", "fork"])]
        flag: String,
        seq: u64,
        #[arg(long)]
        note: String,
    },
}

pub fn run(command: DecisionCommand, out: &Output) -> Result<(), Failure> {
    let (centre, path, body) = match command {
        DecisionCommand::Dispatch {
            centre,
            device,
            vehicle,
            case,
            intake,
            lat,
            lon,
            site_text,
        } => {
            let intake = intake.map(|file| json_file(&file)).transpose()?;
            let site = lat
                .zip(lon)
                .map(|(lat, lon)| json!({ "lat": lat, "lon": lon }));
            let body = json!({ "device": device, "vehicle": vehicle, "case_id": case,
                "case": intake, "site": site, "site_text": site_text });
            (centre, "/v1/admin/dispatches".to_string(), Some(body))
        }
        DecisionCommand::Assign {
            centre,
            case,
            device,
        } => {
            let body = json!({ "device": device });
            (centre, format!("/v1/admin/cases/{case}/assign"), Some(body))
        }
        DecisionCommand::Close {
            centre,
            case,
            outcome,
        } => {
            let outcome = redshield_core::api::Outcome::from(outcome);
            let body = json!({ "outcome": outcome.as_str() });
            (centre, format!("/v1/admin/cases/{case}/close"), Some(body))
        }
        DecisionCommand::Supervise {
            centre,
            case,
            due,
            note,
        } => {
            let body = json!({ "due_on": due, "note": note });
            (
                centre,
                format!("/v1/admin/cases/{case}/supervision"),
                Some(body),
            )
        }
        DecisionCommand::Extension {
            centre,
            case,
            clock,
            approve,
            ..
        } => {
            let clock = redshield_core::api::ClockKind::from(clock);
            let body = json!({ "clock": clock.as_str(), "approved": approve });
            (
                centre,
                format!("/v1/admin/cases/{case}/extension"),
                Some(body),
            )
        }
        DecisionCommand::ExtensionRequests { centre } => {
            let answer = centre.ask("GET", "/v1/admin/extension-requests", None)?;
            let text = request_lines(&answer);
            out.print(answer, || text);
            return Ok(());
        }
        DecisionCommand::Flagged { centre, all } => {
            let path = format!("/v1/admin/conflicts-and-forks?open={}", !all);
            let answer = centre.ask("GET", &path, None)?;
            let text = flagged_lines(&answer);
            out.print(answer, || text);
            return Ok(());
        }
        DecisionCommand::Resolve {
            centre,
            device,
            flag,
            seq,
            note,
        } => {
            let path = format!("/v1/admin/conflicts-and-forks/{device}/{flag}/{seq}/resolve");
            let answer = centre.ask("POST", &path, Some(json!({ "note": note })))?;
            out.print(answer, || {
                format!("{flag} at seq {seq} of {device} resolved")
            });
            return Ok(());
        }
    };
    let answer = centre.ask("POST", &path, body)?;
    let (case, seq) = (answer["case_id"].clone(), answer["server_seq"].clone());
    out.print(answer, || {
        format!("case {case}: sent as server event {seq}; the device acts on it at its next sync")
    });
    Ok(())
}

fn request_lines(answer: &Value) -> String {
    let requests = answer["requests"].as_array().cloned().unwrap_or_default();
    if requests.is_empty() {
        return "no extension request is waiting".into();
    }
    let lines: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                "{} {} {} asked {}  {}",
                r["device"].as_str().unwrap_or("?"),
                r["case_id"].as_str().unwrap_or("?"),
                r["clock"].as_str().unwrap_or("?"),
                crate::output::beijing(r["requested_at_ms"].as_i64().unwrap_or(0)),
                r["reason"].as_str().unwrap_or("(purged)")
            )
        })
        .collect();
    lines.join("\n")
}

fn flagged_lines(answer: &Value) -> String {
    let flagged = answer["flagged"].as_array().cloned().unwrap_or_default();
    if flagged.is_empty() {
        return "nothing to review".into();
    }
    let lines: Vec<String> = flagged
        .iter()
        .map(|f| {
            let state = match f["resolution"].as_str() {
                Some(note) => format!("resolved: {note}"),
                None => "open".to_string(),
            };
            format!(
                "{} {} seq {}  {}  {}",
                f["device"].as_str().unwrap_or("?"),
                f["flag"].as_str().unwrap_or("?"),
                f["seq"],
                f["reason"].as_str().unwrap_or(""),
                state
            )
        })
        .collect();
    lines.join("\n")
}
