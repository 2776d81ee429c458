//! The enrolled devices: a one-time enrolment code for a new one, the list with what each
//! last reported, a lost one revoked.

use std::process::ExitCode;

use serde_json::{Value, json};

use super::client::AdminAccess;
use crate::failure::Failure;
use crate::output::{Output, beijing, lines_or};

pub fn enrol_code(centre: &AdminAccess, hours: u64, out: &Output) -> Result<ExitCode, Failure> {
    let body = json!({ "ttl_seconds": hours * 3600 });
    let answer = centre.ask("POST", "/v1/admin/enrolment-codes", Some(body))?;
    let code = answer["code"].as_str().unwrap_or_default().to_string();
    Ok(out.print(answer, || code))
}

pub fn list(centre: &AdminAccess, out: &Output) -> Result<ExitCode, Failure> {
    let answer = centre.ask("GET", "/v1/admin/devices", None)?;
    let devices = answer["devices"].as_array().cloned().unwrap_or_default();
    let text = lines_or(devices.iter().map(device_line), "no device is enrolled");
    Ok(out.print(answer, || text))
}

/// Its token stops working at once; its signed events stay.
pub fn revoke(centre: &AdminAccess, device: &str, out: &Output) -> Result<ExitCode, Failure> {
    let path = format!("/v1/admin/devices/{device}/revoke");
    let answer = centre.ask("POST", &path, None)?;
    Ok(out.print(answer, || format!("device {device} revoked")))
}

/// A device, when it was last seen and where, and what waits for review.
fn device_line(d: &Value) -> String {
    let seen = beijing(d["last_seen_ms"].as_i64().unwrap_or(0));
    let position = match &d["last_position"] {
        Value::Null => "no position".to_string(),
        p => format!(
            "at {:.5},{:.5}",
            p["lat"].as_f64().unwrap_or(0.0),
            p["lon"].as_f64().unwrap_or(0.0)
        ),
    };
    format!(
        "{} {} app {} seen {} seq {} {}{}{}{}",
        d["device_id"].as_str().unwrap_or("?"),
        d["prefix"].as_str().unwrap_or("?"),
        d["app_version"].as_str().unwrap_or("?"),
        seen,
        d["held_seq"],
        position,
        open_count(d, "open_conflicts", "conflicts"),
        open_count(d, "open_forks", "forks"),
        if d["revoked"] == true { " REVOKED" } else { "" },
    )
}

/// " 2 conflicts" when there are any, else nothing.
fn open_count(device: &Value, field: &str, words: &str) -> String {
    match device[field].as_u64() {
        Some(n) if n > 0 => format!(" {n} {words}"),
        _ => String::new(),
    }
}
