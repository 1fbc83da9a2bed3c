//! Helpers shared by the end-to-end tests: where the real-world peer files are, building source trees,
//! running the `lifeboat` binary, comparing trees byte for byte and time for time, and collecting what a
//! device's walk reports (`walk::Collect`).

#![allow(dead_code)]

pub mod phone;
pub mod walk;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The password every test vault uses.
pub const PASSWORD: &str = "test password ✓";

/// A `lifeboat` command on `vault`, non-interactive.
pub fn lifeboat(vault: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lifeboat"));
    command
        .arg("--vault")
        .arg(vault)
        .env("LIFEBOAT_PASSWORD", PASSWORD)
        .env("LIFEBOAT_LANG", "en")
        .env_remove("RUST_LOG")
        // Keep the test runner's own data and log folders out of reach.
        .env("XDG_DATA_HOME", vault.with_extension("xdg-data"))
        .env("XDG_STATE_HOME", vault.with_extension("xdg-state"))
        .env("HOME", vault.with_extension("home"));
    command
}

/// Runs a command and insists it succeeds.
pub fn ok(command: &mut Command) -> Output {
    let output = command.output().expect("lifeboat runs");
    assert!(
        output.status.success(),
        "{command:?} failed with {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs a command and insists it fails with `code`; returns stderr.
pub fn fails(command: &mut Command, code: i32) -> String {
    let output = command.output().expect("lifeboat runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "{command:?}\nstdout: {}\nstderr: {stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr
}

/// Creates a vault at `vault`.
pub fn init_vault(vault: &Path) {
    ok(lifeboat(vault).args(["vault", "init"]));
}

/// Parses stdout as JSON.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("valid JSON on stdout")
}

/// A small, fast pseudo-random generator, so test data is incompressible but reproducible.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            let bytes = self.0.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut buf = vec![0; len];
        self.fill(&mut buf);
        buf
    }
}

/// Writes `len` pseudo-random bytes to `path` without holding them in memory.
pub fn write_noise_file(path: &Path, len: u64, seed: u64) {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let mut noise = Noise::new(seed);
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        noise.fill(&mut buf[..n]);
        file.write_all(&buf[..n]).unwrap();
        left -= n as u64;
    }
}

/// What a tree holds, for comparison: per relative path, the kind, the content hash and the mtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    File { hash: String, mtime: i64, mtime_nanos: u32 },
    Dir,
    Link(PathBuf),
}

/// Describes every entry under `root` (links not followed; directory times ignored).
pub fn describe(root: &Path) -> BTreeMap<String, Item> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = fs::symlink_metadata(&path).unwrap();
            let item = if meta.file_type().is_symlink() {
                Item::Link(fs::read_link(&path).unwrap())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Item::Dir
            } else {
                let mtime = filetime::FileTime::from_last_modification_time(&meta);
                Item::File {
                    hash: hash_file(&path),
                    mtime: mtime.unix_seconds(),
                    mtime_nanos: mtime.nanoseconds(),
                }
            };
            out.insert(rel, item);
        }
    }
    out
}

/// BLAKE3 of a file, streamed.
pub fn hash_file(path: &Path) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(fs::File::open(path).unwrap()).unwrap();
    hasher.finalize().to_hex().to_string()
}

/// Asserts two trees hold the same items with the same bytes and modification times.
pub fn assert_same_tree(expected: &Path, actual: &Path) {
    let (a, b) = (describe(expected), describe(actual));
    let missing: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let extra: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:?}, extra {extra:?}");
    for (path, item) in &a {
        assert_eq!(item, &b[path], "{path} differs");
    }
}

/// Peak resident memory of the largest child process waited for so far, in bytes.
pub fn children_peak_rss() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss as u64 * 1024
}

/// The peer-data folder: `$LIFEBOAT_PEER_DATA`, else `shared/peer-data` next to the crate (where CI has it).
pub fn peer_data() -> PathBuf {
    let root = std::env::var_os("LIFEBOAT_PEER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-data"));
    assert!(
        root.join("MANIFEST.tsv").is_file(),
        "peer data not found at {}; set LIFEBOAT_PEER_DATA to the folder holding MANIFEST.tsv",
        root.display()
    );
    root
}

/// A file inside peer-data.
pub fn peer_file(relative: &str) -> PathBuf {
    peer_data().join(relative)
}

/// Every file under `peer-data/<folder>` whose name ends in `.<extension>`, sorted.
pub fn files_with_extension(folder: &str, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![peer_data().join(folder)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension)) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Backs `device` up into a fresh vault under `work` (cheap key derivation) and restores the snapshot into
/// the folder `work/restored`, checking that the backup completed and nothing failed to restore: the round
/// trip every importer's test makes. Returns the vault, what the backup made and the folder.
pub fn round_trip(
    device: &dyn lifeboat::device::Device,
    work: &Path,
) -> (lifeboat::vault::Vault, lifeboat::engine::BackupSummary, PathBuf) {
    use lifeboat::engine::{self, BackupOptions, Cancel, RestoreOptions, Silent};
    let kdf = lifeboat::vault::KdfParams { memory_kib: 256, passes: 1, lanes: 1 };
    let vault = lifeboat::vault::Vault::init(&work.join("vault"), PASSWORD, kdf).expect("a new vault");
    let summary = engine::backup(&vault, device, &BackupOptions::default(), &Silent, &Cancel::new())
        .expect("backed up");
    assert!(summary.snapshot.complete);
    let target = work.join("restored");
    let folder = lifeboat::device::folder::FolderDevice::create(&target).expect("a restore folder");
    let restored = engine::restore(
        &vault,
        &summary.snapshot,
        &folder,
        &RestoreOptions::default(),
        &Silent,
        &Cancel::new(),
    )
    .expect("restored");
    assert!(restored.failures.is_empty(), "{:?}", restored.failures);
    (vault, summary, target)
}
