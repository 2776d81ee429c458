//! `redshield case …`: consultations, complaints and reports taken, moved through their
//! workflow, searched and shown.

mod intake;
mod view;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use redshield_core::api::{
    CaseKind, CaseQuery, CaseState, DeclineReason, FieldCore, NoticeKind, Outcome, RenderFormat,
    SatisfactionWord, Step,
};
use serde_json::json;

use crate::device::place::PlaceArgs;
use crate::failure::Failure;
use crate::files::write_whole;
use crate::output::{Output, to_json};
use crate::values::every;
use intake::OpenCase;

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Take a consultation, complaint or report (from flags, or a NewCase JSON file).
    Open(Box<OpenCase>),
    /// Cases, newest first.
    List {
        #[arg(long, value_parser = every::<CaseState>())]
        state: Option<CaseState>,
        #[arg(long, value_parser = every::<CaseKind>())]
        kind: Option<CaseKind>,
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
        #[arg(long, value_parser = every::<DeclineReason>())]
        reason: DeclineReason,
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
        #[arg(long, value_parser = every::<Outcome>())]
        outcome: Outcome,
    },
    /// 回访: a score of 1 to 5 and/or a word on the four-word scale.
    FollowUp {
        #[command(flatten)]
        at: StepArgs,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        score: Option<u8>,
        #[arg(long, value_parser = every::<SatisfactionWord>())]
        word: Option<SatisfactionWord>,
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
        #[arg(long, value_parser = every::<NoticeKind>())]
        kind: NoticeKind,
        /// Only show the notice issued before: issue nothing.
        #[arg(long)]
        show: bool,
        #[arg(long, value_parser = every::<RenderFormat>(), default_value = "text")]
        format: RenderFormat,
        /// Write it to this file (whole or not at all) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// What the business may see of a complaint (Art. 37).
    MerchantView { id: String },
    /// The centre's supervision notes (督办) on a case, with the day each is due.
    Supervision { id: String },
}

/// What every workflow step takes: the case, a note, where the officer stands.
#[derive(Args)]
pub struct StepArgs {
    /// The case's id or number.
    id: String,
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    place: PlaceArgs,
}

pub fn run(core: &FieldCore, command: CaseCommand, out: &Output) -> Result<ExitCode, Failure> {
    let (at, step) = match command {
        CaseCommand::Open(c) => {
            return Ok(view::case(&core.open_case(intake::new_case(*c)?)?, out));
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
                state,
                kind,
                text,
                phone,
                limit: Some(limit),
                after,
            })?;
            return Ok(view::page(&page, out));
        }
        CaseCommand::Show { id } => return Ok(view::case(&core.get_case(id)?, out)),
        CaseCommand::Purge { id } => {
            return Ok(out.count("personal values deleted", core.purge_personal_data(id)?));
        }
        CaseCommand::Flags { id } => return Ok(view::abuse_flags(&core.abuse_flags(id)?, out)),
        CaseCommand::Grounds { id } => return Ok(view::grounds(&core.decline_grounds(id)?, out)),
        CaseCommand::Earlier { id } => {
            return Ok(view::earlier_reports(&core.earlier_reports(id)?, out));
        }
        CaseCommand::Notice {
            id,
            kind,
            show,
            format,
            out: file,
        } => return notice(core, id, kind, show, format, file, out),
        CaseCommand::MerchantView { id } => {
            return Ok(out.print_pretty(to_json(&core.merchant_view(id)?)));
        }
        CaseCommand::Supervision { id } => {
            let notes = core.case_supervisions(id)?;
            let value = json!({ "supervisions": to_json(&notes) });
            return Ok(out.print(value, || view::supervision_lines(&notes)));
        }
        CaseCommand::Accept(at) => (at, Step::Accept),
        CaseCommand::Decline { at, reason } => (at, Step::Decline { reason }),
        CaseCommand::Forward { at, office } => (at, Step::Forward { office }),
        CaseCommand::Refer { at, department } => (at, Step::Refer { department }),
        CaseCommand::StartMediation(at) => (at, Step::StartMediation),
        CaseCommand::EndMediation { at, agreement } => (at, Step::EndMediation { agreement }),
        CaseCommand::Verify(at) => (at, Step::StartVerification),
        CaseCommand::Decide { at, file_case } => (at, Step::DecideReport { file_case }),
        CaseCommand::Close { at, outcome } => (at, Step::Close { outcome }),
        CaseCommand::MarkRepeated { at, first } => (at, Step::MarkRepeated { first }),
        CaseCommand::Merge { at, into } => (at, Step::MergeInto { first: into }),
        CaseCommand::FollowUp { at, score, word } => (at, Step::FollowUp { score, word }),
    };
    let place = at.place.position();
    Ok(view::case(
        &core.take_step(at.id, step, at.note, place)?,
        out,
    ))
}

/// Issues the notice (unless `show`), then prints it or writes it to `file`.
fn notice(
    core: &FieldCore,
    id: String,
    kind: NoticeKind,
    show: bool,
    format: redshield_core::api::RenderFormat,
    file: Option<PathBuf>,
    out: &Output,
) -> Result<ExitCode, Failure> {
    if !show {
        core.issue_notice(id.clone(), kind)?;
    }
    let rendered = core.render_notice(id, kind, format)?;
    match file {
        Some(path) => {
            write_whole(&path, &rendered)?;
            Ok(out.written(&path, rendered.len()))
        }
        None => Ok(out.rendered(format, &rendered)),
    }
}
