//! `redshield mediation …`: on-site mediation (调解书 or 调解记录), act by act.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Args, Subcommand};
use redshield_core::api::{
    AssentMethod, DocumentAct, EndReason, EntryKind, FieldCore, MediationMode, MoneyRecovered,
    NewMediation, Notice, NoticeMethod, ParticipantRole, PauseReason, RecoveredBy,
    RepresentativeAuthority, Term,
};
use redshield_core::documents::text::yuan;

use super::people::{officers, person};
use super::{DocArgs, DocumentCommand, act_on, bad_file, note, shown_sha256};
use crate::device::place::PlaceArgs;
use crate::failure::Failure;
use crate::files::read;
use crate::output::{Output, to_json};
use crate::values::{every, only};

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
        #[arg(long, value_parser = only(&[EntryKind::Demand, EntryKind::Response, EntryKind::Statement]))]
        kind: EntryKind,
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
        #[arg(long, value_parser = every::<PauseReason>())]
        reason: PauseReason,
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
        #[arg(long, value_parser = every::<EndReason>())]
        reason: EndReason,
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
        #[arg(long, value_parser = every::<AssentMethod>())]
        method: AssentMethod,
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

#[derive(Args)]
pub struct StartMediation {
    /// The complaint's id or number.
    case: String,
    #[arg(long, value_parser = every::<MediationMode>())]
    mode: MediationMode,
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
    #[arg(long, value_parser = every::<RepresentativeAuthority>())]
    merchant_authority: Option<RepresentativeAuthority>,
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
    #[arg(long = "notice-method", value_parser = every::<NoticeMethod>())]
    method: Option<NoticeMethod>,
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

pub fn run(core: &FieldCore, command: MediationCommand, out: &Output) -> Result<ExitCode, Failure> {
    let (at, act) = match command {
        MediationCommand::Start(start) => {
            return Ok(super::print(
                &core.start_mediation(start.new_mediation()?)?,
                out,
            ));
        }
        MediationCommand::Recovered { month } => {
            return Ok(recovered(&core.money_recovered(month)?, out));
        }
        MediationCommand::Document(command) => return super::run(core, command, out),
        MediationCommand::Note {
            at,
            speaker,
            kind,
            text,
        } => (at, note(speaker, kind, text)),
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
        MediationCommand::Pause { at, reason } => (at, DocumentAct::Pause { reason }),
        MediationCommand::Resume(at) => (at, DocumentAct::Resume),
        MediationCommand::Agree {
            at,
            terms,
            no_document,
        } => (at, agree(&terms, no_document)?),
        MediationCommand::End { at, reason, note } => (at, DocumentAct::End { reason, note }),
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
                method,
                evidence_id: evidence,
                note,
            };
            (at, assent)
        }
    };
    act_on(core, at, act, out)
}

fn agree(terms: &Path, no_document: bool) -> Result<DocumentAct, Failure> {
    let terms: Vec<Term> =
        serde_json::from_str(&read(terms)?).map_err(|e| bad_file("terms", terms, e))?;
    Ok(DocumentAct::Agree {
        terms,
        document_declined: no_document,
    })
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
                p.authority = self.merchant_authority;
            }
        }
        Ok(NewMediation {
            case_id: self.case,
            mode: self.mode,
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
            Failure::invalid(
                "notice_place",
                "say where the session sits (--notice-place or --place)",
            )
        })?;
        Ok(Some(Notice {
            given_at_ms: time("notice_given", self.given.as_deref(), now)?,
            method,
            session_at_ms: time("session_at", self.session_at.as_deref(), now)?,
            place,
        }))
    }
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
            Failure::invalid(
                field,
                format!("{text:?} is neither an RFC 3339 time nor Unix milliseconds"),
            )
        })
}

/// 挽回经济损失: the month's money agreed, per case and per officer.
fn recovered(m: &MoneyRecovered, out: &Output) -> ExitCode {
    out.print(to_json(m), || recovered_text(m))
}

fn recovered_text(m: &MoneyRecovered) -> String {
    let row = |r: &RecoveredBy| {
        let who = if r.name.is_empty() {
            r.key.clone()
        } else {
            format!("{} {}", r.key, r.name)
        };
        format!(
            "  {who:<30}{:>14}{:>5}",
            format!("¥{}", yuan(r.fen)),
            r.agreements
        )
    };
    let mut lines = vec![format!(
        "{}: ¥{} recovered in {} agreement(s), ¥{} of it performed",
        m.month,
        yuan(m.total_fen),
        m.agreements,
        yuan(m.performed_fen)
    )];
    lines.push("by case".into());
    lines.extend(m.by_case.iter().map(row));
    lines.push("by officer (each mediator is credited the whole agreement)".into());
    lines.extend(m.by_officer.iter().map(row));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

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
