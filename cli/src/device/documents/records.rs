//! `redshield record …`: the on-site record (现场笔录) and the interview record (询问笔录),
//! read back and signed on every page.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use redshield_core::api::{
    DocumentAct, DocumentKind, EntryKind, FieldCore, NewRecord, ParticipantRole,
};

use super::people::{officers, person};
use super::{DocArgs, DocumentCommand, act_on, note, shown_sha256};
use crate::device::place::PlaceArgs;
use crate::failure::Failure;
use crate::output::Output;
use crate::values::{CoreValues, only};

#[derive(Subcommand)]
pub enum RecordCommand {
    /// Open a 现场笔录 (on_site_record) or 询问笔录 (interview) on a case.
    ///
    /// At least two officers (the signed-in one joins first unless listed), and the party or
    /// the one person interviewed. Numbered: officers, party or interviewee, witnesses.
    Open(Box<OpenRecord>),
    /// Note a statement, or an officer's finding (on-site record).
    Note {
        #[command(flatten)]
        at: DocArgs,
        /// The speaker's participant number.
        #[arg(long)]
        speaker: u32,
        #[arg(long, value_parser = only(&[EntryKind::Statement, EntryKind::Finding]), default_value = "statement")]
        kind: EntryKind,
        text: String,
    },
    /// An officer's question (interview record).
    Question {
        #[command(flatten)]
        at: DocArgs,
        /// The asking officer's participant number (default: the signed-in officer).
        #[arg(long)]
        by: Option<u32>,
        text: String,
    },
    /// The interviewee's answer.
    Answer {
        #[command(flatten)]
        at: DocArgs,
        /// The interviewee's participant number (default: the interviewee).
        #[arg(long)]
        by: Option<u32>,
        text: String,
    },
    /// The record was read back to the party or interviewee, or read by them (Art. 29).
    ///
    /// It can be signed now. A later note needs another reading.
    ReadBack(DocArgs),
    /// Correct an entry (by its number, from 0); the first words stay on the record.
    Correct {
        #[command(flatten)]
        at: DocArgs,
        #[arg(long)]
        entry: u32,
        text: String,
    },
    /// The party or interviewee will not sign: noted and attested by a witness, who then signs
    /// (Art. 43).
    Refuse {
        #[command(flatten)]
        at: DocArgs,
        /// The participant who refuses.
        #[arg(long)]
        participant: u32,
        /// The witness's participant number.
        #[arg(long)]
        witness: u32,
        #[arg(long)]
        note: Option<String>,
        /// The SHA-256 of the text shown (default: the current text's; see `sign`).
        #[arg(long)]
        sha256: Option<String>,
    },
    #[command(flatten)]
    Document(DocumentCommand),
}

#[derive(Args)]
pub struct OpenRecord {
    /// The case's id or number.
    case: String,
    #[arg(long, value_parser = record_kinds())]
    kind: DocumentKind,
    /// 事由: what brought the officers.
    #[arg(long)]
    subject: String,
    /// Where, in words.
    #[arg(long)]
    place: String,
    /// An officer, "NAME:ENFORCEMENT_ID"; repeat for each (two in all, with the signed-in one).
    #[arg(long)]
    officer: Vec<String>,
    /// The party of an on-site record, "NAME" or "NAME:TITLE".
    #[arg(long)]
    party: Vec<String>,
    /// The one person an interview record is about, "NAME" or "NAME:TITLE".
    #[arg(long)]
    interviewee: Option<String>,
    /// A witness by name.
    #[arg(long)]
    witness: Vec<String>,
    /// Where the device is.
    #[command(flatten)]
    position: PlaceArgs,
}

/// The two records, spelled as the core spells them (`on-site` also works).
fn record_kinds() -> CoreValues<DocumentKind> {
    only(&[DocumentKind::OnSiteRecord, DocumentKind::Interview])
        .alias(DocumentKind::OnSiteRecord, "on_site")
        .alias(DocumentKind::OnSiteRecord, "on-site")
        .help(DocumentKind::OnSiteRecord, "现场笔录 (Art. 28)")
        .help(
            DocumentKind::Interview,
            "询问笔录: one person per record (Art. 29)",
        )
}

pub fn run(core: &FieldCore, command: RecordCommand, out: &Output) -> Result<ExitCode, Failure> {
    let (at, act) = match command {
        RecordCommand::Open(open) => {
            return Ok(super::print(&core.open_record(open.new_record()?)?, out));
        }
        RecordCommand::Document(command) => return super::run(core, command, out),
        RecordCommand::Note {
            at,
            speaker,
            kind,
            text,
        } => (at, note(speaker, kind, text)),
        RecordCommand::Question { at, by, text } => {
            let by = speaker(core, &at.doc, by, ParticipantRole::Officer)?;
            (at, note(by, EntryKind::Question, text))
        }
        RecordCommand::Answer { at, by, text } => {
            let by = speaker(core, &at.doc, by, ParticipantRole::Interviewee)?;
            (at, note(by, EntryKind::Answer, text))
        }
        RecordCommand::ReadBack(at) => (at, DocumentAct::ReadBack),
        RecordCommand::Correct { at, entry, text } => (at, DocumentAct::Correct { entry, text }),
        RecordCommand::Refuse {
            at,
            participant,
            witness,
            note,
            sha256,
        } => {
            let text_sha256 = shown_sha256(core, &at.doc, sha256)?;
            let refusal = DocumentAct::RefuseToSign {
                participant,
                witness,
                text_sha256,
                note,
            };
            (at, refusal)
        }
    };
    act_on(core, at, act, out)
}

/// Who speaks when `--by` is not given: the signed-in officer (or else the first serving
/// officer) for a question, the interviewee for an answer.
fn speaker(
    core: &FieldCore,
    doc: &str,
    by: Option<u32>,
    role: ParticipantRole,
) -> Result<u32, Failure> {
    if let Some(by) = by {
        return Ok(by);
    }
    let document = core.get_document(doc.to_string())?;
    let me = core.current_officer().map(|o| o.enforcement_id);
    let serving = || {
        document
            .participants
            .iter()
            .filter(|p| p.role == role && !p.recused)
    };
    serving()
        .find(|p| me.is_some() && p.enforcement_id == me)
        .or_else(|| serving().next())
        .map(|p| p.index)
        .ok_or_else(|| {
            let kind = document.kind;
            Failure::invalid(
                "by",
                format!("the {kind} has no {role}: name one with --by"),
            )
        })
}

impl OpenRecord {
    fn new_record(self) -> Result<NewRecord, Failure> {
        let mut participants = officers(&self.officer)?;
        let parties = self.party.iter().map(|p| (ParticipantRole::Party, p));
        let interviewee = self.interviewee.iter();
        let others = parties
            .chain(interviewee.map(|p| (ParticipantRole::Interviewee, p)))
            .chain(self.witness.iter().map(|w| (ParticipantRole::Witness, w)));
        participants.extend(others.map(|(role, spec)| person(role, spec)));
        Ok(NewRecord {
            case_id: self.case,
            kind: self.kind,
            subject: self.subject,
            place_text: self.place,
            participants,
            position: self.position.position(),
        })
    }
}
