//! The calendar and the statutory clocks: working days, due dates, pauses, extensions, reports.

use super::*;

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Whether a Beijing date (`YYYY-MM-DD`) is a working day on the mainland. A year without
    /// calendar data is `CoreError::NoCalendarData`, never a guess.
    pub fn is_working_day(&self, date: String) -> ApiResult<bool> {
        let date = crate::calendar::parse_date("date", &date)?;
        Ok(self.device().calendar()?.is_working_day(date)?)
    }

    /// The `days`-th working day after `from` (`from` itself never counts, Art. 45). Past the
    /// calendar data it is provisional, as a deadline is.
    pub fn add_working_days(&self, from: String, days: u32) -> ApiResult<CountedDate> {
        let from = crate::calendar::parse_date("from", &from)?;
        let calendar = self.device().calendar()?;
        let counted = crate::calendar::add_working_days(&calendar, from, days)?;
        Ok(CountedDate {
            date: counted.date.format("%Y-%m-%d").to_string(),
            provisional: counted.provisional,
        })
    }

    /// The due date of a statutory clock started on `start` under a rule set, with its
    /// extension if approved. Across a year without calendar data it is marked provisional.
    pub fn clock_due_date(
        &self,
        rule_set: RuleSet,
        clock: ClockKind,
        start: String,
        extended: bool,
    ) -> ApiResult<DueDate> {
        let start = crate::calendar::parse_date("start", &start)?;
        let calendar = self.device().calendar()?;
        Ok(crate::clocks::due_date(
            &calendar,
            rule_set,
            clock,
            start,
            extended,
            &[],
        )?)
    }

    /// The statutory clocks of a case: due date, elapsed, remaining, state, warning level.
    pub fn case_clocks(&self, case_id: String) -> ApiResult<Vec<Clock>> {
        Ok(self.device().case_clocks(&case_id)?)
    }

    /// Pauses a case's clock while goods are tested or appraised: that time is excluded
    /// (mediation under Order No. 121, report decisions).
    pub fn pause_clock(
        &self,
        case_id: String,
        clock: ClockKind,
        reason: PauseReason,
    ) -> ApiResult<Vec<Clock>> {
        let mut device = self.device();
        device.pause_clock(&case_id, clock, reason)?;
        Ok(device.case_clocks(&case_id)?)
    }

    /// Starts a clock no workflow step starts: a violation found during mediation
    /// (`violation_check`), a penalty case filed (`penalty_case`), a jurisdiction dispute,
    /// evidence registered and preserved.
    pub fn start_clock(&self, case_id: String, clock: ClockKind) -> ApiResult<Vec<Clock>> {
        let mut device = self.device();
        device.start_clock(&case_id, clock)?;
        Ok(device.case_clocks(&case_id)?)
    }

    /// Stops such a clock: the act it counted down to is done.
    pub fn stop_clock(&self, case_id: String, clock: ClockKind) -> ApiResult<Vec<Clock>> {
        let mut device = self.device();
        device.stop_clock(&case_id, clock)?;
        Ok(device.case_clocks(&case_id)?)
    }

    pub fn resume_clock(&self, case_id: String, clock: ClockKind) -> ApiResult<Vec<Clock>> {
        let mut device = self.device();
        device.resume_clock(&case_id, clock)?;
        Ok(device.case_clocks(&case_id)?)
    }

    /// Approves a clock's statutory extension (its length is the rule set's, as the rulebook
    /// states it); the officer signed in must be a supervisor.
    pub fn approve_clock_extension(
        &self,
        case_id: String,
        clock: ClockKind,
    ) -> ApiResult<Vec<Clock>> {
        let mut device = self.device();
        device.extend_clock(&case_id, clock)?;
        Ok(device.case_clocks(&case_id)?)
    }

    /// Asks the centre to extend a statutory clock, saying why; the centre's answer arrives
    /// with a sync (an approval extends the clock). One request per clock at a time.
    pub fn request_clock_extension(
        &self,
        case_id: String,
        clock: ClockKind,
        reason: String,
    ) -> ApiResult<Vec<ExtensionRequest>> {
        let mut device = self.device();
        device.request_extension(&case_id, clock, &reason)?;
        Ok(device.extension_requests(&case_id)?)
    }

    /// The case's extension requests and the centre's answers, oldest first.
    pub fn clock_extension_requests(&self, case_id: String) -> ApiResult<Vec<ExtensionRequest>> {
        Ok(self.device().extension_requests(&case_id)?)
    }

    /// The month's response figures (`YYYY-MM`, Beijing): the share of statutory clocks met,
    /// per kind; on-scene median and 90th percentile, per area type.
    pub fn clock_report(&self, month: String) -> ApiResult<ClockReport> {
        Ok(self.device().clock_report(&month)?)
    }

    /// Every breached clock of any case — running past its due day or stopped late — by due
    /// time: what a supervisor follows up.
    pub fn breached_clocks(&self) -> ApiResult<Vec<Clock>> {
        Ok(self.device().breached_clocks()?)
    }

    /// The officer's due list: every running clock due within `hours` from now (breached
    /// ones included), soonest first.
    pub fn due_clocks(&self, hours: u32) -> ApiResult<Vec<Clock>> {
        Ok(self.device().due_clocks(i64::from(hours) * 3_600_000)?)
    }

    /// Loads a year's holidays and adjusted working days (from the State Council's notice, which
    /// the centre also sends), checked; it replaces the built-in days of that year. Recorded in
    /// the name of the officer signed in: the deadlines this device computes depend on it.
    pub fn load_calendar_year(&self, year: YearData) -> ApiResult<()> {
        Ok(self.device().load_calendar_year(year)?)
    }
}
