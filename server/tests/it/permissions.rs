//! The data directory is the service user's only: the ledger and the replicas hold names and phone
//! numbers, the blob store photos. Every directory the centre makes is `0700` and every file `0600`
//! — SQLite's `-wal` and `-shm` files, blobs whole and partial, keys — whatever the umask; and what
//! an earlier version left looser is tightened at start.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::{Backend, Centre, Phone, on_both_backends};
use reqwest::{Method, StatusCode};

/// No mask: a mode the centre does not set itself would show as world-readable.
fn clear_umask() {
    // SAFETY: umask only swaps the process's file-mode mask; it cannot fail.
    unsafe { libc::umask(0) };
}

/// Every entry under `dir` (itself included), with its mode and whether it is a directory.
fn entries(dir: &Path) -> Vec<(PathBuf, u32, bool)> {
    let meta = std::fs::symlink_metadata(dir).unwrap();
    let mut found = vec![(dir.to_path_buf(), meta.permissions().mode() & 0o7777, true)];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            found.extend(entries(&path));
        } else {
            found.push((path, meta.permissions().mode() & 0o7777, false));
        }
    }
    found
}

fn assert_private(data: &Path) {
    for (path, mode, is_dir) in entries(data) {
        let wanted = if is_dir { 0o700 } else { 0o600 };
        assert_eq!(mode, wanted, "{} is {mode:o}", path.display());
    }
}

/// A centre holding what it holds after real work: a device's chain and replica, a blob
/// whole and another partly uploaded; (the whole blob's name, the partial one's).
async fn working_centre(backend: Backend) -> (Centre, [String; 2]) {
    let centre = Centre::start(backend).await;
    let mut phone = Phone::new();
    centre.enrol(&mut phone).await;
    let (whole, whole_data) = phone.record(1, 50_000);
    let (partial, partial_data) = phone.record(2, 50_000);
    centre.push_ok(&phone, &phone.outbox(0)).await;
    let put = |sha, body: Vec<u8>, last: bool| {
        let path = format!("/v1/blobs/{sha}?offset=0");
        let request = centre.authed(Method::PUT, &path, phone.token());
        let request = match last {
            true => request.header("redshield-blob-final", "true"),
            false => request,
        };
        request.body(body).send()
    };
    let whole_put = put(whole, whole_data, true).await.unwrap();
    assert_eq!(whole_put.status(), StatusCode::OK);
    let partial_put = put(partial, partial_data[..20_000].to_vec(), false)
        .await
        .unwrap();
    assert_eq!(partial_put.status(), StatusCode::OK);
    (centre, [whole.to_hex(), partial.to_hex()])
}

/// The files a test expects to see checked, so that the walk is known to reach them.
fn assert_present(centre: &Centre, [whole, partial]: &[String; 2], backend: Backend) {
    let data = centre.dir.path();
    let mut expected = vec![
        data.join("centre.key"),
        data.join("admin.token"),
        data.join("blobs").join(&whole[..2]).join(whole),
        data.join("blobs/partial").join(partial),
    ];
    let replicas: Vec<PathBuf> = std::fs::read_dir(data.join("replicas"))
        .unwrap()
        .map(|e| e.unwrap().path().join(redshield_core::store::FILE_NAME))
        .collect();
    assert_eq!(replicas.len(), 1);
    expected.extend(replicas);
    if backend == Backend::Sqlite {
        expected.push(data.join("ledger.sqlite"));
    }
    for path in expected {
        assert!(path.exists(), "{}", path.display());
    }
}

async fn everything_the_centre_writes_is_its_users_only(backend: Backend) {
    clear_umask();
    let (centre, blobs) = working_centre(backend).await;
    assert_present(&centre, &blobs, backend);
    // While it runs: the databases' -wal and -shm files are there too.
    let wal = entries(centre.dir.path())
        .into_iter()
        .filter(|(p, ..)| p.to_string_lossy().ends_with("-wal"))
        .count();
    let at_least = if backend == Backend::Sqlite { 2 } else { 1 };
    assert!(wal >= at_least, "{wal} -wal files");
    assert_private(centre.dir.path());
}
on_both_backends!(everything_the_centre_writes_is_its_users_only);

async fn what_an_older_centre_left_readable_is_tightened_at_start(backend: Backend) {
    clear_umask();
    let (mut centre, blobs) = working_centre(backend).await;
    centre.running.take().unwrap().shutdown().await;
    // As an earlier version left them: directories 0755, files 0644.
    for (path, _, is_dir) in entries(centre.dir.path()) {
        let mode = if is_dir { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    centre.start_again().await;
    assert_present(&centre, &blobs, backend);
    assert_private(centre.dir.path());
}
on_both_backends!(what_an_older_centre_left_readable_is_tightened_at_start);
