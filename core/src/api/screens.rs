//! The screen models (`screens`): each screen's content, read in one call.

use crate::screens::{self, TodayScreen};

use super::{ApiResult, FieldCore};

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Today (今日): open dispatches, clocks due or breached, open cases, the trip, sync.
    pub fn today_screen(&self) -> ApiResult<TodayScreen> {
        Ok(screens::today::today(&self.device())?)
    }
}
