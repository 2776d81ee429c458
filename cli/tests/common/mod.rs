//! What the command-line tests share: the binary run on a store, as an operator or a script
//! runs it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub fn redshield(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redshield"))
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs with `--json`, expects success, returns the one JSON document printed.
pub fn json(store: &Path, args: &[&str]) -> Value {
    let out = redshield(store, &[&["--json"], args].concat());
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

/// A new store with 李明 signed in.
pub fn init(store: &Path) -> Value {
    json(
        store,
        &[
            "init",
            "--officer-name",
            "李明",
            "--officer-id",
            "HN-12315-0042",
        ],
    )
}
