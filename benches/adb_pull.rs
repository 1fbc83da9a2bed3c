//! Pulling the photo tree of a virtual phone: Lifeboat against Debian's `adb pull`, in the same run.
//!
//! `cargo bench --bench adb_pull` starts the virtual Android phone with the `large` profile (10,000 small
//! photos, screenshots and videos; generated once under `target/bench-data/android-large`, which takes a
//! minute the first time) and then, on the same phone:
//!
//! 1. `adb connect` and `adb -s SERIAL pull -a` of the photo folders (`DCIM`, `Pictures`, `Movies`) into a
//!    temporary folder, through a private adb server;
//! 2. `lifeboat backup --device HOST:PORT --categories photos` into a fresh vault (the release binary, as a
//!    child process), and a second, unchanged backup;
//! 3. the same for the whole phone (every category: also 50,000 messages, 1,000 contacts, 5,000 calls).
//!
//! Each is run `LIFEBOAT_BENCH_REPEAT` times (default 3), alternating, and the fastest run of each is
//! reported, because the machine this runs on is shared. Lifeboat's time is shown twice: the whole process
//! (including unlocking the vault: Argon2 password hashing) and the backup itself as the engine measures it
//! (walk, transfer, sealing, writing the snapshot). Debian's `adb` must be installed (`apt-get install adb`).

mod common;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, run};
use lifeboat::device::sim::android::{self, AndroidSimOptions, AuthMode, Profile};

/// The folders the photos category covers by default (`AndroidOptions::media_folders`).
const PHOTO_FOLDERS: [&str; 3] = ["DCIM", "Pictures", "Movies"];

/// One timed run of a child process.
fn main() {
    let repeat: usize =
        std::env::var("LIFEBOAT_BENCH_REPEAT").ok().and_then(|s| s.parse().ok()).unwrap_or(3).max(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let state = root.join("android-large");
    let generating = !state.join("phone.json").exists();
    let started = Instant::now();
    let phone = android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().expect("an address"),
        profile: Profile::Large,
        state_dir: Some(state.clone()),
        serial: "LB-BENCH-LARGE".into(),
        auth: AuthMode::Off,
        ..AndroidSimOptions::default()
    })
    .expect("the virtual phone starts");
    if generating {
        println!("generated the large phone in {:.1} s", started.elapsed().as_secs_f64());
    }
    let addr = phone.addr().to_string();
    let shared = state.join("fs/storage/emulated/0");
    let (files, bytes) = tree_size(&PHOTO_FOLDERS.map(|f| shared.join(f)));
    println!("photo tree: {files} files, {:.1} MB, on the virtual phone at {addr}", bytes as f64 / 1e6);

    let work = tempfile::Builder::new().prefix("lifeboat-bench-adb-").tempdir().expect("a temporary folder");
    let adb = Adb::start(work.path(), &addr);

    let mut pulls = Vec::new();
    let mut firsts = Vec::new();
    let mut seconds = Vec::new();
    let mut whole_firsts = Vec::new();
    let mut whole_seconds = Vec::new();
    for round in 0..repeat {
        let into = work.path().join(format!("pulled-{round}"));
        fs::create_dir_all(&into).expect("create the pull folder");
        let mut pull = adb.command(&["-s", &addr, "pull", "-a"]);
        pull.args(PHOTO_FOLDERS.map(|f| format!("/sdcard/{f}"))).arg(&into);
        pulls.push(run(&mut pull));
        let (pulled_files, pulled_bytes) = tree_size(std::slice::from_ref(&into));
        assert_eq!((pulled_files, pulled_bytes), (files, bytes), "adb pull copied the whole tree");
        fs::remove_dir_all(&into).expect("remove the pulled copy");

        let vault = work.path().join(format!("vault-{round}"));
        let lifeboat = |args: &[&str]| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_lifeboat"));
            command
                .arg("--vault")
                .arg(&vault)
                .arg("-q")
                .args(args)
                .env("LIFEBOAT_PASSWORD", "bench")
                .env("LIFEBOAT_CONFIG_DIR", work.path().join("config"))
                .env("XDG_STATE_HOME", work.path().join("state"))
                .env("HOME", work.path().join("home"))
                // Straight to the phone over TCP: no adb server is asked.
                .env("ANDROID_ADB_SERVER_PORT", "1");
            command
        };
        run(&mut lifeboat(&["vault", "init"]));
        let backup = ["backup", "--device", addr.as_str(), "--categories", "photos", "--json"];
        let first = run(&mut lifeboat(&backup));
        let second = run(&mut lifeboat(&backup));
        let summary = json(&first.stdout);
        assert_eq!(summary["bytes_read"].as_u64(), Some(bytes), "lifeboat read the whole tree: {summary}");
        assert_eq!(json(&second.stdout)["bytes_read"].as_u64(), Some(0), "the second backup read nothing");
        firsts.push(first);
        seconds.push(second);
        fs::remove_dir_all(&vault).expect("remove the vault");

        run(&mut lifeboat(&["vault", "init"]));
        let whole = ["backup", "--device", addr.as_str(), "--json"];
        whole_firsts.push(run(&mut lifeboat(&whole)));
        let again = run(&mut lifeboat(&whole));
        let unchanged = json(&again.stdout)["items_unchanged"].as_u64().unwrap_or(0);
        assert!(unchanged >= files, "the unchanged backup reused every photo ({unchanged} items)");
        whole_seconds.push(again);
        fs::remove_dir_all(&vault).expect("remove the vault");
    }
    drop(adb);
    drop(phone);

    let fastest =
        |runs: &[Run]| -> usize { (0..runs.len()).min_by_key(|&i| runs[i].wall).expect("at least one run") };
    let pull = &pulls[fastest(&pulls)];
    let first = &firsts[fastest(&firsts)];
    let second = &seconds[fastest(&seconds)];
    let engine =
        |run: &Run| Duration::from_secs_f64(json(&run.stdout)["seconds"].as_f64().unwrap_or(f64::NAN));
    let rate = |wall: Duration| bytes as f64 / 1e6 / wall.as_secs_f64();
    println!("fastest of {repeat}:");
    println!(
        "{:<44} {:>8.3} s {:>8.2} MB/s {:>8.0} files/s",
        "adb pull -a (Debian adb, via its server)",
        pull.wall.as_secs_f64(),
        rate(pull.wall),
        files as f64 / pull.wall.as_secs_f64()
    );
    for (name, run) in
        [("lifeboat first backup, whole process", first), ("lifeboat unchanged second backup", second)]
    {
        println!(
            "{name:<44} {:>8.3} s {:>8.2} MB/s   peak memory {:>6.1} MB",
            run.wall.as_secs_f64(),
            rate(run.wall),
            run.peak_rss as f64 / 1e6
        );
        println!(
            "{:<44} {:>8.3} s {:>8.2} MB/s",
            "  of which the backup itself (engine)",
            engine(run).as_secs_f64(),
            rate(engine(run))
        );
    }
    for (name, runs) in [
        ("whole phone, first backup", &whole_firsts),
        ("whole phone, unchanged second backup", &whole_seconds),
    ] {
        let run = &runs[fastest(runs)];
        println!(
            "{:<44} {:>8.3} s (engine {:.3} s)   peak memory {:>6.1} MB",
            format!("lifeboat {name}"),
            run.wall.as_secs_f64(),
            engine(run).as_secs_f64(),
            run.peak_rss as f64 / 1e6
        );
    }
    println!(
        "ratio: lifeboat pulls at {:.2}x adb pull's rate (whole process: {:.2}x)",
        pull.wall.as_secs_f64() / engine(first).as_secs_f64(),
        pull.wall.as_secs_f64() / first.wall.as_secs_f64()
    );
}

/// A private adb server on a free port, with its own HOME (and key), connected to the phone; killed on drop.
struct Adb {
    port: String,
    home: PathBuf,
}

impl Adb {
    fn start(work: &Path, addr: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port()
            .to_string();
        let adb = Self { port, home: work.join("adb-home") };
        fs::create_dir_all(&adb.home).expect("create adb's home");
        let connected = run(&mut adb.command(&["connect", addr]));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let listed = adb.command(&["devices"]).output().expect("adb runs");
            if String::from_utf8_lossy(&listed.stdout).contains(&format!("{addr}\tdevice")) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "adb never saw the phone: {}",
                String::from_utf8_lossy(&connected.stdout)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        adb
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("adb");
        command
            .arg("-P")
            .arg(&self.port)
            .args(args)
            .env("HOME", &self.home)
            .env("ANDROID_USER_HOME", self.home.join(".android"));
        command
    }
}

impl Drop for Adb {
    fn drop(&mut self) {
        let _ = self.command(&["kill-server"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

fn json(stdout: &[u8]) -> serde_json::Value {
    serde_json::from_slice(stdout).expect("JSON on stdout")
}

/// Regular files and their bytes under `roots` (missing roots count as empty).
fn tree_size(roots: &[PathBuf]) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(meta) = fs::symlink_metadata(entry.path()) else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() {
                files += 1;
                bytes += meta.len();
            }
        }
    }
    (files, bytes)
}
