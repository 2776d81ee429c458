//! `redshield sim`: a load test of a running centre. Each simulated device is a real core in a
//! store of its own under one temp directory, on the CLI's own platform (`KeyFilePlatform`),
//! driven through the same `FieldCore` calls as the apps: it signs an officer in, enrols with
//! a code from the centre, starts a patrol, takes realistic cases (with fixes between them,
//! photos now and then) and syncs, concurrently with the others. Then it reports throughput,
//! push latencies and errors, and checks that the centre holds every device's log to its head.

mod field;
mod report;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use redshield_core::api::{CoreError, FieldCore, Role};
use redshield_core::sync::transport::Method;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::centre::client::AdminAccess;
use crate::device::platform::KeyFilePlatform;
use crate::failure::Failure;
use crate::output::Output;
use crate::runtime::runtime;
use field::{Field, GIVEN_NAMES, SURNAMES, pick};
use report::{CentreCounters, Settings, SimReport, Tally};

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

/// Syncs at the end until the centre holds a device's head: a sync may append events after
/// its push (a better time anchor), which the next one sends.
const FINAL_SYNCS: u32 = 3;

pub fn run(args: Sim, out: &Output) -> Result<ExitCode, Failure> {
    let root = tempfile::Builder::new()
        .prefix("redshield-sim-")
        .tempdir()
        .map_err(|e| Failure::setup(format!("no temp directory for the devices: {e}")))?;
    let report = runtime()?.block_on(simulate(&args, root.path()))?;
    out.print(report.json(), || report.text());
    Ok(if report.is_clean() {
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
    let settings = Settings {
        devices: args.devices,
        cases_per_device: args.cases_per_device,
        concurrency: args.concurrency.unwrap_or(args.devices),
        sync_every: args.sync_every,
        seed: args.seed,
    };
    Ok(SimReport::new(
        &settings, tallies, errors, elapsed, &held, centre,
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
            .ok_or_else(|| Failure::setup("the centre's answer holds no code"))?;
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

async fn centre_counters(centre: &AdminAccess) -> Result<CentreCounters, Failure> {
    let ca = centre.ca_pem()?;
    let http = redshield_core::sync::client::transport(centre.server(), ca.as_deref())
        .map_err(|e| Failure::setup(e.to_string()))?;
    let fetched = http.send(Method::GET, "/metrics", &[], Vec::new()).await;
    let text = match fetched {
        Ok(answer) if answer.status.is_success() => {
            Ok(String::from_utf8_lossy(&answer.body).into_owned())
        }
        Ok(answer) => Err(format!("HTTP {}", answer.status)),
        Err(e) => Err(e),
    }
    .map_err(|e| {
        Failure::setup(format!(
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
    let mut field = Field::new(plan.seed, plan.number, plan.cases, plan.dir.clone());
    field = in_field(&core, field, |core, field| field.start_trip(core)).await?;
    for case in 0..plan.cases {
        field = in_field(&core, field, |core, field| field.take_case(core)).await?;
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
