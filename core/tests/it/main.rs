//! The core's integration tests, in one test binary (one link, not one per file): each module
//! is a former test file, `common` what several of them share; what other crates' tests share
//! too is in `redshield-testkit`. The log sink's test stays in a binary of its own
//! (`tests/logging.rs`): the sink is global to the process.

mod common;

mod at_rest;
mod calendar;
mod calendar_year_end;
mod cases;
mod changes;
mod clocks;
mod dispatch;
mod evidence;
mod evidence_field;
mod flags;
mod fuzz_corpus;
mod gpx_inputs;
mod handover;
mod images_selfcheck;
mod intake_dates;
mod log;
mod mediation;
mod notices;
mod records;
mod remote_and_seal;
mod repeated_reports;
mod replica;
mod reporter_protection;
mod rule_sets;
mod screens;
mod screens_case_list;
mod search;
mod statistics;
mod storage_care;
mod store;
mod sync_address;
mod time;
mod trips;
mod trips_gpx;
mod trips_track;
mod vectors;
mod workflow;
