//! The device's identity: a UUIDv7 and an Ed25519 signing key, made on first open, the
//! blind-index key and the vault key (personal data at rest). Secrets are stored only wrapped by the platform's keystore and never leave
//! the core.

use std::sync::Arc;

use crate::signing::{SigningKey, VerifyingKey};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::blind::BlindKey;
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::vault::VaultKey;

pub struct Identity {
    pub device_id: Uuid,
    /// Starts every human-readable case number made on this device.
    pub prefix: String,
    key: SigningKey,
    blind: BlindKey,
    vault: Arc<VaultKey>,
}

impl Identity {
    /// Loads the identity, or makes one if the store is new.
    pub fn load_or_create(conn: &Connection, platform: &Arc<dyn Platform>) -> Result<Identity> {
        let (device_id, prefix, key) = match Self::load(conn, platform)? {
            Some(found) => found,
            None => Self::create(conn, platform)?,
        };
        let blind = BlindKey::from_bytes(&secret_key(conn, platform, BLIND_KEY)?)?;
        let vault = Arc::new(VaultKey::from_bytes(&secret_key(
            conn, platform, VAULT_KEY,
        )?)?);
        Ok(Identity {
            device_id,
            prefix,
            key,
            blind,
            vault,
        })
    }

    fn load(conn: &Connection, platform: &Arc<dyn Platform>) -> Result<Option<Parts>> {
        let row = conn
            .query_row(
                "SELECT id, prefix, public_key, wrapped_secret FROM device",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, Vec<u8>>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, prefix, public_key, wrapped)) = row else {
            return Ok(None);
        };
        let device_id = Uuid::parse_str(&id).map_err(|e| Error::Corrupt {
            seq: 0,
            reason: format!("device id {id:?}: {e}"),
        })?;
        let secret: [u8; 32] = unwrap(platform, wrapped, "device key")?
            .try_into()
            .map_err(|_| Error::Platform("the unwrapped device key is not 32 bytes".into()))?;
        let key = SigningKey::from_bytes(&secret);
        if key.verifying_key().as_bytes().as_slice() != public_key.as_slice() {
            return Err(Error::Platform(
                "the keystore returned a key that is not this device's (was the store copied?)"
                    .into(),
            ));
        }
        Ok(Some((device_id, prefix, key)))
    }

    fn create(conn: &Connection, platform: &Arc<dyn Platform>) -> Result<Parts> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|e| Error::Platform(format!("no secure random numbers: {e}")))?;
        let key = SigningKey::from_bytes(&secret);
        let wrapped = platform
            .wrap_secret(secret.to_vec())
            .map_err(|e| Error::Platform(format!("cannot wrap the device key: {e}")))?;
        let device_id = Uuid::now_v7();
        let prefix = prefix_of(&device_id);
        conn.execute(
            "INSERT INTO device (singleton, id, prefix, public_key, wrapped_secret, created_ms)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![
                device_id.to_string(),
                prefix,
                key.verifying_key().as_bytes().as_slice(),
                wrapped,
                chrono::Utc::now().timestamp_millis()
            ],
        )?;
        tracing::info!(device = %device_id, "created the device identity");
        Ok((device_id, prefix, key))
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// Signs events. Crate-private: the key never leaves the core.
    pub(crate) fn signer(&self) -> &SigningKey {
        &self.key
    }

    pub(crate) fn blind_key(&self) -> &BlindKey {
        &self.blind
    }

    pub(crate) fn vault_key(&self) -> Arc<VaultKey> {
        self.vault.clone()
    }
}

/// What `load` and `create` give: the device id, its prefix, its signing key.
type Parts = (Uuid, String, SigningKey);

fn unwrap(platform: &Arc<dyn Platform>, wrapped: Vec<u8>, what: &str) -> Result<Vec<u8>> {
    platform
        .unwrap_secret(wrapped)
        .map_err(|e| Error::Platform(format!("cannot unwrap the {what}: {e}")))
}

/// A 32-byte secret of the device other than its signing key: where it is kept wrapped, and
/// what it is called in errors.
struct SecretKey {
    column: &'static str,
    what: &'static str,
}

const BLIND_KEY: SecretKey = SecretKey {
    column: "wrapped_blind_key",
    what: "blind-index key",
};

const VAULT_KEY: SecretKey = SecretKey {
    column: "wrapped_vault_key",
    what: "vault key",
};

/// The secret, unwrapped; made on first need (stores from before it existed get one then).
fn secret_key(conn: &Connection, platform: &Arc<dyn Platform>, key: SecretKey) -> Result<Vec<u8>> {
    let SecretKey { column, what } = key;
    let wrapped: Option<Vec<u8>> =
        conn.query_row(&format!("SELECT {column} FROM device"), [], |r| r.get(0))?;
    if let Some(wrapped) = wrapped {
        return unwrap(platform, wrapped, what);
    }
    let mut secret = vec![0u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| Error::Platform(format!("no secure random numbers: {e}")))?;
    let wrapped = platform
        .wrap_secret(secret.clone())
        .map_err(|e| Error::Platform(format!("cannot wrap the {what}: {e}")))?;
    conn.execute(&format!("UPDATE device SET {column} = ?1"), [wrapped])?;
    Ok(secret)
}

/// Six hex digits from the random tail of the id: a UUIDv7 begins with its timestamp, so two
/// devices made the same day would share a prefix taken from the front.
fn prefix_of(id: &Uuid) -> String {
    let hex = id.simple().to_string().to_uppercase();
    hex[hex.len() - 6..].to_string()
}
