//! Records the apps exchange with the core. They speak the apps' units (degrees, strings);
//! conversion to the domain's (1e-7 degrees, UUIDs) happens here.

use crate::cases::{self, CaseKind, CaseState, Channel};
use crate::error::Result;
use crate::events::verify;
use crate::officer;
use crate::position::GeoPoint;

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct GeoPosition {
    /// WGS-84 degrees, as GNSS gives them.
    pub latitude: f64,
    pub longitude: f64,
    #[uniffi(default)]
    pub accuracy_m: Option<f64>,
}

impl GeoPosition {
    pub(crate) fn to_point(&self, field: &str) -> Result<GeoPoint> {
        GeoPoint::from_degrees(field, self.latitude, self.longitude, self.accuracy_m)
    }
}

impl From<GeoPoint> for GeoPosition {
    fn from(p: GeoPoint) -> Self {
        GeoPosition {
            latitude: p.latitude(),
            longitude: p.longitude(),
            accuracy_m: p.accuracy_m(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Officer {
    pub name: String,
    pub enforcement_id: String,
}

impl From<officer::Officer> for Officer {
    fn from(o: officer::Officer) -> Self {
        Officer {
            name: o.name,
            enforcement_id: o.enforcement_id,
        }
    }
}

/// What an officer enters to open a case. Limits: names 64 characters, addresses 200, facts
/// 4000, demands 2000; the phone is a mainland mobile number.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewCase {
    pub kind: CaseKind,
    pub complainant_name: String,
    pub complainant_phone: String,
    /// Required for complaints and reports.
    #[uniffi(default)]
    pub respondent_name: Option<String>,
    /// Required for complaints.
    #[uniffi(default)]
    pub respondent_address: Option<String>,
    pub facts: String,
    /// Required for complaints.
    #[uniffi(default)]
    pub demands: Option<String>,
    /// Where the matter happened.
    #[uniffi(default)]
    pub place: Option<GeoPosition>,
    /// Defaults to the vehicle window.
    #[uniffi(default)]
    pub channel: Option<Channel>,
}

impl NewCase {
    pub(crate) fn to_domain(&self) -> Result<cases::NewCase> {
        Ok(cases::NewCase {
            kind: self.kind,
            channel: self.channel.unwrap_or(Channel::VehicleWalkIn),
            complainant_name: self.complainant_name.clone(),
            complainant_phone: self.complainant_phone.clone(),
            respondent_name: self.respondent_name.clone(),
            respondent_address: self.respondent_address.clone(),
            facts: self.facts.clone(),
            demands: self.demands.clone(),
            place: self
                .place
                .as_ref()
                .map(|p| p.to_point("place"))
                .transpose()?,
        })
    }
}

/// A case. Personal fields are `None` when they were not given or have been purged
/// (`personal_data_purged`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Case {
    pub id: String,
    /// `<device prefix>-<yyyymmdd>-<counter>`, Beijing date.
    pub number: String,
    pub kind: CaseKind,
    pub state: CaseState,
    pub channel: Channel,
    /// Trusted time, ms since the Unix epoch.
    pub opened_at_ms: i64,
    pub opened_by: Officer,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub respondent_name: Option<String>,
    pub respondent_address: Option<String>,
    pub facts: Option<String>,
    pub demands: Option<String>,
    pub place: Option<GeoPosition>,
    pub personal_data_purged: bool,
}

impl From<cases::Case> for Case {
    fn from(c: cases::Case) -> Self {
        Case {
            id: c.id.to_string(),
            number: c.number,
            kind: c.kind,
            state: c.state,
            channel: c.channel,
            opened_at_ms: c.opened_at_ms,
            opened_by: c.opened_by.into(),
            complainant_name: c.complainant_name,
            complainant_phone: c.complainant_phone,
            respondent_name: c.respondent_name,
            respondent_address: c.respondent_address,
            facts: c.facts,
            demands: c.demands,
            place: c.place.map(GeoPosition::from),
            personal_data_purged: c.personal_data_purged,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct CaseQuery {
    #[uniffi(default)]
    pub state: Option<CaseState>,
    #[uniffi(default)]
    pub kind: Option<CaseKind>,
    /// 1 to 500; 50 if not given.
    #[uniffi(default)]
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    #[uniffi(default)]
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CasePage {
    /// Newest first.
    pub cases: Vec<Case>,
    pub next: Option<String>,
}

impl From<cases::CasePage> for CasePage {
    fn from(p: cases::CasePage) -> Self {
        CasePage {
            cases: p.cases.into_iter().map(Case::from).collect(),
            next: p.next,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChainReport {
    pub intact: bool,
    pub events: u64,
    pub personal_values: u64,
    pub purged_values: u64,
    /// The first seq at which the log is not what was signed.
    pub first_broken_seq: Option<u64>,
    pub problem: Option<String>,
}

impl From<verify::ChainReport> for ChainReport {
    fn from(r: verify::ChainReport) -> Self {
        ChainReport {
            intact: r.is_intact(),
            events: r.events,
            personal_values: r.personal_values,
            purged_values: r.purged_values,
            first_broken_seq: r.first_break.as_ref().map(|b| b.seq),
            problem: r.first_break.map(|b| b.reason),
        }
    }
}
