//! `redshield mediation …` and `redshield record …`: the on-site documents — the mediation
//! (调解书 or 调解记录), the on-site record (现场笔录) and the interview record (询问笔录) —
//! opened, then acted on one act at a time, as the phone does. The two command sets are one
//! machinery: each act is built in one place and both use it.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use redshield_core::api::{
    AssentMethod, CopyFor, DocumentAct, DocumentKind, EndReason, EntryKind, FieldCore,
    MediationMode, NewMediation, NewParticipant, NewRecord, Notice, NoticeMethod, ParticipantRole,
    RenderFormat, RepresentativeAuthority, StrokePoint, Term,
};

use crate::calendar::PauseArg;
use crate::output::Output;
use crate::{Failure, PlaceArgs, arg_enum, invalid};

#[derive(Subcommand)]
pub enum MediationCommand {
    /// Start mediating an accepted complaint; prints the document, its id first.
    ///
    /// The case moves to mediating. Both parties must consent (Art. 18) and an on-site session
    /// needs the notice of its time, place and mediators (Art. 20). Participants are
    /// numbered: the signed-in officer first (unless listed), then officers, consumers, agents,
    /// merchant representatives and witnesses, each in the order given.
    Start(Box<StartMediation>),
    /// Note what a participant says: the consumer's demand, the merchant's response, or any
    /// statement.
    Note {
        #[command(flatten)]
        at: DocArgs,
        /// The speaker's participant number.
        #[arg(long)]
        speaker: u32,
        #[arg(long, value_enum)]
        kind: MediationEntryArg,
        text: String,
    },
    /// A party objects to a mediator: the session is suspended until decided (Art. 21).
    Object {
        #[command(flatten)]
        at: DocArgs,
        /// The mediator's participant number.
        #[arg(long)]
        mediator: u32,
        /// The objecting party's participant number.
        #[arg(long)]
        by: u32,
        grounds: String,
    },
    /// The agency decides the objection (not the mediator objected to): --upheld withdraws
    /// the mediator, --rejected keeps them.
    #[command(group(ArgGroup::new("decision").required(true).args(["upheld", "rejected"])))]
    Decide {
        #[command(flatten)]
        at: DocArgs,
        #[arg(long)]
        upheld: bool,
        #[arg(long)]
        rejected: bool,
    },
    /// Pause for testing or appraisal (under Order No. 121 the mediation clock pauses too).
    Pause {
        #[command(flatten)]
        at: DocArgs,
        #[arg(long, value_enum)]
        reason: PauseArg,
    },
    /// Resume a paused mediation.
    Resume(DocArgs),
    /// The terms agreed, from a JSON file (replacing earlier terms).
    ///
    /// The file is a list of terms as the apps send them, e.g.
    /// `[{"kind": "refund", "by": "merchant", "what": "退还货款", "amount_fen": 5980,
    /// "due_on": "2026-12-31", "performed_on_the_spot": false}]` (amounts in whole fen).
    /// Signatures given for the earlier text are void.
    Agree {
        #[command(flatten)]
        at: DocArgs,
        #[arg(long)]
        terms: PathBuf,
        /// Both parties agree not to make a 调解书; the 调解记录 is the record (Art. 24).
        #[arg(long)]
        no_document: bool,
    },
    /// End without agreement, for one of the eight reasons of Art. 23.
    End {
        #[command(flatten)]
        at: DocArgs,
        #[arg(long, value_enum)]
        reason: EndArg,
        /// Required with other_legal_ground: which ground.
        #[arg(long)]
        note: Option<String>,
    },
    /// The business seals the agreement (盖章) instead of its representative signing: photograph
    /// the impression first (`evidence add`), then name that evidence.
    Seal {
        #[command(flatten)]
        at: DocArgs,
        /// The merchant representative's participant number.
        #[arg(long)]
        participant: u32,
        /// The evidence id of the photographed impression.
        #[arg(long)]
        evidence: String,
        /// The SHA-256 of the text sealed (default: the current text's; see `sign`).
        #[arg(long)]
        sha256: Option<String>,
    },
    /// A party of a remote mediation (phone, video, audio, online) assents to the agreement
    /// read to them (Art. 20): how, any recording kept as evidence, a note (the call's number
    /// and time). No 调解书: the 调解记录 records it.
    Assent {
        #[command(flatten)]
        at: DocArgs,
        /// The party's participant number.
        #[arg(long)]
        participant: u32,
        #[arg(long, value_enum)]
        method: AssentArg,
        /// The evidence id of the recording, if one was kept.
        #[arg(long)]
        evidence: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// The SHA-256 of the text read to them (default: the current text's).
        #[arg(long)]
        sha256: Option<String>,
    },
    /// A term carried out after the session, by its number as the document prints it (from 1).
    Perform {
        #[command(flatten)]
        at: DocArgs,
        #[arg(long)]
        term: u32,
        /// YYYY-MM-DD.
        #[arg(long)]
        on: String,
    },
    /// 挽回经济损失: the money agreed in mediations concluded in a month, per case and officer.
    Recovered {
        /// YYYY-MM, Beijing time.
        month: String,
    },
    #[command(flatten)]
    Document(DocumentCommand),
}

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
        #[arg(long, value_enum, default_value = "statement")]
        kind: RecordEntryArg,
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

/// What mediations and records alike do.
#[derive(Subcommand)]
pub enum DocumentCommand {
    /// Someone joins: officers with --enforcement-id, a merchant representative with --title.
    Join {
        #[command(flatten)]
        at: DocArgs,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        name: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        enforcement_id: Option<String>,
        /// A merchant representative's authority.
        #[arg(long, value_enum)]
        authority: Option<AuthorityArg>,
    },
    /// Link a piece of the case's evidence.
    Evidence {
        #[command(flatten)]
        at: DocArgs,
        evidence_id: String,
    },
    /// The text a signer is shown, and its SHA-256 (what a signature is bound to).
    ///
    /// The text exactly, then a last line `sha256 HEX`.
    Text {
        /// The document's id.
        doc: String,
    },
    /// A signature drawn on the screen, bound to the SHA-256 of the text shown.
    Sign(SignArgs),
    /// Close the document: everyone it needs has signed the current text.
    Conclude(DocArgs),
    /// The document as A4 HTML (signatures embedded) or plain text, on stdout unless --out.
    Render(RenderArgs),
    /// One document.
    Show {
        /// The document's id.
        doc: String,
    },
    /// A case's documents (mediations and records), oldest first.
    List {
        /// The case's id or number.
        case: String,
    },
}

/// What every act takes: the document, and where the officer stands.
#[derive(Args)]
pub struct DocArgs {
    /// The document's id.
    doc: String,
    #[command(flatten)]
    place: PlaceArgs,
}

#[derive(Args)]
pub struct StartMediation {
    /// The complaint's id or number.
    case: String,
    #[arg(long, value_enum)]
    mode: ModeArg,
    /// The consumer consents to mediation (Art. 18).
    #[arg(long)]
    consumer_consents: bool,
    /// The merchant consents to mediation (Art. 18).
    #[arg(long)]
    merchant_consents: bool,
    #[command(flatten)]
    notice: NoticeArgs,
    /// Where the session sits, in words.
    #[arg(long)]
    place: Option<String>,
    /// The session is also an enforcement act: two officers must take part.
    #[arg(long)]
    enforcement: bool,
    /// Another mediator, "NAME:ENFORCEMENT_ID"; repeat for each.
    #[arg(long)]
    officer: Vec<String>,
    /// A consumer (complainant) by name; repeat for each.
    #[arg(long)]
    consumer: Vec<String>,
    /// A consumer's agent by name.
    #[arg(long)]
    agent: Vec<String>,
    /// The merchant's representative with their title, "NAME:TITLE" (店长, 法定代表人 …).
    #[arg(long)]
    merchant: Vec<String>,
    /// By what right the merchant's representatives act for the business.
    #[arg(long, value_enum)]
    merchant_authority: Option<AuthorityArg>,
    /// A witness by name.
    #[arg(long)]
    witness: Vec<String>,
    /// Where the device is.
    #[command(flatten)]
    position: PlaceArgs,
}

/// The notice of an on-site session (Art. 20): required on site. Told on the spot, at the
/// vehicle, it is `--notice-method oral` with the times left to default to now.
#[derive(Args)]
pub struct NoticeArgs {
    /// How the parties were told the session's time, place and mediators.
    #[arg(long = "notice-method", value_enum)]
    method: Option<NoticeArg>,
    /// When they were told: RFC 3339 or Unix milliseconds (default: now).
    #[arg(long = "notice-given", requires = "method")]
    given: Option<String>,
    /// When the session sits: RFC 3339 or Unix milliseconds (default: now).
    #[arg(long, requires = "method")]
    session_at: Option<String>,
    /// Where the notice said it sits (default: --place).
    #[arg(long, requires = "method")]
    notice_place: Option<String>,
}

#[derive(Args)]
pub struct OpenRecord {
    /// The case's id or number.
    case: String,
    #[arg(long, value_enum)]
    kind: RecordKindArg,
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

#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    at: DocArgs,
    /// The signer's participant number.
    #[arg(long)]
    participant: u32,
    /// A JSON file of the strokes as drawn: a list of strokes, each a list of points
    /// `{"x": 12.5, "y": 40.0, "t_ms": 16}`.
    #[arg(long)]
    strokes: PathBuf,
    /// The SHA-256 of the text the signer was shown (`text`). Default: the current text's —
    /// an app must pass the hash of the text it actually showed, so that a change made
    /// meanwhile refuses the signature.
    #[arg(long)]
    sha256: Option<String>,
}

#[derive(Args)]
pub struct RenderArgs {
    /// The document's id.
    doc: String,
    #[arg(long, value_enum, default_value = "html")]
    format: FormatArg,
    /// Whose copy: the 调解书 is made in three (Art. 24).
    #[arg(long, value_enum)]
    copy: Option<CopyArg>,
    /// Write it to this file (whole or not at all) instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

arg_enum!(ModeArg => MediationMode { OnSite, Phone, Video, Audio, Online });
arg_enum!(AssentArg => AssentMethod { Phone, Video, Audio, Online });
arg_enum!(AuthorityArg => RepresentativeAuthority {
    LegalRepresentative, Proprietor, PowerOfAttorney, Staff,
});
arg_enum!(NoticeArg => NoticeMethod { Oral, Phone, Text, Written });
arg_enum!(MediationEntryArg => EntryKind { Demand, Response, Statement });
arg_enum!(RecordEntryArg => EntryKind { Statement, Finding });
arg_enum!(RoleArg => ParticipantRole {
    Consumer, ConsumerAgent, MerchantRepresentative, Officer, Party, Interviewee, Witness,
});
arg_enum!(EndArg => EndReason {
    WithdrawnOrSettled, PartyAbsentOrRefuses, NoAgreementPossible, AppraisalCostDisputed,
    TimeRanOut, GroundForRefusalOrFraud, PartyGone, OtherLegalGround,
});
arg_enum!(FormatArg => RenderFormat { Html, Text });
arg_enum!(CopyArg => CopyFor { Consumer, Merchant, File });

/// The two records, spelled as the core spells them (`on-site` also works).
#[derive(Clone, Copy, ValueEnum)]
pub enum RecordKindArg {
    /// 现场笔录 (Art. 28).
    #[value(name = "on_site_record", alias = "on_site", alias = "on-site")]
    OnSiteRecord,
    /// 询问笔录: one person per record (Art. 29).
    Interview,
}

impl From<RecordKindArg> for DocumentKind {
    fn from(arg: RecordKindArg) -> DocumentKind {
        match arg {
            RecordKindArg::OnSiteRecord => DocumentKind::OnSiteRecord,
            RecordKindArg::Interview => DocumentKind::Interview,
        }
    }
}

pub fn mediation(core: &FieldCore, command: MediationCommand, out: &Output) -> Result<(), Failure> {
    let (at, act) = match command {
        MediationCommand::Start(start) => {
            out.document(&core.start_mediation(start.new_mediation()?)?);
            return Ok(());
        }
        MediationCommand::Recovered { month } => {
            out.recovered(&core.money_recovered(month)?);
            return Ok(());
        }
        MediationCommand::Document(command) => return document(core, command, out),
        MediationCommand::Note {
            at,
            speaker,
            kind,
            text,
        } => (at, note(speaker, kind.into(), text)),
        MediationCommand::Object {
            at,
            mediator,
            by,
            grounds,
        } => (
            at,
            DocumentAct::ObjectToMediator {
                mediator,
                by,
                grounds,
            },
        ),
        MediationCommand::Decide { at, upheld, .. } => {
            (at, DocumentAct::DecideObjection { upheld })
        }
        MediationCommand::Pause { at, reason } => (
            at,
            DocumentAct::Pause {
                reason: reason.into(),
            },
        ),
        MediationCommand::Resume(at) => (at, DocumentAct::Resume),
        MediationCommand::Agree {
            at,
            terms,
            no_document,
        } => (at, agree(&terms, no_document)?),
        MediationCommand::End { at, reason, note } => (
            at,
            DocumentAct::End {
                reason: reason.into(),
                note,
            },
        ),
        MediationCommand::Perform { at, term, on } => (at, DocumentAct::PerformTerm { term, on }),
        MediationCommand::Seal {
            at,
            participant,
            evidence,
            sha256,
        } => {
            let text_sha256 = shown_sha256(core, &at.doc, sha256)?;
            let seal = DocumentAct::Seal {
                participant,
                text_sha256,
                evidence_id: evidence,
            };
            (at, seal)
        }
        MediationCommand::Assent {
            at,
            participant,
            method,
            evidence,
            note,
            sha256,
        } => {
            let text_sha256 = shown_sha256(core, &at.doc, sha256)?;
            let assent = DocumentAct::Assent {
                participant,
                text_sha256,
                method: method.into(),
                evidence_id: evidence,
                note,
            };
            (at, assent)
        }
    };
    act_on(core, at, act, out)
}

pub fn record(core: &FieldCore, command: RecordCommand, out: &Output) -> Result<(), Failure> {
    let (at, act) = match command {
        RecordCommand::Open(open) => {
            out.document(&core.open_record(open.new_record()?)?);
            return Ok(());
        }
        RecordCommand::Document(command) => return document(core, command, out),
        RecordCommand::Note {
            at,
            speaker,
            kind,
            text,
        } => (at, note(speaker, kind.into(), text)),
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

/// The commands both kinds share.
fn document(core: &FieldCore, command: DocumentCommand, out: &Output) -> Result<(), Failure> {
    let (at, act) = match command {
        DocumentCommand::Join {
            at,
            role,
            name,
            title,
            enforcement_id,
            authority,
        } => {
            let participant = NewParticipant {
                role: role.into(),
                name,
                title,
                enforcement_id,
                authority: authority.map(Into::into),
            };
            (at, DocumentAct::Join { participant })
        }
        DocumentCommand::Evidence { at, evidence_id } => {
            (at, DocumentAct::LinkEvidence { evidence_id })
        }
        DocumentCommand::Sign(args) => sign(core, args)?,
        DocumentCommand::Conclude(at) => (at, DocumentAct::Conclude),
        DocumentCommand::Text { doc } => {
            out.document_text(&core.document_text(doc)?);
            return Ok(());
        }
        DocumentCommand::Render(args) => return render(core, args, out),
        DocumentCommand::Show { doc } => {
            out.document(&core.get_document(doc)?);
            return Ok(());
        }
        DocumentCommand::List { case } => {
            out.documents(&core.case_documents(case)?);
            return Ok(());
        }
    };
    act_on(core, at, act, out)
}

/// Does one act where the officer stands and prints the document as it now is.
fn act_on(core: &FieldCore, at: DocArgs, act: DocumentAct, out: &Output) -> Result<(), Failure> {
    let place = at.place.position();
    out.document(&core.act_on_document(at.doc, act, place)?);
    Ok(())
}

fn note(speaker: u32, kind: EntryKind, text: String) -> DocumentAct {
    DocumentAct::Note {
        speaker,
        kind,
        text,
    }
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
            invalid(
                "by",
                format!("the {kind} has no {role}: name one with --by"),
            )
        })
}

fn agree(terms: &Path, no_document: bool) -> Result<DocumentAct, Failure> {
    let terms: Vec<Term> =
        serde_json::from_str(&read(terms)?).map_err(|e| bad_file("terms", terms, e))?;
    Ok(DocumentAct::Agree {
        terms,
        document_declined: no_document,
    })
}

fn sign(core: &FieldCore, args: SignArgs) -> Result<(DocArgs, DocumentAct), Failure> {
    let strokes: Vec<Vec<StrokePoint>> = serde_json::from_str(&read(&args.strokes)?)
        .map_err(|e| bad_file("strokes", &args.strokes, e))?;
    let text_sha256 = shown_sha256(core, &args.at.doc, args.sha256)?;
    let act = DocumentAct::Sign {
        participant: args.participant,
        text_sha256,
        strokes,
    };
    Ok((args.at, act))
}

/// The hash of the text the signer was shown: as given, or the current text's.
fn shown_sha256(core: &FieldCore, doc: &str, given: Option<String>) -> Result<String, Failure> {
    match given {
        Some(sha256) => Ok(sha256),
        None => Ok(core.document_text(doc.to_string())?.sha256),
    }
}

fn render(core: &FieldCore, args: RenderArgs, out: &Output) -> Result<(), Failure> {
    let format = RenderFormat::from(args.format);
    let rendered = core.render_document(args.doc, format, args.copy.map(Into::into))?;
    match args.out {
        Some(path) => {
            write_file(&path, &rendered)?;
            out.written(&path, rendered.len());
        }
        None => out.rendered(format, &rendered),
    }
    Ok(())
}

/// The whole file or none: written beside it, then renamed over it.
pub(crate) fn write_file(path: &Path, content: impl AsRef<[u8]>) -> Result<(), Failure> {
    use redshield_core::error::Error;
    redshield_core::files::write_atomically(path, |w| {
        w.write_all(content.as_ref())
            .map_err(|e| Error::file(path, e))
    })
    .map_err(|e| Failure::Core(e.into()))
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Setup(format!("{}: {e}", path.display())))
}

fn bad_file(field: &str, path: &Path, e: serde_json::Error) -> Failure {
    invalid(field, format!("{}: {e}", path.display()))
}

impl StartMediation {
    fn new_mediation(self) -> Result<NewMediation, Failure> {
        let mut participants = officers(&self.officer)?;
        for (role, names) in [
            (ParticipantRole::Consumer, &self.consumer),
            (ParticipantRole::ConsumerAgent, &self.agent),
            (ParticipantRole::MerchantRepresentative, &self.merchant),
            (ParticipantRole::Witness, &self.witness),
        ] {
            participants.extend(names.iter().map(|n| person(role, n)));
        }
        for p in &mut participants {
            if p.role == ParticipantRole::MerchantRepresentative {
                p.authority = self.merchant_authority.map(Into::into);
            }
        }
        Ok(NewMediation {
            case_id: self.case,
            mode: self.mode.into(),
            consumer_consents: self.consumer_consents,
            merchant_consents: self.merchant_consents,
            notice: self.notice.notice(self.place.as_deref())?,
            place_text: self.place,
            enforcement: self.enforcement,
            participants,
            position: self.position.position(),
        })
    }
}

impl NoticeArgs {
    /// `None` without a method; the times default to now, the place to the session's.
    fn notice(self, place: Option<&str>) -> Result<Option<Notice>, Failure> {
        let Some(method) = self.method else {
            return Ok(None);
        };
        let now = chrono::Utc::now().timestamp_millis();
        let place = self.notice_place.or(place.map(Into::into)).ok_or_else(|| {
            invalid(
                "notice_place",
                "say where the session sits (--notice-place or --place)",
            )
        })?;
        Ok(Some(Notice {
            given_at_ms: time("notice_given", self.given.as_deref(), now)?,
            method: method.into(),
            session_at_ms: time("session_at", self.session_at.as_deref(), now)?,
            place,
        }))
    }
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
            kind: self.kind.into(),
            subject: self.subject,
            place_text: self.place,
            participants,
            position: self.position.position(),
        })
    }
}

/// "NAME" or "NAME:MORE" (a full-width colon too).
fn split(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once([':', '：']) {
        Some((name, more)) => (name, Some(more)),
        None => (spec, None),
    }
}

/// "NAME" or "NAME:TITLE".
fn person(role: ParticipantRole, spec: &str) -> NewParticipant {
    let (name, title) = split(spec);
    NewParticipant {
        role,
        name: name.into(),
        title: title.map(Into::into),
        enforcement_id: None,
        authority: None,
    }
}

/// Each "NAME:ENFORCEMENT_ID".
fn officers(specs: &[String]) -> Result<Vec<NewParticipant>, Failure> {
    specs
        .iter()
        .map(|spec| match split(spec) {
            (name, Some(id)) => Ok(NewParticipant {
                role: ParticipantRole::Officer,
                name: name.into(),
                title: None,
                enforcement_id: Some(id.into()),
                authority: None,
            }),
            (_, None) => Err(invalid(
                "officer",
                format!("{spec:?}: an officer is \"NAME:ENFORCEMENT_ID\""),
            )),
        })
        .collect()
}

/// RFC 3339 or Unix milliseconds; `now` when not given.
fn time(field: &str, text: Option<&str>, now: i64) -> Result<i64, Failure> {
    let Some(text) = text.map(str::trim) else {
        return Ok(now);
    };
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(ms);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|_| {
            invalid(
                field,
                format!("{text:?} is neither an RFC 3339 time nor Unix milliseconds"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_name_and_title_or_id() {
        let p = person(ParticipantRole::MerchantRepresentative, "赵强：店长");
        assert_eq!(
            (p.name.as_str(), p.title.as_deref()),
            ("赵强", Some("店长"))
        );
        assert_eq!(person(ParticipantRole::Consumer, "王芳").title, None);
        let o = officers(&["张伟:HN-12315-0077".into()]).ok();
        let id = o.as_ref().and_then(|o| o[0].enforcement_id.as_deref());
        assert_eq!(id, Some("HN-12315-0077"));
        assert!(officers(&["张伟".into()]).is_err());
    }

    #[test]
    fn times_are_rfc_3339_or_milliseconds() {
        assert_eq!(time("t", None, 7).ok(), Some(7));
        assert_eq!(
            time("t", Some("1700000000000"), 7).ok(),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            time("t", Some("2026-05-12T14:30:00+08:00"), 7).ok(),
            Some(1_778_567_400_000)
        );
        assert!(time("t", Some("yesterday"), 7).is_err());
    }
}
