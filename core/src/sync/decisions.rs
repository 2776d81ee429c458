//! Decisions of the centre carried out on the device (DESIGN, server events): by the device's
//! own ordinary events, appended right after its record of the decision in the same
//! transaction, so every projection — and the centre's replica — reads them as it reads the
//! officer's own work. A decision the device cannot carry out (the case is not here, its state
//! does not allow the step, an attachment does not match) is recorded with the reason instead
//! (`ServerEventApplied::not_carried_out`) and never stops the device taking the next one.

use serde::de::DeserializeOwned;

use crate::calendar::Calendar;
use crate::cases::blind;
use crate::cases::{self, NewCase, Step, supervision};
use crate::clocks::extension;
use crate::dispatch;
use crate::error::{Error, Result};
use crate::events::Digest;
use crate::events::log::Writer;
use crate::protocol::{
    Attachment, CASE_ASSIGNED, CASE_CLOSED, CASE_DISPATCHED, CASE_SUPERVISED, CaseClosed,
    CaseDispatched, CaseSupervised, EXTENSION_DECIDED, ExtensionDecided, ServerEventBody,
};
use crate::sync::handover;

/// Takes in what a decision brings for this device before its record is appended (and
/// projected): a reassigned case's history, kept to be projected with the record.
pub fn take_in(w: &Writer, body: &ServerEventBody, attachment: Option<&Attachment>) -> Result<()> {
    match crate::centre::handover::brought_by(body, w.device()) {
        Some((case_id, commitment)) => {
            handover::receive(w.conn(), body.server_seq, case_id, commitment, attachment)
        }
        None => Ok(()),
    }
}

/// Carries out `body`; reference data and records-only decisions need nothing here.
pub fn carry_out(
    w: &mut Writer,
    calendar: &Calendar,
    body: &ServerEventBody,
    attachment: Option<&Attachment>,
) -> Result<()> {
    match body.event_type.as_str() {
        CASE_DISPATCHED => {
            let order: CaseDispatched = decode(body)?;
            if let Some(commitment) = order.intake_sha256 {
                let intake = attached(attachment, commitment)?;
                let new: NewCase = serde_json::from_str(intake)
                    .map_err(|e| Error::invalid("intake", format!("does not decode: {e}")))?;
                cases::intake::open_as(w, order.case_id, &new)?;
            }
            dispatch::ordered(w, &order, body.time_ms)
        }
        CASE_SUPERVISED => {
            let note: CaseSupervised = decode(body)?;
            let text = attached(attachment, note.note_sha256)?;
            supervision::receive(w, note.case_id, body.server_seq, &note.due_on, text)
        }
        EXTENSION_DECIDED => {
            let decided: ExtensionDecided = decode(body)?;
            match decided.approved {
                true => extension::approved(w, calendar, &decided),
                false => Ok(()),
            }
        }
        // A case handed over is searched for as any case taken here (`blind`): its intake,
        // as projected, refers to the rows as this vault holds them.
        CASE_ASSIGNED => match crate::centre::handover::brought_by(body, w.device()) {
            Some((case_id, _)) => {
                blind::forget_case(w.conn(), case_id)?;
                match cases::read::intake(w.conn(), case_id)? {
                    Some(intake) => blind::index_case(w.conn(), w.blind_key(), case_id, &intake),
                    None => Ok(()),
                }
            }
            None => Ok(()),
        },
        CASE_CLOSED => {
            let closed: CaseClosed = decode(body)?;
            let close = Step::Close {
                outcome: closed.outcome,
            };
            cases::take_step(w, closed.case_id, &close, None).map(|_| ())
        }
        _ => Ok(()),
    }
}

/// Whether `error` means the decision cannot be carried out here (recorded, sync goes on)
/// rather than that the store failed (the sync stops and is retried).
pub fn cannot_carry_out(error: &Error) -> bool {
    matches!(
        error,
        Error::Invalid { .. }
            | Error::NotFound { .. }
            | Error::WrongState { .. }
            | Error::NoCalendar { .. }
    )
}

fn decode<T: DeserializeOwned>(body: &ServerEventBody) -> Result<T> {
    serde_json::from_value(body.body.clone()).map_err(|e| {
        Error::invalid(
            "decision",
            format!("a {} that does not decode: {e}", body.event_type),
        )
    })
}

/// The attachment's value, if it is the one the signed body commits to.
pub(crate) fn attached(attachment: Option<&Attachment>, commitment: Digest) -> Result<&str> {
    match attachment {
        Some(a) if a.commitment() == Some(commitment) => Ok(&a.value),
        Some(_) => Err(Error::invalid(
            "attachment",
            "does not match the commitment the centre signed",
        )),
        None => Err(Error::invalid("attachment", "is missing")),
    }
}
