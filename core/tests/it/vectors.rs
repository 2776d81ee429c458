//! The committed test vectors pin the event format: canonical bytes, hash and signature.

use redshield_core::events::{Entry, Envelope, SealedEvent, decode};
use redshield_core::journal::Body;
use redshield_core::signing::{Signature, SigningKey};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    secret_key: String,
    envelope: Envelope,
    canonical: String,
    sha256: String,
    signature: String,
}

fn load() -> Vector {
    let text = include_str!("../vectors/event-v1.json");
    serde_json::from_str(text).expect("the vector file parses")
}

#[test]
fn sealing_reproduces_the_committed_bytes_hash_and_signature() {
    let v = load();
    let secret: [u8; 32] = hex::decode(&v.secret_key).unwrap().try_into().unwrap();
    let key = SigningKey::from_bytes(&secret);
    let sealed = SealedEvent::seal(v.envelope.clone(), &key).unwrap();

    assert_eq!(
        String::from_utf8(sealed.canonical.clone()).unwrap(),
        v.canonical
    );
    assert_eq!(sealed.hash.to_hex(), v.sha256);
    assert_eq!(hex::encode(sealed.signature.to_bytes()), v.signature);

    let signature = Signature::from_slice(&hex::decode(&v.signature).unwrap()).unwrap();
    key.verifying_key()
        .verify_strict(&sealed.hash.0, &signature)
        .expect("the committed signature verifies");
}

#[test]
fn the_committed_bytes_decode_to_the_envelope_and_body() {
    let v = load();
    let envelope = decode(v.canonical.as_bytes()).unwrap();
    assert_eq!(envelope, v.envelope);
    let body = Body::decode(&envelope.event_type, envelope.body_version, envelope.body).unwrap();
    assert_eq!(body.event_type(), "CaseOpened");
    assert_eq!(body.personal_data().len(), 6);
}
