//! The centre's secrets, each a file in the data directory made on first start and readable by
//! the owner only: the Ed25519 key that signs server events (`centre.key`) and the admin token
//! (`admin.token`). An existing file is never overwritten: a lost centre key would orphan
//! every enrolled device, which pinned it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use redshield_core::events::{Digest, canonical};
use redshield_core::identity::BlindKey;
use redshield_core::signing::{SigningKey, VerifyingKey};
use redshield_core::sync::protocol::{ServerEvent, ServerEventBody};

use crate::ServerError;

pub const CENTRE_KEY_FILE: &str = "centre.key";
pub const ADMIN_TOKEN_FILE: &str = "admin.token";

/// Random bytes from the operating system.
pub fn random<const N: usize>() -> Result<[u8; N], ServerError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| ServerError::Random(e.to_string()))?;
    Ok(bytes)
}

/// Reads the hex secret in `path`, or makes one of `N` random bytes and writes it (mode 0600).
pub(crate) fn load_or_create<const N: usize>(
    path: &Path,
    what: &str,
) -> Result<[u8; N], ServerError> {
    let bad = |reason: String| ServerError::Secret {
        what: what.to_string(),
        path: path.to_path_buf(),
        reason,
    };
    match fs::read_to_string(path) {
        Ok(text) => {
            let mut bytes = [0u8; N];
            hex::decode_to_slice(text.trim(), &mut bytes)
                .map_err(|_| bad(format!("does not hold {N} bytes in hex")))?;
            Ok(bytes)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let bytes = random::<N>()?;
            write_new(path, format!("{}\n", hex::encode(bytes)).as_bytes())
                .map_err(|e| bad(e.to_string()))?;
            tracing::info!(path = %path.display(), "created the {what}");
            Ok(bytes)
        }
        Err(e) => Err(bad(e.to_string())),
    }
}

/// Creates `path` (it must not exist) with owner-only permissions and syncs it.
fn write_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Makes a rename or creation in `dir` durable (where the platform allows opening a directory).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The key that signs server events; devices pin its public half at enrolment.
#[derive(Clone)]
pub struct CentreKey {
    signing: SigningKey,
}

impl CentreKey {
    pub fn load_or_create(data_dir: &Path) -> Result<CentreKey, ServerError> {
        let seed = load_or_create::<32>(&data_dir.join(CENTRE_KEY_FILE), "centre key")?;
        Ok(CentreKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// Seals `body`: its canonical JSON, the SHA-256 of those bytes, the signature of the hash.
    pub fn seal(&self, body: &ServerEventBody) -> Result<ServerEvent, String> {
        let value = serde_json::to_value(body).map_err(|e| e.to_string())?;
        let bytes = canonical::encode(&value).map_err(|e| e.to_string())?;
        let hash = Digest::of(&[&bytes]);
        let signature = self.signing.sign(&hash.0);
        Ok(ServerEvent {
            server_seq: body.server_seq,
            canonical: String::from_utf8(bytes).map_err(|e| e.to_string())?,
            attachment: None,
            hash,
            signature: hex::encode(signature.to_bytes()),
        })
    }
}

/// The token that guards the admin routes; the server keeps only its hash in memory.
pub struct AdminToken {
    hash: Digest,
    path: PathBuf,
}

impl AdminToken {
    pub fn load_or_create(data_dir: &Path) -> Result<AdminToken, ServerError> {
        let path = data_dir.join(ADMIN_TOKEN_FILE);
        let bytes = load_or_create::<32>(&path, "admin token")?;
        Ok(AdminToken {
            hash: Digest::of(&[hex::encode(bytes).as_bytes()]),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether `presented` is the token (compared by hash, in constant time).
    pub fn accepts(&self, presented: &str) -> bool {
        let presented = Digest::of(&[presented.as_bytes()]);
        presented
            .0
            .iter()
            .zip(self.hash.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

pub const BLIND_KEY_FILE: &str = "centre.blind-key";

/// The centre's blind-index key, made on first start (`0600`) and never overwritten: a new
/// key would only change the digests, never lose a case, but one key keeps flags comparable.
pub fn blind_key(data_dir: &Path) -> Result<BlindKey, ServerError> {
    let path = data_dir.join(BLIND_KEY_FILE);
    let bytes = load_or_create::<32>(&path, "blind-index key")?;
    BlindKey::from_bytes(&bytes).map_err(|e| ServerError::Secret {
        what: "blind-index key".into(),
        path,
        reason: e.to_string(),
    })
}
