//! `redshield evidence …`: photos and recordings into a case, checked, and shared redacted.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use redshield_core::api::{
    Evidence, EvidenceKind, EvidenceReport, FieldCore, NewEvidence, PruneReport, RedactionManifest,
};
use serde_json::{Value, json};

use crate::device::place::PlaceArgs;
use crate::failure::Failure;
use crate::output::{Output, beijing, lines_or, to_json};
use crate::values::every;

#[derive(Subcommand)]
pub enum EvidenceCommand {
    /// Take a photo (JPEG or HEIC; PNG for screenshots and documents) or a recording (m4a,
    /// mp4) into a case's evidence. Damaged files are kept, flagged; a HEIC's copies come from
    /// its `--rendition`.
    Add {
        file: PathBuf,
        /// The case's id or number.
        #[arg(long)]
        case: String,
        #[arg(long, value_parser = every::<EvidenceKind>(), default_value = "scene")]
        kind: EvidenceKind,
        /// Burn the case number, time and position into the display copy.
        #[arg(long)]
        caption: bool,
        #[arg(long)]
        note: Option<String>,
        /// Where the device is (else its newest trip fix, if recent).
        #[command(flatten)]
        place: PlaceArgs,
        /// For a HEIC: a JPEG rendering of it (the platform's own decoder), from which the
        /// display copy and thumbnail are made; its hash is recorded with the original's.
        #[arg(long, value_name = "FILE")]
        rendition: Option<PathBuf>,
    },
    /// One piece of evidence.
    Show { id: String },
    /// A case's evidence.
    List {
        #[arg(long)]
        case: String,
    },
    /// Check evidence from the bytes (all of it without an ID); exit 3 if anything fails.
    Verify { id: Option<String> },
    /// Write a photo's copy for sharing: no metadata, no caption; a manifest beside it.
    Export {
        id: String,
        /// The only export there is, said explicitly.
        #[arg(long, required = true)]
        redacted: bool,
        #[arg(long)]
        out: PathBuf,
    },
    /// Free storage: delete the originals the centre confirmed holding, once their case is
    /// final and the retention (30 days) has passed; hashes, display copies and thumbnails stay.
    Prune,
}

/// Exit 3 when a piece of evidence fails its checks.
pub fn run(core: &FieldCore, command: EvidenceCommand, out: &Output) -> Result<ExitCode, Failure> {
    let evidence = match command {
        EvidenceCommand::Add {
            file,
            case,
            kind,
            caption,
            note,
            place,
            rendition,
        } => core.add_evidence(NewEvidence {
            case_id: case,
            path: file.to_string_lossy().into_owned(),
            kind,
            note,
            caption,
            place: place.position(),
            place_time_ms: None,
            rendition: rendition.map(|r| r.to_string_lossy().into_owned()),
        })?,
        EvidenceCommand::Show { id } => core.get_evidence(id)?,
        EvidenceCommand::List { case } => return Ok(list(&core.case_evidence(case)?, out)),
        EvidenceCommand::Verify { id } => {
            let reports = match id {
                Some(id) => vec![core.verify_evidence(id)?],
                None => core.verify_all_evidence()?,
            };
            return Ok(verified(&reports, out));
        }
        EvidenceCommand::Export { id, out: path, .. } => {
            let manifest =
                core.export_redacted_evidence(id, path.to_string_lossy().into_owned())?;
            return Ok(redacted(&manifest, out));
        }
        EvidenceCommand::Prune => return Ok(pruned(&core.prune_originals()?, out)),
    };
    Ok(out.print(evidence_json(&evidence), || evidence_text(&evidence)))
}

fn pruned(report: &PruneReport, out: &Output) -> ExitCode {
    out.print(to_json(report), || {
        let mut lines: Vec<String> = report
            .pruned
            .iter()
            .map(|p| format!("pruned {}  {}  {} bytes", p.evidence_id, p.sha256, p.bytes))
            .collect();
        lines.push(format!(
            "{} original(s) pruned, {} bytes freed; the centre holds them",
            report.pruned.len(),
            report.bytes_freed
        ));
        lines.join("\n")
    })
}

fn list(list: &[Evidence], out: &Output) -> ExitCode {
    let value = json!({ "evidence": list.iter().map(evidence_json).collect::<Vec<_>>() });
    out.print(value, || {
        let lines = list.iter().map(|e| {
            let archived = e.original_archived_at_ms.map_or("", |_| "  (archived)");
            format!(
                "{}  {:<10} {:<10} {}  {}{archived}",
                e.id,
                e.kind.as_str(),
                e.media_type.as_str(),
                beijing(e.captured_at_ms),
                &e.sha256[..16]
            )
        });
        lines_or(lines, "no evidence")
    })
}

/// Each piece's checks; exit 3 when one failed.
fn verified(reports: &[EvidenceReport], out: &Output) -> ExitCode {
    let intact = reports.iter().all(|r| r.intact);
    let value = json!({ "intact": intact, "reports": to_json(&reports) });
    out.print(value, || {
        lines_or(reports.iter().flat_map(report_lines), "no evidence")
    });
    if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    }
}

/// A piece's verdict, then each check under it.
fn report_lines(r: &EvidenceReport) -> impl Iterator<Item = String> + '_ {
    let verdict = if r.intact { "intact" } else { "FAILED" };
    let head = format!("{} (event {}): {verdict}", r.evidence_id, r.seq);
    let checks = r.checks.iter().map(|c| {
        let mark = if c.passed { "ok  " } else { "FAIL" };
        let detail = c
            .detail
            .as_ref()
            .map_or(String::new(), |d| format!(": {d}"));
        format!("  {mark} {}{detail}", c.code)
    });
    std::iter::once(head).chain(checks)
}

fn redacted(m: &RedactionManifest, out: &Output) -> ExitCode {
    out.print(to_json(m), || {
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
    })
}

/// Evidence as the core returns it, plus the figures scripts look for at the top level.
fn evidence_json(e: &Evidence) -> Value {
    let mut value = to_json(e);
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
