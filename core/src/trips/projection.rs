//! The `trips` and `trip_fixes` tables, projected from trip events, and reading a trip back.
//! An ended trip keeps its measured track; an open one is measured when read.

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::Envelope;
use crate::officer::Officer;
use crate::store::to_json;
use crate::trips::Fix;
use crate::trips::events::{FixesRecorded, StoredFix, TripEnded, TripStarted};
use crate::trips::model::{Purpose, Trip};
use crate::trips::track::{TrackConfig, TrackReport, Tracker};

pub fn started(conn: &Connection, event: &Envelope, body: &TripStarted) -> Result<()> {
    let tracker = Tracker::default();
    conn.prepare_cached(
        "INSERT INTO trips (id, vehicle, crew, crew_count, purpose, case_id, started_at_ms,
             started_by_name, started_by_id, start_odometer_m, odometer_photo, last_seq,
             report, tracker)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        body.trip_id.to_string(),
        body.vehicle,
        to_json(&body.crew)?,
        body.crew_count,
        body.purpose.as_str(),
        body.case_id.map(|id| id.to_string()),
        body.started_at_ms.unwrap_or(event.time.trusted_ms),
        event.actor.name,
        event.actor.enforcement_id,
        body.odometer_m,
        body.odometer_photo,
        event.seq as i64,
        to_json(&tracker.report(&TrackConfig::default()))?,
        to_json(&tracker)?,
    ])?;
    Ok(())
}

/// Stores the batch's fixes and feeds them to the trip's tracker; "the future" is judged
/// against the time the batch was recorded.
pub fn fixes(conn: &Connection, event: &Envelope, body: &FixesRecorded) -> Result<()> {
    let trip_id = body.trip_id.to_string();
    let mut insert = conn.prepare_cached(
        "INSERT INTO trip_fixes (trip_id, seq, idx, fix) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (idx, fix) in body.fixes.iter().enumerate() {
        insert.execute(params![
            trip_id,
            event.seq as i64,
            idx as i64,
            to_json(fix)?
        ])?;
    }
    let config = TrackConfig::default();
    let mut tracker = tracker_of(conn, &trip_id, event.seq)?;
    let fixes: Vec<Fix> = body.fixes.iter().map(Fix::from).collect();
    tracker.push(&fixes, &config, event.time.trusted_ms);
    save(
        conn,
        &trip_id,
        &tracker.report(&config),
        Some(&tracker),
        event.seq,
    )
}

/// The trip's fixes are all in: its track is final.
pub fn ended(conn: &Connection, event: &Envelope, body: &TripEnded) -> Result<()> {
    let trip_id = body.trip_id.to_string();
    let config = TrackConfig::default();
    let mut tracker = tracker_of(conn, &trip_id, event.seq)?;
    tracker.finish(&config);
    save(conn, &trip_id, &tracker.report(&config), None, event.seq)?;
    conn.prepare_cached("UPDATE trips SET ended_at_ms = ?2, end_odometer_m = ?3 WHERE id = ?1")?
        .execute(params![
            trip_id,
            body.ended_at_ms.unwrap_or(event.time.trusted_ms),
            body.odometer_m,
        ])?;
    Ok(())
}

/// The open trip's tracker; a trip without one was never opened, or has ended.
fn tracker_of(conn: &Connection, trip_id: &str, seq: u64) -> Result<Tracker> {
    let json: Option<String> = conn
        .prepare_cached("SELECT tracker FROM trips WHERE id = ?1")?
        .query_row([trip_id], |r| r.get(0))
        .optional()?
        .flatten();
    let json = json.ok_or_else(|| Error::Corrupt {
        seq,
        reason: format!("fixes for trip {trip_id}, which is not open"),
    })?;
    serde_json::from_str(&json).map_err(|e| damaged(trip_id, e))
}

fn save(
    conn: &Connection,
    trip_id: &str,
    report: &TrackReport,
    tracker: Option<&Tracker>,
    seq: u64,
) -> Result<()> {
    conn.prepare_cached("UPDATE trips SET report = ?2, tracker = ?3, last_seq = ?4 WHERE id = ?1")?
        .execute(params![
            trip_id,
            to_json(report)?,
            tracker.map(to_json).transpose()?,
            seq as i64
        ])?;
    Ok(())
}

/// The open trip of a vehicle, if any.
pub fn open_trip_of(conn: &Connection, vehicle: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM trips WHERE vehicle = ?1 AND ended_at_ms IS NULL")?
        .query_row([vehicle], |r| r.get(0))
        .optional()?)
}

/// The trip under way on this device, if any (the newest, should there be two).
pub fn running(conn: &Connection) -> Result<Option<Uuid>> {
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM trips WHERE ended_at_ms IS NULL ORDER BY started_at_ms DESC LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    id.map(|id| Uuid::parse_str(&id).map_err(|e| Error::damaged("trips", format!("id {id}: {e}"))))
        .transpose()
}

/// The vehicles of this device's trips, the most recently driven first, up to `limit`.
pub fn recent_vehicles(conn: &Connection, limit: u32) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT vehicle FROM trips GROUP BY vehicle ORDER BY MAX(started_at_ms) DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// A trip's fixes in the order recorded.
pub fn fixes_of(conn: &Connection, trip_id: &str) -> Result<Vec<Fix>> {
    let mut stmt =
        conn.prepare_cached("SELECT fix FROM trip_fixes WHERE trip_id = ?1 ORDER BY seq, idx")?;
    let mut rows = stmt.query([trip_id])?;
    let mut fixes = Vec::new();
    while let Some(r) = rows.next()? {
        let json: String = r.get(0)?;
        let stored: StoredFix = serde_json::from_str(&json).map_err(|e| damaged(trip_id, e))?;
        fixes.push(Fix::from(&stored));
    }
    Ok(fixes)
}

/// The newest fix of the trip this device recorded last.
pub fn latest_fix(conn: &Connection) -> Result<Option<Fix>> {
    let newest: Option<String> = conn
        .prepare_cached(
            "SELECT fix FROM trip_fixes
             WHERE trip_id = (SELECT id FROM trips ORDER BY last_seq DESC LIMIT 1)
             ORDER BY seq DESC, idx DESC LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    newest
        .map(|json| {
            serde_json::from_str::<StoredFix>(&json)
                .map(|f| Fix::from(&f))
                .map_err(|e| damaged("newest", e))
        })
        .transpose()
}

fn damaged(trip_id: &str, e: impl std::fmt::Display) -> Error {
    Error::damaged("trips", format!("trip {trip_id}: {e}"))
}

/// The columns `TripRow::read` takes, in its order.
const TRIP_COLUMNS: &str = "vehicle, crew, crew_count, purpose, case_id, started_at_ms,
    started_by_name, started_by_id, ended_at_ms, start_odometer_m, end_odometer_m,
    odometer_photo, report, id";

/// A trip with its track as measured so far.
pub fn get(conn: &Connection, trip_id: Uuid) -> Result<Trip> {
    let id = trip_id.to_string();
    let row = conn
        .prepare_cached(&format!("SELECT {TRIP_COLUMNS} FROM trips WHERE id = ?1"))?
        .query_row([&id], TripRow::read)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "trip",
            id: id.clone(),
        })?;
    row.into_trip(crate::parameters::current(conn)?.odometer_tolerance_percent)
}

/// The trips started in `[from_ms, to_ms)`, of one vehicle or all, oldest first: one query,
/// and the centre's odometer tolerance read once.
pub fn started_between(
    conn: &Connection,
    from_ms: i64,
    to_ms: i64,
    vehicle: Option<&str>,
) -> Result<Vec<Trip>> {
    let tolerance = crate::parameters::current(conn)?.odometer_tolerance_percent;
    conn.prepare_cached(&format!(
        "SELECT {TRIP_COLUMNS} FROM trips WHERE started_at_ms >= ?1 AND started_at_ms < ?2
           AND (?3 IS NULL OR vehicle = ?3)
         ORDER BY started_at_ms"
    ))?
    .query_map(params![from_ms, to_ms, vehicle], TripRow::read)?
    .map(|row| row?.into_trip(tolerance))
    .collect()
}

/// A row of `trips` as SQLite holds it.
struct TripRow {
    vehicle: String,
    crew: String,
    crew_count: u32,
    purpose: String,
    case_id: Option<String>,
    started_at_ms: i64,
    started_by: Officer,
    ended_at_ms: Option<i64>,
    start_odometer_m: Option<i64>,
    end_odometer_m: Option<i64>,
    odometer_photo: Option<String>,
    report: String,
    id: String,
}

impl TripRow {
    fn read(r: &rusqlite::Row) -> rusqlite::Result<TripRow> {
        Ok(TripRow {
            vehicle: r.get(0)?,
            crew: r.get(1)?,
            crew_count: r.get(2)?,
            purpose: r.get(3)?,
            case_id: r.get(4)?,
            started_at_ms: r.get(5)?,
            started_by: Officer {
                name: r.get(6)?,
                enforcement_id: r.get(7)?,
            },
            ended_at_ms: r.get(8)?,
            start_odometer_m: r.get(9)?,
            end_odometer_m: r.get(10)?,
            odometer_photo: r.get(11)?,
            report: r.get(12)?,
            id: r.get(13)?,
        })
    }

    fn into_trip(self, tolerance_percent: u32) -> Result<Trip> {
        let row = self;
        let id = row.id;
        let track: TrackReport = serde_json::from_str(&row.report).map_err(|e| damaged(&id, e))?;
        let km = |m: Option<i64>| m.map(|m| m as f64 / 1000.0);
        let odometer_distance_km = match (row.start_odometer_m, row.end_odometer_m) {
            (Some(a), Some(b)) => Some((b - a) as f64 / 1000.0),
            _ => None,
        };
        Ok(Trip {
            odometer_mismatch: mismatch(
                odometer_distance_km,
                track.distance_m / 1000.0,
                tolerance_percent,
            ),
            crew: serde_json::from_str(&row.crew).map_err(|e| damaged(&id, e))?,
            purpose: Purpose::parse(&row.purpose)
                .ok_or_else(|| damaged(&id, format!("purpose {:?}", row.purpose)))?,
            id,
            vehicle: row.vehicle,
            crew_count: row.crew_count,
            case_id: row.case_id,
            started_at_ms: row.started_at_ms,
            started_by: row.started_by,
            ended_at_ms: row.ended_at_ms,
            start_odometer_km: km(row.start_odometer_m),
            end_odometer_km: km(row.end_odometer_m),
            odometer_photo: row.odometer_photo,
            odometer_distance_km,
            track,
        })
    }
}

/// GPS and odometer disagree by more than `tolerance_percent` of the larger of the two.
pub fn mismatch(odometer_km: Option<f64>, gps_km: f64, tolerance_percent: u32) -> bool {
    odometer_km.is_some_and(|odo| {
        let larger = odo.max(gps_km);
        larger > 0.0 && (odo - gps_km).abs() / larger > f64::from(tolerance_percent) / 100.0
    })
}
