//! What the centre's staff review and resolve (the admin API's third part): events stored but
//! flagged — conflicts (an event that no longer fits its case, reassigned or closed while the
//! device was offline) and forks (an event that differs from the one held at its seq, from a
//! restored or copied store). Resolving records the staff's note; the events stay held.

use serde::Serialize;
use uuid::Uuid;

use crate::error::ServerError;
use crate::ledger::{Flag, Ledger, Resolution};
use crate::service::{Service, now_ms};
use redshield_core::validate::multi_line;

/// A flagged event as the staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Flagged {
    pub device: Uuid,
    pub flag: Flag,
    pub seq: u64,
    /// The case a conflicting event is about.
    pub case_id: Option<Uuid>,
    pub reason: String,
    pub flagged_at_ms: i64,
    /// Not resolved yet.
    pub open: bool,
    pub resolution: Option<String>,
    pub resolved_at_ms: Option<i64>,
}

impl<L: Ledger> Service<L> {
    /// Every flagged event of every device (or only the open ones), device by device.
    pub async fn flagged(&self, open_only: bool) -> Result<Vec<Flagged>, ServerError> {
        let mut flagged = Vec::new();
        for device in self.ledger.devices().await? {
            let resolutions = self.ledger.resolutions(device.id).await?;
            let resolved = |flag: Flag, seq: u64| {
                resolutions
                    .iter()
                    .find(|r| r.flag == flag && r.seq == seq)
                    .cloned()
            };
            for c in self.ledger.conflicts(device.id).await? {
                let item = Flagged {
                    device: device.id,
                    flag: Flag::Conflict,
                    seq: c.seq,
                    case_id: Some(c.case_id),
                    reason: c.reason,
                    flagged_at_ms: c.flagged_at_ms,
                    open: !c.resolved,
                    resolution: None,
                    resolved_at_ms: None,
                };
                flagged.push(with(item, resolved(Flag::Conflict, c.seq)));
            }
            for f in self.ledger.forks(device.id).await? {
                let item = Flagged {
                    device: device.id,
                    flag: Flag::Fork,
                    seq: f.seq,
                    case_id: None,
                    reason: format!(
                        "an event {} differs from the one held at seq {} (a restored or copied store)",
                        f.hash, f.seq
                    ),
                    flagged_at_ms: f.received_at_ms,
                    open: f.flagged,
                    resolution: None,
                    resolved_at_ms: None,
                };
                flagged.push(with(item, resolved(Flag::Fork, f.seq)));
            }
        }
        flagged.retain(|f| f.open || !open_only);
        Ok(flagged)
    }

    /// Resolves the device's open conflict (or forks) at `seq` with the staff's note.
    pub async fn resolve(
        &self,
        device: Uuid,
        flag: Flag,
        seq: u64,
        note: &str,
    ) -> Result<(), ServerError> {
        let note =
            multi_line("note", note, 2000).map_err(|e| ServerError::BadInput(e.to_string()))?;
        if !self
            .ledger
            .resolve(device, flag, seq, note, now_ms())
            .await?
        {
            return Err(ServerError::BadInput(format!(
                "device {device} has no open {} at seq {seq}",
                flag.as_str()
            )));
        }
        tracing::info!(%device, seq, flag = flag.as_str(), "resolved by the centre");
        Ok(())
    }
}

fn with(mut item: Flagged, resolution: Option<Resolution>) -> Flagged {
    if let Some(r) = resolution {
        item.resolution = Some(r.note);
        item.resolved_at_ms = Some(r.resolved_at_ms);
    }
    item
}
