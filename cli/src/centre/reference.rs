//! The reference data the centre publishes to every device (departments, urban areas,
//! calendar years, the officer roster, the rule-set parameters, the agency) and the blocks of
//! 调解书 numbers it gives each device.

use std::process::ExitCode;

use redshield_core::api::RosterEntry;
use serde_json::Value;

use super::client::AdminAccess;
use crate::failure::Failure;
use crate::output::{Output, lines_or, roster_lines};

/// Publishes `body` as the reference datum `what` (`/v1/admin/reference/{what}`); devices get
/// it with their next sync.
pub fn publish(
    centre: &AdminAccess,
    what: &str,
    body: Value,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let path = format!("/v1/admin/reference/{what}");
    Ok(published(centre.ask("PUT", &path, Some(body))?, out))
}

/// The answer to a publication: the server event that carries it.
fn published(answer: Value, out: &Output) -> ExitCode {
    let seq = answer["server_seq"].clone();
    out.print(answer, || format!("published as server event {seq}"))
}

pub fn parameters(centre: &AdminAccess, out: &Output) -> Result<ExitCode, Failure> {
    let answer = centre.ask("GET", "/v1/admin/reference/parameters", None)?;
    let text = serde_json::to_string_pretty(&answer["parameters"]).unwrap_or_default();
    Ok(out.print(answer, || text))
}

pub fn agency(centre: &AdminAccess, out: &Output) -> Result<ExitCode, Failure> {
    let answer = centre.ask("GET", "/v1/admin/reference/agency", None)?;
    let text = match &answer["agency"] {
        Value::Null => "no agency published yet".to_string(),
        agency => serde_json::to_string_pretty(agency).unwrap_or_default(),
    };
    Ok(out.print(answer, || text))
}

/// The officer roster last published.
pub fn officers(centre: &AdminAccess, out: &Output) -> Result<ExitCode, Failure> {
    let answer = centre.ask("GET", "/v1/admin/reference/officers", None)?;
    let officers: Vec<RosterEntry> =
        serde_json::from_value(answer["officers"].clone()).unwrap_or_default();
    Ok(out.print(answer, || roster_lines(&officers)))
}

/// Gives `device` a block of 调解书 numbers (`{"year", "first", "last"}`).
pub fn give_numbers(
    centre: &AdminAccess,
    device: &str,
    block: Value,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let path = format!("/v1/admin/devices/{device}/document-numbers");
    Ok(published(centre.ask("POST", &path, Some(block))?, out))
}

/// The blocks given so far, one line each.
pub fn numbers(centre: &AdminAccess, out: &Output) -> Result<ExitCode, Failure> {
    let answer = centre.ask("GET", "/v1/admin/document-numbers", None)?;
    let blocks = answer["blocks"].as_array().cloned().unwrap_or_default();
    let lines = blocks.iter().map(|b| {
        format!(
            "{} {} {}–{}",
            b["device"].as_str().unwrap_or("?"),
            b["year"],
            b["first"],
            b["last"]
        )
    });
    let text = lines_or(lines, "no numbers given yet");
    Ok(out.print(answer, || text))
}
