//! Trips: start, fixes, end, GPX in and out, the route on a map, the month's mileage; positions between datums.

use super::*;
use crate::trips::gcj02;

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Starts a trip of a vehicle (one open trip per vehicle).
    pub fn start_trip(&self, trip: NewTrip) -> ApiResult<Trip> {
        Ok(self.device().start_trip(&trip)?)
    }

    /// Records a batch of fixes (up to 10 000) on an open trip; returns the track so far.
    pub fn record_fixes(&self, trip_id: String, fixes: Vec<Fix>) -> ApiResult<TrackReport> {
        Ok(self.device().record_fixes(&trip_id, &fixes)?)
    }

    /// Ends an open trip with the odometer reading, if taken.
    pub fn end_trip(&self, trip_id: String, odometer_km: Option<f64>) -> ApiResult<Trip> {
        Ok(self.device().end_trip(&trip_id, odometer_km)?)
    }

    pub fn get_trip(&self, trip_id: String) -> ApiResult<Trip> {
        Ok(self.device().trip(&trip_id)?)
    }

    /// Enters a GPX file's track as one ended trip (started at its first point, ended at its
    /// last); gaps between its segments are reported as gaps. For a trip logged by another
    /// device or app.
    pub fn import_gpx(&self, path: String, trip: NewTrip) -> ApiResult<Trip> {
        Ok(self.device().import_gpx(Path::new(&path), &trip)?)
    }

    /// Writes the trip's track — the fixes the filters kept — to `path` as GPX 1.1 or GeoJSON
    /// (both WGS-84), replacing the file whole.
    pub fn export_trip(&self, trip_id: String, format: TrackFormat, path: String) -> ApiResult<()> {
        Ok(self
            .device()
            .export_trip(&trip_id, format, Path::new(&path))?)
    }

    /// The trip's route for a map: the kept fixes, simplified to within 0.5 % of the measured
    /// length, in the map's datum (GCJ-02 for Amap, Tencent and Baidu's GCJ mode).
    pub fn trip_route(&self, trip_id: String, datum: MapDatum) -> ApiResult<Vec<GeoPosition>> {
        Ok(self.device().trip_route(&trip_id, datum)?)
    }

    /// The month's mileage (`YYYY-MM`, Beijing): trips, dispatches, staff trips (人次), km by
    /// GPS and odometer — in total, per vehicle, per crew member, per day.
    pub fn monthly_mileage(
        &self,
        month: String,
        vehicle: Option<String>,
    ) -> ApiResult<MonthlyMileage> {
        Ok(self.device().monthly_mileage(&month, vehicle.as_deref())?)
    }
}

/// A WGS-84 position (as stored) in GCJ-02, for a Chinese map; unchanged outside mainland
/// China, where those maps use WGS-84 too.
#[cfg_attr(feature = "ffi", uniffi::export)]
pub fn to_gcj02(position: GeoPosition) -> GeoPosition {
    let (latitude, longitude) = gcj02::wgs84_to_gcj02(position.latitude, position.longitude);
    GeoPosition {
        latitude,
        longitude,
        ..position
    }
}

/// A point picked on a Chinese (GCJ-02) map, back in WGS-84 for storing.
#[cfg_attr(feature = "ffi", uniffi::export)]
pub fn from_gcj02(position: GeoPosition) -> GeoPosition {
    let (latitude, longitude) = gcj02::gcj02_to_wgs84(position.latitude, position.longitude);
    GeoPosition {
        latitude,
        longitude,
        ..position
    }
}
