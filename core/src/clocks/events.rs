//! Marks on a statutory clock: paused for testing or appraisal (the time is excluded), resumed,
//! and extended with a supervisor's approval. The clock's state is derived from them when read.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clocks::ClockKind;
use crate::error::Result;
use crate::events::{Envelope, EventBody, Projection};
use crate::wire_enum::wire_enum;

wire_enum! {
    /// Why a clock stands still (鉴定 / 检测): that time is excluded by law.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum PauseReason {
        Testing = "testing",
        Appraisal = "appraisal",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockPaused {
    pub case_id: Uuid,
    pub clock: ClockKind,
    pub reason: PauseReason,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockResumed {
    pub case_id: Uuid,
    pub clock: ClockKind,
}

/// Approved by the event's actor, who was signed in as a supervisor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockExtended {
    pub case_id: Uuid,
    pub clock: ClockKind,
}

/// Starts a clock no workflow step starts (a violation found in mediation, a penalty case
/// filed, a jurisdiction dispute, evidence preserved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockStarted {
    pub case_id: Uuid,
    pub clock: ClockKind,
}

/// Stops such a clock: the act it counts down to is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockStopped {
    pub case_id: Uuid,
    pub clock: ClockKind,
}

/// The clocks officers start and stop by hand.
pub const STARTED_BY_HAND: [ClockKind; 4] = [
    ClockKind::ViolationCheck,
    ClockKind::PenaltyCase,
    ClockKind::Jurisdiction,
    ClockKind::EvidencePreservation,
];

macro_rules! clock_body {
    ($name:ident, $mark:literal) => {
        impl EventBody for $name {
            const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Clocks];
            const TYPE: &'static str = stringify!($name);
            const VERSION: u32 = 1;

            fn project(&self, at: &Projection) -> Result<()> {
                mark(at.conn, at.event, self.case_id, self.clock, $mark)
            }

            fn case_id(&self) -> Option<Uuid> {
                Some(self.case_id)
            }
        }
    };
}

clock_body!(ClockPaused, "paused");
clock_body!(ClockResumed, "resumed");
clock_body!(ClockExtended, "extended");
clock_body!(ClockStarted, "started");
clock_body!(ClockStopped, "stopped");

fn mark(
    conn: &Connection,
    event: &Envelope,
    case_id: Uuid,
    clock: ClockKind,
    mark: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO clock_marks (case_id, seq, clock, mark, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        case_id.to_string(),
        event.seq as i64,
        clock.as_str(),
        mark,
        event.time.trusted_ms
    ])?;
    Ok(())
}
