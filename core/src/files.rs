//! Files the caller names by path (the apps pass paths, never byte arrays, across the FFI).

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use uuid::Uuid;

use crate::error::{Error, Result};

/// Writes a whole file or nothing: into a temporary file beside `path`, flushed to disk, then
/// renamed over it — a reader never sees half a file, and a crash leaves the old one.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::file(path, "names no file"))?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        Uuid::now_v7().simple()
    ));
    let result = write_then_rename(&temp, path, write);
    if result.is_err() {
        // Best effort: the temporary file is ours and useless now.
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn write_then_rename(
    temp: &Path,
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let file = File::create(temp).map_err(|e| Error::file(path, e))?;
    let mut out = BufWriter::new(file);
    write(&mut out)?;
    let file = out
        .into_inner()
        .map_err(|e| Error::file(path, e.into_error()))?;
    file.sync_all().map_err(|e| Error::file(path, e))?;
    std::fs::rename(temp, path).map_err(|e| Error::file(path, e))
}

/// Opens a file to read, refusing one larger than `max_bytes` before reading any of it.
pub fn open_limited(path: &Path, max_bytes: u64) -> Result<File> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let size = file.metadata().map_err(|e| Error::file(path, e))?.len();
    if size > max_bytes {
        return Err(Error::file(
            path,
            format!("{size} bytes; the limit is {max_bytes}"),
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("track.gpx");
        write_atomically(&path, |w| {
            w.write_all(b"old").map_err(|e| Error::file(&path, e))
        })
        .unwrap();
        let failed = write_atomically(&path, |w| {
            w.write_all(b"half of the new").unwrap();
            Err(Error::invalid("fixes", "none"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.gpx");
        std::fs::write(&path, vec![b' '; 1001]).unwrap();
        assert!(open_limited(&path, 1000).is_err());
        assert!(open_limited(&path, 1001).is_ok());
        let missing = open_limited(&dir.path().join("none.gpx"), 1000).unwrap_err();
        assert!(missing.to_string().contains("none.gpx"), "{missing}");
    }
}
