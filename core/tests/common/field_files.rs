//! The CLI's tests include this file by path; the field files are in `redshield-testkit`.
pub use redshield_testkit::field_files::*;
