//! `Device`: one store directory, its identity and its log — the core's plain-Rust facade.
//! The UniFFI facade (`api`), the CLI and the benchmarks all go through it.

mod cases;
mod clocks;
mod dispatch;
mod documents;
mod evidence;
mod reference;
mod sync;
mod trips;

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
use crate::cases::{AbuseFlag, Case, CasePage, CaseQuery, CaseState, MerchantView, NewCase, Step};
use crate::clocks::events::PauseReason;
use crate::clocks::extension::ExtensionRequest;
use crate::clocks::{Clock, ClockKind};
use crate::dispatch::areas::UrbanAreasLoaded;
use crate::dispatch::{Dispatch, DispatchStep, NewDispatch};
use crate::error::{Error, Result};
use crate::events::EventTime;
use crate::events::decode;
use crate::events::log::{Head, Writer, row_at};
use crate::events::verify::{self, ChainReport};
use crate::events::{Changes, Digest, Topic};
use crate::evidence::blobs::Blobs;
use crate::evidence::events::DeviceFixBody;
use crate::evidence::media::MediaLimits;
use crate::evidence::redact::RedactionManifest;
use crate::evidence::verify::EvidenceReport;
use crate::evidence::{Evidence, FixSource, NewEvidence};
use crate::identity::Identity;
use crate::officer::{Officer, Role};
use crate::platform::Platform;
use crate::position::{GeoPoint, GeoPosition};
use crate::shift::{self, OfficerSignedIn, OfficerSignedOut};
use crate::statistics::clock_report::ClockReport;
use crate::statistics::mileage::MonthlyMileage;
use crate::store::{Store, schema};
use crate::time::{self, TimeAnchored, TrustedTime, WallClockJumped};
use crate::trips::{Fix, MapDatum, NewTrip, TrackFormat, TrackReport, Trip, formats};
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
    /// What committed transactions changed since the app was last told (`take_changes`).
    changes: Changes,
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
        crate::evidence::prune::finish_pending(&store.conn, &Blobs::in_store(dir))?;
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
            changes: Changes::default(),
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

    /// What committed since the last call, for the app's change listener; empties it.
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// Notes a change no event records (sync's bookkeeping, a rebuild).
    fn changed(&mut self, topics: &[Topic]) {
        self.changes.add(topics, None);
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
        let (value, head, changes) = self.store.write(|tx| {
            let mut writer = Writer::new(tx, identity, journal::RULES, head, actor, time);
            record_jump(&mut writer, jumped)?;
            let value = f(&mut writer)?;
            Ok((value, writer.head, writer.changes))
        })?;
        self.committed(head, changes, time);
        Ok(value)
    }

    /// After a commit. Out of line, as `record_jump`: `write_as` is made anew for every
    /// closure it is given, and the library's size has a budget.
    #[inline(never)]
    fn committed(&mut self, head: Head, changes: Changes, time: EventTime) {
        self.head = head;
        self.changes.merge(changes);
        self.last_time = Some(time);
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

    /// Bytes on disk: the database with its write-ahead log, and the blobs (photos, copies,
    /// recordings, signatures).
    pub fn storage(&self) -> Result<(u64, u64)> {
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let db = &self.store.path;
        let wal = db.with_file_name(format!("{}-wal", crate::store::FILE_NAME));
        let blobs = self.blobs().entries()?.iter().map(|e| e.bytes).sum();
        Ok((size(db) + size(&wal), blobs))
    }

    fn blobs(&self) -> Blobs {
        Blobs::in_store(self.store.path.parent().unwrap_or(Path::new(".")))
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
        self.changes.merge(Changes::everything());
        Ok(replayed)
    }

    /// Trusted time now, ms.
    pub(crate) fn now_ms(&self) -> Result<i64> {
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

/// Records a jump of the wall clock first in the transaction, if there was one.
#[inline(never)]
fn record_jump(writer: &mut Writer, jumped: Option<WallClockJumped>) -> Result<()> {
    if let Some(jumped) = jumped {
        tracing::warn!(
            by_ms = jumped.by_ms,
            reboot = jumped.monotonic_reset,
            "wall clock jumped"
        );
        writer.append(jumped)?;
    }
    Ok(())
}

/// Replays the log into the projections and recomputes the blind index, in one transaction.
fn replay(store: &mut Store, identity: &Identity) -> Result<u64> {
    store.write(|tx| {
        let replayed = journal::rebuild(tx)?;
        blind::reindex(tx, identity.blind_key())?;
        Ok(replayed)
    })
}

/// Blobs an interrupted `add_evidence` left, which nothing names (`crate::evidence::sweep`). A store
/// that cannot be swept now still opens: the sweep is housekeeping, tried again next open.
fn sweep_unnamed_blobs(conn: &rusqlite::Connection, blobs: &Blobs) {
    match crate::evidence::sweep::sweep(conn, blobs, std::time::SystemTime::now(), blob_names::kept)
    {
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
