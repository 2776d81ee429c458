//! What a case is, as officers and the centre speak of it.

use uuid::Uuid;

use crate::officer::Officer;
use crate::position::GeoPoint;
use crate::wire::wire_enum;

wire_enum! {
    /// 咨询 / 投诉 / 举报
    #[derive(uniffi::Enum)]
    pub enum CaseKind {
        Consultation = "consultation",
        Complaint = "complaint",
        Report = "report",
    }
}

wire_enum! {
    /// Where the case is in its workflow. The cases issue adds the later states.
    #[derive(uniffi::Enum)]
    pub enum CaseState {
        /// 登记: taken, not yet accepted or declined.
        Received = "received",
    }
}

wire_enum! {
    /// How the matter reached the centre.
    #[derive(uniffi::Enum)]
    pub enum Channel {
        /// At the window of a mobile complaint vehicle (流动维权车).
        VehicleWalkIn = "vehicle_walk_in",
        Hotline = "hotline",
        NationalPlatform = "national_platform",
        ServiceStation = "service_station",
        Letter = "letter",
    }
}

/// Limits, in characters, of what an officer types for a case.
pub mod limits {
    pub const NAME: usize = 64;
    pub const ADDRESS: usize = 200;
    pub const FACTS: usize = 4000;
    pub const DEMANDS: usize = 2000;
}

/// What an officer enters to open a case. Checked by `cases::open`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCase {
    pub kind: CaseKind,
    pub channel: Channel,
    pub complainant_name: String,
    pub complainant_phone: String,
    pub respondent_name: Option<String>,
    pub respondent_address: Option<String>,
    pub facts: String,
    pub demands: Option<String>,
    /// Where the matter happened.
    pub place: Option<GeoPoint>,
}

/// A case as the projection holds it. Personal fields are `None` when not given or purged;
/// `personal_data_purged` tells which.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: Uuid,
    pub number: String,
    pub kind: CaseKind,
    pub state: CaseState,
    pub channel: Channel,
    pub opened_at_ms: i64,
    pub opened_by: Officer,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub respondent_name: Option<String>,
    pub respondent_address: Option<String>,
    pub facts: Option<String>,
    pub demands: Option<String>,
    pub place: Option<GeoPoint>,
    pub personal_data_purged: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseFilter {
    pub state: Option<CaseState>,
    pub kind: Option<CaseKind>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CasePage {
    pub cases: Vec<Case>,
    /// Pass back to get the next (older) page; `None` on the last page.
    pub next: Option<String>,
}
