//! The data directory holds personal data — names, phone numbers and addresses in the ledger
//! and the replicas, photos in the blob store — so only the service's own user may read it:
//! directories `0700`, files `0600`.
//!
//! Modes are set explicitly after creation, so the process's umask never loosens them. SQLite
//! gives a database's `-wal` and `-shm` files the database file's own mode, so a database
//! created here `0600` keeps its companions `0600` too. At start `tighten` walks the whole
//! directory once, for data written by an earlier version with looser modes.

use std::fs;
use std::io;
use std::path::Path;

pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and any missing parents, owner only; an existing `dir` is made so too.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)?;
    set_mode(dir, DIR_MODE)
}

/// Makes sure `file` exists (empty if it did not: an empty file is a new SQLite database),
/// owner only.
pub fn create_file(file: &Path) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options.open(file)?;
    set_mode(file, FILE_MODE)
}

/// Sets an open file owner only (a blob's upload file).
pub fn restrict(file: &fs::File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Makes everything under `dir`, and `dir` itself, owner only; returns how many entries it
/// changed. Symbolic links are left alone, and so is what they point to.
pub fn tighten(dir: &Path) -> io::Result<u64> {
    let mut changed = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            changed += tighten(&entry.path())?;
        } else if kind.is_file() {
            changed += u64::from(ensure_mode(&entry.path(), FILE_MODE)?);
        }
    }
    // The directory last: an interrupted walk is walked again at the next start.
    Ok(changed + u64::from(ensure_mode(dir, DIR_MODE)?))
}

/// Sets `mode` on `path` if it has another one; whether it changed it.
fn ensure_mode(path: &Path, mode: u32) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let held = fs::symlink_metadata(path)?.permissions().mode() & 0o7777;
        if held == mode {
            return Ok(false);
        }
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
        Ok(true)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(false)
    }
}

fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    ensure_mode(path, mode).map(drop)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn an_old_tree_is_tightened_and_a_link_left_alone() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        fs::create_dir_all(data.join("replicas/one")).unwrap();
        fs::write(data.join("ledger.sqlite"), b"").unwrap();
        fs::write(data.join("replicas/one/redshield.sqlite"), b"").unwrap();
        let elsewhere = outside.path().join("elsewhere");
        fs::write(&elsewhere, b"").unwrap();
        for path in [&data, &data.join("replicas"), &data.join("replicas/one")] {
            fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        fs::set_permissions(&elsewhere, fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, data.join("link")).unwrap();

        assert_eq!(tighten(&data).unwrap(), 5);
        for dir in [&data, &data.join("replicas"), &data.join("replicas/one")] {
            assert_eq!(mode(dir), 0o700, "{}", dir.display());
        }
        assert_eq!(mode(&data.join("ledger.sqlite")), 0o600);
        assert_eq!(mode(&data.join("replicas/one/redshield.sqlite")), 0o600);
        assert_eq!(mode(&elsewhere), 0o644, "what a link points to is not ours");
        assert_eq!(tighten(&data).unwrap(), 0, "nothing left to change");
    }
}
