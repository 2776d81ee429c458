//! The device's side of a sync exchange, done under the store's lock between network calls:
//! what to send, what the centre's answers prove, and where sync stands. The sync engine
//! (`sync::engine`) reaches it as `Local`.

use std::path::PathBuf;
use std::sync::Arc;

use uuid::Uuid;

use crate::centre::ServerEventApplied;
use crate::error::{Error, Result, SyncError};
use crate::events::log::row_at;
use crate::events::{Digest, Topic};
use crate::platform::Platform;
use crate::protocol::{EnrolRequest, Enrolled, PushReceipt, ServerEvent, WireEvent, WireVaultRow};
use crate::signing::VerifyingKey;
use crate::sync::engine::Local;
pub use crate::sync::engine::Session;
use crate::sync::{decisions, state, wire};
use crate::time::TrustedTime;

use super::Device;

impl Device {
    /// Keeps an enrolment: the centre's key pinned, the token wrapped by the keystore. Sync
    /// starts from the first event with this centre.
    pub fn save_enrolment(
        &mut self,
        server: &str,
        centre_ca: Option<Vec<u8>>,
        enrolled: &Enrolled,
    ) -> Result<()> {
        if enrolled.device_id != self.identity.device_id {
            // The answer proves nothing for this device: it stays not enrolled.
            return Err(SyncError::NotDelivered(format!(
                "the centre enrolled device {}, not this one",
                enrolled.device_id
            ))
            .into());
        }
        let centre_key = parse_key(&enrolled.centre_key)?;
        let wrapped_token = self
            .platform
            .wrap_secret(enrolled.token.as_bytes().to_vec())
            .map_err(|e| Error::Platform(e.to_string()))?;
        let enrolment = state::Enrolment {
            server: server.trim().trim_end_matches('/').to_string(),
            centre_ca,
            wrapped_token,
            centre_key: centre_key.to_bytes(),
            acked_seq: 0,
            acked_hash: None,
            pull_cursor: 0,
        };
        state::enrol(&self.store.conn, &enrolment, self.now_ms()?)?;
        self.changed(&[Topic::Sync]);
        Ok(())
    }

    pub fn outbox(&self, after: u64, limit: usize) -> Result<(Vec<WireEvent>, Vec<WireVaultRow>)> {
        wire::outbox(&self.store.conn, after, limit)
    }

    /// Takes a push receipt as proof only if it names this device and the very event this
    /// device holds at the acknowledged seq; then keeps the acknowledgement.
    pub fn accept_receipt(&mut self, receipt: &PushReceipt) -> Result<()> {
        if receipt.device_id != self.identity.device_id {
            // Not proof that this device's events arrived: they stay to be pushed.
            return Err(SyncError::NotDelivered(format!(
                "the receipt is for device {}",
                receipt.device_id
            ))
            .into());
        }
        if let Some(&seq) = receipt.forks.first() {
            return Err(Error::SyncConflict {
                seq,
                reason: "this device's event differs from the one the centre already holds \
                         (a restored or copied store); the centre keeps both, flagged"
                    .into(),
            });
        }
        let held = match receipt.acked_seq {
            0 => Some(Digest::ZERO),
            seq => row_at(&self.store.conn, seq)?.and_then(|r| Digest::from_slice(&r.hash)),
        };
        if held != Some(receipt.acked_hash) {
            return Err(Error::SyncConflict {
                seq: receipt.acked_seq,
                reason: "the centre acknowledges an event this device does not hold".into(),
            });
        }
        state::acknowledge(
            &self.store.conn,
            receipt.acked_seq,
            receipt.acked_hash,
            self.now_ms()?,
        )?;
        self.changed(&[Topic::Sync]);
        Ok(())
    }
}

fn parse_key(text: &str) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::invalid("centre_key", "not a 32-byte hex Ed25519 key"))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::invalid("centre_key", "not an Ed25519 public key"))
}

impl Device {
    /// Applies the centre's events in server order: each checked against the pinned centre
    /// key and meant for this device (or for all), recorded as `ServerEventApplied` and
    /// carried out (`decisions`) with the pull cursor moved in the same transaction. Events at
    /// or below the cursor were applied already and are skipped. Returns how many were applied.
    pub fn apply_server_events(
        &mut self,
        key: &VerifyingKey,
        events: &[ServerEvent],
    ) -> Result<u64> {
        let device = self.identity.device_id;
        let mut cursor = state::read(&self.store.conn)?
            .ok_or(Error::NotEnrolled)?
            .pull_cursor;
        let mut applied = 0;
        for event in events {
            if event.server_seq <= cursor {
                continue;
            }
            let body = wire::check_server_event(event, key, device).map_err(|reason| {
                Error::SyncConflict {
                    seq: event.server_seq,
                    reason: format!("server event refused: {reason}"),
                }
            })?;
            let calendar = self.calendar()?;
            let record = |not_carried_out| ServerEventApplied {
                server_seq: event.server_seq,
                event_type: body.event_type.clone(),
                canonical: event.canonical.clone(),
                hash: event.hash,
                signature: event.signature.clone(),
                not_carried_out,
            };
            let carried = self.write(|w| {
                decisions::take_in(w, &body, event.attachment.as_ref())?;
                w.append(record(None))?;
                decisions::carry_out(w, &calendar, &body, event.attachment.as_ref())?;
                state::pulled_through(w.conn(), event.server_seq)
            });
            match carried {
                Ok(()) => {}
                Err(e) if decisions::cannot_carry_out(&e) => {
                    tracing::warn!(server_seq = event.server_seq, event_type = %body.event_type, error = %e, "a decision of the centre not carried out");
                    self.write(|w| {
                        w.append(record(Some(e.to_string())))?;
                        state::pulled_through(w.conn(), event.server_seq)
                    })?;
                }
                Err(e) => return Err(e),
            }
            cursor = event.server_seq;
            applied += 1;
        }
        Ok(applied)
    }
}

impl Device {
    pub fn blob_confirmed(&mut self, sha256: &Digest) -> Result<()> {
        crate::sync::blobs::mark_sent(&self.store.conn, sha256, self.now_ms()?)?;
        self.changed(&[Topic::Sync]);
        Ok(())
    }
}

/// The device as the sync engine reaches it, always under the lock, off the async workers.
impl Local for Device {
    fn device_id(&self) -> Uuid {
        self.identity.device_id
    }

    fn head_seq(&self) -> u64 {
        self.head.seq
    }

    fn platform(&self) -> Arc<dyn Platform> {
        self.platform.clone()
    }

    fn enrolment_request(&self, code: &str, app_version: &str) -> EnrolRequest {
        EnrolRequest {
            code: code.trim().to_string(),
            device_id: self.identity.device_id,
            public_key: hex::encode(self.public_key()),
            device_prefix: self.identity.prefix.clone(),
            app_version: app_version.to_string(),
        }
    }

    fn save_enrolment(
        &mut self,
        server: &str,
        centre_ca: Option<Vec<u8>>,
        enrolled: &Enrolled,
    ) -> Result<()> {
        Device::save_enrolment(self, server, centre_ca, enrolled)
    }

    fn session(&self) -> Result<Session> {
        let e = state::read(&self.store.conn)?.ok_or(Error::NotEnrolled)?;
        let token = self
            .platform
            .unwrap_secret(e.wrapped_token)
            .map_err(|err| Error::Platform(err.to_string()))?;
        Ok(Session {
            server: e.server,
            centre_ca: e.centre_ca,
            token: String::from_utf8(token)
                .map_err(|_| Error::Platform("the unwrapped token is not text".into()))?,
            acked_seq: e.acked_seq,
            pull_cursor: e.pull_cursor,
            centre_key: VerifyingKey::from_bytes(&e.centre_key).map_err(|_| {
                Error::damaged_record("sync state", "the pinned centre key is not a key")
            })?,
        })
    }

    fn outbox(&self, after: u64, limit: usize) -> Result<(Vec<WireEvent>, Vec<WireVaultRow>)> {
        Device::outbox(self, after, limit)
    }

    fn accept_receipt(&mut self, receipt: &PushReceipt) -> Result<()> {
        Device::accept_receipt(self, receipt)
    }

    fn record_server_time(&mut self, sent_ms: u64, received_ms: u64, server_ms: i64) -> Result<()> {
        Device::record_server_time(self, sent_ms, received_ms, server_ms).map(drop)
    }

    fn trusted_time(&self) -> Result<TrustedTime> {
        Device::trusted_time(self)
    }

    /// One it does not hold — of a case handed over from another device, the centre has it
    /// from there — has nothing to send here (a file lost is the evidence verifier's to
    /// report).
    fn unsent_blobs(&self) -> Result<Vec<(Digest, PathBuf)>> {
        let blobs = self.blobs();
        Ok(crate::sync::blobs::unsent(&self.store.conn)?
            .into_iter()
            .map(|sha| (sha, blobs.path(&sha)))
            .filter(|(_, path)| path.exists())
            .collect())
    }

    fn blob_confirmed(&mut self, sha256: &Digest) -> Result<()> {
        Device::blob_confirmed(self, sha256)
    }

    fn apply_server_events(&mut self, key: &VerifyingKey, events: &[ServerEvent]) -> Result<u64> {
        Device::apply_server_events(self, key, events)
    }

    fn wanted_blobs(&self) -> Result<Vec<Digest>> {
        crate::sync::blobs::wanted(&self.store.conn, &self.blobs())
    }

    fn keep_fetched_blob(&self, sha256: &Digest, bytes: &[u8]) -> Result<()> {
        if Digest::of(&[bytes]) != *sha256 {
            return Err(Error::Sync(crate::sync::client::SyncError::NotDelivered(
                format!("blob {sha256} from the centre does not hash to its name"),
            )));
        }
        self.blobs().put_bytes(bytes).map(drop)
    }
}
