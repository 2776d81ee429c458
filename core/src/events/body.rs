//! Event bodies. Each type has a name and a version; a body written by an older version is
//! upcast to the current one when it is read, so projections only ever see current bodies.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::cases::events::PersonalDataPurged;
use crate::cases::events::{CaseOpened, CaseStepTaken};
use crate::cases::supervision::SupervisionReceived;
use crate::clocks::events::{ClockExtended, ClockPaused, ClockResumed, ClockStarted, ClockStopped};
use crate::clocks::extension::ExtensionRequested;
use crate::dispatch::{DispatchAdvanced, Dispatched};
use crate::documents::events::{DocumentActed, DocumentOpened};
use crate::documents::notice::NoticeIssued;
use crate::evidence::care::EvidenceOriginalPruned;
use crate::evidence::events::EvidenceCaptured;
use crate::officer::{OfficerSignedIn, OfficerSignedOut};
use crate::sync::events::ServerEventApplied;
use crate::time::{TimeAnchored, WallClockJumped};
use crate::trips::events::{FixesRecorded, TripEnded, TripStarted};
use crate::vault::Sealed;

pub trait EventBody: Serialize + DeserializeOwned {
    /// The `type` written in the envelope. Never renamed once released.
    const TYPE: &'static str;
    /// The version written now. Bump it, keep the old shape, and upcast in `upcast`.
    const VERSION: u32;

    /// Reads a body that an older version of this type wrote.
    fn upcast(version: u32, _body: Value) -> Result<Self, String> {
        Err(format!("{} has no body version {version}", Self::TYPE))
    }

    /// The case the event belongs to, if any.
    fn case_id(&self) -> Option<Uuid> {
        None
    }

    /// Vault rows the body refers to.
    fn personal_data(&self) -> Vec<Sealed> {
        Vec::new()
    }
}

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
            pub fn event_type(&self) -> &'static str {
                match self { $(Body::$name(_) => $name::TYPE),+ }
            }

            pub fn version(&self) -> u32 {
                match self { $(Body::$name(_) => $name::VERSION),+ }
            }

            pub fn case_id(&self) -> Option<Uuid> {
                match self { $(Body::$name(b) => b.case_id()),+ }
            }

            pub fn personal_data(&self) -> Vec<Sealed> {
                match self { $(Body::$name(b) => b.personal_data()),+ }
            }

            pub fn to_value(&self) -> Result<Value, String> {
                match self { $(Body::$name(b) => serde_json::to_value(b)),+ }
                    .map_err(|e| e.to_string())
            }

            /// Reads a stored body of any known type and version.
            pub fn decode(event_type: &str, version: u32, body: Value) -> Result<Body, String> {
                match event_type {
                    $($name::TYPE => decode_as::<$name>(version, body).map(Body::$name),)+
                    other => Err(format!("unknown event type {other:?}")),
                }
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
);

fn decode_as<T: EventBody>(version: u32, body: Value) -> Result<T, String> {
    if version == T::VERSION {
        serde_json::from_value(body).map_err(|e| format!("{} v{version}: {e}", T::TYPE))
    } else if version < T::VERSION && version > 0 {
        T::upcast(version, body)
    } else {
        Err(format!(
            "{} v{version} is newer than this app knows (v{})",
            T::TYPE,
            T::VERSION
        ))
    }
}
