//! The `redshield` binary's integration tests, in one test binary (one link, not one per
//! file): each module is a former test file, `common` what they share.

mod centre_crash;
mod cli;
mod common;
mod crash;
mod inputs;

use redshield_testkit::{field_files, images};
