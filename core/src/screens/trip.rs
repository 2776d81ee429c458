//! The trip (出车): the one under way with its live figures, or what starting one offers; and
//! the month's mileage.

use crate::device::Device;
use crate::error::Result;
use crate::statistics::mileage::Mileage;
use crate::time::beijing_date;
use crate::trips::projection as trips;
use crate::trips::{Purpose, Trip};

use super::form::{Choice, options};
use super::words;

/// How many recent vehicles the start form suggests.
const RECENT_VEHICLES: u32 = 5;

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct TripScreen {
    /// The trip under way; `None`: the screen offers to start one.
    pub running: Option<TripLive>,
    /// What starting a trip offers: the purposes, "巡查" chosen.
    pub purposes: Vec<Choice>,
    /// Vehicles this device drove, the latest first: the plate is picked, not typed, most days.
    pub vehicles: Vec<String>,
    /// The crew to start with: the officer signed in.
    pub crew: Vec<String>,
    pub month: MonthFigures,
}

/// A trip under way, as its figures stand after the last batch of fixes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct TripLive {
    pub trip_id: String,
    pub vehicle: String,
    /// "李明、张伟".
    pub crew: String,
    /// "巡查".
    pub purpose: String,
    /// "09:05 出发".
    pub started: String,
    /// "12.4 公里".
    pub distance: String,
    /// "1 小时 5 分钟" since the start.
    pub duration: String,
    /// "行驶 45 分钟 · 停车 3 次".
    pub movement: String,
    /// "信号中断 1 次，按直线计 2.1 公里", when the track has gaps.
    pub gaps: Option<String>,
    /// "定位 98 个，有效 95 个".
    pub fixes: String,
    /// "出发里程 12345.6 公里", when read at the start: the end then asks for its reading.
    pub odometer_start: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MonthFigures {
    /// "2026年12月".
    pub month: String,
    /// "出车 12 次 · 123.4 公里".
    pub total: String,
    /// Per vehicle: "湘A·12315" and "出车 5 次 · 48.2 公里".
    pub vehicles: Vec<MileageLine>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MileageLine {
    pub label: String,
    pub figures: String,
}

pub fn trip_screen(device: &Device) -> Result<TripScreen> {
    let now = device.now_ms()?;
    let conn = device.connection();
    let running = match trips::running(conn)? {
        Some(id) => Some(live(&trips::get(conn, id)?, now)),
        None => None,
    };
    Ok(TripScreen {
        running,
        purposes: options(Purpose::ALL, &[Purpose::Patrol], |p| {
            (p.as_str(), words::trip_purpose(p))
        }),
        vehicles: trips::recent_vehicles(conn, RECENT_VEHICLES)?,
        crew: device
            .officer()
            .map(|o| o.name.clone())
            .into_iter()
            .collect(),
        month: month(device, now)?,
    })
}

fn live(trip: &Trip, now: i64) -> TripLive {
    let track = &trip.track;
    let movement = format!(
        "行驶 {} · 停车 {} 次",
        words::span((track.moving_s * 1000.0) as i64),
        track.stops.len()
    );
    TripLive {
        trip_id: trip.id.clone(),
        vehicle: trip.vehicle.clone(),
        crew: trip.crew.join("、"),
        purpose: words::trip_purpose(trip.purpose).into(),
        started: format!("{} 出发", words::clock_time(trip.started_at_ms)),
        distance: words::distance(track.distance_m),
        duration: words::span(now - trip.started_at_ms),
        movement,
        gaps: (!track.gaps.is_empty()).then(|| {
            format!(
                "信号中断 {} 次，按直线计 {}",
                track.gaps.len(),
                words::distance(track.bridged_m)
            )
        }),
        fixes: format!(
            "定位 {} 个，有效 {} 个",
            track.fixes_total, track.fixes_kept
        ),
        odometer_start: trip
            .start_odometer_km
            .map(|km| format!("出发里程 {km:.1} 公里")),
    }
}

fn month(device: &Device, now: i64) -> Result<MonthFigures> {
    let today = beijing_date(now)?;
    let figures = device.monthly_mileage(&today.format("%Y-%m").to_string(), None)?;
    Ok(MonthFigures {
        month: today.format("%Y年%-m月").to_string(),
        total: mileage(&figures.total),
        vehicles: figures
            .by_vehicle
            .iter()
            .map(|m| MileageLine {
                label: m.key.clone(),
                figures: mileage(m),
            })
            .collect(),
    })
}

fn mileage(m: &Mileage) -> String {
    format!("出车 {} 次 · {}", m.trips, words::distance(m.km * 1000.0))
}
