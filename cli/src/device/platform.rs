//! The CLI's `Platform`: a desktop stands in for a phone. The device key is wrapped with
//! ChaCha20-Poly1305 under a key-encryption key kept in `<store>/device.key`, a file only its
//! owner may read (like an SSH private key); the monotonic clock counts from boot.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use redshield_core::platform::{LogLevel, Platform, PlatformError};

pub const KEY_FILE: &str = "device.key";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;

pub struct KeyFilePlatform {
    cipher: ChaCha20Poly1305,
    verbose: bool,
}

impl KeyFilePlatform {
    /// Loads the key-encryption key of the store in `dir`, making it on first use.
    pub fn for_store(dir: &Path, verbose: bool) -> Result<KeyFilePlatform, String> {
        // Owner-only: the store holds personal data until it is purged.
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join(KEY_FILE);
        let key = match fs::metadata(&path) {
            Ok(meta) => read_key(&path, meta.permissions().mode())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key(&path)?,
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let cipher = ChaCha20Poly1305::new_from_slice(&key)
            .map_err(|_| format!("{} does not hold a {KEY_LEN}-byte key", path.display()))?;
        Ok(KeyFilePlatform { cipher, verbose })
    }
}

fn read_key(path: &PathBuf, mode: u32) -> Result<Vec<u8>, String> {
    if mode & 0o077 != 0 {
        return Err(format!(
            "{} can be read by others (mode {:o}); run chmod 600 on it",
            path.display(),
            mode & 0o777
        ));
    }
    let key = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if key.len() != KEY_LEN {
        return Err(format!(
            "{} does not hold a {KEY_LEN}-byte key",
            path.display()
        ));
    }
    Ok(key)
}

fn create_key(path: &PathBuf) -> Result<Vec<u8>, String> {
    let mut key = vec![0u8; KEY_LEN];
    getrandom::fill(&mut key).map_err(|e| format!("no secure random numbers: {e}"))?;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(&key).and(f.sync_all()).map(|_| f));
    match &mut file {
        Ok(_) => Ok(key),
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

fn failed(message: impl Into<String>) -> PlatformError {
    PlatformError::Failed {
        reason: message.into(),
    }
}

impl Platform for KeyFilePlatform {
    fn monotonic_ms(&self) -> u64 {
        boot_clock_ms()
    }

    fn wall_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    fn wrap_secret(&self, secret: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| failed(e.to_string()))?;
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), secret.as_slice())
            .map_err(|_| failed("encryption failed"))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    fn unwrap_secret(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        if wrapped.len() < NONCE_LEN {
            return Err(failed("the wrapped key is truncated"));
        }
        let (nonce, sealed) = wrapped.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| failed("bad nonce"))?;
        self.cipher
            .decrypt(&Nonce::from(nonce), sealed)
            .map_err(|_| {
                failed(format!(
                    "{KEY_FILE} is not the key this store was made with"
                ))
            })
    }

    fn log(&self, level: LogLevel, target: String, message: String) {
        if self.verbose || matches!(level, LogLevel::Error | LogLevel::Warn) {
            eprintln!("{level:?} {target}: {message}");
        }
    }
}

/// Milliseconds since boot, counting suspended time where the OS offers it (Linux
/// `CLOCK_BOOTTIME`, like Android's `elapsedRealtime`).
fn boot_clock_ms() -> u64 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const CLOCK: libc::clockid_t = libc::CLOCK_BOOTTIME;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const CLOCK: libc::clockid_t = libc::CLOCK_MONOTONIC;
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant the OS knows.
    #[allow(unsafe_code)]
    let status = unsafe { libc::clock_gettime(CLOCK, &mut now) };
    if status != 0 {
        return 0;
    }
    now.tv_sec as u64 * 1000 + now.tv_nsec as u64 / 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_round_trips_and_a_foreign_key_file_cannot_unwrap() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let pa = KeyFilePlatform::for_store(a.path(), false).unwrap();
        let wrapped = pa.wrap_secret(vec![7; 32]).unwrap();
        assert_ne!(&wrapped[NONCE_LEN..NONCE_LEN + 32], &[7; 32]);
        assert_eq!(pa.unwrap_secret(wrapped.clone()).unwrap(), vec![7; 32]);
        let again = KeyFilePlatform::for_store(a.path(), false).unwrap();
        assert_eq!(again.unwrap_secret(wrapped.clone()).unwrap(), vec![7; 32]);
        let pb = KeyFilePlatform::for_store(b.path(), false).unwrap();
        assert!(pb.unwrap_secret(wrapped).is_err());
    }

    #[test]
    fn the_key_file_is_owner_only_and_a_readable_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        KeyFilePlatform::for_store(dir.path(), false).unwrap();
        let path = dir.path().join(KEY_FILE);
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = KeyFilePlatform::for_store(dir.path(), false).err().unwrap();
        assert!(err.contains("chmod 600"), "{err}");
    }

    #[test]
    fn the_boot_clock_does_not_go_back() {
        let a = boot_clock_ms();
        let b = boot_clock_ms();
        assert!(a > 0 && b >= a);
    }
}
