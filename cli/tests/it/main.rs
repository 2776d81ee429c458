//! The `redshield` binary's integration tests, in one test binary (one link, not one per
//! file): each module is a former test file, `common` what they share.

mod centre_crash;
mod cli;
mod common;
mod crash;
mod inputs;

// The core tests' image and field-file generators, shared rather than copied.
#[path = "../../../core/tests/common/field_files.rs"]
#[allow(dead_code)]
mod field_files;
#[path = "../../../core/tests/common/images.rs"]
#[allow(dead_code)]
mod images;
