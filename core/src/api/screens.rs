//! The screen models (`screens`): each screen's content, read in one call.

use crate::cases::CaseQuery;
use crate::screens::{
    self, CaseListScreen, DispatchScreen, SettingsScreen, TodayScreen, TripScreen,
};

use super::{ApiResult, FieldCore};

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Today (今日): open dispatches, clocks due or breached, open cases, the trip, sync.
    pub fn today_screen(&self) -> ApiResult<TodayScreen> {
        Ok(screens::today::today(&self.device())?)
    }

    /// The trip under way with its live figures, or what starting one offers; the month's km.
    pub fn trip_screen(&self) -> ApiResult<TripScreen> {
        Ok(screens::trip::trip_screen(&self.device())?)
    }

    /// Sync and settings: this device, the officer, the centre and sync, the reference data
    /// held (and what is missing), the space taken.
    pub fn settings_screen(&self) -> ApiResult<SettingsScreen> {
        Ok(screens::settings::settings_screen(&self.device())?)
    }

    /// One dispatch: its case, the site for the map apps (GCJ-02), its steps, what is next.
    pub fn dispatch_screen(&self, dispatch_id: String) -> ApiResult<DispatchScreen> {
        Ok(screens::dispatch::dispatch_screen(
            &self.device(),
            &dispatch_id,
        )?)
    }

    /// The case list: one page of `query` (words, a phone number, kind, state, cursor), with
    /// its filters; a phone number that is not one is the screen's `problem`, not an error.
    pub fn case_list_screen(&self, query: CaseQuery) -> ApiResult<CaseListScreen> {
        Ok(screens::case_list::case_list(&self.device(), &query)?)
    }
}
