//! Appending: seal the next event on the chain, store its exact bytes and project it, all in
//! the caller's transaction. The in-memory head advances only when that transaction commits.

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::EventTime;
use crate::error::{Error, Result};
use crate::events::body::{Entry, Projection, ReadStored};
use crate::events::{Changes, Digest, ENVELOPE_FORMAT, Envelope, SealedEvent};
use crate::identity::{BlindKey, Identity};
use crate::officer::Officer;
use crate::position::GeoPoint;
use crate::vault::{self, Sealed};

/// The newest event on the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: Digest,
}

impl Head {
    /// Reads the head from the newest row: one index lookup, whatever the log's length.
    pub fn read(conn: &Connection) -> Result<Head> {
        let row = conn
            .query_row(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?;
        match row {
            None => Ok(Head {
                seq: 0,
                hash: Digest::ZERO,
            }),
            Some((seq, hash)) => {
                let seq = seq as u64;
                let hash = Digest::from_slice(&hash).ok_or_else(|| Error::Corrupt {
                    seq,
                    reason: "stored hash is not 32 bytes".into(),
                })?;
                Ok(Head { seq, hash })
            }
        }
    }
}

/// A check made of every event that names a case, before it is sealed: the command layer's
/// policy (a case the centre gave to another device takes no more work here), handed to the
/// log so that it applies to every write without the log knowing why.
pub type CaseGuard = fn(&Connection, Uuid, &dyn Entry) -> Result<()>;

/// What the layers above the log hand it for writing: how to read an event of any type, and
/// the check made of each event that names a case.
#[derive(Clone, Copy)]
pub struct Rules {
    pub read_stored: ReadStored,
    pub case_guard: CaseGuard,
}

/// The context shared by the events of one write: one act, one officer, one moment.
pub struct Writer<'a> {
    conn: &'a Connection,
    identity: &'a Identity,
    rules: Rules,
    pub head: Head,
    pub actor: Officer,
    pub time: EventTime,
    pub position: Option<GeoPoint>,
    /// What the events appended so far change, told to the app once the transaction commits.
    pub changes: Changes,
}

impl<'a> Writer<'a> {
    pub fn new(
        conn: &'a Connection,
        identity: &'a Identity,
        rules: Rules,
        head: Head,
        actor: Officer,
        time: EventTime,
    ) -> Writer<'a> {
        Writer {
            conn,
            identity,
            rules,
            head,
            actor,
            time,
            position: None,
            changes: Changes::default(),
        }
    }

    pub fn conn(&self) -> &Connection {
        self.conn
    }

    pub fn device(&self) -> Uuid {
        self.identity.device_id
    }

    pub fn device_prefix(&self) -> &str {
        &self.identity.prefix
    }

    pub fn blind_key(&self) -> &BlindKey {
        self.identity.blind_key()
    }

    /// Puts a personal value into the vault; the body carries the returned reference.
    pub fn seal_personal(&self, case_id: Option<Uuid>, field: &str, value: &str) -> Result<Sealed> {
        vault::seal(self.conn, case_id, field, value)
    }

    /// Appends `body` as the next event and projects it.
    pub fn append(&mut self, body: impl Entry) -> Result<Envelope> {
        let value = body.to_value().map_err(Error::Encoding)?;
        self.append_as(body.event_type(), body.version(), value, &body)
    }

    /// Appends `value`, signed as it is, of `event_type` and `body_version` (possibly an older
    /// version of its type: an import, a test of upcasting); `body` is its decoded, current
    /// form, which is checked and projected.
    pub fn append_as(
        &mut self,
        event_type: &str,
        body_version: u32,
        value: serde_json::Value,
        body: &dyn Entry,
    ) -> Result<Envelope> {
        if let Some(case_id) = body.case_id() {
            (self.rules.case_guard)(self.conn, case_id, body)?;
        }
        let envelope = Envelope {
            format: ENVELOPE_FORMAT,
            id: Uuid::now_v7(),
            device: self.identity.device_id,
            seq: self.head.seq + 1,
            prev_hash: self.head.hash,
            event_type: event_type.to_string(),
            body_version,
            time: self.time,
            position: self.position,
            actor: self.actor.clone(),
            body: value,
        };
        let sealed = SealedEvent::seal(envelope, self.identity.signer())?;
        insert(self.conn, &sealed, body.case_id())?;
        body.project(&Projection {
            conn: self.conn,
            event: &sealed.envelope,
            read_stored: self.rules.read_stored,
        })?;
        self.head = Head {
            seq: sealed.envelope.seq,
            hash: sealed.hash,
        };
        self.changes.add(body.topics(), body.case_id());
        Ok(sealed.envelope)
    }
}

fn insert(conn: &Connection, event: &SealedEvent, case_id: Option<Uuid>) -> Result<()> {
    let signature = event.signature.to_bytes();
    insert_row(
        conn,
        &event.envelope,
        &event.canonical,
        &event.hash,
        &signature,
        case_id,
    )
}

/// Stores an event's row: its exact signed bytes, hash and signature, and the columns read
/// from its envelope. (The centre's replicas store the devices' rows the same way.)
pub fn insert_row(
    conn: &Connection,
    e: &Envelope,
    canonical: &[u8],
    hash: &Digest,
    signature: &[u8],
    case_id: Option<Uuid>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (seq, id, type, body_version, case_id, canonical, hash, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.seq as i64,
        e.id.to_string(),
        e.event_type,
        e.body_version,
        case_id.map(|id| id.to_string()),
        canonical,
        hash.0.as_slice(),
        signature,
    ])?;
    Ok(())
}

/// A stored event row, as the verifier and the replay read it.
pub struct StoredRow {
    pub seq: u64,
    pub id: String,
    pub event_type: String,
    pub body_version: u32,
    pub case_id: Option<String>,
    pub canonical: Vec<u8>,
    pub hash: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Visits every stored event in seq order without holding them all in memory.
pub fn for_each_row(conn: &Connection, visit: impl FnMut(StoredRow) -> Result<()>) -> Result<()> {
    for_each_row_through(conn, u64::MAX, visit)
}

/// Visits the stored events up to seq `last`, in seq order.
pub fn for_each_row_through(
    conn: &Connection,
    last: u64,
    mut visit: impl FnMut(StoredRow) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT seq, id, type, body_version, case_id, canonical, hash, signature
         FROM events WHERE seq <= ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([last.min(i64::MAX as u64) as i64])?;
    while let Some(r) = rows.next()? {
        visit(StoredRow::read(r)?)?;
    }
    Ok(())
}

/// The stored event at `seq`, if there is one.
pub fn row_at(conn: &Connection, seq: u64) -> Result<Option<StoredRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT seq, id, type, body_version, case_id, canonical, hash, signature
             FROM events WHERE seq = ?1",
        )?
        .query_row([seq as i64], StoredRow::read)
        .optional()?)
}

impl StoredRow {
    fn read(r: &rusqlite::Row) -> rusqlite::Result<StoredRow> {
        Ok(StoredRow {
            seq: r.get::<_, i64>(0)? as u64,
            id: r.get(1)?,
            event_type: r.get(2)?,
            body_version: r.get(3)?,
            case_id: r.get(4)?,
            canonical: r.get(5)?,
            hash: r.get(6)?,
            signature: r.get(7)?,
        })
    }
}
