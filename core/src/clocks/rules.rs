//! A clock's rule under a rule set. The tables are the rule sets' own (`rulebook`), where
//! every limit, extension, pause and article is data.

use crate::cases::RuleSet;
use crate::error::{Error, Result};
pub use crate::rulebook::{ClockKind, ClockRule, Period};

/// Every clock of a rule set.
pub fn rules(rule_set: RuleSet) -> &'static [ClockRule] {
    crate::rulebook::book(rule_set).clocks
}

/// The rule of one clock under a rule set; a clock the rule set does not have is an error
/// (the reporter notice exists under Order No. 20 only).
pub fn rule(rule_set: RuleSet, kind: ClockKind) -> Result<&'static ClockRule> {
    let book = crate::rulebook::book(rule_set);
    book.clock(kind).ok_or_else(|| {
        Error::invalid(
            "clock",
            format!("{} has no {kind} clock ({})", book.short, kind.name()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::deadline::Unit::{CalendarDays, WorkingDays};

    #[test]
    fn every_clock_has_a_rule_in_both_rule_sets_but_the_reporter_notice() {
        for rule_set in RuleSet::ALL {
            for kind in ClockKind::ALL {
                let has = rule(*rule_set, *kind).is_ok();
                let expected =
                    *kind != ClockKind::ReporterNotice || *rule_set == RuleSet::SamrOrder20;
                assert_eq!(has, expected, "{rule_set} {kind}");
            }
        }
        // Order No. 20 Art. 21(5): 45 working days; Order No. 121 Art. 23(5): 60 days.
        assert_eq!(
            rule(RuleSet::SamrOrder20, ClockKind::Mediation)
                .unwrap()
                .period,
            Period::Days(45, WorkingDays)
        );
        assert_eq!(
            rule(RuleSet::SamrOrder121, ClockKind::Mediation)
                .unwrap()
                .period,
            Period::Days(60, CalendarDays)
        );
    }

    /// Order No. 20 Art. 20 ("检定、检验、检测、鉴定所需时间不计算在调解期限内") and Order
    /// No. 121 Art. 22 ("鉴定、检测所需时间不计算在调解期限内"): both mediation clocks pause.
    #[test]
    fn testing_pauses_mediation_under_both_orders() {
        for rule_set in RuleSet::ALL {
            assert!(rule(*rule_set, ClockKind::Mediation).unwrap().pausable);
        }
    }

    /// Each clock cites its own order's article: Order No. 20 Arts. 14, 21, 23, 30, 15(4).
    #[test]
    fn each_order_cites_its_own_articles() {
        let cited = |rule_set, kind| rule(rule_set, kind).unwrap().article;
        use ClockKind::*;
        for (kind, article_20, article_121) in [
            (Accept, "第十四条", "第十五条"),
            (EndNotice, "第二十一条第二款", "第二十三条第二款"),
            (ViolationCheck, "第二十三条", "第二十七条"),
            (Jurisdiction, "第三十条", "第三十三条"),
            (Limitation, "第十五条第（四）项", "第十六条第（四）项"),
        ] {
            assert_eq!(
                cited(RuleSet::SamrOrder20, kind),
                format!("《投诉举报处理暂行办法》{article_20}")
            );
            assert_eq!(
                cited(RuleSet::SamrOrder121, kind),
                format!("《投诉举报处理办法》{article_121}")
            );
        }
    }
}
