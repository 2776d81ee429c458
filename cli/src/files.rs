//! The files commands read and write: read whole, written whole or not at all.

use std::io::Write;
use std::path::Path;

use redshield_core::error::Error;
use serde::de::DeserializeOwned;

use crate::failure::Failure;

pub fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::file(path, e))
}

/// A JSON file of a core type: one that does not parse is bad input about `field`.
pub fn read_json<T: DeserializeOwned>(path: &Path, field: &str) -> Result<T, Failure> {
    serde_json::from_str(&read(path)?).map_err(|e| Failure::invalid(field, e.to_string()))
}

/// A JSON document the staff hand in, passed to the centre as it is: the centre judges it.
pub fn read_json_value(path: &Path) -> Result<serde_json::Value, Failure> {
    serde_json::from_str(&read(path)?).map_err(|e| Failure::file(path, e))
}

/// Written beside it, then renamed over it: a reader never sees half a file.
pub fn write_whole(path: &Path, content: impl AsRef<[u8]>) -> Result<(), Failure> {
    redshield_core::files::write_atomically(path, |w| {
        w.write_all(content.as_ref())
            .map_err(|e| Error::file(path, e))
    })
    .map_err(|e| Failure::from(redshield_core::api::CoreError::from(e)))
}
