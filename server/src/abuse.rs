//! Abuse flags across cases (Art. 17), for the centre's supervisors: the core's rule
//! (`redshield_core::cases::abuse_flags`) run over every complaint of every device; and, apart from them,
//! the hotspot leads — many complaints against one business from different consumers, a sign of a
//! bad shop rather than of abuse, labelled so. Each device's blind index is keyed by its own key,
//! so digests from two devices never match; the centre makes every case's digests again under its
//! own blind-index key (`keys::BLIND_KEY_FILE` in the data directory, made once beside the signing
//! key) from the replicas, which hold the vault rows. Flags are shown, never acted on: nothing here
//! changes a case. The answer names cases, never a phone number, an address or a name.

use std::sync::Arc;

use redshield_core::cases::abuse_flags::{self, FlagRules, Subject};
use redshield_core::identity::BlindKey;
use redshield_core::sync::protocol::PROTOCOL;
use serde::Serialize;
use uuid::Uuid;

use crate::error::ServerError;
use crate::ledger::Ledger;
use crate::service::{Service, now_ms};

/// One sign on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AbuseFlag {
    /// `large_quantity`, `repeated_complaints`, `identical_facts`, `same_agent`,
    /// `no_proof_of_purchase`, `shared_phone` or `shared_address` (Art. 17 (1)–(4)).
    pub kind: String,
    /// Why, in Chinese, citing the factor; it never quotes a phone number, an address or a
    /// name.
    pub reason: String,
    /// What it rests on under the case's rules: Order No. 121 Art. 17's item, or for an Order
    /// No. 20 case a note that it is a hint, not a factor of that order.
    pub basis: String,
    /// The case's own rules name the factor.
    pub statutory: bool,
    /// The numbers of the other cases involved, on any device.
    pub related_cases: Vec<String>,
}

/// A complaint with at least one flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlaggedCase {
    pub case_number: String,
    pub case_id: Uuid,
    /// The device whose replica holds the case (the one that recorded it).
    pub device_id: Uuid,
    pub flags: Vec<AbuseFlag>,
}

/// Many complaints against one business in a short time from different consumers: a lead
/// for the centre's market supervision, **not** an abuse flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HotspotLead {
    /// 投诉热点线索（非异常投诉标记）.
    pub label: String,
    /// Why, in Chinese; it names no business, person or value.
    pub reason: String,
    /// The complaints' numbers, on any device.
    pub cases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AbuseFlags {
    pub protocol: u32,
    pub server_time_ms: i64,
    /// By case number.
    pub cases: Vec<FlaggedCase>,
    /// Apart from the flags: businesses many consumers complained about (by their cases).
    pub hotspots: Vec<HotspotLead>,
}

/// A complaint as the rule sees it, with where it is held.
struct Held {
    device_id: Uuid,
    case_id: Uuid,
    subject: Subject,
}

impl<L: Ledger> Service<L> {
    /// Every flagged complaint across all devices' cases.
    pub async fn abuse_flags(&self) -> Result<AbuseFlags, ServerError> {
        let held = self.subjects().await?;
        let subjects: Vec<Subject> = held.iter().map(|h| h.subject.clone()).collect();
        // The thresholds the centre published to its devices (else the defaults).
        let rules = FlagRules::from(self.parameters().await?);
        let (found, hotspots) = tokio::task::spawn_blocking(move || {
            (
                abuse_flags::flags_among(&subjects, &rules),
                abuse_flags::hotspots(&subjects, &rules),
            )
        })
        .await
        .map_err(|e| ServerError::Replica(format!("flags task: {e}")))?;
        let mut cases: Vec<FlaggedCase> = held
            .into_iter()
            .zip(found)
            .filter(|(_, f)| !f.is_empty())
            .map(|(h, f)| FlaggedCase {
                case_number: h.subject.number,
                case_id: h.case_id,
                device_id: h.device_id,
                flags: f
                    .into_iter()
                    .map(|f| AbuseFlag {
                        kind: f.kind.as_str().to_string(),
                        reason: f.reason,
                        basis: f.basis,
                        statutory: f.statutory,
                        related_cases: f.related_cases,
                    })
                    .collect(),
            })
            .collect();
        cases.sort_by(|a, b| a.case_number.cmp(&b.case_number));
        Ok(AbuseFlags {
            protocol: PROTOCOL,
            server_time_ms: now_ms(),
            cases,
            hotspots: hotspots
                .into_iter()
                .map(|h| HotspotLead {
                    label: h.label,
                    reason: h.reason,
                    cases: h.cases,
                })
                .collect(),
        })
    }

    /// Every device's complaints, their digests under the centre's key.
    async fn subjects(&self) -> Result<Vec<Held>, ServerError> {
        let mut held = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for device in self.ledger.devices().await? {
            if self.ledger.head(device.id).await?.seq == 0 {
                continue; // nothing pushed: no replica, no cases
            }
            let key: Arc<BlindKey> = self.blind.clone();
            let now = now_ms();
            let subjects = self
                .read_replica(&device, move |r| {
                    abuse_flags::subjects_under(r.conn(), &key, now)
                })
                .await
                .map_err(|e| ServerError::Replica(e.to_string()))?;
            for (case_id, subject) in subjects {
                let case_id = Uuid::parse_str(&case_id)
                    .map_err(|e| ServerError::Replica(format!("case id {case_id}: {e}")))?;
                // A reassigned case is in its holders' replicas too: it counts once.
                if !seen.insert(case_id) {
                    continue;
                }
                held.push(Held {
                    device_id: device.id,
                    case_id,
                    subject,
                });
            }
        }
        Ok(held)
    }
}
