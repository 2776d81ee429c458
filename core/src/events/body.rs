//! What the log asks of an event body: a name and a version, and how it projects itself. A body
//! written by an older version is upcast to the current one when it is read, so projections
//! only ever see current bodies. The log knows no body type: each capability declares its own,
//! and `journal` lists them all.

use rusqlite::Connection;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::error::Result;
use crate::events::Envelope;
use crate::events::changes::Topic;
use crate::vault::Sealed;

/// Reads the body of a stored event of any type, or says why this code cannot. The journal's
/// registry, handed down to what must read bodies it does not know (the chain's verifier, a
/// case handed over with its history), so that the log never names a body type.
pub type ReadStored = fn(&Envelope) -> std::result::Result<Box<dyn Entry>, String>;

/// Where a body projects itself: the transaction, the event that carries it, and the journal's
/// reader for the events a body may carry inside it.
pub struct Projection<'a> {
    pub conn: &'a Connection,
    pub event: &'a Envelope,
    pub read_stored: ReadStored,
}

pub trait EventBody: Serialize + DeserializeOwned {
    /// The `type` written in the envelope. Never renamed once released.
    const TYPE: &'static str;
    /// The version written now. Bump it, keep the old shape, and upcast in `upcast`.
    const VERSION: u32;
    /// What the event changes, for the app's screens (`events::changes`).
    const TOPICS: &'static [Topic];

    /// Writes the body's effect into its capability's projections, in the append's transaction
    /// (and again, identically, when the log is replayed).
    fn project(&self, at: &Projection) -> Result<()>;

    /// Reads a body that an older version of this type wrote.
    fn upcast(version: u32, _body: Value) -> std::result::Result<Self, String> {
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

    /// Vault rows the body deletes on purpose (a purge), which the verifier then finds missing.
    fn released_rows(&self) -> Vec<i64> {
        Vec::new()
    }

    /// Reads a stored body of this type, of any version this code knows.
    fn read(version: u32, body: Value) -> std::result::Result<Self, String> {
        if version == Self::VERSION {
            serde_json::from_value(body).map_err(|e| format!("{} v{version}: {e}", Self::TYPE))
        } else if version < Self::VERSION && version > 0 {
            Self::upcast(version, body)
        } else {
            Err(format!(
                "{} v{version} is newer than this app knows (v{})",
                Self::TYPE,
                Self::VERSION
            ))
        }
    }

    /// Reads `envelope`'s body if it is of this type (and decodes).
    fn read_from(envelope: &Envelope) -> Option<Self> {
        (envelope.event_type == Self::TYPE)
            .then(|| Self::read(envelope.body_version, envelope.body.clone()).ok())
            .flatten()
    }
}

/// What the log needs of any body it appends: a typed body, or the journal's `Body` of any type.
pub trait Entry {
    fn event_type(&self) -> &'static str;
    fn version(&self) -> u32;
    fn case_id(&self) -> Option<Uuid>;
    fn personal_data(&self) -> Vec<Sealed>;
    fn released_rows(&self) -> Vec<i64>;
    fn topics(&self) -> &'static [Topic];
    fn to_value(&self) -> std::result::Result<Value, String>;
    fn project(&self, at: &Projection) -> Result<()>;
}

impl<B: EventBody> Entry for B {
    fn event_type(&self) -> &'static str {
        B::TYPE
    }

    fn version(&self) -> u32 {
        B::VERSION
    }

    fn case_id(&self) -> Option<Uuid> {
        EventBody::case_id(self)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        EventBody::personal_data(self)
    }

    fn released_rows(&self) -> Vec<i64> {
        EventBody::released_rows(self)
    }

    fn topics(&self) -> &'static [Topic] {
        B::TOPICS
    }

    fn to_value(&self) -> std::result::Result<Value, String> {
        serde_json::to_value(self).map_err(|e| e.to_string())
    }

    fn project(&self, at: &Projection) -> Result<()> {
        EventBody::project(self, at)
    }
}
