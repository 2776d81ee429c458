//! The month's response figures (regulations.md, statistics): of the statutory clocks that
//! ended in the month — stopped in it, or running past a due day that fell in it — the share
//! met, per kind of clock; and the time from dispatch to arrival on scene, median and 90th
//! percentile (nearest rank), by area type, for dispatches made in the month.

use rusqlite::Connection;
use serde::Serialize;

use super::{facts, figures};
use crate::calendar::Calendar;
use crate::clocks::ClockKind;
use crate::dispatch::AreaType;
use crate::error::Result;
use crate::time::beijing_month;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OnTime {
    pub kind: ClockKind,
    pub ended: u64,
    pub met: u64,
    /// `met / ended`, or none when nothing ended.
    pub share_met: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OnScene {
    pub area: AreaType,
    pub dispatches: u64,
    pub arrived: u64,
    pub met: u64,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ClockReport {
    pub month: String,
    pub on_time: Vec<OnTime>,
    pub on_scene: Vec<OnScene>,
}

pub fn month(
    conn: &Connection,
    calendar: &Calendar,
    month: &str,
    now_ms: i64,
) -> Result<ClockReport> {
    let (from, to) = beijing_month(month)?;
    let ended = facts::clock_facts(conn, calendar, now_ms)?;
    let made = facts::dispatch_facts(conn, from, to, now_ms)?;
    Ok(ClockReport {
        month: month.trim().to_string(),
        on_time: figures::on_time(ended.iter().filter(|c| (from..to).contains(&c.ended_at_ms))),
        on_scene: figures::on_scene(made.iter()),
    })
}
