//! Evidence: photos and recordings taken in, verified, shared redacted, originals pruned.

use super::*;

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// Takes a photo (JPEG; PNG for screenshots and documents) or a recording (m4a, mp4) into
    /// a case's evidence, by path: the original is kept byte for byte under its SHA-256, EXIF
    /// read, an upright display copy and a thumbnail made, all recorded in a signed event.
    /// The same file added to the same case again returns the evidence already there.
    pub fn add_evidence(&self, evidence: NewEvidence) -> ApiResult<Evidence> {
        Ok(self.device().add_evidence(&evidence)?)
    }

    pub fn get_evidence(&self, evidence_id: String) -> ApiResult<Evidence> {
        Ok(self.device().evidence(&evidence_id)?)
    }

    /// A case's evidence, in the order captured.
    pub fn case_evidence(&self, case_id: String) -> ApiResult<Vec<Evidence>> {
        Ok(self.device().evidence_of_case(&case_id)?)
    }

    /// Checks the evidence from the bytes: the signed event, the chain up to it, every blob.
    /// Tampering is reported in the result, check by check, not as an error.
    pub fn verify_evidence(&self, evidence_id: String) -> ApiResult<EvidenceReport> {
        Ok(self.device().verify_evidence(&evidence_id)?)
    }

    /// Every piece of evidence on the device, checked (the server runs the same on ingest).
    pub fn verify_all_evidence(&self) -> ApiResult<Vec<EvidenceReport>> {
        Ok(self.device().verify_all_evidence()?)
    }

    /// Frees the device's storage: deletes each evidence original the centre has confirmed
    /// holding whole once its case is final and the retention period has passed since both
    /// (`evidence::prune::RETENTION`); keeps the hash, the display copy and the thumbnail, and records each prune in the
    /// log. Returns what was pruned and the bytes freed; nothing eligible changes nothing.
    pub fn prune_originals(&self) -> ApiResult<PruneReport> {
        Ok(self.device().prune_originals()?)
    }

    /// Writes a photo's copy for sharing — no metadata, no caption — to `path`, with a manifest
    /// of what was left out beside it (`<path>.manifest.json`).
    pub fn export_redacted_evidence(
        &self,
        evidence_id: String,
        path: String,
    ) -> ApiResult<RedactionManifest> {
        Ok(self
            .device()
            .export_redacted(&evidence_id, Path::new(&path))?)
    }

    /// The file of a blob (an original, a display copy, a thumbnail) by its SHA-256, to show.
    pub fn blob_path(&self, sha256: String) -> ApiResult<String> {
        Ok(self.device().blob_path(&sha256)?.display().to_string())
    }
}
