//! The native library the apps load: `libredshield_ffi.so` (Android), `libredshield_ffi.a` in an
//! XCFramework (iOS). It re-exports every component's UniFFI scaffolding so that their symbols
//! are linked in and exported, like application-services' megazords.

#![forbid(unsafe_code)]

pub use redshield_core;

redshield_core::uniffi_reexport_scaffolding!();
