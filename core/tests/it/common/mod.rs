//! What several of the core's tests share and no other crate's: on-site documents, the
//! evidence tests' bench, the State Council's notices, synthetic tracks. What other crates'
//! tests share too is in `redshield-testkit`.

pub mod documents;
pub mod evidence_bench;
pub mod notices;
pub mod tracks;
