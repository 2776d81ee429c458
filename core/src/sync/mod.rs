//! Sync with the centre: protocol v1 (shared with the server), what a device sends (its
//! outbox), and the checks the server makes of what it receives — the same code on both
//! sides, so they agree by construction.

pub mod blobs;
pub mod client;
pub mod decisions;
pub mod handover;
/// The protocol lives below the capabilities that apply the centre's events; its old path stays
/// for the server and the CLI.
pub use crate::protocol;
pub mod replica;
pub mod state;
pub mod transport;
pub mod wire;

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &[],
    kept: &["sync_state", "blobs_sent"],
};
