//! The `dispatches` table, projected from dispatch events, and reading dispatches back with
//! their on-scene clock.

use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::clocks::ClockState;
use crate::dispatch::{AreaType, Dispatch, DispatchAdvanced, DispatchStep, Dispatched};
use crate::error::{Error, Result};
use crate::events::Envelope;
use crate::position::{GeoPoint, GeoPosition};

pub fn dispatched(conn: &Connection, event: &Envelope, body: &Dispatched) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO dispatches (id, case_id, vehicle, site_lat_e7, site_lon_e7, site_accuracy_cm,
             site_text, area, area_name, target_minutes, dispatched_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        body.dispatch_id.to_string(),
        body.case_id.to_string(),
        body.vehicle,
        body.site.map(|p| p.lat_e7),
        body.site.map(|p| p.lon_e7),
        body.site.and_then(|p| p.accuracy_cm),
        body.site_text,
        body.area.as_str(),
        body.area_name,
        body.target_minutes,
        body.ordered_at_ms.unwrap_or(event.time.trusted_ms),
    ])?;
    Ok(())
}

pub fn advanced(conn: &Connection, event: &Envelope, body: &DispatchAdvanced) -> Result<()> {
    let column = match body.step {
        DispatchStep::Acknowledged => "acknowledged_at_ms",
        DispatchStep::EnRoute => "en_route_at_ms",
        DispatchStep::OnScene => "on_scene_at_ms",
        DispatchStep::Cleared => "cleared_at_ms",
    };
    // Detected arrival happened when the proving fix was taken, not when it reached the core.
    let at = body
        .proving_fix
        .as_ref()
        .map_or(event.time.trusted_ms, |f| f.time_ms);
    let fix = body.proving_fix.as_ref().map(|f| f.point);
    conn.execute(
        &format!(
            "UPDATE dispatches SET {column} = ?2,
                 proof_lat_e7 = coalesce(?3, proof_lat_e7), proof_lon_e7 = coalesce(?4, proof_lon_e7),
                 proof_accuracy_cm = coalesce(?5, proof_accuracy_cm)
             WHERE id = ?1"
        ),
        params![
            body.dispatch_id.to_string(),
            at,
            fix.map(|p| p.lat_e7),
            fix.map(|p| p.lon_e7),
            fix.and_then(|p| p.accuracy_cm),
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "id, case_id, vehicle, site_lat_e7, site_lon_e7, site_accuracy_cm, site_text,
    area, area_name, target_minutes, dispatched_at_ms, acknowledged_at_ms, en_route_at_ms,
    on_scene_at_ms, cleared_at_ms, proof_lat_e7, proof_lon_e7, proof_accuracy_cm FROM dispatches";

pub fn get(conn: &Connection, id: Uuid, now_ms: i64) -> Result<Dispatch> {
    let mut found = query(
        conn,
        &format!("SELECT {COLUMNS} WHERE id = ?1"),
        &id.to_string(),
        now_ms,
    )?;
    found.pop().ok_or_else(|| Error::NotFound {
        what: "dispatch",
        id: id.to_string(),
    })
}

pub fn of_case(conn: &Connection, case_id: &str, now_ms: i64) -> Result<Vec<Dispatch>> {
    query(
        conn,
        &format!("SELECT {COLUMNS} WHERE case_id = ?1 ORDER BY dispatched_at_ms"),
        case_id,
        now_ms,
    )
}

/// The vehicle's dispatches not yet on scene nor cleared.
pub fn open_of_vehicle(conn: &Connection, vehicle: &str, now_ms: i64) -> Result<Vec<Dispatch>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE vehicle = ?1 AND on_scene_at_ms IS NULL AND cleared_at_ms IS NULL"
    );
    query(conn, &sql, vehicle, now_ms)
}

/// Every dispatch not cleared yet, oldest first: what the crews still answer for.
pub fn open(conn: &Connection, now_ms: i64) -> Result<Vec<Dispatch>> {
    let sql = format!("SELECT {COLUMNS} WHERE cleared_at_ms IS NULL ORDER BY dispatched_at_ms");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| read(r, now_ms))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Dispatches made between two instants (ms), for the month's figures.
pub fn made_between(conn: &Connection, from: i64, to: i64, now_ms: i64) -> Result<Vec<Dispatch>> {
    let sql = format!("SELECT {COLUMNS} WHERE dispatched_at_ms >= ?1 AND dispatched_at_ms < ?2");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([from, to], |r| read(r, now_ms))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The furthest step taken.
pub fn last_step(d: &Dispatch) -> Option<DispatchStep> {
    [
        (d.cleared_at_ms, DispatchStep::Cleared),
        (d.on_scene_at_ms, DispatchStep::OnScene),
        (d.en_route_at_ms, DispatchStep::EnRoute),
        (d.acknowledged_at_ms, DispatchStep::Acknowledged),
    ]
    .into_iter()
    .find_map(|(at, step)| at.map(|_| step))
}

fn query(conn: &Connection, sql: &str, key: &str, now_ms: i64) -> Result<Vec<Dispatch>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([key], |r| read(r, now_ms))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn read(r: &rusqlite::Row, now_ms: i64) -> rusqlite::Result<Dispatch> {
    let point = |lat: usize, lon: usize, acc: usize| -> rusqlite::Result<Option<GeoPosition>> {
        Ok(
            match (r.get::<_, Option<i32>>(lat)?, r.get::<_, Option<i32>>(lon)?) {
                (Some(lat_e7), Some(lon_e7)) => Some(GeoPosition::from(GeoPoint {
                    lat_e7,
                    lon_e7,
                    accuracy_cm: r.get(acc)?,
                })),
                _ => None,
            },
        )
    };
    let area: String = r.get(7)?;
    let target_minutes: u32 = r.get(9)?;
    let dispatched_at_ms: i64 = r.get(10)?;
    let on_scene_at_ms: Option<i64> = r.get(13)?;
    let proving_fix = point(15, 16, 17)?;
    let deadline = dispatched_at_ms + i64::from(target_minutes) * 60_000;
    let on_scene_state = match on_scene_at_ms {
        Some(at) if at <= deadline => ClockState::Met,
        Some(_) => ClockState::Breached,
        None if now_ms > deadline => ClockState::Breached,
        None => ClockState::Running,
    };
    Ok(Dispatch {
        id: r.get(0)?,
        case_id: r.get(1)?,
        vehicle: r.get(2)?,
        site: point(3, 4, 5)?,
        site_text: r.get(6)?,
        area: AreaType::parse(&area).unwrap_or(AreaType::Unknown),
        area_name: r.get(8)?,
        target_minutes,
        dispatched_at_ms,
        acknowledged_at_ms: r.get(11)?,
        en_route_at_ms: r.get(12)?,
        on_scene_at_ms,
        cleared_at_ms: r.get(14)?,
        arrival_detected: proving_fix.is_some(),
        proving_fix,
        on_scene_state,
        on_scene_deadline_ms: deadline,
    })
}
