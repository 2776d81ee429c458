//! The `evidence` table, projected from `EvidenceCaptured`, and reading evidence back.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::events::{Digest, Envelope};
use crate::evidence::derive::Derived;
use crate::evidence::events::{DerivedBody, EvidenceCaptured, ExifBody, RenditionBody};
use crate::evidence::metadata::ExifSummary;
use crate::evidence::model::{ContentStatus, DeviceFix, Evidence, Rendition};
use crate::officer::Officer;
use crate::position::GeoPosition;
use crate::store::{json_column, to_json};
use crate::vault;

pub fn captured(conn: &Connection, event: &Envelope, body: &EvidenceCaptured) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO evidence (id, case_id, seq, sha256, captured_at_ms, officer_name,
             officer_id, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        body.evidence_id.to_string(),
        body.case_id.to_string(),
        event.seq as i64,
        body.original.sha256.to_hex(),
        event.time.trusted_ms,
        event.actor.name,
        event.actor.enforcement_id,
        to_json(body)?,
    ])?;
    Ok(())
}

const COLUMNS: &str =
    "seq, captured_at_ms, officer_name, officer_id, body, original_pruned_at_ms FROM evidence";

/// One piece of evidence, by id.
pub fn get(conn: &Connection, id: &str) -> Result<Evidence> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} WHERE id = ?1"))?
        .query_row([id], Row::read)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "evidence",
            id: id.to_string(),
        })?
        .evidence(conn)
}

/// The case's evidence, in the order captured.
pub fn of_case(conn: &Connection, case_id: &str) -> Result<Vec<Evidence>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} WHERE case_id = ?1 ORDER BY captured_at_ms, seq"
    ))?;
    let rows = stmt
        .query_map([case_id], Row::read)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|r| r.evidence(conn)).collect()
}

/// The evidence of this case with these exact bytes, if already added (an app retrying).
pub fn existing(conn: &Connection, case_id: &str, sha256: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM evidence WHERE case_id = ?1 AND sha256 = ?2")?
        .query_row([case_id, sha256], |r| r.get(0))
        .optional()?)
}

/// Every piece of evidence on the device, by the event that recorded it: (id, seq).
pub fn all(conn: &Connection) -> Result<Vec<(String, u64)>> {
    let mut stmt = conn.prepare_cached("SELECT id, seq FROM evidence ORDER BY seq")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The seq of the event that recorded the evidence.
pub fn seq_of(conn: &Connection, id: &str) -> Result<u64> {
    conn.prepare_cached("SELECT seq FROM evidence WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, i64>(0))
        .optional()?
        .map(|seq| seq as u64)
        .ok_or_else(|| Error::NotFound {
            what: "evidence",
            id: id.to_string(),
        })
}

struct Row {
    seq: i64,
    captured_at_ms: i64,
    officer: Officer,
    body: String,
    original_pruned_at_ms: Option<i64>,
}

impl Row {
    fn read(r: &rusqlite::Row) -> rusqlite::Result<Row> {
        Ok(Row {
            seq: r.get(0)?,
            captured_at_ms: r.get(1)?,
            officer: Officer {
                name: r.get(2)?,
                enforcement_id: r.get(3)?,
            },
            body: r.get(4)?,
            original_pruned_at_ms: r.get(5)?,
        })
    }

    fn evidence(self, conn: &Connection) -> Result<Evidence> {
        let body: EvidenceCaptured =
            serde_json::from_str(&self.body).map_err(|e| Error::Corrupt {
                seq: self.seq as u64,
                reason: format!("evidence row: {e}"),
            })?;
        let note = match &body.note {
            Some(sealed) => vault::value(conn, sealed.id)?,
            None => None,
        };
        let o = &body.original;
        Ok(Evidence {
            id: body.evidence_id.to_string(),
            case_id: body.case_id.to_string(),
            kind: body.kind,
            media_type: o.media_type,
            sha256: o.sha256.to_hex(),
            bytes: o.bytes,
            original_archived_at_ms: self.original_pruned_at_ms,
            width: o.width,
            height: o.height,
            duration_ms: o.duration_ms,
            exif: body.exif.as_ref().map(ExifBody::summary),
            content: body
                .content
                .as_ref()
                .map_or(ContentStatus::Readable, |c| c.status),
            content_problem: body.content.as_ref().map(|c| c.problem.clone()),
            display: body.display.as_ref().map(DerivedBody::record),
            thumbnail: body.thumbnail.as_ref().map(DerivedBody::record),
            no_display_copy: body.no_display_copy.clone(),
            rendition: body.rendition.as_ref().map(RenditionBody::record),
            device_fix: body.device_fix.as_ref().map(|f| DeviceFix {
                position: GeoPosition::from(f.point),
                time_ms: f.time_ms,
                source: f.source,
            }),
            captured_at_ms: self.captured_at_ms,
            captured_by: self.officer,
            note,
            seq: self.seq as u64,
        })
    }
}

impl ExifBody {
    pub fn from_summary(s: &ExifSummary) -> ExifBody {
        let scaled = |v: Option<f64>, by: f64| v.map(|v| (v * by).round() as i64);
        ExifBody {
            status: s.status,
            problem: s.problem.clone(),
            taken_local: s.taken_local.clone(),
            taken_offset: s.taken_offset.clone(),
            taken_at_ms: s.taken_at_ms,
            lat_e7: scaled(s.latitude, 1e7),
            lon_e7: scaled(s.longitude, 1e7),
            altitude_cm: scaled(s.altitude_m, 100.0),
            accuracy_cm: scaled(s.gps_accuracy_m, 100.0),
            orientation: s.orientation,
            make: s.make.clone(),
            model: s.model.clone(),
            software: s.software.clone(),
        }
    }

    pub fn summary(&self) -> ExifSummary {
        let unscaled = |v: Option<i64>, by: f64| v.map(|v| v as f64 / by);
        ExifSummary {
            status: self.status,
            problem: self.problem.clone(),
            taken_local: self.taken_local.clone(),
            taken_offset: self.taken_offset.clone(),
            taken_at_ms: self.taken_at_ms,
            latitude: unscaled(self.lat_e7, 1e7),
            longitude: unscaled(self.lon_e7, 1e7),
            altitude_m: unscaled(self.altitude_cm, 100.0),
            gps_accuracy_m: unscaled(self.accuracy_cm, 100.0),
            orientation: self.orientation,
            make: self.make.clone(),
            model: self.model.clone(),
            software: self.software.clone(),
        }
    }
}

impl DerivedBody {
    pub fn record(&self) -> Derived {
        Derived {
            sha256: self.sha256.to_hex(),
            width: self.width,
            height: self.height,
            bytes: self.bytes,
            quality: self.quality,
            max_long_edge: self.max_long_edge,
            caption: self.caption.clone(),
        }
    }
}

impl RenditionBody {
    pub fn record(&self) -> Rendition {
        Rendition {
            sha256: self.sha256.to_hex(),
            bytes: self.bytes,
            width: self.width,
            height: self.height,
            problem: self.problem.clone(),
        }
    }
}

/// The renditions the evidence names (the JPEGs HEIC originals were rendered to): blobs the
/// device keeps beside the originals and copies.
pub fn renditions(conn: &Connection) -> Result<Vec<crate::events::Digest>> {
    let mut stmt = conn.prepare_cached(
        "SELECT json_extract(body, '$.rendition.sha256') FROM evidence
         WHERE json_extract(body, '$.rendition.sha256') IS NOT NULL ORDER BY seq",
    )?;
    let hexes = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    hexes
        .iter()
        .map(|hex| {
            crate::events::Digest::from_hex(hex).ok_or_else(|| {
                Error::damaged("evidence", format!("rendition {hex:?} is not a SHA-256"))
            })
        })
        .collect()
}

/// The blobs the evidence records name (originals and copies), oldest record first.
pub fn named_blobs(conn: &Connection) -> Result<Vec<Digest>> {
    let bodies: Vec<EvidenceCaptured> =
        json_column(conn, "SELECT body FROM evidence ORDER BY seq", "evidence")?;
    Ok(bodies
        .iter()
        .flat_map(|e| e.blobs().into_iter().map(|(_, sha)| sha))
        .collect())
}
