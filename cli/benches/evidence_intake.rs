//! A 12-megapixel photo through the whole evidence intake — `redshield evidence add`: copy and
//! hash the original, read EXIF, decode, make the upright display copy and the thumbnail, sign
//! and store the event — beside libvips making the same two copies with two `vipsthumbnail`
//! runs, in one run, each as its own process at one thread. Reports median wall time, the
//! ratio, and each process's peak RSS (from `wait4`). Each command is started by a fresh copy
//! of this binary (`--measure`): a child's peak RSS counts the memory of the process it was
//! forked from, and this one holds the test photo.
//!
//! Needs `vipsthumbnail` (Debian: `apt-get install libvips-tools`).
//! Run: `cargo bench -p redshield --bench evidence_intake`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use redshield_testkit::images;

const ROUNDS: usize = 7;

/// A finished command: its wall time and peak resident set.
struct Run {
    wall: Duration,
    max_rss_kib: i64,
}

/// Runs `command` through a small launcher process (this binary with `--measure`).
fn run(command: &Command) -> Run {
    let out = Command::new(std::env::current_exe().unwrap())
        .arg("--measure")
        .arg(command.get_program())
        .args(command.get_args())
        .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{command:?}: {text}");
    let (wall_ns, rss) = text.trim().split_once(' ').unwrap();
    Run {
        wall: Duration::from_nanos(wall_ns.parse().unwrap()),
        max_rss_kib: rss.parse().unwrap(),
    }
}

/// The launcher: runs the command, prints "<wall ns> <peak RSS KiB>".
// The child is reaped by `wait4`, which std's `wait` cannot replace: it also gives the rusage.
#[allow(clippy::zombie_processes)]
fn measure(program: &str, args: &[String]) {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the command starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, and wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    let ok = pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(ok, "{program} {args:?} failed");
    println!("{} {}", wall.as_nanos(), usage.ru_maxrss);
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--measure") {
        return measure(&args[2], &args[3..]);
    }
    if Command::new("vipsthumbnail")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("vipsthumbnail is not installed: apt-get install libvips-tools");
        std::process::exit(2);
    }
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.jpg");
    std::fs::write(&photo, images::twelve_megapixel()).unwrap();
    let store = dir.path().join("store");
    let redshield = env!("CARGO_BIN_EXE_redshield");
    let cli = |args: &[&str]| {
        let out = Command::new(redshield)
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    cli(&[
        "init",
        "--officer-name",
        "李明",
        "--officer-id",
        "HN-12315-0042",
    ]);

    let (mut ours, mut theirs, mut our_rss, mut their_rss) = (vec![], vec![], 0, 0);
    for round in 0..ROUNDS {
        // A new case each round: the same photo in the same case would be recognised, not redone.
        let case = new_case(&cli, round);
        let intake = run(Command::new(redshield)
            .arg("--store")
            .arg(&store)
            .args(["evidence", "add"])
            .arg(&photo)
            .args(["--case", &case, "--kind", "scene"]));
        let (display, thumb) = (
            vips(&photo, 2048, dir.path()),
            vips(&photo, 320, dir.path()),
        );
        ours.push(intake.wall);
        theirs.push(display.wall + thumb.wall);
        our_rss = our_rss.max(intake.max_rss_kib);
        their_rss = their_rss.max(display.max_rss_kib.max(thumb.max_rss_kib));
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!(
        "12 MP JPEG ({} bytes), {ROUNDS} rounds, one thread each, medians:",
        std::fs::metadata(&photo).unwrap().len()
    );
    println!(
        "  redshield evidence add      {:>8.1} ms   peak RSS {:>6.1} MB",
        ms(ours),
        our_rss as f64 / 1024.0
    );
    println!(
        "  vipsthumbnail 2048 + 320    {:>8.1} ms   peak RSS {:>6.1} MB",
        ms(theirs),
        their_rss as f64 / 1024.0
    );
    println!(
        "  ratio (ours / libvips)      {:>8.2}×",
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn new_case(cli: &dyn Fn(&[&str]) -> String, round: usize) -> String {
    let out = cli(&[
        "--json",
        "case",
        "open",
        "--kind",
        "complaint",
        "--complainant-name",
        &format!("王芳{round}"),
        "--complainant-phone",
        "13907310000",
        "--complainant-address",
        "长沙市天心区书院路 9 号",
        "--respondent-name",
        "某某电器商行",
        "--respondent-address",
        "长沙市雨花区劳动路 8 号",
        "--demand",
        "refund",
        "--facts",
        "电饭煲不能加热",
    ]);
    let case: serde_json::Value = serde_json::from_str(&out).unwrap();
    case["number"].as_str().unwrap().to_string()
}

/// One `vipsthumbnail` run at one thread: shrink-on-load, auto-rotate, quality 80.
fn vips(photo: &Path, size: u32, dir: &Path) -> Run {
    let out = dir.join(format!("vips-{size}.jpg"));
    run(Command::new("vipsthumbnail")
        .env("VIPS_CONCURRENCY", "1")
        .arg(photo)
        .args(["--size", &format!("{size}x{size}")])
        .arg("-o")
        .arg(format!("{}[Q=80,strip]", out.display())))
}
