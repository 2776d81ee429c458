//! A device's cases: intake, steps, what may be offered or shown, purging.

use super::*;

impl Device {
    pub fn open_case(&mut self, new: &NewCase) -> Result<Case> {
        let id = self.write(|w| crate::cases::open(w, new))?;
        self.case(&id.to_string())
    }

    pub fn case(&self, id_or_number: &str) -> Result<Case> {
        crate::cases::get(&self.store.conn, id_or_number)
    }

    pub fn cases(&self, query: &CaseQuery) -> Result<CasePage> {
        crate::cases::list(&self.store.conn, self.identity.blind_key(), query)
    }

    /// Takes a workflow step on a case, where the officer stands (`place`), with a note.
    pub fn take_step(
        &mut self,
        case: &str,
        step: &Step,
        note: Option<&str>,
        place: Option<GeoPoint>,
    ) -> Result<CaseState> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        let open =
            crate::documents::projection::open_mediation(&self.store.conn, &case_id.to_string())?;
        if let (Step::EndMediation { .. }, Some(document)) = (step, open) {
            return Err(Error::invalid(
                "step",
                format!(
                    "the mediation is recorded in document {document}: end or conclude it there"
                ),
            ));
        }
        if let (Step::Decline { reason }, None) = (step, note.filter(|n| !n.trim().is_empty())) {
            // Art. 16(4): declining as time-barred against the limitation clock needs a note.
            if let Some(why) =
                crate::cases::grounds::note_required(*reason, &self.ground_facts(case)?)
            {
                return Err(Error::invalid("note", why));
            }
        }
        self.write(|w| {
            w.position = place;
            crate::cases::take_step(w, case_id, step, note)
        })
    }

    /// The Art. 17 signs on a case, among this device's complaints.
    pub fn abuse_flags(&self, case: &str) -> Result<Vec<AbuseFlag>> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        crate::cases::abuse_flags::for_case(&self.store.conn, &case_id.to_string(), self.now_ms()?)
    }

    /// The grounds a complaint may be declined on now, under its own rules, those its facts
    /// suggest marked (`crate::cases::grounds`). Only while it may be declined.
    pub fn decline_grounds(&self, case: &str) -> Result<Vec<OfferedGround>> {
        Ok(crate::cases::grounds::offered(&self.ground_facts(case)?))
    }

    /// Earlier reports by the same reporter about the same business (Art. 35).
    pub fn earlier_reports(&self, case: &str) -> Result<Vec<EarlierReport>> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        crate::cases::repeats::earlier_reports(&self.store.conn, &case_id.to_string())
    }

    /// What the offer of grounds is made from: the rules in force, the agents, and the
    /// limitation clock.
    fn ground_facts(&self, case: &str) -> Result<GroundFacts> {
        let found = self.case(case)?;
        let probe = Step::Decline {
            reason: crate::cases::DeclineReason::OtherLegalGround,
        };
        crate::cases::workflow::next(found.kind, found.state, &probe)?;
        let now = self.now_ms()?;
        let limitation = self
            .case_clocks(&found.id)?
            .into_iter()
            .find(|c| c.kind == ClockKind::Limitation);
        let limitation = match (limitation, found.matter.occurred_on.as_deref()) {
            (Some(c), _) if c.state == crate::clocks::ClockState::Breached => Limitation::Barred,
            (Some(_), Some(day)) => Limitation::Recent(crate::validate::date("occurred_on", day)?),
            _ => Limitation::Unknown,
        };
        Ok(GroundFacts {
            rule_set: crate::cases::projection::rule_set_at(&self.store.conn, &found.id, now)?,
            agent_without_power_of_attorney: found
                .complainants
                .iter()
                .any(|p| p.agent.as_ref().is_some_and(|a| !a.power_of_attorney)),
            limitation,
        })
    }

    /// What the business may see of a complaint (Art. 37). Reports, and cases that do not
    /// exist, are the same "no complaint" error.
    pub fn merchant_view(&self, case: &str) -> Result<MerchantView> {
        let not_found = || Error::NotFound {
            what: "complaint",
            id: case.trim().to_string(),
        };
        match self.case(case) {
            Ok(found) => crate::cases::merchant::view(&found).map_err(|_| not_found()),
            Err(Error::NotFound { .. }) => Err(not_found()),
            Err(e) => Err(e),
        }
    }

    /// The centre's supervision notes (督办) on a case.
    pub fn supervisions(&self, case: &str) -> Result<Vec<Supervision>> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        let today = crate::time::beijing_date(self.now_ms()?)?;
        crate::cases::supervision::of_case(&self.store.conn, &case_id.to_string(), today)
    }

    /// Deletes the case's personal data from the vault and records that it did. Returns how
    /// many values were deleted (0 if none were left, and then nothing is recorded).
    pub fn purge_personal_data(&mut self, case: &str) -> Result<usize> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        self.write(|w| {
            let vault_ids = vault::rows_of_case(w.conn(), case_id)?;
            if vault_ids.is_empty() {
                return Ok(0);
            }
            vault::delete(w.conn(), &vault_ids)?;
            blind::forget_case(w.conn(), case_id)?;
            let count = vault_ids.len();
            w.append(PersonalDataPurged { case_id, vault_ids })?;
            Ok(count)
        })
    }
}
