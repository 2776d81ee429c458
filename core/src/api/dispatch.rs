//! Dispatches and their 30/60-minute clock; the urban areas that set it.

use super::*;

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Dispatches a vehicle to a case's site (a walk-in at the vehicle, a call the crew took):
    /// the on-scene clock starts, 30 minutes inside an urban area, 60 elsewhere.
    pub fn dispatch(&self, dispatch: NewDispatch) -> ApiResult<Dispatch> {
        Ok(self.device().dispatch(&dispatch)?)
    }

    /// The officer confirms the next step: acknowledged, en route, on scene, cleared.
    pub fn advance_dispatch(&self, dispatch_id: String, step: DispatchStep) -> ApiResult<Dispatch> {
        Ok(self.device().advance_dispatch(&dispatch_id, step)?)
    }

    pub fn case_dispatches(&self, case_id: String) -> ApiResult<Vec<Dispatch>> {
        Ok(self.device().case_dispatches(&case_id)?)
    }

    /// Replaces the urban areas from a GeoJSON file (Polygon / MultiPolygon features), recorded
    /// in the name of the officer signed in (the centre publishes its own).
    pub fn load_urban_areas(&self, path: String) -> ApiResult<u32> {
        Ok(self.device().load_urban_areas(Path::new(&path))?)
    }
}
