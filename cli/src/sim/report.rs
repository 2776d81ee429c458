//! What a simulation reports: each device's tally, the centre's own counters before and
//! after, throughput and push latencies, and whether the run was clean.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

/// How the run was set up, as the report repeats it.
pub struct Settings {
    pub devices: u32,
    pub cases_per_device: u32,
    pub concurrency: u32,
    pub sync_every: u32,
    pub seed: u64,
}

/// What one device did.
#[derive(Default)]
pub struct Tally {
    pub device_id: String,
    pub cases: u64,
    pub photos: u64,
    pub syncs: u64,
    pub events_pushed: u64,
    pub requests: u64,
    pub bytes_sent: u64,
    pub blobs_sent: u64,
    pub push_latencies: Vec<Duration>,
    pub head_seq: u64,
    pub acked_seq: u64,
}

/// What the centre counted (its `/metrics`), as far as the simulation is concerned.
#[derive(Debug, Default, Clone, Copy)]
pub struct CentreCounters {
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
    pub fn from_metrics(text: &str) -> CentreCounters {
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
    pub fn since(self, before: &CentreCounters) -> CentreCounters {
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

/// The whole run's figures.
pub struct SimReport {
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
    pub fn new(
        settings: &Settings,
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
            devices: settings.devices,
            cases_per_device: settings.cases_per_device,
            concurrency: settings.concurrency,
            sync_every: settings.sync_every,
            seed: settings.seed,
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
    pub fn is_clean(&self) -> bool {
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

    pub fn json(&self) -> Value {
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

    pub fn text(&self) -> String {
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
