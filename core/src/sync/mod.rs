//! Sync with the centre: protocol v1 (shared with the server), what a device sends (its
//! outbox), and the checks the server makes of what it receives — the same code on both
//! sides, so they agree by construction.

pub mod blobs;
pub mod client;
pub mod decisions;
pub mod events;
pub mod handover;
pub mod protocol;
pub mod replica;
pub mod state;
pub mod transport;
pub mod wire;
