//! Cases: consultations, complaints and reports taken on the spot, moved through the statutory
//! workflow. Every change is an event (`CaseOpened`, `CaseStepTaken`); reads come from the
//! `cases` and `case_steps` projections joined with the vault.

pub mod abuse_flags;
pub mod blind;
pub mod departments;
pub mod events;
pub mod grounds;
pub mod intake;
pub mod merchant;
pub mod model;
mod number;
pub mod projection;
pub mod read;
pub mod repeats;
pub mod search;
pub mod supervision;
pub mod workflow;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::validate::{multi_line, one_line, optional};

pub use abuse_flags::{AbuseFlag, FlagKind};
use events::CaseStepTaken;
pub use intake::open;
pub use merchant::{MerchantParty, MerchantStep, MerchantView};
pub use model::*;
pub use read::{get, id_of, list};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &[
        "case_search",
        "case_steps",
        "cases",
        "case_counters",
        "supervisions",
        "departments",
    ],
    kept: &["blind_index"],
};

/// Takes `step` on the case, if its state allows it, with an optional note (free text, kept
/// in the vault). Returns the state it leads to.
pub fn take_step(
    w: &mut Writer,
    case_id: Uuid,
    step: &Step,
    note: Option<&str>,
) -> Result<CaseState> {
    let (kind, state) =
        projection::kind_and_state(w.conn(), &case_id.to_string())?.ok_or(Error::NotFound {
            what: "case",
            id: case_id.to_string(),
        })?;
    let after = workflow::next(kind, state, step)?;
    let step = checked_step(w, case_id, step)?;
    let note = optional(note, |v| multi_line("note", v, limits::NOTE))?;
    if note.is_none() && needs_note(&step) {
        return Err(Error::invalid(
            "note",
            format!("is required to {}", workflow::step_name(&step)),
        ));
    }
    let note = note
        .map(|n| w.seal_personal(Some(case_id), "step.note", &n))
        .transpose()?;
    let merged_into = match &step {
        Step::MergeInto { first } => Some(first.clone()),
        _ => None,
    };
    w.append(CaseStepTaken {
        case_id,
        step,
        note,
    })?;
    if let Some(first) = merged_into {
        // Art. 35: the first report records the merge, and its period restarts from it.
        let step = repeats::merged_step(w.conn(), &case_id.to_string())?;
        let first = Uuid::parse_str(&first).map_err(|e| Error::Encoding(e.to_string()))?;
        w.append(CaseStepTaken {
            case_id: first,
            step,
            note: None,
        })?;
    }
    Ok(after)
}

/// Forwarding and referring say why; so does a decline on "another legal ground".
fn needs_note(step: &Step) -> bool {
    matches!(
        step,
        Step::Forward { .. }
            | Step::Refer { .. }
            | Step::Decline {
                reason: DeclineReason::OtherLegalGround
            }
    )
}

/// The step with its details checked and normalised: a decline on a ground of the rules the
/// case follows (Order No. 20 has no identity ground).
fn checked_step(w: &Writer, case_id: Uuid, step: &Step) -> Result<Step> {
    Ok(match step {
        Step::Decline { reason } => {
            let rules = projection::rule_set_at(w.conn(), &case_id.to_string(), w.time.trusted_ms)?;
            crate::rulebook::book(rules).decline_ground(*reason)?;
            step.clone()
        }
        Step::Forward { office } => Step::Forward {
            office: one_line("office", office, limits::NAME)?,
        },
        Step::Refer { department } => Step::Refer {
            department: departments::find(w.conn(), department)?.code,
        },
        Step::MarkRepeated { first } => repeats::checked(
            w.conn(),
            &case_id.to_string(),
            first,
            false,
            w.time.trusted_ms,
        )?,
        Step::MergeInto { first } => repeats::checked(
            w.conn(),
            &case_id.to_string(),
            first,
            true,
            w.time.trusted_ms,
        )?,
        Step::ReportMerged { .. } => {
            return Err(Error::invalid(
                "step",
                "report_merged is recorded by merge_into on the later report",
            ));
        }
        Step::FollowUp { score, word } => {
            if score.is_none() && word.is_none() {
                return Err(Error::invalid(
                    "score",
                    "a follow-up records a score (1–5) or a word on the four-word scale",
                ));
            }
            if let Some(s) = score
                && !(1..=5).contains(s)
            {
                return Err(Error::invalid("score", format!("{s} is not 1 to 5")));
            }
            step.clone()
        }
        other => other.clone(),
    })
}
