//! Cases: intake, the workflow's steps, what may be offered or shown, purging.

use super::*;

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Opens a case; a complaint with `also_report` opens a linked report too (Art. 9).
    pub fn open_case(&self, case: NewCase) -> ApiResult<Case> {
        Ok(self.device().open_case(&case)?)
    }

    /// A case by its id or its human-readable number.
    pub fn get_case(&self, id: String) -> ApiResult<Case> {
        Ok(self.device().case(&id)?)
    }

    /// Cases newest first, a page at a time.
    pub fn list_cases(&self, query: CaseQuery) -> ApiResult<CasePage> {
        Ok(self.device().cases(&query)?)
    }

    /// Takes a workflow step (accept, decline, forward, …) on the case, where the officer
    /// stands. A step the case's state does not allow is `CoreError::WrongState`.
    pub fn take_step(
        &self,
        case_id: String,
        step: Step,
        note: Option<String>,
        place: Option<GeoPosition>,
    ) -> ApiResult<Case> {
        let place = place.map(|p| p.to_point("place")).transpose()?;
        let mut device = self.device();
        device.take_step(&case_id, &step, note.as_deref(), place)?;
        Ok(device.case(&case_id)?)
    }

    /// The steps the case can take now, by name (`accept`, `decline`, …): the app's buttons.
    pub fn steps_allowed(&self, case_id: String) -> ApiResult<Vec<String>> {
        let case = self.device().case(&case_id)?;
        Ok(workflow::steps_allowed(case.kind, case.state)
            .into_iter()
            .map(String::from)
            .collect())
    }

    /// Signs that a complaint may not be genuine consumption (Art. 17), each saying why. Shown
    /// to the officer; nothing is decided on them.
    pub fn abuse_flags(&self, case_id: String) -> ApiResult<Vec<AbuseFlag>> {
        Ok(self.device().abuse_flags(&case_id)?)
    }

    /// The grounds a complaint may be declined on now, under its own rules (Order No. 121
    /// Art. 16, Order No. 20 Art. 15), in the article's order; those its facts suggest marked
    /// with why, and `time_barred` warned when the limitation clock says the harm is recent
    /// (declining on it then needs a note). `WrongState` once a decline is no longer possible.
    pub fn decline_grounds(&self, case_id: String) -> ApiResult<Vec<OfferedGround>> {
        Ok(self.device().decline_grounds(&case_id)?)
    }

    /// Earlier reports on this device by the same reporter about the same business (Order
    /// No. 121 Art. 35): the first one to link a repeat to (`Step.MarkRepeated`) or to merge
    /// new facts into (`Step.MergeInto`).
    pub fn earlier_reports(&self, case_id: String) -> ApiResult<Vec<EarlierReport>> {
        Ok(self.device().earlier_reports(&case_id)?)
    }

    /// What the business may see of a complaint: every document or export meant for the
    /// merchant is built from this (Art. 37). A report is "not found".
    pub fn merchant_view(&self, case_id: String) -> ApiResult<MerchantView> {
        Ok(self.device().merchant_view(&case_id)?)
    }

    /// The centre's supervision notes (督办) on the case, with their due days.
    pub fn case_supervisions(&self, case_id: String) -> ApiResult<Vec<Supervision>> {
        Ok(self.device().supervisions(&case_id)?)
    }

    /// Deletes a case's personal data; the log stays verifiable. Returns the values deleted.
    pub fn purge_personal_data(&self, case_id: String) -> ApiResult<u64> {
        Ok(self.device().purge_personal_data(&case_id)? as u64)
    }
}
