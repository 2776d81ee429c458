//! The device's identity: a UUIDv7 and an Ed25519 signing key, made on first open, the
//! blind-index key and the vault key (personal data at rest). Secrets are stored only wrapped by the platform's keystore and never leave
//! the core.

use std::sync::Arc;

use crate::signing::{SigningKey, VerifyingKey};
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::Sha256;
use uuid::Uuid;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::validate::ascii_form;
use crate::vault::VaultKey;
use crate::wire_enum::wire_enum;

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &[],
    kept: &["device"],
};

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
        let device_id = Uuid::parse_str(&id).map_err(|e| {
            Error::damaged_record("device identity", format!("device id {id:?}: {e}"))
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

wire_enum! {
    /// What a digest was made of; part of the HMAC input, so equal text in two fields never
    /// matches.
    pub enum Field {
        Phone = "phone",
        Name = "name",
        Address = "address",
        BusinessName = "business_name",
        /// A person's identity document: its kind and number.
        IdNumber = "id_number",
        /// The identity document of the agent acting for a person (Art. 11).
        Agent = "agent",
        /// The facts as told, without white space or punctuation.
        Facts = "facts",
        /// The goods or service, likewise.
        Goods = "goods",
    }
}

/// The blind index's key: keyed HMAC-SHA256 digests of personal values (`cases::blind`), so
/// that cases can be matched without comparing plain values.
pub struct BlindKey([u8; 32]);

impl BlindKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<BlindKey> {
        let key = bytes
            .try_into()
            .map_err(|_| Error::Platform("the blind-index key is not 32 bytes".into()))?;
        Ok(BlindKey(key))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest of `value` as `field`, after normalising what typing varies: full-width
    /// forms, white space, letter case; for text told in words (facts, goods), punctuation too,
    /// so that "identical fact text" means the same words.
    pub fn digest(&self, field: Field, value: &str) -> Digest {
        let words = matches!(field, Field::Facts | Field::Goods);
        let normal: String = ascii_form(value)
            .chars()
            .filter(|c| !c.is_whitespace() && (!words || c.is_alphanumeric()))
            .flat_map(char::to_lowercase)
            .collect();
        // HMAC pads a key shorter than the hash's 64-byte block with zeros; padding it here
        // gives the same MAC through the infallible constructor.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&self.0);
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&block.into());
        mac.update(field.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(normal.as_bytes());
        Digest(mac.finalize().into_bytes().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_variants_give_one_digest_fields_and_keys_keep_them_apart() {
        let key = BlindKey([7; 32]);
        let phone = key.digest(Field::Phone, "13812345678");
        assert_eq!(key.digest(Field::Phone, "１３８ 1234 5678"), phone);
        assert_ne!(key.digest(Field::Name, "13812345678"), phone);
        assert_ne!(BlindKey([8; 32]).digest(Field::Phone, "13812345678"), phone);
        assert_eq!(
            key.digest(Field::Address, "五一大道 1 号"),
            key.digest(Field::Address, "五一大道１号")
        );
        // Facts: the same words, whatever the punctuation and spacing.
        assert_eq!(
            key.digest(Field::Facts, "买的牛奶，已经过期了！"),
            key.digest(Field::Facts, "买的牛奶 已经过期了")
        );
        assert_ne!(
            key.digest(Field::Facts, "买的牛奶已经过期了"),
            key.digest(Field::Facts, "买的酸奶已经过期了")
        );
    }
}
