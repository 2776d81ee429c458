//! The registry of every body type the log holds: `Body`, one variant per type, and the reading
//! of a stored body by its type and version. Adding an event type is one line here (the body
//! itself, with its projection, lives in its capability's folder).

use serde_json::Value;
use uuid::Uuid;

use crate::calendar::years::CalendarYearLoaded;
use crate::cases::departments::DepartmentsLoaded;
use crate::cases::events::{CaseOpened, CaseStepTaken, PersonalDataPurged};
use crate::cases::supervision::SupervisionReceived;
use crate::centre::ServerEventApplied;
use crate::clocks::events::{ClockExtended, ClockPaused, ClockResumed, ClockStarted, ClockStopped};
use crate::clocks::extension::ExtensionRequested;
use crate::dispatch::areas::UrbanAreasLoaded;
use crate::dispatch::{DispatchAdvanced, Dispatched};
use crate::documents::events::{DocumentActed, DocumentOpened};
use crate::documents::notice::NoticeIssued;
use crate::events::{Entry, EventBody, Projection};
use crate::evidence::events::EvidenceCaptured;
use crate::evidence::prune::EvidenceOriginalPruned;
use crate::shift::{OfficerSignedIn, OfficerSignedOut};
use crate::time::{TimeAnchored, WallClockJumped};
use crate::trips::events::{FixesRecorded, TripEnded, TripStarted};
use crate::vault::Sealed;

/// Declares `Body`, one variant per body type, with dispatch to `EventBody`.
macro_rules! bodies {
    ($($name:ident),+ $(,)?) => {
        // Bodies live for one append or one replay step; boxing them would only add allocations.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Body {
            $($name($name)),+
        }

        impl Body {
            /// Reads a stored body of any known type and version.
            pub fn decode(event_type: &str, version: u32, body: Value) -> Result<Body, String> {
                match event_type {
                    $($name::TYPE => $name::read(version, body).map(Body::$name),)+
                    other => Err(format!("unknown event type {other:?}")),
                }
            }
        }

        impl Entry for Body {
            fn event_type(&self) -> &'static str {
                match self { $(Body::$name(_) => $name::TYPE),+ }
            }

            fn version(&self) -> u32 {
                match self { $(Body::$name(_) => $name::VERSION),+ }
            }

            fn case_id(&self) -> Option<Uuid> {
                match self { $(Body::$name(b) => EventBody::case_id(b)),+ }
            }

            fn personal_data(&self) -> Vec<Sealed> {
                match self { $(Body::$name(b) => EventBody::personal_data(b)),+ }
            }

            fn released_rows(&self) -> Vec<i64> {
                match self { $(Body::$name(b) => EventBody::released_rows(b)),+ }
            }

            fn topics(&self) -> &'static [crate::events::Topic] {
                match self { $(Body::$name(_) => $name::TOPICS),+ }
            }

            fn to_value(&self) -> Result<Value, String> {
                match self { $(Body::$name(b) => serde_json::to_value(b)),+ }
                    .map_err(|e| e.to_string())
            }

            fn project(&self, at: &Projection) -> crate::error::Result<()> {
                match self { $(Body::$name(b) => EventBody::project(b, at)),+ }
            }
        }

        $(impl From<$name> for Body {
            fn from(body: $name) -> Body {
                Body::$name(body)
            }
        })+
    };
}

bodies!(
    OfficerSignedIn,
    OfficerSignedOut,
    CaseOpened,
    CaseStepTaken,
    PersonalDataPurged,
    TripStarted,
    FixesRecorded,
    TripEnded,
    EvidenceCaptured,
    ClockPaused,
    ClockResumed,
    ClockExtended,
    Dispatched,
    DispatchAdvanced,
    TimeAnchored,
    WallClockJumped,
    ClockStarted,
    ClockStopped,
    DocumentOpened,
    DocumentActed,
    ServerEventApplied,
    SupervisionReceived,
    ExtensionRequested,
    EvidenceOriginalPruned,
    NoticeIssued,
    UrbanAreasLoaded,
    CalendarYearLoaded,
    DepartmentsLoaded,
);
