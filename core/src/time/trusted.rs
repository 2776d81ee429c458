//! Trusted time. The phone's wall clock can be wrong or changed; the monotonic clock
//! (`Platform::monotonic_ms`) never jumps but has no epoch. An **anchor** ties the two: a true
//! time at a monotonic reading, from the server (offset by the round trip's midpoint,
//! uncertainty half the round trip) or from GNSS (a `gps` fix carrying its monotonic stamp).
//! Trusted time is the anchor carried forward on the monotonic clock, its uncertainty growing
//! by `DRIFT_PPM`; without an anchor, or after a reboot (the monotonic clock restarts), it is
//! the wall clock, uncertainty unknown. A wall clock that moves against the monotonic clock by
//! more than `JUMP_MS` between two events is recorded as a `WallClockJumped` event.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::events::EventTime;
use crate::events::{EventBody, Projection};
use crate::store::to_json;

/// How fast an anchor ages: 100 parts per million of the monotonic time since (a phone's crystal
/// is good to tens of ppm).
pub const DRIFT_PPM: u64 = 100;
/// A wall-clock change larger than this between events is a jump, recorded.
pub const JUMP_MS: i64 = 60_000;
/// GNSS time at a fix's monotonic stamp: good to this (delivery latency).
pub const GNSS_UNCERTAINTY_MS: u64 = 100;
/// A new anchor is recorded only if it narrows the uncertainty by more than this: GNSS fixes
/// arrive every few seconds, and the log should not gain an event for each.
pub const ANCHOR_MARGIN_MS: u64 = 1_000;
/// A server round trip longer than this says nothing useful about the time.
pub const MAX_ROUND_TRIP_MS: u64 = 60_000;

pub use crate::events::TimeSource;

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["time_anchor"],
    kept: &[],
};

/// A true time at a monotonic reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    pub source: TimeSource,
    pub monotonic_ms: u64,
    pub true_ms: i64,
    pub uncertainty_ms: u64,
}

impl Anchor {
    /// The anchor's uncertainty carried to `monotonic_ms`; `None` before it (a reboot).
    pub fn uncertainty_at(&self, monotonic_ms: u64) -> Option<u64> {
        let since = monotonic_ms.checked_sub(self.monotonic_ms)?;
        Some(self.uncertainty_ms + (since * DRIFT_PPM).div_ceil(1_000_000))
    }
}

/// The time of an event made now.
pub fn event_time(wall_ms: i64, monotonic_ms: u64, anchor: Option<&Anchor>) -> EventTime {
    let carried = anchor.and_then(|a| {
        let uncertainty = a.uncertainty_at(monotonic_ms)?;
        let since = (monotonic_ms - a.monotonic_ms) as i64;
        Some((a.true_ms + since, uncertainty, a.source))
    });
    let (trusted_ms, uncertainty_ms, source) = match carried {
        Some((t, u, s)) => (t, Some(u), Some(s)),
        None => (wall_ms, None, None),
    };
    EventTime {
        wall_ms,
        trusted_ms,
        offset_ms: trusted_ms - wall_ms,
        monotonic_ms,
        uncertainty_ms,
        source,
    }
}

/// A server time sample: sent and received on the monotonic clock, the server's time in the
/// response. The server read its clock somewhere in the round trip: the midpoint, ± half.
pub fn server_anchor(sent_ms: u64, received_ms: u64, server_ms: i64) -> Result<Anchor> {
    let round_trip = received_ms
        .checked_sub(sent_ms)
        .ok_or_else(|| Error::invalid("received_monotonic_ms", "is before the request was sent"))?;
    if round_trip > MAX_ROUND_TRIP_MS {
        return Err(Error::invalid(
            "received_monotonic_ms",
            format!("a {round_trip} ms round trip says too little about the time"),
        ));
    }
    Ok(Anchor {
        source: TimeSource::Server,
        monotonic_ms: sent_ms + round_trip / 2,
        true_ms: server_ms,
        uncertainty_ms: round_trip.div_ceil(2),
    })
}

/// `candidate`, if it improves on the anchor in force at the monotonic reading `now`. An anchor
/// from before a reboot (ahead of the monotonic clock) no longer counts.
pub fn better_anchor(
    conn: &Connection,
    candidate: Option<Anchor>,
    now: u64,
) -> Result<Option<Anchor>> {
    let Some(candidate) = candidate else {
        return Ok(None);
    };
    let current = anchor(conn)?.filter(|a| a.uncertainty_at(now).is_some());
    Ok(improves(current.as_ref(), &candidate).then_some(candidate))
}

/// Whether `candidate` is better than the anchor in force by more than `ANCHOR_MARGIN_MS`, both
/// carried to the later of the two.
pub fn improves(current: Option<&Anchor>, candidate: &Anchor) -> bool {
    let Some(current) = current else {
        return true;
    };
    let later = current.monotonic_ms.max(candidate.monotonic_ms);
    match (
        candidate.uncertainty_at(later),
        current.uncertainty_at(later),
    ) {
        (Some(new), Some(old)) => new + ANCHOR_MARGIN_MS < old,
        _ => false,
    }
}

/// Whether the wall clock moved against the monotonic clock since the last event: the jump, in
/// ms (positive: set forward), and whether the monotonic clock restarted (a reboot).
pub fn jump(last: &EventTime, wall_ms: i64, monotonic_ms: u64) -> Option<WallClockJumped> {
    let rebooted = monotonic_ms < last.monotonic_ms;
    let expected = if rebooted {
        0
    } else {
        (monotonic_ms - last.monotonic_ms) as i64
    };
    let by_ms = (wall_ms - last.wall_ms) - expected;
    (rebooted || by_ms.abs() > JUMP_MS).then_some(WallClockJumped {
        by_ms: if rebooted { 0 } else { by_ms },
        wall_before_ms: last.wall_ms,
        wall_after_ms: wall_ms,
        monotonic_reset: rebooted,
    })
}

/// A new anchor for trusted time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeAnchored {
    pub anchor: Anchor,
}

impl EventBody for TimeAnchored {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Time];
    const TYPE: &'static str = "TimeAnchored";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        project_anchored(at.conn, self)
    }
}

/// The wall clock moved against the monotonic clock (set by hand, a time zone mistake), or the
/// monotonic clock restarted (a reboot: the anchor no longer applies).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WallClockJumped {
    /// Positive: set forward; 0 after a reboot (unknown).
    pub by_ms: i64,
    pub wall_before_ms: i64,
    pub wall_after_ms: i64,
    pub monotonic_reset: bool,
}

impl EventBody for WallClockJumped {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Time];
    const TYPE: &'static str = "WallClockJumped";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        project_jumped(at.conn, self)
    }
}

pub fn project_anchored(conn: &Connection, body: &TimeAnchored) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO time_anchor (singleton, anchor) VALUES (1, ?1)",
        params![to_json(&body.anchor)?],
    )?;
    Ok(())
}

pub fn project_jumped(conn: &Connection, body: &WallClockJumped) -> Result<()> {
    if body.monotonic_reset {
        conn.execute("DELETE FROM time_anchor", [])?;
    }
    Ok(())
}

/// The anchor in force, if any.
pub fn anchor(conn: &Connection) -> Result<Option<Anchor>> {
    let json: Option<String> = conn
        .query_row("SELECT anchor FROM time_anchor", [], |r| r.get(0))
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| Error::damaged("time_anchor", e.to_string())))
        .transpose()
}

/// What the apps see of trusted time now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct TrustedTime {
    pub trusted_ms: i64,
    pub wall_ms: i64,
    /// `trusted_ms − wall_ms`.
    pub offset_ms: i64,
    pub uncertainty_ms: Option<u64>,
    pub source: TimeSource,
}

impl From<EventTime> for TrustedTime {
    fn from(t: EventTime) -> Self {
        TrustedTime {
            trusted_ms: t.trusted_ms,
            wall_ms: t.wall_ms,
            offset_ms: t.offset_ms,
            uncertainty_ms: t.uncertainty_ms,
            source: t.source.unwrap_or(TimeSource::Wall),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_sample_is_the_round_trip_midpoint_and_ages_with_drift() {
        let anchor = server_anchor(10_000, 10_400, 1_800_000_000_000).unwrap();
        assert_eq!((anchor.monotonic_ms, anchor.uncertainty_ms), (10_200, 200));
        // An hour later on the monotonic clock, whatever the wall clock says.
        let t = event_time(1_700_000_000_000, 10_200 + 3_600_000, Some(&anchor));
        assert_eq!(t.trusted_ms, 1_800_000_000_000 + 3_600_000);
        assert_eq!(t.uncertainty_ms, Some(200 + 360));
        assert_eq!(t.source, Some(TimeSource::Server));
        // Before the anchor's monotonic reading: a reboot, the wall clock again.
        let rebooted = event_time(1_700_000_000_000, 5, Some(&anchor));
        assert_eq!(
            (rebooted.trusted_ms, rebooted.uncertainty_ms),
            (1_700_000_000_000, None)
        );
        assert!(server_anchor(10_000, 9_000, 0).is_err());
        assert!(server_anchor(0, MAX_ROUND_TRIP_MS + 1, 0).is_err());
        // A 10 s round trip, then a 100 ms one: better by far. A 400 ms one: not enough.
        let poor = server_anchor(0, 10_000, 1_799_999_995_000).unwrap();
        let better = server_anchor(20_000, 20_100, 1_800_000_010_000).unwrap();
        assert!(improves(Some(&poor), &better));
        assert!(!improves(Some(&better), &poor));
        assert!(!improves(
            Some(&better),
            &server_anchor(30_000, 30_400, 0).unwrap()
        ));
    }

    #[test]
    fn a_wall_clock_set_back_is_a_jump_and_a_reboot_too() {
        let last = event_time(1_800_000_000_000, 1_000_000, None);
        assert_eq!(jump(&last, 1_800_000_030_000, 1_030_000), None);
        let back = jump(&last, 1_800_000_030_000 - 3_600_000, 1_030_000).unwrap();
        assert_eq!(back.by_ms, -3_600_000);
        assert!(!back.monotonic_reset);
        assert!(jump(&last, 1_800_000_100_000, 500).unwrap().monotonic_reset);
    }
}
