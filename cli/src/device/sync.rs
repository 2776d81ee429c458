//! `redshield enrol` and `redshield sync`: the device side of sync, as a phone does it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use redshield_core::api::{FieldCore, SyncReport};
use serde_json::json;

use crate::failure::Failure;
use crate::output::Output;
use crate::runtime::runtime;

#[derive(Args)]
pub struct Enrol {
    /// The centre, e.g. `https://12315.example.gov.cn` (`http://` only for loopback tests).
    #[arg(long, env = "REDSHIELD_SERVER")]
    server: String,
    /// The one-time code issued at the centre.
    #[arg(long)]
    code: String,
    /// The centre's CA certificate (PEM), when it is not in the web PKI.
    #[arg(long)]
    ca: Option<PathBuf>,
}

pub fn enrol(core: Arc<FieldCore>, args: Enrol, out: &Output) -> Result<ExitCode, Failure> {
    let ca = match &args.ca {
        Some(path) => Some(std::fs::read(path).map_err(|e| Failure::file(path, e))?),
        None => None,
    };
    let device = core.device_id();
    runtime()?.block_on(core.enrol(args.server.clone(), args.code, ca))?;
    Ok(
        out.print(json!({"device_id": device, "server": args.server}), || {
            format!("device {device} enrolled with {}", args.server)
        }),
    )
}

pub fn sync(core: Arc<FieldCore>, out: &Output) -> Result<ExitCode, Failure> {
    let report: SyncReport = runtime()?.block_on(core.sync(None, None))?;
    let value = json!({
        "events_pushed": report.events_pushed,
        "acked_seq": report.acked_seq,
        "server_events_applied": report.server_events_applied,
        "blobs_sent": report.blobs_sent,
        "conflicts_flagged": report.conflicts_flagged,
        "time_offset_ms": report.time_offset_ms,
        "requests": report.requests,
        "bytes_sent": report.bytes_sent,
        "duration_ms": report.duration_ms,
    });
    Ok(out.print(value, || {
        format!(
            "pushed {} events and applied {} of the centre's in {} requests ({} bytes, {} ms); \
             the centre holds the log through seq {}{}",
            report.events_pushed,
            report.server_events_applied,
            report.requests,
            report.bytes_sent,
            report.duration_ms,
            report.acked_seq,
            match report.conflicts_flagged {
                0 => String::new(),
                n => format!(
                    "; {n} events flagged as conflicts (their case was reassigned or closed)"
                ),
            }
        )
    }))
}
