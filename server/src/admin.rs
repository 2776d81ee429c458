//! What the centre's staff see and do about the devices (the admin API's first part): every
//! device with its last sync, last position, app version and what is flagged for it; revoking
//! a lost device, whose token stops working at once while its signed events stay held; and
//! the reference data published to every device.

use redshield_core::calendar::years::{Year, YearData};
use redshield_core::cases::departments;
use redshield_core::dispatch::areas;
use redshield_core::parameters::{self, Parameters};
use redshield_core::roster::{self, RosterEntry};
use redshield_core::sync::protocol::{
    CALENDAR_YEAR_PUBLISHED, DEPARTMENTS_PUBLISHED, DepartmentsPublished, MAX_URBAN_AREAS_BYTES,
    PARAMETERS_PUBLISHED, PROTOCOL, ROSTER_PUBLISHED, RosterPublished, ServerEvent,
    ServerEventBody, URBAN_AREAS_PUBLISHED, UrbanAreasPublished,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::ServerError;
use crate::ledger::{DeviceRecord, Ledger};
use crate::service::{Service, now_ms, to_body};

/// A device as the centre's staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DeviceSummary {
    pub device_id: Uuid,
    /// Starts the case numbers made on the device.
    pub prefix: String,
    pub app_version: String,
    pub enrolled_at_ms: i64,
    /// The last request it made with its token (to the minute).
    pub last_seen_ms: i64,
    pub revoked: bool,
    /// The highest seq of its chain the centre holds.
    pub held_seq: u64,
    /// Its events flagged because their case was reassigned or closed, not yet resolved.
    pub open_conflicts: u32,
    /// Its forks still flagged.
    pub open_forks: u32,
    /// Where it last said it was, from its events.
    pub last_position: Option<Position>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Position {
    /// WGS-84 degrees, as the device recorded them.
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
    /// The event's trusted time.
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Devices {
    pub protocol: u32,
    pub server_time_ms: i64,
    pub devices: Vec<DeviceSummary>,
}

impl<L: Ledger> Service<L> {
    /// Every device enrolled, in order of enrolment.
    pub async fn devices(&self) -> Result<Devices, ServerError> {
        let mut devices = Vec::new();
        for record in self.ledger.devices().await? {
            devices.push(self.summary(record).await?);
        }
        Ok(Devices {
            protocol: PROTOCOL,
            server_time_ms: now_ms(),
            devices,
        })
    }

    async fn summary(&self, record: DeviceRecord) -> Result<DeviceSummary, ServerError> {
        let id = record.id;
        let held_seq = self.ledger.head(id).await?.seq;
        let open_conflicts = self.ledger.conflicts(id).await?;
        let open_forks = self.ledger.forks(id).await?;
        let last_position = if held_seq == 0 {
            None
        } else {
            self.read_replica(&record, |r| r.last_position())
                .await
                .map_err(|e| ServerError::Replica(e.to_string()))?
                .map(|(point, at_ms)| Position {
                    lat: f64::from(point.lat_e7) / 1e7,
                    lon: f64::from(point.lon_e7) / 1e7,
                    accuracy_m: point.accuracy_cm.map(|cm| f64::from(cm) / 100.0),
                    at_ms,
                })
        };
        Ok(DeviceSummary {
            device_id: id,
            prefix: record.prefix,
            app_version: record.app_version,
            enrolled_at_ms: record.enrolled_at_ms,
            last_seen_ms: record.last_seen_ms,
            revoked: record.revoked,
            held_seq,
            open_conflicts: open_conflicts.iter().filter(|c| !c.resolved).count() as u32,
            open_forks: open_forks.iter().filter(|f| f.flagged).count() as u32,
            last_position,
        })
    }

    /// Publishes the departments directory to every device, once it passes the very checks
    /// a device makes (a device never receives a directory it would refuse).
    pub async fn publish_departments(
        &self,
        directory: DepartmentsPublished,
    ) -> Result<ServerEvent, ServerError> {
        let checked = departments::check(&directory.departments)
            .map_err(|e| ServerError::BadInput(e.to_string()))?;
        let body = to_body(&DepartmentsPublished {
            departments: checked,
        })?;
        self.publish(None, DEPARTMENTS_PUBLISHED, body).await
    }

    /// Publishes the urban areas (GeoJSON) to every device; how many areas they hold.
    pub async fn publish_urban_areas(&self, geojson: String) -> Result<usize, ServerError> {
        Ok(self.publish_urban_areas_event(geojson).await?.1)
    }

    /// Publishes the urban areas (GeoJSON) to every device, once they parse as a device
    /// parses them: the event, and how many areas it holds.
    pub(crate) async fn publish_urban_areas_event(
        &self,
        geojson: String,
    ) -> Result<(ServerEvent, usize), ServerError> {
        if geojson.len() > MAX_URBAN_AREAS_BYTES {
            return Err(ServerError::BadInput(format!(
                "the urban areas are {} bytes; at most {MAX_URBAN_AREAS_BYTES} are published \
                 (simplify the polygons)",
                geojson.len()
            )));
        }
        let count = areas::parse(&geojson)
            .map_err(|e| ServerError::BadInput(e.to_string()))?
            .len();
        let body = to_body(&UrbanAreasPublished { geojson })?;
        let event = self.publish(None, URBAN_AREAS_PUBLISHED, body).await?;
        Ok((event, count))
    }

    /// Publishes a year's holidays and adjusted working days to every device, once they pass
    /// the device's own checks (every date in the year, none both a holiday and worked, …).
    pub async fn publish_calendar_year(&self, data: YearData) -> Result<ServerEvent, ServerError> {
        Year::check(data.clone()).map_err(|e| ServerError::BadInput(e.to_string()))?;
        let body = to_body(&data)?;
        self.publish(None, CALENDAR_YEAR_PUBLISHED, body).await
    }

    /// Publishes the officer roster to every device, once it passes the device's own checks;
    /// from then on a device signs in only the officers on it.
    pub async fn publish_roster(
        &self,
        officers: Vec<RosterEntry>,
    ) -> Result<ServerEvent, ServerError> {
        let officers =
            roster::check(&officers).map_err(|e| ServerError::BadInput(e.to_string()))?;
        self.publish(
            None,
            ROSTER_PUBLISHED,
            to_body(&RosterPublished { officers })?,
        )
        .await
    }

    /// The roster last published (empty before the first).
    pub async fn roster(&self) -> Result<Vec<RosterEntry>, ServerError> {
        let last = self
            .last_published::<RosterPublished>(ROSTER_PUBLISHED)
            .await?;
        Ok(last.map(|r| r.officers).unwrap_or_default())
    }

    /// Publishes the rule-set parameters to every device, once they pass the device's checks.
    pub async fn publish_parameters(&self, p: Parameters) -> Result<ServerEvent, ServerError> {
        parameters::check(&p).map_err(|e| ServerError::BadInput(e.to_string()))?;
        self.publish(None, PARAMETERS_PUBLISHED, to_body(&p)?).await
    }

    /// The parameters last published, else the defaults devices use.
    pub async fn parameters(&self) -> Result<Parameters, ServerError> {
        let last = self.last_published(PARAMETERS_PUBLISHED).await?;
        Ok(last.unwrap_or(parameters::DEFAULT))
    }

    /// The body of the last reference data of `event_type` published to every device.
    pub(crate) async fn last_published<T: DeserializeOwned>(
        &self,
        event_type: &str,
    ) -> Result<Option<T>, ServerError> {
        Ok(self.all_published(event_type).await?.pop())
    }

    /// Every body of `event_type` published to every device, oldest first.
    pub(crate) async fn all_published<T: DeserializeOwned>(
        &self,
        event_type: &str,
    ) -> Result<Vec<T>, ServerError> {
        let (mut all, mut after) = (Vec::new(), 0);
        loop {
            // Reference data goes to every device: what the nil device is sent.
            let page = self.ledger.server_events(Uuid::nil(), after, 500).await?;
            let Some(end) = page.last() else {
                return Ok(all);
            };
            after = end.server_seq;
            for event in &page {
                let body: Option<ServerEventBody> = serde_json::from_str(&event.canonical).ok();
                if let Some(body) = body.filter(|b| b.event_type == event_type) {
                    all.extend(serde_json::from_value(body.body).ok());
                }
            }
        }
    }

    /// Revokes a lost device: its token stops working at once; what it signed stays held and
    /// valid. False when no such device is enrolled.
    pub async fn revoke_device(&self, id: Uuid) -> Result<bool, ServerError> {
        let revoked = self.ledger.revoke_device(id).await?;
        if revoked {
            tracing::warn!(device = %id, "device revoked by the centre");
        }
        Ok(revoked)
    }
}
