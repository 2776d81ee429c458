//! The dispatcher's and the supervisor's decisions (the admin API's second part): sending a
//! vehicle to a case — one the centre received itself travels with the dispatch — 督办,
//! answers to officers' extension requests, and closure. Each is a signed server event for
//! the case's owning device, which carries it out with its own events (core
//! `sync::decisions`). Personal data (a new case, a note) travels beside the signed bytes as
//! their attachment.

use redshield_core::cases::{NewCase, intake, supervision};
use redshield_core::clocks::ClockKind;
use redshield_core::clocks::extension::ExtensionRequest;
use redshield_core::events::Digest;
use redshield_core::position::GeoPoint;
use redshield_core::sync::handover;
use redshield_core::sync::protocol::{
    Attachment, CASE_DISPATCHED, CASE_SUPERVISED, CaseDispatched, CaseSupervised,
    EXTENSION_DECIDED, ExtensionDecided, Handover, HolderLog, PROTOCOL, ServerEvent, WireEvent,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ServerError;
use crate::keys::random;
use crate::ledger::{CaseDecision, Ledger};
use crate::service::{Service, now_ms, to_body};

/// A dispatch as the dispatcher orders it.
#[derive(Debug, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchOrder {
    /// The device in the vehicle sent.
    pub device: Uuid,
    pub vehicle: String,
    /// A case the centre holds, owned by `device`; or none, with `case`.
    #[serde(default)]
    pub case_id: Option<Uuid>,
    /// A case the centre received (hotline, national platform), as a device takes one.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub case: Option<NewCase>,
    #[serde(default)]
    pub site: Option<Site>,
    #[serde(default)]
    pub site_text: Option<String>,
}

/// WGS-84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub lat: f64,
    pub lon: f64,
}

/// A decision as published: the case, and the server event that carries it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Decided {
    pub protocol: u32,
    pub server_time_ms: i64,
    pub case_id: Uuid,
    pub server_seq: u64,
}

/// An officer's request for an extension, as the centre holds it (from the device's replica).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PendingExtension {
    pub device: Uuid,
    pub case_id: String,
    #[schema(value_type = String)]
    pub clock: ClockKind,
    pub requested_at_ms: i64,
    pub reason: Option<String>,
}

impl<L: Ledger> Service<L> {
    /// Sends a vehicle to a case: one the device owns, or a new one the centre received,
    /// checked as the device will check it and owned by that device from now on.
    pub async fn dispatch(&self, order: DispatchOrder) -> Result<Decided, ServerError> {
        let bad = |words: String| ServerError::BadInput(words);
        let site = order
            .site
            .map(|s| GeoPoint::from_degrees("site", s.lat, s.lon, None))
            .transpose()
            .map_err(|e| bad(e.to_string()))?;
        let (case_id, decision, attachment) = match (order.case_id, &order.case) {
            (Some(case_id), None) => {
                let owner = self.owner(case_id).await?;
                if owner != order.device {
                    return Err(bad(format!(
                        "case {case_id} is owned by device {owner}: assign it to {} first",
                        order.device
                    )));
                }
                (case_id, None, None)
            }
            (None, Some(new)) => {
                intake::validate(new, now_ms()).map_err(|e| bad(format!("case: {e}")))?;
                let case_id = Uuid::now_v7();
                let assign = CaseDecision::Assign {
                    case_id,
                    device: order.device,
                };
                let json = serde_json::to_string(new).map_err(|e| bad(e.to_string()))?;
                let (attachment, commitment) = attach(json)?;
                (case_id, Some(assign), Some((attachment, commitment)))
            }
            _ => {
                return Err(bad(
                    "name either a case the centre holds (case_id) or a new case (case)".into(),
                ));
            }
        };
        let body = to_body(&CaseDispatched {
            dispatch_id: Uuid::now_v7(),
            case_id,
            vehicle: order.vehicle,
            site,
            site_text: order.site_text,
            intake_sha256: attachment.as_ref().map(|(_, commitment)| *commitment),
        })?;
        let event = self
            .publish_decision(
                Some(order.device),
                decision,
                CASE_DISPATCHED,
                body,
                attachment.map(|(attachment, _)| attachment),
            )
            .await?;
        Ok(decided(case_id, &event))
    }

    /// 督办: a note on the case for its owner, to be answered by `due_on` (Beijing date).
    pub async fn supervise(
        &self,
        case_id: Uuid,
        due_on: &str,
        note: &str,
    ) -> Result<Decided, ServerError> {
        let (due_on, note) =
            supervision::check(due_on, note).map_err(|e| ServerError::BadInput(e.to_string()))?;
        let owner = self.owner(case_id).await?;
        let (attachment, note_sha256) = attach(note)?;
        let body = to_body(&CaseSupervised {
            case_id,
            due_on: due_on.to_string(),
            note_sha256,
        })?;
        let event = self
            .publish_decision(Some(owner), None, CASE_SUPERVISED, body, Some(attachment))
            .await?;
        Ok(decided(case_id, &event))
    }

    /// Approves or refuses the extension of a case's clock; an approval extends it on the
    /// owning device.
    pub async fn decide_extension(
        &self,
        case_id: Uuid,
        clock: ClockKind,
        approved: bool,
    ) -> Result<Decided, ServerError> {
        let owner = self.owner(case_id).await?;
        let body = to_body(&ExtensionDecided {
            case_id,
            clock,
            approved,
        })?;
        let event = self
            .publish_decision(Some(owner), None, EXTENSION_DECIDED, body, None)
            .await?;
        Ok(decided(case_id, &event))
    }

    /// Officers' extension requests the centre has not answered, from every device, on the
    /// cases it owns (a reassigned case's request is its new owner's to carry out).
    pub async fn pending_extensions(&self) -> Result<Vec<PendingExtension>, ServerError> {
        let mut pending = Vec::new();
        for device in self.ledger.devices().await? {
            if self.ledger.head(device.id).await?.seq == 0 {
                continue;
            }
            let requests = self
                .read_replica(&device, |r| r.pending_extensions())
                .await
                .map_err(|e| ServerError::Replica(e.to_string()))?;
            let mut owned = Vec::new();
            for request in requests {
                let case_id = Uuid::parse_str(&request.case_id).ok();
                let owner = match case_id {
                    Some(case_id) => self.ledger.case_owner(case_id).await?,
                    None => None,
                };
                if owner.is_some_and(|o| o.device == device.id) {
                    owned.push(request);
                }
            }
            pending.extend(
                owned
                    .into_iter()
                    .map(|r: ExtensionRequest| PendingExtension {
                        device: device.id,
                        case_id: r.case_id,
                        clock: r.clock,
                        requested_at_ms: r.requested_at_ms,
                        reason: r.reason,
                    }),
            );
        }
        Ok(pending)
    }
}

impl<L: Ledger> Service<L> {
    /// The history of `case_id` for its next owner (core `sync::handover`): every holder
    /// device's events for the case and their personal data, read from its replica, earliest
    /// holder first, but for events flagged as conflicts (made after the case had left the
    /// device). A device that held the case before gets its own earlier events in it too, and
    /// reads the case again whole (core `handover::project`). Nothing when no device holds
    /// events of the case.
    pub(crate) async fn handover(
        &self,
        case_id: Uuid,
    ) -> Result<Option<(Attachment, Digest)>, ServerError> {
        let mut holders = Vec::new();
        for device in self.ledger.devices().await? {
            if self.ledger.head(device.id).await?.seq == 0 {
                continue;
            }
            let held_back: Vec<u64> = self
                .ledger
                .conflicts(device.id)
                .await?
                .into_iter()
                .filter(|c| c.case_id == case_id)
                .map(|c| c.seq)
                .collect();
            let (events, vault) = self
                .read_replica(&device, move |r| {
                    handover::holder_part(r.conn(), case_id, &held_back)
                })
                .await
                .map_err(|e| ServerError::Replica(e.to_string()))?;
            let Some(first_at_ms) = events.first().and_then(first_time) else {
                continue;
            };
            holders.push((
                first_at_ms,
                HolderLog {
                    device: device.id,
                    public_key: hex::encode(device.public_key),
                    events,
                    vault,
                },
            ));
        }
        if holders.is_empty() {
            return Ok(None);
        }
        holders.sort_by_key(|(at_ms, _)| *at_ms);
        let handover = Handover {
            holders: holders.into_iter().map(|(_, holder)| holder).collect(),
        };
        let json = serde_json::to_string(&handover)
            .map_err(|e| ServerError::Replica(format!("a handover: {e}")))?;
        attach(json).map(Some)
    }
}

/// When an event was made (trusted time).
fn first_time(event: &WireEvent) -> Option<i64> {
    redshield_core::events::decode(event.canonical.as_bytes())
        .ok()
        .map(|e| e.time.trusted_ms)
}

/// Personal data sent beside a decision, with a fresh salt, and the commitment to it that
/// the signed body carries.
fn attach(value: String) -> Result<(Attachment, Digest), ServerError> {
    let salt = random::<16>()?;
    let commitment = redshield_core::vault::commit(&salt, &value);
    let attachment = Attachment {
        salt: hex::encode(salt),
        value,
    };
    Ok((attachment, commitment))
}

pub(crate) fn decided(case_id: Uuid, event: &ServerEvent) -> Decided {
    Decided {
        protocol: PROTOCOL,
        server_time_ms: now_ms(),
        case_id,
        server_seq: event.server_seq,
    }
}
