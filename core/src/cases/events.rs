//! Case events. Personal values are `Sealed` vault references; what is not personal (kinds,
//! reasons, credit codes, amounts, goods) is in the body, where the centre can count it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::cases::model::{CaseKind, Channel, DemandKind, IdKind, ProofKind, RuleSet, Step};
use crate::events::{EventBody, Projection};
use crate::position::GeoPoint;
use crate::vault::Sealed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOpened {
    pub case_id: Uuid,
    /// `<device prefix>-<yyyymmdd>-<counter>`, Beijing date; fixed when the event is made.
    pub number: String,
    pub kind: CaseKind,
    pub channel: Channel,
    /// `None` only in bodies upcast from v1 and v2, which did not record it: the time of
    /// the event is the time of receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at_ms: Option<i64>,
    /// Chosen from the date of receipt when the case is opened, and never recomputed. `None`
    /// only in upcast bodies: the projection chooses it once, from the same date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complainants: Vec<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_complainants: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondent: Option<Respondent>,
    pub matter: MatterBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_case: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub name: Sealed,
    pub phone: Sealed,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_document: Option<SealedId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentBody>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedId {
    pub kind: IdKind,
    pub number: Sealed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentBody {
    pub name: Sealed,
    pub id_document: SealedId,
    pub power_of_attorney: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Respondent {
    pub name: Sealed,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Sealed>,
    /// Public registry data, in the clear: the centre matches businesses by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premises: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<OnlineShopBody>,
}

/// A shop's public face on a platform: not personal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlineShopBody {
    pub platform: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatterBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_text: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<GeoPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_paid_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    pub facts: Sealed,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demands: Vec<DemandKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demands_text: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// Absent from bodies written before it existed, and when not asked: their bytes decode
    /// as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<ProofBody>,
}

/// The proof of purchase offered (Art. 17(3)); its reference is personal (an order number
/// leads to a person), so sealed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBody {
    pub kind: ProofKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Sealed>,
}

impl CaseOpened {
    /// The vault rows the body refers to, for the verifier.
    fn sealed(&self) -> Vec<Sealed> {
        let mut all = Vec::new();
        for p in &self.complainants {
            all.extend([p.name, p.phone]);
            all.extend(p.address);
            all.extend(p.id_document.map(|d| d.number));
            if let Some(a) = &p.agent {
                all.extend([a.name, a.id_document.number]);
            }
        }
        if let Some(r) = &self.respondent {
            all.push(r.name);
            all.extend(r.address);
            all.extend(r.legal_representative);
            all.extend(r.premises);
        }
        let m = &self.matter;
        all.push(m.facts);
        all.extend(m.place_text);
        all.extend(m.demands_text);
        all.extend(m.proof.and_then(|p| p.reference));
        all
    }
}

impl EventBody for CaseOpened {
    const TOPICS: &'static [crate::events::Topic] =
        &[crate::events::Topic::Cases, crate::events::Topic::Clocks];
    const TYPE: &'static str = "CaseOpened";
    const VERSION: u32 = 3;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::opened(at.conn, at.event, self)
    }

    fn upcast(version: u32, body: Value) -> Result<Self, String> {
        match version {
            1 | 2 => serde_json::from_value::<CaseOpenedV2>(body)
                .map(CaseOpened::from)
                .map_err(|e| format!("CaseOpened v{version}: {e}")),
            _ => Err(format!("CaseOpened has no body version {version}")),
        }
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        self.sealed()
    }
}

/// v1 and v2, from the first builds: one complainant (name, phone), a respondent (name,
/// address), free-text demands. v1 had no channel: it was used only at the vehicle window.
/// Neither recorded a time of receipt apart from the event's own time, nor a rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOpenedV2 {
    pub case_id: Uuid,
    pub number: String,
    pub kind: CaseKind,
    #[serde(default = "vehicle_walk_in")]
    pub channel: Channel,
    pub complainant: Party,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondent: Option<Respondent>,
    pub facts: Sealed,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demands: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<GeoPoint>,
}

fn vehicle_walk_in() -> Channel {
    Channel::VehicleWalkIn
}

impl From<CaseOpenedV2> for CaseOpened {
    fn from(old: CaseOpenedV2) -> Self {
        CaseOpened {
            case_id: old.case_id,
            number: old.number,
            kind: old.kind,
            channel: old.channel,
            received_at_ms: None,
            rule_set: None,
            platform_ticket: None,
            complainants: vec![old.complainant],
            joint_complainants: None,
            respondent: old.respondent,
            matter: MatterBody {
                occurred_on: None,
                place_text: None,
                place: old.place,
                goods: None,
                amount_paid_fen: None,
                quantity: None,
                facts: old.facts,
                demands: Vec::new(),
                demands_text: old.demands,
                evidence: Vec::new(),
                proof: None,
            },
            linked_case: None,
        }
    }
}

/// A step in a case's workflow (`cases::workflow`). Who and when are the envelope's; where is
/// its position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStepTaken {
    pub case_id: Uuid,
    pub step: Step,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Sealed>,
}

impl EventBody for CaseStepTaken {
    const TOPICS: &'static [crate::events::Topic] =
        &[crate::events::Topic::Cases, crate::events::Topic::Clocks];
    const TYPE: &'static str = "CaseStepTaken";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::step_taken(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        self.note.into_iter().collect()
    }
}

/// Records that a case's personal data was deleted on purpose, so that the verifier reports
/// the rows as purged rather than tampered with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalDataPurged {
    pub case_id: Uuid,
    pub vault_ids: Vec<i64>,
}

impl EventBody for PersonalDataPurged {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Cases];
    const TYPE: &'static str = "PersonalDataPurged";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> crate::Result<()> {
        super::projection::purged(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn released_rows(&self) -> Vec<i64> {
        self.vault_ids.clone()
    }
}
