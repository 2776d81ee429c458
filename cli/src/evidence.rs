//! `redshield evidence …`: photos and recordings into a case, checked, and shared redacted.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use redshield_core::api::{EvidenceKind, FieldCore, GeoPosition, NewEvidence, PruneReport};

use crate::output::Output;
use crate::{Failure, PlaceArgs, arg_enum};

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
        #[arg(long, value_enum, default_value = "scene")]
        kind: KindArg,
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

arg_enum!(KindArg => EvidenceKind {
    Scene, Goods, Receipt, Screenshot, Odometer, Document, Recording, Other,
});

pub fn run(core: &FieldCore, command: EvidenceCommand, out: &Output) -> Result<ExitCode, Failure> {
    match command {
        EvidenceCommand::Add {
            file,
            case,
            kind,
            caption,
            note,
            place,
            rendition,
        } => {
            let place: Option<GeoPosition> = place.position();
            out.evidence(&core.add_evidence(NewEvidence {
                case_id: case,
                path: file.to_string_lossy().into_owned(),
                kind: kind.into(),
                note,
                caption,
                place,
                place_time_ms: None,
                rendition: rendition.map(|r| r.to_string_lossy().into_owned()),
            })?);
        }
        EvidenceCommand::Show { id } => out.evidence(&core.get_evidence(id)?),
        EvidenceCommand::List { case } => out.evidence_list(&core.case_evidence(case)?),
        EvidenceCommand::Verify { id } => {
            let reports = match id {
                Some(id) => vec![core.verify_evidence(id)?],
                None => core.verify_all_evidence()?,
            };
            out.evidence_reports(&reports);
            if reports.iter().any(|r| !r.intact) {
                return Ok(ExitCode::from(3));
            }
        }
        EvidenceCommand::Export { id, out: path, .. } => {
            let manifest =
                core.export_redacted_evidence(id, path.to_string_lossy().into_owned())?;
            out.redaction(&manifest);
        }
        EvidenceCommand::Prune => print_pruned(&core.prune_originals()?, out),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_pruned(report: &PruneReport, out: &Output) {
    let value = serde_json::to_value(report).unwrap_or(serde_json::Value::Null);
    out.print(value, || {
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
    });
}
