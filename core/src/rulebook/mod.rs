//! The rules of each rule set as data, one place per set (regulations.md: "a change of rules
//! is a data change"): the time limits, the grounds for not accepting a complaint, the reasons
//! a mediation ends, the articles each act cites and the words the documents use. SAMR Order
//! No. 121 (`order_121.rs`) for cases received from 2026-04-15; Order No. 20 as amended in
//! 2022 (`order_20.rs`) before — or, as the centre decides (`PendingCases`), for their acts
//! before that day only. The texts are in `../shared/law/`: where a word here departs from
//! them, the text is right.

mod clocks;
mod order_121;
mod order_20;

pub use clocks::{ClockKind, ClockRule, Period};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::wire_enum::wire_enum;

wire_enum! {
    /// The rules a case is handled under, chosen once by its date of receipt.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum RuleSet {
        /// SAMR Order No. 20 (2019 Interim Measures, amended 2022): cases received before
        /// 2026-04-15.
        SamrOrder20 = "samr_order_20",
        /// SAMR Order No. 121: cases received from 2026-04-15.
        SamrOrder121 = "samr_order_121",
    }
}

wire_enum! {
    /// Grounds for not accepting a complaint: Order No. 121 Art. 16 (seven), Order No. 20
    /// Art. 15 (six: no identity ground). Each rule set lists its own (`RuleBook`).
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum DeclineReason {
        /// Outside market regulation's remit, or this agency has no jurisdiction.
        OutsideRemit = "outside_remit",
        /// Already accepted or handled by a court, arbitrator, agency or consumer association.
        HandledElsewhere = "handled_elsewhere",
        /// Not daily-life consumption, or no consumer dispute shown.
        NotConsumerDispute = "not_consumer_dispute",
        /// More than 3 years since the consumer knew of the harm.
        TimeBarred = "time_barred",
        /// Required materials missing (an agent's power of attorney included) or false.
        MaterialsMissing = "materials_missing",
        /// Someone else's identity used, or identity verification refused (Order No. 121 only).
        IdentityNotVerified = "identity_not_verified",
        /// Another legal ground: the note says which.
        OtherLegalGround = "other_legal_ground",
    }
}

wire_enum! {
    /// Why mediation ended without agreement: Order No. 121 Art. 23 (eight), Order No. 20
    /// Art. 21 (seven, in its own order). Each rule set lists its own (`RuleBook`).
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum EndReason {
        /// Withdrawn, or the parties settled themselves.
        WithdrawnOrSettled = "withdrawn_or_settled",
        /// A party stays away without good reason, or refuses (Order No. 20: the business
        /// refuses).
        PartyAbsentOrRefuses = "party_absent_or_refuses",
        /// A party says no agreement is possible.
        NoAgreementPossible = "no_agreement_possible",
        /// No agreement on who pays for appraisal or testing (Order No. 20: or on the
        /// technical body).
        AppraisalCostDisputed = "appraisal_cost_disputed",
        /// The period ran out without agreement: only once it really has.
        TimeRanOut = "time_ran_out",
        /// A not-accepted ground (Order No. 121: or fraud or extortion, to the police) found.
        GroundForRefusalOrFraud = "ground_for_refusal_or_fraud",
        /// A party died or ceased to exist (Order No. 121 only).
        PartyGone = "party_gone",
        /// Another legal ground (the note says which).
        OtherLegalGround = "other_legal_ground",
    }
}

wire_enum! {
    /// Which rules a case received before 2026-04-15 follows from that day on. Order No. 121
    /// has no transitional clause (Art. 46 only repeals Order No. 20): a question for the
    /// centre's legal officer, so a centre parameter.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum PendingCases {
        /// By date of receipt: Order No. 20 to the end (the default).
        ByReceipt = "by_receipt",
        /// Order No. 121 for every act, and every clock started, on or after 2026-04-15.
        Order121FromItsEntry = "order_121_from_its_entry",
    }
}

/// The day Order No. 121 came into force (Art. 46), Beijing date.
pub fn order_121_in_force() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 15).unwrap_or(NaiveDate::MIN)
}

/// The rule set of a case received on `date` (Beijing).
pub fn rule_set_for(date: NaiveDate) -> RuleSet {
    if date < order_121_in_force() {
        RuleSet::SamrOrder20
    } else {
        RuleSet::SamrOrder121
    }
}

/// The rules an act on `day` follows in a case of `rule_set`, under the centre's choice for
/// pending cases.
pub fn rule_set_at(rule_set: RuleSet, day: NaiveDate, pending: PendingCases) -> RuleSet {
    match pending {
        PendingCases::Order121FromItsEntry if day >= order_121_in_force() => RuleSet::SamrOrder121,
        _ => rule_set,
    }
}

/// The ways to resolve a consumer dispute, Consumer Protection Law Art. 39: what a notice of
/// a decline (Order No. 121 Art. 15) and of an end or a result not accepted (Art. 25) tells the
/// parties. The same under both orders.
pub const CONSUMER_LAW_ART_39: [&str; 5] = [
    "与经营者协商和解",
    "请求消费者协会或者依法成立的其他调解组织调解",
    "向有关行政部门投诉",
    "根据与经营者达成的仲裁协议提请仲裁机构仲裁",
    "向人民法院提起诉讼",
];

/// One ground or reason as its article lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ground<T> {
    pub value: T,
    /// Where the text lists it, e.g. 第十六条第（四）项.
    pub article: &'static str,
    /// The words the notices and documents use (the text's own, shortened where long).
    pub words: &'static str,
}

/// A ground of an order's table.
pub(super) const fn ground<T>(value: T, article: &'static str, words: &'static str) -> Ground<T> {
    Ground {
        value,
        article,
        words,
    }
}

/// The articles the documents cite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Articles {
    /// Accept or decline within 7 working days, and tell the complainant.
    pub decision: &'static str,
    /// The grounds for not accepting.
    pub decline_grounds: &'static str,
    /// Mediation on site or remote, and the notice of an on-site session.
    pub mediation_modes: &'static str,
    /// Testing and appraisal time is excluded from the mediation period.
    pub testing_excluded: &'static str,
    /// The reasons to end mediation, and the 7-working-day notice of the end.
    pub end_reasons: &'static str,
    /// The 调解书 of an on-site agreement, or the 调解记录.
    pub agreement_document: &'static str,
    /// The parties' further ways after an end or a result they do not accept: Order No. 121
    /// Art. 25; Order No. 20 has no such article (the Consumer Protection Law's Art. 39 is
    /// cited alone).
    pub rights: Option<&'static str>,
}

/// Everything one rule set says that the product acts on.
#[derive(Debug)]
pub struct RuleBook {
    pub rule_set: RuleSet,
    /// The measures' full title, as a document's legal basis names them.
    pub title: &'static str,
    /// The short form an article is cited with: 《投诉举报处理办法》.
    pub short: &'static str,
    /// The order that published it.
    pub order: &'static str,
    pub clocks: &'static [ClockRule],
    /// In the order of the article.
    pub decline_grounds: &'static [Ground<DeclineReason>],
    /// In the order of the article.
    pub end_reasons: &'static [Ground<EndReason>],
    pub articles: Articles,
    /// What pauses the mediation period: 鉴定、检测 / 检定、检验、检测、鉴定.
    pub testing: &'static str,
}

/// The rules of `rule_set`.
pub fn book(rule_set: RuleSet) -> &'static RuleBook {
    match rule_set {
        RuleSet::SamrOrder121 => &order_121::BOOK,
        RuleSet::SamrOrder20 => &order_20::BOOK,
    }
}

impl RuleBook {
    /// The rule of a clock, if this rule set has that clock.
    pub fn clock(&self, kind: ClockKind) -> Option<&'static ClockRule> {
        self.clocks.iter().find(|r| r.kind == kind)
    }

    /// A ground for not accepting, if this rule set has it.
    pub fn decline_ground(&self, reason: DeclineReason) -> Result<&'static Ground<DeclineReason>> {
        self.listed_in(self.decline_grounds, reason, self.articles.decline_grounds)
    }

    /// A reason to end mediation, if this rule set has it.
    pub fn end_reason(&self, reason: EndReason) -> Result<&'static Ground<EndReason>> {
        self.listed_in(self.end_reasons, reason, self.articles.end_reasons)
    }

    /// `value` as `article` of these measures lists it; refused, naming what it lists, if not.
    fn listed_in<T: std::fmt::Display + Copy + PartialEq>(
        &self,
        grounds: &'static [Ground<T>],
        value: T,
        article: &str,
    ) -> Result<&'static Ground<T>> {
        grounds.iter().find(|g| g.value == value).ok_or_else(|| {
            let listed: Vec<String> = grounds.iter().map(|g| g.value.to_string()).collect();
            Error::invalid(
                "reason",
                format!(
                    "{value} is not listed in {}{article}: {}",
                    self.short,
                    listed.join(", ")
                ),
            )
        })
    }

    /// An article of these measures as documents cite it: 《投诉举报处理办法》第十五条.
    pub fn cite(&self, article: &str) -> String {
        format!("{}{article}", self.short)
    }

    /// The parties' further ways when they do not accept an end of mediation (`ended`) or its
    /// result: Order No. 121 Art. 25 points to the Consumer Protection Law's Art. 39; Order No.
    /// 20 has no such article, and the law is cited alone.
    pub fn rights_words(&self, ended: bool) -> String {
        let ways = CONSUMER_LAW_ART_39.join("；");
        let what = if ended {
            "终止调解决定"
        } else {
            "调解结果"
        };
        match self.articles.rights {
            Some(article) => format!(
                "投诉人、被投诉人对{what}不服的，可以按照《中华人民共和国消费者权益保护法》第三十九条规定，通过民事诉讼、仲裁等其他途径解决消费者权益争议（{}）。该条规定的途径为：{ways}。",
                self.cite(article)
            ),
            None => format!(
                "投诉人、被投诉人可以按照《中华人民共和国消费者权益保护法》第三十九条规定的途径解决消费者权益争议：{ways}。"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_set_changes_on_15_april_2026() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(rule_set_for(day(4, 14)), RuleSet::SamrOrder20);
        assert_eq!(rule_set_for(day(4, 15)), RuleSet::SamrOrder121);
        assert_eq!(rule_set_for(day(11, 28)), RuleSet::SamrOrder121);
    }

    /// regulations.md, "Which rule set applies": by date of receipt by default; the
    /// alternative is Order No. 121 for every act on or after 2026-04-15.
    #[test]
    fn a_pending_case_follows_the_centres_choice() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let old = RuleSet::SamrOrder20;
        for (pending, on_14, on_15) in [
            (PendingCases::ByReceipt, old, old),
            (
                PendingCases::Order121FromItsEntry,
                old,
                RuleSet::SamrOrder121,
            ),
        ] {
            assert_eq!(rule_set_at(old, day(4, 14), pending), on_14);
            assert_eq!(rule_set_at(old, day(4, 15), pending), on_15);
        }
        assert_eq!(
            rule_set_at(RuleSet::SamrOrder121, day(5, 1), PendingCases::ByReceipt),
            RuleSet::SamrOrder121
        );
    }

    /// Order No. 121 Art. 16 lists seven grounds and Art. 23 eight reasons; Order No. 20
    /// Art. 15 six (no identity ground) and Art. 21 seven (no "party died").
    #[test]
    fn each_order_lists_its_own_grounds_in_its_own_order() {
        let order_121 = book(RuleSet::SamrOrder121);
        let order_20 = book(RuleSet::SamrOrder20);
        assert_eq!(order_121.decline_grounds.len(), 7);
        assert_eq!(order_20.decline_grounds.len(), 6);
        assert!(
            order_20
                .decline_ground(DeclineReason::IdentityNotVerified)
                .is_err()
        );
        assert_eq!(
            order_20
                .decline_ground(DeclineReason::OtherLegalGround)
                .unwrap()
                .article,
            "第十五条第（六）项"
        );
        assert_eq!(
            order_121
                .decline_ground(DeclineReason::OtherLegalGround)
                .unwrap()
                .article,
            "第十六条第（七）项"
        );
        assert_eq!(order_121.end_reasons.len(), 8);
        assert_eq!(order_20.end_reasons.len(), 7);
        assert!(order_20.end_reason(EndReason::PartyGone).is_err());
        // Order No. 20 Art. 21: (2) is the technical body or the costs, (3) the absent party.
        let second: Vec<EndReason> = [order_121, order_20]
            .iter()
            .map(|b| b.end_reasons[1].value)
            .collect();
        assert_eq!(
            second,
            [
                EndReason::PartyAbsentOrRefuses,
                EndReason::AppraisalCostDisputed
            ]
        );
        for b in [order_121, order_20] {
            for (i, g) in b.end_reasons.iter().enumerate() {
                assert!(
                    g.article
                        .contains(&format!("（{}）", CHINESE_DIGITS[i + 1])),
                    "{:?} {g:?}",
                    b.rule_set
                );
            }
        }
    }

    /// Order No. 121 Art. 25 ("对市场监督管理部门作出的终止调解决定、调解结果不服的，可以按照《中华
    /// 人民共和国消费者权益保护法》第三十九条规定，通过民事诉讼、仲裁等其他途径解决"); Order No. 20
    /// has no such article: the law's own ways are told, cited to the law alone.
    #[test]
    fn the_parties_rights_as_each_order_gives_them() {
        let order_121 = book(RuleSet::SamrOrder121);
        let ended = order_121.rights_words(true);
        assert!(ended.contains("对终止调解决定不服的"), "{ended}");
        assert!(
            ended.contains("（《投诉举报处理办法》第二十五条）"),
            "{ended}"
        );
        assert!(order_121.rights_words(false).contains("对调解结果不服的"));
        let order_20 = book(RuleSet::SamrOrder20).rights_words(true);
        assert!(!order_20.contains("第二十五条"), "{order_20}");
        assert!(order_20.contains("《中华人民共和国消费者权益保护法》第三十九条"));
        for way in CONSUMER_LAW_ART_39 {
            assert!(ended.contains(way) && order_20.contains(way), "{way}");
        }
    }

    const CHINESE_DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
}
