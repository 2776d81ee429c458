//! The centre's monthly figures (regulations.md, "Statistics the centres report"), one
//! definition for the device and the centre: `facts` reads a store's projections into plain
//! facts, facts of several stores merge (the centre reads every replica), and `figures`
//! computes a period's figures from them — for the centre, per vehicle and per officer.
//! The device's own monthly reports (`clocks::report`, `documents::recovered`,
//! `trips::summary`) read the same facts.

pub mod facts;
pub mod figures;

pub use facts::Facts;
pub use figures::{ByChannel, Figures, Handling, LeftOut, Period, Statistics, compute};
