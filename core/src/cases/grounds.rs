//! The grounds a complaint may be declined on, offered to the officer under the case's own
//! rules (`rulebook`: Order No. 121 Art. 16, seven; Order No. 20 Art. 15, six), in the
//! article's order, each with its article and words, marking those the facts suggest:
//!
//! - an agent who showed no power of attorney (Art. 11; No. 20 Art. 10): the materials ground,
//!   16(5) / 15(5), is suggested — the complaint is taken, never accepted without comment;
//! - the limitation clock breached (more than three years from the harm at receipt):
//!   `time_barred` is suggested;
//! - the harm recent (the limitation clock met): `time_barred` carries a warning, and declining
//!   on it needs a note in which the officer says why they override the clock; no date of the
//!   harm given: a warning to check it first.
//!
//! The facts come from the caller (`Device::decline_grounds`), who reads the clocks: cases
//! never call up into the clocks, which derive from cases.

use serde::{Deserialize, Serialize};

use crate::cases::model::{DeclineReason, RuleSet};
use crate::rulebook::book;

/// What the limitation clock (`ClockKind::Limitation`) says of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limitation {
    /// More than three years from the harm at receipt: the clock was breached.
    Barred,
    /// Within three years (the clock was met); the day of the harm, `YYYY-MM-DD`.
    Recent(chrono::NaiveDate),
    /// No day of the harm was given: the clock does not run.
    Unknown,
}

/// What the offer is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroundFacts {
    /// The rules the decision follows (`projection::rule_set_at`, now).
    pub rule_set: RuleSet,
    /// A complainant acts through an agent who showed no power of attorney.
    pub agent_without_power_of_attorney: bool,
    pub limitation: Limitation,
}

/// One ground as the officer is offered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OfferedGround {
    pub reason: DeclineReason,
    /// Cited in full: 《投诉举报处理办法》第十六条第（五）项.
    pub article: String,
    /// The article's words.
    pub words: String,
    /// The facts suggest it.
    pub suggested: bool,
    /// Why the facts suggest it, in Chinese.
    pub why: Option<String>,
    /// What the officer must weigh before choosing it, in Chinese.
    pub warning: Option<String>,
    /// Declining on it is refused without a note saying why (the warning overridden).
    pub needs_note: bool,
}

/// Every ground of the rules in `facts`, in the article's order.
pub fn offered(facts: &GroundFacts) -> Vec<OfferedGround> {
    let rules = book(facts.rule_set);
    rules
        .decline_grounds
        .iter()
        .map(|g| {
            let (why, warning, needs_note) = judged(g.value, facts);
            OfferedGround {
                reason: g.value,
                article: rules.cite(g.article),
                words: g.words.to_string(),
                suggested: why.is_some(),
                why,
                warning,
                needs_note: needs_note || g.value == DeclineReason::OtherLegalGround,
            }
        })
        .collect()
}

/// Why a ground is suggested, what warns against it, and whether choosing it needs a note.
fn judged(reason: DeclineReason, facts: &GroundFacts) -> (Option<String>, Option<String>, bool) {
    match reason {
        DeclineReason::MaterialsMissing if facts.agent_without_power_of_attorney => (
            Some("委托他人代为投诉，未提供授权委托书".into()),
            None,
            false,
        ),
        DeclineReason::TimeBarred => match facts.limitation {
            Limitation::Barred => (
                Some(
                    "收到投诉时，距知道或者应当知道权益受到侵害之日已超过三年（时效期限已届满）"
                        .into(),
                ),
                None,
                false,
            ),
            Limitation::Recent(day) => (
                None,
                Some(format!(
                    "权益受到侵害之日为{}，收到投诉时未超过三年（时效期限未届满）；以此理由不予受理须在备注中说明理由",
                    chinese_date(day)
                )),
                true,
            ),
            Limitation::Unknown => (
                None,
                Some("未记录权益受到侵害的日期，无法核对三年期限，请先核实".into()),
                false,
            ),
        },
        _ => (None, None, false),
    }
}

/// Why a decline on `reason` is refused without a note, if it is.
pub fn note_required(reason: DeclineReason, facts: &GroundFacts) -> Option<String> {
    let (_, warning, needs_note) = judged(reason, facts);
    needs_note.then(|| {
        format!(
            "is required to decline on {reason}: {}",
            warning.unwrap_or_default()
        )
    })
}

/// 2026年12月5日: as officials write dates.
fn chinese_date(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(rule_set: RuleSet, agent: bool, limitation: Limitation) -> GroundFacts {
        GroundFacts {
            rule_set,
            agent_without_power_of_attorney: agent,
            limitation,
        }
    }

    fn suggested(offer: &[OfferedGround]) -> Vec<DeclineReason> {
        offer
            .iter()
            .filter(|g| g.suggested)
            .map(|g| g.reason)
            .collect()
    }

    /// Order No. 121 Art. 16 lists seven grounds, Order No. 20 Art. 15 six, each in its
    /// article's order with its own numbers; an agent without a power of attorney suggests
    /// 16(5) under No. 121 (Arts. 11, 16(5)) and 15(5) under No. 20 (Arts. 10, 15(5)).
    #[test]
    fn art_16_5_and_15_5_suggested_for_an_agent_without_a_power_of_attorney() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        for (rule_set, count, article) in [
            (
                RuleSet::SamrOrder121,
                7,
                "《投诉举报处理办法》第十六条第（五）项",
            ),
            (
                RuleSet::SamrOrder20,
                6,
                "《投诉举报处理暂行办法》第十五条第（五）项",
            ),
        ] {
            let offer = offered(&facts(rule_set, true, Limitation::Recent(day)));
            assert_eq!(offer.len(), count);
            assert_eq!(suggested(&offer), [DeclineReason::MaterialsMissing]);
            let materials = offer.iter().find(|g| g.suggested).unwrap();
            assert_eq!(materials.article, article);
            assert!(materials.why.as_deref().unwrap().contains("授权委托书"));
            let none = offered(&facts(rule_set, false, Limitation::Recent(day)));
            assert_eq!(suggested(&none), []);
        }
    }

    /// Art. 16(4) (No. 20 Art. 15(4)): offered as suggested only when the limitation clock is
    /// breached; warned, with a note required, when the harm is recent.
    #[test]
    fn art_16_4_time_barred_agrees_with_the_limitation_clock() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        for rule_set in [RuleSet::SamrOrder121, RuleSet::SamrOrder20] {
            let barred = offered(&facts(rule_set, false, Limitation::Barred));
            assert_eq!(suggested(&barred), [DeclineReason::TimeBarred]);
            let recent = offered(&facts(rule_set, false, Limitation::Recent(day)));
            let time_barred = recent
                .iter()
                .find(|g| g.reason == DeclineReason::TimeBarred)
                .unwrap();
            assert!(!time_barred.suggested && time_barred.needs_note);
            assert!(
                time_barred
                    .warning
                    .as_deref()
                    .unwrap()
                    .contains("2026年5月1日")
            );
            let f = facts(rule_set, false, Limitation::Recent(day));
            assert!(note_required(DeclineReason::TimeBarred, &f).is_some());
            let unknown = facts(rule_set, false, Limitation::Unknown);
            assert!(note_required(DeclineReason::TimeBarred, &unknown).is_none());
            assert!(offered(&unknown).iter().any(|g| g.warning.is_some()));
        }
    }
}
