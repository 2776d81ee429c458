//! `redshield serve` (the central service) and `redshield centre …` (its staff's commands,
//! through the running service's admin API with the admin token).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use redshield_core::sync::client::transport;
use redshield_core::sync::protocol::{PROTOCOL, PROTOCOL_HEADER};
use redshield_core::sync::transport::{Method, StatusCode};
use serde_json::{Value, json};

use crate::Failure;
use crate::output::Output;

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

#[derive(Subcommand)]
pub enum CentreCommand {
    /// Issue a one-time enrolment code for a device (asks the running service).
    EnrolCode {
        #[command(flatten)]
        centre: AdminAccess,
        /// How long the code stays valid.
        #[arg(long, default_value_t = 24)]
        hours: u64,
    },
    /// Every enrolled device: last sync, last position, app version, what is flagged.
    Devices {
        #[command(flatten)]
        centre: AdminAccess,
    },
    /// Publish the departments directory for referrals to every device: FILE is a JSON list
    /// of `{"code", "name"}`, checked as a device checks it.
    Departments {
        #[command(flatten)]
        centre: AdminAccess,
        file: PathBuf,
    },
    /// Publish the urban areas to every device: FILE is a GeoJSON FeatureCollection of named
    /// Polygon / MultiPolygon features (the 30-minute on-site target applies inside them).
    UrbanAreas {
        #[command(flatten)]
        centre: AdminAccess,
        file: PathBuf,
    },
    /// Publish a year's holidays and adjusted working days to every device: FILE as for
    /// `calendar load` (`{"year", "holidays", "working_days", "source"}`).
    CalendarYear {
        #[command(flatten)]
        centre: AdminAccess,
        file: PathBuf,
    },
    /// Publish the officer roster to every device: FILE is a JSON list of
    /// `{"name", "enforcement_id", "supervisor"}`; devices then sign in only those officers.
    Roster {
        #[command(flatten)]
        centre: AdminAccess,
        file: PathBuf,
    },
    /// The rule-set parameters in force; with FILE (a JSON object of every parameter, as
    /// shown), publish it to every device.
    Parameters {
        #[command(flatten)]
        centre: AdminAccess,
        file: Option<PathBuf>,
    },
    /// The agency the documents name and its 调解书 numbering; with FILE (a JSON object
    /// `{"name", "commissioned", "numbering"}`, the scheme holding {year} and {n}), publish it
    /// to every device.
    Agency {
        #[command(flatten)]
        centre: AdminAccess,
        file: Option<PathBuf>,
    },
    /// The blocks of 调解书 numbers given to devices; with --device, give that device the
    /// block --first..=--last of --year (it numbers offline from it).
    Numbers {
        #[command(flatten)]
        centre: AdminAccess,
        #[arg(long, requires_all = ["year", "first", "last"])]
        device: Option<String>,
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        first: Option<u32>,
        #[arg(long)]
        last: Option<u32>,
    },
    /// The officer roster last published.
    Officers {
        #[command(flatten)]
        centre: AdminAccess,
    },
    /// The Art. 17 signs across all devices' complaints (shared phone or address under other
    /// names, a business complained about often): shown, never acted on.
    Flags {
        #[command(flatten)]
        centre: AdminAccess,
    },
    /// The 12315 statistics of a month or a date range: the centre, each vehicle, each
    /// officer; as text, JSON (--json) or an .xlsx workbook (--xlsx FILE).
    Report(crate::report::Report),
    /// Revoke a lost device: its token stops working at once; its signed events stay.
    Revoke {
        #[command(flatten)]
        centre: AdminAccess,
        /// The device's id (`redshield centre devices` lists them).
        device: String,
    },
    #[command(flatten)]
    Decision(crate::decisions::DecisionCommand),
}

/// How a staff command reaches the running service and proves it is the centre's staff.
#[derive(Args)]
pub struct AdminAccess {
    #[arg(
        long,
        env = "REDSHIELD_SERVER",
        default_value = "http://127.0.0.1:8315"
    )]
    server: String,
    /// The service's data directory, for its admin token (`<data>/admin.token`).
    #[arg(long, env = "REDSHIELD_DATA", default_value = "./redshield-data")]
    data: PathBuf,
    /// The centre's CA certificate (PEM), when it is not in the web PKI.
    #[arg(long)]
    ca: Option<PathBuf>,
}

pub fn serve(args: Serve) -> Result<(), Failure> {
    let config = settings(args)?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    runtime()?
        .block_on(redshield_server::run_until_signal(config))
        .map_err(|e| Failure::Setup(e.to_string()))
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
            .map_err(|e| Failure::Setup(format!("{DEFAULT_LISTEN}: {e}")))?,
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
        Failure::Setup(format!("{}: {}{line}", path.display(), e.message().trim()))
    })?;
    if let Some(data) = file.data.as_mut()
        && data.is_relative()
    {
        *data = path.parent().unwrap_or(Path::new(".")).join(&*data);
    }
    Ok(file)
}

pub fn run(command: CentreCommand, out: &Output) -> Result<(), Failure> {
    match command {
        CentreCommand::EnrolCode { centre, hours } => {
            let body = json!({ "ttl_seconds": hours * 3600 });
            let answer = centre.ask("POST", "/v1/admin/enrolment-codes", Some(body))?;
            let code = answer["code"].as_str().unwrap_or_default().to_string();
            out.print(answer, || code);
        }
        CentreCommand::Devices { centre } => {
            let answer = centre.ask("GET", "/v1/admin/devices", None)?;
            let text = device_lines(&answer);
            out.print(answer, || text);
        }
        CentreCommand::Departments { centre, file } => {
            let list = json_file(&file)?;
            let body = json!({ "departments": list });
            let answer = centre.ask("PUT", "/v1/admin/reference/departments", Some(body))?;
            published(out, answer);
        }
        CentreCommand::UrbanAreas { centre, file } => {
            let geojson = json_file(&file)?;
            let answer = centre.ask("PUT", "/v1/admin/reference/urban-areas", Some(geojson))?;
            published(out, answer);
        }
        CentreCommand::CalendarYear { centre, file } => {
            let year = json_file(&file)?;
            let answer = centre.ask("PUT", "/v1/admin/reference/calendar-years", Some(year))?;
            published(out, answer);
        }
        CentreCommand::Roster { centre, file } => {
            let body = json!({ "officers": json_file(&file)? });
            let answer = centre.ask("PUT", "/v1/admin/reference/officers", Some(body))?;
            published(out, answer);
        }
        CentreCommand::Parameters {
            centre,
            file: Some(file),
        } => publish_file(&centre, "parameters", &file, out)?,
        CentreCommand::Parameters { centre, file: None } => {
            let answer = centre.ask("GET", "/v1/admin/reference/parameters", None)?;
            let text = serde_json::to_string_pretty(&answer["parameters"]).unwrap_or_default();
            out.print(answer, || text);
        }
        CentreCommand::Agency {
            centre,
            file: Some(file),
        } => publish_file(&centre, "agency", &file, out)?,
        CentreCommand::Agency { centre, file: None } => {
            let answer = centre.ask("GET", "/v1/admin/reference/agency", None)?;
            let text = match &answer["agency"] {
                Value::Null => "no agency published yet".to_string(),
                agency => serde_json::to_string_pretty(agency).unwrap_or_default(),
            };
            out.print(answer, || text);
        }
        CentreCommand::Numbers {
            centre,
            device: Some(device),
            year,
            first,
            last,
        } => {
            let body = json!({ "year": year, "first": first, "last": last });
            let path = format!("/v1/admin/devices/{device}/document-numbers");
            published(out, centre.ask("POST", &path, Some(body))?);
        }
        CentreCommand::Numbers { centre, .. } => {
            let answer = centre.ask("GET", "/v1/admin/document-numbers", None)?;
            let lines: Vec<String> = answer["blocks"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|b| {
                    format!(
                        "{} {} {}–{}",
                        b["device"].as_str().unwrap_or("?"),
                        b["year"],
                        b["first"],
                        b["last"]
                    )
                })
                .collect();
            let text = match lines.is_empty() {
                true => "no numbers given yet".to_string(),
                false => lines.join("\n"),
            };
            out.print(answer, || text);
        }
        CentreCommand::Officers { centre } => {
            let answer = centre.ask("GET", "/v1/admin/reference/officers", None)?;
            let officers: Vec<redshield_core::api::RosterEntry> =
                serde_json::from_value(answer["officers"].clone()).unwrap_or_default();
            out.print(answer, || crate::output::roster_lines(&officers));
        }
        CentreCommand::Flags { centre } => crate::flags::run(&centre, out)?,
        CentreCommand::Report(report) => crate::report::run(report, out)?,
        CentreCommand::Revoke { centre, device } => {
            let path = format!("/v1/admin/devices/{device}/revoke");
            let answer = centre.ask("POST", &path, None)?;
            out.print(answer, || format!("device {device} revoked"));
        }
        CentreCommand::Decision(command) => crate::decisions::run(command, out)?,
    }
    Ok(())
}

/// Publishes the JSON in `file` as the reference datum `what` (`/v1/admin/reference/{what}`).
fn publish_file(
    centre: &AdminAccess,
    what: &str,
    file: &Path,
    out: &Output,
) -> Result<(), Failure> {
    let body = json_file(file)?;
    let path = format!("/v1/admin/reference/{what}");
    published(out, centre.ask("PUT", &path, Some(body))?);
    Ok(())
}

/// The answer to a publication of reference data: the server event that carries it.
fn published(out: &Output, answer: Value) {
    let seq = answer["server_seq"].clone();
    out.print(answer, || format!("published as server event {seq}"));
}

/// One line per device, for people.
fn device_lines(answer: &Value) -> String {
    let devices = answer["devices"].as_array().cloned().unwrap_or_default();
    let lines: Vec<String> = devices
        .iter()
        .map(|d| {
            let seen = crate::output::beijing(d["last_seen_ms"].as_i64().unwrap_or(0));
            let position = match &d["last_position"] {
                Value::Null => "no position".to_string(),
                p => format!(
                    "at {:.5},{:.5}",
                    p["lat"].as_f64().unwrap_or(0.0),
                    p["lon"].as_f64().unwrap_or(0.0)
                ),
            };
            format!(
                "{} {} app {} seen {} seq {} {}{}{}{}",
                d["device_id"].as_str().unwrap_or("?"),
                d["prefix"].as_str().unwrap_or("?"),
                d["app_version"].as_str().unwrap_or("?"),
                seen,
                d["held_seq"],
                position,
                flag(d, "open_conflicts", "conflicts"),
                flag(d, "open_forks", "forks"),
                if d["revoked"] == true { " REVOKED" } else { "" },
            )
        })
        .collect();
    if lines.is_empty() {
        "no device is enrolled".into()
    } else {
        lines.join("\n")
    }
}

fn flag(device: &Value, field: &str, words: &str) -> String {
    match device[field].as_u64() {
        Some(n) if n > 0 => format!(" {n} {words}"),
        _ => String::new(),
    }
}

impl AdminAccess {
    /// Sends an admin request with the admin token and returns the centre's JSON answer;
    /// anything else (a refusal, a page that is not the centre's) is an error.
    pub(crate) fn ask(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Failure> {
        runtime()?.block_on(self.ask_async(method, path, body))
    }

    /// `ask`, from inside a runtime.
    pub async fn ask_async(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Failure> {
        let (status, body) = self.exchange(method, path, body).await?;
        let value: Value = serde_json::from_slice(&body)
            .map_err(|_| Failure::Setup(format!("HTTP {status}: not the centre's answer")))?;
        if !status.is_success() || value["protocol"].as_u64().is_none() {
            return refusal(status, &body);
        }
        Ok(value)
    }

    /// Gets a file the admin API makes (a workbook): its bytes, or the centre's refusal.
    pub(crate) fn download(&self, path: &str) -> Result<Vec<u8>, Failure> {
        let (status, body) = runtime()?.block_on(self.exchange("GET", path, None))?;
        if status.is_success() {
            return Ok(body);
        }
        refusal(status, &body)
    }

    async fn exchange(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Vec<u8>), Failure> {
        // The admin token goes nowhere in clear but to this machine, as a device's does.
        let token = read(&self.data.join("admin.token"))?;
        let ca = self.ca_pem()?;
        let centre =
            transport(&self.server, ca.as_deref()).map_err(|e| Failure::Setup(e.to_string()))?;
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| Failure::Setup(e.to_string()))?;
        let mut headers = vec![
            (PROTOCOL_HEADER, PROTOCOL.to_string()),
            ("authorization", format!("Bearer {}", token.trim())),
        ];
        let body = match body {
            Some(body) => {
                headers.push(("content-type", "application/json".into()));
                body.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let answer = centre
            .send(method, path, &headers, body)
            .await
            .map_err(|e| Failure::Setup(format!("the centre at {}{path}: {e}", centre.centre())))?;
        Ok((answer.status, answer.body.to_vec()))
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// The centre's CA certificate (PEM), if one was named.
    pub fn ca_pem(&self) -> Result<Option<Vec<u8>>, Failure> {
        self.ca
            .as_ref()
            .map(|path| read(path).map(String::into_bytes))
            .transpose()
    }
}

/// The centre's refusal as a failure, with its reason when the answer is the centre's.
fn refusal<T>(status: StatusCode, body: &[u8]) -> Result<T, Failure> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| Failure::Setup(format!("HTTP {status}: not the centre's answer")))?;
    Err(Failure::Setup(format!(
        "the centre refused: {}",
        value["error"]["message"]
            .as_str()
            .unwrap_or("no reason given")
    )))
}

/// A JSON file the staff hand in.
pub(crate) fn json_file(file: &Path) -> Result<Value, Failure> {
    serde_json::from_str(&read(file)?)
        .map_err(|e| Failure::Setup(format!("{}: {e}", file.display())))
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Setup(format!("{}: {e}", path.display())))
}

pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Setup(format!("no async runtime: {e}")))
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
        settings(cli.serve).map_err(|e| match e {
            Failure::Setup(words) => words,
            Failure::Core(e) => e.to_string(),
        })
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
