//! The async runtime the network commands (enrol, sync, the staff's, sim) block on.

use crate::failure::Failure;

pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::setup(format!("no async runtime: {e}")))
}
