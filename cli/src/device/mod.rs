//! The phone's commands, on the local store: each drives the same `FieldCore` calls as the
//! apps. This module opens the store and hands each command to its own module.

pub mod calendar;
pub mod case;
pub mod check;
pub mod clock;
pub mod dispatch;
pub mod documents;
pub mod evidence;
pub mod place;
pub mod platform;
pub mod sync;
pub mod trip;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use redshield_core::api::{FieldCore, Officer, Role};
use serde_json::json;

use crate::failure::Failure;
use crate::output::{Output, officer_json, roster_lines, to_json};
use platform::KeyFilePlatform;

/// The commands that work on a store.
#[derive(Subcommand)]
pub enum StoreCommand {
    /// Create the store (and the device identity) if needed, and sign an officer in.
    Init(SignIn),
    /// Sign officers in and out.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Consultations, complaints and reports.
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// The departments directory cases are referred to.
    Departments,
    /// The centre's officer roster (who may sign in; empty before the centre publishes one).
    Roster,
    /// The rule-set parameters in force (the centre's, else the defaults).
    Parameters,
    /// Vehicle trips and mileage.
    #[command(subcommand)]
    Trip(trip::TripCommand),
    /// The mainland working-day calendar and statutory due dates.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Statutory clocks: a case's, or those due soon.
    #[command(subcommand)]
    Clock(clock::ClockCommand),
    /// The dispatch clock: a vehicle sent to a site.
    #[command(subcommand)]
    Dispatch(dispatch::DispatchCommand),
    /// Evidence photos and recordings.
    #[command(subcommand)]
    Evidence(evidence::EvidenceCommand),
    /// On-site mediation: the 调解书 or 调解记录, act by act, signed on the screen.
    #[command(subcommand)]
    Mediation(documents::mediation::MediationCommand),
    /// 现场笔录 and 询问笔录: the same acts, read back and signed on every page.
    #[command(subcommand)]
    Record(documents::records::RecordCommand),
    /// The signed event log.
    #[command(subcommand)]
    Log(LogCommand),
    /// Enrol this device with a centre, with a one-time code issued there.
    Enrol(sync::Enrol),
    /// Push every event the centre has not acknowledged.
    Sync,
}

#[derive(Args)]
pub struct SignIn {
    #[arg(long)]
    officer_name: String,
    /// The enforcement ID number (执法证号).
    #[arg(long)]
    officer_id: String,
    /// Sign in as a supervisor (approves clock extensions).
    #[arg(long)]
    supervisor: bool,
}

#[derive(Subcommand)]
pub enum OfficerCommand {
    SignIn(SignIn),
    SignOut,
    /// Who is signed in.
    Show,
}

#[derive(Subcommand)]
pub enum LogCommand {
    /// Re-hash every event, check signatures, links and personal-data commitments.
    Verify,
    /// Drop the projections and replay the log into them.
    Rebuild,
}

/// Opens the store in `store` (made on first use) and runs `command` on it.
pub fn run(
    store: &Path,
    verbose: bool,
    command: StoreCommand,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let core = open(store, verbose)?;
    match command {
        StoreCommand::Init(who) | StoreCommand::Officer(OfficerCommand::SignIn(who)) => {
            sign_in(&core, who, out)
        }
        StoreCommand::Officer(OfficerCommand::SignOut) => {
            core.sign_out()?;
            Ok(print_device(&core, None, out))
        }
        StoreCommand::Officer(OfficerCommand::Show) => {
            Ok(print_device(&core, core.current_officer().as_ref(), out))
        }
        StoreCommand::Case(command) => case::run(&core, command, out),
        StoreCommand::Departments => departments(&core, out),
        StoreCommand::Roster => roster(&core, out),
        StoreCommand::Parameters => Ok(out.print_pretty(to_json(&core.rule_parameters()?))),
        StoreCommand::Trip(command) => trip::run(&core, command, out),
        StoreCommand::Calendar(command) => calendar::run(&core, command, out),
        StoreCommand::Clock(command) => clock::run(&core, command, out),
        StoreCommand::Dispatch(command) => dispatch::run(&core, command, out),
        StoreCommand::Evidence(command) => evidence::run(&core, command, out),
        StoreCommand::Mediation(command) => documents::mediation::run(&core, command, out),
        StoreCommand::Record(command) => documents::records::run(&core, command, out),
        StoreCommand::Log(command) => log(&core, command, out),
        StoreCommand::Enrol(args) => sync::enrol(core, args, out),
        StoreCommand::Sync => sync::sync(core, out),
    }
}

fn open(store: &Path, verbose: bool) -> Result<Arc<FieldCore>, Failure> {
    let platform = KeyFilePlatform::for_store(store, verbose).map_err(Failure::setup)?;
    let dir = store.to_string_lossy().into_owned();
    Ok(FieldCore::open(dir, Arc::new(platform))?)
}

fn sign_in(core: &FieldCore, who: SignIn, out: &Output) -> Result<ExitCode, Failure> {
    let role = if who.supervisor {
        Role::Supervisor
    } else {
        Role::Officer
    };
    let officer = core.sign_in_as(who.officer_name, who.officer_id, role)?;
    Ok(print_device(core, Some(&officer), out))
}

/// This device and who is signed in on it.
fn print_device(core: &FieldCore, officer: Option<&Officer>, out: &Output) -> ExitCode {
    let value = json!({
        "device_id": core.device_id(),
        "device_prefix": core.device_prefix(),
        "officer": officer.map(officer_json),
    });
    out.print(value, || {
        let who = officer.map_or("nobody signed in".to_string(), |o| {
            format!("signed in: {} ({})", o.name, o.enforcement_id)
        });
        format!(
            "device {} (prefix {})\n{who}",
            core.device_id(),
            core.device_prefix()
        )
    })
}

fn departments(core: &FieldCore, out: &Output) -> Result<ExitCode, Failure> {
    let list = core.departments()?;
    Ok(out.print(json!({ "departments": to_json(&list) }), || {
        list.iter()
            .map(|d| format!("{:<22}{}", d.code, d.name))
            .collect::<Vec<_>>()
            .join("\n")
    }))
}

fn roster(core: &FieldCore, out: &Output) -> Result<ExitCode, Failure> {
    let roster = core.officer_roster()?;
    let value = json!({ "officers": to_json(&roster) });
    Ok(out.print(value, || roster_lines(&roster)))
}

/// Exit 3 when the log fails verification.
fn log(core: &FieldCore, command: LogCommand, out: &Output) -> Result<ExitCode, Failure> {
    let r = match command {
        LogCommand::Rebuild => return Ok(out.count("events replayed", core.rebuild_projections()?)),
        LogCommand::Verify => core.verify_chain()?,
    };
    let value = json!({
        "intact": r.intact,
        "events": r.events,
        "personal_values": r.personal_values,
        "purged_values": r.purged_values,
        "first_broken_seq": r.first_broken_seq,
        "problem": r.problem,
    });
    out.print(value, || match (&r.first_broken_seq, &r.problem) {
        (Some(seq), Some(problem)) => format!("BROKEN at seq {seq}: {problem}"),
        _ => format!(
            "intact: {} events, {} personal values intact, {} purged",
            r.events, r.personal_values, r.purged_values
        ),
    });
    Ok(if r.intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
