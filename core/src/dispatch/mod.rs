//! The dispatch clock, as in computer-aided dispatch: dispatched → acknowledged → en route →
//! on scene → cleared, each an event. The target is 30 minutes where the site lies inside an
//! urban area (`areas`), 60 elsewhere — and the urban one, the area type said to be unknown,
//! when the site has no position or no urban areas are loaded (regulations.md: "where no
//! urban areas are loaded, the area type is 'unknown', not 'remote'"). Arrival is confirmed by the officer, or detected when a fix of the vehicle's trip,
//! accurate to 50 m, lies within 150 m of the site (a mock location, or a fix from after now,
//! proves nothing); the proving fix is stored in the event. The figures are the centre's
//! rule-set parameters (`parameters`), these by default.

pub mod areas;
pub mod projection;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clocks::ClockState;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::events::{EventBody, Projection};
use crate::position::{GeoPoint, GeoPosition};
use crate::trips::Fix;
use crate::trips::geodesy::metres;
use crate::validate::{one_line, optional};
use crate::wire_enum::wire_enum;

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["dispatches", "urban_areas"],
    kept: &[],
};

wire_enum! {
    /// The steps after dispatch, in order.
    #[derive(PartialOrd, Ord)]
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum DispatchStep {
        Acknowledged = "acknowledged",
        EnRoute = "en_route",
        OnScene = "on_scene",
        Cleared = "cleared",
    }
}

wire_enum! {
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum AreaType {
        Urban = "urban",
        Remote = "remote",
        /// The site has no position, or no urban areas are loaded so town cannot be told from
        /// country: the stricter, urban target applies (a lenient one would hide late arrivals
        /// in town).
        Unknown = "unknown",
    }
}

/// A dispatch made on the device: a walk-in at the vehicle, a call the crew took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NewDispatch {
    /// The case's id or number.
    pub case_id: String,
    pub vehicle: String,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub site: Option<GeoPosition>,
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub site_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dispatched {
    pub dispatch_id: Uuid,
    pub case_id: Uuid,
    pub vehicle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<GeoPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_text: Option<String>,
    pub area: AreaType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_name: Option<String>,
    pub target_minutes: u32,
    /// Dispatched by the centre at this time (its server event's): the on-scene clock runs
    /// from it, not from when the device heard of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_at_ms: Option<i64>,
}

impl EventBody for Dispatched {
    const TOPICS: &'static [crate::events::Topic] = &[
        crate::events::Topic::Dispatches,
        crate::events::Topic::Cases,
    ];
    const TYPE: &'static str = "Dispatched";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        projection::dispatched(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchAdvanced {
    pub dispatch_id: Uuid,
    pub case_id: Uuid,
    pub step: DispatchStep,
    /// On scene: the fix that proved arrival, when detected (not confirmed by the officer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proving_fix: Option<ProvingFix>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvingFix {
    pub point: GeoPoint,
    pub time_ms: i64,
    /// Metres from the site, in centimetres.
    pub distance_cm: i64,
}

impl EventBody for DispatchAdvanced {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Dispatches];
    const TYPE: &'static str = "DispatchAdvanced";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        projection::advanced(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }
}

/// A dispatch as the crew sees it, with its on-scene clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Dispatch {
    pub id: String,
    pub case_id: String,
    pub vehicle: String,
    pub site: Option<GeoPosition>,
    pub site_text: Option<String>,
    pub area: AreaType,
    pub area_name: Option<String>,
    pub target_minutes: u32,
    pub dispatched_at_ms: i64,
    pub acknowledged_at_ms: Option<i64>,
    pub en_route_at_ms: Option<i64>,
    pub on_scene_at_ms: Option<i64>,
    pub cleared_at_ms: Option<i64>,
    /// Arrival detected from the trip's fixes (else confirmed by the officer).
    pub arrival_detected: bool,
    pub proving_fix: Option<GeoPosition>,
    /// The on-scene clock: running, met or breached.
    pub on_scene_state: ClockState,
    pub on_scene_deadline_ms: i64,
}

/// Dispatches a vehicle to a case's site; the target follows from the urban areas.
pub fn dispatch(w: &mut Writer, case_id: Uuid, new: &NewDispatch) -> Result<Uuid> {
    let site = new.site.map(|p| p.to_point("site")).transpose()?;
    let dispatch_id = Uuid::now_v7();
    let order = CaseDispatched {
        dispatch_id,
        case_id,
        vehicle: new.vehicle.clone(),
        site,
        site_text: new.site_text.clone(),
        intake_sha256: None,
    };
    append(w, &order, None)?;
    Ok(dispatch_id)
}

/// Carries out the centre's dispatch of a case this device holds, made at `ordered_at_ms`.
pub fn ordered(w: &mut Writer, order: &CaseDispatched, ordered_at_ms: i64) -> Result<()> {
    crate::cases::projection::kind_and_state(w.conn(), &order.case_id.to_string())?.ok_or(
        Error::NotFound {
            what: "case",
            id: order.case_id.to_string(),
        },
    )?;
    append(w, order, Some(ordered_at_ms))
}

fn append(w: &mut Writer, order: &CaseDispatched, ordered_at_ms: Option<i64>) -> Result<()> {
    let vehicle = one_line("vehicle", &order.vehicle, crate::trips::limits::VEHICLE)?;
    let site = order.site;
    let limits = crate::parameters::current(w.conn())?;
    let site_text = optional(order.site_text.as_deref(), |v| {
        one_line("site_text", v, 200)
    })?;
    let (area, area_name) = area_of(w.conn(), site.as_ref())?;
    w.append(Dispatched {
        dispatch_id: order.dispatch_id,
        case_id: order.case_id,
        vehicle,
        site,
        site_text,
        target_minutes: if area == AreaType::Remote {
            limits.on_scene_remote_minutes
        } else {
            limits.on_scene_urban_minutes
        },
        area,
        area_name,
        ordered_at_ms,
    })?;
    Ok(())
}

/// The site's area type and urban area's name. Remote only where urban areas are loaded and
/// the site lies outside them all: without polygons nothing says the site is out of town.
fn area_of(
    conn: &rusqlite::Connection,
    site: Option<&GeoPoint>,
) -> Result<(AreaType, Option<String>)> {
    let Some(point) = site else {
        return Ok((AreaType::Unknown, None));
    };
    if !areas::loaded(conn)? {
        return Ok((AreaType::Unknown, None));
    }
    Ok(match areas::containing(conn, point)? {
        Some(name) => (AreaType::Urban, Some(name)),
        None => (AreaType::Remote, None),
    })
}

/// The next step of a dispatch, confirmed by the officer. Steps go forward only.
pub fn advance(w: &mut Writer, dispatch_id: Uuid, step: DispatchStep) -> Result<()> {
    let current = projection::get(w.conn(), dispatch_id, w.time.trusted_ms)?;
    if let Some(last) = projection::last_step(&current)
        && step <= last
    {
        return Err(Error::invalid(
            "step",
            format!("the dispatch is already {last}; {step} cannot follow"),
        ));
    }
    let case_id = parse_id(&current.case_id)?;
    w.append(DispatchAdvanced {
        dispatch_id,
        case_id,
        step,
        proving_fix: None,
    })?;
    Ok(())
}

/// Looks for arrival in fixes just recorded for `vehicle`: the first fix, after the dispatch,
/// accurate enough and near enough the site, marks the dispatch on scene — with that fix.
pub fn detect_arrival(w: &mut Writer, vehicle: &str, fixes: &[Fix]) -> Result<()> {
    let now = w.time.trusted_ms;
    // A fix from the future (a receiver's clock gone wrong) proves nothing.
    let latest = now.saturating_add(crate::trips::FilterConfig::default().future_ms);
    let limits = crate::parameters::current(w.conn())?;
    for open in projection::open_of_vehicle(w.conn(), vehicle, now)? {
        let Some(site) = open.site else { continue };
        let site_fix = Fix::at(site.latitude, site.longitude, 0);
        let proof = fixes.iter().find_map(|f| {
            let accurate = f
                .accuracy_m
                .is_some_and(|a| a <= f64::from(limits.arrival_accuracy_m));
            if !accurate || f.mock || f.time_ms < open.dispatched_at_ms || f.time_ms > latest {
                return None;
            }
            let point =
                GeoPoint::from_degrees("fix", f.latitude, f.longitude, f.accuracy_m).ok()?;
            let distance = metres(f, &site_fix);
            (distance <= f64::from(limits.arrival_radius_m)).then_some(ProvingFix {
                point,
                time_ms: f.time_ms,
                distance_cm: (distance * 100.0).round() as i64,
            })
        });
        if let Some(proving_fix) = proof {
            w.append(DispatchAdvanced {
                dispatch_id: parse_id(&open.id)?,
                case_id: parse_id(&open.case_id)?,
                step: DispatchStep::OnScene,
                proving_fix: Some(proving_fix),
            })?;
        }
    }
    Ok(())
}

fn parse_id(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| Error::invalid("dispatch_id", "is not an id"))
}

/// A decision of the centre for the device that owns a case (server event type
/// `CaseDispatched`): send `vehicle` to the case's site. The dispatch clock runs from the
/// centre's time of the event. A case the centre received itself (by hotline, from the
/// national platform) travels with it: its `NewCase` JSON is the attachment, and the device
/// opens it under `case_id` before dispatching.
pub const CASE_DISPATCHED: &str = "CaseDispatched";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDispatched {
    pub dispatch_id: Uuid,
    pub case_id: Uuid,
    pub vehicle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<GeoPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_text: Option<String>,
    /// The commitment to the attached intake, for a case new to the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intake_sha256: Option<Digest>,
}
