//! The UniFFI facade: what the Android and iOS apps (and the CLI) call. Thin by design: it
//! converts records and errors and delegates to `Device`.
//!
//! Storage calls are synchronous; the app calls them off its main thread.

mod error;
mod records;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

pub use error::CoreError;
pub use records::{Case, CasePage, CaseQuery, ChainReport, GeoPosition, NewCase, Officer};

use crate::cases::CaseFilter;
use crate::device::Device;
use crate::officer;
use crate::platform::Platform;

pub type ApiResult<T> = Result<T, CoreError>;

const DEFAULT_PAGE: u32 = 50;

/// One device store, opened on a directory the app owns (excluded from backups).
#[derive(uniffi::Object)]
pub struct FieldCore {
    device: Mutex<Device>,
}

#[uniffi::export]
impl FieldCore {
    /// Opens the store in `dir`, creating it and the device identity on first use.
    #[uniffi::constructor]
    pub fn open(dir: String, platform: Arc<dyn Platform>) -> ApiResult<Arc<FieldCore>> {
        let device = Device::open(Path::new(&dir), platform)?;
        Ok(Arc::new(FieldCore {
            device: Mutex::new(device),
        }))
    }

    pub fn device_id(&self) -> String {
        self.device().device_id().to_string()
    }

    /// Starts every case number made on this device.
    pub fn device_prefix(&self) -> String {
        self.device().device_prefix().to_string()
    }

    /// Signs an officer in (name, enforcement ID number); every later event names them.
    pub fn sign_in(&self, name: String, enforcement_id: String) -> ApiResult<Officer> {
        let officer = officer::Officer::new(&name, &enforcement_id)?;
        self.device().sign_in(officer.clone())?;
        Ok(officer.into())
    }

    pub fn sign_out(&self) -> ApiResult<()> {
        Ok(self.device().sign_out()?)
    }

    pub fn current_officer(&self) -> Option<Officer> {
        self.device().officer().cloned().map(Officer::from)
    }

    pub fn open_case(&self, case: NewCase) -> ApiResult<Case> {
        let new = case.to_domain()?;
        Ok(self.device().open_case(&new)?.into())
    }

    /// A case by its id or its human-readable number.
    pub fn get_case(&self, id: String) -> ApiResult<Case> {
        Ok(self.device().case(&id)?.into())
    }

    /// Cases newest first, a page at a time.
    pub fn list_cases(&self, query: CaseQuery) -> ApiResult<CasePage> {
        let filter = CaseFilter {
            state: query.state,
            kind: query.kind,
        };
        let limit = query.limit.unwrap_or(DEFAULT_PAGE);
        Ok(self
            .device()
            .cases(&filter, limit, query.after.as_deref())?
            .into())
    }

    /// Re-hashes every stored event, checks signatures, links and vault rows. A damaged log is
    /// reported in the result (with the first broken seq), not as an error.
    pub fn verify_chain(&self) -> ApiResult<ChainReport> {
        Ok(self.device().verify_chain()?.into())
    }

    /// Drops the projections and replays the log; returns the number of events replayed.
    pub fn rebuild_projections(&self) -> ApiResult<u64> {
        Ok(self.device().rebuild_projections()?)
    }

    /// Deletes a case's personal data; the log stays verifiable. Returns the values deleted.
    pub fn purge_personal_data(&self, case_id: String) -> ApiResult<u64> {
        Ok(self.device().purge_personal_data(&case_id)? as u64)
    }
}

impl FieldCore {
    /// A panic while the lock was held cannot leave the store half-written (the transaction
    /// rolls back, the head advances only after commit), so a poisoned lock is still usable.
    fn device(&self) -> MutexGuard<'_, Device> {
        self.device
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
