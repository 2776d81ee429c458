//! What a case is, as officers and the centre speak of it. These records are what the apps
//! exchange with the core (they derive the UniFFI traits) and what the domain works on: plain
//! data, no FFI handles. Positions are in degrees here; events store 1e-7 degrees.

use serde::{Deserialize, Serialize};

use crate::officer::Officer;
use crate::position::GeoPosition;
pub use crate::rulebook::{DeclineReason, RuleSet};
use crate::wire_enum::wire_enum;

wire_enum! {
    /// 咨询 / 投诉 / 举报
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum CaseKind {
        Consultation = "consultation",
        Complaint = "complaint",
        Report = "report",
    }
}

wire_enum! {
    /// Where the case is in its workflow (`cases::workflow` says which step leads where).
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum CaseState {
        /// 登记: taken, not yet accepted, declined, forwarded or referred.
        Received = "received",
        /// 受理 (complaint).
        Accepted = "accepted",
        /// 不予受理 with an Art. 16 reason (complaint). Final.
        Declined = "declined",
        /// Sent to the competent market-regulation office. Final here.
        Forwarded = "forwarded",
        /// Referred to another department (质监, 药监, …). Final here.
        Referred = "referred",
        /// 调解中 (complaint).
        Mediating = "mediating",
        /// Mediation reached an agreement (complaint).
        Agreed = "agreed",
        /// Mediation ended without agreement, Art. 23 (complaint).
        NotAgreed = "not_agreed",
        /// 核查: the lead of a report is being checked.
        Verifying = "verifying",
        /// 立案: a case was opened on the report.
        Filed = "filed",
        /// 不予立案.
        NotFiled = "not_filed",
        /// 办结.
        Closed = "closed",
        /// 回访 done after closing.
        FollowedUp = "followed_up",
        /// 不再另行处理: the same reporter reported the same facts about the same business
        /// again (Order No. 121 Art. 35); linked to the first report. Final.
        NotHandledAgain = "not_handled_again",
        /// 合并处理: new facts from the same reporter about the same business, merged into the
        /// first report, whose period restarts from this one's receipt (Art. 35). Final.
        Merged = "merged",
    }
}

wire_enum! {
    /// How the matter reached the centre.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum Channel {
        /// At the window of a mobile complaint vehicle (流动维权车).
        VehicleWalkIn = "vehicle_walk_in",
        Hotline = "hotline",
        NationalPlatform = "national_platform",
        ServiceStation = "service_station",
        Letter = "letter",
    }
}

wire_enum! {
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum IdKind {
        /// 居民身份证: checked (GB 11643).
        ResidentId = "resident_id",
        Passport = "passport",
        /// 港澳居民来往内地通行证
        HongKongMacaoPermit = "hong_kong_macao_permit",
        /// 台湾居民来往大陆通行证
        TaiwanPermit = "taiwan_permit",
        /// 外国人永久居留身份证
        ForeignPermanentResident = "foreign_permanent_resident",
        Other = "other",
    }
}

wire_enum! {
    /// What the consumer asks for (Art. 10).
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum DemandKind {
        Repair = "repair",
        Redo = "redo",
        Replace = "replace",
        Return = "return",
        MakeUpQuantity = "make_up_quantity",
        Refund = "refund",
        Compensation = "compensation",
        /// Described in `demands_text`.
        Other = "other",
    }
}

wire_enum! {
    /// What the complainant offers to prove the purchase (Art. 17(3): a real consumption
    /// relationship). `NoProof` is an answer, not a field left blank.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum ProofKind {
        /// 购物凭证、发票 — a receipt or invoice.
        Receipt = "receipt",
        /// 订单号 — an online order number.
        OrderNumber = "order_number",
        /// 支付记录 — a payment record (bank, WeChat Pay, Alipay).
        PaymentRecord = "payment_record",
        /// None offered.
        NoProof = "none",
    }
}

wire_enum! {
    /// How a case ended, given when it is closed.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum Outcome {
        /// A consultation answered.
        Answered = "answered",
        /// Closed after a mediation agreement.
        Agreement = "agreement",
        /// Closed after mediation ended without agreement.
        NoAgreement = "no_agreement",
        /// The complainant withdrew.
        Withdrawn = "withdrawn",
        /// The parties settled between themselves after acceptance.
        SettledByParties = "settled_by_parties",
        /// A report on which a case was opened.
        CaseFiled = "case_filed",
        /// A report on which no case was opened.
        NoCaseFiled = "no_case_filed",
    }
}

wire_enum! {
    /// The four-word satisfaction scale of 回访.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum SatisfactionWord {
        /// 非常满意
        VerySatisfied = "very_satisfied",
        /// 满意
        Satisfied = "satisfied",
        /// 基本满意
        FairlySatisfied = "fairly_satisfied",
        /// 不满意
        Dissatisfied = "dissatisfied",
    }
}

/// A step in a case's workflow. `cases::workflow` decides which steps a state allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// 受理 a complaint.
    Accept,
    /// 不予受理; a note is required for `OtherLegalGround`.
    Decline {
        reason: DeclineReason,
    },
    /// To the competent market-regulation office (its name); the note gives the reason.
    Forward {
        office: String,
    },
    /// To another department, by its code in the departments directory; the note gives the
    /// reason.
    Refer {
        department: String,
    },
    StartMediation,
    /// The mediation document records the session; this is its result.
    EndMediation {
        agreement: bool,
    },
    /// Start checking a report's lead (核查).
    StartVerification,
    /// 立案 or 不予立案 on a report.
    DecideReport {
        file_case: bool,
    },
    Close {
        outcome: Outcome,
    },
    /// 回访: the 5-point score (1–5) and/or the four-word scale; at least one.
    FollowUp {
        score: Option<u8>,
        word: Option<SatisfactionWord>,
    },
    /// On a report: the same reporter reported the same facts about the same business before
    /// (`first`, a case id): 不再另行处理 (Order No. 121 Art. 35). Taken at intake when the
    /// facts match word for word, or by the officer.
    MarkRepeated {
        first: String,
    },
    /// On a report: new facts from the same reporter about the same business, merged into the
    /// still open report `first` (Art. 35: 可以合并处理 — the officer's choice). Records
    /// `ReportMerged` on `first` in the same write.
    MergeInto {
        first: String,
    },
    /// On the first report, written by `MergeInto` (never taken by itself): `report` was
    /// merged into it; its period restarts from `received_at_ms`, that report's receipt.
    ReportMerged {
        report: String,
        received_at_ms: i64,
    },
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct IdDocument {
    pub kind: IdKind,
    pub number: String,
}

/// Someone acting for a complainant (Art. 11). Without a power of attorney the complaint is
/// still taken; `decline_grounds` then suggests the materials ground (Art. 16(5)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Agent {
    pub name: String,
    pub id_document: IdDocument,
    /// A signed power of attorney was shown.
    pub power_of_attorney: bool,
}

/// A complainant, a reporter, a consultation's enquirer, or a joint complaint's representative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Person {
    /// The real name (Art. 10).
    pub name: String,
    /// A phone number (Art. 10: 电话号码): a mainland mobile, stored as its 11 digits; a
    /// landline with its area code, `0731-84561234` (`转8012` for an extension); a number
    /// abroad, `+85291234567`.
    pub phone: String,
    /// Mailing address: required for complaints (Art. 10).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub address: Option<String>,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub id_document: Option<IdDocument>,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub agent: Option<Agent>,
}

/// A seller's shop on an online platform (Art. 13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OnlineShop {
    /// The platform, e.g. 淘宝, 拼多多, 抖音.
    pub platform: String,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub shop_name: Option<String>,
    /// The business address the shop shows on the platform.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub shop_address: Option<String>,
}

/// What the complainant offers as proof of purchase (Art. 17(3)), with its number or reference
/// when one is given (kept in the vault: an order number leads to a person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ProofOfPurchase {
    pub kind: ProofKind,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub reference: Option<String>,
}

/// The business complained about or reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Business {
    pub name: String,
    /// Required for complaints (Art. 10), except for a seller inside an online platform:
    /// there the shop's published address, or else the platform, stands in (Art. 13).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub address: Option<String>,
    /// 统一社会信用代码, checked (GB 32100-2015) and stored upper-case.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub credit_code: Option<String>,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub legal_representative: Option<String>,
    /// 经营场所, where it differs from the address.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub premises: Option<String>,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub online: Option<OnlineShop>,
}

impl Business {
    /// The address a notice or document gives for the business: its own; for a seller inside
    /// an online platform that gave none, the address the shop published there, or else the
    /// platform, whose operator's domicile then decides jurisdiction (Order No. 121 Art. 13;
    /// Order No. 20 Art. 12).
    pub fn address_shown(&self) -> Option<String> {
        if let Some(address) = &self.address {
            return Some(address.clone());
        }
        let online = self.online.as_ref()?;
        Some(match &online.shop_address {
            Some(published) => format!("{published}（{}平台公示地址）", online.platform),
            None => format!(
                "未在平台公示地址，以{}平台经营者住所地为准",
                online.platform
            ),
        })
    }
}

/// The matter as the officer takes it down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NewMatter {
    /// The day it happened, `YYYY-MM-DD`.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub occurred_on: Option<String>,
    /// Where it happened, in words.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub place_text: Option<String>,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub place: Option<GeoPosition>,
    /// The goods or service.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub goods: Option<String>,
    /// Amount paid, in fen (分).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub amount_paid_fen: Option<i64>,
    /// How many were bought (for the Art. 17 flag on abnormal quantities).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub quantity: Option<u32>,
    pub facts: String,
    /// Required for complaints: at least one.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub demands: Vec<DemandKind>,
    /// The demands in the consumer's words; required with `DemandKind::Other`.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub demands_text: Option<String>,
    /// References to evidence: receipt numbers, evidence ids.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub evidence: Vec<String>,
    /// The proof of purchase offered (Art. 17(3)); `None`: not asked.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub proof: Option<ProofOfPurchase>,
}

/// What an officer enters to open a case. Checked by `cases::intake`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NewCase {
    pub kind: CaseKind,
    /// The vehicle window if not given.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub channel: Option<Channel>,
    /// When the centre received it (ms, UTC); now if not given. Chooses the rule set.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub received_at_ms: Option<i64>,
    /// The national 12315 platform's ticket number, when it came from there.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub platform_ticket: Option<String>,
    /// One person; a joint complaint's one or two representatives (Art. 12); none for an
    /// anonymous report (Art. 28) or an anonymous consultation (Art. 44, PIPL Art. 6).
    pub complainants: Vec<Person>,
    /// How many consumers a joint complaint stands for (2 or more).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub joint_complainants: Option<u32>,
    /// Required for complaints and reports.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub respondent: Option<Business>,
    pub matter: NewMatter,
    /// A complaint that also reports a violation: the report's leads. It becomes a second
    /// case, a report linked to the complaint (Art. 9).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub also_report: Option<String>,
}

/// The matter as stored. Text is `None` when not given or purged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Matter {
    pub occurred_on: Option<String>,
    pub place_text: Option<String>,
    pub place: Option<GeoPosition>,
    pub goods: Option<String>,
    pub amount_paid_fen: Option<i64>,
    pub quantity: Option<u32>,
    pub facts: Option<String>,
    pub demands: Vec<DemandKind>,
    pub demands_text: Option<String>,
    pub evidence: Vec<String>,
    /// Its reference `None` when not given or purged.
    pub proof: Option<ProofOfPurchase>,
}

/// One step taken on a case, as its history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct StepRecord {
    pub step: Step,
    pub state_after: CaseState,
    /// Trusted time, ms.
    pub at_ms: i64,
    pub by: Officer,
    pub place: Option<GeoPosition>,
    /// `None` when not given or purged.
    pub note: Option<String>,
}

/// A case as the device holds it. Personal data is absent once purged
/// (`personal_data_purged`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Case {
    pub id: String,
    /// `<device prefix>-<yyyymmdd>-<counter>`, Beijing date of opening.
    pub number: String,
    pub kind: CaseKind,
    pub state: CaseState,
    pub channel: Channel,
    pub rule_set: RuleSet,
    pub received_at_ms: i64,
    /// Trusted time of the `CaseOpened` event.
    pub opened_at_ms: i64,
    pub opened_by: Officer,
    pub platform_ticket: Option<String>,
    pub complainants: Vec<Person>,
    pub joint_complainants: Option<u32>,
    pub respondent: Option<Business>,
    pub matter: Matter,
    /// The other half of a split submission (Art. 9): its id.
    pub linked_case: Option<String>,
    /// Oldest first.
    pub history: Vec<StepRecord>,
    pub personal_data_purged: bool,
}

/// A case as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseSummary {
    pub id: String,
    pub number: String,
    pub kind: CaseKind,
    pub state: CaseState,
    pub received_at_ms: i64,
    pub opened_at_ms: i64,
    /// The first complainant's name; `None` for anonymous reports and once purged.
    pub complainant_name: Option<String>,
    pub respondent_name: Option<String>,
    pub goods: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseQuery {
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub state: Option<CaseState>,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub kind: Option<CaseKind>,
    /// Words to find in names, addresses, the business, goods, facts, the number. Chinese
    /// is matched character by character: "牛奶" finds 纯牛奶.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub text: Option<String>,
    /// A phone number, typed any way: the cases it was given in (matched by keyed digest).
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub phone: Option<String>,
    /// 1 to 500; 50 if not given.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CasePage {
    /// Newest first.
    pub cases: Vec<CaseSummary>,
    /// Pass back as `after` for the next (older) page; `None` on the last page.
    pub next: Option<String>,
}

/// Limits, in characters, of what an officer types for a case.
pub mod limits {
    pub const NAME: usize = 64;
    pub const ADDRESS: usize = 200;
    pub const FACTS: usize = 4000;
    pub const DEMANDS: usize = 2000;
    pub const NOTE: usize = 2000;
    pub const GOODS: usize = 200;
    pub const REFERENCE: usize = 128;
    pub const EVIDENCE_ITEMS: usize = 100;
    /// Art. 12: a joint complaint names up to two representatives.
    pub const REPRESENTATIVES: usize = 2;
}
