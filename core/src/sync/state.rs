//! The device's side of sync, kept in its store: the centre it enrolled with (its URL, its CA,
//! its pinned public key), the bearer token wrapped by the platform's keystore, and how far
//! push and pull got.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::events::Digest;

#[derive(Debug, Clone)]
pub struct Enrolment {
    pub server: String,
    pub centre_ca: Option<Vec<u8>>,
    pub wrapped_token: Vec<u8>,
    /// Ed25519, pinned at enrolment.
    pub centre_key: [u8; 32],
    pub acked_seq: u64,
    pub acked_hash: Option<Digest>,
    pub pull_cursor: u64,
}

pub fn read(conn: &Connection) -> Result<Option<Enrolment>> {
    let row = conn
        .query_row(
            "SELECT server, centre_ca, wrapped_token, centre_key, acked_seq, acked_hash,
                    pull_cursor FROM sync_state",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<Vec<u8>>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<Vec<u8>>>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((server, centre_ca, wrapped_token, key, acked, hash, cursor)) = row else {
        return Ok(None);
    };
    let corrupt = |what: &str| Error::damaged_record("sync state", what.to_string());
    Ok(Some(Enrolment {
        server,
        centre_ca,
        wrapped_token,
        centre_key: key.try_into().map_err(|_| corrupt("centre key"))?,
        acked_seq: acked as u64,
        acked_hash: hash
            .map(|h| Digest::from_slice(&h).ok_or_else(|| corrupt("acked hash")))
            .transpose()?,
        pull_cursor: cursor as u64,
    }))
}

/// Where sync with the centre stands, as the screens show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub server: String,
    pub enrolled_at_ms: i64,
    /// When the centre last acknowledged this device's events.
    pub last_sync_ms: Option<i64>,
    pub acked_seq: u64,
}

/// `None`: not enrolled.
pub fn standing(conn: &Connection) -> Result<Option<Standing>> {
    Ok(conn
        .prepare_cached("SELECT server, enrolled_at_ms, last_sync_ms, acked_seq FROM sync_state")?
        .query_row([], |r| {
            Ok(Standing {
                server: r.get(0)?,
                enrolled_at_ms: r.get(1)?,
                last_sync_ms: r.get(2)?,
                acked_seq: r.get::<_, i64>(3)? as u64,
            })
        })
        .optional()?)
}

/// Records a (new) enrolment: sync starts again from nothing with this centre.
pub fn enrol(conn: &Connection, e: &Enrolment, at_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO sync_state (singleton, server, centre_ca, wrapped_token,
             centre_key, enrolled_at_ms, acked_seq, acked_hash, pull_cursor)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, 0, NULL, 0)",
        params![
            e.server,
            e.centre_ca,
            e.wrapped_token,
            e.centre_key.as_slice(),
            at_ms
        ],
    )?;
    Ok(())
}

/// Moves the pull cursor: server events through `server_seq` are applied.
pub fn pulled_through(conn: &Connection, server_seq: u64) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET pull_cursor = ?1",
        [server_seq as i64],
    )?;
    Ok(())
}

pub fn acknowledge(conn: &Connection, seq: u64, hash: Digest, at_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET acked_seq = ?1, acked_hash = ?2, last_sync_ms = ?3",
        params![seq as i64, hash.0.as_slice(), at_ms],
    )?;
    Ok(())
}
