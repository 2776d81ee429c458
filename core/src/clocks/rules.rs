//! The definition table: one row per time limit, per rule set (SAMR Order No. 121 for cases
//! received from 2026-04-15, Order No. 20 before). What starts and stops each clock, its unit,
//! its extension with approval, whether testing and appraisal pause it, and its article. The
//! counting switch of Art. 45 is data here too (`counting`).

use crate::calendar::deadline::{ART_45, Counting, Unit};
use crate::cases::RuleSet;
use crate::wire::wire_enum;

wire_enum! {
    /// The statutory clocks, and the dispatch clock.
    #[derive(uniffi::Enum)]
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
    pub starts: &'static str,
    pub stops: &'static str,
    pub article: &'static str,
    pub counting: Counting,
}

const fn days(
    kind: ClockKind,
    n: u32,
    unit: Unit,
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

use ClockKind::*;
use Unit::{CalendarDays, WorkingDays, Years};

/// Limits both rule sets share.
const COMMON: [ClockRule; 8] = [
    days(
        Accept,
        7,
        WorkingDays,
        None,
        false,
        (
            "receipt",
            "accepted, declined, forwarded or referred",
            "Art. 15",
        ),
    ),
    days(
        EndNotice,
        7,
        WorkingDays,
        None,
        false,
        ("decision to end mediation", "both parties told", "Art. 23"),
    ),
    days(
        ViolationCheck,
        15,
        WorkingDays,
        Some(15),
        false,
        ("violation found during mediation", "checked", "Art. 27"),
    ),
    days(
        ReportDecision,
        15,
        WorkingDays,
        Some(15),
        true,
        (
            "receipt of the report",
            "case filed or not (立案 / 不予立案)",
            "Art. 35; 处罚程序规定 Art. 18",
        ),
    ),
    days(
        PenaltyCase,
        90,
        CalendarDays,
        Some(30),
        false,
        ("case filed (立案)", "decision", "处罚程序规定 Art. 64"),
    ),
    days(
        Jurisdiction,
        7,
        WorkingDays,
        None,
        false,
        (
            "dispute with another agency",
            "agreed, or referred to the common higher agency",
            "Art. 33",
        ),
    ),
    days(
        EvidencePreservation,
        7,
        WorkingDays,
        None,
        false,
        (
            "evidence registered and preserved",
            "further action",
            "处罚程序规定 Arts. 33–35",
        ),
    ),
    days(
        Limitation,
        3,
        Years,
        None,
        false,
        (
            "the consumer knew or should have known of the harm",
            "complaint received",
            "Art. 16(4)",
        ),
    ),
];

const ON_SCENE: ClockRule = ClockRule {
    kind: OnScene,
    period: Period::Minutes {
        urban: 30,
        remote: 60,
    },
    extension: None,
    pausable: false,
    starts: "dispatched",
    stops: "on scene",
    article: "the centres' standard (seed reports)",
    counting: ART_45,
};

const MEDIATION_121: ClockRule = days(
    Mediation,
    60,
    CalendarDays,
    None,
    true,
    (
        "acceptance",
        "agreement, or mediation ended",
        "Arts. 22, 23(5)",
    ),
);
const MEDIATION_20: ClockRule = days(
    Mediation,
    45,
    WorkingDays,
    None,
    false,
    (
        "acceptance",
        "agreement, or mediation ended",
        "Order No. 20 Art. 21(5)",
    ),
);

/// Every clock of a rule set.
pub fn rules(rule_set: RuleSet) -> Vec<ClockRule> {
    let mediation = match rule_set {
        RuleSet::SamrOrder121 => MEDIATION_121,
        RuleSet::SamrOrder20 => MEDIATION_20,
    };
    let mut all = vec![COMMON[0], mediation];
    all.extend_from_slice(&COMMON[1..]);
    all.push(ON_SCENE);
    all
}

/// The rule of one clock under a rule set.
pub fn rule(rule_set: RuleSet, kind: ClockKind) -> ClockRule {
    rules(rule_set)
        .into_iter()
        .find(|r| r.kind == kind)
        .unwrap_or(ON_SCENE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clock_has_a_rule_in_both_rule_sets() {
        for rule_set in RuleSet::ALL {
            let kinds: Vec<ClockKind> = rules(*rule_set).iter().map(|r| r.kind).collect();
            assert_eq!(kinds.len(), ClockKind::ALL.len());
            for kind in ClockKind::ALL {
                assert!(kinds.contains(kind), "{rule_set} {kind}");
            }
        }
        assert_eq!(
            rule(RuleSet::SamrOrder20, Mediation).period,
            Period::Days(45, WorkingDays)
        );
        assert_eq!(
            rule(RuleSet::SamrOrder121, Mediation).period,
            Period::Days(60, CalendarDays)
        );
    }
}
