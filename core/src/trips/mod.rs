//! Vehicle trips and mileage: a trip is started, fed GNSS fixes in batches, and ended; its
//! track is filtered and measured on the WGS-84 ellipsoid (`track`), and its GPS kilometres
//! are set against the odometer's.

pub mod events;
pub mod filter;
pub mod fix;
pub mod formats;
pub mod gcj02;
pub mod geodesy;
pub mod model;
pub mod projection;
pub mod simplify;
pub mod track;

use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::position::GeoPosition;
use crate::validate::{one_line, optional};

use events::{FixesRecorded, StoredFix, TripEnded, TripStarted};
pub use filter::{DropReason, FilterConfig};
pub use fix::{Fix, gnss_anchor};
pub use model::{MapDatum, NewTrip, Purpose, ROUTE_MAX_LOSS, TrackFormat, Trip, limits};
pub use track::{TrackConfig, TrackReport, measure};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["trip_fixes", "trips"],
    kept: &[],
};

/// Starts a trip; a vehicle has at most one open trip.
pub fn start(w: &mut Writer, new: &NewTrip) -> Result<Uuid> {
    let vehicle = one_line("vehicle", &new.vehicle, limits::VEHICLE)?;
    if projection::open_trip_of(w.conn(), &vehicle)?.is_some() {
        return Err(Error::invalid(
            "vehicle",
            format!("{vehicle} is already out on a trip; end it first"),
        ));
    }
    if new.crew.len() > limits::CREW {
        return Err(Error::invalid(
            "crew",
            format!("at most {} names", limits::CREW),
        ));
    }
    let crew = new
        .crew
        .iter()
        .enumerate()
        .map(|(i, name)| one_line(&format!("crew[{i}]"), name, limits::NAME))
        .collect::<Result<Vec<_>>>()?;
    let crew_count = new.crew_count.unwrap_or(crew.len() as u32);
    if crew_count == 0 || (crew_count as usize) < crew.len() || crew_count > 50 {
        return Err(Error::invalid(
            "crew_count",
            "is 1 to 50 and at least the number of crew named",
        ));
    }
    let case_id = match (new.purpose, new.case_id.as_deref()) {
        (Purpose::Dispatch, Some(case)) => Some(crate::cases::id_of(w.conn(), case)?),
        (Purpose::Dispatch, None) => {
            return Err(Error::invalid("case_id", "a dispatch names its case"));
        }
        (_, _) => None,
    };
    let now = w.time.trusted_ms;
    if new.started_at_ms.is_some_and(|t| t > now) {
        return Err(Error::invalid("started_at_ms", "is in the future"));
    }
    let trip_id = Uuid::now_v7();
    w.append(TripStarted {
        trip_id,
        vehicle,
        crew,
        crew_count,
        purpose: new.purpose,
        case_id,
        odometer_m: new
            .odometer_km
            .map(|km| odometer_m("odometer_km", km))
            .transpose()?,
        odometer_photo: optional(new.odometer_photo.as_deref(), |v| {
            one_line("odometer_photo", v, limits::PHOTO)
        })?,
        started_at_ms: new.started_at_ms,
    })?;
    Ok(trip_id)
}

/// Records a batch of fixes (up to `limits::FIXES_PER_CALL`) on an open trip, as events of at
/// most `limits::FIXES_PER_EVENT` fixes, in one transaction. Bad fixes are stored too: the
/// filters drop them when the track is measured, and count them by reason. Answers the trip's
/// vehicle, which the caller looks for arrivals of.
pub fn record(w: &mut Writer, trip_id: Uuid, fixes: &[Fix]) -> Result<String> {
    if fixes.len() > limits::FIXES_PER_CALL {
        return Err(Error::invalid(
            "fixes",
            format!(
                "{} in one call; send at most {} at a time",
                fixes.len(),
                limits::FIXES_PER_CALL
            ),
        ));
    }
    let open = require_open(w.conn(), trip_id)?;
    for batch in fixes.chunks(limits::FIXES_PER_EVENT) {
        w.append(FixesRecorded {
            trip_id,
            fixes: batch.iter().map(StoredFix::from).collect(),
        })?;
    }
    Ok(open.vehicle)
}

/// Ends an open trip with the odometer reading, if taken; `ended_at_ms` for a trip entered
/// afterwards.
pub fn end(
    w: &mut Writer,
    trip_id: Uuid,
    odometer_km: Option<f64>,
    ended_at_ms: Option<i64>,
) -> Result<()> {
    let start = require_open(w.conn(), trip_id)?.start_odometer_m;
    let end = odometer_km
        .map(|km| odometer_m("odometer_km", km))
        .transpose()?;
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(Error::invalid(
            "odometer_km",
            format!(
                "{} km is below the reading at the start, {} km",
                end as f64 / 1000.0,
                start as f64 / 1000.0
            ),
        ));
    }
    w.append(TripEnded {
        trip_id,
        odometer_m: end,
        ended_at_ms,
    })?;
    Ok(())
}

/// A whole trip entered afterwards (a GPX file): started at its first fix, its fixes in as
/// many batches as needed, ended at its last fix — one transaction. First and last count only
/// fixes whose time the filters take (`filter::time_check`): a logger's unset clock must not
/// date the trip 1970, nor a wrong one end it years ahead. When no fix has such a time the
/// trip cannot be dated, and the import is refused.
pub fn import(w: &mut Writer, new: &NewTrip, fixes: &[Fix]) -> Result<Uuid> {
    let now = w.time.trusted_ms;
    let times = || {
        fixes
            .iter()
            .filter(|f| filter::time_check(f, &FilterConfig::default(), now).is_none())
            .map(|f| f.time_ms)
    };
    let (first, last) = (times().min(), times().max());
    if first.is_none() && !fixes.is_empty() {
        return Err(Error::invalid(
            "fixes",
            format!(
                "no point has a time a GNSS receiver could give (between {} and now): the \
                 logger's clock was not set, or set wrong",
                filter::GPS_EPOCH_DAY
            ),
        ));
    }
    let new = NewTrip {
        started_at_ms: new.started_at_ms.or(first),
        ..new.clone()
    };
    let trip_id = start(w, &new)?;
    for batch in fixes.chunks(limits::FIXES_PER_CALL) {
        record(w, trip_id, batch)?;
    }
    end(w, trip_id, None, last)?;
    Ok(trip_id)
}

/// The fixes the filters keep, in order, judged at `now_ms`: the track as measured.
pub fn kept(fixes: Vec<Fix>, now_ms: i64) -> Vec<Fix> {
    let verdicts = filter::judge(&fixes, &FilterConfig::default(), now_ms);
    fixes
        .into_iter()
        .zip(verdicts)
        .filter_map(|(fix, verdict)| verdict.is_kept().then_some(fix))
        .collect()
}

/// The kept fixes, simplified for a map to within `ROUTE_MAX_LOSS` of their length, in the
/// datum the map draws in (Chinese maps: GCJ-02).
pub fn route(fixes: Vec<Fix>, now_ms: i64, datum: MapDatum) -> Vec<GeoPosition> {
    let kept = kept(fixes, now_ms);
    simplify::simplify(&kept, ROUTE_MAX_LOSS)
        .into_iter()
        .map(|i| {
            let f = &kept[i];
            let (latitude, longitude) = match datum {
                MapDatum::Wgs84 => (f.latitude, f.longitude),
                MapDatum::Gcj02 => gcj02::wgs84_to_gcj02(f.latitude, f.longitude),
            };
            GeoPosition {
                latitude,
                longitude,
                accuracy_m: f.accuracy_m,
            }
        })
        .collect()
}

/// The trip's start odometer reading, if the trip exists and is open; an error otherwise.
/// What a step on an open trip needs of it.
struct OpenTrip {
    vehicle: String,
    start_odometer_m: Option<i64>,
}

fn require_open(conn: &Connection, trip_id: Uuid) -> Result<OpenTrip> {
    let row: Option<(Option<i64>, String, Option<i64>)> = conn
        .prepare_cached("SELECT ended_at_ms, vehicle, start_odometer_m FROM trips WHERE id = ?1")?
        .query_row([trip_id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match row {
        None => Err(Error::NotFound {
            what: "trip",
            id: trip_id.to_string(),
        }),
        Some((Some(_), _, _)) => Err(Error::invalid("trip_id", "the trip has ended")),
        Some((None, vehicle, start_odometer_m)) => Ok(OpenTrip {
            vehicle,
            start_odometer_m,
        }),
    }
}

/// An odometer reading in km, as whole metres.
fn odometer_m(field: &str, km: f64) -> Result<i64> {
    if !(km.is_finite() && (0.0..=limits::ODOMETER_KM).contains(&km)) {
        return Err(Error::invalid(
            field,
            format!(
                "{km} is not an odometer reading (0 to {} km)",
                limits::ODOMETER_KM
            ),
        ));
    }
    Ok((km * 1000.0).round() as i64)
}
