//! `redshield centre flags`: the Art. 17 signs the centre finds across all devices' complaints
//! (`GET /v1/admin/abuse-flags`) — shown to supervisors, never acted on.

use serde_json::Value;

use crate::Failure;
use crate::centre::AdminAccess;
use crate::output::Output;

pub fn run(centre: &AdminAccess, out: &Output) -> Result<(), Failure> {
    let answer = centre.ask("GET", "/v1/admin/abuse-flags", None)?;
    let text = lines(&answer);
    out.print(answer, || text);
    Ok(())
}

/// One line per flag: the case, its device, the kind, why, and the related cases.
fn lines(answer: &Value) -> String {
    let cases = answer["cases"].as_array().cloned().unwrap_or_default();
    let lines: Vec<String> = cases
        .iter()
        .flat_map(|case| {
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
        })
        .collect();
    if lines.is_empty() {
        "no case is flagged".into()
    } else {
        lines.join("\n")
    }
}
