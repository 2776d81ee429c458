//! What every command prints with: text for people, or with `--json` one JSON document on
//! stdout, and the few forms several commands share. Each command formats its own answer.

use std::path::Path;
use std::process::ExitCode;

use chrono::DateTime;
use redshield_core::api::{Officer, RenderFormat, RosterEntry};
use redshield_core::time::BEIJING;
use serde::Serialize;
use serde_json::{Value, json};

pub struct Output {
    pub json: bool,
}

impl Output {
    /// `value` for scripts (`--json`), `text` for people; the command is done.
    pub fn print(&self, value: Value, text: impl FnOnce() -> String) -> ExitCode {
        if self.json {
            println!("{value}");
        } else {
            println!("{}", text());
        }
        ExitCode::SUCCESS
    }

    /// A JSON document shown to people as it is, indented.
    pub fn print_pretty(&self, value: Value) -> ExitCode {
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        self.print(value, || text)
    }

    /// `n` things done, e.g. "3 events replayed" (`{"events_replayed": 3}`).
    pub fn count(&self, what: &str, n: u64) -> ExitCode {
        let key = what.replace(' ', "_");
        self.print(json!({ key: n }), || format!("{n} {what}"))
    }

    /// A file a command wrote.
    pub fn written(&self, path: &Path, bytes: usize) -> ExitCode {
        let value = json!({ "path": path.to_string_lossy(), "bytes": bytes });
        self.print(value, || {
            format!("wrote {bytes} bytes to {}", path.display())
        })
    }

    /// A rendering to stdout: as it is, or inside JSON.
    pub fn rendered(&self, format: RenderFormat, content: &str) -> ExitCode {
        if self.json {
            println!("{}", json!({ "format": format, "content": content }));
        } else {
            print!("{content}");
        }
        ExitCode::SUCCESS
    }
}

/// A core value as JSON. Our types always serialise: `null` would be a bug, shown.
pub fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// One line per item, or what to say when there is none.
pub fn lines_or(lines: impl IntoIterator<Item = String>, none: &str) -> String {
    let lines: Vec<String> = lines.into_iter().collect();
    if lines.is_empty() {
        none.to_string()
    } else {
        lines.join("\n")
    }
}

/// Beijing time, as officers read it.
pub fn beijing(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&BEIJING)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
        })
        .unwrap_or_else(|| format!("{ms} ms"))
}

pub fn officer_json(o: &Officer) -> Value {
    json!({ "name": o.name, "enforcement_id": o.enforcement_id })
}

/// One line per officer on the roster, for people.
pub fn roster_lines(roster: &[RosterEntry]) -> String {
    let lines = roster.iter().map(|o| {
        let role = if o.supervisor { "  supervisor" } else { "" };
        format!("{}  {}{role}", o.enforcement_id, o.name)
    });
    lines_or(lines, "no roster from the centre yet: any officer signs in")
}
