//! Redshield's core: the field logic shared by the Android and iOS apps, the CLI and the server.
//!
//! Plain-Rust modules do the work (`device` ties them together); `screens` decides what the
//! apps' screens show; `api` is the thin UniFFI facade the phones see.

#![forbid(unsafe_code)]

#[cfg(feature = "ffi")]
uniffi::setup_scaffolding!();

pub mod agency;
pub mod api;
pub mod blob_names;
pub mod calendar;
pub mod cases;
pub mod centre;
pub mod clocks;
pub mod device;
pub mod digest;
pub mod dispatch;
pub mod documents;
pub mod error;
pub mod events;
pub mod evidence;
pub mod files;
/// For the fuzz targets and their regression test only.
#[doc(hidden)]
pub mod fuzzing;
pub mod identity;
pub mod journal;
mod logging;
pub mod mediation;
pub mod officer;
pub mod parameters;
pub mod platform;
pub mod position;
pub mod protocol;
pub mod roster;
pub mod rulebook;
pub mod screens;
pub mod shift;
pub mod signing;
pub mod statistics;
pub mod store;
pub mod sync;
pub mod tables;
pub mod time;
pub mod trips;
pub mod validate;
pub mod vault;
mod wire_enum;

pub use device::Device;
pub use error::{Error, Result};
