//! On-site documents: the mediation (调解书 / 调解记录), the on-site record (现场笔录) and the
//! interview record (询问笔录) on one machinery. A document is opened, then acted on — people
//! join, entries are noted, terms agreed, the text read back and corrected, signatures drawn —
//! one signed event per act, each checked first against the rules in `state`. A signature is
//! bound to the SHA-256 of the exact text the signer was shown (`text`), so any later change
//! voids it. `render` lays it out for print (HTML) and as plain text.

pub mod events;
pub mod model;
pub mod notice;
pub mod projection;
pub mod render;
pub mod signature;
pub mod state;
pub mod text;
pub mod view;

use uuid::Uuid;

use crate::calendar::Calendar;
use crate::cases::{self, Step};
use crate::clocks::events::PauseReason;
use crate::clocks::{self, ClockKind, ClockState};
use crate::error::{Error, Result};
use crate::events::Digest;
use crate::events::log::Writer;
use crate::evidence::blobs::Blobs;
use crate::mediation::terms::{self, EndReason, Term};
use crate::officer::Officer;
use crate::validate::{multi_line, one_line, optional};
use crate::vault::Sealed;

use events::{
    Act, DocumentActed, DocumentNumber, DocumentOpened, Issuer, MediationOpening, NoticeBody,
    ParticipantBody,
};
use model::ParticipantRole;
use model::{
    AssentMethod, DocumentKind, EntryKind, MediationMode, NewMediation, NewParticipant, NewRecord,
};
use signature::StrokePoint;
use state::State;

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["documents", "notices"],
    kept: &[],
};

/// Limits on what officers type into a document, in characters.
pub mod limits {
    pub const NAME: usize = 64;
    pub const TITLE: usize = 64;
    pub const PLACE: usize = 200;
    pub const SUBJECT: usize = 500;
    pub const ENTRY: usize = 4_000;
    pub const PARTICIPANTS: usize = 30;
}

/// What an officer does to an open document (the app's one call for all of them).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum DocumentAct {
    Join {
        participant: NewParticipant,
    },
    Note {
        speaker: u32,
        kind: EntryKind,
        text: String,
    },
    LinkEvidence {
        evidence_id: String,
    },
    /// A party objects to a mediator: the session is suspended until decided (Art. 21).
    ObjectToMediator {
        mediator: u32,
        by: u32,
        grounds: String,
    },
    DecideObjection {
        upheld: bool,
    },
    /// Testing or appraisal: the mediation clock pauses where the rules exclude that time.
    Pause {
        reason: PauseReason,
    },
    Resume,
    Agree {
        terms: Vec<Term>,
        document_declined: bool,
    },
    End {
        reason: EndReason,
        #[cfg_attr(feature = "ffi", uniffi(default))]
        note: Option<String>,
    },
    ReadBack,
    Correct {
        entry: u32,
        text: String,
    },
    /// `text_sha256` is the hash of the text the signer was shown (`document_text`).
    Sign {
        participant: u32,
        text_sha256: String,
        strokes: Vec<Vec<StrokePoint>>,
    },
    /// The business seals the agreement instead of its representative signing; the
    /// impression is photographed first, as evidence of the case.
    Seal {
        participant: u32,
        text_sha256: String,
        evidence_id: String,
    },
    /// A party of a remote mediation assents to the agreement read to them (Art. 20): how,
    /// any recording kept as evidence of the case, and a note (the call's time, the number).
    Assent {
        participant: u32,
        text_sha256: String,
        method: AssentMethod,
        #[cfg_attr(feature = "ffi", uniffi(default))]
        evidence_id: Option<String>,
        #[cfg_attr(feature = "ffi", uniffi(default))]
        note: Option<String>,
    },
    RefuseToSign {
        participant: u32,
        witness: u32,
        text_sha256: String,
        #[cfg_attr(feature = "ffi", uniffi(default))]
        note: Option<String>,
    },
    Conclude,
    /// A term carried out after the session: `term` as the document numbers it, from 1.
    PerformTerm {
        term: u32,
        on: String,
    },
}

/// The layout new documents are written in (`text`).
pub const LAYOUT: u32 = 2;

/// The agency as the centre published it, to be frozen in a new document.
fn issuer(w: &Writer) -> Result<Option<Issuer>> {
    Ok(crate::agency::current(w.conn())?.map(|a| Issuer {
        name: a.name,
        commissioned: a.commissioned,
    }))
}

/// Opens a mediation on an accepted complaint (the case moves to mediating in the same
/// transaction) with both parties' consent (Art. 18) and, on site, the notice (Art. 20).
pub fn start_mediation(w: &mut Writer, new: &NewMediation) -> Result<Uuid> {
    let case_id = cases::id_of(w.conn(), &new.case_id)?;
    if !(new.consumer_consents && new.merchant_consents) {
        return Err(Error::invalid(
            "consent",
            "mediation needs both parties' consent (Art. 18)",
        ));
    }
    if new.mode == MediationMode::OnSite && new.notice.is_none() {
        return Err(Error::invalid(
            "notice",
            "an on-site session needs the notice of its time, place and mediators (Art. 20)",
        ));
    }
    let notice = match &new.notice {
        Some(n) => Some(NoticeBody {
            given_at_ms: n.given_at_ms,
            method: n.method,
            session_at_ms: n.session_at_ms,
            place: seal(
                w,
                case_id,
                "notice.place",
                &n.place,
                Typed::Line(limits::PLACE),
            )?,
        }),
        None => None,
    };
    let participants = participants(w, case_id, &new.participants)?;
    let officers = participants.iter().filter(|p| p.officer.is_some()).count();
    if new.enforcement && officers < 2 {
        return Err(Error::invalid(
            "participants",
            "a session that is also an enforcement act needs two officers",
        ));
    }
    cases::take_step(w, case_id, &Step::StartMediation, None)?;
    let opened = DocumentOpened {
        document_id: Uuid::now_v7(),
        case_id,
        kind: DocumentKind::Mediation,
        subject: None,
        place_text: seal_optional(
            w,
            case_id,
            "place",
            new.place_text.as_deref(),
            Typed::Line(limits::PLACE),
        )?,
        mediation: Some(MediationOpening {
            mode: new.mode,
            consumer_consents: true,
            merchant_consents: true,
            notice,
            enforcement: new.enforcement,
        }),
        participants,
        layout: Some(LAYOUT),
        rule_set: Some(cases::projection::rule_set_at(
            w.conn(),
            &case_id.to_string(),
            w.time.trusted_ms,
        )?),
        agency: issuer(w)?,
    };
    State::check_opening(&opened)?;
    let id = opened.document_id;
    w.append(opened)?;
    Ok(id)
}

/// Opens an on-site record or an interview record: at least two officers (Art. 22), and the
/// party, or the one person interviewed.
pub fn open_record(w: &mut Writer, new: &NewRecord) -> Result<Uuid> {
    if new.kind == DocumentKind::Mediation {
        return Err(Error::invalid("kind", "a mediation is started, not opened"));
    }
    let case_id = cases::id_of(w.conn(), &new.case_id)?;
    let participants = participants(w, case_id, &new.participants)?;
    if participants.iter().filter(|p| p.officer.is_some()).count() < 2 {
        return Err(Error::invalid(
            "participants",
            "a record is made by at least two officers, who show their IDs (Art. 22)",
        ));
    }
    let party = match new.kind {
        DocumentKind::Interview => ParticipantRole::Interviewee,
        _ => ParticipantRole::Party,
    };
    if !participants.iter().any(|p| p.role == party) {
        return Err(Error::invalid(
            "participants",
            format!("a {} needs its {party}", new.kind),
        ));
    }
    let subject = seal(
        w,
        case_id,
        "subject",
        &new.subject,
        Typed::Text(limits::SUBJECT),
    )?;
    let opened = DocumentOpened {
        document_id: Uuid::now_v7(),
        case_id,
        kind: new.kind,
        subject: Some(subject),
        place_text: Some(seal(
            w,
            case_id,
            "place",
            &new.place_text,
            Typed::Line(limits::PLACE),
        )?),
        mediation: None,
        participants,
        layout: Some(LAYOUT),
        rule_set: None,
        agency: issuer(w)?,
    };
    State::check_opening(&opened)?;
    let id = opened.document_id;
    w.append(opened)?;
    Ok(id)
}

/// The participants as the event holds them; the signed-in officer joins first if not listed.
fn participants(w: &Writer, case_id: Uuid, new: &[NewParticipant]) -> Result<Vec<ParticipantBody>> {
    if new.len() > limits::PARTICIPANTS {
        return Err(Error::invalid(
            "participants",
            format!("at most {}", limits::PARTICIPANTS),
        ));
    }
    let mut out = Vec::with_capacity(new.len() + 1);
    let listed = new
        .iter()
        .any(|p| p.enforcement_id.as_deref().map(str::trim) == Some(&w.actor.enforcement_id));
    if !listed {
        out.push(ParticipantBody {
            role: ParticipantRole::Officer,
            officer: Some(w.actor.clone()),
            name: None,
            title: None,
            authority: None,
        });
    }
    for p in new {
        out.push(participant(w, case_id, p)?);
    }
    Ok(out)
}

fn participant(w: &Writer, case_id: Uuid, p: &NewParticipant) -> Result<ParticipantBody> {
    let title = optional(p.title.as_deref(), |t| one_line("title", t, limits::TITLE))?;
    if p.authority.is_some() && p.role != ParticipantRole::MerchantRepresentative {
        return Err(Error::invalid(
            "authority",
            "only the merchant's representative acts by an authority",
        ));
    }
    if p.role == ParticipantRole::Officer {
        let id = p.enforcement_id.as_deref().ok_or_else(|| {
            Error::invalid("enforcement_id", "an officer is named by enforcement ID")
        })?;
        return Ok(ParticipantBody {
            role: ParticipantRole::Officer,
            officer: Some(Officer::new(&p.name, id)?),
            name: None,
            title,
            authority: None,
        });
    }
    if p.role == ParticipantRole::MerchantRepresentative && title.is_none() {
        return Err(Error::invalid(
            "title",
            "the merchant's representative is named with their title",
        ));
    }
    Ok(ParticipantBody {
        role: p.role,
        officer: None,
        name: Some(seal(
            w,
            case_id,
            "participant.name",
            &p.name,
            Typed::Line(limits::NAME),
        )?),
        title,
        authority: p.authority,
    })
}

/// How a typed value is checked before it is sealed: one line or free text, with its limit.
#[derive(Clone, Copy)]
enum Typed {
    Line(usize),
    Text(usize),
}

/// Checks what was typed and seals it in the vault under the case; blank is `None`.
fn seal_optional(
    w: &Writer,
    case_id: Uuid,
    field: &str,
    value: Option<&str>,
    typed: Typed,
) -> Result<Option<Sealed>> {
    optional(value, |v| match typed {
        Typed::Line(max) => one_line(field, v, max),
        Typed::Text(max) => multi_line(field, v, max),
    })?
    .map(|v| w.seal_personal(Some(case_id), field, &v))
    .transpose()
}

/// As `seal_optional`, for a value that must be given.
fn seal(w: &Writer, case_id: Uuid, field: &str, value: &str, typed: Typed) -> Result<Sealed> {
    seal_optional(w, case_id, field, Some(value), typed)?
        .ok_or_else(|| Error::invalid(field, "must not be empty"))
}

/// A signature's strokes and image as stored.
struct Drawn {
    pub strokes_sha256: Digest,
    pub image_sha256: Digest,
}

/// Stores checked strokes (as JSON) and their PNG in the blob store. Runs only once the act
/// passed its checks, so a refused signature leaves no files behind.
fn draw(blobs: &Blobs, strokes: &[Vec<StrokePoint>]) -> Result<Drawn> {
    let png = signature::render_png(strokes)?;
    let json = serde_json::to_vec(strokes).map_err(|e| Error::Encoding(e.to_string()))?;
    Ok(Drawn {
        strokes_sha256: blobs.put_bytes(&json)?.sha256,
        image_sha256: blobs.put_bytes(&png)?.sha256,
    })
}

/// Checks an act against the document as it is now and records it, with what it does to the
/// case: the workflow step of a mediation's end. Clock pauses are the caller's (they need the
/// calendar).
pub fn act(
    w: &mut Writer,
    id: &str,
    input: DocumentAct,
    blobs: &Blobs,
    calendar: &Calendar,
) -> Result<State> {
    let state = projection::get(w.conn(), id.trim())?;
    if let DocumentAct::End { reason, .. } = &input {
        check_end(w, calendar, state.case_id, *reason)?;
    }
    let current = view::read(w.conn(), state.clone())?.sha256;
    let strokes = match &input {
        DocumentAct::Sign { strokes, .. } => Some(strokes.clone()),
        _ => None,
    };
    let clock = clock_move(&input);
    let mut act = to_act(w, &state, input)?;
    let at = state::Moment {
        at_ms: w.time.trusted_ms,
        position: w.position,
        actor: &w.actor,
    };
    state.check(&act, &at, &current)?;
    if let (
        Act::Signed {
            strokes_sha256,
            image_sha256,
            ..
        },
        Some(strokes),
    ) = (&mut act, strokes)
    {
        let drawn = draw(blobs, &strokes)?;
        *strokes_sha256 = drawn.strokes_sha256;
        *image_sha256 = drawn.image_sha256;
    }
    match (&act, state.kind) {
        (Act::Ended { .. }, _) => {
            cases::take_step(
                w,
                state.case_id,
                &Step::EndMediation { agreement: false },
                None,
            )?;
        }
        (Act::Concluded { .. }, DocumentKind::Mediation) => {
            cases::take_step(
                w,
                state.case_id,
                &Step::EndMediation { agreement: true },
                None,
            )?;
        }
        _ => {}
    }
    w.append(DocumentActed {
        document_id: state.id,
        case_id: state.case_id,
        act,
    })?;
    if let (DocumentKind::Mediation, Some(pause)) = (state.kind, clock) {
        move_mediation_clock(w, calendar, state.case_id, pause)?;
    }
    projection::get(w.conn(), &state.id.to_string())
}

/// `Some(reason)` pauses the mediation clock, `None` inside resumes it.
fn clock_move(act: &DocumentAct) -> Option<Option<PauseReason>> {
    match act {
        DocumentAct::Pause { reason } => Some(Some(*reason)),
        DocumentAct::Resume => Some(None),
        _ => None,
    }
}

/// Testing and appraisal do not count against the mediation period under either order (Order
/// No. 121 Art. 22: 鉴定、检测; Order No. 20 Art. 20: 检定、检验、检测、鉴定): the session's pause
/// pauses the clock, where the clock's rules say it pauses.
fn move_mediation_clock(
    w: &mut Writer,
    calendar: &Calendar,
    case_id: uuid::Uuid,
    pause: Option<PauseReason>,
) -> Result<()> {
    let clock =
        clocks::state::of_case(w.conn(), calendar, &case_id.to_string(), w.time.trusted_ms)?
            .into_iter()
            .find(|c| c.kind == ClockKind::Mediation);
    let Some(clock) = clock else {
        return Ok(());
    };
    if !clocks::rule(clock.rule_set, ClockKind::Mediation)?.pausable {
        return Ok(());
    }
    match (pause, clock.state) {
        (Some(reason), ClockState::Running) => {
            clocks::pause(w, calendar, case_id, ClockKind::Mediation, reason)
        }
        (None, ClockState::Paused) => clocks::resume(w, calendar, case_id, ClockKind::Mediation),
        _ => Ok(()),
    }
}

/// A reason to end mediation must be one of the rules the mediation runs under (Order No. 121
/// Art. 23 lists eight, Order No. 20 Art. 21 seven), and "the period ran out" (Art. 23(5),
/// Order No. 20 Art. 21(5)) only once it has: the pause-adjusted period's last day is past.
/// Ended earlier, the record would state a falsehood.
fn check_end(w: &Writer, calendar: &Calendar, case_id: Uuid, reason: EndReason) -> Result<()> {
    let now = w.time.trusted_ms;
    let clock = crate::clocks::state::of_case(w.conn(), calendar, &case_id.to_string(), now)?
        .into_iter()
        .find(|c| c.kind == ClockKind::Mediation)
        .ok_or_else(|| Error::invalid("case", "the case has no mediation period running"))?;
    let ground = crate::rulebook::book(clock.rule_set).end_reason(reason)?;
    if reason == EndReason::TimeRanOut && now <= clock.due_at_ms {
        return Err(Error::invalid(
            "reason",
            format!(
                "the mediation period runs until {}{}: it has not run out ({})",
                clock.due_date,
                if clock.state == crate::clocks::ClockState::Paused {
                    ", and is paused for testing"
                } else {
                    ""
                },
                ground.article
            ),
        ));
    }
    Ok(())
}

/// The act as the event holds it: text sealed in the vault, terms and dates checked.
fn to_act(w: &Writer, state: &State, input: DocumentAct) -> Result<Act> {
    let case = state.case_id;
    let entry = |field: &str, text: &str| seal(w, case, field, text, Typed::Text(limits::ENTRY));
    let note = |text: Option<String>| {
        seal_optional(w, case, "note", text.as_deref(), Typed::Text(limits::ENTRY))
    };
    Ok(match input {
        DocumentAct::Join { participant: p } => Act::Joined {
            participant: participant(w, case, &p)?,
        },
        DocumentAct::Note {
            speaker,
            kind,
            text,
        } => Act::Noted {
            speaker,
            kind,
            text: entry("entry", &text)?,
        },
        DocumentAct::LinkEvidence { evidence_id } => Act::EvidenceLinked {
            evidence_id: of_case(w, case, &evidence_id)?,
        },
        DocumentAct::ObjectToMediator {
            mediator,
            by,
            grounds,
        } => Act::Objected {
            mediator,
            by,
            grounds: entry("grounds", &grounds)?,
        },
        DocumentAct::DecideObjection { upheld } => Act::ObjectionDecided { upheld },
        DocumentAct::Pause { reason } => Act::Paused { reason },
        DocumentAct::Resume => Act::Resumed {},
        DocumentAct::Agree {
            terms: t,
            document_declined,
        } => Act::Agreed {
            terms: terms::check(&t)?,
            document_declined,
        },
        DocumentAct::End { reason, note: n } => {
            if reason == EndReason::OtherLegalGround && n.is_none() {
                return Err(Error::invalid("note", "name the legal ground (Art. 23, 8)"));
            }
            Act::Ended {
                reason,
                note: note(n)?,
            }
        }
        DocumentAct::ReadBack => Act::ReadBack {},
        DocumentAct::Correct { entry: i, text } => Act::Corrected {
            entry: i,
            text: entry("correction", &text)?,
        },
        DocumentAct::Sign {
            participant,
            text_sha256,
            strokes,
        } => {
            signature::check(&strokes)?;
            // The blobs' hashes are filled in once the act passed its checks (`act`).
            Act::Signed {
                participant,
                text_sha256: digest(&text_sha256)?,
                strokes_sha256: Digest::ZERO,
                image_sha256: Digest::ZERO,
            }
        }
        DocumentAct::RefuseToSign {
            participant,
            witness,
            text_sha256,
            note: n,
        } => Act::RefusedToSign {
            participant,
            witness,
            text_sha256: digest(&text_sha256)?,
            note: note(n)?,
        },
        DocumentAct::Seal {
            participant,
            text_sha256,
            evidence_id,
        } => Act::Sealed {
            participant,
            text_sha256: digest(&text_sha256)?,
            evidence_id: of_case(w, case, &evidence_id)?,
        },
        DocumentAct::Assent {
            participant,
            text_sha256,
            method,
            evidence_id,
            note: n,
        } => Act::Assented {
            participant,
            text_sha256: digest(&text_sha256)?,
            method,
            evidence_id: evidence_id.map(|id| of_case(w, case, &id)).transpose()?,
            note: note(n)?,
        },
        DocumentAct::Conclude => Act::Concluded {
            number: number_for(w, state)?,
        },
        DocumentAct::PerformTerm { term, on } => {
            crate::calendar::parse_date("on", &on)?;
            let index = term
                .checked_sub(1)
                .ok_or_else(|| Error::invalid("term", "terms are numbered from 1"))?;
            Act::TermPerformed {
                term: index,
                on: on.trim().to_string(),
            }
        }
    })
}

/// Evidence of this case, by id.
fn of_case(w: &Writer, case: Uuid, evidence_id: &str) -> Result<Uuid> {
    let evidence = crate::evidence::projection::get(w.conn(), evidence_id.trim())?;
    if evidence.case_id != case.to_string() {
        return Err(Error::invalid(
            "evidence_id",
            "that evidence is of another case",
        ));
    }
    Uuid::parse_str(&evidence.id).map_err(|e| Error::invalid("evidence_id", e.to_string()))
}

/// A 调解书 takes the next number of this device's block for the year of its conclusion
/// (Beijing); none when it is no 调解书, or when the device holds no number left or no scheme
/// (the printed copy leaves the number to be written in: field work never stops for it).
fn number_for(w: &Writer, state: &State) -> Result<Option<DocumentNumber>> {
    let makes_document = state.agreement.as_ref().is_some_and(|a| {
        !state.remote() && terms::needs_mediation_document(&a.terms, a.document_declined)
    });
    let agency = crate::agency::current(w.conn())?;
    let (true, Some(agency)) = (makes_document, agency) else {
        return Ok(None);
    };
    let year = chrono::Datelike::year(&crate::time::beijing_date(w.time.trusted_ms)?);
    Ok(
        crate::agency::next_number(w.conn(), year)?.map(|n| DocumentNumber {
            year,
            n,
            text: crate::agency::format_number(&agency.numbering, year, n),
        }),
    )
}

fn digest(text: &str) -> Result<Digest> {
    Digest::from_hex(text.trim()).ok_or_else(|| {
        Error::invalid(
            "text_sha256",
            "is not a lowercase hex SHA-256 of the document text",
        )
    })
}
