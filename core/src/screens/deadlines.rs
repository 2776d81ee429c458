//! Deadlines as the screens put them: a statutory clock ("剩余 2 个工作日", "今日到期",
//! "已超时 3 天") and a dispatch's on-site countdown ("剩余 12 分钟"), each with its urgency.

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::calendar::deadline::working_days_between;
use crate::clocks::{Clock, ClockKind, ClockState};
use crate::dispatch::{Dispatch, DispatchStep, projection::last_step};
use crate::error::Result;
use crate::time::beijing_date;

use super::words;

/// How pressing a deadline is; each app draws it as a colour of its theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum Urgency {
    /// Time enough, or nothing running.
    Calm,
    /// Within two working days, three quarters of the period used, or a dispatch under way.
    Soon,
    /// Due today; a dispatch with ten minutes or less to be on site.
    Due,
    /// Past due.
    Breached,
}

/// Working days left at which a clock turns `Soon`.
const SOON_WORKING_DAYS: u32 = 2;
/// Minutes left at which a dispatch's countdown turns `Due`.
const DISPATCH_DUE_MINUTES: i64 = 10;

/// A case's statutory clock as one line.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ClockLine {
    pub case_id: String,
    pub case_number: String,
    pub kind: ClockKind,
    /// 受理期限, 办结期限, …
    pub name: String,
    /// Where it stands: "剩余 2 个工作日", "今日到期", "已超时 3 天", "已暂停", …
    pub status: String,
    /// "12月10日 周四" (the due day), with "（暂按）" when the calendar lacks a day on the way.
    pub due: String,
    pub urgency: Urgency,
    pub article: String,
}

impl ClockLine {
    pub fn of(clock: &Clock, calendar: &Calendar, now_ms: i64) -> Result<ClockLine> {
        let today = beijing_date(now_ms)?;
        let due_day = NaiveDate::parse_from_str(&clock.due_date, "%Y-%m-%d").unwrap_or(today);
        let (status, urgency) = clock_status(clock, calendar, today, due_day);
        let provisional = if clock.provisional {
            "（暂按）"
        } else {
            ""
        };
        Ok(ClockLine {
            case_id: clock.case_id.clone(),
            case_number: clock.case_number.clone(),
            kind: clock.kind,
            name: clock.name.clone(),
            status,
            due: format!("{}{provisional}", words::day(due_day, today)),
            urgency,
            article: clock.article.clone(),
        })
    }
}

fn clock_status(
    clock: &Clock,
    calendar: &Calendar,
    today: NaiveDate,
    due_day: NaiveDate,
) -> (String, Urgency) {
    let late = || words::span(-clock.remaining_ms);
    match clock.state {
        ClockState::Paused => ("已暂停".into(), Urgency::Calm),
        ClockState::Met => ("按期完成".into(), Urgency::Calm),
        ClockState::Cancelled => ("已取消".into(), Urgency::Calm),
        ClockState::Breached if clock.stopped_at_ms.is_some() => {
            ("逾期完成".into(), Urgency::Breached)
        }
        ClockState::Breached => (format!("已超时 {}", late()), Urgency::Breached),
        ClockState::Running if clock.remaining_ms < 0 => {
            (format!("已超时 {}", late()), Urgency::Breached)
        }
        ClockState::Running if due_day <= today => ("今日到期".into(), Urgency::Due),
        ClockState::Running => running(clock, calendar, today, due_day),
    }
}

/// A running clock due after today: working days left when the calendar covers them, days
/// otherwise (said so).
fn running(
    clock: &Clock,
    calendar: &Calendar,
    today: NaiveDate,
    due_day: NaiveDate,
) -> (String, Urgency) {
    let (left, text) = match working_days_between(calendar, today, due_day) {
        Ok(n) => (n, format!("剩余 {n} 个工作日")),
        Err(_) => {
            let n = (due_day - today).num_days() as u32;
            (n, format!("剩余 {n} 天"))
        }
    };
    let urgency = if left <= SOON_WORKING_DAYS || clock.warning_percent >= 75 {
        Urgency::Soon
    } else {
        Urgency::Calm
    };
    (text, urgency)
}

/// The step a dispatch can take next, as its button.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DispatchAction {
    pub step: DispatchStep,
    pub label: String,
}

/// An open dispatch, as its card on Today.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DispatchCard {
    pub dispatch_id: String,
    pub case_id: String,
    pub case_number: String,
    /// The site as the centre described it, else its position; "未给出地点" without either.
    pub place: String,
    /// "城区 · 30 分钟内到场".
    pub target: String,
    /// "待确认", "在途", "已到场", …
    pub stage: String,
    /// "剩余 12 分钟", "已超时 3 分钟", "09:42 到场，用时 22 分钟".
    pub countdown: String,
    pub urgency: Urgency,
    /// Arrival was proven by the trip's fixes, not confirmed by hand.
    pub arrival_detected: bool,
    pub next: Option<DispatchAction>,
}

impl DispatchCard {
    pub fn of(d: &Dispatch, case_number: String, now_ms: i64) -> DispatchCard {
        let step = last_step(d);
        let (countdown, urgency) = countdown(d, now_ms);
        DispatchCard {
            dispatch_id: d.id.clone(),
            case_id: d.case_id.clone(),
            case_number,
            place: place(d),
            target: words::dispatch_target(d.area, d.target_minutes),
            stage: words::dispatch_stage(step).into(),
            countdown,
            urgency,
            arrival_detected: d.arrival_detected,
            next: next_step(step).map(|step| DispatchAction {
                step,
                label: words::dispatch_action(step).into(),
            }),
        }
    }
}

fn countdown(d: &Dispatch, now_ms: i64) -> (String, Urgency) {
    let deadline = d.on_scene_deadline_ms;
    match d.on_scene_at_ms {
        Some(at) => {
            let took = words::span(at - d.dispatched_at_ms);
            let urgency = if at > deadline {
                Urgency::Breached
            } else {
                Urgency::Calm
            };
            (
                format!("{} 到场，用时 {took}", words::clock_time(at)),
                urgency,
            )
        }
        None if now_ms > deadline => (
            format!("已超时 {}", words::span(now_ms - deadline)),
            Urgency::Breached,
        ),
        None => {
            let left = deadline - now_ms;
            let urgency = if left <= DISPATCH_DUE_MINUTES * 60_000 {
                Urgency::Due
            } else {
                Urgency::Soon
            };
            (format!("剩余 {}", words::span(left)), urgency)
        }
    }
}

fn place(d: &Dispatch) -> String {
    match (&d.site_text, &d.site) {
        (Some(text), _) if !text.trim().is_empty() => text.clone(),
        (_, Some(p)) => format!("{:.5}, {:.5}", p.latitude, p.longitude),
        _ => "未给出地点".into(),
    }
}

/// The step after `step`; none once cleared.
fn next_step(step: Option<DispatchStep>) -> Option<DispatchStep> {
    match step {
        None => Some(DispatchStep::Acknowledged),
        Some(DispatchStep::Acknowledged) => Some(DispatchStep::EnRoute),
        Some(DispatchStep::EnRoute) => Some(DispatchStep::OnScene),
        Some(DispatchStep::OnScene) => Some(DispatchStep::Cleared),
        Some(DispatchStep::Cleared) => None,
    }
}
