//! `redshield centre flagged|resolve`: what the centre holds for review — work on a case
//! reassigned or closed meanwhile (a conflict), two logs from one device (a fork) — and the
//! centre's decision on each.

use std::process::ExitCode;

use clap::Subcommand;
use serde_json::{Value, json};

use super::client::AdminAccess;
use crate::failure::Failure;
use crate::output::{Output, lines_or};

#[derive(Subcommand)]
pub enum ReviewCommand {
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
        // Named FLAG in help and errors, the word the centre's answers use.
        #[arg(value_name = "FLAG", value_parser = ["conflict", "fork"])]
        item: String,
        seq: u64,
        #[arg(long)]
        note: String,
    },
}

pub fn run(command: ReviewCommand, out: &Output) -> Result<ExitCode, Failure> {
    match command {
        ReviewCommand::Flagged { centre, all } => {
            let path = format!("/v1/admin/conflicts-and-forks?open={}", !all);
            let answer = centre.ask("GET", &path, None)?;
            let text = item_lines(&answer);
            Ok(out.print(answer, || text))
        }
        ReviewCommand::Resolve {
            centre,
            device,
            item,
            seq,
            note,
        } => {
            let path = format!("/v1/admin/conflicts-and-forks/{device}/{item}/{seq}/resolve");
            let answer = centre.ask("POST", &path, Some(json!({ "note": note })))?;
            Ok(out.print(answer, || {
                format!("{item} at seq {seq} of {device} resolved")
            }))
        }
    }
}

/// One line per item: the device, what it is, where in the log, why, and what was decided.
fn item_lines(answer: &Value) -> String {
    let items = answer["flagged"].as_array().cloned().unwrap_or_default();
    let lines = items.iter().map(|f| {
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
    });
    lines_or(lines, "nothing to review")
}
