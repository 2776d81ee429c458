//! `redshield`: drives the core's API on a desktop exactly as a phone does (the same
//! `FieldCore` calls), for operators, scripts, load simulation and tests.

mod calendar;
mod centre;
mod decisions;
mod dispatch;
mod evidence;
mod flags;
mod mediation;
mod output;
mod platform;
mod report;
mod sim;
mod sync;
mod trip;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use redshield_core::api::{
    Business, CaseKind, CaseQuery, CaseState, Channel, CodeKind, CoreError, DeclineReason,
    DemandKind, FieldCore, GeoPosition, IdDocument, IdKind, NewCase, NewMatter, NoticeKind,
    OnlineShop, Outcome, Person, ProofKind, ProofOfPurchase, Role, SatisfactionWord, Step,
    check_code,
};

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
    /// Check a code: exit 0 if valid, 1 if not (with --json the verdict is printed either way).
    Check {
        #[arg(value_enum)]
        what: CodeArg,
        value: String,
    },
    /// Run the central service (its ledger in SQLite in the data directory, or in PostgreSQL
    /// with --database; Ctrl-C stops it gracefully).
    Serve(centre::Serve),
    /// The centre's staff: enrolment codes.
    #[command(subcommand)]
    Centre(centre::CentreCommand),
    /// Load test of a running centre: simulated devices (real cores in temp stores) enrol,
    /// record cases and sync concurrently; reports throughput and push latencies.
    Sim(sim::Sim),
    #[command(flatten)]
    Store(StoreCommand),
}

/// The commands that work on a store.
#[derive(Subcommand)]
enum StoreCommand {
    /// Create the store (and the device identity) if needed, and sign an officer in.
    Init(SignIn),
    /// Sign officers in and out.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Consultations, complaints and reports.
    #[command(subcommand)]
    Case(CaseCommand),
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
    Clock(calendar::ClockCommand),
    /// The dispatch clock: a vehicle sent to a site.
    #[command(subcommand)]
    Dispatch(dispatch::DispatchCommand),
    /// Evidence photos and recordings.
    #[command(subcommand)]
    Evidence(evidence::EvidenceCommand),
    /// On-site mediation: the 调解书 or 调解记录, act by act, signed on the screen.
    #[command(subcommand)]
    Mediation(mediation::MediationCommand),
    /// 现场笔录 and 询问笔录: the same acts, read back and signed on every page.
    #[command(subcommand)]
    Record(mediation::RecordCommand),
    /// The signed event log.
    #[command(subcommand)]
    Log(LogCommand),
    /// Enrol this device with a centre, with a one-time code issued there.
    Enrol(sync::Enrol),
    /// Push every event the centre has not acknowledged.
    Sync,
}

#[derive(Args)]
struct SignIn {
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
enum OfficerCommand {
    SignIn(SignIn),
    SignOut,
    /// Who is signed in.
    Show,
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Take a consultation, complaint or report (from flags, or a NewCase JSON file).
    Open(Box<OpenCase>),
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
        /// Words to find (Chinese matches inside longer words).
        #[arg(long)]
        text: Option<String>,
        /// A phone number the cases were given with (mobile, landline, abroad).
        #[arg(long)]
        phone: Option<String>,
    },
    /// One case, by id or number, with its history.
    Show { id: String },
    /// 受理 a complaint.
    Accept(StepArgs),
    /// 不予受理, with the Art. 16 reason.
    Decline {
        #[command(flatten)]
        at: StepArgs,
        #[arg(long, value_enum)]
        reason: DeclineArg,
    },
    /// Forward to the competent market-regulation office (--note says why).
    Forward {
        #[command(flatten)]
        at: StepArgs,
        #[arg(long)]
        office: String,
    },
    /// Refer to another department, by its code (`redshield departments`; --note says why).
    Refer {
        #[command(flatten)]
        at: StepArgs,
        #[arg(long)]
        department: String,
    },
    /// Start mediating an accepted complaint.
    StartMediation(StepArgs),
    /// Record how mediation ended.
    EndMediation {
        #[command(flatten)]
        at: StepArgs,
        #[arg(long, action = clap::ArgAction::Set)]
        agreement: bool,
    },
    /// Start checking a report's lead (核查).
    Verify(StepArgs),
    /// 立案 or 不予立案 on a report.
    Decide {
        #[command(flatten)]
        at: StepArgs,
        #[arg(long, action = clap::ArgAction::Set)]
        file_case: bool,
    },
    /// 办结.
    Close {
        #[command(flatten)]
        at: StepArgs,
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
    },
    /// 回访: a score of 1 to 5 and/or a word on the four-word scale.
    FollowUp {
        #[command(flatten)]
        at: StepArgs,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        score: Option<u8>,
        #[arg(long, value_enum)]
        word: Option<WordArg>,
    },
    /// Delete a case's personal data (the log stays verifiable).
    Purge { id: String },
    /// Signs that a complaint may not be genuine consumption (Art. 17), each with its reason.
    Flags { id: String },
    /// The grounds a complaint may be declined on under its own rules, those its facts
    /// suggest marked (Order No. 121 Art. 16, Order No. 20 Art. 15).
    Grounds { id: String },
    /// Earlier reports by the same reporter about the same business (Art. 35).
    Earlier { id: String },
    /// Mark a report as a repeat of an earlier one: 不再另行处理 (Art. 35).
    MarkRepeated {
        #[command(flatten)]
        at: StepArgs,
        /// The first report's id or number.
        #[arg(long)]
        first: String,
    },
    /// Merge a report bringing new facts into the first (Art. 35); its period restarts.
    Merge {
        #[command(flatten)]
        at: StepArgs,
        /// The first report's id or number.
        #[arg(long)]
        into: String,
    },
    /// Issue a case's notice: `declined` (不予受理告知书: the reasons and the Consumer
    /// Protection Law's Art. 39 ways, Order No. 121 Art. 15) or `mediation_ended` (终止调解告知书:
    /// the ground and the parties' rights, Art. 23, 25; it stops the end-notice clock).
    /// Prints it as text, or writes it with --format html --out FILE.
    Notice {
        id: String,
        #[arg(long, value_enum)]
        kind: NoticeArg,
        /// Only show the notice issued before: issue nothing.
        #[arg(long)]
        show: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: crate::mediation::FormatArg,
        /// Write it to this file (whole or not at all) instead of stdout.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// What the business may see of a complaint (Art. 37).
    MerchantView { id: String },
    /// The centre's supervision notes (督办) on a case, with the day each is due.
    Supervision { id: String },
}

/// What every workflow step takes: the case, a note, where the officer stands.
#[derive(Args)]
struct StepArgs {
    /// The case's id or number.
    id: String,
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    place: PlaceArgs,
}

#[derive(Args)]
pub struct PlaceArgs {
    /// WGS-84 degrees.
    #[arg(long, requires = "lon", allow_hyphen_values = true)]
    lat: Option<f64>,
    #[arg(long, requires = "lat", allow_hyphen_values = true)]
    lon: Option<f64>,
    /// Accuracy of --lat/--lon in metres.
    #[arg(long, requires = "lat")]
    accuracy: Option<f64>,
}

impl PlaceArgs {
    pub fn position(&self) -> Option<GeoPosition> {
        self.lat
            .zip(self.lon)
            .map(|(latitude, longitude)| GeoPosition {
                latitude,
                longitude,
                accuracy_m: self.accuracy,
            })
    }
}

#[derive(Args)]
struct OpenCase {
    /// A JSON file holding the whole NewCase (as the apps send it); no other flag is read.
    #[arg(long, conflicts_with_all = ["kind", "facts"])]
    file: Option<PathBuf>,
    #[arg(long, value_enum, required_unless_present = "file")]
    kind: Option<KindArg>,
    #[arg(long, value_enum, default_value = "vehicle_walk_in")]
    channel: ChannelArg,
    /// When it was received, RFC 3339 (default: now).
    #[arg(long)]
    received_at: Option<String>,
    /// The national 12315 platform's ticket number.
    #[arg(long)]
    ticket: Option<String>,
    /// Omit for an anonymous report or consultation.
    #[arg(long, requires = "complainant_phone")]
    complainant_name: Option<String>,
    #[arg(long)]
    complainant_phone: Option<String>,
    #[arg(long)]
    complainant_address: Option<String>,
    /// The complainant's resident ID number (居民身份证号).
    #[arg(long)]
    complainant_id: Option<String>,
    #[arg(long)]
    respondent_name: Option<String>,
    #[arg(long)]
    respondent_address: Option<String>,
    /// The business's unified social credit code.
    #[arg(long)]
    credit_code: Option<String>,
    #[arg(long)]
    goods: Option<String>,
    /// Amount paid in yuan, e.g. 59.80.
    #[arg(long)]
    amount: Option<String>,
    #[arg(long)]
    quantity: Option<u32>,
    /// The proof of purchase offered (Art. 17(3)).
    #[arg(long, value_enum)]
    proof: Option<ProofArg>,
    /// The receipt, order or payment number of --proof.
    #[arg(long, requires = "proof")]
    proof_ref: Option<String>,
    /// A seller inside an online platform: the platform (Art. 13); --respondent-address may
    /// then be left out.
    #[arg(long)]
    platform: Option<String>,
    /// The address the shop published on the platform.
    #[arg(long, requires = "platform")]
    shop_address: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long)]
    occurred_on: Option<String>,
    #[arg(long, required_unless_present = "file")]
    facts: Option<String>,
    /// Repeat for several.
    #[arg(long, value_enum)]
    demand: Vec<DemandArg>,
    #[arg(long)]
    demands_text: Option<String>,
    /// A complaint that also reports: the report's leads (a second, linked case).
    #[arg(long)]
    also_report: Option<String>,
    #[command(flatten)]
    place: PlaceArgs,
}

#[derive(Subcommand)]
enum LogCommand {
    /// Re-hash every event, check signatures, links and personal-data commitments.
    Verify,
    /// Drop the projections and replay the log into them.
    Rebuild,
}

/// CLI spellings of the core's enums.
#[macro_export]
macro_rules! arg_enum {
    ($name:ident => $core:ident { $($variant:ident),+ $(,)? }) => {
        /// Spelled as the core spells it (the JSON output's values).
        #[derive(Clone, Copy, clap::ValueEnum)]
        #[value(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl From<$name> for $core {
            fn from(arg: $name) -> $core {
                match arg { $($name::$variant => $core::$variant),+ }
            }
        }
    };
}

arg_enum!(KindArg => CaseKind { Consultation, Complaint, Report });
arg_enum!(StateArg => CaseState {
    Received, Accepted, Declined, Forwarded, Referred, Mediating, Agreed, NotAgreed, Verifying,
    Filed, NotFiled, Closed, FollowedUp, NotHandledAgain, Merged,
});
/// Spelled as the core spells it: `none` for no proof.
#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
enum ProofArg {
    Receipt,
    OrderNumber,
    PaymentRecord,
    #[value(name = "none")]
    NoProof,
}

impl From<ProofArg> for ProofKind {
    fn from(arg: ProofArg) -> ProofKind {
        match arg {
            ProofArg::Receipt => ProofKind::Receipt,
            ProofArg::OrderNumber => ProofKind::OrderNumber,
            ProofArg::PaymentRecord => ProofKind::PaymentRecord,
            ProofArg::NoProof => ProofKind::NoProof,
        }
    }
}
arg_enum!(ChannelArg => Channel { VehicleWalkIn, Hotline, NationalPlatform, ServiceStation, Letter });
arg_enum!(DemandArg => DemandKind {
    Repair, Redo, Replace, Return, MakeUpQuantity, Refund, Compensation, Other,
});
arg_enum!(NoticeArg => NoticeKind { Declined, MediationEnded });
arg_enum!(DeclineArg => DeclineReason {
    OutsideRemit, HandledElsewhere, NotConsumerDispute, TimeBarred, MaterialsMissing,
    IdentityNotVerified, OtherLegalGround,
});
arg_enum!(OutcomeArg => Outcome {
    Answered, Agreement, NoAgreement, Withdrawn, SettledByParties, CaseFiled, NoCaseFiled,
});
arg_enum!(WordArg => SatisfactionWord { VerySatisfied, Satisfied, FairlySatisfied, Dissatisfied });

/// The codes `check` knows, by their short names.
#[derive(Clone, Copy, ValueEnum)]
enum CodeArg {
    /// Unified social credit code.
    Uscc,
    /// Resident ID number.
    Id,
    /// Phone number: a mobile, a landline with its area code, a number abroad (Art. 10).
    Phone,
    /// Mainland mobile number only.
    Mobile,
}

impl From<CodeArg> for CodeKind {
    fn from(arg: CodeArg) -> CodeKind {
        match arg {
            CodeArg::Uscc => CodeKind::CreditCode,
            CodeArg::Id => CodeKind::ResidentId,
            CodeArg::Phone => CodeKind::Phone,
            CodeArg::Mobile => CodeKind::MobilePhone,
        }
    }
}

/// Exit codes: 0 done, 1 failure, 2 bad input (clap's too), 3 the log failed verification,
/// 4 not found.
fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let out = Output { json: cli.json };
    match run(cli, &out) {
        Ok(code) => code,
        Err(Failure::Core(e)) => out.core_error(&e),
        Err(Failure::Setup(message)) => out.setup_error(&message),
    }
}

/// `redshield … | head` ends quietly when the reader goes away, as Unix tools do, instead of
/// panicking on the next write (Rust ignores SIGPIPE by default).
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring a signal's default disposition at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

pub enum Failure {
    Core(CoreError),
    Setup(String),
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(e)
    }
}

fn open(store: &Path, verbose: bool) -> Result<Arc<FieldCore>, Failure> {
    let platform = KeyFilePlatform::for_store(store, verbose).map_err(Failure::Setup)?;
    let dir = store.to_string_lossy().into_owned();
    Ok(FieldCore::open(dir, Arc::new(platform))?)
}

fn run(cli: Cli, out: &Output) -> Result<ExitCode, Failure> {
    let command = match cli.command {
        Command::Check { what, value } => return Ok(check(what.into(), value, out)),
        Command::Serve(args) => return centre::serve(args).map(|()| ExitCode::SUCCESS),
        Command::Centre(command) => return centre::run(command, out).map(|()| ExitCode::SUCCESS),
        Command::Sim(args) => return sim::run(args, out),
        Command::Store(command) => command,
    };
    let core = open(&cli.store, cli.verbose)?;
    match command {
        StoreCommand::Init(who) | StoreCommand::Officer(OfficerCommand::SignIn(who)) => {
            let role = if who.supervisor {
                Role::Supervisor
            } else {
                Role::Officer
            };
            let officer = core.sign_in_as(who.officer_name, who.officer_id, role)?;
            out.device(&core, Some(&officer));
        }
        StoreCommand::Officer(OfficerCommand::SignOut) => {
            core.sign_out()?;
            out.device(&core, None);
        }
        StoreCommand::Officer(OfficerCommand::Show) => {
            out.device(&core, core.current_officer().as_ref())
        }
        StoreCommand::Case(command) => case(&core, command, out)?,
        StoreCommand::Departments => out.departments(&core.departments()?),
        StoreCommand::Parameters => {
            let value = serde_json::to_value(core.rule_parameters()?).unwrap_or_default();
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            out.print(value, || text);
        }
        StoreCommand::Roster => {
            let roster = core.officer_roster()?;
            let value = serde_json::json!({ "officers": serde_json::to_value(&roster).unwrap_or_default() });
            out.print(value, || output::roster_lines(&roster));
        }
        StoreCommand::Trip(command) => trip::run(&core, command, out)?,
        StoreCommand::Evidence(command) => return evidence::run(&core, command, out),
        StoreCommand::Dispatch(command) => dispatch::run(&core, command, out)?,
        StoreCommand::Mediation(command) => mediation::mediation(&core, command, out)?,
        StoreCommand::Record(command) => mediation::record(&core, command, out)?,
        StoreCommand::Enrol(args) => sync::enrol(core.clone(), args, out)?,
        StoreCommand::Sync => sync::sync(core.clone(), out)?,
        StoreCommand::Clock(command) => calendar::clocks(&core, command, out)?,
        StoreCommand::Calendar(command) => {
            if !calendar::run(&core, command, out)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        StoreCommand::Log(LogCommand::Verify) => {
            let report = core.verify_chain()?;
            out.chain_report(&report);
            if !report.intact {
                return Ok(ExitCode::from(3));
            }
        }
        StoreCommand::Log(LogCommand::Rebuild) => {
            out.count("events replayed", core.rebuild_projections()?)
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An invalid code is a verdict, printed like a valid one, with exit code 1.
fn check(kind: CodeKind, value: String, out: &Output) -> ExitCode {
    let verdict = check_code(kind, value);
    out.verdict(&verdict);
    if verdict.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn case(core: &FieldCore, command: CaseCommand, out: &Output) -> Result<(), Failure> {
    let (at, step) = match command {
        CaseCommand::Open(c) => {
            out.case(&core.open_case(new_case(*c)?)?);
            return Ok(());
        }
        CaseCommand::List {
            state,
            kind,
            limit,
            after,
            text,
            phone,
        } => {
            let page = core.list_cases(CaseQuery {
                state: state.map(Into::into),
                kind: kind.map(Into::into),
                text,
                phone,
                limit: Some(limit),
                after,
            })?;
            out.case_page(&page);
            return Ok(());
        }
        CaseCommand::Show { id } => {
            out.case(&core.get_case(id)?);
            return Ok(());
        }
        CaseCommand::Purge { id } => {
            out.count("personal values deleted", core.purge_personal_data(id)?);
            return Ok(());
        }
        CaseCommand::Flags { id } => {
            out.flags(&core.abuse_flags(id)?);
            return Ok(());
        }
        CaseCommand::Grounds { id } => {
            out.grounds(&core.decline_grounds(id)?);
            return Ok(());
        }
        CaseCommand::Earlier { id } => {
            out.earlier_reports(&core.earlier_reports(id)?);
            return Ok(());
        }
        CaseCommand::Notice {
            id,
            kind,
            show,
            format,
            out: file,
        } => {
            let kind = NoticeKind::from(kind);
            if !show {
                core.issue_notice(id.clone(), kind)?;
            }
            let rendered = core.render_notice(id, kind, format.into())?;
            match file {
                Some(path) => {
                    crate::mediation::write_file(&path, &rendered)?;
                    out.written(&path, rendered.len());
                }
                None => out.rendered(format.into(), &rendered),
            }
            return Ok(());
        }
        CaseCommand::MerchantView { id } => {
            out.merchant_view(&core.merchant_view(id)?);
            return Ok(());
        }
        CaseCommand::Supervision { id } => {
            let notes = core.case_supervisions(id)?;
            let value = serde_json::json!({ "supervisions": serde_json::to_value(&notes).unwrap_or_default() });
            out.print(value, || output::supervision_lines(&notes));
            return Ok(());
        }
        CaseCommand::Accept(at) => (at, Step::Accept),
        CaseCommand::Decline { at, reason } => (
            at,
            Step::Decline {
                reason: reason.into(),
            },
        ),
        CaseCommand::Forward { at, office } => (at, Step::Forward { office }),
        CaseCommand::Refer { at, department } => (at, Step::Refer { department }),
        CaseCommand::StartMediation(at) => (at, Step::StartMediation),
        CaseCommand::EndMediation { at, agreement } => (at, Step::EndMediation { agreement }),
        CaseCommand::Verify(at) => (at, Step::StartVerification),
        CaseCommand::Decide { at, file_case } => (at, Step::DecideReport { file_case }),
        CaseCommand::Close { at, outcome } => (
            at,
            Step::Close {
                outcome: outcome.into(),
            },
        ),
        CaseCommand::MarkRepeated { at, first } => (at, Step::MarkRepeated { first }),
        CaseCommand::Merge { at, into } => (at, Step::MergeInto { first: into }),
        CaseCommand::FollowUp { at, score, word } => (
            at,
            Step::FollowUp {
                score,
                word: word.map(Into::into),
            },
        ),
    };
    let place = at.place.position();
    out.case(&core.take_step(at.id, step, at.note, place)?);
    Ok(())
}

/// The NewCase the flags (or the file) describe.
fn new_case(c: OpenCase) -> Result<NewCase, Failure> {
    if let Some(path) = &c.file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Setup(format!("{}: {e}", path.display())))?;
        return serde_json::from_str(&text).map_err(|e| invalid("file", e.to_string()));
    }
    let kind = c
        .kind
        .map(CaseKind::from)
        .ok_or_else(|| invalid("kind", "is required"))?;
    let complainants = match (c.complainant_name, c.complainant_phone) {
        (Some(name), Some(phone)) => vec![Person {
            name,
            phone,
            address: c.complainant_address,
            id_document: c.complainant_id.map(|number| IdDocument {
                kind: IdKind::ResidentId,
                number,
            }),
            agent: None,
        }],
        _ => Vec::new(),
    };
    let online = c.platform.map(|platform| OnlineShop {
        platform,
        shop_name: None,
        shop_address: c.shop_address,
    });
    let respondent = c.respondent_name.map(|name| Business {
        name,
        address: c.respondent_address,
        credit_code: c.credit_code,
        legal_representative: None,
        premises: None,
        online,
    });
    Ok(NewCase {
        kind,
        channel: Some(c.channel.into()),
        received_at_ms: c.received_at.as_deref().map(parse_time).transpose()?,
        platform_ticket: c.ticket,
        complainants,
        joint_complainants: None,
        respondent,
        matter: NewMatter {
            occurred_on: c.occurred_on,
            place_text: None,
            place: c.place.position(),
            goods: c.goods,
            amount_paid_fen: c.amount.as_deref().map(yuan_to_fen).transpose()?,
            quantity: c.quantity,
            facts: c.facts.unwrap_or_default(),
            demands: c.demand.into_iter().map(Into::into).collect(),
            demands_text: c.demands_text,
            evidence: Vec::new(),
            proof: c.proof.map(|kind| ProofOfPurchase {
                kind: kind.into(),
                reference: c.proof_ref,
            }),
        },
        also_report: c.also_report,
    })
}

pub fn invalid(field: &str, reason: impl Into<String>) -> Failure {
    Failure::Core(CoreError::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    })
}

fn parse_time(text: &str) -> Result<i64, Failure> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|_| invalid("received_at", format!("{text:?} is not an RFC 3339 time")))
}

/// "59.8" yuan → 5980 fen, exactly: money never passes through floating point.
fn yuan_to_fen(text: &str) -> Result<i64, Failure> {
    let bad = || {
        invalid(
            "amount",
            format!("{text:?} is not an amount in yuan (e.g. 59.80)"),
        )
    };
    let (whole, cents) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if whole.is_empty()
        || cents.len() > 2
        || !(whole.chars().chain(cents.chars())).all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = format!("{cents:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|f| f.checked_add(cents))
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_become_fen_exactly() {
        let fen = |t: &str| yuan_to_fen(t).ok();
        assert_eq!(fen("59.80"), Some(5980));
        assert_eq!(fen("59.8"), Some(5980));
        assert_eq!(fen(" 12 "), Some(1200));
        assert_eq!(fen("0.07"), Some(7));
        // 0.1 + 0.2 in floating point is 0.30000000000000004; here it is 30 fen.
        assert_eq!(fen("0.3"), Some(30));
        for bad in [
            "",
            ".5",
            "1.234",
            "-1",
            "1,5",
            "¥12",
            "1e3",
            "99999999999999999999",
        ] {
            assert_eq!(fen(bad), None, "{bad:?}");
        }
    }
}
