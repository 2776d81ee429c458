//! The UniFFI facade: what the Android and iOS apps (and the CLI) call. Thin by design: it
//! converts records and errors and delegates to `Device`.
//!
//! Storage calls are synchronous; the app calls them off its main thread.

mod cases;
mod changes;
mod clocks;
mod dispatch;
mod documents;
mod error;
mod evidence;
mod records;
mod reference;
mod screens;
mod sync;
mod sync_control;
mod trips;

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

pub use crate::agency::{Agency, NumberBlock, NumbersLeft};
pub use crate::calendar::YearData;
pub use crate::cases::departments::Department;
pub use crate::cases::grounds::OfferedGround;
pub use crate::cases::repeats::EarlierReport;
pub use crate::cases::supervision::Supervision;
pub use crate::cases::*;
pub use crate::clocks::events::PauseReason;
pub use crate::clocks::extension::ExtensionRequest;
pub use crate::clocks::{Clock, ClockKind, ClockState, DueDate};
pub use crate::dispatch::{AreaType, Dispatch, DispatchStep, NewDispatch};
pub use crate::documents::DocumentAct;
pub use crate::documents::model::*;
pub use crate::documents::notice::{CaseNotice, NoticeKind};
pub use crate::documents::signature::StrokePoint;
pub use crate::events::Topic;
pub use crate::evidence::derive::Derived;
pub use crate::evidence::media::MediaType;
pub use crate::evidence::metadata::{ExifStatus, ExifSummary};
pub use crate::evidence::prune::{PruneReport, PrunedOriginal};
pub use crate::evidence::redact::RedactionManifest;
pub use crate::evidence::verify::{EvidenceCheck, EvidenceReport};
pub use crate::evidence::{DeviceFix, Evidence, EvidenceKind, FixSource, NewEvidence};
pub use crate::mediation::terms::{EndReason, Performer, Term, TermKind};
pub use crate::officer::{Officer, Role};
pub use crate::parameters::Parameters;
pub use crate::position::GeoPosition;
pub use crate::roster::RosterEntry;
pub use crate::screens::{
    CaseAction, CaseDetail, CaseListScreen, CaseRow, Choice, ClockLine, DispatchAction,
    DispatchCard, DispatchScreen, EvidenceThumb, FormField, FormSection, HistoryLine, IntakeForm,
    KeyValue, MileageLine, MonthFigures, PlaceHint, RosterChoice, RunningTrip, SettingsScreen,
    SignInScreen, StateCount, StatusLine, SyncLine, TimelineStep, TodayScreen, TripLive,
    TripScreen, Urgency,
};
pub use crate::statistics::clock_report::{ClockReport, OnScene, OnTime};
pub use crate::statistics::mileage::{Mileage, MonthlyMileage};
pub use crate::time::{TimeSource, TrustedTime};
pub use crate::trips::track::{DropCount, Gap, Stop};
pub use crate::trips::{
    DropReason, Fix, MapDatum, NewTrip, Purpose, TrackFormat, TrackReport, Trip,
};
pub use changes::{ChangeListener, ChangeSet, ListenerError};
pub use error::CoreError;
pub use records::{ChainReport, CountedDate};
pub use reference::{CodeKind, CodeVerdict, check_code};
pub use sync::{MeasuredSync, SyncReport};
pub use sync_control::{SyncHandle, SyncListener, SyncPhase, SyncProgress};
pub use trips::{from_gcj02, to_gcj02};

use crate::device::Device;
use crate::platform::Platform;

pub type ApiResult<T> = Result<T, CoreError>;

/// One device store, opened on a directory the app owns (excluded from backups).
#[cfg_attr(feature = "ffi", derive(uniffi::Object))]
pub struct FieldCore {
    device: Mutex<Device>,
    listener: Mutex<Option<Arc<dyn ChangeListener>>>,
}

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Opens the store in `dir`, creating it and the device identity on first use.
    #[uniffi::constructor]
    pub fn open(dir: String, platform: Arc<dyn Platform>) -> ApiResult<Arc<FieldCore>> {
        let device = Device::open(Path::new(&dir), platform)?;
        Ok(Arc::new(FieldCore {
            device: Mutex::new(device),
            listener: Mutex::new(None),
        }))
    }

    /// Sets (or, with `None`, removes) the listener told what each transaction changed.
    pub fn set_change_listener(&self, listener: Option<Arc<dyn ChangeListener>>) {
        *lock(&self.listener) = listener;
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
        let officer = Officer::new(&name, &enforcement_id)?;
        self.device().sign_in(officer.clone())?;
        Ok(officer)
    }

    /// Signs an officer in with a role: a supervisor approves clock extensions.
    pub fn sign_in_as(
        &self,
        name: String,
        enforcement_id: String,
        role: Role,
    ) -> ApiResult<Officer> {
        let officer = Officer::new(&name, &enforcement_id)?;
        self.device().sign_in_as(officer.clone(), role)?;
        Ok(officer)
    }

    pub fn sign_out(&self) -> ApiResult<()> {
        Ok(self.device().sign_out()?)
    }

    pub fn current_officer(&self) -> Option<Officer> {
        self.device().officer().cloned()
    }

    /// Trusted time now: its source (server, GNSS, or the wall clock) and uncertainty.
    pub fn trusted_time(&self) -> ApiResult<TrustedTime> {
        Ok(self.device().trusted_time()?)
    }

    /// A server time sample: the request sent and the response received on
    /// `Platform::monotonic_ms`, the server's time in the response. Anchors trusted time
    /// (offset by the round trip's midpoint, uncertainty half the round trip) when it is better
    /// than the anchor in force, recorded as an event.
    pub fn record_server_time(
        &self,
        sent_monotonic_ms: u64,
        received_monotonic_ms: u64,
        server_time_ms: i64,
    ) -> ApiResult<TrustedTime> {
        Ok(self.device().record_server_time(
            sent_monotonic_ms,
            received_monotonic_ms,
            server_time_ms,
        )?)
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
}

impl FieldCore {
    /// The device, locked; what committed meanwhile is told to the listener once unlocked.
    fn device(&self) -> DeviceGuard<'_> {
        DeviceGuard {
            device: Some(lock(&self.device)),
            listener: &self.listener,
        }
    }
}

/// A panic while a lock was held cannot leave the store half-written (the transaction rolls
/// back, the head advances only after commit), so a poisoned lock is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The locked device. Dropped, it unlocks first and then tells the listener what changed: the
/// listener may call the core again at once.
pub(crate) struct DeviceGuard<'a> {
    device: Option<MutexGuard<'a, Device>>,
    listener: &'a Mutex<Option<Arc<dyn ChangeListener>>>,
}

impl Deref for DeviceGuard<'_> {
    type Target = Device;
    fn deref(&self) -> &Device {
        self.device.as_ref().expect("held until dropped")
    }
}

impl DerefMut for DeviceGuard<'_> {
    fn deref_mut(&mut self) -> &mut Device {
        self.device.as_mut().expect("held until dropped")
    }
}

impl Drop for DeviceGuard<'_> {
    fn drop(&mut self) {
        if let Some(device) = self.device.take() {
            unlock_and_tell(device, self.listener);
        }
    }
}

/// Out of line: every exported method drops a guard, and the library's size has a budget.
#[inline(never)]
fn unlock_and_tell(
    mut device: MutexGuard<'_, Device>,
    listener: &Mutex<Option<Arc<dyn ChangeListener>>>,
) {
    let changes = device.take_changes();
    drop(device);
    // Unwinding from a panic, nothing more is called out: the facade reports the panic.
    if changes.is_empty() || std::thread::panicking() {
        return;
    }
    let listener = lock(listener).clone();
    if let Some(Err(e)) = listener.map(|l| l.changed(changes.into())) {
        tracing::warn!(error = %e, "the app's change listener failed");
    }
}
