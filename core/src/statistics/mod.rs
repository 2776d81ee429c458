//! The centre's monthly figures (regulations.md, "Statistics the centres report"), one
//! definition for the device and the centre: `facts` reads a store's projections into plain
//! facts, facts of several stores merge (the centre reads every replica), and `figures`
//! computes a period's figures from them — for the centre, per vehicle and per officer.
//! The device's own monthly reports (`clock_report`, `recovered`, `mileage`) read the same
//! facts. Statistics read the capabilities; no capability reads statistics.

pub mod clock_report;
pub mod facts;
pub mod figures;
pub mod mileage;
pub mod recovered;

pub use facts::Facts;
pub use figures::{ByChannel, Figures, Handling, LeftOut, Period, Statistics, compute};
