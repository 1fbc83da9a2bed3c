//! Damage is detected, named and contained: a flipped byte, a truncated pack, a deleted index file, a wrong
//! password, a damaged snapshot and a held lock each give a clear error and the right exit code, never a panic.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// A vault holding one backup of three photos and a note; returns (work dir, source, vault).
fn backed_up() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(source.join("DCIM")).unwrap();
    for n in 0..3 {
        write_noise_file(&source.join(format!("DCIM/IMG_{n}.jpg")), 2_000_000, n);
    }
    fs::write(source.join("note.txt"), b"hello").unwrap();
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    (work, source, vault)
}

fn packs(vault: &Path) -> Vec<PathBuf> {
    let mut packs = Vec::new();
    for fan in fs::read_dir(vault.join("data")).unwrap().flatten() {
        packs.extend(fs::read_dir(fan.path()).unwrap().flatten().map(|e| e.path()));
    }
    packs.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).unwrap().len()));
    packs
}

fn stdout_of(command: &mut std::process::Command) -> (Option<i32>, String) {
    let output = command.output().unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_flipped_byte_in_a_pack_names_the_damaged_item_and_the_rest_still_restores() {
    let (work, _source, vault) = backed_up();
    let pack = &packs(&vault)[0];
    let mut bytes = fs::read(pack).unwrap();
    bytes[1000] ^= 0x01;
    fs::write(pack, bytes).unwrap();

    let (code, stdout) = stdout_of(lifeboat(&vault).arg("verify"));
    assert_eq!(code, Some(5), "{stdout}");
    assert!(stdout.contains("does not match its name"), "{stdout}");
    assert!(stdout.contains("cannot restore DCIM/IMG_"), "{stdout}");
    assert!(stdout.contains("fails authentication"), "{stdout}");

    let target = work.path().join("restored");
    let stderr = fails(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target), 6);
    assert!(stderr.contains("fails authentication"), "{stderr}");
    let restored = (0..3).filter(|n| target.join(format!("DCIM/IMG_{n}.jpg")).exists()).count();
    assert!(restored < 3, "no damaged file is left behind");
    assert_eq!(fs::read(target.join("note.txt")).unwrap(), b"hello");
}

#[test]
fn a_truncated_pack_is_detected() {
    let (_work, _source, vault) = backed_up();
    let pack = &packs(&vault)[0];
    let len = fs::metadata(pack).unwrap().len();
    fs::OpenOptions::new().write(true).open(pack).unwrap().set_len(len / 2).unwrap();
    let (code, stdout) = stdout_of(lifeboat(&vault).arg("verify"));
    assert_eq!(code, Some(5));
    assert!(stdout.contains("truncated"), "{stdout}");
    assert!(stdout.contains("cannot restore DCIM/"), "{stdout}");
    // A sampled verify of every pack sees the same.
    let (code, _) = stdout_of(lifeboat(&vault).args(["verify", "--sample", "100"]));
    assert_eq!(code, Some(5));
}

#[test]
fn a_deleted_index_file_is_detected_and_the_next_backup_repairs_it() {
    let (_work, source, vault) = backed_up();
    for index in fs::read_dir(vault.join("index")).unwrap().flatten() {
        fs::remove_file(index.path()).unwrap();
    }
    let (code, stdout) = stdout_of(lifeboat(&vault).arg("verify"));
    assert_eq!(code, Some(5), "{stdout}");
    assert!(stdout.contains("no index"), "{stdout}");
    let stderr = fails(lifeboat(&vault).args(["ls", "latest"]), 5);
    assert!(stderr.contains("catalog"), "{stderr}");

    // The packs are still there: the next backup re-indexes them, reuses their data, and all is well again.
    let summary = json(&ok(lifeboat(&vault).args(["backup", "--json", "--from"]).arg(&source)));
    assert_eq!(summary["new_bytes"], 0, "{summary}");
    ok(lifeboat(&vault).arg("verify"));
}

#[test]
fn a_wrong_password_is_refused_clearly() {
    let (_work, _source, vault) = backed_up();
    let stderr = fails(lifeboat(&vault).arg("snapshots").env("LIFEBOAT_PASSWORD", "not it"), 3);
    assert!(stderr.contains("wrong password"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

#[test]
fn a_damaged_snapshot_file_is_named_and_the_others_stay_usable() {
    let (_work, source, vault) = backed_up();
    fs::write(source.join("second.txt"), b"2").unwrap();
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    let first = fs::read_dir(vault.join("snapshots")).unwrap().flatten().next().unwrap().path();
    let mut bytes = fs::read(&first).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    fs::write(&first, bytes).unwrap();
    let output = ok(lifeboat(&vault).args(["snapshots", "--json"]));
    assert_eq!(json(&output).as_array().unwrap().len(), 1);
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be read"));
    let (code, stdout) = stdout_of(lifeboat(&vault).arg("verify"));
    assert_eq!(code, Some(5));
    assert!(stdout.contains("fails authentication"), "{stdout}");
}

#[test]
fn a_second_writer_is_told_the_vault_is_in_use() {
    let (_work, source, vault) = backed_up();
    // This (living) test process holds the vault's OS lock, as a running backup would.
    let holder =
        serde_json::json!({ "pid": std::process::id(), "host": lifeboat::vault::hostname(), "since_ns": 0 });
    let lock = fs::OpenOptions::new().read(true).write(true).open(vault.join("lock")).unwrap();
    lock.try_lock().unwrap();
    fs::write(vault.join("lock"), holder.to_string()).unwrap();
    let stderr = fails(lifeboat(&vault).args(["backup", "--from"]).arg(&source), 4);
    assert!(stderr.contains("in use by process"), "{stderr}");
    let stderr = fails(lifeboat(&vault).arg("unlock"), 4);
    assert!(stderr.contains("still running"), "{stderr}");
    drop(lock);
    let output = ok(lifeboat(&vault).arg("unlock"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("not in use"));
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
}

// Issue 10, finding 4: a lock file left behind by a writer that died (its process gone, or the file empty as a
// crash between creating and writing it leaves it) holds nothing: the OS lock died with the process.
#[test]
fn a_lock_left_by_a_dead_writer_holds_nothing() {
    let (_work, source, vault) = backed_up();
    let dead =
        serde_json::json!({ "pid": 0x7fff_fff0u32, "host": lifeboat::vault::hostname(), "since_ns": 0 });
    fs::write(vault.join("lock"), dead.to_string()).unwrap();
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    fs::write(vault.join("lock"), b"").unwrap();
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
}

// Issue 10, finding 5: a pack file whose name does not match its content (a sync-conflict copy, a half-copied
// file) was adopted by the next backup; verify failed from then on and prune never removed it.
#[test]
fn a_stray_pack_that_does_not_match_its_name_is_not_adopted() {
    let (_work, source, vault) = backed_up();
    let real = packs(&vault).into_iter().next().unwrap();
    let bytes = fs::read(&real).unwrap();
    let misnamed = vault.join("data/ab").join(format!("ab{}", "0".repeat(62)));
    fs::write(&misnamed, &bytes).unwrap();
    let half = vault.join("data/cd").join(format!("cd{}", "1".repeat(62)));
    fs::write(&half, &bytes[..bytes.len() / 2]).unwrap();
    // Index files lost too, so the next backup has to adopt packs from data/.
    for index in fs::read_dir(vault.join("index")).unwrap().flatten() {
        fs::remove_file(index.path()).unwrap();
    }
    fs::write(source.join("new.txt"), b"new").unwrap();
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    let (code, stdout) = stdout_of(lifeboat(&vault).args(["verify", "--json"]));
    assert_eq!(code, Some(0), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");
    ok(lifeboat(&vault).arg("prune"));
    ok(lifeboat(&vault).arg("verify"));
    let target = source.with_file_name("restored");
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target));
    assert_same_tree(&source, &target);
}

// Issue 10, finding 14: a damaged key slot was reported as a wrong password (exit 3) and a deleted `config` or
// `keys/` as a general failure (exit 1). Damage is exit 5 and names what is damaged.
#[test]
fn a_damaged_key_slot_or_a_lost_config_is_damage_not_a_wrong_password() {
    let (_work, _source, vault) = backed_up();
    // The password's slot, not the recovery code's.
    let slot = fs::read_dir(vault.join("keys"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| !fs::read_to_string(path).unwrap().contains("\"recovery\""))
        .unwrap();
    let original = fs::read(&slot).unwrap();
    fs::write(&slot, &original[..original.len() - 20]).unwrap();
    let stderr = fails(lifeboat(&vault).arg("snapshots"), 5);
    assert!(stderr.contains("key slot"), "{stderr}");
    fs::write(&slot, &original).unwrap();

    fs::rename(vault.join("config"), vault.join("config.moved")).unwrap();
    let stderr = fails(lifeboat(&vault).arg("snapshots"), 5);
    assert!(stderr.contains("config"), "{stderr}");
    fs::rename(vault.join("config.moved"), vault.join("config")).unwrap();

    fs::rename(vault.join("keys"), vault.join("keys.moved")).unwrap();
    let stderr = fails(lifeboat(&vault).arg("snapshots"), 5);
    assert!(stderr.contains("key slot"), "{stderr}");
}
