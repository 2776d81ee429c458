//! A device's dispatches and the urban areas that set their clock.

use super::*;

impl Device {
    /// Dispatches a vehicle to a case's site; its on-scene clock starts.
    pub fn dispatch(&mut self, new: &NewDispatch) -> Result<Dispatch> {
        let case_id = crate::cases::id_of(&self.store.conn, &new.case_id)?;
        let id = self.write(|w| crate::dispatch::dispatch(w, case_id, new))?;
        crate::dispatch::projection::get(&self.store.conn, id, self.now_ms()?)
    }

    /// The officer confirms the next step of a dispatch.
    pub fn advance_dispatch(&mut self, id: &str, step: DispatchStep) -> Result<Dispatch> {
        let id = Uuid::parse_str(id.trim())
            .map_err(|_| Error::invalid("dispatch_id", "is not an id"))?;
        self.write(|w| crate::dispatch::advance(w, id, step))?;
        crate::dispatch::projection::get(&self.store.conn, id, self.now_ms()?)
    }

    pub fn case_dispatches(&self, case: &str) -> Result<Vec<Dispatch>> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        crate::dispatch::projection::of_case(&self.store.conn, &case_id.to_string(), self.now_ms()?)
    }

    /// Replaces the urban areas (a GeoJSON file of polygons), checked first; returns how many.
    /// Recorded (`UrbanAreasLoaded`): the dispatch clocks this device runs depend on them.
    pub fn load_urban_areas(&mut self, path: &Path) -> Result<u32> {
        let mut geojson = String::new();
        files::open_limited(path, crate::dispatch::areas::MAX_URBAN_AREAS_BYTES as u64)?
            .read_to_string(&mut geojson)
            .map_err(|e| Error::file(path, e))?;
        let areas = crate::dispatch::areas::parse(&geojson)?.len() as u32;
        self.write(|w| w.append(UrbanAreasLoaded { geojson }))?;
        Ok(areas)
    }
}
