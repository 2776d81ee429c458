//! Vehicle trips and mileage: GNSS fixes in, filtered, measured on the WGS-84 ellipsoid.

pub mod fix;

pub use fix::Fix;
