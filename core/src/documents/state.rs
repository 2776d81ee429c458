//! A document's state, as projected, and the rules every act is checked against before it is
//! recorded. Pure: no storage, no vault. One rule set serves the three kinds; where they differ
//! (who may speak, who must sign, what only a mediation does) the kind is asked.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clocks::events::PauseReason;
use crate::documents::events::{
    Act, DocumentNumber, DocumentOpened, Issuer, MediationOpening, ParticipantBody,
};
use crate::documents::model::{
    AssentMethod, DocumentKind, DocumentStatus, EntryKind, ParticipantRole,
};
use crate::error::{Error, Result};
use crate::events::Digest;
use crate::mediation::terms::{EndReason, Term};
use crate::officer::Officer;
use crate::position::GeoPoint;
use crate::rulebook::RuleSet;
use crate::vault::Sealed;

use DocumentKind::{Interview, Mediation, OnSiteRecord};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: DocumentKind,
    pub opened_at_ms: i64,
    pub opened_at: Option<GeoPoint>,
    pub subject: Option<Sealed>,
    pub place_text: Option<Sealed>,
    pub mediation: Option<MediationOpening>,
    pub participants: Vec<ParticipantState>,
    pub entries: Vec<EntryState>,
    pub evidence: Vec<Uuid>,
    pub objection: Option<Objection>,
    pub paused: Option<PauseReason>,
    pub agreement: Option<Agreement>,
    pub end: Option<End>,
    pub read_back: bool,
    pub signatures: Vec<Signature>,
    pub refusals: Vec<RefusalState>,
    pub concluded: bool,
    pub closed_at_ms: Option<i64>,
    pub closed_at: Option<GeoPoint>,
    /// 1 for documents opened before layouts were numbered (`DocumentOpened::layout`).
    #[serde(default = "first_layout")]
    pub layout: u32,
    #[serde(default)]
    pub rule_set: Option<RuleSet>,
    #[serde(default)]
    pub issuer: Option<Issuer>,
    #[serde(default)]
    pub seals: Vec<SealState>,
    #[serde(default)]
    pub assents: Vec<AssentState>,
    #[serde(default)]
    pub number: Option<DocumentNumber>,
}

fn first_layout() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealState {
    pub participant: u32,
    pub at_ms: i64,
    pub text_sha256: Digest,
    pub evidence_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssentState {
    pub participant: u32,
    pub at_ms: i64,
    pub text_sha256: Digest,
    pub method: AssentMethod,
    pub evidence_id: Option<Uuid>,
    pub note: Option<Sealed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantState {
    pub body: ParticipantBody,
    pub recused: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryState {
    pub at_ms: i64,
    pub speaker: u32,
    pub kind: EntryKind,
    pub text: Sealed,
    pub corrected: Option<Sealed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    pub mediator: u32,
    pub by: u32,
    pub grounds: Sealed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub terms: Vec<Term>,
    pub document_declined: bool,
    pub at_ms: i64,
    /// Per term: the day it was carried out after the session.
    pub performed_on: Vec<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct End {
    pub reason: EndReason,
    pub note: Option<Sealed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    pub participant: u32,
    pub at_ms: i64,
    pub text_sha256: Digest,
    pub strokes_sha256: Digest,
    pub image_sha256: Digest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusalState {
    pub participant: u32,
    pub witness: u32,
    pub at_ms: i64,
    pub text_sha256: Digest,
    pub note: Option<Sealed>,
}

/// Where and when an act happened: the event's trusted time and position, and who acted.
pub struct Moment<'a> {
    pub at_ms: i64,
    pub position: Option<GeoPoint>,
    pub actor: &'a Officer,
}

/// A refused act: `InvalidInput` whose field tells the app what to do — `status` (closed,
/// suspended or paused), `text_sha256` (the text changed since shown: show it again),
/// `signatures` (someone must still sign), `participant` (no such or withdrawn participant);
/// `document` for every other rule.
fn refused(reason: impl Into<String>) -> Error {
    Error::invalid("document", reason)
}

fn refused_as(field: &str, reason: impl Into<String>) -> Error {
    Error::invalid(field, reason)
}

impl State {
    pub fn opened(body: &DocumentOpened, at: &Moment) -> State {
        let mut state = State::empty(body, at.at_ms, at.position);
        state.participants = body
            .participants
            .iter()
            .map(|p| ParticipantState {
                body: p.clone(),
                recused: false,
            })
            .collect();
        state
    }

    /// Checks an opening's participants against its kind, as if each joined in turn.
    pub fn check_opening(body: &DocumentOpened) -> Result<()> {
        let mut trial = State::empty(body, 0, None);
        for p in &body.participants {
            trial.check_joins(p)?;
            trial.participants.push(ParticipantState {
                body: p.clone(),
                recused: false,
            });
        }
        Ok(())
    }

    fn empty(body: &DocumentOpened, at_ms: i64, position: Option<GeoPoint>) -> State {
        State {
            id: body.document_id,
            case_id: body.case_id,
            kind: body.kind,
            opened_at_ms: at_ms,
            opened_at: position,
            subject: body.subject,
            place_text: body.place_text,
            mediation: body.mediation.clone(),
            participants: Vec::new(),
            entries: Vec::new(),
            evidence: Vec::new(),
            objection: None,
            paused: None,
            agreement: None,
            end: None,
            read_back: false,
            signatures: Vec::new(),
            refusals: Vec::new(),
            concluded: false,
            closed_at_ms: None,
            closed_at: None,
            layout: body.layout.unwrap_or(1),
            rule_set: body.rule_set,
            issuer: body.agency.clone(),
            seals: Vec::new(),
            assents: Vec::new(),
            number: None,
        }
    }

    /// Held remotely (Art. 20): no 调解书, and the parties assent instead of signing.
    pub fn remote(&self) -> bool {
        self.mediation.as_ref().is_some_and(|m| m.mode.is_remote())
    }

    pub fn status(&self) -> DocumentStatus {
        if self.concluded {
            DocumentStatus::Concluded
        } else if self.end.is_some() {
            DocumentStatus::Ended
        } else if self.objection.is_some() {
            DocumentStatus::Suspended
        } else if self.paused.is_some() {
            DocumentStatus::Paused
        } else {
            DocumentStatus::Open
        }
    }

    /// Officers still serving (not withdrawn after an objection).
    pub fn officers(&self) -> impl Iterator<Item = (u32, &Officer)> {
        self.participants
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.recused)
            .filter_map(|(i, p)| p.body.officer.as_ref().map(|o| (i as u32, o)))
    }

    /// Checks `act` against the state; `current` is the SHA-256 of the document text now.
    pub fn check(&self, act: &Act, at: &Moment, current: &Digest) -> Result<()> {
        self.check_status(act)?;
        match act {
            Act::Joined { participant } => self.check_joins(participant),
            Act::Noted { speaker, kind, .. } => self.check_speaker(*speaker, *kind),
            Act::EvidenceLinked { evidence_id } => {
                if self.evidence.contains(evidence_id) {
                    return Err(refused("that evidence is already linked"));
                }
                Ok(())
            }
            Act::Objected { mediator, by, .. } => self.check_objection(*mediator, *by),
            Act::ObjectionDecided { .. } => {
                let objection = self
                    .objection
                    .as_ref()
                    .ok_or_else(|| refused("there is no objection to decide"))?;
                if self.participant(objection.mediator)?.body.officer.as_ref() == Some(at.actor) {
                    return Err(refused(
                        "the officer objected to cannot decide the objection (Art. 21)",
                    ));
                }
                Ok(())
            }
            Act::Paused { .. } => self.only(Mediation, "pauses for testing"),
            Act::Resumed {} => match self.paused {
                Some(_) => Ok(()),
                None => Err(refused("the mediation is not paused")),
            },
            Act::Agreed { .. } | Act::Ended { .. } => self.only(Mediation, "reaches an outcome"),
            Act::ReadBack {} => {
                if self.kind == Mediation || self.entries.is_empty() {
                    return Err(refused("only a record with entries is read back"));
                }
                Ok(())
            }
            Act::Corrected { entry, .. } => self.entry(*entry).map(|_| ()),
            Act::Signed {
                participant,
                text_sha256,
                ..
            } => self.check_signs(*participant, text_sha256, current),
            Act::RefusedToSign {
                participant,
                witness,
                text_sha256,
                ..
            } => self.check_refusal(*participant, *witness, text_sha256, current),
            Act::Sealed {
                participant,
                text_sha256,
                ..
            } => self.check_seal(*participant, text_sha256, current),
            Act::Assented {
                participant,
                text_sha256,
                ..
            } => self.check_assent(*participant, text_sha256, current),
            Act::Concluded { .. } => self.check_conclusion(current),
            Act::TermPerformed { term, .. } => self.check_performed(*term),
        }
    }

    /// What a closed, suspended or paused document still allows.
    fn check_status(&self, act: &Act) -> Result<()> {
        let allowed = match self.status() {
            DocumentStatus::Open => !matches!(act, Act::TermPerformed { .. }),
            DocumentStatus::Suspended => matches!(
                act,
                Act::ObjectionDecided { .. } | Act::Joined { .. } | Act::Ended { .. }
            ),
            DocumentStatus::Paused => matches!(
                act,
                Act::Resumed {}
                    | Act::Ended { .. }
                    | Act::Joined { .. }
                    | Act::Noted { .. }
                    | Act::EvidenceLinked { .. }
            ),
            DocumentStatus::Concluded => matches!(act, Act::TermPerformed { .. }),
            DocumentStatus::Ended => false,
        };
        if allowed {
            return Ok(());
        }
        Err(refused_as(
            "status",
            format!(
                "the {} is {}: it cannot take {}",
                self.kind,
                self.status(),
                act_name(act)
            ),
        ))
    }

    fn only(&self, kind: DocumentKind, what: &str) -> Result<()> {
        if self.kind == kind {
            return Ok(());
        }
        Err(refused(format!(
            "only a {kind} {what}, not a {}",
            self.kind
        )))
    }

    fn participant(&self, index: u32) -> Result<&ParticipantState> {
        self.participants
            .get(index as usize)
            .ok_or_else(|| refused_as("participant", format!("there is no participant {index}")))
    }

    fn serving(&self, index: u32) -> Result<&ParticipantState> {
        let p = self.participant(index)?;
        if p.recused {
            return Err(refused_as(
                "participant",
                format!("participant {index} was withdrawn after an objection"),
            ));
        }
        Ok(p)
    }

    fn entry(&self, index: u32) -> Result<&EntryState> {
        self.entries
            .get(index as usize)
            .ok_or_else(|| refused(format!("there is no entry {index}")))
    }

    fn check_joins(&self, p: &ParticipantBody) -> Result<()> {
        if !roles_of(self.kind).contains(&p.role) {
            return Err(refused(format!(
                "a {} has no {} (roles: {})",
                self.kind,
                p.role,
                names(roles_of(self.kind))
            )));
        }
        let interviewed = self
            .participants
            .iter()
            .any(|q| q.body.role == ParticipantRole::Interviewee);
        if p.role == ParticipantRole::Interviewee && interviewed {
            return Err(refused(
                "an interview record covers one person (Art. 29): open another record",
            ));
        }
        if let Some(officer) = &p.officer
            && self
                .officers()
                .any(|(_, o)| o.enforcement_id == officer.enforcement_id)
        {
            return Err(refused(format!(
                "officer {} already takes part",
                officer.enforcement_id
            )));
        }
        Ok(())
    }

    fn check_speaker(&self, speaker: u32, kind: EntryKind) -> Result<()> {
        let role = self.serving(speaker)?.body.role;
        let fits = match kind {
            EntryKind::Demand => matches!(
                role,
                ParticipantRole::Consumer | ParticipantRole::ConsumerAgent
            ),
            EntryKind::Response => role == ParticipantRole::MerchantRepresentative,
            EntryKind::Statement => true,
            EntryKind::Question => role == ParticipantRole::Officer && self.kind == Interview,
            EntryKind::Answer => role == ParticipantRole::Interviewee,
            EntryKind::Finding => role == ParticipantRole::Officer && self.kind == OnSiteRecord,
        };
        if !fits {
            return Err(refused(format!(
                "a {role} cannot make a {kind} entry in a {}",
                self.kind
            )));
        }
        Ok(())
    }

    fn check_objection(&self, mediator: u32, by: u32) -> Result<()> {
        self.only(Mediation, "takes objections to a mediator")?;
        if self.serving(mediator)?.body.role != ParticipantRole::Officer {
            return Err(refused(format!("participant {mediator} is not a mediator")));
        }
        let party = self.serving(by)?.body.role;
        if !matches!(
            party,
            ParticipantRole::Consumer
                | ParticipantRole::ConsumerAgent
                | ParticipantRole::MerchantRepresentative
        ) {
            return Err(refused("only a party objects to a mediator (Art. 21)"));
        }
        Ok(())
    }

    fn check_signs(&self, index: u32, given: &Digest, current: &Digest) -> Result<()> {
        let role = self.serving(index)?.body.role;
        let attests = self.refusals.iter().any(|r| r.witness == index);
        if !signing_roles(self.kind).contains(&role) && !attests {
            return Err(refused(format!(
                "a {role} does not sign a {} (a witness signs to attest a refusal)",
                self.kind
            )));
        }
        if self.kind == Mediation && self.agreement.is_none() {
            return Err(refused("there is no agreement to sign yet"));
        }
        if self.kind == Interview && !self.read_back {
            return Err(refused(
                "read the record back to the interviewee before signing (Art. 29)",
            ));
        }
        check_current(given, current)
    }

    /// The business seals the agreement: its representative's part, on a mediation with an
    /// agreement, for the text as it is now.
    fn check_seal(&self, index: u32, given: &Digest, current: &Digest) -> Result<()> {
        self.only(Mediation, "is sealed")?;
        if self.serving(index)?.body.role != ParticipantRole::MerchantRepresentative {
            return Err(refused(
                "only the business seals, through its representative",
            ));
        }
        if self.agreement.is_none() {
            return Err(refused("there is no agreement to seal yet"));
        }
        check_current(given, current)
    }

    /// A party's assent to a remote agreement (Art. 20): a party's, on a remote mediation with
    /// an agreement, for the text as it is now.
    fn check_assent(&self, index: u32, given: &Digest, current: &Digest) -> Result<()> {
        self.only(Mediation, "takes a remote assent")?;
        if !self.remote() {
            return Err(refused(
                "on site the parties sign (or the business seals): assent is for remote mediation",
            ));
        }
        if !matches!(
            self.serving(index)?.body.role,
            ParticipantRole::Consumer
                | ParticipantRole::ConsumerAgent
                | ParticipantRole::MerchantRepresentative
        ) {
            return Err(refused("only a party assents to the agreement"));
        }
        if self.agreement.is_none() {
            return Err(refused("there is no agreement to assent to yet"));
        }
        check_current(given, current)
    }

    fn check_refusal(&self, index: u32, witness: u32, given: &Digest, now: &Digest) -> Result<()> {
        if self.kind == Mediation {
            return Err(refused(
                "a party who will not sign has not agreed: end the mediation (Art. 23, reason 2)",
            ));
        }
        let role = self.serving(index)?.body.role;
        if !matches!(role, ParticipantRole::Party | ParticipantRole::Interviewee) {
            return Err(refused(format!("a {role} cannot refuse to sign")));
        }
        if self.serving(witness)?.body.role != ParticipantRole::Witness {
            return Err(refused(format!(
                "participant {witness} is not a witness: add one (Art. 43)"
            )));
        }
        check_current(given, now)
    }

    fn check_conclusion(&self, current: &Digest) -> Result<()> {
        if self.kind == Mediation && self.agreement.is_none() {
            return Err(refused(
                "a mediation concludes with a signed agreement; end it otherwise (Art. 23)",
            ));
        }
        if self.kind == Interview && !self.read_back {
            return Err(refused("the record was not read back (Art. 29)"));
        }
        if self.officers().next().is_none() {
            return Err(refused("no officer serves on this document"));
        }
        if self.kind == Mediation && !self.both_sides_present() {
            return Err(refused(
                "an agreement is between both parties: the consumer (or their agent) and the \
                 merchant's representative must take part",
            ));
        }
        let unsigned = self.unsigned(current);
        if !unsigned.is_empty() {
            return Err(refused_as(
                "signatures",
                format!("not yet signed by participants {unsigned:?} (for the current text)"),
            ));
        }
        Ok(())
    }

    fn check_performed(&self, term: u32) -> Result<()> {
        let agreement = self
            .agreement
            .as_ref()
            .ok_or_else(|| refused("there is no agreement"))?;
        let t = agreement
            .terms
            .get(term as usize)
            .ok_or_else(|| refused(format!("there is no term {}", term + 1)))?;
        if t.performed_on_the_spot || agreement.performed_on[term as usize].is_some() {
            return Err(refused(format!("term {} is already performed", term + 1)));
        }
        Ok(())
    }

    fn both_sides_present(&self) -> bool {
        let serving = |roles: &[ParticipantRole]| {
            self.participants
                .iter()
                .any(|p| !p.recused && roles.contains(&p.body.role))
        };
        serving(&[ParticipantRole::Consumer, ParticipantRole::ConsumerAgent])
            && serving(&[ParticipantRole::MerchantRepresentative])
    }

    /// Participants whose signature — or, for a party, witnessed refusal; the business's seal;
    /// a remote party's assent — the current text still needs; a refusal's witness must sign.
    pub fn unsigned(&self, current: &Digest) -> Vec<u32> {
        let signed = |i: u32| {
            self.signatures
                .iter()
                .any(|s| s.participant == i && s.text_sha256 == *current)
                || self
                    .seals
                    .iter()
                    .any(|s| s.participant == i && s.text_sha256 == *current)
                || self
                    .assents
                    .iter()
                    .any(|a| a.participant == i && a.text_sha256 == *current)
        };
        let refusal = |i: u32| {
            self.refusals
                .iter()
                .find(|r| r.participant == i && r.text_sha256 == *current)
        };
        let mut needed = Vec::new();
        for (i, p) in self.participants.iter().enumerate() {
            let i = i as u32;
            if p.recused || !signing_roles(self.kind).contains(&p.body.role) || signed(i) {
                continue;
            }
            match refusal(i) {
                Some(r) if !signed(r.witness) => needed.push(r.witness),
                Some(_) => {}
                None => needed.push(i),
            }
        }
        needed.sort_unstable();
        needed.dedup();
        needed
    }

    /// Applies a checked act.
    pub fn apply(&mut self, act: &Act, at: &Moment) {
        match act {
            Act::Joined { participant } => self.participants.push(ParticipantState {
                body: participant.clone(),
                recused: false,
            }),
            Act::Noted {
                speaker,
                kind,
                text,
            } => {
                self.entries.push(EntryState {
                    at_ms: at.at_ms,
                    speaker: *speaker,
                    kind: *kind,
                    text: *text,
                    corrected: None,
                });
                // New words were not read back.
                self.read_back = false;
            }
            Act::EvidenceLinked { evidence_id } => self.evidence.push(*evidence_id),
            Act::Objected {
                mediator,
                by,
                grounds,
            } => {
                self.objection = Some(Objection {
                    mediator: *mediator,
                    by: *by,
                    grounds: *grounds,
                })
            }
            Act::ObjectionDecided { upheld } => {
                if let Some(objection) = self.objection.take()
                    && *upheld
                {
                    self.participants[objection.mediator as usize].recused = true;
                }
            }
            Act::Paused { reason } => self.paused = Some(*reason),
            Act::Resumed {} => self.paused = None,
            Act::Agreed {
                terms,
                document_declined,
            } => {
                self.agreement = Some(Agreement {
                    terms: terms.clone(),
                    document_declined: *document_declined,
                    at_ms: at.at_ms,
                    performed_on: vec![None; terms.len()],
                })
            }
            Act::Ended { reason, note } => {
                self.end = Some(End {
                    reason: *reason,
                    note: *note,
                });
                self.close(at);
            }
            Act::ReadBack {} => self.read_back = true,
            Act::Corrected { entry, text } => {
                self.entries[*entry as usize].corrected = Some(*text);
            }
            Act::Signed {
                participant,
                text_sha256,
                strokes_sha256,
                image_sha256,
            } => self.signatures.push(Signature {
                participant: *participant,
                at_ms: at.at_ms,
                text_sha256: *text_sha256,
                strokes_sha256: *strokes_sha256,
                image_sha256: *image_sha256,
            }),
            Act::RefusedToSign {
                participant,
                witness,
                text_sha256,
                note,
            } => self.refusals.push(RefusalState {
                participant: *participant,
                witness: *witness,
                at_ms: at.at_ms,
                text_sha256: *text_sha256,
                note: *note,
            }),
            Act::Sealed {
                participant,
                text_sha256,
                evidence_id,
            } => self.seals.push(SealState {
                participant: *participant,
                at_ms: at.at_ms,
                text_sha256: *text_sha256,
                evidence_id: *evidence_id,
            }),
            Act::Assented {
                participant,
                text_sha256,
                method,
                evidence_id,
                note,
            } => self.assents.push(AssentState {
                participant: *participant,
                at_ms: at.at_ms,
                text_sha256: *text_sha256,
                method: *method,
                evidence_id: *evidence_id,
                note: *note,
            }),
            Act::Concluded { number } => {
                self.concluded = true;
                self.number = number.clone();
                self.close(at);
            }
            Act::TermPerformed { term, on } => {
                if let Some(agreement) = &mut self.agreement {
                    agreement.performed_on[*term as usize] = Some(on.clone());
                }
            }
        }
    }

    fn close(&mut self, at: &Moment) {
        self.closed_at_ms = Some(at.at_ms);
        self.closed_at = at.position;
    }
}

fn check_current(given: &Digest, current: &Digest) -> Result<()> {
    if given == current {
        return Ok(());
    }
    Err(refused_as(
        "text_sha256",
        format!(
            "the text signed for ({given}) is not the current one ({current}): show the document again"
        ),
    ))
}

/// Who takes part in each kind.
pub fn roles_of(kind: DocumentKind) -> &'static [ParticipantRole] {
    match kind {
        Mediation => &[
            ParticipantRole::Consumer,
            ParticipantRole::ConsumerAgent,
            ParticipantRole::MerchantRepresentative,
            ParticipantRole::Officer,
            ParticipantRole::Witness,
        ],
        OnSiteRecord => &[
            ParticipantRole::Officer,
            ParticipantRole::Party,
            ParticipantRole::Witness,
        ],
        Interview => &[
            ParticipantRole::Officer,
            ParticipantRole::Interviewee,
            ParticipantRole::Witness,
        ],
    }
}

/// Who must sign each kind: both parties and the mediators (Art. 24); the officers and the
/// party (Art. 28); the officers and the interviewee (Art. 29).
pub fn signing_roles(kind: DocumentKind) -> &'static [ParticipantRole] {
    match kind {
        Mediation => &[
            ParticipantRole::Consumer,
            ParticipantRole::ConsumerAgent,
            ParticipantRole::MerchantRepresentative,
            ParticipantRole::Officer,
        ],
        OnSiteRecord => &[ParticipantRole::Officer, ParticipantRole::Party],
        Interview => &[ParticipantRole::Officer, ParticipantRole::Interviewee],
    }
}

fn names(roles: &[ParticipantRole]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn act_name(act: &Act) -> &'static str {
    match act {
        Act::Joined { .. } => "a participant",
        Act::Noted { .. } => "a note",
        Act::EvidenceLinked { .. } => "evidence",
        Act::Objected { .. } => "an objection",
        Act::ObjectionDecided { .. } => "a decision on an objection",
        Act::Paused { .. } => "a pause",
        Act::Resumed {} => "a resumption",
        Act::Agreed { .. } => "an agreement",
        Act::Ended { .. } => "an end",
        Act::ReadBack {} => "a reading back",
        Act::Corrected { .. } => "a correction",
        Act::Signed { .. } => "a signature",
        Act::RefusedToSign { .. } => "a refusal to sign",
        Act::Sealed { .. } => "a seal",
        Act::Assented { .. } => "an assent",
        Act::Concluded { .. } => "a conclusion",
        Act::TermPerformed { .. } => "a performed term",
    }
}
