//! The month's mileage as the centre reports it (regulations.md, statistics): vehicle outings
//! (trips started in the month, by Beijing date), dispatch trips on their own, staff trips
//! (人次, the sum of crew counts), kilometres by GPS, and by odometer where both readings exist
//! — in total, per vehicle, per crew member and per day.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::clock::beijing_date;
use crate::error::Result;
use crate::statistics::facts::{self, TripFact};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct Mileage {
    /// What the row sums: a vehicle, a crew member, a day (`YYYY-MM-DD`), or "total".
    pub key: String,
    /// 出动维权车辆 (vehicle outings).
    pub trips: u64,
    pub dispatch_trips: u64,
    /// 维权人员人次: the sum of crew counts.
    pub staff_trips: u64,
    pub gps_km: f64,
    /// Over the trips with both readings only (`odometer_trips`).
    pub odometer_km: f64,
    pub odometer_trips: u64,
    /// Trips whose GPS and odometer kilometres differ by more than 10 %.
    pub mismatched_trips: u64,
    /// Trips still open: their GPS kilometres are counted as far as recorded.
    pub open_trips: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct MonthlyMileage {
    /// `YYYY-MM`.
    pub month: String,
    pub total: Mileage,
    pub by_vehicle: Vec<Mileage>,
    pub by_crew_member: Vec<Mileage>,
    pub by_day: Vec<Mileage>,
}

/// The month's mileage (`YYYY-MM`, Beijing), of one vehicle or all.
pub fn month(conn: &Connection, month: &str, vehicle: Option<&str>) -> Result<MonthlyMileage> {
    let (from_ms, to_ms) = crate::clock::beijing_month(month)?;
    let mut total = Mileage::default();
    let mut by_vehicle = BTreeMap::new();
    let mut by_member = BTreeMap::new();
    let mut by_day = BTreeMap::new();
    for trip in facts::trip_facts_of(conn, from_ms, to_ms, vehicle)? {
        let trip = TripFact::of(&trip);
        total.add(&trip);
        row(&mut by_vehicle, &trip.vehicle).add(&trip);
        for member in &trip.crew {
            row(&mut by_member, member).add(&trip);
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
    /// Adds a trip: an outing, a dispatch trip if it is one, its crew count as 人次, its
    /// kilometres.
    pub fn add(&mut self, trip: &TripFact) {
        self.trips += 1;
        self.dispatch_trips += u64::from(trip.dispatch);
        self.staff_trips += u64::from(trip.crew_count);
        self.gps_km += trip.gps_km;
        if let Some(km) = trip.odometer_km {
            self.odometer_km += km;
            self.odometer_trips += 1;
        }
        self.mismatched_trips += u64::from(trip.odometer_mismatch);
        self.open_trips += u64::from(trip.open);
    }
}
