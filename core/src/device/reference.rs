//! The centre's reference data as the device holds it.

use super::*;

impl Device {
    /// The rule-set parameters in force (the centre's, else the defaults).
    pub fn rule_parameters(&self) -> Result<crate::parameters::Parameters> {
        crate::parameters::current(&self.store.conn)
    }

    /// The agency the documents name (`None` until the centre publishes it).
    pub fn agency(&self) -> Result<Option<crate::agency::Agency>> {
        crate::agency::current(&self.store.conn)
    }

    /// The 调解书 number blocks the centre gave this device, with the numbers left.
    pub fn document_numbers(&self) -> Result<Vec<crate::agency::NumbersLeft>> {
        crate::agency::blocks(&self.store.conn)
    }

    /// The centre's officer roster (empty until the centre publishes one).
    pub fn officer_roster(&self) -> Result<Vec<crate::roster::RosterEntry>> {
        crate::roster::list(&self.store.conn)
    }

    pub fn departments(&self) -> Result<Vec<Department>> {
        departments::directory(&self.store.conn)
    }

    /// Replaces the departments directory, checked first (recorded: `DepartmentsLoaded`).
    pub fn load_departments(&mut self, directory: &[Department]) -> Result<()> {
        let departments = departments::check(directory)?;
        self.write(|w| w.append(DepartmentsLoaded { departments }).map(drop))
    }
}
