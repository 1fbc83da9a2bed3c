//! Issue 10 through the `lifeboat` binary: restores and exports never write into a vault, exports never replace
//! a file unless asked and say when something was left out, backups say what they could not keep, text from
//! outside reaches the terminal with its control characters escaped, and what Lifeboat writes about a person is
//! private to the user.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// A vault at `vault` holding one backup of a small folder whose names collide with a vault's own files.
fn vault_with_collisions(work: &Path) -> std::path::PathBuf {
    let (source, vault) = (work.join("source"), work.join("vault"));
    for (path, content) in [
        ("config", "not the vault's config"),
        ("keys/slot.json", "{}"),
        ("lifeboat-vault.json", "{}"),
        ("DCIM/photo.jpg", "jpeg"),
    ] {
        fs::create_dir_all(source.join(path).parent().unwrap()).unwrap();
        fs::write(source.join(path), content).unwrap();
    }
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    vault
}

/// Every file of a tree with its bytes, to prove nothing in it changed.
fn contents(root: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

// Issue 10, finding 3: `restore --to VAULT --overwrite` replaced the vault's own files (its config, its key slots)
// and exited 0; a target inside the vault, or one holding the vault, must be refused before anything is written.
#[test]
fn restore_and_export_refuse_targets_in_or_around_a_vault() {
    let work = tempfile::tempdir().unwrap();
    let vault = vault_with_collisions(work.path());
    let before = contents(&vault);

    let stderr = fails(lifeboat(&vault).args(["restore", "latest", "--overwrite", "--to"]).arg(&vault), 2);
    assert!(stderr.contains("inside the vault"), "{stderr}");
    // Not yet existing, reached through `..` from a folder that does not exist either: still inside.
    let sneaky = vault.join("data/new/../../snapshots/restored");
    let stderr = fails(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&sneaky), 2);
    assert!(stderr.contains("inside the vault"), "{stderr}");
    assert!(!vault.join("data/new").exists(), "a refused restore creates nothing");
    // Through a link to the vault.
    std::os::unix::fs::symlink(&vault, work.path().join("link")).unwrap();
    let through_link = work.path().join("link/restored");
    let stderr = fails(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&through_link), 2);
    assert!(stderr.contains("inside the vault"), "{stderr}");
    // The folder holding the vault.
    let stderr =
        fails(lifeboat(&vault).args(["restore", "latest", "--overwrite", "--to"]).arg(work.path()), 2);
    assert!(stderr.contains("holds the vault"), "{stderr}");
    // Exports, to a file and to a folder.
    let stderr = fails(
        lifeboat(&vault).args(["export", "latest", "--format", "zip", "--out"]).arg(vault.join("config")),
        2,
    );
    assert!(stderr.contains("inside the vault"), "{stderr}");
    let stderr = fails(
        lifeboat(&vault).args(["export", "latest", "--format", "photos", "--out"]).arg(vault.join("photos")),
        2,
    );
    assert!(stderr.contains("inside the vault"), "{stderr}");
    assert!(!vault.join("photos").exists());

    // A vault whose marker file is lost is still recognised by its folders.
    let other = work.path().join("other vault");
    init_vault(&other);
    fs::remove_file(other.join("lifeboat-vault.json")).unwrap();
    let stderr = fails(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(other.join("x")), 2);
    assert!(stderr.contains("inside the vault"), "{stderr}");

    assert_eq!(contents(&vault), before, "the vault is untouched");
    ok(lifeboat(&vault).arg("verify"));
    // An ordinary folder beside the vault is fine.
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(work.path().join("restored")));
    assert_eq!(fs::read(work.path().join("restored/config")).unwrap(), b"not the vault's config");
}
