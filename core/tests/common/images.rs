//! The CLI's tests include this file by path; the test media are in `redshield-testkit`.
pub use redshield_testkit::images::*;
