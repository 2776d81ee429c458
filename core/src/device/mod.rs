//! `Device`: one store directory, its identity and its log — the core's plain-Rust facade.
//! The UniFFI facade (`api`), the CLI and the benchmarks all go through it.

mod documents;
mod sync;

pub use sync::Session;

use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use uuid::Uuid;

use crate::calendar::years::CalendarYearLoaded;
use crate::calendar::{Calendar, Year, YearData};
use crate::cases::blind;
use crate::cases::departments::{self, Department, DepartmentsLoaded};
use crate::cases::events::PersonalDataPurged;
use crate::cases::grounds::{GroundFacts, Limitation, OfferedGround};
use crate::cases::repeats::EarlierReport;
use crate::cases::supervision::Supervision;
use crate::cases::{
    self, AbuseFlag, Case, CasePage, CaseQuery, CaseState, MerchantView, NewCase, Step,
};
use crate::clocks::events::PauseReason;
use crate::clocks::extension::ExtensionRequest;
use crate::clocks::{self, Clock, ClockKind};
use crate::dispatch::areas::UrbanAreasLoaded;
use crate::dispatch::{self, Dispatch, DispatchStep, NewDispatch};
use crate::error::{Error, Result};
use crate::events::Digest;
use crate::events::EventTime;
use crate::events::decode;
use crate::events::log::{Head, Writer, row_at};
use crate::events::verify::{self, ChainReport};
use crate::evidence::blobs::Blobs;
use crate::evidence::events::DeviceFixBody;
use crate::evidence::media::MediaLimits;
use crate::evidence::redact::RedactionManifest;
use crate::evidence::verify::EvidenceReport;
use crate::evidence::{self, Evidence, FixSource, NewEvidence};
use crate::identity::Identity;
use crate::officer::{Officer, Role};
use crate::platform::Platform;
use crate::position::{GeoPoint, GeoPosition};
use crate::shift::{self, OfficerSignedIn, OfficerSignedOut};
use crate::statistics::clock_report::ClockReport;
use crate::statistics::mileage::MonthlyMileage;
use crate::store::{Store, schema};
use crate::time::{self, TimeAnchored, TrustedTime};
use crate::trips::{self, Fix, MapDatum, NewTrip, TrackFormat, TrackReport, Trip, formats};
use crate::vault;
use crate::{blob_names, files, journal, logging};

pub struct Device {
    store: Store,
    identity: Identity,
    head: Head,
    officer: Option<Officer>,
    platform: Arc<dyn Platform>,
    /// The time of the newest event: a wall clock moving against the monotonic clock since is
    /// a jump.
    last_time: Option<EventTime>,
}

impl Device {
    /// Opens the store in `dir`, creating it (and the device identity) on first use. Reads only
    /// the identity, the chain head and the signed-in officer: the log is not replayed, except
    /// once after an upgrade that changed projection tables.
    pub fn open(dir: &Path, platform: Arc<dyn Platform>) -> Result<Device> {
        logging::route_to(platform.clone());
        let mut store = Store::open(dir)?;
        let identity = Identity::load_or_create(&store.conn, &platform)?;
        vault::install(&store.conn, Some(identity.vault_key()))?;
        let sealed = store.write(|tx| vault::seal_clear_rows(tx))?;
        if sealed > 0 {
            store.truncate_wal()?;
            tracing::info!(sealed, "personal values written before encryption sealed");
        }
        if schema::upgrade_needs_replay(store.upgraded_from) {
            let replayed = replay(&mut store, &identity)?;
            tracing::info!(replayed, "projections rebuilt after a schema upgrade");
        }
        if blind::is_stale(&store.conn)? {
            // Indexed by an older build, without the digests the Art. 17 and Art. 35 matching
            // now uses: made again from the vault.
            let indexed = store.write(|tx| blind::reindex(tx, identity.blind_key()))?;
            tracing::info!(indexed, "blind index made again");
        }
        // Deletions an interrupted prune recorded but did not finish.
        evidence::prune::finish_pending(&store.conn, &Blobs::in_store(dir))?;
        sweep_unnamed_blobs(&store.conn, &Blobs::in_store(dir));
        let head = Head::read(&store.conn)?;
        let officer = shift::current(&store.conn)?;
        let last_time = last_event_time(&store.conn, head.seq)?;
        Ok(Device {
            store,
            identity,
            head,
            officer,
            platform,
            last_time,
        })
    }

    pub fn device_id(&self) -> Uuid {
        self.identity.device_id
    }

    pub fn device_prefix(&self) -> &str {
        &self.identity.prefix
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.identity.verifying_key().to_bytes()
    }

    pub fn head(&self) -> Head {
        self.head
    }

    pub fn officer(&self) -> Option<&Officer> {
        self.officer.as_ref()
    }

    /// Appends the events `f` makes in one transaction, in the name of the signed-in officer.
    /// They share one timestamp: they record one act.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Writer) -> Result<T>) -> Result<T> {
        let actor = self.officer.clone().ok_or(Error::NotSignedIn)?;
        self.write_as(actor, f)
    }

    /// A wall clock that jumped since the last event is recorded first, in the same
    /// transaction.
    fn write_as<T>(
        &mut self,
        actor: Officer,
        f: impl FnOnce(&mut Writer) -> Result<T>,
    ) -> Result<T> {
        let time = self.now()?;
        let jumped = self
            .last_time
            .and_then(|last| time::jump(&last, time.wall_ms, time.monotonic_ms));
        let (identity, head) = (&self.identity, self.head);
        let (value, head) = self.store.write(|tx| {
            let mut writer = Writer::new(tx, identity, journal::RULES, head, actor, time);
            if let Some(jumped) = jumped {
                tracing::warn!(
                    by_ms = jumped.by_ms,
                    reboot = jumped.monotonic_reset,
                    "wall clock jumped"
                );
                writer.append(jumped)?;
            }
            let value = f(&mut writer)?;
            Ok((value, writer.head))
        })?;
        self.head = head;
        self.last_time = Some(time);
        Ok(value)
    }

    /// Signs `officer` in as an officer; whoever was signed in is signed out first.
    pub fn sign_in(&mut self, officer: Officer) -> Result<()> {
        self.sign_in_as(officer, Role::Officer)
    }

    /// Signs `officer` in with a role.
    pub fn sign_in_as(&mut self, officer: Officer, role: Role) -> Result<()> {
        crate::roster::admits(&self.store.conn, &officer, role)?;
        if self.officer.as_ref() == Some(&officer) && self.role()? == role {
            return Ok(());
        }
        if self.officer.is_some() {
            self.sign_out()?;
        }
        self.write_as(officer.clone(), |w| w.append(OfficerSignedIn { role }))?;
        self.officer = Some(officer);
        Ok(())
    }

    /// The role of the officer signed in.
    pub fn role(&self) -> Result<Role> {
        shift::current_role(&self.store.conn)
    }

    pub fn sign_out(&mut self) -> Result<()> {
        self.write(|w| w.append(OfficerSignedOut {}))?;
        self.officer = None;
        Ok(())
    }

    pub fn open_case(&mut self, new: &NewCase) -> Result<Case> {
        let id = self.write(|w| cases::open(w, new))?;
        self.case(&id.to_string())
    }

    pub fn case(&self, id_or_number: &str) -> Result<Case> {
        cases::get(&self.store.conn, id_or_number)
    }

    pub fn cases(&self, query: &CaseQuery) -> Result<CasePage> {
        cases::list(&self.store.conn, self.identity.blind_key(), query)
    }

    /// Takes a workflow step on a case, where the officer stands (`place`), with a note.
    pub fn take_step(
        &mut self,
        case: &str,
        step: &Step,
        note: Option<&str>,
        place: Option<GeoPoint>,
    ) -> Result<CaseState> {
        let case_id = cases::id_of(&self.store.conn, case)?;
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
            if let Some(why) = cases::grounds::note_required(*reason, &self.ground_facts(case)?) {
                return Err(Error::invalid("note", why));
            }
        }
        self.write(|w| {
            w.position = place;
            cases::take_step(w, case_id, step, note)
        })
    }

    /// The Art. 17 signs on a case, among this device's complaints.
    pub fn abuse_flags(&self, case: &str) -> Result<Vec<AbuseFlag>> {
        let case_id = cases::id_of(&self.store.conn, case)?;
        cases::abuse_flags::for_case(&self.store.conn, &case_id.to_string(), self.now_ms()?)
    }

    /// The grounds a complaint may be declined on now, under its own rules, those its facts
    /// suggest marked (`cases::grounds`). Only while it may be declined.
    pub fn decline_grounds(&self, case: &str) -> Result<Vec<OfferedGround>> {
        Ok(cases::grounds::offered(&self.ground_facts(case)?))
    }

    /// Earlier reports by the same reporter about the same business (Art. 35).
    pub fn earlier_reports(&self, case: &str) -> Result<Vec<EarlierReport>> {
        let case_id = cases::id_of(&self.store.conn, case)?;
        cases::repeats::earlier_reports(&self.store.conn, &case_id.to_string())
    }

    /// What the offer of grounds is made from: the rules in force, the agents, and the
    /// limitation clock.
    fn ground_facts(&self, case: &str) -> Result<GroundFacts> {
        let found = self.case(case)?;
        let probe = Step::Decline {
            reason: cases::DeclineReason::OtherLegalGround,
        };
        cases::workflow::next(found.kind, found.state, &probe)?;
        let now = self.now_ms()?;
        let limitation = self
            .case_clocks(&found.id)?
            .into_iter()
            .find(|c| c.kind == ClockKind::Limitation);
        let limitation = match (limitation, found.matter.occurred_on.as_deref()) {
            (Some(c), _) if c.state == clocks::ClockState::Breached => Limitation::Barred,
            (Some(_), Some(day)) => Limitation::Recent(crate::validate::date("occurred_on", day)?),
            _ => Limitation::Unknown,
        };
        Ok(GroundFacts {
            rule_set: cases::projection::rule_set_at(&self.store.conn, &found.id, now)?,
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
            Ok(found) => cases::merchant::view(&found).map_err(|_| not_found()),
            Err(Error::NotFound { .. }) => Err(not_found()),
            Err(e) => Err(e),
        }
    }

    /// Starts a trip of a vehicle; returns it.
    pub fn start_trip(&mut self, new: &NewTrip) -> Result<Trip> {
        let id = self.write(|w| trips::start(w, new))?;
        self.trip(&id.to_string())
    }

    /// Records fixes on an open trip; returns the track as measured now. One write: the
    /// fixes, the arrival of a dispatch of the trip's vehicle that the first fix proving it
    /// marks on scene, and the GNSS time the fixes carry if it improves the anchor.
    pub fn record_fixes(&mut self, trip: &str, fixes: &[Fix]) -> Result<TrackReport> {
        let id = trip_id(trip)?;
        let monotonic_ms = self.platform.monotonic_ms();
        self.write(|w| {
            let vehicle = trips::projection::get(w.conn(), id)?.vehicle;
            trips::record(w, id, fixes)?;
            dispatch::detect_arrival(w, &vehicle, fixes)?;
            let gnss = trips::gnss_anchor(fixes);
            if let Some(anchor) = time::better_anchor(w.conn(), gnss, monotonic_ms)? {
                w.append(TimeAnchored { anchor })?;
            }
            Ok(trips::projection::get(w.conn(), id)?.track)
        })
    }

    pub fn end_trip(&mut self, trip: &str, odometer_km: Option<f64>) -> Result<Trip> {
        let id = trip_id(trip)?;
        self.write(|w| trips::end(w, id, odometer_km, None))?;
        self.trip(trip)
    }

    /// Enters a whole recorded trip (a GPX file's track) in one go.
    pub fn import_trip(&mut self, new: &NewTrip, fixes: &[Fix]) -> Result<Trip> {
        let id = self.write(|w| trips::import(w, new, fixes))?;
        self.trip(&id.to_string())
    }

    /// Enters the track of a GPX file as one trip: every segment of every track, in file
    /// order, so that the time between segments is reported as gaps.
    pub fn import_gpx(&mut self, path: &Path, new: &NewTrip) -> Result<Trip> {
        let file = files::open_limited(path, formats::MAX_GPX_BYTES)?;
        let fixes: Vec<Fix> = formats::read_gpx(BufReader::new(file))?
            .into_iter()
            .flatten()
            .collect();
        if fixes.is_empty() {
            return Err(Error::invalid(
                "gpx",
                format!("{} holds no track points", path.display()),
            ));
        }
        self.import_trip(new, &fixes)
    }

    /// Writes the trip's track (the fixes the filters keep) as GPX or GeoJSON, whole or not at
    /// all.
    pub fn export_trip(&self, trip: &str, format: TrackFormat, path: &Path) -> Result<()> {
        let found = self.trip(trip)?;
        let fixes = trips::kept(self.trip_fixes(trip)?, self.now_ms()?);
        files::write_atomically(path, |out| match format {
            TrackFormat::Gpx => formats::write_gpx(&found.title(), &fixes, out),
            TrackFormat::Geojson => {
                let geojson = formats::to_geojson(&fixes, found.properties());
                serde_json::to_writer(out, &geojson).map_err(|e| Error::file(path, e))
            }
        })
    }

    /// The trip's route for a map, in the map's datum.
    pub fn trip_route(&self, trip: &str, datum: MapDatum) -> Result<Vec<GeoPosition>> {
        Ok(trips::route(self.trip_fixes(trip)?, self.now_ms()?, datum))
    }

    /// Takes a photo or recording into a case's evidence: the original into the blob store,
    /// EXIF read, copies made, all of it recorded in one signed event.
    pub fn add_evidence(&mut self, new: &NewEvidence) -> Result<Evidence> {
        let case = cases::get(&self.store.conn, &new.case_id)?;
        let case_id = cases::id_of(&self.store.conn, &case.id)?;
        let trusted_ms = self.now_ms()?;
        let capture = evidence::Capture {
            case_id,
            case_number: &case.number,
            trusted_ms,
            device_fix: self.device_fix(new, trusted_ms)?,
        };
        let body = evidence::prepare(&self.blobs(), new, &capture, &MediaLimits::default())?;
        let id = self.write(|w| evidence::record(w, body, new.note.as_deref()))?;
        self.evidence(&id.to_string())
    }

    /// Where the device was at capture: the position the app gave, else the newest trip fix
    /// if it is recent enough to be where the device is now.
    fn device_fix(&self, new: &NewEvidence, now_ms: i64) -> Result<Option<DeviceFixBody>> {
        if let Some(place) = &new.place {
            return Ok(Some(DeviceFixBody {
                point: place.to_point("place")?,
                time_ms: new.place_time_ms.unwrap_or(now_ms),
                source: FixSource::App,
            }));
        }
        let newest = trips::projection::latest_fix(&self.store.conn)?;
        Ok(newest
            .filter(|f| (now_ms - f.time_ms).abs() <= evidence::limits::FIX_MAX_AGE_MS)
            .and_then(|f| {
                let point = GeoPoint::from_degrees("fix", f.latitude, f.longitude, f.accuracy_m);
                point.ok().map(|point| DeviceFixBody {
                    point,
                    time_ms: f.time_ms,
                    source: FixSource::Trip,
                })
            }))
    }

    pub fn evidence(&self, id: &str) -> Result<Evidence> {
        evidence::projection::get(&self.store.conn, id.trim())
    }

    /// A case's evidence, in the order captured.
    pub fn evidence_of_case(&self, case: &str) -> Result<Vec<Evidence>> {
        let case_id = cases::id_of(&self.store.conn, case)?;
        evidence::projection::of_case(&self.store.conn, &case_id.to_string())
    }

    /// Checks a piece of evidence again from the bytes: event, chain, blobs.
    pub fn verify_evidence(&self, id: &str) -> Result<EvidenceReport> {
        let seq = evidence::projection::seq_of(&self.store.conn, id.trim())?;
        self.verify_evidence_at(&[(id.trim().to_string(), seq)])
            .map(|mut reports| reports.remove(0))
    }

    /// Every piece of evidence on the device, checked.
    pub fn verify_all_evidence(&self) -> Result<Vec<EvidenceReport>> {
        self.verify_evidence_at(&evidence::projection::all(&self.store.conn)?)
    }

    /// The chain is walked once, up to the newest piece.
    fn verify_evidence_at(&self, pieces: &[(String, u64)]) -> Result<Vec<EvidenceReport>> {
        let key = self.identity.verifying_key();
        let last = pieces.iter().map(|(_, seq)| *seq).max().unwrap_or(0);
        let conn = &self.store.conn;
        let chain_break = verify::chain_through(
            conn,
            self.identity.device_id,
            &key,
            journal::read_stored,
            last,
        )?;
        let prunes = evidence::prune::signed_prunes(conn, &key)?;
        let blobs = self.blobs();
        pieces
            .iter()
            .map(|(id, seq)| {
                let archived = prunes.get(id);
                evidence::verify::evidence(
                    conn,
                    &blobs,
                    &key,
                    id,
                    *seq,
                    chain_break.as_ref(),
                    archived,
                )
            })
            .collect()
    }

    /// Writes a photo's redacted copy to `out`, its manifest beside it.
    pub fn export_redacted(&self, id: &str, out: &Path) -> Result<RedactionManifest> {
        evidence::redact::export(&self.blobs(), &self.evidence(id)?, out)
    }

    /// Deletes the originals the centre holds whose retention has passed
    /// (`evidence::prune::RETENTION`), keeping their hashes, display copies and thumbnails;
    /// records each as `EvidenceOriginalPruned`. Nothing eligible: nothing recorded.
    pub fn prune_originals(&mut self) -> Result<evidence::prune::PruneReport> {
        let report = self.record_prunes()?;
        evidence::prune::finish_pending(&self.store.conn, &self.blobs())?;
        Ok(report)
    }

    /// The first half of `prune_originals`: the prunes recorded, the files not yet deleted
    /// (what an interruption leaves; the next prune or open deletes them).
    pub fn record_prunes(&mut self) -> Result<evidence::prune::PruneReport> {
        let blobs = self.blobs();
        evidence::prune::finish_pending(&self.store.conn, &blobs)?;
        let kept = blob_names::kept(&self.store.conn)?;
        let candidates =
            evidence::prune::eligible(&self.store.conn, &blobs, self.now_ms()?, &kept)?;
        if candidates.is_empty() {
            return Ok(Default::default());
        }
        self.write(|w| evidence::prune::record(w, &candidates))
    }

    /// The file holding the blob with this SHA-256 (an original or a copy), for the app to show.
    /// A pruned original is not on the device: `NotFound`, saying so.
    pub fn blob_path(&self, sha256: &str) -> Result<std::path::PathBuf> {
        let digest = Digest::from_hex(sha256.trim())
            .ok_or_else(|| Error::invalid("sha256", "is not 64 hex digits"))?;
        if evidence::prune::is_pruned(&self.store.conn, &digest)? {
            return Err(Error::NotFound {
                what: "blob",
                id: sha256.trim().to_string(),
            });
        }
        let path = self.blobs().path(&digest);
        if !path.exists() {
            return Err(Error::NotFound {
                what: "blob",
                id: sha256.trim().to_string(),
            });
        }
        Ok(path)
    }

    fn blobs(&self) -> Blobs {
        Blobs::in_store(self.store.path.parent().unwrap_or(Path::new(".")))
    }

    /// A trip's fixes, as recorded.
    pub fn trip_fixes(&self, trip: &str) -> Result<Vec<Fix>> {
        let id = trip_id(trip)?;
        self.trip(trip)?;
        trips::projection::fixes_of(&self.store.conn, &id.to_string())
    }

    /// A trip with its track as measured so far.
    pub fn trip(&self, trip: &str) -> Result<Trip> {
        trips::projection::get(&self.store.conn, trip_id(trip)?)
    }

    /// The month's mileage (`YYYY-MM`, Beijing), of one vehicle or all.
    pub fn monthly_mileage(&self, month: &str, vehicle: Option<&str>) -> Result<MonthlyMileage> {
        crate::statistics::mileage::month(&self.store.conn, month, vehicle, self.now_ms()?)
    }

    /// The calendar in force: built-in data and the years loaded into this store.
    pub fn calendar(&self) -> Result<Calendar> {
        Calendar::of_store(&self.store.conn)
    }

    /// The clocks of a case, now.
    pub fn case_clocks(&self, case: &str) -> Result<Vec<Clock>> {
        clocks::state::of_case(&self.store.conn, &self.calendar()?, case, self.now_ms()?)
    }

    /// Every breached clock of any case (the limitation check left out).
    pub fn breached_clocks(&self) -> Result<Vec<Clock>> {
        clocks::state::breached(&self.store.conn, &self.calendar()?, self.now_ms()?)
    }

    /// Running clocks due within `within_ms` (breached ones included), soonest first.
    pub fn due_clocks(&self, within_ms: i64) -> Result<Vec<Clock>> {
        clocks::state::due(
            &self.store.conn,
            &self.calendar()?,
            self.now_ms()?,
            within_ms,
        )
    }

    /// Pauses a case's clock for testing or appraisal (the time is excluded).
    pub fn pause_clock(&mut self, case: &str, kind: ClockKind, reason: PauseReason) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            clocks::pause(w, calendar, case_id, kind, reason)
        })
    }

    pub fn resume_clock(&mut self, case: &str, kind: ClockKind) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            clocks::resume(w, calendar, case_id, kind)
        })
    }

    /// Starts a clock no workflow step starts (violation check, penalty case, jurisdiction,
    /// evidence preservation).
    pub fn start_clock(&mut self, case: &str, kind: ClockKind) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            clocks::start(w, calendar, case_id, kind)
        })
    }

    pub fn stop_clock(&mut self, case: &str, kind: ClockKind) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            clocks::stop(w, calendar, case_id, kind)
        })
    }

    /// Approves a clock's statutory extension: the officer signed in must be a supervisor.
    pub fn extend_clock(&mut self, case: &str, kind: ClockKind) -> Result<()> {
        let role = self.role()?;
        self.clock_act(case, |w, calendar, case_id| {
            clocks::extend(w, calendar, case_id, kind, role)
        })
    }

    /// Asks the centre to extend a clock (its answer arrives with a sync).
    pub fn request_extension(&mut self, case: &str, kind: ClockKind, reason: &str) -> Result<()> {
        self.clock_act(case, |w, calendar, case_id| {
            clocks::extension::request(w, calendar, case_id, kind, reason)
        })
    }

    pub fn extension_requests(&self, case: &str) -> Result<Vec<ExtensionRequest>> {
        let case_id = cases::id_of(&self.store.conn, case)?;
        clocks::extension::of_case(&self.store.conn, &case_id.to_string())
    }

    /// The centre's supervision notes (督办) on a case.
    pub fn supervisions(&self, case: &str) -> Result<Vec<Supervision>> {
        let case_id = cases::id_of(&self.store.conn, case)?;
        let today = crate::time::beijing_date(self.now_ms()?)?;
        cases::supervision::of_case(&self.store.conn, &case_id.to_string(), today)
    }

    /// An act on a case's clocks, judged against the calendar in force.
    fn clock_act(
        &mut self,
        case: &str,
        act: impl FnOnce(&mut Writer, &Calendar, Uuid) -> Result<()>,
    ) -> Result<()> {
        let (case_id, calendar) = (cases::id_of(&self.store.conn, case)?, self.calendar()?);
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

    /// Dispatches a vehicle to a case's site; its on-scene clock starts.
    pub fn dispatch(&mut self, new: &NewDispatch) -> Result<Dispatch> {
        let case_id = cases::id_of(&self.store.conn, &new.case_id)?;
        let id = self.write(|w| dispatch::dispatch(w, case_id, new))?;
        dispatch::projection::get(&self.store.conn, id, self.now_ms()?)
    }

    /// The officer confirms the next step of a dispatch.
    pub fn advance_dispatch(&mut self, id: &str, step: DispatchStep) -> Result<Dispatch> {
        let id = Uuid::parse_str(id.trim())
            .map_err(|_| Error::invalid("dispatch_id", "is not an id"))?;
        self.write(|w| dispatch::advance(w, id, step))?;
        dispatch::projection::get(&self.store.conn, id, self.now_ms()?)
    }

    pub fn case_dispatches(&self, case: &str) -> Result<Vec<Dispatch>> {
        let case_id = cases::id_of(&self.store.conn, case)?;
        dispatch::projection::of_case(&self.store.conn, &case_id.to_string(), self.now_ms()?)
    }

    /// Replaces the urban areas (a GeoJSON file of polygons), checked first; returns how many.
    /// Recorded (`UrbanAreasLoaded`): the dispatch clocks this device runs depend on them.
    pub fn load_urban_areas(&mut self, path: &Path) -> Result<u32> {
        let mut geojson = String::new();
        files::open_limited(path, dispatch::areas::MAX_URBAN_AREAS_BYTES as u64)?
            .read_to_string(&mut geojson)
            .map_err(|e| Error::file(path, e))?;
        let areas = dispatch::areas::parse(&geojson)?.len() as u32;
        self.write(|w| w.append(UrbanAreasLoaded { geojson }))?;
        Ok(areas)
    }

    /// Loads a year's holidays and adjusted working days (reference data), checked first.
    /// Recorded (`CalendarYearLoaded`): the deadlines this device computes depend on it.
    pub fn load_calendar_year(&mut self, data: YearData) -> Result<()> {
        Year::check(data.clone())?;
        self.write(|w| w.append(CalendarYearLoaded { year: data }).map(drop))
    }

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

    /// Deletes the case's personal data from the vault and records that it did. Returns how
    /// many values were deleted (0 if none were left, and then nothing is recorded).
    pub fn purge_personal_data(&mut self, case: &str) -> Result<usize> {
        let case_id = cases::id_of(&self.store.conn, case)?;
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

    pub fn verify_chain(&self) -> Result<ChainReport> {
        verify::verify_chain(
            &self.store.conn,
            self.identity.device_id,
            &self.identity.verifying_key(),
            journal::read_stored,
        )
    }

    /// Empties the projections and replays the log into them; returns the events replayed.
    pub fn rebuild_projections(&mut self) -> Result<u64> {
        let replayed = replay(&mut self.store, &self.identity)?;
        self.officer = shift::current(&self.store.conn)?;
        Ok(replayed)
    }

    /// Trusted time now, ms.
    fn now_ms(&self) -> Result<i64> {
        Ok(self.now()?.trusted_ms)
    }

    /// The time an event made now would carry: the anchor carried on the monotonic clock, or
    /// the wall clock.
    fn now(&self) -> Result<EventTime> {
        let anchor = time::anchor(&self.store.conn)?;
        Ok(time::event_time(
            self.platform.wall_ms(),
            self.platform.monotonic_ms(),
            anchor.as_ref(),
        ))
    }

    /// Trusted time now, with its source and uncertainty.
    pub fn trusted_time(&self) -> Result<TrustedTime> {
        Ok(self.now()?.into())
    }

    /// A server time sample (sent and received on the monotonic clock, the server's time in
    /// the response): it anchors trusted time if it is better than the anchor in force.
    pub fn record_server_time(
        &mut self,
        sent_monotonic_ms: u64,
        received_monotonic_ms: u64,
        server_ms: i64,
    ) -> Result<TrustedTime> {
        let candidate = time::server_anchor(sent_monotonic_ms, received_monotonic_ms, server_ms)?;
        let now = self.platform.monotonic_ms();
        if let Some(anchor) = time::better_anchor(&self.store.conn, Some(candidate), now)? {
            self.write(|w| w.append(TimeAnchored { anchor }).map(drop))?;
        }
        self.trusted_time()
    }

    /// The database connection, for tests and tools that inspect the store.
    pub fn connection(&self) -> &rusqlite::Connection {
        &self.store.conn
    }
}

/// Replays the log into the projections and recomputes the blind index, in one transaction.
fn replay(store: &mut Store, identity: &Identity) -> Result<u64> {
    store.write(|tx| {
        let replayed = journal::rebuild(tx)?;
        blind::reindex(tx, identity.blind_key())?;
        Ok(replayed)
    })
}

/// Blobs an interrupted `add_evidence` left, which nothing names (`evidence::sweep`). A store
/// that cannot be swept now still opens: the sweep is housekeeping, tried again next open.
fn sweep_unnamed_blobs(conn: &rusqlite::Connection, blobs: &Blobs) {
    match evidence::sweep::sweep(conn, blobs, std::time::SystemTime::now(), blob_names::kept) {
        Ok(swept) if swept.files > 0 => {
            tracing::info!(
                files = swept.files,
                bytes = swept.bytes,
                "unnamed blobs swept"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("unnamed blobs not swept: {e}"),
    }
}

/// The time recorded in the event at `seq`, if there is one.
fn last_event_time(conn: &rusqlite::Connection, seq: u64) -> Result<Option<EventTime>> {
    let Some(row) = row_at(conn, seq)? else {
        return Ok(None);
    };
    let envelope = decode(&row.canonical).map_err(|reason| Error::Corrupt { seq, reason })?;
    Ok(Some(envelope.time))
}

fn trip_id(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| Error::invalid("trip_id", "is not a trip id"))
}
