//! What a transaction changed, told to the app after it commits so it re-reads only the screen
//! it shows (`api::ChangeListener`).

use std::collections::BTreeSet;

use uuid::Uuid;

crate::wire_enum::wire_enum! {
    /// A part of the device's state an app screen shows.
    #[derive(PartialOrd, Ord)]
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum Topic {
        /// Who is signed in.
        Shift = "shift",
        /// Cases: their intake, state and parties.
        Cases = "cases",
        /// Statutory clocks: started, paused, stopped, extended.
        Clocks = "clocks",
        Trips = "trips",
        Evidence = "evidence",
        Dispatches = "dispatches",
        /// On-site documents and notices (mediation, records).
        Documents = "documents",
        /// Reference data: calendar years, urban areas, departments, roster, parameters.
        Reference = "reference",
        /// Trusted time's anchor.
        Time = "time",
        /// Sync with the centre: enrolment, what is sent and waiting.
        Sync = "sync",
    }
}

/// The topics and cases touched, gathered over one or more transactions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub topics: BTreeSet<Topic>,
    pub cases: BTreeSet<Uuid>,
}

impl Changes {
    pub fn add(&mut self, topics: &[Topic], case: Option<Uuid>) {
        self.topics.extend(topics.iter().copied());
        self.cases.extend(case);
    }

    pub fn merge(&mut self, other: Changes) {
        self.topics.extend(other.topics);
        self.cases.extend(other.cases);
    }

    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    /// Every topic: after a rebuild of the projections, say.
    pub fn everything() -> Changes {
        Changes {
            topics: Topic::ALL.iter().copied().collect(),
            cases: BTreeSet::new(),
        }
    }
}
