//! The statutory workflow as an explicit state machine: which step a case of a kind may take
//! in a state, and where it leads. Everything else (events, projection, API) asks `next`.
//!
//! Complaint: received → accepted | declined | forwarded | referred; accepted → mediating →
//! agreed | not_agreed → closed → followed_up (accepted → closed when withdrawn or settled;
//! accepted → forwarded | referred when jurisdiction shows late).
//! Report: received → verifying → filed | not_filed → closed → followed_up (received or
//! verifying → forwarded | referred).
//! Consultation: received → closed (answered) | referred → … → followed_up.
//! Repeated reports (Order No. 121 Art. 35): received or verifying → not_handled_again (the
//! same facts again) | merged (new facts, into the first report, which stays where it was).

use crate::cases::model::{CaseKind, CaseState, Outcome, Step};
use crate::error::{Error, Result};

use CaseKind::{Complaint, Consultation, Report};
use CaseState::*;

/// The state `step` leads to from `state`, or an error naming the state.
pub fn next(kind: CaseKind, state: CaseState, step: &Step) -> Result<CaseState> {
    allowed(kind, state, step).ok_or_else(|| Error::WrongState {
        kind: kind.as_str(),
        state: state.as_str(),
        step: step_name(step),
    })
}

fn allowed(kind: CaseKind, state: CaseState, step: &Step) -> Option<CaseState> {
    let to = match (kind, state, step) {
        (Complaint, Received, Step::Accept) => Accepted,
        (Complaint, Received, Step::Decline { .. }) => Declined,
        (_, Received, Step::Forward { .. }) => Forwarded,
        (_, Received, Step::Refer { .. }) => Referred,
        // Jurisdiction can show only after acceptance or during verification (Art. 33).
        (Complaint, Accepted, Step::Forward { .. }) | (Report, Verifying, Step::Forward { .. }) => {
            Forwarded
        }
        (Complaint, Accepted, Step::Refer { .. }) | (Report, Verifying, Step::Refer { .. }) => {
            Referred
        }
        (Complaint, Accepted, Step::StartMediation) => Mediating,
        (Complaint, Mediating, Step::EndMediation { agreement: true }) => Agreed,
        (Complaint, Mediating, Step::EndMediation { agreement: false }) => NotAgreed,
        (Report, Received, Step::StartVerification) => Verifying,
        (Report, Verifying, Step::DecideReport { file_case: true }) => Filed,
        (Report, Verifying, Step::DecideReport { file_case: false }) => NotFiled,
        (_, _, Step::Close { outcome }) if closing_outcomes(kind, state).contains(outcome) => {
            Closed
        }
        (_, Closed, Step::FollowUp { .. }) => FollowedUp,
        // Art. 35 (Order No. 121): a repeated report is not handled again; new facts are
        // merged into the first, which goes on where it stood.
        (Report, Received | Verifying, Step::MarkRepeated { .. }) => NotHandledAgain,
        (Report, Received | Verifying, Step::MergeInto { .. }) => Merged,
        (Report, Received | Verifying, Step::ReportMerged { .. }) => state,
        _ => return None,
    };
    Some(to)
}

/// The outcomes a case may be closed with from `state`.
pub fn closing_outcomes(kind: CaseKind, state: CaseState) -> &'static [Outcome] {
    match (kind, state) {
        (Consultation, Received) => &[Outcome::Answered],
        (Complaint, Accepted) => &[Outcome::Withdrawn, Outcome::SettledByParties],
        (Complaint, Agreed) => &[Outcome::Agreement],
        (Complaint, NotAgreed) => &[Outcome::NoAgreement],
        (Report, Filed) => &[Outcome::CaseFiled],
        (Report, NotFiled) => &[Outcome::NoCaseFiled],
        _ => &[],
    }
}

/// Every step a case of `kind` may take in `state` (for the app's action buttons), by name.
pub fn steps_allowed(kind: CaseKind, state: CaseState) -> Vec<&'static str> {
    let probes = [
        Step::Accept,
        Step::Decline {
            reason: crate::cases::model::DeclineReason::OutsideRemit,
        },
        Step::Forward {
            office: String::new(),
        },
        Step::Refer {
            department: String::new(),
        },
        Step::StartMediation,
        Step::EndMediation { agreement: true },
        Step::StartVerification,
        Step::DecideReport { file_case: true },
        Step::FollowUp {
            score: None,
            word: None,
        },
        Step::MarkRepeated {
            first: String::new(),
        },
        Step::MergeInto {
            first: String::new(),
        },
    ];
    let mut names: Vec<&str> = probes
        .iter()
        .filter(|s| allowed(kind, state, s).is_some())
        .map(step_name)
        .collect();
    if !closing_outcomes(kind, state).is_empty() {
        names.push("close");
    }
    names
}

/// A step's name, as the event and the CLI spell it.
pub fn step_name(step: &Step) -> &'static str {
    match step {
        Step::Accept => "accept",
        Step::Decline { .. } => "decline",
        Step::Forward { .. } => "forward",
        Step::Refer { .. } => "refer",
        Step::StartMediation => "start_mediation",
        Step::EndMediation { .. } => "end_mediation",
        Step::StartVerification => "start_verification",
        Step::DecideReport { .. } => "decide_report",
        Step::Close { .. } => "close",
        Step::FollowUp { .. } => "follow_up",
        Step::MarkRepeated { .. } => "mark_repeated",
        Step::MergeInto { .. } => "merge_into",
        Step::ReportMerged { .. } => "report_merged",
    }
}

/// Whether the case's handling on this device has ended (for statistics and lists).
pub fn is_final(state: CaseState) -> bool {
    matches!(
        state,
        Declined | Forwarded | Referred | Closed | FollowedUp | NotHandledAgain | Merged
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::DeclineReason;

    fn walk(kind: CaseKind, steps: &[Step]) -> Result<CaseState> {
        steps
            .iter()
            .try_fold(Received, |state, step| next(kind, state, step))
    }

    #[test]
    fn a_complaint_goes_from_receipt_to_follow_up() {
        let end = walk(
            Complaint,
            &[
                Step::Accept,
                Step::StartMediation,
                Step::EndMediation { agreement: true },
                Step::Close {
                    outcome: Outcome::Agreement,
                },
                Step::FollowUp {
                    score: Some(5),
                    word: None,
                },
            ],
        );
        assert_eq!(end.unwrap(), FollowedUp);
    }

    #[test]
    fn a_report_is_verified_then_filed_or_not() {
        let filed = [
            Step::StartVerification,
            Step::DecideReport { file_case: true },
        ];
        assert_eq!(walk(Report, &filed).unwrap(), Filed);
        let closed = walk(
            Report,
            &[
                Step::StartVerification,
                Step::DecideReport { file_case: false },
                Step::Close {
                    outcome: Outcome::NoCaseFiled,
                },
            ],
        );
        assert_eq!(closed.unwrap(), Closed);
    }

    #[test]
    fn wrong_steps_name_the_current_state() {
        let err = walk(
            Complaint,
            &[
                Step::Decline {
                    reason: DeclineReason::TimeBarred,
                },
                Step::Accept,
            ],
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::WrongState {
                    state: "declined",
                    step: "accept",
                    ..
                }
            ),
            "{err}"
        );
        assert!(walk(Consultation, &[Step::Accept]).is_err());
        assert!(walk(Report, &[Step::Accept]).is_err());
        assert!(walk(Complaint, &[Step::StartVerification]).is_err());
        // An outcome that does not fit the state is as wrong as a wrong step.
        assert!(
            walk(
                Complaint,
                &[
                    Step::Accept,
                    Step::Close {
                        outcome: Outcome::Agreement
                    }
                ]
            )
            .is_err()
        );
    }

    #[test]
    fn final_states_allow_nothing_but_follow_up_after_closing() {
        for kind in CaseKind::ALL {
            for state in [Declined, Forwarded, Referred, FollowedUp] {
                assert!(steps_allowed(*kind, state).is_empty(), "{kind} {state}");
            }
            assert_eq!(steps_allowed(*kind, Closed), ["follow_up"]);
        }
    }

    #[test]
    fn the_buttons_offered_are_the_steps_allowed() {
        assert_eq!(
            steps_allowed(Complaint, Received),
            ["accept", "decline", "forward", "refer"]
        );
        assert_eq!(
            steps_allowed(Consultation, Received),
            ["forward", "refer", "close"]
        );
        assert_eq!(
            steps_allowed(Complaint, Accepted),
            ["forward", "refer", "start_mediation", "close"]
        );
        // Art. 35 (Order No. 121): a report may be linked to an earlier one.
        assert_eq!(
            steps_allowed(Report, Received),
            [
                "forward",
                "refer",
                "start_verification",
                "mark_repeated",
                "merge_into"
            ]
        );
        assert_eq!(steps_allowed(Report, Merged), Vec::<&str>::new());
    }

    /// Order No. 121 Art. 35: a repeat is not handled again, new facts are merged, and the
    /// first report stays where it stood when a later one is merged into it.
    #[test]
    fn art_35_a_repeated_report_ends_and_the_first_goes_on() {
        let first = || "first".to_string();
        assert_eq!(
            walk(Report, &[Step::MarkRepeated { first: first() }]).unwrap(),
            NotHandledAgain
        );
        assert_eq!(
            walk(
                Report,
                &[Step::StartVerification, Step::MergeInto { first: first() }]
            )
            .unwrap(),
            Merged
        );
        let merged = Step::ReportMerged {
            report: first(),
            received_at_ms: 0,
        };
        assert_eq!(
            walk(Report, &[Step::StartVerification, merged.clone()]).unwrap(),
            Verifying
        );
        assert!(walk(Complaint, &[Step::MarkRepeated { first: first() }]).is_err());
        assert!(is_final(NotHandledAgain) && is_final(Merged));
        assert!(walk(Report, &[Step::MarkRepeated { first: first() }, merged]).is_err());
    }
}
