//! Today (今日): what the officer answers for now — open dispatches with their countdown, the
//! statutory clocks due or breached (most urgent first), open cases by state, the trip under
//! way, and where sync stands.

use crate::cases::CaseState;
use crate::cases::workflow::is_final;
use crate::device::Device;
use crate::error::Result;
use crate::sync::engine::Local;
use crate::sync::state::{self, Standing};
use crate::time::beijing_date;
use crate::trips::projection as trips;

use super::deadlines::{ClockLine, DispatchCard, Urgency};
use super::words;

/// How far ahead Today looks for clocks coming due: three days covers a weekend.
const CLOCKS_AHEAD_MS: i64 = 3 * 24 * 3_600_000;
/// Unsent work older than this makes the sync line urgent.
const SYNC_STALE_MS: i64 = 24 * 3_600_000;

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct TodayScreen {
    /// "12月8日 周二".
    pub date: String,
    /// The officer signed in; `None`: the app shows sign-in instead.
    pub officer: Option<String>,
    pub dispatches: Vec<DispatchCard>,
    /// Running clocks due within three days or breached, most urgent first.
    pub clocks: Vec<ClockLine>,
    /// Open cases (not in a final state) by state, in workflow order.
    pub open_cases: Vec<StateCount>,
    pub trip: Option<RunningTrip>,
    pub sync: SyncLine,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct StateCount {
    pub state: CaseState,
    /// "已受理".
    pub label: String,
    pub count: u32,
}

/// The trip under way.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct RunningTrip {
    pub trip_id: String,
    pub vehicle: String,
    /// "12.4 公里", over the fixes the filters keep.
    pub distance: String,
    /// "1 小时 5 分钟" since the start.
    pub duration: String,
    /// "09:05 出发".
    pub started: String,
}

/// Where sync with the centre stands.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SyncLine {
    pub enrolled: bool,
    /// "上次同步 今日 09:12", "尚未同步", "未注册到中心".
    pub last: String,
    /// "待上传 12 条记录、3 个文件", "已全部上传".
    pub waiting: String,
    pub events_waiting: u64,
    pub files_waiting: u32,
    /// `Due` when work has waited unsent for a day or more, `Soon` when some waits.
    pub urgency: Urgency,
}

pub fn today(device: &Device) -> Result<TodayScreen> {
    let now = device.now_ms()?;
    let conn = device.connection();
    let today = beijing_date(now)?;
    Ok(TodayScreen {
        date: format!(
            "{}月{}日 {}",
            today.format("%-m"),
            today.format("%-d"),
            words::weekday(today)
        ),
        officer: device.officer().map(|o| o.name.clone()),
        dispatches: dispatches(device, now)?,
        clocks: clocks(device, now)?,
        open_cases: crate::cases::projection::count_by_state(conn)?
            .into_iter()
            .filter(|(state, _)| !is_final(*state))
            .map(|(state, count)| StateCount {
                state,
                label: words::case_state(state).into(),
                count,
            })
            .collect(),
        trip: running_trip(device, now)?,
        sync: sync_line(device, now)?,
    })
}

fn dispatches(device: &Device, now: i64) -> Result<Vec<DispatchCard>> {
    let conn = device.connection();
    crate::dispatch::projection::open(conn, now)?
        .iter()
        .map(|d| {
            let number = crate::cases::projection::number_of(conn, &d.case_id)?;
            Ok(DispatchCard::of(d, number.unwrap_or_default(), now))
        })
        .collect()
}

fn clocks(device: &Device, now: i64) -> Result<Vec<ClockLine>> {
    let calendar = device.calendar()?;
    let mut lines = device
        .due_clocks(CLOCKS_AHEAD_MS)?
        .iter()
        .map(|c| ClockLine::of(c, &calendar, now))
        .collect::<Result<Vec<_>>>()?;
    // Most urgent first; within an urgency, the soonest due (the list came by due time).
    lines.sort_by_key(|l| std::cmp::Reverse(l.urgency));
    Ok(lines)
}

fn running_trip(device: &Device, now: i64) -> Result<Option<RunningTrip>> {
    let Some(id) = trips::running(device.connection())? else {
        return Ok(None);
    };
    let trip = trips::get(device.connection(), id)?;
    Ok(Some(RunningTrip {
        trip_id: trip.id,
        vehicle: trip.vehicle,
        distance: words::distance(trip.track.distance_m),
        duration: words::span(now - trip.started_at_ms),
        started: format!("{} 出发", words::clock_time(trip.started_at_ms)),
    }))
}

/// Where sync stands, as Today and the settings show it.
pub(crate) fn sync_line(device: &Device, now: i64) -> Result<SyncLine> {
    let Some(standing) = state::standing(device.connection())? else {
        return Ok(SyncLine {
            enrolled: false,
            last: "未注册到中心".into(),
            waiting: "注册后才能同步".into(),
            events_waiting: device.head().seq,
            files_waiting: 0,
            urgency: Urgency::Soon,
        });
    };
    let events = device.head().seq.saturating_sub(standing.acked_seq);
    let files = Local::unsent_blobs(device)?.len() as u32;
    Ok(SyncLine {
        enrolled: true,
        last: match standing.last_sync_ms {
            Some(at) => format!("上次同步 {}", words::day_and_time(at, now)),
            None => "尚未同步".into(),
        },
        waiting: waiting(events, files),
        events_waiting: events,
        files_waiting: files,
        urgency: sync_urgency(&standing, events + u64::from(files), now),
    })
}

fn waiting(events: u64, files: u32) -> String {
    match (events, files) {
        (0, 0) => "已全部上传".into(),
        (e, 0) => format!("待上传 {e} 条记录"),
        (0, f) => format!("待上传 {f} 个文件"),
        (e, f) => format!("待上传 {e} 条记录、{f} 个文件"),
    }
}

fn sync_urgency(standing: &Standing, waiting: u64, now: i64) -> Urgency {
    let since = standing.last_sync_ms.unwrap_or(standing.enrolled_at_ms);
    match waiting {
        0 => Urgency::Calm,
        _ if now - since >= SYNC_STALE_MS => Urgency::Due,
        _ => Urgency::Soon,
    }
}
