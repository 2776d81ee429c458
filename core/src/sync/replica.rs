//! The centre's copy of one device's store: the device's events byte for byte, its vault
//! rows, and the projections the core's own code makes of them. So the centre reads a case
//! exactly as its owning device does, and runs the same evidence verifier on what arrives.
//!
//! A replica is derived: the centre's ledger is the record, and a replica can be deleted and
//! rebuilt from it at any time. It has no identity of its own (no `device` row, no keys).
//! Events whose body this code cannot read (a newer app's) are kept in the log and listed in
//! `replica_unreadable`; after an upgrade the replica replays itself and projects them.

use std::collections::HashMap;
use std::path::Path;

use crate::signing::VerifyingKey;
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::events::{Entry, Envelope, decode, log};
use crate::evidence::blobs::Blobs;
use crate::evidence::verify::{self, EvidenceReport};
use crate::journal::{self, Body};
use crate::position::GeoPoint;

use crate::protocol::{Attachment, WireEvent, WireVaultRow};
use crate::store::{Store, schema};
use crate::sync::handover;

/// The replica's own tables, beside the core's schema.
const REPLICA_TABLES: &str = "
    CREATE TABLE IF NOT EXISTS replica_unreadable (
        seq    INTEGER PRIMARY KEY,
        reason TEXT NOT NULL
    );
    -- The evidence verifier's verdict on each piece of evidence, once all its blobs are in.
    CREATE TABLE IF NOT EXISTS evidence_verdicts (
        evidence_id    TEXT PRIMARY KEY,
        intact         INTEGER NOT NULL,
        report         TEXT NOT NULL,
        checked_at_ms  INTEGER NOT NULL
    );";

pub struct Replica {
    store: Store,
}

/// What one `apply` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Events added to the replica's log.
    pub events: u64,
    /// Of those, the ones this code cannot read yet (seq, why): held, not projected.
    pub unreadable: Vec<(u64, String)>,
}

impl Replica {
    /// Opens (or makes) the replica in `dir`. After an upgrade of this code — a new schema,
    /// or event types it did not know before — the projections are replayed from the log.
    pub fn open(dir: &Path) -> Result<Replica> {
        let store = Store::open(dir)?;
        store.conn.execute_batch(REPLICA_TABLES)?;
        let mut replica = Replica { store };
        if schema::upgrade_needs_replay(replica.store.upgraded_from)
            || replica.some_unreadable_now_readable()?
        {
            replica.replay()?;
        }
        Ok(replica)
    }

    pub fn conn(&self) -> &Connection {
        &self.store.conn
    }

    /// The highest seq the replica holds (its events are gapless from 1).
    pub fn head(&self) -> Result<u64> {
        let seq: i64 =
            self.store
                .conn
                .query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?;
        Ok(seq as u64)
    }

    /// Officers' extension requests the centre has not answered.
    pub fn pending_extensions(&self) -> Result<Vec<crate::clocks::extension::ExtensionRequest>> {
        crate::clocks::extension::pending(&self.store.conn)
    }

    /// The highest vault row id the replica holds (0: none).
    pub fn last_vault_id(&self) -> Result<i64> {
        let id = self
            .store
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM vault", [], |r| r.get(0))?;
        Ok(id)
    }

    /// Where the device last said it was, and when (trusted ms): the newest of its last
    /// 1 000 events that carries a position.
    pub fn last_position(&self) -> Result<Option<(GeoPoint, i64)>> {
        let mut stmt = self
            .store
            .conn
            .prepare("SELECT seq, canonical FROM events ORDER BY seq DESC LIMIT 1000")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let seq = row.get::<_, i64>(0)? as u64;
            let canonical: Vec<u8> = row.get(1)?;
            let envelope = decode(&canonical).map_err(|reason| Error::Corrupt { seq, reason })?;
            if let Some(position) = envelope.position {
                return Ok(Some((position, envelope.time.trusted_ms)));
            }
        }
        Ok(None)
    }

    /// Events the replica holds but cannot project yet: (seq, why).
    pub fn unreadable(&self) -> Result<Vec<(u64, String)>> {
        let mut stmt = self
            .store
            .conn
            .prepare("SELECT seq, reason FROM replica_unreadable ORDER BY seq")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Adds the events that follow the replica's head, with their vault rows, and projects
    /// them, in one transaction. Events at or below the head are skipped (already held); the
    /// caller hands over events the ledger has checked, in order — a gap is an error. A
    /// reassigned case's history the device received (`handover`) is taken from `handovers`,
    /// the attachments of those decisions by server seq (`handovers_needed`).
    pub fn apply(
        &mut self,
        events: &[WireEvent],
        vault: &[WireVaultRow],
        handovers: &HashMap<u64, Attachment>,
    ) -> Result<Applied> {
        let mut next = self.head()? + 1;
        self.store.write(|tx| {
            insert_vault_rows(tx, vault)?;
            let mut applied = Applied::default();
            for event in events {
                let envelope = decode(event.canonical.as_bytes())
                    .map_err(|reason| Error::Corrupt { seq: next, reason })?;
                if envelope.seq < next {
                    continue;
                }
                if envelope.seq > next {
                    return Err(Error::Corrupt {
                        seq: next,
                        reason: format!("event {next} is missing before {}", envelope.seq),
                    });
                }
                let body = Body::decode(
                    &envelope.event_type,
                    envelope.body_version,
                    envelope.body.clone(),
                );
                insert_event(tx, &envelope, event, body.as_ref().ok())?;
                if let Ok(Body::ServerEventApplied(applied)) = &body
                    && let Some((server_seq, case_id, commitment)) =
                        crate::centre::handover::recorded(applied, envelope.device)
                {
                    let attachment = handovers.get(&server_seq);
                    handover::receive(tx, server_seq, case_id, commitment, attachment)?;
                }
                match body {
                    Ok(body) => journal::project(tx, &envelope, &body)?,
                    Err(reason) => {
                        mark_unreadable(tx, envelope.seq, &reason)?;
                        applied.unreadable.push((envelope.seq, reason));
                    }
                }
                applied.events += 1;
                next += 1;
            }
            Ok(applied)
        })
    }

    /// The server seqs of the decisions among `events` that brought the device a case's
    /// history: `apply` needs their attachments.
    pub fn handovers_needed(events: &[WireEvent]) -> Vec<u64> {
        events
            .iter()
            .filter_map(|event| {
                let envelope = decode(event.canonical.as_bytes()).ok()?;
                let body = Body::decode(&envelope.event_type, envelope.body_version, envelope.body);
                match body {
                    Ok(Body::ServerEventApplied(applied)) => {
                        crate::centre::handover::recorded(&applied, envelope.device)
                            .map(|(seq, ..)| seq)
                    }
                    _ => None,
                }
            })
            .collect()
    }

    /// Runs the evidence verifier on every piece of evidence that has no verdict yet and
    /// whose blobs are all in `blobs`, and keeps each verdict. The chain is not walked again:
    /// the centre stores only links it has checked. Evidence of a case handed over to the
    /// device (negative seq) has its verdict in the replica of the device that captured it.
    /// Returns the new verdicts.
    pub fn verify_evidence(
        &mut self,
        blobs: &Blobs,
        key: &VerifyingKey,
        now_ms: i64,
    ) -> Result<Vec<EvidenceReport>> {
        let pending: Vec<(String, i64)> = {
            let mut stmt = self.store.conn.prepare(
                "SELECT id, seq FROM evidence
                 WHERE seq > 0 AND id NOT IN (SELECT evidence_id FROM evidence_verdicts)
                 ORDER BY seq",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut verdicts = Vec::new();
        for (id, seq) in pending {
            // No chain walk (the ledger holds only checked links), and no prune excuses a
            // missing original: the centre is the archive.
            let report =
                verify::evidence(&self.store.conn, blobs, key, &id, seq as u64, None, None)?;
            if report
                .checks
                .iter()
                .any(|c| c.code.ends_with("blob.missing"))
            {
                continue; // not all uploaded yet
            }
            let json =
                serde_json::to_string(&report).map_err(|e| Error::Encoding(e.to_string()))?;
            self.store.conn.execute(
                "INSERT INTO evidence_verdicts (evidence_id, intact, report, checked_at_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, report.intact, json, now_ms],
            )?;
            verdicts.push(report);
        }
        Ok(verdicts)
    }

    /// The verifier's stored verdict on a piece of evidence, if it has been checked.
    pub fn evidence_verdict(&self, evidence_id: &str) -> Result<Option<EvidenceReport>> {
        let json: Option<String> = self
            .store
            .conn
            .query_row(
                "SELECT report FROM evidence_verdicts WHERE evidence_id = ?1",
                [evidence_id],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| {
            serde_json::from_str(&j)
                .map_err(|e| Error::damaged("evidence_verdicts", format!("{evidence_id}: {e}")))
        })
        .transpose()
    }

    fn some_unreadable_now_readable(&self) -> Result<bool> {
        let mut stmt = self.store.conn.prepare(
            "SELECT e.canonical FROM replica_unreadable u JOIN events e ON e.seq = u.seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let canonical: Vec<u8> = row.get(0)?;
            let readable = decode(&canonical)
                .is_ok_and(|e| Body::decode(&e.event_type, e.body_version, e.body).is_ok());
            if readable {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Replays every projection from the log, listing again what still cannot be read.
    fn replay(&mut self) -> Result<u64> {
        let replayed = self.store.write(|tx| {
            tx.execute("DELETE FROM replica_unreadable", [])?;
            journal::rebuild_with(tx, |seq, reason| mark_unreadable(tx, seq, &reason))
        })?;
        tracing::info!(replayed, "replica projections rebuilt");
        Ok(replayed)
    }
}

fn mark_unreadable(conn: &Connection, seq: u64, reason: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO replica_unreadable (seq, reason) VALUES (?1, ?2)",
        params![seq as i64, reason],
    )?;
    Ok(())
}

/// Vault rows keep the device's ids; a row already held (or purged since) is left alone.
fn insert_vault_rows(conn: &Connection, rows: &[WireVaultRow]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO vault (id, case_id, field, salt, value)
         VALUES (?1, ?2, ?3, ?4, seal_value(?5, ?4))",
    )?;
    for row in rows {
        let salt = hex::decode(&row.salt)
            .map_err(|_| Error::invalid("vault", format!("row {}: the salt is not hex", row.id)))?;
        stmt.execute(params![
            row.id,
            row.case_id.map(|id| id.to_string()),
            row.field,
            salt,
            row.value
        ])?;
    }
    Ok(())
}

fn insert_event(
    conn: &Connection,
    envelope: &Envelope,
    event: &WireEvent,
    body: Option<&Body>,
) -> Result<()> {
    let signature = hex::decode(&event.signature).map_err(|_| Error::Corrupt {
        seq: envelope.seq,
        reason: "the signature is not hex".into(),
    })?;
    let case_id = body.and_then(Entry::case_id);
    log::insert_row(
        conn,
        envelope,
        event.canonical.as_bytes(),
        &event.hash,
        &signature,
        case_id,
    )
}
