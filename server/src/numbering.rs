//! The agency the documents name, and the blocks of 调解书 numbers the centre gives its
//! devices (`redshield_core::agency`): published as server events to every device; a block
//! names the one device that applies it. Blocks never overlap: the centre checks every block
//! it gave before it gives another, one assignment at a time.

use redshield_core::agency::{self, Agency, NumberBlock};
use redshield_core::sync::protocol::{
    AGENCY_PUBLISHED, NUMBERS_ASSIGNED, NumbersAssigned, ServerEvent,
};
use uuid::Uuid;

use crate::error::ServerError;
use crate::ledger::Ledger;
use crate::service::{Service, to_body};

/// The lock key that makes assignments take turns (no device has the all-ones id).
const ASSIGNING: Uuid = Uuid::max();

impl<L: Ledger> Service<L> {
    /// Publishes the agency to every device, once it passes the device's own checks.
    pub async fn publish_agency(&self, agency: Agency) -> Result<ServerEvent, ServerError> {
        let checked = agency::check(&agency).map_err(|e| ServerError::BadInput(e.to_string()))?;
        self.publish(None, AGENCY_PUBLISHED, to_body(&checked)?)
            .await
    }

    /// The agency last published, if any.
    pub async fn agency(&self) -> Result<Option<Agency>, ServerError> {
        self.last_published(AGENCY_PUBLISHED).await
    }

    /// Gives `device` a block of numbers, if it is enrolled and the block shares no number
    /// with a block given before (to any device).
    pub async fn assign_numbers(
        &self,
        device: Uuid,
        block: NumberBlock,
    ) -> Result<ServerEvent, ServerError> {
        agency::check_block(&block).map_err(|e| ServerError::BadInput(e.to_string()))?;
        let enrolled = self.ledger.devices().await?.iter().any(|d| d.id == device);
        if !enrolled {
            return Err(ServerError::NotFound(format!(
                "no device {device} is enrolled"
            )));
        }
        self.device_locks
            .run(ASSIGNING, || async {
                if let Some(given) = self
                    .number_blocks()
                    .await?
                    .into_iter()
                    .find(|given| agency::overlap(&given.block(), &block))
                {
                    return Err(ServerError::BadInput(format!(
                        "numbers {}–{} of {} overlap the block {}–{} given to device {}",
                        block.first, block.last, block.year, given.first, given.last, given.device
                    )));
                }
                let assigned = NumbersAssigned {
                    device,
                    year: block.year,
                    first: block.first,
                    last: block.last,
                };
                self.publish(None, NUMBERS_ASSIGNED, to_body(&assigned)?)
                    .await
            })
            .await
    }

    /// Every block given, oldest first.
    pub async fn number_blocks(&self) -> Result<Vec<NumbersAssigned>, ServerError> {
        self.all_published(NUMBERS_ASSIGNED).await
    }
}
