//! What a time limit is: its kind, its length and unit, its extension with approval, whether
//! testing and appraisal pause it, and the article it comes from. The tables are each rule
//! set's own (`order_121.rs`, `order_20.rs`).

use crate::calendar::deadline::{ART_45, Counting, Unit};
use crate::wire_enum::wire_enum;

wire_enum! {
    /// The statutory clocks, and the dispatch clock.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum ClockKind {
        /// Decide whether to accept a complaint, and say so.
        Accept = "accept",
        /// Mediation: ends without agreement when it runs out.
        Mediation = "mediation",
        /// Tell both parties that mediation has ended.
        EndNotice = "end_notice",
        /// Check a possible violation found during mediation.
        ViolationCheck = "violation_check",
        /// Check a report's lead and decide whether to open a case (核查).
        ReportDecision = "report_decision",
        /// Tell a named reporter whether a case was opened (Order No. 20 Art. 31 only).
        ReporterNotice = "reporter_notice",
        /// A penalty case, once opened (立案).
        PenaltyCase = "penalty_case",
        /// Agree jurisdiction with another agency.
        Jurisdiction = "jurisdiction",
        /// Act on evidence registered and preserved (先行登记保存), or the measure lapses.
        EvidencePreservation = "evidence_preservation",
        /// A complaint more than three years after the harm was known is not accepted.
        Limitation = "limitation",
        /// A dispatched vehicle on site: 30 minutes in town, 60 elsewhere.
        OnScene = "on_scene",
    }
}

impl ClockKind {
    /// The clock's name as officers say it.
    pub fn name(self) -> &'static str {
        match self {
            ClockKind::Accept => "受理期限",
            ClockKind::Mediation => "调解期限",
            ClockKind::EndNotice => "终止调解告知期限",
            ClockKind::ViolationCheck => "违法线索核查期限",
            ClockKind::ReportDecision => "举报核查期限",
            ClockKind::ReporterNotice => "举报人告知期限",
            ClockKind::PenaltyCase => "行政处罚办案期限",
            ClockKind::Jurisdiction => "管辖争议协商期限",
            ClockKind::EvidencePreservation => "先行登记保存处理期限",
            ClockKind::Limitation => "投诉时效",
            ClockKind::OnScene => "到场时限",
        }
    }
}

/// A length of time and what it is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Days(u32, Unit),
    Minutes { urban: u32, remote: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockRule {
    pub kind: ClockKind,
    pub period: Period,
    /// Added once, with approval.
    pub extension: Option<u32>,
    /// Testing and appraisal time excluded: the clock pauses.
    pub pausable: bool,
    /// What starts and what stops it, in the officers' words.
    pub starts: &'static str,
    pub stops: &'static str,
    /// Where the limit comes from: 《投诉举报处理办法》第十五条.
    pub article: &'static str,
    pub counting: Counting,
}

/// A clock counted in days.
pub(super) const fn days(
    kind: ClockKind,
    (n, unit): (u32, Unit),
    extension: Option<u32>,
    pausable: bool,
    (starts, stops, article): (&'static str, &'static str, &'static str),
) -> ClockRule {
    ClockRule {
        kind,
        period: Period::Days(n, unit),
        extension,
        pausable,
        starts,
        stops,
        article,
        counting: ART_45,
    }
}

/// The dispatch clock: the centres' own standard, the same under both rule sets; the centre's
/// parameters may set other minutes.
pub(super) const ON_SCENE: ClockRule = ClockRule {
    kind: ClockKind::OnScene,
    period: Period::Minutes {
        urban: 30,
        remote: 60,
    },
    extension: None,
    pausable: false,
    starts: "派出车辆",
    stops: "到达现场",
    article: "12315中心服务标准（城区30分钟、偏远地区60分钟到场）",
    counting: ART_45,
};

/// Limits of the penalty procedure (《市场监督管理行政处罚程序规定》), under both rule sets.
pub(super) const PENALTY_CASE: ClockRule = days(
    ClockKind::PenaltyCase,
    (90, Unit::CalendarDays),
    Some(30),
    false,
    (
        "立案",
        "作出处理决定",
        "《市场监督管理行政处罚程序规定》第六十四条",
    ),
);

pub(super) const EVIDENCE_PRESERVATION: ClockRule = days(
    ClockKind::EvidencePreservation,
    (7, Unit::WorkingDays),
    None,
    false,
    (
        "先行登记保存证据",
        "作出处理决定",
        "《市场监督管理行政处罚程序规定》第三十三条至第三十五条",
    ),
);
