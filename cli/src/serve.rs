//! `redshield serve`: the central service, configured from flags, environment variables and a
//! TOML file; Ctrl-C stops it gracefully.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::failure::Failure;
use crate::files::read;
use crate::runtime::runtime;

const DEFAULT_DATA: &str = "./redshield-data";
const DEFAULT_LISTEN: &str = "127.0.0.1:8315";

/// Each setting comes from its flag, else its environment variable, else the --config file,
/// else its default.
#[derive(Args)]
pub struct Serve {
    /// Where the centre key, the admin token, the blobs and (without --database) the SQLite
    /// ledger live [default: ./redshield-data]
    #[arg(long, env = "REDSHIELD_DATA")]
    data: Option<PathBuf>,
    /// [default: 127.0.0.1:8315]
    #[arg(long, env = "REDSHIELD_LISTEN")]
    listen: Option<SocketAddr>,
    /// The ledger in PostgreSQL: postgres://user:password@host:port/dbname, connected to
    /// without TLS (the database belongs on the centre's own network or host). Empty or
    /// absent: SQLite in the data directory.
    #[arg(long, env = "REDSHIELD_DATABASE", hide_env_values = true)]
    database: Option<String>,
    /// A TOML file with any of the keys `data`, `listen`, `database` (a relative `data` is
    /// taken from the file's directory) and a `[limits]` table (`blob_quota_bytes`,
    /// `enrol_failures` and `admin_failures` as `{ burst, per_minute }`).
    #[arg(long, env = "REDSHIELD_CONFIG")]
    config: Option<PathBuf>,
}

/// The --config file.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ServeFile {
    data: Option<PathBuf>,
    listen: Option<SocketAddr>,
    database: Option<String>,
    /// Each device's share of the blob store, failed attempts allowed per address.
    limits: Option<redshield_server::Limits>,
}

pub fn run(args: Serve) -> Result<ExitCode, Failure> {
    let config = settings(args)?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    runtime()?
        .block_on(redshield_server::run_until_signal(config))
        .map_err(|e| Failure::setup(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

/// The server's configuration: each setting from its flag or variable, else the file, else
/// its default.
fn settings(args: Serve) -> Result<redshield_server::Config, Failure> {
    let file = match &args.config {
        Some(path) => read_config(path)?,
        None => ServeFile::default(),
    };
    let listen = match args.listen.or(file.listen) {
        Some(listen) => listen,
        None => DEFAULT_LISTEN
            .parse()
            .map_err(|e| Failure::setup(format!("{DEFAULT_LISTEN}: {e}")))?,
    };
    Ok(redshield_server::Config {
        data_dir: args
            .data
            .or(file.data)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA)),
        listen,
        // Empty: SQLite, even when the file names a database.
        database: args.database.or(file.database).filter(|d| !d.is_empty()),
        limits: file.limits.unwrap_or_default(),
    })
}

fn read_config(path: &Path) -> Result<ServeFile, Failure> {
    let text = read(path)?;
    let mut file: ServeFile = toml::from_str(&text).map_err(|e| {
        // toml's own rendering quotes the line, which may hold the database password.
        let line = e
            .span()
            .map(|span| format!(" (line {})", text[..span.start].matches('\n').count() + 1))
            .unwrap_or_default();
        Failure::file(path, format!("{}{line}", e.message().trim()))
    })?;
    if let Some(data) = file.data.as_mut()
        && data.is_relative()
    {
        *data = path.parent().unwrap_or(Path::new(".")).join(&*data);
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: Serve,
    }

    /// The settings `serve` would run with, or the words of its refusal.
    fn settings_of(flags: &[&str]) -> Result<redshield_server::Config, String> {
        for var in ["REDSHIELD_DATA", "REDSHIELD_LISTEN", "REDSHIELD_DATABASE"] {
            assert!(
                std::env::var_os(var).is_none(),
                "{var} is set: unset it for this test"
            );
        }
        let cli = Cli::try_parse_from(std::iter::once("serve").chain(flags.iter().copied()))
            .map_err(|e| e.to_string())?;
        settings(cli.serve).map_err(|e| e.message().to_string())
    }

    fn file(text: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("centre.toml");
        std::fs::write(&path, text).unwrap();
        let path = path.display().to_string();
        (dir, path)
    }

    fn refusal(result: Result<redshield_server::Config, String>) -> String {
        result.expect_err("refused")
    }

    #[test]
    fn without_flags_or_file_the_defaults_hold() {
        let config = settings_of(&[]).unwrap();
        assert_eq!(config.data_dir, PathBuf::from("./redshield-data"));
        assert_eq!(config.listen.to_string(), "127.0.0.1:8315");
        assert_eq!(config.database, None);
    }

    #[test]
    fn the_file_beats_the_defaults_and_flags_beat_the_file() {
        let (dir, path) = file(
            "data = \"ledger-data\"\nlisten = \"0.0.0.0:9000\"\n\
             database = \"postgres://redshield:Secret-42@db/ledger\"\n",
        );
        let config = settings_of(&["--config", &path]).unwrap();
        assert_eq!(config.data_dir, dir.path().join("ledger-data"));
        assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(
            config.database.as_deref(),
            Some("postgres://redshield:Secret-42@db/ledger")
        );
        assert!(!format!("{config:?}").contains("Secret-42"), "{config:?}");

        let config = settings_of(&[
            "--config",
            &path,
            "--data",
            "/srv/redshield",
            "--listen",
            "127.0.0.1:1",
            "--database",
            "postgres://other@db/ledger",
        ])
        .unwrap();
        assert_eq!(config.data_dir, PathBuf::from("/srv/redshield"));
        assert_eq!(config.listen.to_string(), "127.0.0.1:1");
        assert_eq!(
            config.database.as_deref(),
            Some("postgres://other@db/ledger")
        );

        // An empty --database keeps the ledger in SQLite, whatever the file says.
        let config = settings_of(&["--config", &path, "--database", ""]).unwrap();
        assert_eq!(config.database, None);
    }

    #[test]
    fn the_file_sets_the_limits_and_the_defaults_hold_for_the_rest() {
        let defaults = redshield_server::Limits::default();
        assert_eq!(settings_of(&[]).unwrap().limits, defaults);
        let (_dir, path) = file(
            "[limits]\nblob_quota_bytes = 1000\n\
             enrol_failures = { burst = 3, per_minute = 1 }\n",
        );
        let limits = settings_of(&["--config", &path]).unwrap().limits;
        assert_eq!(limits.blob_quota_bytes, 1000);
        let three = redshield_server::RateLimit {
            burst: 3,
            per_minute: 1,
        };
        assert_eq!(limits.enrol_failures, three);
        assert_eq!(limits.admin_failures, defaults.admin_failures);

        let (_dir, path) = file("[limits]\nenrol_attempts = 3\n");
        let words = refusal(settings_of(&["--config", &path]));
        assert!(words.contains("unknown field `enrol_attempts`"), "{words}");
    }

    #[test]
    fn a_bad_file_is_refused_without_quoting_its_secrets() {
        let (_dir, path) = file("database = \"postgres://u:hunter2@db/x\"\nport = 1\n");
        let words = refusal(settings_of(&["--config", &path]));
        assert!(words.contains("unknown field `port`"), "{words}");
        assert!(words.contains("line 2"), "{words}");
        assert!(!words.contains("hunter2"), "{words}");

        let (_dir, path) = file("\n\ndatabase = \"postgres://u:hunter2@db/x\n");
        let words = refusal(settings_of(&["--config", &path]));
        assert!(words.contains("line 3"), "{words}");
        assert!(!words.contains("hunter2"), "{words}");

        let words = refusal(settings_of(&["--config", "/nonexistent/centre.toml"]));
        assert!(words.contains("/nonexistent/centre.toml"), "{words}");
    }
}
