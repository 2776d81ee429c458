#![no_main]

use libfuzzer_sys::fuzz_target;
use redshield_core::fuzzing::Target;

fuzz_target!(|data: &[u8]| redshield_fuzz::run(Target::Protocol, data));
