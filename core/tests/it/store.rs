//! Opening stores: identity kept across opens, and every kind of file we must refuse without
//! touching it.

use std::fs;
use std::sync::atomic::Ordering;

use redshield_core::cases::CaseQuery;
use redshield_core::store::{FILE_NAME, schema};
use redshield_core::{Device, Error};
use redshield_testkit::{TestPlatform, complaint, device_in, projections};
use rusqlite::Connection;

#[test]
fn reopening_keeps_the_identity_the_key_and_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let (id, key, number) = {
        let mut device = device_in(dir.path());
        let case = device.open_case(&complaint(1)).unwrap();
        (device.device_id(), device.public_key(), case.number)
    };
    let device = Device::open(dir.path(), TestPlatform::new()).unwrap();
    assert_eq!(device.device_id(), id);
    assert_eq!(device.public_key(), key);
    assert_eq!(
        device.officer().unwrap().name,
        "李明",
        "the signed-in officer is remembered"
    );
    assert_eq!(device.case(&number).unwrap().complainants[0].name, "王芳1");
    assert!(device.verify_chain().unwrap().is_intact());
    assert_eq!(device.head().seq, 2);
}

#[test]
fn two_stores_are_two_devices() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Device::open(a.path(), TestPlatform::new()).unwrap();
    let b = Device::open(b.path(), TestPlatform::new()).unwrap();
    assert_ne!(a.device_id(), b.device_id());
    assert_ne!(a.public_key(), b.public_key());
    assert_ne!(a.device_prefix(), b.device_prefix());
}

#[test]
fn the_store_is_durable_wal_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let device = Device::open(dir.path(), TestPlatform::new()).unwrap();
    let conn = device.connection();
    let pragma = |name: &str| -> String {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| format!("{v:?}"))
        .unwrap()
    };
    assert_eq!(pragma("journal_mode"), "Text(\"wal\")");
    assert_eq!(pragma("synchronous"), "Integer(2)", "2 is FULL");
    assert_eq!(pragma("foreign_keys"), "Integer(1)");
    assert_eq!(
        pragma("user_version"),
        format!("Integer({})", schema::LATEST)
    );
}

#[test]
fn a_keystore_that_lost_the_key_is_a_platform_error_and_the_store_survives() {
    let dir = tempfile::tempdir().unwrap();
    drop(device_in(dir.path()));
    let broken = TestPlatform::new();
    broken.broken_keystore.store(true, Ordering::SeqCst);
    let err = Device::open(dir.path(), broken).err().unwrap();
    assert!(matches!(err, Error::Platform(_)), "{err}");
    assert_eq!(
        Device::open(dir.path(), TestPlatform::new())
            .unwrap()
            .head()
            .seq,
        1
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let garbage = b"%PDF-1.7 this is a scanned receipt, not a database".repeat(100);
    fs::write(&path, &garbage).unwrap();
    let err = Device::open(dir.path(), TestPlatform::new()).err().unwrap();
    assert!(matches!(err, Error::NotAStore { .. }), "{err}");
    assert_eq!(fs::read(&path).unwrap(), garbage);
}

#[test]
fn another_programs_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TABLE photos (id INTEGER PRIMARY KEY); INSERT INTO photos VALUES (1);",
        )
        .unwrap();
    let before = fs::read(&path).unwrap();
    let err = Device::open(dir.path(), TestPlatform::new()).err().unwrap();
    assert!(matches!(err, Error::NotAStore { .. }), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_schema_newer_than_the_code_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(device_in(dir.path()));
    let path = dir.path().join(FILE_NAME);
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema::LATEST as i64 + 1)
            .unwrap();
        // Leave no WAL behind, so the file alone is the state to compare.
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = fs::read(&path).unwrap();
    let err = Device::open(dir.path(), TestPlatform::new()).err().unwrap();
    assert!(
        matches!(err, Error::StoreTooNew { found, supported } if found == supported + 1),
        "{err}"
    );
    assert!(err.to_string().contains("update the app"));
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "not even the journal mode was changed"
    );
}

#[test]
fn an_unwritable_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // A path below a regular file can never be a directory, even for root.
    let file = dir.path().join("not-a-dir");
    fs::write(&file, b"x").unwrap();
    let err = Device::open(&file.join("store"), TestPlatform::new())
        .err()
        .unwrap();
    assert!(matches!(err, Error::StoreUnavailable { .. }), "{err}");
}

#[test]
fn opening_does_not_replay_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let number = device_in(dir.path())
        .open_case(&complaint(1))
        .unwrap()
        .number;
    // Mark the projection; a replay on open would undo the mark.
    Connection::open(dir.path().join(FILE_NAME))
        .unwrap()
        .execute("UPDATE cases SET channel = 'letter'", [])
        .unwrap();
    let device = Device::open(dir.path(), TestPlatform::new()).unwrap();
    assert_eq!(device.case(&number).unwrap().channel.as_str(), "letter");
}

/// A store written at each older schema version, with data in it, upgrades on open to the
/// fresh schema and shows the same data.
#[test]
fn stores_at_every_older_version_upgrade_with_their_data() {
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = Device::open(fresh_dir.path(), TestPlatform::new()).unwrap();
    let fresh_schema = schema_of(fresh.connection());

    for version in 1..schema::LATEST {
        let dir = tempfile::tempdir().unwrap();
        let expected = {
            let mut device = device_in(dir.path());
            for n in 0..3 {
                device.open_case(&complaint(n)).unwrap();
            }
            // Stores from before schema 17 held personal values in clear, with no vault key.
            device
                .connection()
                .execute("UPDATE vault SET value = open_value(value, salt)", [])
                .unwrap();
            but_search(&device)
        };
        let mut conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        schema::migrations().to_version(&mut conn, version).unwrap();
        drop(conn);

        let device = Device::open(dir.path(), TestPlatform::new()).unwrap();
        assert_eq!(
            schema_of(device.connection()),
            fresh_schema,
            "from version {version}"
        );
        assert_eq!(but_search(&device), expected, "from version {version}");
        assert!(device.verify_chain().unwrap().is_intact());
        let clear: i64 = device
            .connection()
            .query_row(
                "SELECT count(*) FROM vault WHERE typeof(value) = 'text'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            clear, 0,
            "from version {version}: values sealed at the upgrade"
        );
        let query = CaseQuery {
            text: Some("王芳1".into()),
            ..Default::default()
        };
        let found = device.cases(&query).unwrap().cases;
        assert_eq!(
            found.len(),
            1,
            "from version {version}: the index keyed anew"
        );
    }
}

/// The projections but the search index, whose words each store keys with its own vault key.
fn but_search(device: &Device) -> Vec<String> {
    projections(device)
        .into_iter()
        .filter(|row| !row.starts_with("case_search:"))
        .collect()
}

fn schema_of(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
