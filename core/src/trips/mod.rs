//! Vehicle trips and mileage: GNSS fixes in, filtered, measured on the WGS-84 ellipsoid.

pub mod filter;
pub mod fix;
pub mod geodesy;
pub mod simplify;
pub mod track;

pub use filter::{DropReason, FilterConfig};
pub use fix::Fix;
pub use track::{TrackConfig, TrackReport, measure};
