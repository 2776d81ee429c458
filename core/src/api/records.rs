//! Records the apps exchange with the core that are not domain records themselves (those, like
//! `Case` and `NewCase`, derive the UniFFI traits where they are defined).

use crate::events::verify;

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ChainReport {
    pub intact: bool,
    pub events: u64,
    pub personal_values: u64,
    pub purged_values: u64,
    /// The first seq at which the log is not what was signed.
    pub first_broken_seq: Option<u64>,
    pub problem: Option<String>,
}

impl From<verify::ChainReport> for ChainReport {
    fn from(r: verify::ChainReport) -> Self {
        ChainReport {
            intact: r.is_intact(),
            events: r.events,
            personal_values: r.personal_values,
            purged_values: r.purged_values,
            first_broken_seq: r.first_break.as_ref().map(|b| b.seq),
            problem: r.first_break.map(|b| b.reason),
        }
    }
}

/// A date counted in working days, and whether a day on the way had no calendar data (then it
/// was taken as the holidays measures' fixed rules give it, and the date changes once that
/// year's notice is loaded).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CountedDate {
    /// `YYYY-MM-DD`, Beijing date.
    pub date: String,
    pub provisional: bool,
}
