//! A device's trips: fixes, GPX in and out, the route, the month's mileage.

use super::*;

impl Device {
    /// Starts a trip of a vehicle; returns it.
    pub fn start_trip(&mut self, new: &NewTrip) -> Result<Trip> {
        let id = self.write(|w| crate::trips::start(w, new))?;
        self.trip(&id.to_string())
    }

    /// Records fixes on an open trip; returns the track as measured now. One write: the
    /// fixes, the arrival of a dispatch of the trip's vehicle that the first fix proving it
    /// marks on scene, and the GNSS time the fixes carry if it improves the anchor.
    pub fn record_fixes(&mut self, trip: &str, fixes: &[Fix]) -> Result<TrackReport> {
        let id = trip_id(trip)?;
        let monotonic_ms = self.platform.monotonic_ms();
        self.write(|w| {
            let vehicle = crate::trips::record(w, id, fixes)?;
            crate::dispatch::detect_arrival(w, &vehicle, fixes)?;
            let gnss = crate::trips::gnss_anchor(fixes);
            if let Some(anchor) = time::better_anchor(w.conn(), gnss, monotonic_ms)? {
                w.append(TimeAnchored { anchor })?;
            }
            Ok(crate::trips::projection::get(w.conn(), id)?.track)
        })
    }

    pub fn end_trip(&mut self, trip: &str, odometer_km: Option<f64>) -> Result<Trip> {
        let id = trip_id(trip)?;
        self.write(|w| crate::trips::end(w, id, odometer_km, None))?;
        self.trip(trip)
    }

    /// Enters a whole recorded trip (a GPX file's track) in one go.
    pub fn import_trip(&mut self, new: &NewTrip, fixes: &[Fix]) -> Result<Trip> {
        let id = self.write(|w| crate::trips::import(w, new, fixes))?;
        self.trip(&id.to_string())
    }

    /// Enters the track of a GPX file as one trip: every segment of every track, in file
    /// order, so that the time between segments is reported as gaps.
    pub fn import_gpx(&mut self, path: &Path, new: &NewTrip) -> Result<Trip> {
        let file = files::open_limited(path, formats::MAX_GPX_BYTES)?;
        let fixes: Vec<Fix> = formats::read_gpx(BufReader::new(file))?
            .into_iter()
            .flatten()
            .collect();
        if fixes.is_empty() {
            return Err(Error::invalid(
                "gpx",
                format!("{} holds no track points", path.display()),
            ));
        }
        self.import_trip(new, &fixes)
    }

    /// Writes the trip's track (the fixes the filters keep) as GPX or GeoJSON, whole or not at
    /// all.
    pub fn export_trip(&self, trip: &str, format: TrackFormat, path: &Path) -> Result<()> {
        let found = self.trip(trip)?;
        let fixes = crate::trips::kept(self.trip_fixes(trip)?, self.now_ms()?);
        files::write_atomically(path, |out| match format {
            TrackFormat::Gpx => formats::write_gpx(&found.title(), &fixes, out),
            TrackFormat::Geojson => {
                let geojson = formats::to_geojson(&fixes, found.properties());
                serde_json::to_writer(out, &geojson).map_err(|e| Error::file(path, e))
            }
        })
    }

    /// The trip's route for a map, in the map's datum.
    pub fn trip_route(&self, trip: &str, datum: MapDatum) -> Result<Vec<GeoPosition>> {
        Ok(crate::trips::route(
            self.trip_fixes(trip)?,
            self.now_ms()?,
            datum,
        ))
    }

    /// A trip's fixes, as recorded.
    pub fn trip_fixes(&self, trip: &str) -> Result<Vec<Fix>> {
        let id = trip_id(trip)?;
        self.trip(trip)?;
        crate::trips::projection::fixes_of(&self.store.conn, &id.to_string())
    }

    /// A trip with its track as measured so far.
    pub fn trip(&self, trip: &str) -> Result<Trip> {
        crate::trips::projection::get(&self.store.conn, trip_id(trip)?)
    }

    /// The month's mileage (`YYYY-MM`, Beijing), of one vehicle or all.
    pub fn monthly_mileage(&self, month: &str, vehicle: Option<&str>) -> Result<MonthlyMileage> {
        crate::statistics::mileage::month(&self.store.conn, month, vehicle, self.now_ms()?)
    }
}
