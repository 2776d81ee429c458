//! The ledger on PostgreSQL, for a centre that outgrows one file: the same tables as
//! `sqlite.rs` and the same statements (`store.rs`), over tokio-postgres with a small deadpool
//! pool.
//!
//! No TLS to the database (`NoTls`): it belongs on the centre's own network or on the same
//! host (a unix socket or 127.0.0.1), like the rest of the centre's back end.
//!
//! The SQLite store has a single writer, so nothing changes under a write between its reads
//! and its writes. Here many connections write at once, so every write that reads first holds
//! what it relies on:
//! - an enrolment runs SERIALIZABLE (the code's row, and a device row that may not exist yet),
//!   and is run again when PostgreSQL reports that a concurrent one got in its way (`Busy`);
//! - a push locks its device's row, so pushes of one device are stored one after another onto
//!   the head each was checked against, even from several server processes;
//! - a server event locks `server_events` against other writers (readers go on) and takes the
//!   last seq plus one: gapless and in signing order. A sequence (BIGSERIAL) would not do:
//!   every rolled-back transaction would leave a gap.
//!
//! Durability: the server refuses a database whose `synchronous_commit` is `off`, since an
//! acknowledged push must survive a crash (DESIGN "Durability").

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{
    GenericClient, Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
    Transaction,
};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{IsolationLevel, NoTls};

use super::rows::{Row, Value};
use super::store::{BoxFuture, Changed, Conn, Rows, Scope, Work};
use super::{LedgerError, LedgerResult};

/// Connections kept open to the database.
const POOL_SIZE: usize = 16;
/// A request waits at most this long for a free connection, then is answered `unavailable`.
const POOL_WAIT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Any fixed key: two servers starting at once on one database migrate one after the other.
const MIGRATION_LOCK: i64 = 0x7265_6473_6869_656c;

/// The schema, one step per version; `schema_migrations` records the versions applied.
/// Steps are only ever appended.
const STEPS: &[&str] = &[
    include_str!("../../migrations/postgres/001_devices_chains_blobs.sql"),
    include_str!("../../migrations/postgres/002_case_owners.sql"),
    include_str!("../../migrations/postgres/003_attachments_resolutions.sql"),
    include_str!("../../migrations/postgres/004_blob_quota.sql"),
];

/// The schema version this server migrates to.
pub fn schema_version() -> usize {
    STEPS.len()
}

impl From<tokio_postgres::Error> for LedgerError {
    fn from(e: tokio_postgres::Error) -> Self {
        // tokio-postgres shows only the kind ("db error"); the server's words are the cause.
        let words = match std::error::Error::source(&e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        };
        match e.code() {
            Some(code)
                if *code == SqlState::T_R_SERIALIZATION_FAILURE
                    || *code == SqlState::T_R_DEADLOCK_DETECTED =>
            {
                LedgerError::Busy(words)
            }
            _ => LedgerError::Storage(words),
        }
    }
}

impl From<PoolError> for LedgerError {
    fn from(e: PoolError) -> Self {
        match e {
            PoolError::Backend(e) => e.into(),
            other => LedgerError::Storage(format!("PostgreSQL connection pool: {other}")),
        }
    }
}

fn migration_error(e: tokio_postgres::Error) -> LedgerError {
    LedgerError::Migration(LedgerError::from(e).to_string())
}

/// `url` with its password (in the user part or a `password=` parameter) masked, for logs.
pub fn redacted_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    // The user part ends at the last '@': a password may hold '/', '?' or '@' unescaped, and
    // masking too much only hides a little more.
    let rest = match rest.rsplit_once('@') {
        Some((user, after)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{after}"),
            None => rest.to_string(),
        },
        None => rest.to_string(),
    };
    let rest = match rest.split_once('?') {
        Some((head, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => param.to_string(),
                })
                .collect();
            format!("{head}?{}", params.join("&"))
        }
        None => rest,
    };
    scheme + &rest
}

/// Whether `database` names a PostgreSQL server (`postgres://…` or `postgresql://…`).
pub fn is_postgres_url(database: &str) -> bool {
    database.starts_with("postgres://") || database.starts_with("postgresql://")
}

#[derive(Clone)]
pub(crate) struct Postgres {
    pool: Pool,
}

impl Postgres {
    /// Connects to the database at `url` and migrates it.
    pub(crate) async fn connect(url: &str) -> LedgerResult<Postgres> {
        if !is_postgres_url(url) {
            return Err(LedgerError::Storage(format!(
                "{}: a database URL starts with postgres:// or postgresql://",
                redacted_url(url)
            )));
        }
        let mut config = tokio_postgres::Config::from_str(url).map_err(|e| {
            LedgerError::Storage(format!("{}: {}", redacted_url(url), LedgerError::from(e)))
        })?;
        config.connect_timeout(CONNECT_TIMEOUT);
        if config.get_application_name().is_none() {
            config.application_name("redshield-server");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| LedgerError::Storage(format!("PostgreSQL connection pool: {e}")))?;
        let ledger = Postgres { pool };
        ledger.prepare().await.map_err(|e| match e {
            LedgerError::Storage(words) => {
                LedgerError::Storage(format!("{}: {words}", redacted_url(url)))
            }
            other => other,
        })?;
        Ok(ledger)
    }

    /// Checks the database and migrates it: the first connection.
    async fn prepare(&self) -> LedgerResult<()> {
        let mut client = self.client().await?;
        check_durable(&client).await?;
        migrate(&mut client).await
    }

    async fn client(&self) -> LedgerResult<Object> {
        Ok(self.pool.get().await?)
    }
}

/// Refuses a database that would acknowledge a commit before it is on disk.
async fn check_durable(client: &Object) -> LedgerResult<()> {
    let row = client.query_one("SHOW synchronous_commit", &[]).await?;
    let setting: String = row.try_get(0)?;
    if setting.eq_ignore_ascii_case("off") {
        return Err(LedgerError::Storage(
            "synchronous_commit is off: an acknowledged push could vanish in a crash; \
             set it to on for the database or role (ALTER DATABASE … SET synchronous_commit = on)"
                .into(),
        ));
    }
    Ok(())
}

/// Applies the steps not applied yet, in one transaction.
async fn migrate(client: &mut Object) -> LedgerResult<()> {
    let tx = client.transaction().await.map_err(migration_error)?;
    tx.batch_execute(&format!(
        "SELECT pg_advisory_xact_lock({MIGRATION_LOCK});
         CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         );"
    ))
    .await
    .map_err(migration_error)?;
    let applied: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .and_then(|row| row.try_get(0))
        .map_err(migration_error)?;
    let applied = usize::try_from(applied)
        .map_err(|_| LedgerError::Migration(format!("schema version {applied}")))?;
    if applied > STEPS.len() {
        return Err(LedgerError::Migration(format!(
            "the database is at schema version {applied}, this server knows up to {}: \
             run a newer server",
            STEPS.len()
        )));
    }
    for (version, step) in (1i32..).zip(STEPS).skip(applied) {
        tx.batch_execute(step).await.map_err(migration_error)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await
        .map_err(migration_error)?;
        tracing::info!(version, "ledger schema migrated");
    }
    tx.commit().await.map_err(migration_error)
}

impl Postgres {
    /// Runs `work` on a pooled connection: in a transaction holding what `scope` needs, or
    /// statement by statement.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        scope: Scope,
        work: Work<T>,
    ) -> LedgerResult<T> {
        let mut client = self.client().await?;
        if scope == Scope::Autocommit {
            return work(&mut Session::Client(&client)).await;
        }
        let tx = match scope {
            Scope::Serializable => client
                .build_transaction()
                .isolation_level(IsolationLevel::Serializable),
            Scope::DeviceChain(_) | Scope::ServerSequence => client
                .build_transaction()
                .isolation_level(IsolationLevel::ReadCommitted),
            Scope::Autocommit | Scope::Transaction => client.build_transaction(),
        };
        let tx = tx.start().await?;
        hold(&tx, scope).await?;
        work(&mut Session::Transaction(Some(tx))).await
    }
}

/// Takes, until the commit, the locks `scope` relies on.
async fn hold(tx: &Transaction<'_>, scope: Scope) -> LedgerResult<()> {
    match scope {
        // Another push of this device waits here, then reads the head this one left (READ
        // COMMITTED reads anew at each statement). The weaker NO KEY lock still lets the rows
        // of other tables that reference the device be written.
        Scope::DeviceChain(device) => {
            let sql = "SELECT 1 FROM devices WHERE id = $1 FOR NO KEY UPDATE";
            tx.execute(sql, &[&device.to_string()]).await?;
        }
        // Other appends wait here (pulls do not): the seq read next is the last committed one,
        // and this event is committed before the next is numbered. A sequence (BIGSERIAL)
        // would not do: every rolled-back transaction would leave a gap.
        Scope::ServerSequence => {
            tx.batch_execute("LOCK TABLE server_events IN EXCLUSIVE MODE")
                .await?;
        }
        Scope::Autocommit | Scope::Transaction | Scope::Serializable => {}
    }
    Ok(())
}

/// A pooled connection, or a transaction on one (`None` once committed).
enum Session<'a> {
    Client(&'a Object),
    Transaction(Option<Transaction<'a>>),
}

impl Session<'_> {
    async fn query_now(&self, sql: &str, params: &[Value]) -> Rows {
        match self {
            Session::Client(client) => query_on(*client, sql, params).await,
            Session::Transaction(Some(tx)) => query_on(tx, sql, params).await,
            Session::Transaction(None) => Err(committed()),
        }
    }

    async fn execute_now(&self, sql: &str, params: &[Value]) -> Changed {
        match self {
            Session::Client(client) => execute_on(*client, sql, params).await,
            Session::Transaction(Some(tx)) => execute_on(tx, sql, params).await,
            Session::Transaction(None) => Err(committed()),
        }
    }

    async fn commit_now(&mut self) -> LedgerResult<()> {
        match self {
            Session::Client(_) => Ok(()),
            Session::Transaction(tx) => match tx.take() {
                Some(tx) => Ok(tx.commit().await?),
                None => Err(committed()),
            },
        }
    }
}

fn committed() -> LedgerError {
    LedgerError::Storage("a statement after the commit".into())
}

impl Conn for Session<'_> {
    fn query(&mut self, sql: &'static str, params: Vec<Value>) -> BoxFuture<'_, Rows> {
        Box::pin(async move { self.query_now(sql, &params).await })
    }

    fn execute(&mut self, sql: &'static str, params: Vec<Value>) -> BoxFuture<'_, Changed> {
        Box::pin(async move { self.execute_now(sql, &params).await })
    }

    fn commit(&mut self) -> BoxFuture<'_, LedgerResult<()>> {
        Box::pin(self.commit_now())
    }
}

async fn query_on(c: &impl GenericClient, sql: &str, params: &[Value]) -> Rows {
    let statement = c.prepare_cached(&numbered(sql)).await?;
    let rows = c.query(&statement, &bound(params)).await?;
    rows.iter().map(row_of).collect()
}

async fn execute_on(c: &impl GenericClient, sql: &str, params: &[Value]) -> Changed {
    let statement = c.prepare_cached(&numbered(sql)).await?;
    Ok(c.execute(&statement, &bound(params)).await?)
}

/// A statement with SQLite's `?N` parameters written as PostgreSQL's `$N`.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let numbers_next = chars.peek().is_some_and(char::is_ascii_digit);
        out.push(if c == '?' && numbers_next { '$' } else { c });
    }
    out
}

/// NULL for a parameter of any type.
#[derive(Debug)]
struct Null;

impl ToSql for Null {
    fn to_sql(
        &self,
        _: &Type,
        _: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        Ok(IsNull::Yes)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn bound(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|value| -> &(dyn ToSql + Sync) {
            match value {
                Value::Null => &Null,
                Value::Int(v) => v,
                Value::Bool(v) => v,
                Value::Text(v) => v,
                Value::Bytes(v) => v,
            }
        })
        .collect()
}

fn row_of(row: &tokio_postgres::Row) -> LedgerResult<Row> {
    (0..row.len())
        .map(|i| value_of(row, i))
        .collect::<LedgerResult<_>>()
        .map(Row)
}

/// Column `i` of a row, by the type PostgreSQL gives it.
fn value_of(row: &tokio_postgres::Row, i: usize) -> LedgerResult<Value> {
    let kind = row.columns()[i].type_();
    let value = if *kind == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?.map(Value::Int)
    } else if *kind == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map(|v| Value::Int(v.into()))
    } else if *kind == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?.map(Value::Bool)
    } else if *kind == Type::TEXT || *kind == Type::VARCHAR {
        row.try_get::<_, Option<String>>(i)?.map(Value::Text)
    } else if *kind == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes)
    } else {
        return Err(LedgerError::Corrupt(format!("a column of type {kind}")));
    };
    Ok(value.unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_shown_urls() {
        let cases = [
            (
                "postgres://redshield:s3cr%40t@db.centre:5432/ledger",
                "postgres://redshield:***@db.centre:5432/ledger",
            ),
            (
                "postgresql://u:p@h1,h2/db?password=hunter2&sslmode=disable",
                "postgresql://u:***@h1,h2/db?password=***&sslmode=disable",
            ),
            (
                "postgres://redshield@127.0.0.1/postgres",
                "postgres://redshield@127.0.0.1/postgres",
            ),
            (
                "postgresql:///ledger?host=/run/postgresql&PASSWORD=x",
                "postgresql:///ledger?host=/run/postgresql&PASSWORD=***",
            ),
            ("postgres://u:p:q@h", "postgres://u:***@h"),
            ("postgres://u:pa/ss?x@h/db", "postgres://u:***@h/db"),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
        ];
        for (url, shown) in cases {
            assert_eq!(redacted_url(url), shown, "{url}");
        }
    }

    #[test]
    fn only_postgres_urls_are_taken() {
        assert!(is_postgres_url("postgres://h/db"));
        assert!(is_postgres_url("postgresql://h/db"));
        assert!(!is_postgres_url("host=h dbname=db"));
        assert!(!is_postgres_url("sqlite:///var/lib/ledger"));
    }
}
