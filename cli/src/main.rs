//! `redshield`: drives the core's API on a desktop exactly as a phone does (the same
//! `FieldCore` calls), for operators, scripts, load simulation and tests.
//!
//! Four jobs, one module each, none importing another's commands: `device` (the phone's
//! commands on a local store), `centre` (the staff's commands, through the running service),
//! `serve` (running that service) and `sim` (its load test). Below them: `failure` (how a
//! command fails), `output` (text or JSON), `values` (the core's enums as flag values),
//! `files` and `runtime`.

// Two calls into libc need unsafe, each allowed where it stands with why it is sound (the
// SIGPIPE disposition, the boot clock); nothing else may.
#![deny(unsafe_code)]

mod centre;
mod device;
mod failure;
mod files;
mod output;
mod runtime;
mod serve;
mod sim;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use output::Output;

#[derive(Parser)]
#[command(
    name = "redshield",
    version,
    about = "Redshield (红盾): the 12315 field core on a desktop"
)]
struct Cli {
    /// The store directory: one device (redshield.sqlite and its device.key).
    #[arg(
        long,
        global = true,
        env = "REDSHIELD_STORE",
        default_value = "./redshield-store"
    )]
    store: PathBuf,
    /// Print one JSON document on stdout (errors as JSON on stderr).
    #[arg(long, global = true)]
    json: bool,
    /// Show the core's log on stderr.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a code: exit 0 if valid, 1 if not (with --json the verdict is printed either way).
    Check(device::check::Check),
    /// Run the central service (its ledger in SQLite in the data directory, or in PostgreSQL
    /// with --database; Ctrl-C stops it gracefully).
    Serve(serve::Serve),
    /// The centre's staff: enrolment codes.
    #[command(subcommand)]
    Centre(centre::CentreCommand),
    /// Load test of a running centre: simulated devices (real cores in temp stores) enrol,
    /// record cases and sync concurrently; reports throughput and push latencies.
    Sim(sim::Sim),
    #[command(flatten)]
    Store(device::StoreCommand),
}

/// The exit code is the command's, or its failure's (`failure` lists them).
fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let out = Output { json: cli.json };
    let done = match cli.command {
        Command::Check(args) => device::check::run(args, &out),
        Command::Serve(args) => serve::run(args),
        Command::Centre(command) => centre::run(command, &out),
        Command::Sim(args) => sim::run(args, &out),
        Command::Store(command) => device::run(&cli.store, cli.verbose, command, &out),
    };
    done.unwrap_or_else(|failure| failure.report(&out))
}

/// `redshield … | head` ends quietly when the reader goes away, as Unix tools do, instead of
/// panicking on the next write (Rust ignores SIGPIPE by default).
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring a signal's default disposition at start-up, before any thread exists.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
