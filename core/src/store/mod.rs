//! The device's SQLite database: one file per store directory.
//!
//! Opening checks before it writes: a file that is not SQLite, or a schema newer than this code,
//! is refused and left byte-for-byte untouched. Opening never replays the log, except once after
//! an upgrade that changed projection tables.

pub mod schema;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};

pub const FILE_NAME: &str = "redshield.sqlite";

/// How long a writer waits for another connection's lock (a second process on the same store).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

pub struct Store {
    pub conn: Connection,
    pub path: PathBuf,
    /// The schema version found on disk before this open upgraded it (0 for a new store).
    pub upgraded_from: usize,
}

impl Store {
    pub fn open(dir: &Path) -> Result<Store> {
        let unavailable = |reason: String| Error::StoreUnavailable {
            path: dir.to_path_buf(),
            reason,
        };
        fs::create_dir_all(dir).map_err(|e| unavailable(e.to_string()))?;
        let path = dir.join(FILE_NAME);
        check_is_sqlite(&path)?;

        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| unavailable(e.to_string()))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;

        let found = schema_version(&conn, &path)?;
        if found > schema::LATEST {
            return Err(Error::StoreTooNew {
                found,
                supported: schema::LATEST,
            });
        }
        let mut store = Store {
            conn,
            path,
            upgraded_from: found,
        };
        store.configure().map_err(|e| match e {
            Error::Sqlite(e) => unavailable(e.to_string()),
            other => other,
        })?;
        schema::migrations()
            .to_latest(&mut store.conn)
            .map_err(|e| Error::Migration(e.to_string()))?;
        // Until a device installs its key, personal values pass through (the centre's replicas).
        crate::vault::install(&store.conn, None)?;
        Ok(store)
    }

    /// WAL lets the UI read while a sync writes. `synchronous=FULL` syncs the WAL on every
    /// commit: an event that may already have been pushed must survive power loss, or the
    /// device would reuse its seq and fork its chain.
    fn configure(&mut self) -> Result<()> {
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::StoreUnavailable {
                path: self.path.clone(),
                reason: format!("cannot use write-ahead logging (journal mode is {mode})"),
            });
        }
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted and overwritten content is zeroed, not left in free pages: purged personal
        // data, and the clear values a store held before its vault was encrypted.
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        // 8 MiB of page cache (SQLite's default is 2): a grown store's index pages stay in
        // memory, which keeps batched appends at their speed on a store with a year of events.
        self.conn.pragma_update(None, "cache_size", -8192)?;
        Ok(())
    }

    /// Runs `f` in an IMMEDIATE transaction (the write lock is taken up front, so two writers
    /// never deadlock on an upgrade) and commits if it succeeds.
    pub fn write<T>(&mut self, f: impl FnOnce(&rusqlite::Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

impl Store {
    /// Copies the write-ahead log into the database and empties it, so that pages it held
    /// (old versions of rows) are no longer on disk.
    pub fn truncate_wal(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Refuses, without writing to it, a file that exists but is not an SQLite database.
fn check_is_sqlite(path: &Path) -> Result<()> {
    let mut header = [0u8; 16];
    let read = match fs::File::open(path) {
        Ok(mut file) => file.read(&mut header),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => Err(e),
    }
    .map_err(|e| Error::StoreUnavailable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if read == 0 || &header == SQLITE_MAGIC {
        Ok(())
    } else {
        Err(Error::NotAStore {
            path: path.to_path_buf(),
            reason: "the file does not start with the SQLite header".into(),
        })
    }
}

fn schema_version(conn: &Connection, path: &Path) -> Result<usize> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| Error::NotAStore {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    let not_ours = |reason: String| Error::NotAStore {
        path: path.to_path_buf(),
        reason,
    };
    let version = usize::try_from(version).map_err(|_| {
        not_ours(format!(
            "schema version {version} is not one Redshield writes"
        ))
    })?;
    if version == 0 {
        // Another program's database must not have our tables created in it.
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(|e| not_ours(e.to_string()))?;
        if tables > 0 {
            return Err(not_ours("an SQLite database of another program".into()));
        }
    }
    Ok(version)
}

/// JSON for a projection column. Our types always serialise; an error is a bug, reported.
pub fn to_json(value: &impl serde::Serialize) -> crate::Result<String> {
    serde_json::to_string(value).map_err(|e| crate::Error::Encoding(e.to_string()))
}

/// Every value of a JSON column a query selects, read back as `T`, in the query's order. A
/// value that does not read is damage to projection `table`.
pub fn json_column<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    table: &'static str,
) -> crate::Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let texts = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    texts
        .iter()
        .map(|t| serde_json::from_str(t).map_err(|e| crate::Error::damaged(table, e.to_string())))
        .collect()
}
