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
    assert_eq!(fs::read_dir(vault.join("keys")).unwrap().count(), 2, "the old password's slot is gone");
}

#[test]
fn commands_on_a_missing_vault_say_how_to_make_one() {
    let work = tempfile::tempdir().unwrap();
    let stderr = fails(lifeboat(&work.path().join("nothing here")).arg("snapshots"), 1);
    assert!(stderr.contains("lifeboat vault init"), "{stderr}");
    let vault = work.path().join("vault");
    init_vault(&vault);
    let stderr = fails(lifeboat(&vault).args(["vault", "init"]), 1);
    assert!(stderr.contains("already holds a Lifeboat vault"), "{stderr}");
    let stderr = fails(lifeboat(&vault).args(["restore", "beef", "--to", "/tmp/x"]), 1);
    assert!(stderr.contains("no snapshot matches"), "{stderr}");
}

// Issue 10, finding 1: with its marker lost, every command said there was no vault and advised `vault init`,
// which then overwrote the config and made every backup unreadable.
#[test]
fn a_vault_whose_marker_is_lost_still_opens_and_init_leaves_it_alone() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(&source).unwrap();
    fs::write(source.join("a.txt"), b"a").unwrap();
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    fs::remove_file(vault.join("lifeboat-vault.json")).unwrap();
    let config = fs::read(vault.join("config")).unwrap();

    let stderr = fails(lifeboat(&vault).args(["vault", "init"]), 1);
    assert!(stderr.contains("already holds a Lifeboat vault"), "{stderr}");
    let stderr = fails(lifeboat(&vault).args(["vault", "init", "--allow-non-empty"]), 1);
    assert!(stderr.contains("already holds a Lifeboat vault"), "{stderr}");
    assert_eq!(fs::read(vault.join("config")).unwrap(), config);
    let snapshots = json(&ok(lifeboat(&vault).args(["snapshots", "--json"])));
    assert_eq!(snapshots.as_array().unwrap().len(), 1);
    let target = work.path().join("restored");
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target));
    assert_same_tree(&source, &target);

    // A folder with someone's files in it is refused too, unless asked.
    let stderr = fails(lifeboat(&source).args(["vault", "init"]), 1);
    assert!(stderr.contains("is not empty"), "{stderr}");
    ok(lifeboat(&source).args(["vault", "init", "--allow-non-empty"]));
    assert_eq!(fs::read(source.join("a.txt")).unwrap(), b"a");
}

// Issue 10, finding 17: pack files were created 0644 and folders 0755 while the rest of the vault was 0600.
#[test]
fn everything_in_a_vault_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(&source).unwrap();
    write_noise_file(&source.join("photo.jpg"), 2_000_000, 1);
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    let mut stack = vec![vault.clone()];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} is {mode:o}", dir.display());
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                files += 1;
                let mode = meta.permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{} is {mode:o}", entry.path().display());
            }
        }
    }
    assert!(files >= 6, "packs, index, snapshot, config, key slot, marker: {files}");
}

/// Whether this machine lets a test mount a small disk of its own (a user and mount namespace).
fn can_mount_a_small_disk() -> bool {
    std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "true"])
        .status()
        .is_ok_and(|status| status.success())
}

// Issue 10, finding 6: on a completely full disk `forget` and `prune` could not write their lock, so the vault
// could not free its own space. Proven on a real full file system: a 40 MB tmpfs in a mount namespace.
#[test]
fn on_a_full_disk_forget_and_prune_still_free_space() {
    if !can_mount_a_small_disk() {
        assert!(std::env::var_os("CI").is_none(), "CI must be able to mount a tmpfs in a user namespace");
        eprintln!("skipped: this machine does not allow a user namespace to mount a tmpfs");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (disk, restored) = (work.path().join("disk"), work.path().join("restored"));
    fs::create_dir_all(&disk).unwrap();
    let script = r#"
        set -eu
        mount -t tmpfs -o size=40m lifeboat-test "$DISK"
        mkdir -p "$DISK/source/DCIM"
        lb() { "$LIFEBOAT" --vault "$DISK/vault" "$@"; }
        id() { sed -n 's/.*"short_id": *"\([0-9a-f]*\)".*/\1/p' | head -n 1; }
        lb vault init --kdf-memory-mib 8 --kdf-passes 1
        for n in 1 2 3; do head -c 4000000 /dev/urandom > "$DISK/source/DCIM/IMG_$n.jpg"; done
        first=$(lb backup --json --from "$DISK/source" | id)
        rm "$DISK/source/DCIM/IMG_1.jpg" "$DISK/source/DCIM/IMG_2.jpg"
        for n in 4 5; do head -c 4000000 /dev/urandom > "$DISK/source/DCIM/IMG_$n.jpg"; done
        second=$(lb backup --json --from "$DISK/source" | id)
        rm "$DISK/source/DCIM/IMG_4.jpg" "$DISK/source/DCIM/IMG_5.jpg"
        lb backup --from "$DISK/source" > /dev/null
        cat /dev/zero > "$DISK/filler" 2> /dev/null || true
        echo "free before: $(df --output=avail -B1 "$DISK" | tail -n 1)"
        lb forget "$first" "$second"
        lb prune
        echo "free after: $(df --output=avail -B1 "$DISK" | tail -n 1)"
        lb verify
        lb restore latest --to "$RESTORED"
        cp -p "$DISK/source/DCIM/IMG_3.jpg" "$RESTORED.expected"
    "#;
    let output = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script])
        .env("LIFEBOAT", env!("CARGO_BIN_EXE_lifeboat"))
        .env("DISK", &disk)
        .env("RESTORED", &restored)
        .env("LIFEBOAT_PASSWORD", PASSWORD)
        .env("LIFEBOAT_LANG", "en")
        .env("XDG_DATA_HOME", work.path().join("xdg-data"))
        .env("XDG_STATE_HOME", work.path().join("xdg-state"))
        .env("HOME", work.path().join("home"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&output.stderr));
    let free = |label: &str| -> u64 {
        let line = stdout.lines().find(|l| l.starts_with(label)).unwrap();
        line[label.len()..].trim().parse().unwrap()
    };
    assert!(free("free before:") < 100_000, "the disk was full: {stdout}");
    assert!(free("free after:") > 7_000_000, "prune freed the two unused photos: {stdout}");
    assert!(stdout.contains("kept as they are"), "{stdout}");
    assert_eq!(hash_file(&restored.join("DCIM/IMG_3.jpg")), hash_file(&restored.with_extension("expected")));
}

/// The recovery code printed by `vault init` or `vault recovery-code`.
fn recovery_code(output: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().map(str::trim).find(|l| l.len() == 44 && l.matches('-').count() == 8);
    line.unwrap_or_else(|| panic!("no recovery code in {stdout}")).to_owned()
}

// Issue 10, finding 20: a forgotten password was the end of every backup. A recovery code, printed at `vault
// init`, opens the vault, sets a new password (the forgotten one stops working) and can be made anew.
#[test]
fn a_recovery_code_sets_a_new_password_when_the_old_one_is_forgotten() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(&source).unwrap();
    fs::write(source.join("a.txt"), b"a").unwrap();
    let code = recovery_code(&ok(lifeboat(&vault).args(["vault", "init", "--kdf-memory-mib", "8"])));
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));

    let typed = code.to_lowercase().replace('-', " ");
    let output = ok(lifeboat(&vault)
        .arg("passwd")
        .env("LIFEBOAT_PASSWORD", &typed)
        .env("LIFEBOAT_NEW_PASSWORD", "a new password"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("recovery code"));
    fails(lifeboat(&vault).arg("snapshots"), 3);
    ok(lifeboat(&vault).arg("snapshots").env("LIFEBOAT_PASSWORD", "a new password"));

    let newer = recovery_code(&ok(lifeboat(&vault)
        .args(["vault", "recovery-code"])
        .env("LIFEBOAT_PASSWORD", "a new password")));
    assert_ne!(newer, code);
    fails(lifeboat(&vault).arg("snapshots").env("LIFEBOAT_PASSWORD", &code), 3);
    let target = work.path().join("restored");
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target).env("LIFEBOAT_PASSWORD", &newer));
    assert_same_tree(&source, &target);

    let mut typo = newer.clone().into_bytes();
    typo[0] = if typo[0] == b'A' { b'B' } else { b'A' };
    let stderr = fails(
        lifeboat(&vault).arg("snapshots").env("LIFEBOAT_PASSWORD", String::from_utf8(typo).unwrap()),
        3,
    );
    assert!(stderr.contains("typo"), "{stderr}");
}
