//! What mediation ends with: an agreement's terms (amounts in fen — integers, never floating
//! point), whether a 调解书 is made (Art. 24), or one of the eight reasons it ended without
//! agreement (Art. 23).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::rulebook::EndReason;
use crate::validate::{multi_line, one_line};
use crate::wire_enum::wire_enum;

wire_enum! {
    /// What a term of an agreement is.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum TermKind {
        Refund = "refund",
        Replacement = "replacement",
        Repair = "repair",
        Redo = "redo",
        MakeUpQuantity = "make_up_quantity",
        Compensation = "compensation",
        Apology = "apology",
        Other = "other",
    }
}

wire_enum! {
    /// Who performs a term.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum Performer {
        Consumer = "consumer",
        Merchant = "merchant",
    }
}

/// One term of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Term {
    pub kind: TermKind,
    /// Who does it.
    pub by: Performer,
    /// What is done, in words ("退还货款", "更换同型号电饭煲一台").
    pub what: String,
    /// Money paid under the term, in fen; none for a replacement or an apology.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub amount_fen: Option<i64>,
    /// By when (`YYYY-MM-DD`), unless performed on the spot.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub due_on: Option<String>,
    /// Carried out there and then, before the parties left.
    #[cfg_attr(feature = "ffi", uniffi(default))]
    #[serde(default)]
    pub performed_on_the_spot: bool,
}

/// The largest amount one term may carry: ten million yuan (a consumer dispute, not a merger).
pub const MAX_AMOUNT_FEN: i64 = 1_000_000_000;
pub const MAX_TERMS: usize = 30;

/// Checks an agreement's terms: at least one, amounts positive whole fen within reason, a due
/// date that is a date, words given.
pub fn check(terms: &[Term]) -> Result<Vec<Term>> {
    if terms.is_empty() || terms.len() > MAX_TERMS {
        return Err(Error::invalid(
            "terms",
            format!("an agreement has 1 to {MAX_TERMS} terms"),
        ));
    }
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let field = |name: &str| format!("terms[{i}].{name}");
            if let Some(fen) = t.amount_fen
                && !(1..=MAX_AMOUNT_FEN).contains(&fen)
            {
                return Err(Error::invalid(
                    field("amount_fen"),
                    format!("{fen} fen is not an amount (1 fen to {MAX_AMOUNT_FEN})"),
                ));
            }
            if let Some(due) = &t.due_on {
                crate::calendar::parse_date(&field("due_on"), due)?;
            }
            Ok(Term {
                what: multi_line(&field("what"), &t.what, 500)?,
                due_on: t
                    .due_on
                    .as_deref()
                    .map(|d| one_line(&field("due_on"), d, 10))
                    .transpose()?,
                ..t.clone()
            })
        })
        .collect()
}

/// The money an agreement recovers for the consumer: what the merchant pays, in fen.
pub fn recovered_fen(terms: &[Term]) -> i64 {
    terms
        .iter()
        .filter(|t| t.by == Performer::Merchant)
        .filter_map(|t| t.amount_fen)
        .sum()
}

/// Art. 24: a 调解书 is made unless the agreement was carried out at once or both parties
/// agreed not to make one; then the 调解记录 is the record.
pub fn needs_mediation_document(terms: &[Term], both_decline: bool) -> bool {
    let performed_at_once = terms.iter().all(|t| t.performed_on_the_spot);
    !(performed_at_once || both_decline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(kind: TermKind, by: Performer, fen: Option<i64>, on_the_spot: bool) -> Term {
        Term {
            kind,
            by,
            what: "退还货款".into(),
            amount_fen: fen,
            due_on: None,
            performed_on_the_spot: on_the_spot,
        }
    }

    #[test]
    fn amounts_are_whole_positive_fen_and_an_agreement_has_terms() {
        assert!(check(&[]).is_err());
        for bad in [0, -1, MAX_AMOUNT_FEN + 1] {
            let e = check(&[term(
                TermKind::Refund,
                Performer::Merchant,
                Some(bad),
                false,
            )])
            .unwrap_err();
            assert!(e.to_string().starts_with("terms[0].amount_fen"), "{e}");
        }
        let mut late = term(TermKind::Repair, Performer::Merchant, None, false);
        late.due_on = Some("2026-02-30".into());
        assert!(check(&[late]).is_err());
        let mut blank = term(TermKind::Apology, Performer::Merchant, None, true);
        blank.what = "  ".into();
        assert!(check(&[blank]).is_err());
    }

    #[test]
    fn money_recovered_is_what_the_merchant_pays_exactly() {
        let terms = [
            term(TermKind::Refund, Performer::Merchant, Some(5980), true),
            term(
                TermKind::Compensation,
                Performer::Merchant,
                Some(50_000),
                false,
            ),
            term(TermKind::Replacement, Performer::Merchant, None, false),
            // The consumer returns the goods' accessories: not money recovered.
            term(TermKind::Other, Performer::Consumer, Some(1000), true),
        ];
        assert_eq!(recovered_fen(&check(&terms).unwrap()), 55_980);
    }

    #[test]
    fn a_mediation_document_is_made_unless_performed_at_once_or_both_decline() {
        let at_once = [term(TermKind::Refund, Performer::Merchant, Some(100), true)];
        let later = [term(TermKind::Repair, Performer::Merchant, None, false)];
        assert!(!needs_mediation_document(&at_once, false));
        assert!(needs_mediation_document(&later, false));
        assert!(!needs_mediation_document(&later, true));
    }
}
