//! Projections are the tables the UI reads, derived from events: each body projects itself in
//! the append's transaction, and `rebuild` empties them and replays the log, giving the same
//! state.

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::events::decode;
use crate::events::log::for_each_row;

use super::{Body, project};

/// Empties every projection and replays the whole log into them. Call inside a transaction:
/// if an event cannot be read, nothing changes.
pub fn rebuild(conn: &Connection) -> Result<u64> {
    rebuild_with(conn, |seq, reason| Err(Error::Corrupt { seq, reason }))
}

/// As `rebuild`, but an event whose body this code cannot read (a newer app's type, held by
/// the centre until it is upgraded) goes to `unreadable` instead of stopping the replay.
/// Returns how many events were projected.
pub fn rebuild_with(
    conn: &Connection,
    mut unreadable: impl FnMut(u64, String) -> Result<()>,
) -> Result<u64> {
    for table in super::projections() {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let mut replayed = 0;
    for_each_row(conn, |row| {
        let envelope = decode(&row.canonical).map_err(|reason| Error::Corrupt {
            seq: row.seq,
            reason,
        })?;
        match Body::decode(
            &envelope.event_type,
            envelope.body_version,
            envelope.body.clone(),
        ) {
            Ok(body) => {
                project(conn, &envelope, &body)?;
                replayed += 1;
            }
            Err(reason) => unreadable(row.seq, reason)?,
        }
        Ok(())
    })?;
    Ok(replayed)
}
