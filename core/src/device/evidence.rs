//! A device's evidence: taken in, verified, shared redacted, originals pruned.

use super::*;

impl Device {
    /// Takes a photo or recording into a case's evidence: the original into the blob store,
    /// EXIF read, copies made, all of it recorded in one signed event.
    pub fn add_evidence(&mut self, new: &NewEvidence) -> Result<Evidence> {
        let case = crate::cases::get(&self.store.conn, &new.case_id)?;
        let case_id = crate::cases::id_of(&self.store.conn, &case.id)?;
        let trusted_ms = self.now_ms()?;
        let capture = crate::evidence::Capture {
            case_id,
            case_number: &case.number,
            trusted_ms,
            device_fix: self.device_fix(new, trusted_ms)?,
        };
        let body = crate::evidence::prepare(&self.blobs(), new, &capture, &MediaLimits::default())?;
        let id = self.write(|w| crate::evidence::record(w, body, new.note.as_deref()))?;
        self.evidence(&id.to_string())
    }

    /// Where the device was at capture: the position the app gave, else the newest trip fix
    /// if it is recent enough to be where the device is now.
    fn device_fix(&self, new: &NewEvidence, now_ms: i64) -> Result<Option<DeviceFixBody>> {
        if let Some(place) = &new.place {
            return Ok(Some(DeviceFixBody {
                point: place.to_point("place")?,
                time_ms: new.place_time_ms.unwrap_or(now_ms),
                source: FixSource::App,
            }));
        }
        let newest = crate::trips::projection::latest_fix(&self.store.conn)?;
        Ok(newest
            .filter(|f| (now_ms - f.time_ms).abs() <= crate::evidence::limits::FIX_MAX_AGE_MS)
            .and_then(|f| {
                let point = GeoPoint::from_degrees("fix", f.latitude, f.longitude, f.accuracy_m);
                point.ok().map(|point| DeviceFixBody {
                    point,
                    time_ms: f.time_ms,
                    source: FixSource::Trip,
                })
            }))
    }

    pub fn evidence(&self, id: &str) -> Result<Evidence> {
        crate::evidence::projection::get(&self.store.conn, id.trim())
    }

    /// A case's evidence, in the order captured.
    pub fn evidence_of_case(&self, case: &str) -> Result<Vec<Evidence>> {
        let case_id = crate::cases::id_of(&self.store.conn, case)?;
        crate::evidence::projection::of_case(&self.store.conn, &case_id.to_string())
    }

    /// Checks a piece of evidence again from the bytes: event, chain, blobs.
    pub fn verify_evidence(&self, id: &str) -> Result<EvidenceReport> {
        let seq = crate::evidence::projection::seq_of(&self.store.conn, id.trim())?;
        self.verify_evidence_at(&[(id.trim().to_string(), seq)])
            .map(|mut reports| reports.remove(0))
    }

    /// Every piece of evidence on the device, checked.
    pub fn verify_all_evidence(&self) -> Result<Vec<EvidenceReport>> {
        self.verify_evidence_at(&crate::evidence::projection::all(&self.store.conn)?)
    }

    /// The chain is walked once, up to the newest piece.
    fn verify_evidence_at(&self, pieces: &[(String, u64)]) -> Result<Vec<EvidenceReport>> {
        let key = self.identity.verifying_key();
        let last = pieces.iter().map(|(_, seq)| *seq).max().unwrap_or(0);
        let conn = &self.store.conn;
        let chain_break = verify::chain_through(
            conn,
            self.identity.device_id,
            &key,
            journal::read_stored,
            last,
        )?;
        let prunes = crate::evidence::prune::signed_prunes(conn, &key)?;
        let blobs = self.blobs();
        pieces
            .iter()
            .map(|(id, seq)| {
                let archived = prunes.get(id);
                crate::evidence::verify::evidence(
                    conn,
                    &blobs,
                    &key,
                    id,
                    *seq,
                    chain_break.as_ref(),
                    archived,
                )
            })
            .collect()
    }

    /// Writes a photo's redacted copy to `out`, its manifest beside it.
    pub fn export_redacted(&self, id: &str, out: &Path) -> Result<RedactionManifest> {
        crate::evidence::redact::export(&self.blobs(), &self.evidence(id)?, out)
    }

    /// Deletes the originals the centre holds whose retention has passed
    /// (`crate::evidence::prune::RETENTION`), keeping their hashes, display copies and thumbnails;
    /// records each as `EvidenceOriginalPruned`. Nothing eligible: nothing recorded.
    pub fn prune_originals(&mut self) -> Result<crate::evidence::prune::PruneReport> {
        let report = self.record_prunes()?;
        crate::evidence::prune::finish_pending(&self.store.conn, &self.blobs())?;
        Ok(report)
    }

    /// The first half of `prune_originals`: the prunes recorded, the files not yet deleted
    /// (what an interruption leaves; the next prune or open deletes them).
    pub fn record_prunes(&mut self) -> Result<crate::evidence::prune::PruneReport> {
        let blobs = self.blobs();
        crate::evidence::prune::finish_pending(&self.store.conn, &blobs)?;
        let kept = blob_names::kept(&self.store.conn)?;
        let candidates =
            crate::evidence::prune::eligible(&self.store.conn, &blobs, self.now_ms()?, &kept)?;
        if candidates.is_empty() {
            return Ok(Default::default());
        }
        self.write(|w| crate::evidence::prune::record(w, &candidates))
    }

    /// The file holding the blob with this SHA-256 (an original or a copy), for the app to show.
    /// A pruned original is not on the device: `NotFound`, saying so.
    pub fn blob_path(&self, sha256: &str) -> Result<std::path::PathBuf> {
        let digest = Digest::from_hex(sha256.trim())
            .ok_or_else(|| Error::invalid("sha256", "is not 64 hex digits"))?;
        if crate::evidence::prune::is_pruned(&self.store.conn, &digest)? {
            return Err(Error::NotFound {
                what: "blob",
                id: sha256.trim().to_string(),
            });
        }
        let path = self.blobs().path(&digest);
        if !path.exists() {
            return Err(Error::NotFound {
                what: "blob",
                id: sha256.trim().to_string(),
            });
        }
        Ok(path)
    }
}
