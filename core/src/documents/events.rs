//! The two events of an on-site document: it is opened, then acted on, one act per event —
//! a note, an agreement, a signature … Names and free text are vault references.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clocks::events::PauseReason;
use crate::documents::model::{
    AssentMethod, DocumentKind, EntryKind, MediationMode, NoticeMethod, ParticipantRole,
    RepresentativeAuthority,
};
use crate::events::{Digest, EventBody, Projection};
use crate::mediation::terms::{EndReason, Term};
use crate::officer::Officer;
use crate::rulebook::RuleSet;
use crate::vault::Sealed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentOpened {
    pub document_id: Uuid,
    pub case_id: Uuid,
    pub kind: DocumentKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_text: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mediation: Option<MediationOpening>,
    pub participants: Vec<ParticipantBody>,
    /// The layout of its words (`text`): absent in documents opened before layouts were
    /// numbered, which keep their words (and so their signatures) for good; 2 adds the legal
    /// basis, the issuing agency, amounts in capitals and the parties' rights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<u32>,
    /// The rules it is made under, as they stood when it was opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
    /// The agency in whose name it is made, as published when it was opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Issuer>,
}

/// The agency a document names, frozen in it: a later change of the reference data must not
/// change what was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commissioned: Option<String>,
}

/// A 调解书's number in the agency's scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentNumber {
    pub year: i32,
    pub n: u32,
    /// As printed: `芙市监消调〔2026〕17号`.
    pub text: String,
}

/// Mediation only: how it sits, and what Arts. 18 and 20 require before it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediationOpening {
    pub mode: MediationMode,
    pub consumer_consents: bool,
    pub merchant_consents: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<NoticeBody>,
    pub enforcement: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    pub given_at_ms: i64,
    pub method: NoticeMethod,
    pub session_at_ms: i64,
    pub place: Sealed,
}

/// An officer in the clear (who performed an official act stays on the record); anyone else
/// by a vault reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantBody {
    pub role: ParticipantRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<Officer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<RepresentativeAuthority>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentActed {
    pub document_id: Uuid,
    pub case_id: Uuid,
    pub act: Act,
}

/// One thing done to a document. Participants, entries and terms are named by their index.
/// Variants without data are written `{}` so that serde refuses unknown fields in them too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case", deny_unknown_fields)]
pub enum Act {
    Joined {
        participant: ParticipantBody,
    },
    Noted {
        speaker: u32,
        kind: EntryKind,
        text: Sealed,
    },
    EvidenceLinked {
        evidence_id: Uuid,
    },
    /// A party objects to a mediator: the session is suspended (Art. 21).
    Objected {
        mediator: u32,
        by: u32,
        grounds: Sealed,
    },
    /// The agency's decision; upheld withdraws the mediator.
    ObjectionDecided {
        upheld: bool,
    },
    /// For testing or appraisal (Art. 22).
    Paused {
        reason: PauseReason,
    },
    Resumed {},
    /// The terms agreed, replacing any stated before (signatures on the old text are void).
    Agreed {
        terms: Vec<Term>,
        /// Both parties agreed not to make a 调解书 (Art. 24).
        document_declined: bool,
    },
    /// Ended without agreement (Art. 23).
    Ended {
        reason: EndReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Sealed>,
    },
    /// The record was read back to the interviewee, or read by them (Art. 29).
    ReadBack {},
    Corrected {
        entry: u32,
        text: Sealed,
    },
    /// Bound to the text shown: its SHA-256. The strokes and their image are blobs.
    Signed {
        participant: u32,
        text_sha256: Digest,
        strokes_sha256: Digest,
        image_sha256: Digest,
    },
    /// Art. 43: the refusal is noted and a witness attests it (the witness signs).
    RefusedToSign {
        participant: u32,
        witness: u32,
        text_sha256: Digest,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Sealed>,
    },
    /// The business seals the agreement (盖章) instead of its representative signing: bound to
    /// the text like a signature, the impression photographed as evidence of the case.
    Sealed {
        participant: u32,
        text_sha256: Digest,
        evidence_id: Uuid,
    },
    /// A party of a remote mediation assents to the agreement read to them: how, bound to the
    /// text, with any recording kept as evidence (Art. 20: no 调解书, the 调解记录 records it).
    Assented {
        participant: u32,
        text_sha256: Digest,
        method: AssentMethod,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence_id: Option<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Sealed>,
    },
    /// Everyone needed has signed (sealed, assented): the document is closed. A 调解书 takes
    /// its number here, from the device's block.
    Concluded {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<DocumentNumber>,
    },
    /// A term carried out after the session.
    TermPerformed {
        term: u32,
        on: String,
    },
}

impl EventBody for DocumentOpened {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Documents];
    const TYPE: &'static str = "DocumentOpened";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::opened(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        let names = self.participants.iter().filter_map(|p| p.name);
        let notice = self.mediation.as_ref().and_then(|m| m.notice.as_ref());
        names
            .chain(self.subject)
            .chain(self.place_text)
            .chain(notice.map(|n| n.place))
            .collect()
    }
}

impl EventBody for DocumentActed {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Documents];
    const TYPE: &'static str = "DocumentActed";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::acted(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        match &self.act {
            Act::Joined { participant } => participant.name.into_iter().collect(),
            Act::Noted { text, .. } | Act::Corrected { text, .. } => vec![*text],
            Act::Objected { grounds, .. } => vec![*grounds],
            Act::Ended { note, .. }
            | Act::RefusedToSign { note, .. }
            | Act::Assented { note, .. } => note.iter().copied().collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire form of an act is signed into the chain: pinned here so that no rename
    /// slips through.
    #[test]
    fn acts_keep_their_wire_form() {
        let act = DocumentActed {
            document_id: Uuid::nil(),
            case_id: Uuid::nil(),
            act: Act::Signed {
                participant: 2,
                text_sha256: Digest([1; 32]),
                strokes_sha256: Digest([2; 32]),
                image_sha256: Digest([3; 32]),
            },
        };
        let value = serde_json::to_value(&act).unwrap();
        assert_eq!(value["act"]["act"], "signed");
        assert_eq!(value["act"]["participant"], 2);
        assert_eq!(value["act"]["text_sha256"], "01".repeat(32));
        let back: DocumentActed = serde_json::from_value(value).unwrap();
        assert_eq!(back, act);

        let resumed = serde_json::to_string(&Act::Resumed {}).unwrap();
        assert_eq!(resumed, r#"{"act":"resumed"}"#);
        let unknown = serde_json::from_str::<Act>(r#"{"act":"paused","reason":"testing","x":1}"#);
        assert!(unknown.is_err(), "unknown fields are refused");
        let unit = serde_json::from_str::<Act>(r#"{"act":"resumed","x":1}"#);
        assert!(unit.is_err(), "unknown fields are refused");
    }
}
