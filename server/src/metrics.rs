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
        let counters: [(&str, &str, &AtomicU64); 7] = [
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
