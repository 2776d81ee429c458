//! What the tests share, in one place: a test `Platform` (keystore, clocks, log: the app's
//! part, not ours), a change listener that keeps what it is told, the cases and trips they open, stores opened and read back, test media
//! (`images`, `field_files`), GPX files (`gpx`); with the feature `centre`, a real central
//! service (`centre`) over either ledger (`postgres`, `on_both_backends!`), a fault proxy in
//! front of it (`proxy`) and phones that work and sync through them (`field`).
//!
//! A dev-dependency only: nothing here reaches the phones' library.

#![forbid(unsafe_code)]

mod changes;
mod evidence;
pub mod field_files;
mod fixtures;
pub mod gpx;
pub mod images;
mod platform;
mod store;

#[cfg(feature = "centre")]
pub mod centre;
#[cfg(feature = "centre")]
pub mod field;
#[cfg(feature = "centre")]
pub mod postgres;
#[cfg(feature = "centre")]
pub mod proxy;

pub use changes::Told;
pub use evidence::{add_evidence, blob_names, new_evidence, photo, recording};
pub use fixtures::{complaint, complaint_from, matter, officer, patrol_of, person, shop};
pub use platform::{Builder, TestPlatform};
pub use store::{
    LogRow, applied_server_seqs, case_ids, copy_store, device, device_in, device_log, device_on,
    every_table, projections, projections_of, sync_marks,
};
