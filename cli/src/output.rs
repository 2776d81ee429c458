//! What the CLI prints: text for people, or with `--json` one JSON document on stdout. Errors go
//! to stderr, as text or as `{"error": {...}}`.

use std::process::ExitCode;

use chrono::DateTime;
use std::path::Path;

use redshield_core::api::{
    AbuseFlag, AgreedTerm, Case, CasePage, CaseSummary, ChainReport, CodeVerdict, CoreError,
    Department, DocumentText, EarlierReport, Entry, Evidence, EvidenceReport, FieldCore,
    MerchantView, Mileage, MoneyRecovered, MonthlyMileage, OfferedGround, Officer, OnSiteDocument,
    Participant, RecoveredBy, RedactionManifest, RenderFormat, Trip,
};
use redshield_core::cases::workflow::step_name;
use redshield_core::clock::BEIJING;
use redshield_core::documents::text::yuan;
use serde_json::{Value, json};

pub struct Output {
    pub json: bool,
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

fn officer_json(o: &Officer) -> Value {
    json!({ "name": o.name, "enforcement_id": o.enforcement_id })
}

/// A case as the core returns it, plus its times in Beijing time for people.
pub fn case_json(c: &Case) -> Value {
    let mut value = serde_json::to_value(c).unwrap_or(Value::Null);
    value["opened_at"] = beijing(c.opened_at_ms).into();
    value["received_at"] = beijing(c.received_at_ms).into();
    value
}

fn summary_json(c: &CaseSummary) -> Value {
    let mut value = serde_json::to_value(c).unwrap_or(Value::Null);
    value["opened_at"] = beijing(c.opened_at_ms).into();
    value
}

impl Output {
    /// `value` for scripts (`--json`), `text` for people.
    pub fn print(&self, value: Value, text: impl FnOnce() -> String) {
        if self.json {
            println!("{value}");
        } else {
            println!("{}", text());
        }
    }

    pub fn device(&self, core: &FieldCore, officer: Option<&Officer>) {
        let value = json!({
            "device_id": core.device_id(),
            "device_prefix": core.device_prefix(),
            "officer": officer.map(officer_json),
        });
        self.print(value, || {
            let who = officer.map_or("nobody signed in".to_string(), |o| {
                format!("signed in: {} ({})", o.name, o.enforcement_id)
            });
            format!(
                "device {} (prefix {})\n{who}",
                core.device_id(),
                core.device_prefix()
            )
        });
    }

    pub fn case(&self, case: &Case) {
        self.print(case_json(case), || case_text(case));
    }

    pub fn case_page(&self, page: &CasePage) {
        let value = json!({
            "cases": page.cases.iter().map(summary_json).collect::<Vec<_>>(),
            "next": page.next,
        });
        self.print(value, || {
            let mut lines: Vec<String> = page
                .cases
                .iter()
                .map(|c| {
                    format!(
                        "{}  {:<12} {:<11} {}  {}  {}",
                        c.number,
                        c.kind.as_str(),
                        c.state.as_str(),
                        beijing(c.opened_at_ms),
                        c.complainant_name.as_deref().unwrap_or("—"),
                        c.respondent_name.as_deref().unwrap_or("—")
                    )
                })
                .collect();
            if lines.is_empty() {
                lines.push("no cases".into());
            }
            if let Some(next) = &page.next {
                lines.push(format!("more: --after {next}"));
            }
            lines.join("\n")
        });
    }

    pub fn departments(&self, list: &[Department]) {
        let value = serde_json::to_value(list).unwrap_or(Value::Null);
        self.print(json!({ "departments": value }), || {
            list.iter()
                .map(|d| format!("{:<22}{}", d.code, d.name))
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn verdict(&self, v: &CodeVerdict) {
        let value = serde_json::to_value(v).unwrap_or(Value::Null);
        self.print(value, || match (&v.normalized, &v.error) {
            (Some(code), _) => format!("valid: {code}"),
            (None, Some(error)) => format!("invalid: {error}"),
            (None, None) => "invalid".into(),
        });
    }

    pub fn flags(&self, flags: &[AbuseFlag]) {
        let value = serde_json::to_value(flags).unwrap_or(Value::Null);
        self.print(json!({ "flags": value }), || {
            if flags.is_empty() {
                return "no flags".into();
            }
            flags
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} ({})",
                        f.kind.as_str(),
                        f.reason,
                        f.related_cases.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    /// The grounds offered, in the article's order: `*` before a suggested one, `!` before a
    /// warned one, with why.
    pub fn grounds(&self, grounds: &[OfferedGround]) {
        let value = serde_json::to_value(grounds).unwrap_or(Value::Null);
        self.print(json!({ "grounds": value }), || {
            grounds
                .iter()
                .map(|g| {
                    let mark = match (g.suggested, &g.warning) {
                        (true, _) => "*",
                        (false, Some(_)) => "!",
                        _ => " ",
                    };
                    let mut line =
                        format!("{mark} {} {}：{}", g.reason.as_str(), g.article, g.words);
                    for said in [&g.why, &g.warning].into_iter().flatten() {
                        line.push_str(&format!("\n    {said}"));
                    }
                    if g.needs_note {
                        line.push_str("\n    (--note required)");
                    }
                    line
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn earlier_reports(&self, reports: &[EarlierReport]) {
        let value = serde_json::to_value(reports).unwrap_or(Value::Null);
        self.print(json!({ "earlier_reports": value }), || {
            if reports.is_empty() {
                return "no earlier report by this reporter about this business".into();
            }
            reports
                .iter()
                .map(|r| {
                    let how = match (r.same_facts, r.open) {
                        (true, _) => "same facts: mark-repeated --first",
                        (false, true) => "new facts: merge --into",
                        (false, false) => "its handling has ended",
                    };
                    format!("{} {} ({how} {})", r.number, r.state.as_str(), r.number)
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn merchant_view(&self, view: &MerchantView) {
        let value = serde_json::to_value(view).unwrap_or(Value::Null);
        self.print(value.clone(), || {
            serde_json::to_string_pretty(&value).unwrap_or_default()
        });
    }

    pub fn chain_report(&self, r: &ChainReport) {
        let value = json!({
            "intact": r.intact,
            "events": r.events,
            "personal_values": r.personal_values,
            "purged_values": r.purged_values,
            "first_broken_seq": r.first_broken_seq,
            "problem": r.problem,
        });
        self.print(value, || match (&r.first_broken_seq, &r.problem) {
            (Some(seq), Some(problem)) => format!("BROKEN at seq {seq}: {problem}"),
            _ => format!(
                "intact: {} events, {} personal values intact, {} purged",
                r.events, r.personal_values, r.purged_values
            ),
        });
    }

    pub fn trip(&self, trip: &Trip) {
        self.print(trip_json(trip), || trip_text(trip));
    }

    pub fn mileage(&self, m: &MonthlyMileage) {
        let value = serde_json::to_value(m).unwrap_or(Value::Null);
        self.print(value, || {
            // km: per trip the odometer where both readings exist, else GPS (regulations.md).
            let mut lines = vec![format!(
                "{:<14}{:>6}{:>10}{:>8}{:>10}{:>10}{:>10}",
                m.month, "trips", "dispatch", "人次", "km", "GPS km", "odo km"
            )];
            let row = |m: &Mileage| {
                format!(
                    "{:<14}{:>6}{:>10}{:>8}{:>10.1}{:>10.1}{:>10.1}",
                    m.key, m.trips, m.dispatch_trips, m.staff_trips, m.km, m.gps_km, m.odometer_km
                )
            };
            lines.push(row(&m.total));
            for (title, rows) in [
                ("by vehicle", &m.by_vehicle),
                ("by crew member", &m.by_crew_member),
                ("by day", &m.by_day),
            ] {
                lines.push(title.into());
                lines.extend(rows.iter().map(row));
            }
            lines.join("\n")
        });
    }

    pub fn evidence(&self, e: &Evidence) {
        self.print(evidence_json(e), || evidence_text(e));
    }

    pub fn evidence_list(&self, list: &[Evidence]) {
        let value = json!({ "evidence": list.iter().map(evidence_json).collect::<Vec<_>>() });
        self.print(value, || {
            if list.is_empty() {
                return "no evidence".into();
            }
            list.iter()
                .map(|e| {
                    let archived = e.original_archived_at_ms.map_or("", |_| "  (archived)");
                    format!(
                        "{}  {:<10} {:<10} {}  {}{archived}",
                        e.id,
                        e.kind.as_str(),
                        e.media_type.as_str(),
                        beijing(e.captured_at_ms),
                        &e.sha256[..16]
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn evidence_reports(&self, reports: &[EvidenceReport]) {
        let value = json!({
            "intact": reports.iter().all(|r| r.intact),
            "reports": serde_json::to_value(reports).unwrap_or(Value::Null),
        });
        self.print(value, || {
            if reports.is_empty() {
                return "no evidence".into();
            }
            reports
                .iter()
                .flat_map(|r| {
                    let head = format!(
                        "{} (event {}): {}",
                        r.evidence_id,
                        r.seq,
                        if r.intact { "intact" } else { "FAILED" }
                    );
                    let checks = r.checks.iter().map(|c| {
                        let mark = if c.passed { "ok  " } else { "FAIL" };
                        let detail = c
                            .detail
                            .as_ref()
                            .map_or(String::new(), |d| format!(": {d}"));
                        format!("  {mark} {}{detail}", c.code)
                    });
                    std::iter::once(head).chain(checks)
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn redaction(&self, m: &RedactionManifest) {
        let value = serde_json::to_value(m).unwrap_or(Value::Null);
        self.print(value, || {
            let mut lines = vec![format!(
                "wrote {} × {} px ({}), manifest {}",
                m.width,
                m.height,
                &m.exported_sha256[..16],
                m.manifest_path
            )];
            lines.extend(m.removed.iter().map(|r| format!("removed: {r}")));
            lines.push(format!("warning: {}", m.warning));
            lines.join("\n")
        });
    }

    /// An on-site document: JSON as the core returns it.
    pub fn document(&self, d: &OnSiteDocument) {
        let value = serde_json::to_value(d).unwrap_or(Value::Null);
        self.print(value, || document_summary(d));
    }

    pub fn documents(&self, list: &[OnSiteDocument]) {
        let value = json!({ "documents": serde_json::to_value(list).unwrap_or(Value::Null) });
        self.print(value, || {
            if list.is_empty() {
                return "no documents".into();
            }
            list.iter()
                .map(|d| {
                    format!(
                        "{}  {:<8} {:<14} {:<9} {}  unsigned: {}",
                        d.id,
                        d.title,
                        d.kind.as_str(),
                        d.status.as_str(),
                        beijing(d.opened_at_ms),
                        d.unsigned.len()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    /// The signed text exactly, then its hash on a last line.
    pub fn document_text(&self, t: &DocumentText) {
        let value = serde_json::to_value(t).unwrap_or(Value::Null);
        self.print(value, || format!("{}sha256 {}", t.text, t.sha256));
    }

    /// A rendering to stdout: as it is, or inside JSON.
    pub fn rendered(&self, format: RenderFormat, content: &str) {
        if self.json {
            println!("{}", json!({ "format": format, "content": content }));
        } else {
            print!("{content}");
        }
    }

    pub fn written(&self, path: &Path, bytes: usize) {
        let value = json!({ "path": path.to_string_lossy(), "bytes": bytes });
        self.print(value, || {
            format!("wrote {bytes} bytes to {}", path.display())
        });
    }

    pub fn recovered(&self, m: &MoneyRecovered) {
        let value = serde_json::to_value(m).unwrap_or(Value::Null);
        self.print(value, || recovered_text(m));
    }

    pub fn count(&self, what: &str, n: u64) {
        let key = what.replace(' ', "_");
        self.print(json!({ key: n }), || format!("{n} {what}"));
    }

    pub fn core_error(&self, e: &CoreError) -> ExitCode {
        let (kind, code, field) = match e {
            CoreError::InvalidInput { field, .. } => ("invalid_input", 2, Some(field.as_str())),
            CoreError::NotFound { .. } => ("not_found", 4, None),
            CoreError::NotSignedIn => ("not_signed_in", 1, None),
            CoreError::WrongState { .. } => ("wrong_state", 1, None),
            CoreError::StoreUnavailable { .. } => ("store_unavailable", 1, None),
            CoreError::NotAStore { .. } => ("not_a_store", 1, None),
            CoreError::StoreTooNew { .. } => ("store_too_new", 1, None),
            CoreError::CorruptLog { .. } => ("corrupt_log", 3, None),
            CoreError::NoCalendarData { .. } => ("no_calendar_data", 1, None),
            CoreError::FileUnavailable { .. } => ("file_unavailable", 1, None),
            CoreError::Platform { .. } => ("platform", 1, None),
            CoreError::Storage { .. } => ("storage", 1, None),
            CoreError::Internal { .. } => ("internal", 1, None),
            CoreError::SyncRefused { .. } => ("sync_refused", 5, None),
            CoreError::NotDelivered { .. } => ("not_delivered", 6, None),
            CoreError::NotEnrolled => ("not_enrolled", 1, None),
            CoreError::SyncConflict { .. } => ("sync_conflict", 3, None),
            CoreError::Cancelled => ("cancelled", 1, None),
        };
        self.error(kind, field, &e.to_string());
        ExitCode::from(code)
    }

    pub fn setup_error(&self, message: &str) -> ExitCode {
        self.error("setup", None, message);
        ExitCode::FAILURE
    }

    fn error(&self, kind: &str, field: Option<&str>, message: &str) {
        if self.json {
            eprintln!(
                "{}",
                json!({ "error": { "kind": kind, "field": field, "message": message } })
            );
        } else {
            eprintln!("error: {message}");
        }
    }
}

/// Evidence as the core returns it, plus the figures scripts look for at the top level.
fn evidence_json(e: &Evidence) -> Value {
    let mut value = serde_json::to_value(e).unwrap_or(Value::Null);
    let exif = e.exif.as_ref();
    let gps = exif.and_then(|x| x.latitude.zip(x.longitude));
    value["taken_at"] = exif
        .and_then(|x| match (&x.taken_local, &x.taken_offset) {
            (Some(local), Some(offset)) => Some(format!("{local}{offset}")),
            (Some(local), None) => Some(local.clone()),
            _ => None,
        })
        .into();
    value["gps"] = gps.map_or(Value::Null, |(lat, lon)| json!({ "lat": lat, "lon": lon }));
    value["display_sha256"] = e.display.as_ref().map(|d| d.sha256.clone()).into();
    value["thumb_sha256"] = e.thumbnail.as_ref().map(|d| d.sha256.clone()).into();
    value["captured_at"] = beijing(e.captured_at_ms).into();
    value
}

/// Where the original is: on this device, or pruned from it and archived at the centre.
fn original_place(e: &Evidence) -> String {
    match e.original_archived_at_ms {
        Some(ms) => format!("archived at the centre (pruned here {})", beijing(ms)),
        None => "on this device".into(),
    }
}

fn evidence_text(e: &Evidence) -> String {
    let row = |label: &str, value: String| format!("{label:<10}{value}");
    let mut lines = vec![
        row("evidence", e.id.clone()),
        row(
            "kind",
            format!(
                "{} ({}, {} bytes)",
                e.kind.as_str(),
                e.media_type.as_str(),
                e.bytes
            ),
        ),
        row("sha256", e.sha256.clone()),
        row("original", original_place(e)),
        row(
            "captured",
            format!("{} by {}", beijing(e.captured_at_ms), e.captured_by.name),
        ),
    ];
    if let (Some(w), Some(h)) = (e.width, e.height) {
        lines.push(row("size", format!("{w} × {h} px")));
    }
    if let Some(ms) = e.duration_ms {
        lines.push(row("duration", format!("{:.1} s", ms as f64 / 1000.0)));
    }
    if let Some(x) = &e.exif {
        let gps = x
            .latitude
            .zip(x.longitude)
            .map_or("no GPS".to_string(), |(lat, lon)| {
                format!("GPS {lat:.6}, {lon:.6}")
            });
        let taken = x.taken_local.clone().unwrap_or_else(|| "no time".into());
        let problem = x
            .problem
            .as_ref()
            .map_or(String::new(), |p| format!(" ({p})"));
        lines.push(row(
            "exif",
            format!(
                "{}{problem}: {taken}, {gps}, orientation {}",
                x.status.as_str(),
                x.orientation
            ),
        ));
    }
    if let Some(problem) = &e.content_problem {
        lines.push(row("content", format!("{}: {problem}", e.content.as_str())));
    }
    if let Some(r) = &e.rendition {
        lines.push(row(
            "rendition",
            format!("{} × {} px JPEG, {}", r.width, r.height, r.sha256),
        ));
    }
    for (label, copy) in [("display", &e.display), ("thumbnail", &e.thumbnail)] {
        if let Some(c) = copy {
            lines.push(row(
                label,
                format!("{} × {} px, {}", c.width, c.height, c.sha256),
            ));
        }
    }
    if let Some(reason) = &e.no_display_copy {
        lines.push(row("display", format!("none: {reason}")));
    }
    lines.join("\n")
}

/// A trip with its track's figures at the top level (`trip_id`, `distance_m`, `dropped` by
/// reason, …), as scripts read it.
fn trip_json(t: &Trip) -> Value {
    let r = &t.track;
    let dropped: serde_json::Map<String, Value> = r
        .dropped
        .iter()
        .map(|d| (d.reason.as_str().to_string(), d.count.into()))
        .collect();
    json!({
        "trip_id": t.id,
        "vehicle": t.vehicle,
        "crew": t.crew,
        "crew_count": t.crew_count,
        "purpose": t.purpose,
        "case_id": t.case_id,
        "started_at": beijing(t.started_at_ms),
        "ended_at": t.ended_at_ms.map(beijing),
        "started_by": officer_json(&t.started_by),
        "distance_m": r.distance_m,
        "bridged_m": r.bridged_m,
        "duration_s": r.duration_s,
        "moving_s": r.moving_s,
        "stops": r.stops,
        "gaps": r.gaps,
        "gap_count": r.gaps.len(),
        "fixes_total": r.fixes_total,
        "fixes_kept": r.fixes_kept,
        "dropped": dropped,
        "mock_fixes": r.mock_fixes,
        "start_odometer_km": t.start_odometer_km,
        "end_odometer_km": t.end_odometer_km,
        "odometer_distance_km": t.odometer_distance_km,
        "odometer_mismatch": t.odometer_mismatch,
    })
}

fn trip_text(t: &Trip) -> String {
    let row = |label: &str, value: String| format!("{label:<10}{value}");
    let r = &t.track;
    let minutes = |s: f64| format!("{}h {:02}m", (s / 3600.0) as u64, ((s / 60.0) as u64) % 60);
    let mut lines = vec![
        row("trip", t.id.clone()),
        row(
            "vehicle",
            format!(
                "{} ({}), crew {}{}",
                t.vehicle,
                t.purpose.as_str(),
                t.crew_count,
                if t.crew.is_empty() {
                    String::new()
                } else {
                    format!(": {}", t.crew.join("、"))
                }
            ),
        ),
        row(
            "started",
            format!("{} by {}", beijing(t.started_at_ms), t.started_by.name),
        ),
        row("ended", t.ended_at_ms.map_or("still out".into(), beijing)),
        row(
            "distance",
            format!(
                "{:.3} km ({:.3} km straight over {} gap(s))",
                r.distance_m / 1000.0,
                r.bridged_m / 1000.0,
                r.gaps.len()
            ),
        ),
        row(
            "time",
            format!("{}, moving {}", minutes(r.duration_s), minutes(r.moving_s)),
        ),
        row(
            "fixes",
            format!(
                "{} kept of {}{}",
                r.fixes_kept,
                r.fixes_total,
                r.dropped
                    .iter()
                    .map(|d| format!("; {} {}", d.reason.as_str(), d.count))
                    .collect::<String>()
            ),
        ),
    ];
    for s in &r.stops {
        lines.push(row(
            "stop",
            format!(
                "{} – {} at {:.5}, {:.5}",
                beijing(s.start_ms),
                beijing(s.end_ms),
                s.latitude,
                s.longitude
            ),
        ));
    }
    if let Some(km) = t.odometer_distance_km {
        let flag = if t.odometer_mismatch {
            " — differs from GPS by more than 10 %"
        } else {
            ""
        };
        lines.push(row("odometer", format!("{km:.1} km{flag}")));
    }
    lines.join("\n")
}

fn case_text(c: &Case) -> String {
    let row = |label: &str, value: String| format!("{label:<14}{value}");
    let text = |value: &Option<String>| match (value, c.personal_data_purged) {
        (Some(v), _) => v.clone(),
        (None, true) => "(purged)".into(),
        (None, false) => "—".into(),
    };
    let mut lines = vec![
        row("number", c.number.clone()),
        row("id", c.id.clone()),
        row(
            "kind / state",
            format!("{} / {}", c.kind.as_str(), c.state.as_str()),
        ),
        row(
            "received",
            format!(
                "{} via {} ({})",
                beijing(c.received_at_ms),
                c.channel.as_str(),
                c.rule_set.as_str()
            ),
        ),
        row(
            "opened by",
            format!("{} ({})", c.opened_by.name, c.opened_by.enforcement_id),
        ),
    ];
    for p in &c.complainants {
        lines.push(row("complainant", format!("{} {}", p.name, p.phone)));
    }
    if c.complainants.is_empty() {
        lines.push(row("complainant", text(&None)));
    }
    let business = c.respondent.as_ref();
    lines.push(row("respondent", text(&business.map(|b| b.name.clone()))));
    lines.push(row("goods", text(&c.matter.goods)));
    lines.push(row("facts", text(&c.matter.facts)));
    let demands: Vec<&str> = c.matter.demands.iter().map(|d| d.as_str()).collect();
    lines.push(row("demands", demands.join(", ")));
    if let Some(linked) = &c.linked_case {
        lines.push(row("linked case", linked.clone()));
    }
    for s in &c.history {
        lines.push(row(
            "step",
            format!(
                "{} → {} by {} at {}{}",
                step_name(&s.step),
                s.state_after.as_str(),
                s.by.name,
                beijing(s.at_ms),
                s.note.as_ref().map_or(String::new(), |n| format!(": {n}"))
            ),
        ));
    }
    lines.join("\n")
}

fn document_summary(d: &OnSiteDocument) -> String {
    let row = |label: &str, value: String| format!("{label:<12}{value}");
    let mut lines = vec![
        row("document", d.id.clone()),
        row("title", format!("{} ({}, {})", d.title, d.kind, d.status)),
        row("case", d.case_number.clone()),
        row("opened", beijing(d.opened_at_ms)),
    ];
    if let Some(mode) = d.mode {
        let enforcement = if d.enforcement { ", enforcement" } else { "" };
        lines.push(row("mode", format!("{mode}{enforcement}")));
    }
    if let Some(n) = &d.notice {
        let when = format!("{} at {}", beijing(n.session_at_ms), n.place);
        let told = format!("{} at {}", n.method, beijing(n.given_at_ms));
        lines.push(row("notice", format!("{told}: sits {when}")));
    }
    for (label, value) in [("subject", &d.subject), ("place", &d.place_text)] {
        if let Some(v) = value {
            lines.push(row(label, v.clone()));
        }
    }
    lines.extend(
        d.participants
            .iter()
            .map(|p| row("participant", participant_line(p))),
    );
    lines.extend(d.entries.iter().map(|e| row("entry", entry_line(e))));
    if d.read_back {
        lines.push(row("read back", "yes".into()));
    }
    lines.extend(d.evidence_ids.iter().map(|e| row("evidence", e.clone())));
    lines.extend(
        d.terms
            .iter()
            .enumerate()
            .map(|(i, t)| row("term", term_line(i, t))),
    );
    if !d.terms.is_empty() {
        lines.push(row("recovered", format!("¥{}", yuan(d.recovered_fen))));
    }
    if let Some(reason) = d.end_reason {
        let note = d
            .end_note
            .as_ref()
            .map_or(String::new(), |n| format!(": {n}"));
        lines.push(row("ended", format!("{reason}{note}")));
    }
    lines.extend(d.signatures.iter().map(|s| {
        let state = if s.valid {
            "valid"
        } else {
            "VOID: the text changed since"
        };
        row(
            "signature",
            format!("[{}] {} {state}", s.participant, beijing(s.at_ms)),
        )
    }));
    lines.extend(d.refusals.iter().map(|r| {
        let state = if r.valid {
            "valid"
        } else {
            "VOID: the text changed since"
        };
        let note = r.note.as_ref().map_or(String::new(), |n| format!(", {n}"));
        let who = format!("[{}] witnessed by [{}]", r.participant, r.witness);
        row(
            "refusal",
            format!("{who} {} {state}{note}", beijing(r.at_ms)),
        )
    }));
    if let Some(ms) = d.closed_at_ms {
        lines.push(row("closed", beijing(ms)));
    }
    let unsigned: Vec<String> = d.unsigned.iter().map(|i| format!("[{i}]")).collect();
    let unsigned = if unsigned.is_empty() {
        "none".into()
    } else {
        unsigned.join(" ")
    };
    lines.push(row("unsigned", unsigned));
    lines.push(row("text sha256", d.text_sha256.clone()));
    lines.join("\n")
}

fn participant_line(p: &Participant) -> String {
    let mut line = format!(
        "[{}] {:<24}{}",
        p.index,
        p.role.as_str(),
        p.name.as_deref().unwrap_or("(purged)")
    );
    for extra in [&p.enforcement_id, &p.title].into_iter().flatten() {
        line.push_str(&format!(" ({extra})"));
    }
    if p.recused {
        line.push_str(" — withdrawn after an objection");
    }
    line
}

fn entry_line(e: &Entry) -> String {
    let text = e.text.as_deref().unwrap_or("(purged)");
    let corrected = e
        .corrected_text
        .as_ref()
        .map_or(String::new(), |c| format!(" → corrected: {c}"));
    format!(
        "[{}] {} [{}] {}: {text}{corrected}",
        e.index,
        beijing(e.at_ms),
        e.speaker,
        e.kind
    )
}

fn term_line(i: usize, agreed: &AgreedTerm) -> String {
    let t = &agreed.term;
    let amount = t
        .amount_fen
        .map_or(String::new(), |f| format!(", ¥{}", yuan(f)));
    let when = match (&agreed.performed_on, &t.due_on, t.performed_on_the_spot) {
        (_, _, true) => ", performed on the spot".to_string(),
        (Some(on), _, _) => format!(", performed {on}"),
        (None, Some(due), _) => format!(", due {due}"),
        (None, None, _) => String::new(),
    };
    format!("[{i}] {} by {}: {}{amount}{when}", t.kind, t.by, t.what)
}

fn recovered_text(m: &MoneyRecovered) -> String {
    let row = |r: &RecoveredBy| {
        let who = if r.name.is_empty() {
            r.key.clone()
        } else {
            format!("{} {}", r.key, r.name)
        };
        format!(
            "  {who:<30}{:>14}{:>5}",
            format!("¥{}", yuan(r.fen)),
            r.agreements
        )
    };
    let mut lines = vec![format!(
        "{}: ¥{} recovered in {} agreement(s), ¥{} of it performed",
        m.month,
        yuan(m.total_fen),
        m.agreements,
        yuan(m.performed_fen)
    )];
    lines.push("by case".into());
    lines.extend(m.by_case.iter().map(row));
    lines.push("by officer (each mediator is credited the whole agreement)".into());
    lines.extend(m.by_officer.iter().map(row));
    lines.join("\n")
}

/// One line per supervision note (督办), for people.
pub fn supervision_lines(notes: &[redshield_core::api::Supervision]) -> String {
    if notes.is_empty() {
        return "no supervision note".into();
    }
    let lines: Vec<String> = notes
        .iter()
        .map(|n| {
            format!(
                "due {}{}  {}",
                n.due_on,
                if n.overdue { " OVERDUE" } else { "" },
                n.note.as_deref().unwrap_or("(purged)")
            )
        })
        .collect();
    lines.join("\n")
}

/// One line per officer on the roster, for people.
pub fn roster_lines(roster: &[redshield_core::api::RosterEntry]) -> String {
    if roster.is_empty() {
        return "no roster from the centre yet: any officer signs in".into();
    }
    let lines: Vec<String> = roster
        .iter()
        .map(|o| {
            let role = if o.supervisor { "  supervisor" } else { "" };
            format!("{}  {}{role}", o.enforcement_id, o.name)
        })
        .collect();
    lines.join("\n")
}
