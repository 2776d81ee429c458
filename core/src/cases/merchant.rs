//! What the business may see of a case (Art. 37): a separate type, so that every export or
//! document meant for the merchant is built from it and cannot reach what it does not hold.
//! It never reveals that a report exists or who made it — not even the link from a complaint
//! to the report its complainant also filed — nor officers' notes, which may mention either.
//! A complaint's complainant does appear: the 调解书 names them, as the rules require.

use serde::{Deserialize, Serialize};

use crate::cases::model::{Business, Case, CaseKind, CaseState, DemandKind, Step};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MerchantView {
    pub number: String,
    pub state: CaseState,
    pub received_at_ms: i64,
    pub complainants: Vec<MerchantParty>,
    pub joint_complainants: Option<u32>,
    pub respondent: Option<Business>,
    /// The address the documents give for the business: its own, or for a seller inside an
    /// online platform the shop's published address, or else the platform (Art. 13).
    pub respondent_address: Option<String>,
    pub occurred_on: Option<String>,
    pub place_text: Option<String>,
    pub goods: Option<String>,
    pub amount_paid_fen: Option<i64>,
    pub facts: Option<String>,
    pub demands: Vec<DemandKind>,
    pub demands_text: Option<String>,
    /// The steps taken, without their notes.
    pub steps: Vec<MerchantStep>,
}

/// A complainant as the 调解书 names them: no ID number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MerchantParty {
    pub name: String,
    pub phone: String,
    pub address: Option<String>,
    pub agent_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MerchantStep {
    pub step: Step,
    pub state_after: CaseState,
    pub at_ms: i64,
}

/// The merchant-facing view of a complaint. Any other kind is "not found", in the same words
/// as a case that does not exist, so that the answer itself gives no report away.
pub fn view(case: &Case) -> Result<MerchantView> {
    if case.kind != CaseKind::Complaint {
        return Err(Error::NotFound {
            what: "complaint",
            id: case.number.clone(),
        });
    }
    Ok(MerchantView {
        number: case.number.clone(),
        state: case.state,
        received_at_ms: case.received_at_ms,
        complainants: case
            .complainants
            .iter()
            .map(|p| MerchantParty {
                name: p.name.clone(),
                phone: p.phone.clone(),
                address: p.address.clone(),
                agent_name: p.agent.as_ref().map(|a| a.name.clone()),
            })
            .collect(),
        joint_complainants: case.joint_complainants,
        respondent_address: case.respondent.as_ref().and_then(Business::address_shown),
        respondent: case.respondent.clone(),
        occurred_on: case.matter.occurred_on.clone(),
        place_text: case.matter.place_text.clone(),
        goods: case.matter.goods.clone(),
        amount_paid_fen: case.matter.amount_paid_fen,
        facts: case.matter.facts.clone(),
        demands: case.matter.demands.clone(),
        demands_text: case.matter.demands_text.clone(),
        steps: case
            .history
            .iter()
            .map(|s| MerchantStep {
                step: s.step.clone(),
                state_after: s.state_after,
                at_ms: s.at_ms,
            })
            .collect(),
    })
}
