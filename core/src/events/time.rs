//! The time an event records: the phone's wall time and the trusted time, with the trusted
//! time's source and uncertainty (`crate::time` computes them).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTime {
    /// The phone's wall clock, ms since the Unix epoch (UTC).
    pub wall_ms: i64,
    /// Best estimate of true time: `wall_ms + offset_ms`.
    pub trusted_ms: i64,
    pub offset_ms: i64,
    /// `Platform::monotonic_ms` when the event was made: detects wall-clock jumps between events.
    pub monotonic_ms: u64,
    /// How far `trusted_ms` may be off, when anchored (absent: the wall clock, unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty_ms: Option<u64>,
    /// What `trusted_ms` rests on (absent: the wall clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<TimeSource>,
}

crate::wire_enum::wire_enum! {
    /// What a trusted time rests on.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum TimeSource {
        Wall = "wall",
        Server = "server",
        Gnss = "gnss",
    }
}
