//! The screen models (`screens`): each screen's content, read in one call.

use crate::cases::{CaseQuery, NewCase};
use crate::screens::{
    self, CaseDetail, CaseListScreen, DispatchScreen, IntakeForm, SettingsScreen, SignInScreen,
    TodayScreen, TripScreen,
};

use super::{ApiResult, FieldCore};

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Signing in, for the values typed so far (empty at first): the roster to pick from, each
    /// field checked as typed, whether the roster admits the officer (and as a supervisor).
    pub fn sign_in_screen(&self, name: String, enforcement_id: String) -> ApiResult<SignInScreen> {
        Ok(screens::sign_in::sign_in_screen(
            &self.device(),
            &name,
            &enforcement_id,
        )?)
    }

    /// The intake form (登记) for `draft`, the case as typed so far: its sections and fields,
    /// each problem under its field in Chinese (the checks `open_case` makes), the demands
    /// and proofs to choose, the place from the vehicle's latest fix, whether it can be sent.
    pub fn intake_form(&self, draft: NewCase) -> ApiResult<IntakeForm> {
        Ok(screens::intake::intake_form(&self.device(), &draft)?)
    }

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

    /// One case (id or number): parties, the matter, clocks, history, evidence, documents, and
    /// the steps it can take now with what each asks for.
    pub fn case_detail(&self, case_id: String) -> ApiResult<CaseDetail> {
        Ok(screens::case_detail::case_detail(&self.device(), &case_id)?)
    }

    /// The case list: one page of `query` (words, a phone number, kind, state, cursor), with
    /// its filters; a phone number that is not one is the screen's `problem`, not an error.
    pub fn case_list_screen(&self, query: CaseQuery) -> ApiResult<CaseListScreen> {
        Ok(screens::case_list::case_list(&self.device(), &query)?)
    }
}
