//! Which blobs a device still owes the centre: every blob its events name — evidence originals
//! and their copies, signature strokes and images — that the centre has not confirmed holding
//! whole. Confirmed blobs are never sent again.

use std::collections::HashSet;

use rusqlite::{Connection, params};

use crate::blob_names;
use crate::error::Result;
use crate::events::Digest;
use crate::evidence::blobs::Blobs;

/// Blobs named by the device's records and not yet confirmed, oldest record first.
pub fn unsent(conn: &Connection) -> Result<Vec<Digest>> {
    let mut seen = std::collections::HashSet::new();
    let mut sent = conn.prepare_cached("SELECT 1 FROM blobs_sent WHERE sha256 = ?1")?;
    let mut out = Vec::new();
    for sha in blob_names::named(conn)? {
        if seen.insert(sha) && !sent.exists([sha.to_hex()])? {
            out.push(sha);
        }
    }
    Ok(out)
}

/// Blobs named by the device's records that it does not hold, evidence originals aside (the
/// centre is their archive, and a pruned one stays pruned): the display copies and
/// thumbnails of a case handed over to it, signature images of its documents, a file it lost.
pub fn wanted(conn: &Connection, blobs: &Blobs) -> Result<Vec<Digest>> {
    let originals: HashSet<String> = column(conn, "SELECT sha256 FROM evidence")?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let mut wanted = Vec::new();
    for sha in blob_names::named(conn)? {
        if seen.insert(sha) && !originals.contains(&sha.to_hex()) && !blobs.path(&sha).exists() {
            wanted.push(sha);
        }
    }
    Ok(wanted)
}

pub fn mark_sent(conn: &Connection, sha256: &Digest, at_ms: i64) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO blobs_sent (sha256, sent_at_ms) VALUES (?1, ?2)")?
        .execute(params![sha256.to_hex(), at_ms])?;
    Ok(())
}

fn column(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
