//! The two ledgers a centre keeps in the tests: SQLite in its data directory, or a fresh
//! database on the PostgreSQL server that `REDSHIELD_TEST_POSTGRES` names (started for the run
//! by `scripts/test-postgres`). Each test is one `async fn(Backend)`, run on both by
//! `on_both_backends!`.

use uuid::Uuid;

/// Which ledger a test's centre keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named test — an `async fn(Backend)` — on both ledgers, as `<name>::sqlite` and
/// `<name>::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::postgres::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::postgres::Backend::Postgres).await
            }
        }
    )+};
}

/// The PostgreSQL server the tests make their databases on: a URL whose role may CREATEDB.
pub const POSTGRES_ENV: &str = "REDSHIELD_TEST_POSTGRES";

/// The server `REDSHIELD_TEST_POSTGRES` names; a test that needs it fails without it.
pub fn postgres_server() -> String {
    std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_ENV} is not set, and this test runs the centre on PostgreSQL. \
             Run the tests next to a throwaway server with `scripts/test-postgres` \
             (`scripts/test-postgres cargo test -p redshield-server`; ./check starts one by itself), \
             or set {POSTGRES_ENV}=postgres://USER@127.0.0.1:5432/postgres for a server where \
             USER may CREATEDB (README: \"Deployment with PostgreSQL\")."
        )
    })
}

/// A new database for one test on the `REDSHIELD_TEST_POSTGRES` server, dropped with this.
pub struct TestDatabase {
    server: String,
    pub name: String,
    /// The URL the centre is given.
    pub url: String,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        let server = postgres_server();
        let name = format!("redshield_test_{}", Uuid::now_v7().simple());
        admin(&server, &format!("CREATE DATABASE {name}")).await;
        TestDatabase {
            url: with_database(&server, &name),
            server,
            name,
        }
    }

    /// A plain connection to this database, to look at it as an operator would.
    pub async fn connect(&self) -> tokio_postgres::Client {
        connect(&self.url).await
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs in sync code, perhaps on the test's runtime: a thread with its own. FORCE
        // ends the connections a server that was not shut down still holds.
        let (server, sql) = (
            self.server.clone(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(|runtime| runtime.block_on(admin(&server, &sql)))
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("test database {} was not dropped", self.name);
        }
    }
}

pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL ({POSTGRES_ENV}): {e:?}"));
    tokio::spawn(connection);
    client
}

pub async fn admin(server: &str, sql: &str) {
    connect(server)
        .await
        .batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}

/// `url` naming the database `name` instead of its own.
pub fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| panic!("{POSTGRES_ENV} is not a postgres:// URL"));
    let (head, query) = match rest.split_once('?') {
        Some((head, query)) => (head, format!("?{query}")),
        None => (rest, String::new()),
    };
    let authority = head
        .split_once('/')
        .map_or(head, |(authority, _)| authority);
    format!("{scheme}://{authority}/{name}{query}")
}
