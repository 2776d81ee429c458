//! Where the officer stands, as every command that notes where it was done takes it.

use clap::Args;
use redshield_core::api::GeoPosition;

#[derive(Args)]
pub struct PlaceArgs {
    /// WGS-84 degrees.
    #[arg(long, requires = "lon", allow_hyphen_values = true)]
    lat: Option<f64>,
    #[arg(long, requires = "lat", allow_hyphen_values = true)]
    lon: Option<f64>,
    /// Accuracy of --lat/--lon in metres.
    #[arg(long, requires = "lat")]
    accuracy: Option<f64>,
}

impl PlaceArgs {
    pub fn position(&self) -> Option<GeoPosition> {
        self.lat
            .zip(self.lon)
            .map(|(latitude, longitude)| GeoPosition {
                latitude,
                longitude,
                accuracy_m: self.accuracy,
            })
    }
}
