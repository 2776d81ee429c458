//! Which blobs the device's records name, across the capabilities that keep files in the blob
//! store: evidence (originals, copies, renditions) and the documents' signatures. Sync sends
//! the centre what is `named`; the sweep and the prune of originals keep what is `kept`. Each
//! capability reads its own records; this only gathers them.

use rusqlite::Connection;

use crate::error::Result;
use crate::events::Digest;
use crate::{documents, evidence};

/// Every reference the device's records make to a blob, oldest record first (evidence, then
/// documents): a blob named twice appears twice.
pub fn named(conn: &Connection) -> Result<Vec<Digest>> {
    let mut named = evidence::projection::named_blobs(conn)?;
    named.extend(documents::projection::named_blobs(conn)?);
    Ok(named)
}

/// What the device must keep: every blob named, and the renditions of HEIC originals.
pub fn kept(conn: &Connection) -> Result<Vec<Digest>> {
    let mut kept = named(conn)?;
    kept.extend(evidence::projection::renditions(conn)?);
    Ok(kept)
}
