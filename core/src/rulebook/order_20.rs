//! SAMR Order No. 20, 《市场监督管理投诉举报处理暂行办法》 (2019, amended 2022-03-24; repealed
//! 2026-04-15): `../shared/law/order-20-2022.md`. Its own numbers, grounds and reasons, and
//! its own clocks: the mediation period is 45 working days and pauses for 检定、检验、检测、
//! 鉴定 (Art. 20); a named reporter is told within 5 working days whether a case was opened
//! (Art. 31).

use super::clocks::{EVIDENCE_PRESERVATION, ON_SCENE, PENALTY_CASE, days};
use super::{
    Articles, ClockKind::*, ClockRule, DeclineReason, EndReason, Ground, RuleBook, RuleSet, ground,
};
use crate::calendar::deadline::Unit::{WorkingDays, Years};

const CLOCKS: [ClockRule; 11] = [
    days(
        Accept,
        (7, WorkingDays),
        None,
        false,
        (
            "收到投诉",
            "作出受理或者不予受理决定（或分送、移交）",
            "《投诉举报处理暂行办法》第十四条",
        ),
    ),
    // Art. 20: 检定、检验、检测、鉴定所需时间不计算在调解期限内.
    days(
        Mediation,
        (45, WorkingDays),
        None,
        true,
        (
            "受理投诉",
            "达成调解协议或者终止调解",
            "《投诉举报处理暂行办法》第二十条、第二十一条第一款第（五）项",
        ),
    ),
    days(
        EndNotice,
        (7, WorkingDays),
        None,
        false,
        (
            "作出终止调解决定",
            "告知投诉人和被投诉人",
            "《投诉举报处理暂行办法》第二十一条第二款",
        ),
    ),
    // Art. 23: 特殊情况下，核查时限可以延长十五个工作日.
    days(
        ViolationCheck,
        (15, WorkingDays),
        Some(15),
        false,
        (
            "调解中发现涉嫌违法线索",
            "核查完毕",
            "《投诉举报处理暂行办法》第二十三条",
        ),
    ),
    days(
        ReportDecision,
        (15, WorkingDays),
        Some(15),
        true,
        (
            "收到举报",
            "决定立案或者不予立案",
            "《投诉举报处理暂行办法》第三十一条第一款；《市场监督管理行政处罚程序规定》第十八条",
        ),
    ),
    // Art. 31(2): 举报人实名举报的 … 自作出是否立案决定之日起五个工作日内告知举报人.
    days(
        ReporterNotice,
        (5, WorkingDays),
        None,
        false,
        (
            "对实名举报作出是否立案决定",
            "告知举报人（办结）",
            "《投诉举报处理暂行办法》第三十一条第二款",
        ),
    ),
    PENALTY_CASE,
    days(
        Jurisdiction,
        (7, WorkingDays),
        None,
        false,
        (
            "发生管辖争议",
            "协商一致或者报请共同的上一级部门指定",
            "《投诉举报处理暂行办法》第三十条",
        ),
    ),
    EVIDENCE_PRESERVATION,
    days(
        Limitation,
        (3, Years),
        None,
        false,
        (
            "知道或者应当知道权益受到侵害",
            "收到投诉",
            "《投诉举报处理暂行办法》第十五条第（四）项",
        ),
    ),
    ON_SCENE,
];

const DECLINE_GROUNDS: [Ground<DeclineReason>; 6] = [
    ground(
        DeclineReason::OutsideRemit,
        "第十五条第（一）项",
        "投诉事项不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
    ),
    ground(
        DeclineReason::HandledElsewhere,
        "第十五条第（二）项",
        "法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会或者依法成立的其他调解组织已经受理或者处理过同一消费者权益争议",
    ),
    ground(
        DeclineReason::NotConsumerDispute,
        "第十五条第（三）项",
        "不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者权益争议",
    ),
    ground(
        DeclineReason::TimeBarred,
        "第十五条第（四）项",
        "投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
    ),
    ground(
        DeclineReason::MaterialsMissing,
        "第十五条第（五）项",
        "未提供本办法第九条第一款和第十条规定的材料",
    ),
    ground(
        DeclineReason::OtherLegalGround,
        "第十五条第（六）项",
        "法律、法规、规章规定不予受理的其他情形",
    ),
];

const END_REASONS: [Ground<EndReason>; 7] = [
    ground(
        EndReason::WithdrawnOrSettled,
        "第二十一条第一款第（一）项",
        "投诉人撤回投诉或者双方自行和解",
    ),
    ground(
        EndReason::AppraisalCostDisputed,
        "第二十一条第一款第（二）项",
        "投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
    ),
    ground(
        EndReason::PartyAbsentOrRefuses,
        "第二十一条第一款第（三）项",
        "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
    ),
    ground(
        EndReason::NoAgreementPossible,
        "第二十一条第一款第（四）项",
        "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
    ),
    ground(
        EndReason::TimeRanOut,
        "第二十一条第一款第（五）项",
        "自投诉受理之日起四十五个工作日内投诉人和被投诉人未能达成调解协议",
    ),
    ground(
        EndReason::GroundForRefusalOrFraud,
        "第二十一条第一款第（六）项",
        "市场监督管理部门受理投诉后，发现存在本办法第十五条规定情形",
    ),
    ground(
        EndReason::OtherLegalGround,
        "第二十一条第一款第（七）项",
        "法律、法规、规章规定的应当终止调解的其他情形",
    ),
];

pub(super) const BOOK: RuleBook = RuleBook {
    rule_set: RuleSet::SamrOrder20,
    title: "《市场监督管理投诉举报处理暂行办法》（国家市场监督管理总局令第20号，2022年修改）",
    short: "《投诉举报处理暂行办法》",
    order: "国家市场监督管理总局令第20号",
    clocks: &CLOCKS,
    decline_grounds: &DECLINE_GROUNDS,
    end_reasons: &END_REASONS,
    articles: Articles {
        decision: "第十四条",
        decline_grounds: "第十五条",
        mediation_modes: "第十八条",
        testing_excluded: "第二十条",
        end_reasons: "第二十一条",
        agreement_document: "第二十二条",
        rights: None,
    },
    testing: "检定、检验、检测、鉴定",
};
