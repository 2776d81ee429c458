//! The embedded ledger: one SQLite file, `ledger.sqlite` in the data directory.
//!
//! One connection behind a mutex; every piece of work runs on tokio's blocking pool, so a slow
//! fsync never stalls the async workers. WAL with `synchronous=FULL`: a push the server
//! acknowledged survives power loss, or the device would drop events the server no longer
//! holds. One writer: every transaction is IMMEDIATE, and nothing else needs holding.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Type, ValueRef};
use rusqlite::{Connection, ToSql, params_from_iter};
use rusqlite_migration::{M, Migrations};

use super::rows::{Row, Value};
use super::store::{BoxFuture, Changed, Conn, Rows, Scope, Work};
use super::{LedgerError, LedgerResult};

pub const FILE_NAME: &str = "ledger.sqlite";

/// The schema, one step per version (SQLite's `user_version` counts the steps applied):
/// steps are only ever appended.
const STEPS: &[M<'static>] = &[
    M::up(include_str!(
        "../../migrations/sqlite/001_devices_chains_blobs.sql"
    )),
    M::up(include_str!("../../migrations/sqlite/002_case_owners.sql")),
    M::up(include_str!(
        "../../migrations/sqlite/003_attachments_resolutions.sql"
    )),
    M::up(include_str!("../../migrations/sqlite/004_blob_quota.sql")),
];

/// Statements kept prepared: every statement of the ledger, with room to spare.
const STATEMENT_CACHE: usize = 64;

fn migrations() -> Migrations<'static> {
    Migrations::from_slice(STEPS)
}

#[derive(Clone)]
pub(crate) struct Sqlite {
    conn: Arc<Mutex<Connection>>,
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Storage(e.to_string())
    }
}

impl Sqlite {
    /// Opens (creating and migrating) `ledger.sqlite` in `data_dir`.
    pub(crate) fn open(data_dir: &Path) -> LedgerResult<Sqlite> {
        let path = data_dir.join(FILE_NAME);
        // Owner only before SQLite opens it: its -wal and -shm files take the same mode.
        crate::private::create_file(&path)
            .map_err(|e| LedgerError::Storage(format!("{}: {e}", path.display())))?;
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(LedgerError::Storage(format!(
                "{}: cannot use write-ahead logging (journal mode is {mode})",
                path.display()
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| LedgerError::Migration(e.to_string()))?;
        Ok(Sqlite {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` on the connection, on the blocking pool.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        scope: Scope,
        work: Work<T>,
    ) -> LedgerResult<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A panic elsewhere rolled its transaction back when it unwound: the connection
            // itself is fine.
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            let mut session = Session::begin(&mut guard, scope)?;
            at_once(work(&mut session))
        })
        .await
        .map_err(|e| LedgerError::Storage(format!("ledger task failed: {e}")))?
    }
}

/// The outcome of work whose every statement answered at once, as SQLite's do.
fn at_once<T>(mut work: BoxFuture<'_, LedgerResult<T>>) -> LedgerResult<T> {
    match work.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(outcome) => outcome,
        Poll::Pending => Err(LedgerError::Storage(
            "ledger work waited for something other than SQLite".into(),
        )),
    }
}

/// The connection for one piece of work; a transaction it began and did not commit is rolled
/// back when it ends, a panic's unwinding included.
struct Session<'a> {
    conn: &'a mut Connection,
}

impl<'a> Session<'a> {
    fn begin(conn: &'a mut Connection, scope: Scope) -> LedgerResult<Session<'a>> {
        if scope != Scope::Autocommit {
            conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        Ok(Session { conn })
    }

    fn query_now(&mut self, sql: &str, params: &[Value]) -> Rows {
        let mut statement = self.conn.prepare_cached(sql)?;
        let columns = statement.column_count();
        let rows = statement.query_map(params_from_iter(params), |r| {
            (0..columns)
                .map(|i| value_of(i, r.get_ref(i)?))
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(Row)
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn execute_now(&mut self, sql: &str, params: &[Value]) -> Changed {
        let changed = self
            .conn
            .prepare_cached(sql)?
            .execute(params_from_iter(params))?;
        Ok(changed as u64)
    }
}

impl Conn for Session<'_> {
    fn query(&mut self, sql: &'static str, params: Vec<Value>) -> BoxFuture<'_, Rows> {
        Box::pin(std::future::ready(self.query_now(sql, &params)))
    }

    fn execute(&mut self, sql: &'static str, params: Vec<Value>) -> BoxFuture<'_, Changed> {
        Box::pin(std::future::ready(self.execute_now(sql, &params)))
    }

    fn commit(&mut self) -> BoxFuture<'_, LedgerResult<()>> {
        Box::pin(std::future::ready(
            self.conn.execute_batch("COMMIT").map_err(Into::into),
        ))
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Bool(v) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*v))),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Bytes(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        })
    }
}

/// Column `i` of a row; the ledger stores no floating point.
fn value_of(i: usize, cell: ValueRef<'_>) -> rusqlite::Result<Value> {
    let refused = |kind, why: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(i, kind, why)
    };
    Ok(match cell {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(v) => Value::Int(v),
        ValueRef::Text(v) => Value::Text(
            String::from_utf8(v.to_vec()).map_err(|e| refused(Type::Text, Box::new(e)))?,
        ),
        ValueRef::Blob(v) => Value::Bytes(v.to_vec()),
        ValueRef::Real(_) => return Err(refused(Type::Real, "a real number".into())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }
}
