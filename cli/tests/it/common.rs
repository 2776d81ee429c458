//! What the command-line tests share: the binary run on a store, as an operator or a script
//! runs it; the central service run as its operator runs it; a seeded die and the settings a
//! long run is given.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use serde_json::Value;

/// One command line of the binary, built as it reads: the words of the command, then each
/// flag with its value, then run.
pub struct Cli {
    store: Option<PathBuf>,
    args: Vec<String>,
}

impl Cli {
    /// A command on the store in `store`.
    pub fn new(store: &Path) -> Cli {
        Cli {
            store: Some(store.to_path_buf()),
            args: Vec::new(),
        }
    }

    /// `redshield centre COMMAND` against `service`, with the staff's access to it.
    pub fn staff(service: &Service, command: &str) -> Cli {
        let data = service.data.display().to_string();
        let access = ["--server", service.url.as_str(), "--data", data.as_str()];
        Cli {
            store: None,
            args: Vec::new(),
        }
        .args(&["centre", command])
        .args(&access)
    }

    /// Words as they are: the command, positional values, flags without a value.
    pub fn args(mut self, args: &[&str]) -> Cli {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    pub fn arg(self, arg: &str) -> Cli {
        self.args(&[arg])
    }

    /// `--name value`.
    pub fn flag(self, name: &str, value: &str) -> Cli {
        self.args(&[name, value])
    }

    /// Asks for the JSON document (and errors as JSON) without expecting success.
    pub fn json(mut self) -> Cli {
        self.args.insert(0, "--json".into());
        self
    }

    /// Runs it as it is: the exit status, stdout and stderr.
    pub fn run(self) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_redshield"));
        if let Some(store) = &self.store {
            command.arg("--store").arg(store);
        }
        command.args(&self.args).output().expect("the binary runs")
    }

    /// Runs it with `--json`, expects success, returns the one JSON document printed.
    pub fn ok(self) -> Value {
        let said = self.args.join(" ");
        let out = self.json().run();
        assert!(
            out.status.success(),
            "{said}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
    }
}

pub fn redshield(store: &Path, args: &[&str]) -> Output {
    Cli::new(store).args(args).run()
}

/// Runs with `--json`, expects success, returns the one JSON document printed.
pub fn json(store: &Path, args: &[&str]) -> Value {
    Cli::new(store).args(args).ok()
}

/// A new store with 李明 signed in.
pub fn init(store: &Path) -> Value {
    json(
        store,
        &[
            "init",
            "--officer-name",
            "李明",
            "--officer-id",
            "HN-12315-0042",
        ],
    )
}

/// `case open` of a complaint by `name` (reachable at `phone`) about a rice cooker from an
/// electrical shop, the consumer asking for a replacement: the one the CLI tests, the input
/// checks and the crash harness open, each adding what it varies.
pub fn complaint_args(name: &str, phone: &str) -> Vec<String> {
    [
        "case",
        "open",
        "--kind",
        "complaint",
        "--complainant-name",
        name,
        "--complainant-phone",
        phone,
        "--complainant-address",
        "长沙市天心区书院路 9 号",
        "--respondent-name",
        "某某电器商行",
        "--respondent-address",
        "长沙市雨花区劳动路 8 号",
        "--facts",
        "新买的电饭煲第三天不能加热",
        "--demand",
        "replace",
    ]
    .map(String::from)
    .to_vec()
}

/// `mediation start` of an on-site mediation on `case`, both sides consenting orally by the
/// vehicle: the one the CLI tests and the crash harness run.
pub fn mediation_start_args(case: &str) -> Vec<String> {
    [
        "mediation",
        "start",
        case,
        "--mode",
        "on_site",
        "--consumer-consents",
        "--merchant-consents",
        "--notice-method",
        "oral",
        "--place",
        "流动维权车旁",
        "--consumer",
        "王芳",
        "--merchant",
        "赵强:店长",
    ]
    .map(String::from)
    .to_vec()
}

/// A test's setting from the environment, or its default.
pub fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift): a seed names a run exactly.
pub struct Dice(pub u64);

impl Dice {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `redshield serve` in a child process on a free port of 127.0.0.1 — its ledger in SQLite in
/// its data directory, or in the PostgreSQL database it is given — killed and started again as
/// a test needs, and killed when dropped.
pub struct Service {
    child: Child,
    pub url: String,
    listen: String,
    pub data: PathBuf,
    database: Option<String>,
    /// The data directory, when the service made its own.
    _own: Option<tempfile::TempDir>,
}

impl Service {
    /// A service on SQLite with a data directory of its own.
    pub fn start() -> Service {
        let own = tempfile::tempdir().unwrap();
        let mut service = Service::on(own.path(), None);
        service._own = Some(own);
        service
    }

    /// A service on `data`, its ledger in the PostgreSQL `database` when given.
    pub fn on(data: &Path, database: Option<&str>) -> Service {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let database = database.map(String::from);
        let mut service = Service {
            child: serve(&listen, data, database.as_deref()),
            url: format!("http://{listen}"),
            listen,
            data: data.to_path_buf(),
            database,
            _own: None,
        };
        service.wait_until_ready();
        service
    }

    /// Ready once its admin token is written and its port answers. A start that ended (its
    /// port not yet let go of) is made again.
    fn wait_until_ready(&mut self) {
        let mut last = None;
        for _ in 0..400 {
            if let Some(status) = self.child.try_wait().unwrap() {
                last = Some(status);
                self.child = serve(&self.listen, &self.data, self.database.as_deref());
            }
            let token = self.data.join("admin.token").exists();
            if token && std::net::TcpStream::connect(&self.listen).is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("redshield serve did not start (last exit: {last:?})");
    }

    /// SIGKILL, as a crash, the OOM killer or a pulled plug would end it; then reaped.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same data, database and port.
    pub fn restart(&mut self) {
        self.child = serve(&self.listen, &self.data, self.database.as_deref());
        self.wait_until_ready();
    }

    /// A staff command (`redshield centre …`) against this service, with `--json`.
    pub fn staff(&self, args: &[&str]) -> Output {
        Cli::staff(self, args[0]).args(&args[1..]).json().run()
    }

    pub fn staff_json(&self, args: &[&str]) -> Value {
        Cli::staff(self, args[0]).args(&args[1..]).ok()
    }

    /// A one-time enrolment code, issued as the staff issue it.
    pub fn code(&self) -> String {
        self.staff_json(&["enrol-code"])["code"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Enrols the store with this centre, with a code issued as the staff do.
    pub fn enrol(&self, store: &Path) {
        json(
            store,
            &["enrol", "--server", &self.url, "--code", &self.code()],
        );
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

fn serve(listen: &str, data: &Path, database: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_redshield"));
    command
        .args(["serve", "--listen", listen, "--data"])
        .arg(data)
        .stderr(std::process::Stdio::null());
    if let Some(url) = database {
        command.args(["--database", url]);
    }
    command.spawn().unwrap()
}
