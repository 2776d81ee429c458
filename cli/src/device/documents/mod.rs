//! The on-site documents — the mediation (调解书 or 调解记录), the on-site record (现场笔录)
//! and the interview record (询问笔录) — opened, then acted on one act at a time, as the phone
//! does. `mediation` and `records` are the two command sets; what they share (joining,
//! signing, rendering, showing) is here, each act built once.

pub mod mediation;
mod people;
pub mod records;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use redshield_core::api::{
    AgreedTerm, CopyFor, DocumentAct, DocumentText, Entry, EntryKind, FieldCore, NewParticipant,
    OnSiteDocument, Participant, ParticipantRole, RenderFormat, RepresentativeAuthority,
    StrokePoint,
};
use redshield_core::documents::text::yuan;
use serde_json::json;

use crate::device::place::PlaceArgs;
use crate::failure::Failure;
use crate::files::{read, write_whole};
use crate::output::{Output, beijing, lines_or, to_json};
use crate::values::every;

/// What mediations and records alike do.
#[derive(Subcommand)]
pub enum DocumentCommand {
    /// Someone joins: officers with --enforcement-id, a merchant representative with --title.
    Join {
        #[command(flatten)]
        at: DocArgs,
        #[arg(long, value_parser = every::<ParticipantRole>())]
        role: ParticipantRole,
        #[arg(long)]
        name: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        enforcement_id: Option<String>,
        /// A merchant representative's authority.
        #[arg(long, value_parser = every::<RepresentativeAuthority>())]
        authority: Option<RepresentativeAuthority>,
    },
    /// Link a piece of the case's evidence.
    Evidence {
        #[command(flatten)]
        at: DocArgs,
        evidence_id: String,
    },
    /// The text a signer is shown, and its SHA-256 (what a signature is bound to).
    ///
    /// The text exactly, then a last line `sha256 HEX`.
    Text {
        /// The document's id.
        doc: String,
    },
    /// A signature drawn on the screen, bound to the SHA-256 of the text shown.
    Sign(SignArgs),
    /// Close the document: everyone it needs has signed the current text.
    Conclude(DocArgs),
    /// The document as A4 HTML (signatures embedded) or plain text, on stdout unless --out.
    Render(RenderArgs),
    /// One document.
    Show {
        /// The document's id.
        doc: String,
    },
    /// A case's documents (mediations and records), oldest first.
    List {
        /// The case's id or number.
        case: String,
    },
}

/// What every act takes: the document, and where the officer stands.
#[derive(Args)]
pub struct DocArgs {
    /// The document's id.
    doc: String,
    #[command(flatten)]
    place: PlaceArgs,
}

#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    at: DocArgs,
    /// The signer's participant number.
    #[arg(long)]
    participant: u32,
    /// A JSON file of the strokes as drawn: a list of strokes, each a list of points
    /// `{"x": 12.5, "y": 40.0, "t_ms": 16}`.
    #[arg(long)]
    strokes: PathBuf,
    /// The SHA-256 of the text the signer was shown (`text`). Default: the current text's —
    /// an app must pass the hash of the text it actually showed, so that a change made
    /// meanwhile refuses the signature.
    #[arg(long)]
    sha256: Option<String>,
}

#[derive(Args)]
pub struct RenderArgs {
    /// The document's id.
    doc: String,
    #[arg(long, value_parser = every::<RenderFormat>(), default_value = "html")]
    format: RenderFormat,
    /// Whose copy: the 调解书 is made in three (Art. 24).
    #[arg(long, value_parser = every::<CopyFor>())]
    copy: Option<CopyFor>,
    /// Write it to this file (whole or not at all) instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The commands both kinds share.
pub fn run(core: &FieldCore, command: DocumentCommand, out: &Output) -> Result<ExitCode, Failure> {
    let (at, act) = match command {
        DocumentCommand::Join {
            at,
            role,
            name,
            title,
            enforcement_id,
            authority,
        } => {
            let participant = NewParticipant {
                role,
                name,
                title,
                enforcement_id,
                authority,
            };
            (at, DocumentAct::Join { participant })
        }
        DocumentCommand::Evidence { at, evidence_id } => {
            (at, DocumentAct::LinkEvidence { evidence_id })
        }
        DocumentCommand::Sign(args) => sign(core, args)?,
        DocumentCommand::Conclude(at) => (at, DocumentAct::Conclude),
        DocumentCommand::Text { doc } => {
            return Ok(print_text(&core.document_text(doc)?, out));
        }
        DocumentCommand::Render(args) => return render(core, args, out),
        DocumentCommand::Show { doc } => {
            return Ok(print(&core.get_document(doc)?, out));
        }
        DocumentCommand::List { case } => {
            return Ok(list(&core.case_documents(case)?, out));
        }
    };
    act_on(core, at, act, out)
}

/// Does one act where the officer stands and prints the document as it now is.
pub fn act_on(
    core: &FieldCore,
    at: DocArgs,
    act: DocumentAct,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let place = at.place.position();
    Ok(print(&core.act_on_document(at.doc, act, place)?, out))
}

pub fn note(speaker: u32, kind: EntryKind, text: String) -> DocumentAct {
    DocumentAct::Note {
        speaker,
        kind,
        text,
    }
}

fn sign(core: &FieldCore, args: SignArgs) -> Result<(DocArgs, DocumentAct), Failure> {
    let strokes: Vec<Vec<StrokePoint>> = serde_json::from_str(&read(&args.strokes)?)
        .map_err(|e| bad_file("strokes", &args.strokes, e))?;
    let text_sha256 = shown_sha256(core, &args.at.doc, args.sha256)?;
    let act = DocumentAct::Sign {
        participant: args.participant,
        text_sha256,
        strokes,
    };
    Ok((args.at, act))
}

/// The hash of the text the signer was shown: as given, or the current text's.
pub fn shown_sha256(core: &FieldCore, doc: &str, given: Option<String>) -> Result<String, Failure> {
    match given {
        Some(sha256) => Ok(sha256),
        None => Ok(core.document_text(doc.to_string())?.sha256),
    }
}

fn render(core: &FieldCore, args: RenderArgs, out: &Output) -> Result<ExitCode, Failure> {
    let format = args.format;
    let rendered = core.render_document(args.doc, format, args.copy)?;
    match args.out {
        Some(path) => {
            write_whole(&path, &rendered)?;
            Ok(out.written(&path, rendered.len()))
        }
        None => Ok(out.rendered(format, &rendered)),
    }
}

/// A JSON file that does not parse: bad input about `field`, the file named.
pub fn bad_file(field: &str, path: &Path, e: serde_json::Error) -> Failure {
    Failure::invalid(field, format!("{}: {e}", path.display()))
}

/// An on-site document: JSON as the core returns it, a summary for people.
pub fn print(d: &OnSiteDocument, out: &Output) -> ExitCode {
    out.print(to_json(d), || summary(d))
}

fn list(list: &[OnSiteDocument], out: &Output) -> ExitCode {
    out.print(json!({ "documents": to_json(&list) }), || {
        let lines = list.iter().map(|d| {
            format!(
                "{}  {:<8} {:<14} {:<9} {}  unsigned: {}",
                d.id,
                d.title,
                d.kind.as_str(),
                d.status.as_str(),
                beijing(d.opened_at_ms),
                d.unsigned.len()
            )
        });
        lines_or(lines, "no documents")
    })
}

/// The signed text exactly, then its hash on a last line.
fn print_text(t: &DocumentText, out: &Output) -> ExitCode {
    out.print(to_json(t), || format!("{}sha256 {}", t.text, t.sha256))
}

fn summary(d: &OnSiteDocument) -> String {
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
