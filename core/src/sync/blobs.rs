//! Which blobs a device still owes the centre: every blob its events name — evidence originals
//! and their copies, signature strokes and images — that the centre has not confirmed holding
//! whole. Confirmed blobs are never sent again.

use std::collections::HashSet;

use rusqlite::{Connection, params};

use crate::documents::state::State;
use crate::error::{Error, Result};
use crate::events::Digest;
use crate::evidence::blobs::Blobs;
use crate::evidence::events::EvidenceCaptured;

/// Blobs named by the device's records and not yet confirmed, oldest record first.
pub fn unsent(conn: &Connection) -> Result<Vec<Digest>> {
    let mut seen = std::collections::HashSet::new();
    let mut sent = conn.prepare_cached("SELECT 1 FROM blobs_sent WHERE sha256 = ?1")?;
    let mut out = Vec::new();
    for sha in named(conn)? {
        if seen.insert(sha) && !sent.exists([sha.to_hex()])? {
            out.push(sha);
        }
    }
    Ok(out)
}

/// Every reference the device's records make to a blob, oldest record first: a blob named
/// twice appears twice.
pub fn named(conn: &Connection) -> Result<Vec<Digest>> {
    let mut named = Vec::new();
    for body in column(conn, "SELECT body FROM evidence ORDER BY seq")? {
        let e: EvidenceCaptured = parse(&body)?;
        named.extend(e.blobs().into_iter().map(|(_, sha)| sha));
    }
    for state in column(
        conn,
        "SELECT state FROM documents ORDER BY opened_at_ms, id",
    )? {
        let s: State = parse(&state)?;
        for g in &s.signatures {
            named.extend([g.strokes_sha256, g.image_sha256]);
        }
    }
    Ok(named)
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
    for sha in named(conn)? {
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

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| Error::Corrupt {
        seq: 0,
        reason: format!("a projected record: {e}"),
    })
}
