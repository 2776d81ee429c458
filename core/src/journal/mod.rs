//! The journal: every body type the log holds (`body`), read back by type and version, and
//! the replay of the log into the projections (`replay`). It stands above the capabilities,
//! which each declare their own bodies, and hands the log what the log must not know itself
//! (`RULES`): how to read a body of any type, and which cases take no more events here.

pub mod body;
pub mod replay;

use rusqlite::Connection;
use serde_json::Value;

use crate::centre;
use crate::error::{Error, Result};
use crate::events::log::{Rules, Writer};
use crate::events::{Entry, Envelope, Projection};

pub use body::Body;
pub use replay::{rebuild, rebuild_with};

/// What the log is opened with for writing.
pub const RULES: Rules = Rules {
    read_stored,
    case_guard: centre::refuse_handed_over,
};

/// Reads a stored event's body, of any type and version this code knows.
pub fn read_stored(envelope: &Envelope) -> std::result::Result<Box<dyn Entry>, String> {
    decode(envelope).map(|body| Box::new(body) as Box<dyn Entry>)
}

/// Reads a stored event's body as the registry's `Body`.
pub fn decode(envelope: &Envelope) -> std::result::Result<Body, String> {
    Body::decode(
        &envelope.event_type,
        envelope.body_version,
        envelope.body.clone(),
    )
}

/// Projects an event whose body is already read (a replica taking a device's events).
pub fn project(conn: &Connection, event: &Envelope, body: &Body) -> Result<()> {
    body.project(&Projection {
        conn,
        event,
        read_stored,
    })
}

/// Appends a body given in its stored form, possibly an older version of its type (an import,
/// a test of upcasting). It must decode, as any stored body must; what is signed is `value`.
pub fn append_stored(
    w: &mut Writer,
    event_type: &str,
    body_version: u32,
    value: Value,
) -> Result<Envelope> {
    let body = Body::decode(event_type, body_version, value.clone())
        .map_err(|reason| Error::invalid("body", reason))?;
    w.append_as(event_type, body_version, value, &body)
}
