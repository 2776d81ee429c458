//! `redshield centre flags`: the signs that a complaint may not be genuine consumption
//! (Art. 17) the centre finds across all devices' complaints (`GET /v1/admin/abuse-flags`), shown to
//! supervisors, never acted on.

use std::process::ExitCode;

use serde_json::Value;

use super::client::AdminAccess;
use crate::failure::Failure;
use crate::output::{Output, lines_or};

pub fn run(centre: &AdminAccess, out: &Output) -> Result<ExitCode, Failure> {
    let answer = centre.ask("GET", "/v1/admin/abuse-flags", None)?;
    let text = lines(&answer);
    Ok(out.print(answer, || text))
}

/// One line per flag: the case, its device, the kind, why, and the related cases.
fn lines(answer: &Value) -> String {
    let cases = answer["cases"].as_array().cloned().unwrap_or_default();
    let lines = cases.iter().flat_map(|case| {
        let flags = case["flags"].as_array().cloned().unwrap_or_default();
        flags.into_iter().map(move |f| {
            let related: Vec<&str> = f["related_cases"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!(
                "{} (device {}) {}: {}; related: {}",
                case["case_number"].as_str().unwrap_or("?"),
                case["device_id"].as_str().unwrap_or("?"),
                f["kind"].as_str().unwrap_or("?"),
                f["reason"].as_str().unwrap_or(""),
                if related.is_empty() {
                    "none".to_string()
                } else {
                    related.join(", ")
                }
            )
        })
    });
    lines_or(lines, "no case is flagged")
}
