//! The end-to-end tests, in one test binary (one link, not one per file): each module is a
//! former test file. What they share — the centre, its ledgers, the fault proxy, phones — is in
//! `redshield-testkit` (feature `centre`).

mod cancel;
mod decisions;
mod faults;
mod handover;
mod numbering;
mod screens;
mod security;
mod statistics;
mod storage_care;
mod sync;
mod sync_report;
mod tls;
