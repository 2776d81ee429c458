//! The month's mileage as the centre reports it (regulations.md, statistics): vehicle outings
//! (trips started in the month, by Beijing date), dispatch trips on their own, staff trips
//! (人次: the sum of crew counts; per crew member, once per trip), and one kilometre figure —
//! per trip the odometer difference where both readings exist, else the GPS distance — beside
//! the GPS and odometer sums and the trips with neither; in total, per vehicle, per crew member
//! and per day.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::facts::TripFact;
use crate::error::Result;
use crate::time::beijing_date;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Mileage {
    /// What the row sums: a vehicle, a crew member, a day (`YYYY-MM-DD`), or "total".
    pub key: String,
    /// 出动维权车辆 (vehicle outings).
    pub trips: u64,
    pub dispatch_trips: u64,
    /// 维权人员人次: the sum of crew counts; in a crew member's row, once per trip.
    pub staff_trips: u64,
    /// 行程: per trip the odometer difference where both readings exist, else the GPS
    /// distance; summed.
    pub km: f64,
    /// Over every trip, as far as tracked.
    pub gps_km: f64,
    /// Over the trips with both readings only (`odometer_trips`).
    pub odometer_km: f64,
    pub odometer_trips: u64,
    /// Trips with neither an odometer difference nor a GPS distance: nothing of them in `km`.
    pub trips_without_km: u64,
    /// Trips whose GPS and odometer kilometres differ by more than 10 %.
    pub mismatched_trips: u64,
    /// Trips not ended: their GPS kilometres are counted as far as recorded.
    pub open_trips: u64,
    /// Of `open_trips`, those open longer than the centre's limit (16 hours by default) when
    /// the figures were made: reported as not ended, attracting no cases after the limit.
    pub left_open_trips: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MonthlyMileage {
    /// `YYYY-MM`.
    pub month: String,
    pub total: Mileage,
    pub by_vehicle: Vec<Mileage>,
    pub by_crew_member: Vec<Mileage>,
    pub by_day: Vec<Mileage>,
}

/// The month's mileage (`YYYY-MM`, Beijing), of one vehicle or all; open trips judged at
/// `now_ms`.
pub fn month(
    conn: &Connection,
    month: &str,
    vehicle: Option<&str>,
    now_ms: i64,
) -> Result<MonthlyMileage> {
    let (from_ms, to_ms) = crate::time::beijing_month(month)?;
    let open_limit_ms = crate::parameters::current(conn)?.open_trip_limit_ms();
    let mut total = Mileage::default();
    let mut by_vehicle = BTreeMap::new();
    let mut by_member = BTreeMap::new();
    let mut by_day = BTreeMap::new();
    for trip in crate::trips::projection::started_between(conn, from_ms, to_ms, vehicle)? {
        let trip = TripFact::of(&trip, now_ms, open_limit_ms);
        total.add(&trip);
        row(&mut by_vehicle, &trip.vehicle).add(&trip);
        for member in &trip.crew {
            row(&mut by_member, member).add_as_crew_member(&trip);
        }
        let day = beijing_date(trip.started_at_ms)?.to_string();
        row(&mut by_day, &day).add(&trip);
    }
    total.key = "total".into();
    Ok(MonthlyMileage {
        month: month.to_string(),
        total,
        by_vehicle: by_vehicle.into_values().collect(),
        by_crew_member: by_member.into_values().collect(),
        by_day: by_day.into_values().collect(),
    })
}

fn row<'a>(rows: &'a mut BTreeMap<String, Mileage>, key: &str) -> &'a mut Mileage {
    rows.entry(key.to_string()).or_insert_with(|| Mileage {
        key: key.to_string(),
        ..Mileage::default()
    })
}

impl Mileage {
    /// Adds a trip to a row of the whole (the centre, a vehicle, a day): its crew count as 人次.
    pub fn add(&mut self, trip: &TripFact) {
        self.add_trip(trip, u64::from(trip.crew_count));
    }

    /// Adds a trip to a named crew member's row: 人次 once per trip (regulations.md: "per
    /// officer, each named crew member counts once per trip").
    pub fn add_as_crew_member(&mut self, trip: &TripFact) {
        self.add_trip(trip, 1);
    }

    /// An outing, a dispatch trip if it is one, `staff` 人次, its kilometres.
    fn add_trip(&mut self, trip: &TripFact, staff: u64) {
        self.trips += 1;
        self.dispatch_trips += u64::from(trip.dispatch);
        self.staff_trips += staff;
        match trip.km() {
            Some(km) => self.km += km,
            None => self.trips_without_km += 1,
        }
        self.gps_km += trip.gps_km;
        if let Some(km) = trip.odometer_km {
            self.odometer_km += km;
            self.odometer_trips += 1;
        }
        self.mismatched_trips += u64::from(trip.odometer_mismatch);
        self.open_trips += u64::from(trip.open);
        self.left_open_trips += u64::from(trip.left_open);
    }
}
