//! Ed25519 signing and verification, on ring: the TLS stack links ring already, so events are
//! signed with the same code instead of a second curve implementation (README, "Release
//! profile"). Keys are 32-byte seeds, signatures the 64 bytes of RFC 8032: what an event
//! stores, a device enrols with and the centre checks.

use std::fmt;

use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

/// A key or signature that is not one: wrong length, or not on the curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadKeyOrSignature;

impl fmt::Display for BadKeyOrSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a valid Ed25519 key or signature")
    }
}

impl std::error::Error for BadKeyOrSignature {}

/// A device's or the centre's private key.
pub struct SigningKey {
    seed: [u8; 32],
    pair: Ed25519KeyPair,
}

impl SigningKey {
    /// The key of a 32-byte seed (RFC 8032's private key).
    pub fn from_bytes(seed: &[u8; 32]) -> SigningKey {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed)
            .expect("ring takes every 32-byte Ed25519 seed");
        SigningKey { seed: *seed, pair }
    }

    /// The seed, to be wrapped for storage.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.seed
    }

    pub fn sign(&self, message: &[u8]) -> Signature {
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(self.pair.sign(message).as_ref());
        Signature(bytes)
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(self.pair.public_key().as_ref());
        VerifyingKey(bytes)
    }
}

impl Clone for SigningKey {
    fn clone(&self) -> SigningKey {
        SigningKey::from_bytes(&self.seed)
    }
}

/// A public key, as enrolled and as stored with events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyingKey([u8; 32]);

impl VerifyingKey {
    /// Any 32 bytes: a key that is not a curve point verifies nothing.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<VerifyingKey, BadKeyOrSignature> {
        Ok(VerifyingKey(*bytes))
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// RFC 8032 verification; ring refuses a non-canonical `S`, so one message has one valid
    /// signature per key.
    pub fn verify_strict(
        &self,
        message: &[u8],
        signature: &Signature,
    ) -> Result<(), BadKeyOrSignature> {
        UnparsedPublicKey::new(&ED25519, self.0)
            .verify(message, &signature.0)
            .map_err(|_| BadKeyOrSignature)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 64]);

impl Signature {
    pub fn from_bytes(bytes: &[u8; 64]) -> Signature {
        Signature(*bytes)
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Signature, BadKeyOrSignature> {
        Ok(Signature(bytes.try_into().map_err(|_| BadKeyOrSignature)?))
    }

    pub fn to_bytes(&self) -> [u8; 64] {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032, section 7.1, test 2 (one-byte message).
    #[test]
    fn the_rfc_8032_vector_signs_and_verifies() {
        let seed: [u8; 32] =
            hex::decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
                .unwrap()
                .try_into()
                .unwrap();
        let key = SigningKey::from_bytes(&seed);
        assert_eq!(
            hex::encode(key.verifying_key().to_bytes()),
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
        );
        let signature = key.sign(&[0x72]);
        assert_eq!(
            hex::encode(signature.to_bytes()),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
             085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        );
        let public = key.verifying_key();
        assert!(public.verify_strict(&[0x72], &signature).is_ok());
        assert!(public.verify_strict(&[0x73], &signature).is_err());
        let mut bent = signature.to_bytes();
        bent[63] ^= 0x10;
        assert!(
            public
                .verify_strict(&[0x72], &Signature::from_bytes(&bent))
                .is_err()
        );
        assert!(Signature::from_slice(&[0; 63]).is_err());
    }
}
