//! The content-addressed blob store: every original and derived file under `blobs/` in the
//! store directory, named by the full lowercase hex SHA-256 of its bytes (fanned out by the
//! first two hex digits). A blob is written to a temporary file, fsynced and renamed, so a
//! name always holds exactly the bytes it names; the same bytes are stored once.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::events::Digest;

pub const DIR: &str = "blobs";

pub struct Blobs {
    root: PathBuf,
}

/// A blob as stored: its hash and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub sha256: Digest,
    pub size: u64,
}

impl Blobs {
    /// The blob store of the store directory `dir`.
    pub fn in_store(dir: &Path) -> Blobs {
        Blobs {
            root: dir.join(DIR),
        }
    }

    /// Where the blob with this hash lives (whether or not it is there).
    pub fn path(&self, sha256: &Digest) -> PathBuf {
        let hex = sha256.to_hex();
        self.root.join(&hex[..2]).join(hex)
    }

    /// Copies a file in byte for byte, hashing as it goes.
    pub fn put_file(&self, source: &Path) -> Result<Stored> {
        let mut file = File::open(source).map_err(|e| Error::file(source, e))?;
        self.put(&mut file, source)
    }

    pub fn put_bytes(&self, mut bytes: &[u8]) -> Result<Stored> {
        self.put(&mut bytes, Path::new("(derived copy)"))
    }

    /// Streams `reader` into a temporary file, then renames it to its hash — unless that blob
    /// exists already, in which case the copy is dropped.
    fn put(&self, reader: &mut impl Read, source: &Path) -> Result<Stored> {
        fs::create_dir_all(&self.root).map_err(|e| Error::file(&self.root, e))?;
        let temp = self.root.join(format!(".{}.tmp", Uuid::now_v7().simple()));
        let written = copy_hashing(reader, &temp, source);
        let stored = match written {
            Ok(stored) => stored,
            Err(e) => {
                let _ = fs::remove_file(&temp);
                return Err(e);
            }
        };
        let path = self.path(&stored.sha256);
        if path.exists() {
            let _ = fs::remove_file(&temp);
            // Fresh again: a blob left unnamed long ago and stored anew must not be swept
            // (`sweep`) before the event that will name it is written.
            let _ = File::options()
                .append(true)
                .open(&path)
                .and_then(|f| f.set_modified(std::time::SystemTime::now()));
            return Ok(stored);
        }
        let dir = path.parent().unwrap_or(&self.root);
        let placed = fs::create_dir_all(dir)
            .and_then(|()| fs::rename(&temp, &path))
            .and_then(|()| sync_dir(dir));
        placed.map_err(|e| {
            let _ = fs::remove_file(&temp);
            Error::file(&path, e)
        })?;
        Ok(stored)
    }

    /// Deletes a blob, durably (its directory synced); one already gone is fine.
    pub fn remove(&self, sha256: &Digest) -> Result<()> {
        let path = self.path(sha256);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::file(&path, e)),
        }
        let dir = path.parent().unwrap_or(&self.root);
        sync_dir(dir).map_err(|e| Error::file(dir, e))
    }

    /// Hashes a stored blob again: `None` if it is not there.
    pub fn rehash(&self, sha256: &Digest) -> Result<Option<Stored>> {
        let path = self.path(sha256);
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::file(&path, e)),
        };
        let mut hasher = Sha256::new();
        let size = pump(&mut file, &path, |chunk| {
            hasher.update(chunk);
            Ok(())
        })?;
        Ok(Some(Stored {
            sha256: Digest(hasher.finalize().into()),
            size,
        }))
    }
}

/// A file in the blob store: a blob (named by its hash) or a temporary file a copy left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// `None` for a temporary file.
    pub sha256: Option<Digest>,
    pub bytes: u64,
    pub modified: std::time::SystemTime,
}

impl Blobs {
    /// Every blob and temporary file in the store; other files are not the store's and are
    /// not listed.
    pub fn entries(&self) -> Result<Vec<Entry>> {
        let mut entries = Vec::new();
        for item in read_dir(&self.root)? {
            let path = item.path();
            let name = item.file_name().to_string_lossy().into_owned();
            if path.is_dir() && name.len() == 2 {
                for blob in read_dir(&path)? {
                    let hex = blob.file_name().to_string_lossy().into_owned();
                    let sha256 = Digest::from_hex(&hex).filter(|d| d.to_hex() == hex);
                    if sha256.is_some() && hex.starts_with(&name) {
                        entries.extend(entry(blob.path(), sha256));
                    }
                }
            } else if name.starts_with('.') && name.ends_with(".tmp") {
                entries.extend(entry(path, None));
            }
        }
        Ok(entries)
    }

    /// Deletes a file `entries` listed, durably; one already gone is fine.
    pub fn remove_entry(&self, entry: &Entry) -> Result<()> {
        match fs::remove_file(&entry.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::file(&entry.path, e)),
        }
        let dir = entry.path.parent().unwrap_or(&self.root);
        sync_dir(dir).map_err(|e| Error::file(dir, e))
    }
}

/// A directory's entries; none if it does not exist.
fn read_dir(dir: &Path) -> Result<Vec<fs::DirEntry>> {
    match fs::read_dir(dir) {
        Ok(items) => items
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| Error::file(dir, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::file(dir, e)),
    }
}

/// The file's entry; none if it cannot be looked at (gone meanwhile): then it is left alone.
fn entry(path: PathBuf, sha256: Option<Digest>) -> Option<Entry> {
    let meta = fs::symlink_metadata(&path).ok()?;
    let modified = meta.modified().ok()?;
    Some(Entry {
        bytes: meta.len(),
        modified,
        sha256,
        path,
    })
}

fn copy_hashing(reader: &mut impl Read, temp: &Path, source: &Path) -> Result<Stored> {
    let mut out = File::create(temp).map_err(|e| Error::file(temp, e))?;
    let mut hasher = Sha256::new();
    let size = pump(reader, source, |chunk| {
        hasher.update(chunk);
        out.write_all(chunk).map_err(|e| Error::file(temp, e))
    })?;
    out.sync_all().map_err(|e| Error::file(temp, e))?;
    Ok(Stored {
        sha256: Digest(hasher.finalize().into()),
        size,
    })
}

/// Feeds `reader` to `sink` in chunks; returns the bytes read.
fn pump(
    reader: &mut impl Read,
    source: &Path,
    mut sink: impl FnMut(&[u8]) -> Result<()>,
) -> Result<u64> {
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(size),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::file(source, e)),
        };
        sink(&buffer[..n])?;
        size += n as u64;
    }
}

/// A rename is durable once its directory is synced (on the platforms that allow it).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_are_stored_once_under_their_hash() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::in_store(dir.path());
        let a = blobs.put_bytes(b"evidence").unwrap();
        let b = blobs.put_bytes(b"evidence").unwrap();
        assert_eq!(a, b);
        let expected = Digest(Sha256::digest(b"evidence").into());
        assert_eq!(a.sha256, expected);
        let path = blobs.path(&a.sha256);
        assert!(path.ends_with(format!("{}/{}", &expected.to_hex()[..2], expected.to_hex())));
        assert_eq!(fs::read(&path).unwrap(), b"evidence");
        let files: usize = fs::read_dir(dir.path().join(DIR))
            .unwrap()
            .map(|d| fs::read_dir(d.unwrap().path()).unwrap().count())
            .sum();
        assert_eq!(files, 1, "no temporary files left");
        assert_eq!(blobs.rehash(&a.sha256).unwrap(), Some(a));
        assert_eq!(blobs.rehash(&Digest::ZERO).unwrap(), None);
    }
}
