//! The month's response figures (regulations.md, statistics): of the statutory clocks that
//! ended in the month — stopped in it, or running past a due day that fell in it — the share
//! met, per kind of clock; and the time from dispatch to arrival on scene, median and 90th
//! percentile (nearest rank), by area type, for dispatches made in the month.

use rusqlite::Connection;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::clock::beijing_month;
use crate::clocks::{ClockKind, ClockState, state};
use crate::dispatch::{AreaType, projection as dispatches};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize, uniffi::Record)]
pub struct OnTime {
    pub kind: ClockKind,
    pub ended: u64,
    pub met: u64,
    /// `met / ended`, or none when nothing ended.
    pub share_met: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, uniffi::Record)]
pub struct OnScene {
    pub area: AreaType,
    pub dispatches: u64,
    pub arrived: u64,
    pub met: u64,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, uniffi::Record)]
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
    let in_month = |ms: i64| (from..to).contains(&ms);
    let mut on_time: Vec<OnTime> = ClockKind::ALL
        .iter()
        .filter(|k| **k != ClockKind::OnScene)
        .map(|&kind| OnTime {
            kind,
            ended: 0,
            met: 0,
            share_met: None,
        })
        .collect();
    for id in case_ids(conn)? {
        for clock in state::of_case(conn, calendar, &id, now_ms)? {
            let ended = match (clock.stopped_at_ms, clock.state) {
                (Some(at), ClockState::Met | ClockState::Breached) => in_month(at),
                (None, ClockState::Breached) => in_month(clock.due_at_ms),
                _ => false,
            };
            if !ended {
                continue;
            }
            if let Some(row) = on_time.iter_mut().find(|r| r.kind == clock.kind) {
                row.ended += 1;
                row.met += u64::from(clock.state == ClockState::Met);
                row.share_met = Some(row.met as f64 / row.ended as f64);
            }
        }
    }
    let made = dispatches::made_between(conn, from, to, now_ms)?;
    let on_scene = AreaType::ALL
        .iter()
        .map(|area| {
            let of_area: Vec<_> = made.iter().filter(|d| d.area == *area).collect();
            let mut minutes: Vec<f64> = of_area
                .iter()
                .filter_map(|d| {
                    d.on_scene_at_ms
                        .map(|at| (at - d.dispatched_at_ms) as f64 / 60_000.0)
                })
                .collect();
            minutes.sort_by(f64::total_cmp);
            OnScene {
                area: *area,
                dispatches: of_area.len() as u64,
                arrived: minutes.len() as u64,
                met: of_area
                    .iter()
                    .filter(|d| d.on_scene_state == ClockState::Met)
                    .count() as u64,
                median_minutes: nearest_rank(&minutes, 50),
                p90_minutes: nearest_rank(&minutes, 90),
            }
        })
        .collect();
    Ok(ClockReport {
        month: month.trim().to_string(),
        on_time,
        on_scene,
    })
}

/// The nearest-rank percentile of sorted values.
fn nearest_rank(sorted: &[f64], percent: usize) -> Option<f64> {
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

fn case_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM cases WHERE kind != 'consultation'")?;
    Ok(stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&ten, 50), Some(5.0));
        assert_eq!(nearest_rank(&ten, 90), Some(9.0));
        assert_eq!(nearest_rank(&[7.0], 90), Some(7.0));
        assert_eq!(nearest_rank(&[], 50), None);
    }
}
