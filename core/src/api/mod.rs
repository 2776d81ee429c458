//! The UniFFI facade: what the Android and iOS apps (and the CLI) call. Thin by design: it
//! converts records and errors and delegates to `Device`.
//!
//! Storage calls are synchronous; the app calls them off its main thread.

mod error;
mod records;
mod sync;
mod sync_control;

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
pub use crate::evidence::care::{PruneReport, PrunedOriginal};
pub use crate::evidence::derive::Derived;
pub use crate::evidence::media::MediaType;
pub use crate::evidence::metadata::{ExifStatus, ExifSummary};
pub use crate::evidence::redact::RedactionManifest;
pub use crate::evidence::verify::{EvidenceCheck, EvidenceReport};
pub use crate::evidence::{DeviceFix, Evidence, EvidenceKind, FixSource, NewEvidence};
pub use crate::mediation::terms::{EndReason, Performer, Term, TermKind};
pub use crate::officer::{Officer, Role};
pub use crate::parameters::Parameters;
pub use crate::position::GeoPosition;
pub use crate::roster::RosterEntry;
pub use crate::statistics::clock_report::{ClockReport, OnScene, OnTime};
pub use crate::statistics::mileage::{Mileage, MonthlyMileage};
pub use crate::time::{TimeSource, TrustedTime};
pub use crate::trips::track::{DropCount, Gap, Stop};
pub use crate::trips::{
    DropReason, Fix, MapDatum, NewTrip, Purpose, TrackFormat, TrackReport, Trip,
};
pub use error::CoreError;
pub use records::{ChainReport, CountedDate};
pub use sync::{MeasuredSync, SyncReport};
pub use sync_control::{SyncHandle, SyncListener, SyncListenerError, SyncPhase, SyncProgress};

use crate::device::Device;
use crate::platform::Platform;
use crate::trips::gcj02;
use crate::{calendar, clocks};

pub type ApiResult<T> = Result<T, CoreError>;

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

    /// Starts a trip of a vehicle (one open trip per vehicle).
    pub fn start_trip(&self, trip: NewTrip) -> ApiResult<Trip> {
        Ok(self.device().start_trip(&trip)?)
    }

    /// Records a batch of fixes (up to 10 000) on an open trip; returns the track so far.
    pub fn record_fixes(&self, trip_id: String, fixes: Vec<Fix>) -> ApiResult<TrackReport> {
        Ok(self.device().record_fixes(&trip_id, &fixes)?)
    }

    /// Ends an open trip with the odometer reading, if taken.
    pub fn end_trip(&self, trip_id: String, odometer_km: Option<f64>) -> ApiResult<Trip> {
        Ok(self.device().end_trip(&trip_id, odometer_km)?)
    }

    pub fn get_trip(&self, trip_id: String) -> ApiResult<Trip> {
        Ok(self.device().trip(&trip_id)?)
    }

    /// Enters a GPX file's track as one ended trip (started at its first point, ended at its
    /// last); gaps between its segments are reported as gaps. For a trip logged by another
    /// device or app.
    pub fn import_gpx(&self, path: String, trip: NewTrip) -> ApiResult<Trip> {
        Ok(self.device().import_gpx(Path::new(&path), &trip)?)
    }

    /// Writes the trip's track — the fixes the filters kept — to `path` as GPX 1.1 or GeoJSON
    /// (both WGS-84), replacing the file whole.
    pub fn export_trip(&self, trip_id: String, format: TrackFormat, path: String) -> ApiResult<()> {
        Ok(self
            .device()
            .export_trip(&trip_id, format, Path::new(&path))?)
    }

    /// The trip's route for a map: the kept fixes, simplified to within 0.5 % of the measured
    /// length, in the map's datum (GCJ-02 for Amap, Tencent and Baidu's GCJ mode).
    pub fn trip_route(&self, trip_id: String, datum: MapDatum) -> ApiResult<Vec<GeoPosition>> {
        Ok(self.device().trip_route(&trip_id, datum)?)
    }

    /// The month's mileage (`YYYY-MM`, Beijing): trips, dispatches, staff trips (人次), km by
    /// GPS and odometer — in total, per vehicle, per crew member, per day.
    pub fn monthly_mileage(
        &self,
        month: String,
        vehicle: Option<String>,
    ) -> ApiResult<MonthlyMileage> {
        Ok(self.device().monthly_mileage(&month, vehicle.as_deref())?)
    }

    /// Takes a photo (JPEG; PNG for screenshots and documents) or a recording (m4a, mp4) into
    /// a case's evidence, by path: the original is kept byte for byte under its SHA-256, EXIF
    /// read, an upright display copy and a thumbnail made, all recorded in a signed event.
    /// The same file added to the same case again returns the evidence already there.
    pub fn add_evidence(&self, evidence: NewEvidence) -> ApiResult<Evidence> {
        Ok(self.device().add_evidence(&evidence)?)
    }

    pub fn get_evidence(&self, evidence_id: String) -> ApiResult<Evidence> {
        Ok(self.device().evidence(&evidence_id)?)
    }

    /// A case's evidence, in the order captured.
    pub fn case_evidence(&self, case_id: String) -> ApiResult<Vec<Evidence>> {
        Ok(self.device().evidence_of_case(&case_id)?)
    }

    /// Checks the evidence from the bytes: the signed event, the chain up to it, every blob.
    /// Tampering is reported in the result, check by check, not as an error.
    pub fn verify_evidence(&self, evidence_id: String) -> ApiResult<EvidenceReport> {
        Ok(self.device().verify_evidence(&evidence_id)?)
    }

    /// Every piece of evidence on the device, checked (the server runs the same on ingest).
    pub fn verify_all_evidence(&self) -> ApiResult<Vec<EvidenceReport>> {
        Ok(self.device().verify_all_evidence()?)
    }

    /// Frees the device's storage: deletes each evidence original the centre has confirmed
    /// holding whole once its case is final and the retention period has passed since both
    /// (`evidence::care::RETENTION`); keeps the hash, the display copy and the thumbnail, and records each prune in the
    /// log. Returns what was pruned and the bytes freed; nothing eligible changes nothing.
    pub fn prune_originals(&self) -> ApiResult<PruneReport> {
        Ok(self.device().prune_originals()?)
    }

    /// Writes a photo's copy for sharing — no metadata, no caption — to `path`, with a manifest
    /// of what was left out beside it (`<path>.manifest.json`).
    pub fn export_redacted_evidence(
        &self,
        evidence_id: String,
        path: String,
    ) -> ApiResult<RedactionManifest> {
        Ok(self
            .device()
            .export_redacted(&evidence_id, Path::new(&path))?)
    }

    /// The file of a blob (an original, a display copy, a thumbnail) by its SHA-256, to show.
    pub fn blob_path(&self, sha256: String) -> ApiResult<String> {
        Ok(self.device().blob_path(&sha256)?.display().to_string())
    }

    /// Starts an on-site, phone or video mediation on an accepted complaint, with both
    /// parties' consent (Art. 18) and, on site, the notice given (Art. 20). The signed-in
    /// officer is a mediator; the case moves to mediating.
    pub fn start_mediation(&self, mediation: NewMediation) -> ApiResult<OnSiteDocument> {
        Ok(self.device().start_mediation(&mediation)?)
    }

    /// Opens an on-site record (现场笔录) or an interview record (询问笔录) on a case.
    pub fn open_record(&self, record: NewRecord) -> ApiResult<OnSiteDocument> {
        Ok(self.device().open_record(&record)?)
    }

    /// One act on a document — a participant, a note, the terms, a signature, the end … —
    /// checked against the document's rules and recorded where the officer stands.
    #[uniffi::method(default(place = None))]
    pub fn act_on_document(
        &self,
        document_id: String,
        act: DocumentAct,
        place: Option<GeoPosition>,
    ) -> ApiResult<OnSiteDocument> {
        Ok(self.device().act_on_document(&document_id, act, place)?)
    }

    pub fn get_document(&self, document_id: String) -> ApiResult<OnSiteDocument> {
        Ok(self.device().document(&document_id)?)
    }

    /// A case's mediations and records, oldest first.
    pub fn case_documents(&self, case_id: String) -> ApiResult<Vec<OnSiteDocument>> {
        Ok(self.device().case_documents(&case_id)?)
    }

    /// What a signer is shown, and the SHA-256 their signature is given for: show this text,
    /// then pass its hash with the strokes.
    pub fn document_text(&self, document_id: String) -> ApiResult<DocumentText> {
        Ok(self.device().document_text(&document_id)?)
    }

    /// The document as A4 HTML (signatures embedded) or plain text, for one party's copy.
    #[uniffi::method(default(copy = None))]
    pub fn render_document(
        &self,
        document_id: String,
        format: RenderFormat,
        copy: Option<CopyFor>,
    ) -> ApiResult<String> {
        Ok(self.device().render_document(&document_id, format, copy)?)
    }

    /// Issues the case's notice of `kind`: the 不予受理告知书 after a decline (its reasons and
    /// the Consumer Protection Law's Art. 39 ways), the 终止调解告知书 after a mediation ended
    /// (the ground and the parties' rights; it stops the 7-working-day clock).
    pub fn issue_notice(&self, case_id: String, kind: NoticeKind) -> ApiResult<CaseNotice> {
        Ok(self.device().issue_notice(&case_id, kind)?)
    }

    /// The notices a case was given, oldest first.
    pub fn case_notices(&self, case_id: String) -> ApiResult<Vec<CaseNotice>> {
        Ok(self.device().case_notices(&case_id)?)
    }

    /// The case's last notice of `kind`, as A4 HTML or plain text.
    pub fn render_notice(
        &self,
        case_id: String,
        kind: NoticeKind,
        format: RenderFormat,
    ) -> ApiResult<String> {
        Ok(self.device().render_notice(&case_id, kind, format)?)
    }

    /// 挽回经济损失 of a Beijing month (`YYYY-MM`): agreements concluded in it, per case and
    /// per officer.
    pub fn money_recovered(&self, month: String) -> ApiResult<MoneyRecovered> {
        Ok(self.device().money_recovered(&month)?)
    }

    /// Whether a Beijing date (`YYYY-MM-DD`) is a working day on the mainland. A year without
    /// calendar data is `CoreError::NoCalendarData`, never a guess.
    pub fn is_working_day(&self, date: String) -> ApiResult<bool> {
        let date = calendar::parse_date("date", &date)?;
        Ok(self.device().calendar()?.is_working_day(date)?)
    }

    /// The `days`-th working day after `from` (`from` itself never counts, Art. 45). Past the
    /// calendar data it is provisional, as a deadline is.
    pub fn add_working_days(&self, from: String, days: u32) -> ApiResult<CountedDate> {
        let from = calendar::parse_date("from", &from)?;
        let calendar = self.device().calendar()?;
        let counted = calendar::add_working_days(&calendar, from, days)?;
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
        let start = calendar::parse_date("start", &start)?;
        let calendar = self.device().calendar()?;
        Ok(clocks::due_date(
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

    /// The centre's supervision notes (督办) on the case, with their due days.
    pub fn case_supervisions(&self, case_id: String) -> ApiResult<Vec<Supervision>> {
        Ok(self.device().supervisions(&case_id)?)
    }

    /// Dispatches a vehicle to a case's site (a walk-in at the vehicle, a call the crew took):
    /// the on-scene clock starts, 30 minutes inside an urban area, 60 elsewhere.
    pub fn dispatch(&self, dispatch: NewDispatch) -> ApiResult<Dispatch> {
        Ok(self.device().dispatch(&dispatch)?)
    }

    /// The officer confirms the next step: acknowledged, en route, on scene, cleared.
    pub fn advance_dispatch(&self, dispatch_id: String, step: DispatchStep) -> ApiResult<Dispatch> {
        Ok(self.device().advance_dispatch(&dispatch_id, step)?)
    }

    pub fn case_dispatches(&self, case_id: String) -> ApiResult<Vec<Dispatch>> {
        Ok(self.device().case_dispatches(&case_id)?)
    }

    /// The month's response figures (`YYYY-MM`, Beijing): the share of statutory clocks met,
    /// per kind; on-scene median and 90th percentile, per area type.
    pub fn clock_report(&self, month: String) -> ApiResult<ClockReport> {
        Ok(self.device().clock_report(&month)?)
    }

    /// Replaces the urban areas from a GeoJSON file (Polygon / MultiPolygon features), recorded
    /// in the name of the officer signed in (the centre publishes its own).
    pub fn load_urban_areas(&self, path: String) -> ApiResult<u32> {
        Ok(self.device().load_urban_areas(Path::new(&path))?)
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

    /// The rule-set parameters in force: on-site targets, how arrival is proven, the Art. 17
    /// flag thresholds, the odometer tolerance — the centre's, else the defaults.
    pub fn rule_parameters(&self) -> ApiResult<Parameters> {
        Ok(self.device().rule_parameters()?)
    }

    /// The agency the documents name, as the centre published it (`None` before).
    pub fn agency(&self) -> ApiResult<Option<Agency>> {
        Ok(self.device().agency()?)
    }

    /// The blocks of 调解书 numbers the centre gave this device, each with how many numbers are
    /// left: a device with none left concludes 调解书 with the number to be written in.
    pub fn document_numbers(&self) -> ApiResult<Vec<NumbersLeft>> {
        Ok(self.device().document_numbers()?)
    }

    /// The centre's officer roster: who may sign in, under which enforcement ID, and who as a
    /// supervisor. Empty until the centre publishes one (then any valid officer signs in).
    pub fn officer_roster(&self) -> ApiResult<Vec<RosterEntry>> {
        Ok(self.device().officer_roster()?)
    }

    /// The departments directory for referrals.
    pub fn departments(&self) -> ApiResult<Vec<Department>> {
        Ok(self.device().departments()?)
    }

    /// Replaces the departments directory (reference data the centre also sends), checked
    /// first; recorded in the name of the officer signed in.
    pub fn load_departments(&self, directory: Vec<Department>) -> ApiResult<()> {
        Ok(self.device().load_departments(&directory)?)
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

/// A WGS-84 position (as stored) in GCJ-02, for a Chinese map; unchanged outside mainland
/// China, where those maps use WGS-84 too.
#[uniffi::export]
pub fn to_gcj02(position: GeoPosition) -> GeoPosition {
    let (latitude, longitude) = gcj02::wgs84_to_gcj02(position.latitude, position.longitude);
    GeoPosition {
        latitude,
        longitude,
        ..position
    }
}

/// A point picked on a Chinese (GCJ-02) map, back in WGS-84 for storing.
#[uniffi::export]
pub fn from_gcj02(position: GeoPosition) -> GeoPosition {
    let (latitude, longitude) = gcj02::gcj02_to_wgs84(position.latitude, position.longitude);
    GeoPosition {
        latitude,
        longitude,
        ..position
    }
}

/// The identity codes an officer types, checked as the form is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CodeKind {
    /// 统一社会信用代码 (GB 32100-2015).
    CreditCode,
    /// 居民身份证号码 (GB 11643-1999).
    ResidentId,
    /// A mainland mobile number.
    MobilePhone,
    /// Any phone number Art. 10 accepts: a mobile, a landline with its area code, a number
    /// abroad — as intake checks a complainant's phone.
    Phone,
}

/// A verdict on a code: an invalid code is an answer, not an error.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct CodeVerdict {
    pub valid: bool,
    /// The code as it is stored (upper case, ASCII, no spaces), when valid.
    pub normalized: Option<String>,
    /// What is wrong, when invalid: "check character should be 7, not 8".
    pub error: Option<String>,
}

/// Checks a credit code, resident ID or phone number the way intake does.
#[uniffi::export]
pub fn check_code(kind: CodeKind, value: String) -> CodeVerdict {
    let today = crate::clock::beijing_today();
    let checked = match kind {
        CodeKind::CreditCode => crate::validate::uscc("value", &value),
        CodeKind::ResidentId => crate::validate::resident_id("value", &value, today),
        CodeKind::MobilePhone => crate::validate::mobile_phone("value", &value),
        CodeKind::Phone => crate::validate::phone("value", &value),
    };
    match checked {
        Ok(normalized) => CodeVerdict {
            valid: true,
            normalized: Some(normalized),
            error: None,
        },
        Err(crate::Error::Invalid { reason, .. }) => CodeVerdict {
            valid: false,
            normalized: None,
            error: Some(reason),
        },
        Err(other) => CodeVerdict {
            valid: false,
            normalized: None,
            error: Some(other.to_string()),
        },
    }
}
