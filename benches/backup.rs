//! Backup speed and memory on a phone-like data set, with restic measured in the same run as the reference.
//!
//! `cargo bench --bench backup` builds a data set once under `target/bench-data` (300 incompressible 3–5 MB
//! "photos", 3 × 100 MB "videos", 2,000 small files: about 1.5 GB in 2,303 files), then runs the release
//! `lifeboat` binary as a child process: a first backup into a fresh vault, and a second, unchanged one. Peak
//! memory is the child's maximum resident set, from `wait4`. If `restic` is installed (Debian's package), it
//! backs up the same folder the same way and the table shows Lifeboat's speed as a ratio of restic's.
//!
//! Set `LIFEBOAT_BENCH_SCALE=0.1` for a quick run on a smaller set.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, run};

fn main() {
    let scale: f64 = std::env::var("LIFEBOAT_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let data = root.join(format!("phone-{scale}"));
    let (files, bytes) = make_data_set(&data, scale);
    println!("data set: {files} files, {:.0} MB at {}", bytes as f64 / 1e6, data.display());

    let vault = root.join("lifeboat-vault");
    let _ = fs::remove_dir_all(&vault);
    let lifeboat = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lifeboat"));
        command.arg("--vault").arg(&vault).arg("-q").args(args).env("LIFEBOAT_PASSWORD", "bench");
        command.env("XDG_STATE_HOME", root.join("state"));
        command
    };
    run(&mut lifeboat(&["vault", "init"]));
    let data_arg = data.to_str().expect("UTF-8 path");
    let first = run(&mut lifeboat(&["backup", "--from", data_arg]));
    let second = run(&mut lifeboat(&["backup", "--from", data_arg]));
    let open_only = run(&mut lifeboat(&["snapshots"]));

    let mut rows = vec![
        row("lifeboat first backup", bytes, &first),
        row("lifeboat unchanged second backup", bytes, &second),
        format!(
            "{:<36} {:>9.3} s   (opening the vault: password hashing, index)",
            "lifeboat open only",
            open_only.wall.as_secs_f64()
        ),
    ];

    if Command::new("restic").arg("version").output().is_ok_and(|o| o.status.success()) {
        let repo = root.join("restic-repo");
        let _ = fs::remove_dir_all(&repo);
        let restic = |args: &[&str]| {
            let mut command = Command::new("restic");
            command.arg("-r").arg(&repo).arg("--quiet").args(args).env("RESTIC_PASSWORD", "bench");
            command.env("RESTIC_CACHE_DIR", root.join("restic-cache"));
            command
        };
        run(&mut restic(&["init"]));
        let r_first = run(&mut restic(&["backup", data_arg]));
        let r_second = run(&mut restic(&["backup", data_arg]));
        rows.push(row("restic first backup", bytes, &r_first));
        rows.push(row("restic unchanged second backup", bytes, &r_second));
        rows.push(format!(
            "ratio, first backup: lifeboat is {:.2}x restic's speed; unchanged backup: {:.2}x",
            r_first.wall.as_secs_f64() / first.wall.as_secs_f64(),
            r_second.wall.as_secs_f64() / second.wall.as_secs_f64()
        ));
    } else {
        rows.push("restic is not installed (apt-get install restic): no reference this run".into());
    }
    for line in rows {
        println!("{line}");
    }
}

fn row(name: &str, bytes: u64, run: &Run) -> String {
    format!(
        "{name:<36} {:>9.3} s {:>9.1} MB/s   peak memory {:>6.1} MB",
        run.wall.as_secs_f64(),
        bytes as f64 / 1e6 / run.wall.as_secs_f64(),
        run.peak_rss as f64 / 1e6
    )
}

/// Writes the data set unless a previous run left it complete; returns (files, bytes).
fn make_data_set(root: &Path, scale: f64) -> (u64, u64) {
    let photos = (300.0 * scale).round() as u64;
    let videos = (3.0 * scale).ceil() as u64;
    let small = (2000.0 * scale).round() as u64;
    let marker = root.join(".complete");
    let mut noise = Noise(0x1234_5678_9abc_def1);
    if !marker.exists() {
        let _ = fs::remove_dir_all(root);
        fs::create_dir_all(root.join("DCIM/Camera")).expect("create the data set");
        fs::create_dir_all(root.join("Movies")).expect("create the data set");
        for n in 0..photos {
            let size = 3_000_000 + noise.next() % 2_000_000;
            write_noise(&root.join(format!("DCIM/Camera/IMG_{n:05}.jpg")), size, &mut noise);
        }
        for n in 0..videos {
            write_noise(&root.join(format!("Movies/VID_{n:03}.mp4")), 100_000_000, &mut noise);
        }
        for n in 0..small {
            let dir = root.join(format!("Android/data/app{:02}/files", n % 40));
            fs::create_dir_all(&dir).expect("create the data set");
            let size = 200 + noise.next() % 20_000;
            write_noise(&dir.join(format!("cache-{n:05}.dat")), size, &mut noise);
        }
        fs::write(&marker, b"").expect("mark the data set");
    }
    let (mut files, mut bytes) = (0, 0);
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).expect("list the data set").flatten() {
            let meta = entry.metadata().expect("stat");
            if meta.is_dir() {
                stack.push(entry.path());
            } else if entry.file_name() != ".complete" {
                files += 1;
                bytes += meta.len();
            }
        }
    }
    (files, bytes)
}

struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn write_noise(path: &Path, len: u64, noise: &mut Noise) {
    let mut file = std::io::BufWriter::new(fs::File::create(path).expect("create a data file"));
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        for chunk in buf[..n].chunks_mut(8) {
            let word = noise.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        file.write_all(&buf[..n]).expect("write a data file");
        left -= n as u64;
    }
}
