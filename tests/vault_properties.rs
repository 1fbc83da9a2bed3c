//! Property tests of the vault: random sequences of backup, forget, prune, interrupted prune and interrupted
//! backup on a randomly changing tree. Whatever the sequence, the vault verifies after every step and every kept
//! complete snapshot restores exactly as the tree was when it was taken.
//!
//! Each case is seeded; a failure names its seed and the steps so far, so it can be replayed with
//! `LIFEBOAT_PROPERTY_SEED=N cargo test --test vault_properties`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const CASES: u64 = 5;
const STEPS: usize = 14;

/// What a case knows: the source tree, and what each kept complete snapshot must restore to.
struct Case {
    work: tempfile::TempDir,
    source: PathBuf,
    vault: PathBuf,
    noise: Noise,
    expected: BTreeMap<String, BTreeMap<String, Item>>,
    log: Vec<String>,
    files: u64,
}

impl Case {
    fn new(seed: u64) -> Self {
        let work = tempfile::tempdir().unwrap();
        let (source, vault) = (work.path().join("source"), work.path().join("vault"));
        fs::create_dir_all(&source).unwrap();
        ok(lifeboat(&vault).args([
            "vault",
            "init",
            "--no-recovery-code",
            "--kdf-memory-mib",
            "8",
            "--kdf-passes",
            "1",
        ]));
        Self {
            work,
            source,
            vault,
            noise: Noise::new(seed),
            expected: BTreeMap::new(),
            log: Vec::new(),
            files: 0,
        }
    }

    fn below(&mut self, n: u64) -> u64 {
        let mut bytes = [0u8; 8];
        self.noise.fill(&mut bytes);
        u64::from_le_bytes(bytes) % n.max(1)
    }

    fn fail(&self, what: &str) -> ! {
        panic!("{what}\nsteps: {}", self.log.join(" → "));
    }

    /// Adds, rewrites and removes a few files, in nested folders, from empty to a few chunks long.
    fn change_the_tree(&mut self) {
        for _ in 0..1 + self.below(4) {
            let existing = files_under(&self.source);
            match self.below(3) {
                0 | 1 if existing.is_empty() || self.below(2) == 0 => {
                    self.files += 1;
                    let (outer, inner) = (self.below(3), self.below(2));
                    let dir = self.source.join(format!("d{outer}/e{inner}"));
                    fs::create_dir_all(&dir).unwrap();
                    let size = [0, 10, 70_000, 600_000, 2_500_000][self.below(5) as usize];
                    let seed = self.below(u64::MAX);
                    write_noise_file(&dir.join(format!("f{}.bin", self.files)), size, seed);
                }
                0 | 1 => {
                    let victim = existing[self.below(existing.len() as u64) as usize].clone();
                    let size = self.below(1_500_000);
                    let seed = self.below(u64::MAX);
                    write_noise_file(&victim, size, seed);
                }
                _ if !existing.is_empty() => {
                    let victim = &existing[self.below(existing.len() as u64) as usize];
                    fs::remove_file(victim).unwrap();
                }
                _ => {}
            }
        }
    }

    /// Complete snapshots in the vault, by short id.
    fn complete_snapshots(&self) -> Vec<String> {
        let listing = json(&ok(lifeboat(&self.vault).args(["snapshots", "--json"])));
        let mut ids = Vec::new();
        for snapshot in listing.as_array().unwrap() {
            if snapshot["complete"] == true {
                ids.push(snapshot["short_id"].as_str().unwrap().to_owned());
            }
        }
        ids
    }

    fn backup(&mut self, crash_at: Option<u64>) {
        let before = self.complete_snapshots();
        let mut command = lifeboat(&self.vault);
        command.args(["backup", "-q", "--from"]).arg(&self.source);
        if let Some(n) = crash_at {
            command.env("LIFEBOAT_TEST_CRASH_AT", format!("*#{n}"));
        }
        let output = command.output().unwrap();
        if crash_at.is_none() && !output.status.success() {
            self.fail(&format!("backup failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        // A backup killed after its final snapshot is written is complete: it holds the tree as it is now.
        let tree = describe(&self.source);
        for id in self.complete_snapshots() {
            if !before.contains(&id) {
                self.expected.insert(id, tree.clone());
            }
        }
    }

    fn forget_one(&mut self) {
        let kept: Vec<String> = self.expected.keys().cloned().collect();
        if kept.len() < 2 {
            return;
        }
        let victim = kept[self.below(kept.len() as u64) as usize].clone();
        ok(lifeboat(&self.vault).args(["forget", &victim]));
        self.expected.remove(&victim);
    }

    fn prune(&mut self, crash_at: Option<u64>) {
        let mut command = lifeboat(&self.vault);
        command.args(["prune", "-q"]);
        if let Some(n) = crash_at {
            command.env("LIFEBOAT_TEST_CRASH_AT", format!("*#{n}"));
        }
        let output = command.output().unwrap();
        if crash_at.is_none() && !output.status.success() {
            self.fail(&format!("prune failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
    }

    fn assert_verifies(&self) {
        let output = lifeboat(&self.vault).args(["verify", "--json"]).output().unwrap();
        if !output.status.success() {
            self.fail(&format!("verify found damage: {}", String::from_utf8_lossy(&output.stdout)));
        }
    }

    fn assert_every_snapshot_restores(&self, round: usize) {
        for (id, tree) in &self.expected {
            let target = self.work.path().join(format!("restored-{round}-{id}"));
            ok(lifeboat(&self.vault).args(["restore", id, "--to"]).arg(&target));
            let restored = describe(&target);
            if &restored != tree {
                self.fail(&format!("snapshot {id} does not restore as it was taken"));
            }
            fs::remove_dir_all(&target).unwrap();
        }
    }
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

fn run_case(seed: u64) {
    let mut case = Case::new(seed);
    case.log.push(format!("seed {seed}"));
    case.change_the_tree();
    case.backup(None);
    for step in 0..STEPS {
        let op = case.below(7);
        let crash = 1 + case.below(24);
        match op {
            0 | 1 => {
                case.change_the_tree();
                case.log.push("change + backup".into());
                case.backup(None);
            }
            2 => {
                case.change_the_tree();
                case.log.push(format!("change + backup killed at point {crash}"));
                case.backup(Some(crash));
            }
            3 => {
                case.log.push("forget".into());
                case.forget_one();
            }
            4 => {
                case.log.push("prune".into());
                case.prune(None);
            }
            _ => {
                case.log.push(format!("prune killed at point {crash}"));
                case.prune(Some(crash));
            }
        }
        case.assert_verifies();
        if step % 4 == 3 {
            case.assert_every_snapshot_restores(step);
        }
    }
    case.prune(None);
    case.assert_verifies();
    case.assert_every_snapshot_restores(STEPS);
}

#[test]
fn random_sequences_keep_every_kept_snapshot_restorable() {
    match std::env::var("LIFEBOAT_PROPERTY_SEED").ok().and_then(|s| s.parse().ok()) {
        Some(seed) => run_case(seed),
        None => (1..=CASES).for_each(|case| run_case(case * 7919)),
    }
}
