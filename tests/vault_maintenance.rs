//! Forget, prune and password changes: space comes back, what is kept stays whole, and a new password opens
//! the vault while the old one no longer does.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn vault_bytes(vault: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![vault.join("data")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    total
}

#[test]
fn forget_and_prune_reclaim_space_and_keep_the_rest_whole() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(source.join("DCIM")).unwrap();
    for n in 0..6 {
        write_noise_file(&source.join(format!("DCIM/old-{n}.jpg")), 3_000_000, n);
    }
    fs::write(source.join("keep.txt"), b"kept").unwrap();
    init_vault(&vault);
    let first = json(&ok(lifeboat(&vault).args(["backup", "--json", "--from"]).arg(&source)));
    for n in 0..6 {
        fs::remove_file(source.join(format!("DCIM/old-{n}.jpg"))).unwrap();
    }
    write_noise_file(&source.join("DCIM/new.jpg"), 3_000_000, 77);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    let before = vault_bytes(&vault);

    let short = first["snapshot"]["short_id"].as_str().unwrap().to_string();
    ok(lifeboat(&vault).args(["forget", &short]));
    ok(lifeboat(&vault).arg("prune"));
    let after = vault_bytes(&vault);
    assert!(after < before - 15_000_000, "prune freed {} of {before} bytes", before - after);

    ok(lifeboat(&vault).arg("verify"));
    let target = work.path().join("restored");
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target));
    assert_same_tree(&source, &target);
    // Pruning again finds nothing to do.
    let output = ok(lifeboat(&vault).arg("prune"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 packs removed"));
}

#[test]
fn passwd_changes_the_password_without_touching_the_data() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(&source).unwrap();
    fs::write(source.join("a.txt"), b"a").unwrap();
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    let packs_before = vault_bytes(&vault);
    ok(lifeboat(&vault).arg("passwd").env("LIFEBOAT_NEW_PASSWORD", "a new password"));
    fails(lifeboat(&vault).arg("snapshots"), 3);
    ok(lifeboat(&vault).arg("snapshots").env("LIFEBOAT_PASSWORD", "a new password"));
    assert_eq!(vault_bytes(&vault), packs_before, "no data was re-encrypted");
    assert_eq!(fs::read_dir(vault.join("keys")).unwrap().count(), 1, "the old key slot is gone");
}

#[test]
fn commands_on_a_missing_vault_say_how_to_make_one() {
    let work = tempfile::tempdir().unwrap();
    let stderr = fails(lifeboat(&work.path().join("nothing here")).arg("snapshots"), 1);
    assert!(stderr.contains("lifeboat vault init"), "{stderr}");
    let vault = work.path().join("vault");
    init_vault(&vault);
    let stderr = fails(lifeboat(&vault).args(["vault", "init"]), 1);
    assert!(stderr.contains("already exists"), "{stderr}");
    let stderr = fails(lifeboat(&vault).args(["restore", "beef", "--to", "/tmp/x"]), 1);
    assert!(stderr.contains("no snapshot matches"), "{stderr}");
}
