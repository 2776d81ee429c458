//! Case events. Bodies hold vault references (`Sealed`) in place of personal values.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::cases::model::{CaseKind, Channel};
use crate::events::EventBody;
use crate::position::GeoPoint;
use crate::vault::Sealed;

/// v2: the channel the matter came through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOpened {
    pub case_id: Uuid,
    /// `<device prefix>-<yyyymmdd>-<counter>`, Beijing date; fixed when the event is made.
    pub number: String,
    pub kind: CaseKind,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub name: Sealed,
    pub phone: Sealed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Respondent {
    pub name: Sealed,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Sealed>,
}

/// v1 had no channel: the first builds were used only at the vehicle window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOpenedV1 {
    pub case_id: Uuid,
    pub number: String,
    pub kind: CaseKind,
    pub complainant: Party,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondent: Option<Respondent>,
    pub facts: Sealed,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demands: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<GeoPoint>,
}

impl From<CaseOpenedV1> for CaseOpened {
    fn from(v1: CaseOpenedV1) -> Self {
        CaseOpened {
            case_id: v1.case_id,
            number: v1.number,
            kind: v1.kind,
            channel: Channel::VehicleWalkIn,
            complainant: v1.complainant,
            respondent: v1.respondent,
            facts: v1.facts,
            demands: v1.demands,
            place: v1.place,
        }
    }
}

impl EventBody for CaseOpened {
    const TYPE: &'static str = "CaseOpened";
    const VERSION: u32 = 2;

    fn upcast(version: u32, body: Value) -> Result<Self, String> {
        match version {
            1 => serde_json::from_value::<CaseOpenedV1>(body)
                .map(CaseOpened::from)
                .map_err(|e| format!("CaseOpened v1: {e}")),
            _ => Err(format!("CaseOpened has no body version {version}")),
        }
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }

    fn personal_data(&self) -> Vec<Sealed> {
        let mut sealed = vec![self.complainant.name, self.complainant.phone, self.facts];
        if let Some(r) = &self.respondent {
            sealed.push(r.name);
            sealed.extend(r.address);
        }
        sealed.extend(self.demands);
        sealed
    }
}
