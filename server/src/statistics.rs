//! The centre's monthly 12315 statistics: the facts of every device's replica read with the
//! core's own code (`redshield_core::statistics`), merged — a case held by two replicas after
//! a reassignment counts once — and the period's figures computed from them.

use redshield_core::calendar::Calendar;
use redshield_core::statistics::{Facts, LeftOut, Period, Statistics, compute};

use crate::error::ServerError;
use crate::ledger::Ledger;
use crate::service::{Service, now_ms};

impl<L: Ledger> Service<L> {
    /// The figures of `period` over every device's replica, the cohort judged by `as_of`.
    pub async fn statistics(
        &self,
        period: &Period,
        as_of: chrono::NaiveDate,
    ) -> Result<Statistics, ServerError> {
        let now = now_ms();
        let mut facts = Facts::default();
        let mut left_out = Vec::new();
        for device in self.ledger.devices().await? {
            if self.ledger.head(device.id).await?.seq == 0 {
                continue;
            }
            // Only a replica holding every event the ledger holds is read: one a crash left
            // behind is brought up first, and one that cannot be is left out, never counted
            // stale.
            let held = self
                .read_replica(&device, move |r| {
                    Facts::of_store(r.conn(), &Calendar::of_store(r.conn())?, now)
                })
                .await;
            // One unreadable replica must not take the figures down for the whole centre:
            // the rest are counted and the report names what is missing.
            match held {
                Ok(held) => facts.merge(held),
                Err(e) => {
                    tracing::error!(device = %device.id, error = %e, "statistics: replica left out");
                    left_out.push(LeftOut {
                        device: device.id.to_string(),
                        reason: e.to_string(),
                    });
                }
            }
        }
        let mut statistics = compute(&facts, period, as_of);
        statistics.left_out = left_out;
        Ok(statistics)
    }
}
