//! What the app passes in and reads back about on-site documents.

use serde::{Deserialize, Serialize};

use crate::mediation::terms::{EndReason, Term};
use crate::position::GeoPosition;
use crate::wire_enum::wire_enum;

wire_enum! {
    /// The three documents made at the scene, on one machinery.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum DocumentKind {
        /// 调解 — becomes the 调解书, or the 调解记录 when Art. 24 lets the parties skip it.
        Mediation = "mediation",
        /// 现场笔录 (Art. 28).
        OnSiteRecord = "on_site_record",
        /// 询问笔录: one person per record (Art. 29).
        Interview = "interview",
    }
}

wire_enum! {
    /// How a mediation is held: on site, or remotely by internet, telephone, audio or video
    /// (Order No. 121 Art. 20, Order No. 20 Art. 18). Only on-site agreements make a 调解书.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum MediationMode {
        OnSite = "on_site",
        Phone = "phone",
        Video = "video",
        Audio = "audio",
        /// 互联网: an online platform or messaging.
        Online = "online",
    }
}

impl MediationMode {
    pub fn is_remote(self) -> bool {
        self != MediationMode::OnSite
    }
}

wire_enum! {
    /// How a party of a remote mediation gave their assent to the agreement read to them: no
    /// one can sign a phone's screen over the telephone.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum AssentMethod {
        /// Said so in a telephone call.
        Phone = "phone",
        /// Said so in a video call.
        Video = "video",
        /// In an audio message or call.
        Audio = "audio",
        /// Wrote so: a message on an online platform, SMS or messaging app.
        Online = "online",
    }
}

wire_enum! {
    /// By what right the merchant's representative acts for the business.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum RepresentativeAuthority {
        /// 法定代表人 or 负责人 of the business.
        LegalRepresentative = "legal_representative",
        /// The proprietor of an individual business (个体工商户经营者本人).
        Proprietor = "proprietor",
        /// Holds the business's written power of attorney (授权委托书).
        PowerOfAttorney = "power_of_attorney",
        /// Staff the business sent, their authority checked by the officer.
        Staff = "staff",
    }
}

wire_enum! {
    /// How the parties were told the time, place and mediators of an on-site session (Art. 20).
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum NoticeMethod {
        Oral = "oral",
        Phone = "phone",
        Text = "text",
        Written = "written",
    }
}

wire_enum! {
    /// A participant's part in a document.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum ParticipantRole {
        /// The complainant (mediation).
        Consumer = "consumer",
        ConsumerAgent = "consumer_agent",
        /// The business's representative, with their title (mediation).
        MerchantRepresentative = "merchant_representative",
        /// An officer: mediator, or enforcement officer of a record; by enforcement ID.
        Officer = "officer",
        /// The party of an on-site record (当事人).
        Party = "party",
        /// The one person an interview record is about (被询问人).
        Interviewee = "interviewee",
        /// 见证人: attests a refusal to sign (Art. 43).
        Witness = "witness",
    }
}

wire_enum! {
    /// What an entry of the record is.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum EntryKind {
        /// The consumer's demands (mediation).
        Demand = "demand",
        /// The merchant's answer (mediation).
        Response = "response",
        /// Anything else a participant says.
        Statement = "statement",
        /// An officer's question (interview).
        Question = "question",
        /// The interviewee's answer (interview).
        Answer = "answer",
        /// What the officers found (on-site record).
        Finding = "finding",
    }
}

wire_enum! {
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum DocumentStatus {
        Open = "open",
        /// An objection to a mediator awaits the agency's decision (Art. 21).
        Suspended = "suspended",
        /// Mediation waits for testing or appraisal (Art. 22).
        Paused = "paused",
        /// Signed by everyone it needs and closed.
        Concluded = "concluded",
        /// Mediation ended without agreement (Art. 23).
        Ended = "ended",
    }
}

wire_enum! {
    /// Whose copy a rendering is: the 调解书 is made in three (Art. 24).
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum CopyFor {
        Consumer = "consumer",
        Merchant = "merchant",
        File = "file",
    }
}

wire_enum! {
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum RenderFormat {
        Html = "html",
        Text = "text",
    }
}

/// Someone taking part. Officers are named by their enforcement ID (their name is public on
/// the record); everyone else's name goes into the vault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NewParticipant {
    pub role: ParticipantRole,
    pub name: String,
    /// The merchant representative's or the party's title (店长, 法定代表人 …).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub title: Option<String>,
    /// Officers only.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub enforcement_id: Option<String>,
    /// The merchant's representative only: by what right they act for the business.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub authority: Option<RepresentativeAuthority>,
}

/// The notice of an on-site session (Art. 20): when told, how, and when and where it sits.
/// The mediators it names are the session's officers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Notice {
    pub given_at_ms: i64,
    pub method: NoticeMethod,
    pub session_at_ms: i64,
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NewMediation {
    /// Case id or number of an accepted complaint.
    pub case_id: String,
    pub mode: MediationMode,
    /// Both must be true: mediation needs both parties' consent (Art. 18).
    pub consumer_consents: bool,
    pub merchant_consents: bool,
    /// Required for on-site sessions.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub notice: Option<Notice>,
    /// Where it sits, in words.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub place_text: Option<String>,
    /// The session is also an enforcement act: two officers must take part.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub enforcement: bool,
    /// The signed-in officer joins as a mediator if not listed.
    pub participants: Vec<NewParticipant>,
    /// Where the device is (the session's start place).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub position: Option<GeoPosition>,
}

/// A 现场笔录 or 询问笔录.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NewRecord {
    pub case_id: String,
    pub kind: DocumentKind,
    /// 事由: what brought the officers.
    pub subject: String,
    pub place_text: String,
    /// At least two officers (the signed-in one joins if not listed), and the party or the
    /// interviewee.
    pub participants: Vec<NewParticipant>,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub position: Option<GeoPosition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Participant {
    /// Its number in this document; stable.
    pub index: u32,
    pub role: ParticipantRole,
    /// `None` once the case's personal data is purged.
    pub name: Option<String>,
    pub title: Option<String>,
    pub enforcement_id: Option<String>,
    pub authority: Option<RepresentativeAuthority>,
    /// Withdrawn after an objection was upheld (Art. 21).
    pub recused: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Entry {
    pub index: u32,
    pub at_ms: i64,
    pub speaker: u32,
    pub kind: EntryKind,
    pub text: Option<String>,
    /// The entry as corrected after reading back; the signatures confirm it.
    pub corrected_text: Option<String>,
}

/// A term, with when it was carried out if it was after the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct AgreedTerm {
    pub term: Term,
    pub performed_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SignatureRecord {
    pub participant: u32,
    pub at_ms: i64,
    /// The SHA-256 of the document text the signer was shown.
    pub text_sha256: String,
    pub image_sha256: String,
    pub strokes_sha256: String,
    /// Still the current text: a change after signing voids the signature.
    pub valid: bool,
}

/// The business's seal on the agreement instead of its representative's signature: the
/// impression photographed as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SealRecord {
    pub participant: u32,
    pub at_ms: i64,
    pub text_sha256: String,
    /// The evidence photo of the impression.
    pub evidence_id: String,
    pub valid: bool,
}

/// A party's assent to a remote agreement: how and when, and a recording kept as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct AssentRecord {
    pub participant: u32,
    pub at_ms: i64,
    pub method: AssentMethod,
    pub text_sha256: String,
    pub evidence_id: Option<String>,
    pub note: Option<String>,
    pub valid: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Refusal {
    pub participant: u32,
    pub witness: u32,
    pub at_ms: i64,
    pub text_sha256: String,
    pub note: Option<String>,
    pub valid: bool,
}

/// A document as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OnSiteDocument {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub kind: DocumentKind,
    /// 调解书, 调解记录, 现场笔录 or 询问笔录.
    pub title: String,
    /// The 调解书's number in the agency's scheme (文号), given at conclusion from the
    /// device's block; `None` before, for other documents, or when the device had no number
    /// left (the printed copy leaves the number to be written in).
    pub number: Option<String>,
    /// The agency in whose name it is made, as published when it was opened.
    pub issuer: Option<String>,
    pub status: DocumentStatus,
    pub mode: Option<MediationMode>,
    pub notice: Option<Notice>,
    pub enforcement: bool,
    pub subject: Option<String>,
    pub place_text: Option<String>,
    pub opened_at_ms: i64,
    pub opened_at: Option<GeoPosition>,
    pub closed_at_ms: Option<i64>,
    pub closed_at: Option<GeoPosition>,
    pub participants: Vec<Participant>,
    pub entries: Vec<Entry>,
    pub evidence_ids: Vec<String>,
    pub read_back: bool,
    pub terms: Vec<AgreedTerm>,
    pub agreed_at_ms: Option<i64>,
    /// Art. 24: whether a 调解书 is made (`None` before agreement).
    pub mediation_document: Option<bool>,
    pub end_reason: Option<EndReason>,
    pub end_note: Option<String>,
    /// What the merchant pays under the agreement, in fen.
    pub recovered_fen: i64,
    pub signatures: Vec<SignatureRecord>,
    pub seals: Vec<SealRecord>,
    pub assents: Vec<AssentRecord>,
    pub refusals: Vec<Refusal>,
    /// Participants whose signature (or witnessed refusal, seal, or remote assent) the
    /// document still needs.
    pub unsigned: Vec<u32>,
    /// The SHA-256 of the current text: what a signature must be given for.
    pub text_sha256: String,
}

/// The text a signer is shown, and its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DocumentText {
    pub text: String,
    pub sha256: String,
}

/// 挽回经济损失 for a month: agreements concluded (signed) in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MoneyRecovered {
    pub month: String,
    pub total_fen: i64,
    pub agreements: u32,
    /// Of the total, what has been carried out so far.
    pub performed_fen: i64,
    pub by_case: Vec<RecoveredBy>,
    /// Each mediating officer is credited with the whole agreement: two officers sharing a
    /// session both count it, so these may add up to more than the total.
    pub by_officer: Vec<RecoveredBy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct RecoveredBy {
    /// Case number, or officer enforcement ID.
    pub key: String,
    /// Officer's name; empty for cases.
    pub name: String,
    pub fen: i64,
    pub agreements: u32,
}
