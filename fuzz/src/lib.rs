//! What every target shares: a scratch store per fuzzing process, on a RAM disk where there is
//! one (each input copies a store and writes a file; fsyncs on a real disk would be most of
//! the time). What each target feeds where is `redshield_core::fuzzing`, which the regression
//! test `core/tests/fuzz_corpus.rs` runs too.

use std::path::PathBuf;
use std::sync::OnceLock;

use redshield_core::fuzzing::{Scratch, Target};

/// Feeds one input to `target`. The core's own answer, `Ok` or a typed error, is not a
/// finding; a panic, a timeout or running out of memory is.
pub fn run(target: Target, data: &[u8]) {
    static SCRATCH: OnceLock<Scratch> = OnceLock::new();
    let scratch = SCRATCH.get_or_init(|| {
        let root = scratch_root(target);
        Scratch::new(&root).unwrap_or_else(|e| panic!("scratch store in {}: {e}", root.display()))
    });
    let _ = target.run(scratch, data);
}

/// `/dev/shm` if it exists, else the temporary directory; one per process (`-jobs` and
/// `-fork` run several).
fn scratch_root(target: Target) -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    let base = if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    };
    base.join(format!(
        "redshield-fuzz-{}-{}",
        target.name(),
        std::process::id()
    ))
}
