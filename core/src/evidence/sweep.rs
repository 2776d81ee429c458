//! Blobs no record names, swept at store open. An `add_evidence` killed between copying the
//! file in and writing its event (the app swiped away, the phone out of battery) leaves the
//! original and perhaps its copies in the blob store with nothing naming them; so does a
//! temporary file cut off mid-copy. Nothing would ever remove them, and on a phone they are
//! megabytes each. A blob is swept only when no record names it — the records sync reads to
//! send the centre its blobs, so a swept blob is one the centre would never have been sent —
//! and only after a grace period, so that an intake still under way (in another process on
//! the same store) is never robbed of the file its event is about to name.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::events::Digest;
use crate::evidence::blobs::Blobs;

/// How old (by its file's modification time) an unnamed blob must be to be swept: far longer
/// than any intake takes, however slow the phone.
pub const GRACE: Duration = Duration::from_secs(60 * 60);

/// What a sweep removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swept {
    pub files: usize,
    pub bytes: u64,
}

/// Removes the blobs and temporary files no record names whose files are older than `GRACE`
/// at `now` (the file system's clock, which wrote their times). `kept` reads what the
/// records name (`blob_names::kept`: documents keep files here too), only if a file is stale.
pub fn sweep(
    conn: &Connection,
    blobs: &Blobs,
    now: SystemTime,
    kept: fn(&Connection) -> Result<Vec<Digest>>,
) -> Result<Swept> {
    let stale: Vec<_> = blobs
        .entries()?
        .into_iter()
        .filter(|e| now.duration_since(e.modified).is_ok_and(|age| age > GRACE))
        .collect();
    if stale.is_empty() {
        return Ok(Swept::default());
    }
    let named: HashSet<Digest> = kept(conn)?.into_iter().collect();
    let mut swept = Swept::default();
    for entry in stale {
        if entry.sha256.is_some_and(|sha| named.contains(&sha)) {
            continue;
        }
        blobs.remove_entry(&entry)?;
        swept.files += 1;
        swept.bytes += entry.bytes;
    }
    Ok(swept)
}
