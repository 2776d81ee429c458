//! Counters for `/metrics`, in Prometheus' text format. Plain atomics; requests are counted per
//! route pattern (never per concrete path, which would grow without bound) and status.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    pub events_stored: AtomicU64,
    pub duplicates: AtomicU64,
    pub forks: AtomicU64,
    pub enrolments: AtomicU64,
    pub blobs_completed: AtomicU64,
    pub blob_bytes_received: AtomicU64,
    pub server_events: AtomicU64,
    pub events_unreadable: AtomicU64,
    pub replica_failures: AtomicU64,
    pub evidence_intact: AtomicU64,
    pub evidence_not_intact: AtomicU64,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        *requests.entry((route.to_string(), status)).or_default() += 1;
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP redshield_http_requests_total HTTP requests answered, by route and status.\n\
             # TYPE redshield_http_requests_total counter\n",
        );
        {
            let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
            for ((route, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "redshield_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        let counters: [(&str, &str, &AtomicU64); 11] = [
            (
                "redshield_events_stored_total",
                "Device events newly stored in their chain.",
                &self.events_stored,
            ),
            (
                "redshield_events_duplicate_total",
                "Pushed events already held (same seq and hash).",
                &self.duplicates,
            ),
            (
                "redshield_forks_total",
                "Pushed events differing from the one held at their seq, stored aside.",
                &self.forks,
            ),
            (
                "redshield_enrolments_total",
                "Devices enrolled with a code.",
                &self.enrolments,
            ),
            (
                "redshield_blobs_completed_total",
                "Blobs received whole and verified.",
                &self.blobs_completed,
            ),
            (
                "redshield_blob_bytes_received_total",
                "Blob bytes received and kept.",
                &self.blob_bytes_received,
            ),
            (
                "redshield_server_events_total",
                "Server events published.",
                &self.server_events,
            ),
            (
                "redshield_events_unreadable_total",
                "Events held but not projected: of a type this centre cannot read yet.",
                &self.events_unreadable,
            ),
            (
                "redshield_replica_failures_total",
                "Catch-ups of a device's replica that failed (retried on the next push).",
                &self.replica_failures,
            ),
            (
                "redshield_evidence_intact_total",
                "Evidence the verifier found intact on ingest.",
                &self.evidence_intact,
            ),
            (
                "redshield_evidence_not_intact_total",
                "Evidence the verifier found not intact on ingest.",
                &self.evidence_not_intact,
            ),
        ];
        for (name, help, value) in counters {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                value.load(Ordering::Relaxed)
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
