//! A store with one complaint and a folder of files to add to it as evidence: what the
//! evidence tests share. Each test file adds the methods of its own on top.

use std::path::{Path, PathBuf};

use redshield_core::Device;
use redshield_core::evidence::{EvidenceKind, NewEvidence};

use redshield_testkit::{complaint, device_in, new_evidence};

pub struct Bench {
    pub _dir: tempfile::TempDir,
    pub files: PathBuf,
    pub store: PathBuf,
    pub device: Device,
    pub case: String,
}

pub fn bench() -> Bench {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut device = device_in(&store);
    let case = device.open_case(&complaint(1)).unwrap().number;
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    Bench {
        files,
        store,
        device,
        case,
        _dir: dir,
    }
}

impl Bench {
    /// Writes `bytes` as the file `name` of the folder.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.files.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// `path` as a new piece of the case, nothing else said.
    pub fn new_evidence(&self, path: &Path, kind: EvidenceKind) -> NewEvidence {
        new_evidence(&self.case, path, kind)
    }

    /// A stored blob's bytes.
    pub fn blob(&self, sha256: &str) -> Vec<u8> {
        std::fs::read(self.device.blob_path(sha256).unwrap()).unwrap()
    }
}
