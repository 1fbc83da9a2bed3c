//! Crash safety step by step: `prune`, `forget` and `passwd` are killed (as `kill -9` would) at every crash point
//! they pass, one run per point (`LIFEBOAT_TEST_CRASH_AT=*#N`). After each, the vault opens, verifies, the
//! operation run again completes, and every kept snapshot restores byte for byte.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// The variable the vault's crash points read (`lifeboat::vault::CRASH_AT_VAR`).
const CRASH_AT: &str = "LIFEBOAT_TEST_CRASH_AT";

/// A vault, cheap to open, and the source folder its latest snapshot holds.
struct Fixture {
    work: tempfile::TempDir,
    vault: PathBuf,
    source: PathBuf,
}

/// Three backups: the first of six photos, the second adds a seventh, the third drops two of the first six and
/// the seventh. The two older snapshots forgotten, a prune must repack the first pack (a third of it unused),
/// delete the second, and replace every index file.
fn vault_with_forgotten_snapshots() -> Fixture {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(source.join("DCIM")).unwrap();
    for n in 0..6 {
        write_noise_file(&source.join(format!("DCIM/IMG_{n}.jpg")), 900_000, n);
    }
    ok(lifeboat(&vault).args(["vault", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"]));
    let first = backup(&vault, &source);
    write_noise_file(&source.join("DCIM/IMG_6.jpg"), 900_000, 6);
    let second = backup(&vault, &source);
    for n in [0, 1, 6] {
        fs::remove_file(source.join(format!("DCIM/IMG_{n}.jpg"))).unwrap();
    }
    backup(&vault, &source);
    ok(lifeboat(&vault).args(["forget", &first, &second]));
    Fixture { work, vault, source }
}

fn backup(vault: &Path, source: &Path) -> String {
    let output = json(&ok(lifeboat(vault).args(["backup", "--json", "--from"]).arg(source)));
    output["snapshot"]["short_id"].as_str().unwrap().to_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn killed(output: &Output) -> bool {
    use std::os::unix::process::ExitStatusExt;
    output.status.signal() == Some(9)
}

/// The vault verifies and its latest snapshot restores as `source`.
fn assert_whole(vault: &Path, source: &Path, restore_to: &Path, password: &str, context: &str) {
    let output =
        lifeboat(vault).args(["verify", "--json"]).env("LIFEBOAT_PASSWORD", password).output().unwrap();
    assert!(output.status.success(), "{context}: verify failed: {}", String::from_utf8_lossy(&output.stdout));
    let report = json(&output);
    assert_eq!(report["problems"], serde_json::json!([]), "{context}: {report}");
    ok(lifeboat(vault)
        .args(["restore", "latest", "--to"])
        .arg(restore_to)
        .env("LIFEBOAT_PASSWORD", password));
    assert_same_tree(source, restore_to);
}

/// Runs `args` on a fresh copy of the fixture's vault once per crash point it passes, killed there; hands each
/// crashed copy to `check`. Returns how many points there were.
fn walk_crash_points(fixture: &Fixture, args: &[&str], check: &dyn Fn(&Path, usize)) -> usize {
    for n in 1..200 {
        let copy = fixture.work.path().join(format!("crash-{}-{n}", args[0]));
        copy_tree(&fixture.vault, &copy);
        let output = lifeboat(&copy)
            .args(args)
            .env(CRASH_AT, format!("*#{n}"))
            .env("LIFEBOAT_NEW_PASSWORD", "the new password")
            .output()
            .unwrap();
        if !killed(&output) {
            assert!(
                output.status.success(),
                "{args:?} with no crash left failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            fs::remove_dir_all(&copy).unwrap();
            return n - 1;
        }
        check(&copy, n);
        fs::remove_dir_all(&copy).unwrap();
    }
    panic!("{args:?} never finished");
}

// Issue 10, finding 2: a prune interrupted after its new index was written, then run again, deleted packs the
// kept snapshot still needed (the old index files came back to life once the new one was replaced).
#[test]
fn prune_killed_at_every_step_then_pruned_again_keeps_every_snapshot() {
    let fixture = vault_with_forgotten_snapshots();
    let points = walk_crash_points(&fixture, &["prune"], &|copy, n| {
        let restored = fixture.work.path().join(format!("restored-{n}"));
        assert_whole(copy, &fixture.source, &restored, PASSWORD, &format!("after a crash at point {n}"));
        fs::remove_dir_all(&restored).unwrap();
        // The next prune finishes the job, and the one after it finds nothing left.
        ok(lifeboat(copy).arg("prune"));
        assert_whole(copy, &fixture.source, &restored, PASSWORD, &format!("pruned again after point {n}"));
        fs::remove_dir_all(&restored).unwrap();
        let again = ok(lifeboat(copy).arg("prune"));
        assert!(String::from_utf8_lossy(&again.stdout).contains("0 packs removed"), "after point {n}");
        ok(lifeboat(copy).args(["backup", "--from"]).arg(&fixture.source));
        assert_whole(copy, &fixture.source, &restored, PASSWORD, &format!("backed up after point {n}"));
    });
    assert!(points >= 10, "prune passed only {points} crash points");
}

#[test]
fn forget_killed_at_every_step_keeps_the_vault_whole() {
    let fixture = vault_with_forgotten_snapshots();
    let snapshots = json(&ok(lifeboat(&fixture.vault).args(["snapshots", "--json"])));
    let latest = snapshots.as_array().unwrap().last().unwrap()["short_id"].as_str().unwrap().to_owned();
    // Back the same folder up once more, so there is a snapshot to forget and one to keep.
    let extra = backup(&fixture.vault, &fixture.source);
    assert_ne!(extra, latest);
    let points = walk_crash_points(&fixture, &["forget", &extra], &|copy, n| {
        let restored = fixture.work.path().join(format!("restored-{n}"));
        assert_whole(copy, &fixture.source, &restored, PASSWORD, &format!("forget killed at point {n}"));
        fs::remove_dir_all(&restored).unwrap();
        ok(lifeboat(copy).args(["forget", &extra]));
        ok(lifeboat(copy).arg("prune"));
        assert_whole(copy, &fixture.source, &restored, PASSWORD, &format!("forgot again after point {n}"));
    });
    assert!(points >= 1);
}

#[test]
fn passwd_killed_at_every_step_opens_with_the_old_or_the_new_password() {
    let fixture = vault_with_forgotten_snapshots();
    let points = walk_crash_points(&fixture, &["passwd"], &|copy, n| {
        let old = lifeboat(copy).arg("snapshots").output().unwrap();
        let new =
            lifeboat(copy).arg("snapshots").env("LIFEBOAT_PASSWORD", "the new password").output().unwrap();
        assert!(old.status.success() || new.status.success(), "no way in after point {n}");
        let password = if old.status.success() { PASSWORD } else { "the new password" };
        let restored = fixture.work.path().join(format!("restored-{n}"));
        assert_whole(copy, &fixture.source, &restored, password, &format!("passwd killed at point {n}"));
    });
    assert!(points >= 2, "passwd passed only {points} crash points");
}
