//! The calendar and a device's statutory clocks.

use super::*;

impl Device {
    /// The calendar in force: built-in data and the years loaded into this store.
    pub fn calendar(&self) -> Result<Calendar> {
        Calendar::of_store(&self.store.conn)
    }

    /// The clocks of a case, now.
    pub fn case_clocks(&self, case: &str) -> Result<Vec<Clock>> {
        crate::clocks::state::of_case(&self.store.conn, &self.calendar()?, case, self.now_ms()?)
    }

    /// Every breached clock of any case (the limitation check left out).
    pub fn breached_clocks(&self) -> Result<Vec<Clock>> {
        crate::clocks::state::breached(&self.store.conn, &self.calendar()?, self.now_ms()?)
    }

    /// Running clocks due within `within_ms` (breached ones included), soonest first.
    pub fn due_clocks(&self, within_ms: i64) -> Result<Vec<Clock>> {
        crate::clocks::state::due(
            &self.store.conn,
            &self.calendar()?,
            self.now_ms()?,
            within_ms,
        )
    }

    /// Pauses a case's clock for testing or appraisal (the time is excluded).
    pub fn pause_clock(&mut self, case: &str, kind: ClockKind, reason: PauseReason) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            crate::clocks::pause(w, calendar, case_id, kind, reason)
        })
    }

    pub fn resume_clock(&mut self, case: &str, kind: ClockKind) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            crate::clocks::resume(w, calendar, case_id, kind)
        })
    }

    /// Starts a clock no workflow step starts (violation check, penalty case, jurisdiction,
    /// evidence preservation).
    pub fn start_clock(&mut self, case: &str, kind: ClockKind) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            crate::clocks::start(w, calendar, case_id, kind)
        })
    }

    pub fn stop_clock(&mut self, case: &str, kind: ClockKind) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            crate::clocks::stop(w, calendar, case_id, kind)
        })
    }

    /// Approves a clock's statutory extension: the officer signed in must be a supervisor.
    pub fn extend_clock(&mut self, case: &str, kind: ClockKind) -> Result<()> {
        let role = self.role()?;
        self.clock_act(case, |w, calendar, case_id| {
            crate::clocks::extend(w, calendar, case_id, kind, role)
        })
    }

    /// Asks the centre to extend a clock (its answer arrives with a sync).
    pub fn request_extension(&mut self, case: &str, kind: ClockKind, reason: &str) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            crate::clocks::extension::request(w, calendar, case_id, kind, reason)
        })
    }

    pub fn extension_requests(&self, case: &str) -> Result<Vec<ExtensionRequest>> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        crate::clocks::extension::of_case(&self.store.conn, &case_id.to_string())
    }

    /// An act on a case's clocks, judged against the calendar in force.
    fn clock_act(
        &mut self,
        case: &str,
        act: impl FnOnce(&mut Writer, &Calendar, Uuid) -> Result<()>,
    ) -> Result<()> {
        let (case_id, calendar) = (
            crate::cases::id_of(&self.store.conn, case)?,
            self.calendar()?,
        );
        self.write(|w| act(w, &calendar, case_id))
    }

    /// The month's on-time shares per clock and on-scene times per area type.
    pub fn clock_report(&self, month: &str) -> Result<ClockReport> {
        crate::statistics::clock_report::month(
            &self.store.conn,
            &self.calendar()?,
            month,
            self.now_ms()?,
        )
    }

    /// Loads a year's holidays and adjusted working days (reference data), checked first.
    /// Recorded (`CalendarYearLoaded`): the deadlines this device computes depend on it.
    pub fn load_calendar_year(&mut self, data: YearData) -> Result<()> {
        Year::check(data.clone())?;
        self.write(|w| w.append(CalendarYearLoaded { year: data }).map(drop))
    }
}
