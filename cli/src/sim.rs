//! `redshield sim`: a load test of a running centre. Each simulated device is a real core in a
//! store of its own under one temp directory, on the CLI's own platform (`KeyFilePlatform`),
//! driven through the same `FieldCore` calls as the apps: it signs an officer in, enrols with
//! a code from the centre, starts a patrol, records realistic cases (with fixes between them,
//! photos now and then) and syncs, concurrently with the others. Then it reports throughput,
//! push latencies and errors, and checks that the centre holds every device's log to its head.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use clap::Args;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use redshield_core::api::{
    Business, CaseKind, Channel, CoreError, DeclineReason, DemandKind, EvidenceKind, FieldCore,
    Fix, GeoPosition, NewCase, NewEvidence, NewMatter, NewTrip, Outcome, Person, Purpose, Role,
    Step,
};
use redshield_core::clock::beijing_today;
use redshield_core::sync::transport::Method;
use redshield_core::validate::uscc_check_char;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::Failure;
use crate::centre::{AdminAccess, runtime};
use crate::output::Output;
use crate::platform::KeyFilePlatform;

#[derive(Args)]
pub struct Sim {
    #[command(flatten)]
    centre: AdminAccess,
    /// Simulated devices, each enrolled with its own code.
    #[arg(long, default_value_t = 200)]
    devices: u32,
    /// Cases each device records.
    #[arg(long, default_value_t = 20)]
    cases_per_device: u32,
    /// Devices working at once [default: all].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: Option<u32>,
    /// A device syncs after every N cases it records, and once more at the end.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    sync_every: u32,
    /// Seeds the field work: the same seed makes the same cases, photos and tracks.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Syncs at the end until the centre holds a device's head: a sync may record events after
/// its push (a better time anchor), which the next one sends.
const FINAL_SYNCS: u32 = 3;
/// Fixes recorded between two cases, one every `FIX_EVERY_MS`.
const FIXES_PER_LEG: usize = 20;
const FIX_EVERY_MS: i64 = 3_000;

pub fn run(args: Sim, out: &Output) -> Result<ExitCode, Failure> {
    let root = tempfile::Builder::new()
        .prefix("redshield-sim-")
        .tempdir()
        .map_err(|e| Failure::Setup(format!("no temp directory for the devices: {e}")))?;
    let report = runtime()?.block_on(simulate(&args, root.path()))?;
    let ok = report.is_clean();
    out.print(report.json(), || report.text());
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// What one device is given to do.
struct Plan {
    number: u32,
    dir: PathBuf,
    server: String,
    ca: Option<Vec<u8>>,
    code: String,
    cases: u32,
    sync_every: u32,
    seed: u64,
}

/// What one device did.
#[derive(Default)]
struct Tally {
    device_id: String,
    cases: u64,
    photos: u64,
    syncs: u64,
    events_pushed: u64,
    requests: u64,
    bytes_sent: u64,
    blobs_sent: u64,
    push_latencies: Vec<Duration>,
    head_seq: u64,
    acked_seq: u64,
}

async fn simulate(args: &Sim, root: &Path) -> Result<SimReport, Failure> {
    let codes = enrolment_codes(&args.centre, args.devices).await?;
    let ca = args.centre.ca_pem()?;
    let limit = Arc::new(Semaphore::new(
        args.concurrency.unwrap_or(args.devices).max(1) as usize,
    ));
    let counters_before = centre_counters(&args.centre).await?;
    let started = Instant::now();
    let mut devices = JoinSet::new();
    for (number, code) in (0..).zip(codes) {
        let plan = Plan {
            number,
            dir: root.join(format!("device-{number:04}")),
            server: args.centre.server().to_string(),
            ca: ca.clone(),
            code,
            cases: args.cases_per_device,
            sync_every: args.sync_every,
            seed: args.seed,
        };
        let limit = limit.clone();
        devices.spawn(async move {
            let _turn = limit.acquire_owned().await;
            let number = plan.number;
            run_device(plan)
                .await
                .map_err(|e| format!("device {number}: {e}"))
        });
    }
    let mut tallies = Vec::new();
    let mut errors = Vec::new();
    while let Some(done) = devices.join_next().await {
        match done {
            Ok(Ok(tally)) => tallies.push(tally),
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(format!("a device task failed: {e}")),
        }
    }
    let elapsed = started.elapsed();
    let held = held_seqs(&args.centre).await?;
    let centre = centre_counters(&args.centre).await?.since(&counters_before);
    Ok(SimReport::new(
        args, tallies, errors, elapsed, &held, centre,
    ))
}

/// One code per device, asked for before the clock starts.
async fn enrolment_codes(centre: &AdminAccess, devices: u32) -> Result<Vec<String>, Failure> {
    let mut codes = Vec::new();
    for _ in 0..devices {
        let body = json!({ "ttl_seconds": 3600 });
        let answer = centre
            .ask_async("POST", "/v1/admin/enrolment-codes", Some(body))
            .await?;
        let code = answer["code"]
            .as_str()
            .ok_or_else(|| Failure::Setup("the centre's answer holds no code".into()))?;
        codes.push(code.to_string());
    }
    Ok(codes)
}

/// Every device's highest seq the centre holds, by device id.
async fn held_seqs(centre: &AdminAccess) -> Result<HashMap<String, u64>, Failure> {
    let answer = centre.ask_async("GET", "/v1/admin/devices", None).await?;
    let devices = answer["devices"].as_array().cloned().unwrap_or_default();
    Ok(devices
        .iter()
        .filter_map(|d| {
            Some((
                d["device_id"].as_str()?.to_string(),
                d["held_seq"].as_u64()?,
            ))
        })
        .collect())
}

/// What the centre counted (its `/metrics`), as far as the simulation is concerned.
#[derive(Debug, Default, Clone, Copy)]
struct CentreCounters {
    events_stored: u64,
    duplicates: u64,
    forks: u64,
    replica_failures: u64,
    evidence_intact: u64,
    evidence_not_intact: u64,
    /// Answers with a 5xx status, every route.
    server_errors: u64,
}

impl CentreCounters {
    fn from_metrics(text: &str) -> CentreCounters {
        let mut counters = CentreCounters::default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let value: u64 = value.trim().parse().unwrap_or(0);
            let counter = match name {
                "redshield_events_stored_total" => &mut counters.events_stored,
                "redshield_events_duplicate_total" => &mut counters.duplicates,
                "redshield_forks_total" => &mut counters.forks,
                "redshield_replica_failures_total" => &mut counters.replica_failures,
                "redshield_evidence_intact_total" => &mut counters.evidence_intact,
                "redshield_evidence_not_intact_total" => &mut counters.evidence_not_intact,
                n if n.starts_with("redshield_http_requests_total") && n.contains("status=\"5") => {
                    &mut counters.server_errors
                }
                _ => continue,
            };
            *counter += value;
        }
        counters
    }

    /// What was counted after `before`.
    fn since(self, before: &CentreCounters) -> CentreCounters {
        CentreCounters {
            events_stored: self.events_stored.saturating_sub(before.events_stored),
            duplicates: self.duplicates.saturating_sub(before.duplicates),
            forks: self.forks.saturating_sub(before.forks),
            replica_failures: self
                .replica_failures
                .saturating_sub(before.replica_failures),
            evidence_intact: self.evidence_intact.saturating_sub(before.evidence_intact),
            evidence_not_intact: self
                .evidence_not_intact
                .saturating_sub(before.evidence_not_intact),
            server_errors: self.server_errors.saturating_sub(before.server_errors),
        }
    }
}

async fn centre_counters(centre: &AdminAccess) -> Result<CentreCounters, Failure> {
    let ca = centre.ca_pem()?;
    let http = redshield_core::sync::client::transport(centre.server(), ca.as_deref())
        .map_err(|e| Failure::Setup(e.to_string()))?;
    let fetched = http.send(Method::GET, "/metrics", &[], Vec::new()).await;
    let text = match fetched {
        Ok(answer) if answer.status.is_success() => {
            Ok(String::from_utf8_lossy(&answer.body).into_owned())
        }
        Ok(answer) => Err(format!("HTTP {}", answer.status)),
        Err(e) => Err(e),
    }
    .map_err(|e| {
        Failure::Setup(format!(
            "the centre's counters at {}/metrics: {e}",
            http.centre()
        ))
    })?;
    Ok(CentreCounters::from_metrics(&text))
}

async fn run_device(plan: Plan) -> Result<Tally, String> {
    let number = plan.number;
    let dir = plan.dir.clone();
    let core = blocking(move || open_device(&dir, number)).await?;
    core.clone()
        .enrol(plan.server.clone(), plan.code.clone(), plan.ca.clone())
        .await
        .map_err(|e| format!("enrolment: {e}"))?;
    let mut tally = Tally {
        device_id: core.device_id(),
        ..Tally::default()
    };
    let mut field = Field::new(&plan);
    field = in_field(&core, field, |core, field| field.start_trip(core)).await?;
    for case in 0..plan.cases {
        field = in_field(&core, field, |core, field| field.record_case(core)).await?;
        if (case + 1) % plan.sync_every == 0 {
            sync(&core, &mut tally).await?;
        }
    }
    field = in_field(&core, field, |core, field| field.end_trip(core)).await?;
    (tally.cases, tally.photos) = (field.cases, field.photos);
    for _ in 0..FINAL_SYNCS {
        sync(&core, &mut tally).await?;
        if tally.acked_seq == tally.head_seq {
            break;
        }
    }
    Ok(tally)
}

fn open_device(dir: &Path, number: u32) -> Result<Arc<FieldCore>, String> {
    let platform = KeyFilePlatform::for_store(dir, false)?;
    let core = FieldCore::open(dir.display().to_string(), Arc::new(platform))
        .map_err(|e| e.to_string())?;
    core.sign_in_as(
        format!(
            "{}{}",
            pick(SURNAMES, number),
            pick(GIVEN_NAMES, number / 10)
        ),
        format!("HN-12315-{:04}", number % 10_000),
        Role::Officer,
    )
    .map_err(|e| e.to_string())?;
    Ok(core)
}

/// Field work on the blocking pool: the core's calls write SQLite with `synchronous=FULL`, and
/// must not hold up the runtime's threads, which carry every device's HTTP.
async fn in_field(
    core: &Arc<FieldCore>,
    mut field: Field,
    work: impl FnOnce(&FieldCore, &mut Field) -> Result<(), CoreError> + Send + 'static,
) -> Result<Field, String> {
    let core = core.clone();
    blocking(move || {
        work(&core, &mut field)
            .map(|()| field)
            .map_err(|e| e.to_string())
    })
    .await
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("a field task failed: {e}"))?
}

async fn sync(core: &Arc<FieldCore>, tally: &mut Tally) -> Result<(), String> {
    let measured = core
        .clone()
        .sync_measured(None, None)
        .await
        .map_err(|e| format!("sync: {e}"))?;
    let report = measured.report;
    tally.syncs += 1;
    tally.events_pushed += report.events_pushed;
    tally.requests += u64::from(report.requests);
    tally.bytes_sent += report.bytes_sent;
    tally.blobs_sent += u64::from(report.blobs_sent);
    tally.push_latencies.extend(measured.push_latencies);
    tally.acked_seq = report.acked_seq;
    tally.head_seq = measured.head_seq;
    Ok(())
}

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN_NAMES: &[&str] = &[
    "芳", "伟", "娜", "秀英", "敏", "静", "磊", "强", "洋", "艳", "军", "丽",
];
const DISTRICTS: &[&str] = &["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区"];
const ROADS: &[&str] = &[
    "五一大道",
    "书院路",
    "劳动路",
    "韶山路",
    "人民路",
    "解放西路",
];
/// A kind of shop and what consumers buy there.
const SHOPS: &[(&str, &[&str])] = &[
    ("超市", &["纯牛奶", "酸奶", "食用油", "大米"]),
    ("电器商行", &["电饭煲", "电风扇", "热水壶"]),
    ("手机店", &["手机", "充电器", "耳机"]),
    ("餐馆", &["套餐", "外卖"]),
    ("药房", &["感冒药", "口罩"]),
    ("健身房", &["年卡", "私教课"]),
    ("培训学校", &["课程"]),
];
const CREDIT_CODE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn pick<T: Copy>(list: &[T], n: u32) -> T {
    list[n as usize % list.len()]
}

/// One device's field work: its own random stream, where its vehicle is, the trip's clock.
struct Field {
    rng: StdRng,
    dir: PathBuf,
    latitude: f64,
    longitude: f64,
    heading_deg: f64,
    /// The GNSS time of the next fix: the trip is laid in the recent past, so that every fix
    /// is older than now however fast the simulation runs.
    fix_ms: i64,
    trip: Option<String>,
    cases: u64,
    photos: u64,
}

impl Field {
    fn new(plan: &Plan) -> Field {
        let mut rng = StdRng::seed_from_u64(plan.seed ^ u64::from(plan.number).rotate_left(32));
        let legs = i64::from(plan.cases) + 1;
        Field {
            // Around Changsha.
            latitude: 28.15 + rng.random_range(0.0..0.1),
            longitude: 112.93 + rng.random_range(0.0..0.1),
            heading_deg: rng.random_range(0.0..360.0),
            fix_ms: Utc::now().timestamp_millis()
                - legs * FIXES_PER_LEG as i64 * FIX_EVERY_MS
                - 60_000,
            rng,
            dir: plan.dir.clone(),
            trip: None,
            cases: 0,
            photos: 0,
        }
    }

    fn start_trip(&mut self, core: &FieldCore) -> Result<(), CoreError> {
        let officer = core.current_officer().map(|o| o.name).unwrap_or_default();
        let trip = core.start_trip(NewTrip {
            vehicle: format!("湘A·{:05}", self.rng.random_range(10_000..100_000)),
            crew: vec![officer],
            crew_count: Some(self.rng.random_range(1..=3)),
            purpose: Purpose::Patrol,
            case_id: None,
            odometer_km: Some(f64::from(self.rng.random_range(10_000..90_000))),
            odometer_photo: None,
            started_at_ms: Some(self.fix_ms),
        })?;
        self.trip = Some(trip.id);
        Ok(())
    }

    fn end_trip(&mut self, core: &FieldCore) -> Result<(), CoreError> {
        if let Some(trip) = self.trip.take() {
            core.end_trip(trip, None)?;
        }
        Ok(())
    }

    /// Drives to the next stop (a batch of fixes), takes a case there, sometimes takes a
    /// step on it and photographs the goods.
    fn record_case(&mut self, core: &FieldCore) -> Result<(), CoreError> {
        self.drive(core)?;
        let kind = match self.rng.random_range(0..20) {
            0..14 => CaseKind::Complaint,
            14..17 => CaseKind::Consultation,
            _ => CaseKind::Report,
        };
        let case = core.open_case(self.new_case(kind))?;
        self.cases += 1;
        if let Some((step, note)) = self.step_for(kind) {
            core.take_step(
                case.id.clone(),
                step,
                note.map(String::from),
                Some(self.here()),
            )?;
        }
        if kind == CaseKind::Complaint && self.rng.random_bool(0.25) {
            self.photograph(core, &case.id)?;
        }
        Ok(())
    }

    fn drive(&mut self, core: &FieldCore) -> Result<(), CoreError> {
        let Some(trip) = self.trip.clone() else {
            return Ok(());
        };
        let mut fixes = Vec::with_capacity(FIXES_PER_LEG);
        for _ in 0..FIXES_PER_LEG {
            self.heading_deg += self.rng.random_range(-15.0..15.0);
            let speed_mps = self.rng.random_range(4.0..12.0);
            let metres = speed_mps * FIX_EVERY_MS as f64 / 1000.0;
            let (sin, cos) = self.heading_deg.to_radians().sin_cos();
            self.latitude += metres * cos / 111_320.0;
            self.longitude += metres * sin / (111_320.0 * self.latitude.to_radians().cos());
            self.fix_ms += FIX_EVERY_MS;
            fixes.push(Fix {
                accuracy_m: Some(self.rng.random_range(3.0..12.0)),
                speed_mps: Some(speed_mps),
                bearing_deg: Some(self.heading_deg.rem_euclid(360.0)),
                provider: Some("fused".into()),
                ..Fix::at(self.latitude, self.longitude, self.fix_ms)
            });
        }
        core.record_fixes(trip, fixes)?;
        Ok(())
    }

    fn here(&self) -> GeoPosition {
        GeoPosition {
            latitude: self.latitude,
            longitude: self.longitude,
            accuracy_m: Some(8.0),
        }
    }

    fn new_case(&mut self, kind: CaseKind) -> NewCase {
        let (shop, goods) = *SHOPS.choose(&mut self.rng).unwrap_or(&SHOPS[0]);
        let goods = goods.choose(&mut self.rng).copied().unwrap_or("商品");
        let merchant = format!("长沙市{}{}", self.name(), shop);
        let anonymous = kind == CaseKind::Report && self.rng.random_bool(0.3);
        let complainants = if anonymous {
            Vec::new()
        } else {
            vec![self.person()]
        };
        let facts = match kind {
            CaseKind::Complaint => format!("在{merchant}购买的{goods}有质量问题，商家拒绝退换"),
            CaseKind::Consultation => format!("咨询{goods}的七日无理由退货规定"),
            CaseKind::Report => format!("{merchant}销售过期{goods}，价格标示不清"),
        };
        NewCase {
            kind,
            channel: Some(Channel::VehicleWalkIn),
            received_at_ms: None,
            platform_ticket: None,
            complainants,
            joint_complainants: None,
            respondent: (kind != CaseKind::Consultation).then(|| self.business(merchant)),
            matter: NewMatter {
                occurred_on: Some(self.recent_day()),
                place_text: None,
                place: Some(self.here()),
                goods: Some(goods.into()),
                amount_paid_fen: Some(self.rng.random_range(500..200_000)),
                quantity: Some(self.rng.random_range(1..=5)),
                facts,
                demands: match kind {
                    CaseKind::Complaint => vec![
                        *[DemandKind::Refund, DemandKind::Replace, DemandKind::Repair]
                            .choose(&mut self.rng)
                            .unwrap_or(&DemandKind::Refund),
                        DemandKind::Compensation,
                    ],
                    _ => Vec::new(),
                },
                demands_text: None,
                evidence: Vec::new(),
                proof: None,
            },
            also_report: None,
        }
    }

    /// A step officers often take at once: accept or decline a complaint, start checking a
    /// report, answer a consultation; sometimes none yet.
    fn step_for(&mut self, kind: CaseKind) -> Option<(Step, Option<&'static str>)> {
        let roll = self.rng.random_range(0..10);
        match kind {
            CaseKind::Complaint if roll < 6 => Some((Step::Accept, Some("材料齐全，予以受理"))),
            CaseKind::Complaint if roll < 7 => Some((
                Step::Decline {
                    reason: DeclineReason::MaterialsMissing,
                },
                None,
            )),
            CaseKind::Report if roll < 5 => Some((Step::StartVerification, None)),
            CaseKind::Consultation if roll < 8 => Some((
                Step::Close {
                    outcome: Outcome::Answered,
                },
                Some("已当场解答"),
            )),
            _ => None,
        }
    }

    fn photograph(&mut self, core: &FieldCore, case_id: &str) -> Result<(), CoreError> {
        let path = self.dir.join(format!("photo-{}.jpg", self.photos));
        let jpeg = photo(&mut self.rng)?;
        std::fs::write(&path, jpeg).map_err(|e| CoreError::FileUnavailable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        core.add_evidence(NewEvidence {
            case_id: case_id.to_string(),
            path: path.display().to_string(),
            kind: if self.rng.random_bool(0.5) {
                EvidenceKind::Goods
            } else {
                EvidenceKind::Receipt
            },
            note: None,
            caption: false,
            place: Some(self.here()),
            place_time_ms: None,
            rendition: None,
        })?;
        self.photos += 1;
        Ok(())
    }

    fn name(&mut self) -> String {
        let surname = *SURNAMES.choose(&mut self.rng).unwrap_or(&"王");
        let given = *GIVEN_NAMES.choose(&mut self.rng).unwrap_or(&"芳");
        format!("{surname}{given}")
    }

    fn address(&mut self) -> String {
        let district = *DISTRICTS.choose(&mut self.rng).unwrap_or(&"芙蓉区");
        let road = *ROADS.choose(&mut self.rng).unwrap_or(&"五一大道");
        format!(
            "长沙市{district}{road} {} 号",
            self.rng.random_range(1..400)
        )
    }

    fn person(&mut self) -> Person {
        Person {
            name: self.name(),
            phone: format!(
                "1{}{:09}",
                self.rng.random_range(3..=9),
                self.rng.random_range(0..1_000_000_000)
            ),
            address: Some(self.address()),
            id_document: None,
            agent: None,
        }
    }

    fn business(&mut self, name: String) -> Business {
        Business {
            name,
            address: Some(self.address()),
            credit_code: self.rng.random_bool(0.6).then(|| self.credit_code()),
            legal_representative: None,
            premises: None,
            online: None,
        }
    }

    /// A valid unified social credit code: an enterprise (91) in a Changsha district, a
    /// random organisation code and the right check character.
    fn credit_code(&mut self) -> String {
        let mut code = format!("914301{:02}", self.rng.random_range(2..12));
        for _ in 0..9 {
            let c = CREDIT_CODE_CHARS
                .choose(&mut self.rng)
                .copied()
                .unwrap_or(b'0');
            code.push(char::from(c));
        }
        let check = uscc_check_char(&code).unwrap_or('0');
        code.push(check);
        code
    }

    /// A day in the last three weeks, in Beijing.
    fn recent_day(&mut self) -> String {
        let days = chrono::Days::new(self.rng.random_range(0..21));
        (beijing_today() - days).format("%Y-%m-%d").to_string()
    }
}

/// A small real JPEG (320×240, a gradient under noise), different every time.
fn photo(rng: &mut StdRng) -> Result<Vec<u8>, CoreError> {
    let (width, height) = (320u16, 240u16);
    let tint: [u8; 3] = rng.random();
    let mut pixels = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    for y in 0..height {
        for x in 0..width {
            let noise: u8 = rng.random_range(0..24);
            pixels.extend([
                tint[0].wrapping_add((x / 2) as u8).wrapping_add(noise),
                tint[1].wrapping_add((y / 2) as u8),
                tint[2].wrapping_add(noise),
            ]);
        }
    }
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 85)
        .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| CoreError::Internal {
            reason: format!("the simulated photo: {e}"),
        })?;
    Ok(jpeg)
}

/// The whole run's figures.
struct SimReport {
    devices: u32,
    cases_per_device: u32,
    concurrency: u32,
    sync_every: u32,
    seed: u64,
    duration: Duration,
    cases: u64,
    photos: u64,
    events: u64,
    events_pushed: u64,
    syncs: u64,
    requests: u64,
    bytes_sent: u64,
    blobs_sent: u64,
    /// Sorted.
    push_latencies: Vec<Duration>,
    /// p50 of the devices' first and last quarters of pushes, ms.
    early_late_p50: (f64, f64),
    errors: Vec<String>,
    /// Devices whose head the centre does not hold, with what it holds.
    not_held: Vec<String>,
    centre: CentreCounters,
}

impl SimReport {
    fn new(
        args: &Sim,
        tallies: Vec<Tally>,
        mut errors: Vec<String>,
        duration: Duration,
        held: &HashMap<String, u64>,
        centre: CentreCounters,
    ) -> SimReport {
        errors.sort();
        let sum = |f: fn(&Tally) -> u64| tallies.iter().map(f).sum::<u64>();
        let mut push_latencies: Vec<Duration> = tallies
            .iter()
            .flat_map(|t| t.push_latencies.iter().copied())
            .collect();
        push_latencies.sort();
        let early_late_p50 = early_and_late_p50(&tallies);
        let not_held = tallies
            .iter()
            .filter(|t| held.get(&t.device_id) != Some(&t.head_seq))
            .map(|t| {
                format!(
                    "device {}: head {}, the centre holds {:?}",
                    t.device_id,
                    t.head_seq,
                    held.get(&t.device_id)
                )
            })
            .collect();
        SimReport {
            devices: args.devices,
            cases_per_device: args.cases_per_device,
            concurrency: args.concurrency.unwrap_or(args.devices),
            sync_every: args.sync_every,
            seed: args.seed,
            duration,
            cases: sum(|t| t.cases),
            photos: sum(|t| t.photos),
            events: sum(|t| t.head_seq),
            events_pushed: sum(|t| t.events_pushed),
            syncs: sum(|t| t.syncs),
            requests: sum(|t| t.requests),
            bytes_sent: sum(|t| t.bytes_sent),
            blobs_sent: sum(|t| t.blobs_sent),
            push_latencies,
            early_late_p50,
            errors,
            not_held,
            centre,
        }
    }

    /// No error on either side, and the centre holds every device's log to its head, its
    /// replicas up to date and every photo verified intact.
    fn is_clean(&self) -> bool {
        let c = &self.centre;
        self.errors.is_empty()
            && self.not_held.is_empty()
            && c.replica_failures == 0
            && c.evidence_not_intact == 0
            && c.forks == 0
            && c.server_errors == 0
    }

    fn per_second(&self, count: u64) -> f64 {
        count as f64 / self.duration.as_secs_f64().max(1e-3)
    }

    fn push_ms(&self, percentile: f64) -> f64 {
        percentile_ms(&self.push_latencies, percentile)
    }

    fn json(&self) -> Value {
        json!({
            "devices": self.devices,
            "cases_per_device": self.cases_per_device,
            "concurrency": self.concurrency,
            "sync_every": self.sync_every,
            "seed": self.seed,
            "duration_ms": self.duration.as_millis() as u64,
            "cases": self.cases,
            "photos": self.photos,
            "events": self.events,
            "events_pushed": self.events_pushed,
            "syncs": self.syncs,
            "requests": self.requests,
            "bytes_sent": self.bytes_sent,
            "blobs_sent": self.blobs_sent,
            "events_per_s": round(self.per_second(self.events)),
            "cases_per_s": round(self.per_second(self.cases)),
            "bytes_per_s": round(self.per_second(self.bytes_sent)),
            "pushes": self.push_latencies.len(),
            "push_ms": {
                "p50": round(self.push_ms(50.0)),
                "p90": round(self.push_ms(90.0)),
                "p99": round(self.push_ms(99.0)),
                "max": round(self.push_ms(100.0)),
                "first_quarter_p50": round(self.early_late_p50.0),
                "last_quarter_p50": round(self.early_late_p50.1),
            },
            "errors": self.errors.len(),
            "error_messages": self.errors.iter().take(20).collect::<Vec<_>>(),
            "devices_not_held": self.not_held,
            "centre": {
                "events_stored": self.centre.events_stored,
                "duplicates": self.centre.duplicates,
                "forks": self.centre.forks,
                "replica_failures": self.centre.replica_failures,
                "evidence_intact": self.centre.evidence_intact,
                "evidence_not_intact": self.centre.evidence_not_intact,
                "server_errors": self.centre.server_errors,
            },
            "clean": self.is_clean(),
        })
    }

    fn text(&self) -> String {
        let mut text = format!(
            "{} devices × {} cases ({} at once, a sync every {} cases, seed {}) in {:.1} s\n\
             cases {} ({:.1}/s), photos {}, events {} ({:.1}/s), pushed {}, syncs {}, \
             requests {}, blobs {}, {} bytes ({:.0} B/s)\n\
             push latency over {} pushes: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms \
             (p50 of each device's first quarter of pushes {:.1} ms, of its last {:.1} ms)\n\
             errors {}; the centre holds every device's head: {}\n\
             the centre: {} events stored, {} duplicates, {} forks, {} replica failures, \
             evidence {} intact / {} not, {} answers 5xx",
            self.devices,
            self.cases_per_device,
            self.concurrency,
            self.sync_every,
            self.seed,
            self.duration.as_secs_f64(),
            self.cases,
            self.per_second(self.cases),
            self.photos,
            self.events,
            self.per_second(self.events),
            self.events_pushed,
            self.syncs,
            self.requests,
            self.blobs_sent,
            self.bytes_sent,
            self.per_second(self.bytes_sent),
            self.push_latencies.len(),
            self.push_ms(50.0),
            self.push_ms(90.0),
            self.push_ms(99.0),
            self.push_ms(100.0),
            self.early_late_p50.0,
            self.early_late_p50.1,
            self.errors.len(),
            if self.not_held.is_empty() {
                "yes"
            } else {
                "NO"
            },
            self.centre.events_stored,
            self.centre.duplicates,
            self.centre.forks,
            self.centre.replica_failures,
            self.centre.evidence_intact,
            self.centre.evidence_not_intact,
            self.centre.server_errors,
        );
        for line in self.errors.iter().chain(&self.not_held).take(20) {
            text.push_str("\n  ");
            text.push_str(line);
        }
        text
    }
}

/// Nearest-rank percentile of sorted latencies, in ms.
fn percentile_ms(sorted: &[Duration], percentile: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let rank = ((percentile / 100.0 * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// The median of every device's first quarter of pushes, and of its last quarter: a push that
/// costs the centre more as a device's history grows shows as the second above the first.
fn early_and_late_p50(tallies: &[Tally]) -> (f64, f64) {
    let (mut early, mut late) = (Vec::new(), Vec::new());
    for pushes in tallies.iter().map(|t| &t.push_latencies) {
        let quarter = pushes.len().div_ceil(4);
        early.extend_from_slice(&pushes[..quarter]);
        late.extend_from_slice(&pushes[pushes.len() - quarter..]);
    }
    early.sort();
    late.sort();
    (percentile_ms(&early, 50.0), percentile_ms(&late, 50.0))
}

/// Two decimals are enough for a report.
fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
