//! The server's integration tests, one binary (one link): each module was a test file of its
//! own; `common` is what they share. Every test of a module runs on both ledgers, SQLite and
//! PostgreSQL (`on_both_backends!`), but for the few that name one.

mod common;

mod abuse_flags;
mod admin;
mod blobs;
mod enrolment;
mod http;
mod ingest;
mod ledger;
mod permissions;
mod recovery;
mod sync;
