//! Sync with the centre: protocol v1 (shared with the server), the device's engine (`engine`:
//! enrolment and the sync run, with `control`: its progress and cancellation) over its client
//! and transport, what a device sends (its outbox), and the checks the server makes of what it
//! receives — the same code on both sides, so they agree by construction. The centre's copy of
//! a device's store (`replica`) is the server's alone: compiled with the `replica` feature,
//! never into the phones' library.

pub mod blobs;
pub mod client;
pub mod control;
pub mod decisions;
pub mod engine;
pub mod handover;
/// The protocol lives below the capabilities that apply the centre's events; its old path stays
/// for the server and the CLI.
pub use crate::protocol;
#[cfg(feature = "replica")]
pub mod replica;
pub mod state;
pub mod transport;
pub mod wire;

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &[],
    kept: &["sync_state", "blobs_sent"],
};
