//! `redshield`: drives the core's API on a desktop exactly as a phone does (the same
//! `FieldCore` calls), for operators, scripts, load simulation and tests.

mod output;
mod platform;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use redshield_core::api::{CaseQuery, CoreError, FieldCore, GeoPosition, NewCase};
use redshield_core::cases::{CaseKind, CaseState, Channel};

use output::Output;
use platform::KeyFilePlatform;

#[derive(Parser)]
#[command(
    name = "redshield",
    version,
    about = "Redshield (红盾): the 12315 field core on a desktop"
)]
struct Cli {
    /// The store directory: one device (redshield.sqlite and its device.key).
    #[arg(
        long,
        global = true,
        env = "REDSHIELD_STORE",
        default_value = "./redshield-store"
    )]
    store: PathBuf,
    /// Print one JSON document on stdout (errors as JSON on stderr).
    #[arg(long, global = true)]
    json: bool,
    /// Show the core's log on stderr.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the store (and the device identity) if needed, and sign an officer in.
    Init(SignIn),
    /// Sign officers in and out.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Consultations, complaints and reports.
    #[command(subcommand)]
    Case(CaseCommand),
    /// The signed event log.
    #[command(subcommand)]
    Log(LogCommand),
}

#[derive(Args)]
struct SignIn {
    #[arg(long)]
    officer_name: String,
    /// The enforcement ID number (执法证号).
    #[arg(long)]
    officer_id: String,
}

#[derive(Subcommand)]
enum OfficerCommand {
    SignIn(SignIn),
    SignOut,
    /// Who is signed in.
    Show,
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Take a consultation, complaint or report.
    Open(OpenCase),
    /// Cases, newest first.
    List {
        #[arg(long, value_enum)]
        state: Option<StateArg>,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// The `next` cursor of the previous page.
        #[arg(long)]
        after: Option<String>,
    },
    /// One case, by id or number.
    Show { id: String },
    /// Delete a case's personal data (the log stays verifiable).
    Purge { id: String },
}

#[derive(Args)]
struct OpenCase {
    #[arg(long, value_enum)]
    kind: KindArg,
    #[arg(long, value_enum, default_value = "vehicle-walk-in")]
    channel: ChannelArg,
    #[arg(long)]
    complainant_name: String,
    #[arg(long)]
    complainant_phone: String,
    #[arg(long)]
    respondent_name: Option<String>,
    #[arg(long)]
    respondent_address: Option<String>,
    #[arg(long)]
    facts: String,
    #[arg(long)]
    demands: Option<String>,
    /// Where the matter happened, WGS-84 degrees.
    #[arg(long, requires = "lon", allow_hyphen_values = true)]
    lat: Option<f64>,
    #[arg(long, requires = "lat", allow_hyphen_values = true)]
    lon: Option<f64>,
    /// Accuracy of --lat/--lon in metres.
    #[arg(long, requires = "lat")]
    accuracy: Option<f64>,
}

#[derive(Subcommand)]
enum LogCommand {
    /// Re-hash every event, check signatures, links and personal-data commitments.
    Verify,
    /// Drop the projections and replay the log into them.
    Rebuild,
}

/// CLI spellings of the core's enums.
macro_rules! arg_enum {
    ($name:ident => $core:ident { $($variant:ident),+ $(,)? }) => {
        #[derive(Clone, Copy, ValueEnum)]
        enum $name { $($variant),+ }

        impl From<$name> for $core {
            fn from(arg: $name) -> $core {
                match arg { $($name::$variant => $core::$variant),+ }
            }
        }
    };
}

arg_enum!(KindArg => CaseKind { Consultation, Complaint, Report });
arg_enum!(StateArg => CaseState { Received });
arg_enum!(ChannelArg => Channel { VehicleWalkIn, Hotline, NationalPlatform, ServiceStation, Letter });

/// Exit codes: 0 done, 1 failure, 2 bad input (clap's too), 3 the log failed verification,
/// 4 not found.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output { json: cli.json };
    match run(cli, &out) {
        Ok(code) => code,
        Err(Failure::Core(e)) => out.core_error(&e),
        Err(Failure::Setup(message)) => out.setup_error(&message),
    }
}

enum Failure {
    Core(CoreError),
    Setup(String),
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(e)
    }
}

fn open(cli: &Cli) -> Result<Arc<FieldCore>, Failure> {
    let platform = KeyFilePlatform::for_store(&cli.store, cli.verbose).map_err(Failure::Setup)?;
    let dir = cli.store.to_string_lossy().into_owned();
    Ok(FieldCore::open(dir, Arc::new(platform))?)
}

fn run(cli: Cli, out: &Output) -> Result<ExitCode, Failure> {
    let core = open(&cli)?;
    match cli.command {
        Command::Init(who) | Command::Officer(OfficerCommand::SignIn(who)) => {
            let officer = core.sign_in(who.officer_name, who.officer_id)?;
            out.device(&core, Some(&officer));
        }
        Command::Officer(OfficerCommand::SignOut) => {
            core.sign_out()?;
            out.device(&core, None);
        }
        Command::Officer(OfficerCommand::Show) => {
            out.device(&core, core.current_officer().as_ref())
        }
        Command::Case(command) => case(&core, command, out)?,
        Command::Log(LogCommand::Verify) => {
            let report = core.verify_chain()?;
            out.chain_report(&report);
            if !report.intact {
                return Ok(ExitCode::from(3));
            }
        }
        Command::Log(LogCommand::Rebuild) => {
            out.count("events replayed", core.rebuild_projections()?)
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn case(core: &FieldCore, command: CaseCommand, out: &Output) -> Result<(), Failure> {
    match command {
        CaseCommand::Open(c) => {
            let place = c.lat.zip(c.lon).map(|(latitude, longitude)| GeoPosition {
                latitude,
                longitude,
                accuracy_m: c.accuracy,
            });
            let case = core.open_case(NewCase {
                kind: c.kind.into(),
                channel: Some(c.channel.into()),
                complainant_name: c.complainant_name,
                complainant_phone: c.complainant_phone,
                respondent_name: c.respondent_name,
                respondent_address: c.respondent_address,
                facts: c.facts,
                demands: c.demands,
                place,
            })?;
            out.case(&case);
        }
        CaseCommand::List {
            state,
            kind,
            limit,
            after,
        } => {
            let page = core.list_cases(CaseQuery {
                state: state.map(Into::into),
                kind: kind.map(Into::into),
                limit: Some(limit),
                after,
            })?;
            out.case_page(&page);
        }
        CaseCommand::Show { id } => out.case(&core.get_case(id)?),
        CaseCommand::Purge { id } => {
            out.count("personal values deleted", core.purge_personal_data(id)?)
        }
    }
    Ok(())
}
