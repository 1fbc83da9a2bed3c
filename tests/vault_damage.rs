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
    // A lock held by this (living) test process.
    let holder =
        serde_json::json!({ "pid": std::process::id(), "host": lifeboat::vault::hostname(), "since_ns": 0 });
    fs::write(vault.join("lock"), holder.to_string()).unwrap();
    let stderr = fails(lifeboat(&vault).args(["backup", "--from"]).arg(&source), 4);
    assert!(stderr.contains("in use by process"), "{stderr}");
    ok(lifeboat(&vault).arg("unlock"));
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
}
