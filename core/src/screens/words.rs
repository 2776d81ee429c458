//! The words the screens show, in Chinese and Beijing time, written once for both apps: an
//! Android and an iOS phone never put a deadline or a sum differently.

use chrono::{DateTime, Datelike, NaiveDate};

use crate::cases::{CaseKind, CaseState, Channel, DemandKind, ProofKind};
use crate::dispatch::{AreaType, DispatchStep};
use crate::documents::model::DocumentStatus;
use crate::evidence::EvidenceKind;
use crate::time::BEIJING;
use crate::trips::Purpose;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// "09:05", Beijing time.
pub fn clock_time(ms: i64) -> String {
    beijing(ms).map_or_else(String::new, |t| t.format("%H:%M").to_string())
}

/// A day as an officer says it, seen from `today`: "今日", "明日", "昨日", "12月9日 周三", and
/// with the year when it is not this year's.
pub fn day(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0 => "今日".into(),
        1 => "明日".into(),
        -1 => "昨日".into(),
        _ if date.year() == today.year() => {
            format!("{}月{}日 {}", date.month(), date.day(), weekday(date))
        }
        _ => full_date(date),
    }
}

/// "今日 17:00", "12月9日 周三 09:30".
pub fn day_and_time(ms: i64, now_ms: i64) -> String {
    match (beijing(ms), beijing(now_ms)) {
        (Some(t), Some(now)) => format!(
            "{} {}",
            day(t.date_naive(), now.date_naive()),
            t.format("%H:%M")
        ),
        _ => String::new(),
    }
}

/// "2026年12月8日".
pub fn full_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// "周一" … "周日".
pub fn weekday(date: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [date.weekday().num_days_from_monday() as usize]
}

/// A span of time, rounded down to what matters at its size: "45 秒" under a minute, "12 分钟",
/// "1 小时 5 分钟", "3 天 4 小时" from a day.
pub fn span(ms: i64) -> String {
    let ms = ms.max(0);
    match ms {
        _ if ms < MINUTE_MS => format!("{} 秒", ms / 1000),
        _ if ms < HOUR_MS => format!("{} 分钟", ms / MINUTE_MS),
        _ if ms < DAY_MS => with_rest(ms / HOUR_MS, "小时", ms % HOUR_MS / MINUTE_MS, "分钟"),
        _ => with_rest(ms / DAY_MS, "天", ms % DAY_MS / HOUR_MS, "小时"),
    }
}

fn with_rest(whole: i64, unit: &str, rest: i64, rest_unit: &str) -> String {
    match rest {
        0 => format!("{whole} {unit}"),
        _ => format!("{whole} {unit} {rest} {rest_unit}"),
    }
}

/// A distance driven: "850 米" under a kilometre, "12.4 公里" from one.
pub fn distance(metres: f64) -> String {
    if !metres.is_finite() || metres < 0.0 {
        return "—".into();
    }
    if metres < 1000.0 {
        format!("{} 米", metres.round() as i64)
    } else {
        format!("{:.1} 公里", metres / 1000.0)
    }
}

/// A sum of money in 分 (fen): "¥59.80", "-¥3.00".
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}¥{}.{:02}", fen / 100, fen % 100)
}

/// Who brought a case and against whom: "王芳 — 长沙市某某超市"; "匿名" for a case that names
/// nobody (an anonymous report or consultation, or one whose personal data was purged).
pub fn parties(complainant: Option<&str>, respondent: Option<&str>) -> String {
    let who = complainant.unwrap_or("匿名");
    match respondent {
        Some(business) => format!("{who} — {business}"),
        None => who.to_string(),
    }
}

/// Why a vehicle went out: 巡查, 处置派单, 走访服务站, 其他.
pub fn trip_purpose(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Patrol => "巡查",
        Purpose::Dispatch => "处置派单",
        Purpose::StationVisit => "走访服务站",
        Purpose::Other => "其他",
    }
}

/// 咨询, 投诉, 举报.
pub fn case_kind(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Consultation => "咨询",
        CaseKind::Complaint => "投诉",
        CaseKind::Report => "举报",
    }
}

/// A case's state as the officers' forms name it.
pub fn case_state(state: CaseState) -> &'static str {
    match state {
        CaseState::Received => "已登记",
        CaseState::Accepted => "已受理",
        CaseState::Declined => "不予受理",
        CaseState::Forwarded => "已转辖区",
        CaseState::Referred => "已移送",
        CaseState::Mediating => "调解中",
        CaseState::Agreed => "调解成功",
        CaseState::NotAgreed => "调解终止",
        CaseState::Verifying => "核查中",
        CaseState::Filed => "已立案",
        CaseState::NotFiled => "不予立案",
        CaseState::Closed => "已办结",
        CaseState::FollowedUp => "已回访",
        CaseState::NotHandledAgain => "不再另行处理",
        CaseState::Merged => "合并处理",
    }
}

/// How the matter reached the centre.
pub fn channel(c: Channel) -> &'static str {
    match c {
        Channel::VehicleWalkIn => "流动维权车现场",
        Channel::Hotline => "12315 热线",
        Channel::NationalPlatform => "全国 12315 平台",
        Channel::ServiceStation => "维权服务站",
        Channel::Letter => "来信",
    }
}

/// What a complainant asks for.
pub fn demand(d: DemandKind) -> &'static str {
    match d {
        DemandKind::Repair => "修理",
        DemandKind::Redo => "重作",
        DemandKind::Replace => "更换",
        DemandKind::Return => "退货",
        DemandKind::MakeUpQuantity => "补足数量",
        DemandKind::Refund => "退款",
        DemandKind::Compensation => "赔偿",
        DemandKind::Other => "其他",
    }
}

/// What proves a purchase.
pub fn proof(p: ProofKind) -> &'static str {
    match p {
        ProofKind::Receipt => "购物凭证或发票",
        ProofKind::OrderNumber => "订单号",
        ProofKind::PaymentRecord => "支付记录",
        ProofKind::NoProof => "无凭证",
    }
}

/// A workflow step, by the name `Step` spells it, as the forms call it.
pub fn step(name: &str) -> &'static str {
    match name {
        "accept" => "受理",
        "decline" => "不予受理",
        "forward" => "告知向有管辖权的部门投诉",
        "refer" => "移送其他部门",
        "start_mediation" => "开始调解",
        "end_mediation" => "结束调解",
        "start_verification" => "开始核查",
        "decide_report" => "立案决定",
        "close" => "办结",
        "follow_up" => "回访",
        "mark_repeated" => "不再另行处理",
        "merge_into" => "合并处理",
        "report_merged" => "合并了后来的举报",
        _ => "其他",
    }
}

/// 现场, 商品, 票据, …
pub fn evidence_kind(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::Scene => "现场",
        EvidenceKind::Goods => "商品",
        EvidenceKind::Receipt => "票据",
        EvidenceKind::Screenshot => "截图",
        EvidenceKind::Odometer => "里程表",
        EvidenceKind::Document => "文书",
        EvidenceKind::Recording => "录音录像",
        EvidenceKind::Other => "其他",
    }
}

/// Where an on-site document stands.
pub fn document_status(status: DocumentStatus) -> &'static str {
    match status {
        DocumentStatus::Open => "进行中",
        DocumentStatus::Suspended => "回避申请待决定",
        DocumentStatus::Paused => "中止（检测鉴定）",
        DocumentStatus::Concluded => "已签署完成",
        DocumentStatus::Ended => "调解终止",
    }
}

/// Where a dispatch stands once `step` is its furthest step (`None`: not acknowledged yet).
pub fn dispatch_stage(step: Option<DispatchStep>) -> &'static str {
    match step {
        None => "待确认",
        Some(DispatchStep::Acknowledged) => "已确认",
        Some(DispatchStep::EnRoute) => "在途",
        Some(DispatchStep::OnScene) => "已到场",
        Some(DispatchStep::Cleared) => "已处置",
    }
}

/// The button that takes a dispatch to `step`.
pub fn dispatch_action(step: DispatchStep) -> &'static str {
    match step {
        DispatchStep::Acknowledged => "确认接单",
        DispatchStep::EnRoute => "出发",
        DispatchStep::OnScene => "已到场",
        DispatchStep::Cleared => "处置完毕",
    }
}

/// 城区 or 偏远地区, with the time allowed to be on site: "城区 · 30 分钟内到场".
pub fn dispatch_target(area: AreaType, minutes: u32) -> String {
    let area = match area {
        AreaType::Urban => "城区",
        AreaType::Remote => "偏远地区",
        AreaType::Unknown => "区域未定（按城区）",
    };
    format!("{area} · {minutes} 分钟内到场")
}

fn beijing(ms: i64) -> Option<DateTime<chrono::FixedOffset>> {
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&BEIJING))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-08 (a Tuesday) 09:05 Beijing time.
    const NOW: i64 = 1_796_691_900_000;

    #[test]
    fn times_are_beijing_times_whatever_the_zone() {
        assert_eq!(clock_time(NOW), "09:05");
        assert_eq!(day_and_time(NOW + 8 * HOUR_MS, NOW), "今日 17:05");
        assert_eq!(day_and_time(NOW + 15 * HOUR_MS, NOW), "明日 00:05");
        assert_eq!(day_and_time(NOW - 10 * HOUR_MS, NOW), "昨日 23:05");
        assert_eq!(day_and_time(NOW + 2 * DAY_MS, NOW), "12月10日 周四 09:05");
    }

    #[test]
    fn days_far_off_carry_their_year() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let next_year = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        assert_eq!(day(next_year, today), "2027年1月4日");
        assert_eq!(weekday(today), "周二");
    }

    #[test]
    fn spans_round_down_to_what_matters() {
        assert_eq!(span(45_000), "45 秒");
        assert_eq!(span(12 * MINUTE_MS + 59_000), "12 分钟");
        assert_eq!(span(HOUR_MS), "1 小时");
        assert_eq!(span(HOUR_MS + 5 * MINUTE_MS), "1 小时 5 分钟");
        assert_eq!(
            span(3 * DAY_MS + 4 * HOUR_MS + 59 * MINUTE_MS),
            "3 天 4 小时"
        );
        assert_eq!(span(-5), "0 秒");
    }

    #[test]
    fn distances_and_money() {
        assert_eq!(distance(849.6), "850 米");
        assert_eq!(distance(12_449.0), "12.4 公里");
        assert_eq!(distance(f64::NAN), "—");
        assert_eq!(money(5980), "¥59.80");
        assert_eq!(money(-300), "-¥3.00");
        assert_eq!(money(7), "¥0.07");
    }

    #[test]
    fn every_state_has_its_word() {
        let words: std::collections::BTreeSet<_> =
            CaseState::ALL.iter().map(|s| case_state(*s)).collect();
        assert_eq!(
            words.len(),
            CaseState::ALL.len(),
            "no two states read alike"
        );
    }
}
