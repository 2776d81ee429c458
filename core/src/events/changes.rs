//! What a transaction changed, told to the app after it commits so it re-reads only the screen
//! it shows (`api::ChangeListener`).

use uuid::Uuid;

crate::wire_enum::wire_enum! {
    /// A part of the device's state an app screen shows.
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

/// The topics and cases touched, gathered over one or more transactions. A bit set and a short
/// list: every write carries one, and the library's size has a budget (a `BTreeSet` here cost
/// kilobytes of code in every exported call).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    topics: u16,
    cases: Vec<Uuid>,
}

impl Changes {
    pub fn add(&mut self, topics: &[Topic], case: Option<Uuid>) {
        for topic in topics {
            self.topics |= bit(*topic);
        }
        if let Some(case) = case.filter(|c| !self.cases.contains(c)) {
            self.cases.push(case);
        }
    }

    pub fn merge(&mut self, other: Changes) {
        self.topics |= other.topics;
        for case in other.cases {
            self.add(&[], Some(case));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.topics == 0
    }

    /// The topics, in `Topic::ALL`'s order.
    pub fn topics(&self) -> Vec<Topic> {
        Topic::ALL
            .iter()
            .copied()
            .filter(|t| self.topics & bit(*t) != 0)
            .collect()
    }

    /// The cases, in the order first touched.
    pub fn cases(&self) -> &[Uuid] {
        &self.cases
    }

    /// Every topic: after a rebuild of the projections, say.
    pub fn everything() -> Changes {
        let mut all = Changes::default();
        all.add(Topic::ALL, None);
        all
    }
}

// Every topic has its bit.
const _: () = assert!(Topic::ALL.len() <= 16);

fn bit(topic: Topic) -> u16 {
    1 << Topic::ALL.iter().position(|t| *t == topic).unwrap_or(0)
}
