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

// Issue 10, finding 11: `export --out FILE` replaced an existing file without asking, and an export that left
// items out (files already in the target folder) exited 0.
#[test]
fn export_never_replaces_a_file_unless_asked_and_says_what_it_left_out() {
    let work = tempfile::tempdir().unwrap();
    let vault = vault_with_collisions(work.path());
    let out = work.path().join("photos.zip");
    fs::write(&out, b"the person's own file").unwrap();
    let stderr = fails(lifeboat(&vault).args(["export", "latest", "--format", "zip", "--out"]).arg(&out), 1);
    assert!(stderr.contains("--overwrite"), "{stderr}");
    assert_eq!(fs::read(&out).unwrap(), b"the person's own file");
    ok(lifeboat(&vault).args(["export", "latest", "--format", "zip", "--overwrite", "--out"]).arg(&out));
    assert_eq!(&fs::read(&out).unwrap()[..2], b"PK", "replaced when asked");

    let folder = work.path().join("photos");
    ok(lifeboat(&vault).args(["export", "latest", "--format", "photos", "--out"]).arg(&folder));
    fs::write(folder.join("DCIM/photo.jpg"), b"edited").unwrap();
    let stderr =
        fails(lifeboat(&vault).args(["export", "latest", "--format", "photos", "--out"]).arg(&folder), 6);
    assert!(stderr.contains("not exported"), "{stderr}");
    assert_eq!(fs::read(folder.join("DCIM/photo.jpg")).unwrap(), b"edited");
    ok(lifeboat(&vault)
        .args(["export", "latest", "--format", "photos", "--overwrite", "--out"])
        .arg(&folder));
    assert_eq!(fs::read(folder.join("DCIM/photo.jpg")).unwrap(), b"jpeg");
    let leftovers: Vec<_> = fs::read_dir(work.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".lifeboat"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files are left beside the export");
}

/// Creates `depth` nested folders of 200-byte names under `root`, then a file in the deepest: a path longer than
/// the system's limit (4,096 bytes), which only folder-relative calls can make.
fn make_too_deep(root: &Path, depth: usize) {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let name = CString::new("d".repeat(200)).unwrap();
    let root = CString::new(root.as_os_str().as_bytes()).unwrap();
    // SAFETY: plain POSIX calls on descriptors this function opens and closes, with NUL-terminated names.
    unsafe {
        let mut fd = libc::open(root.as_ptr(), libc::O_DIRECTORY | libc::O_RDONLY);
        assert!(fd >= 0);
        for _ in 0..depth {
            assert_eq!(libc::mkdirat(fd, name.as_ptr(), 0o755), 0);
            let next = libc::openat(fd, name.as_ptr(), libc::O_DIRECTORY | libc::O_RDONLY);
            assert!(next >= 0);
            libc::close(fd);
            fd = next;
        }
        let file = CString::new("deep.txt").unwrap();
        let f = libc::openat(fd, file.as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o644);
        assert!(f >= 0);
        libc::close(f);
        libc::close(fd);
    }
}

// Issue 10, finding 12: files left out of a backup (a name that is not UTF-8, a path over the system's limit)
// gave exit 0, so a script could not tell that the backup was missing them.
#[test]
fn a_backup_that_left_files_out_says_so_and_exits_6() {
    use std::os::unix::ffi::OsStrExt;
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(&source).unwrap();
    fs::write(source.join("kept.txt"), b"kept").unwrap();
    fs::write(source.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), b"latin-1 name").unwrap();
    make_too_deep(&source, 22);
    init_vault(&vault);

    let output = lifeboat(&vault).args(["backup", "--from"]).arg(&source).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(6), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("not valid UTF-8"), "the summary names the name: {stdout}");
    assert!(stdout.contains("dddd"), "the summary names the deep folder: {stdout}");
    assert!(stderr.contains("2 items were left out"), "{stderr}");

    // The backup itself is kept, complete with everything else; --json says what was left out too.
    let listed = json(&ok(lifeboat(&vault).args(["snapshots", "--json"])));
    assert_eq!(listed[0]["complete"], true, "{listed}");
    assert_eq!(listed[0]["skipped"].as_array().unwrap().len(), 2, "{listed}");
    let output = lifeboat(&vault).args(["backup", "--json", "--from"]).arg(&source).output().unwrap();
    assert_eq!(output.status.code(), Some(6));
    assert_eq!(json(&output)["left_out"], 2);
}

/// Whether `bytes` hold a terminal control character: C0 (ESC, BEL, CR, backspace...) or C1 (CSI...), other
/// than the line breaks of the output itself.
fn has_control(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).chars().any(|c| c.is_control() && c != '\n')
}

// Issue 10, finding 8: names from a folder or device, and warnings quoting them, reached the terminal raw, so a
// file named with an escape sequence could rewrite the screen, the window title or the clipboard.
#[test]
fn text_from_outside_reaches_the_terminal_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("phone\x1b]0;owned\x07"), work.path().join("vault"));
    fs::create_dir_all(source.join("DCIM")).unwrap();
    fs::write(source.join("DCIM/red\x1b[31m\r\u{9b}2J.jpg"), b"jpeg").unwrap();
    fs::write(source.join("tab\there.txt"), b"text").unwrap();
    // Left out (not UTF-8), so its name is quoted in a warning.
    fs::write(source.join(std::ffi::OsStr::from_bytes(b"\x1b[2J\xff.txt")), b"x").unwrap();
    init_vault(&vault);

    let backup = lifeboat(&vault).args(["backup", "--from"]).arg(&source).output().unwrap();
    let snapshots = ok(lifeboat(&vault).arg("snapshots"));
    let ls = ok(lifeboat(&vault).args(["ls", "latest"]));
    let restore =
        lifeboat(&vault).args(["restore", "latest", "--to"]).arg(work.path().join("back")).output().unwrap();
    let again =
        lifeboat(&vault).args(["restore", "latest", "--to"]).arg(work.path().join("back")).output().unwrap();
    for (what, output) in [
        ("backup", &backup),
        ("snapshots", &snapshots),
        ("ls", &ls),
        ("restore", &restore),
        ("restore again", &again),
    ] {
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !has_control(bytes),
                "{what} {stream} holds a raw control character: {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
    let listing = String::from_utf8_lossy(&ls.stdout);
    assert!(listing.contains(r"DCIM/red\u{1b}[31m\r\u{9b}2J.jpg"), "the name is shown, escaped: {listing}");
    assert!(listing.contains(r"tab\there.txt"), "{listing}");
    let device = String::from_utf8_lossy(&snapshots.stdout);
    assert!(device.contains(r"phone\u{1b}]0;owned\u{7}"), "{device}");
    assert!(String::from_utf8_lossy(&again.stdout).contains(r"red\u{1b}[31m"), "the refused file is named");
    // What was written to disk is the real name, byte for byte.
    assert_eq!(fs::read(work.path().join("back/DCIM/red\x1b[31m\r\u{9b}2J.jpg")).unwrap(), b"jpeg");
}

// Issue 10, finding 14: a LIFEBOAT_PASSWORD that is not valid UTF-8 was reported as no password at all.
#[test]
fn a_password_variable_that_is_not_utf8_is_named_as_such() {
    use std::os::unix::ffi::OsStrExt;
    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    init_vault(&vault);
    let bad = std::ffi::OsStr::from_bytes(b"caf\xe9");
    let stderr = fails(
        lifeboat(&vault).arg("snapshots").env("LIFEBOAT_PASSWORD", bad).stdin(std::process::Stdio::null()),
        2,
    );
    assert!(stderr.contains("LIFEBOAT_PASSWORD is not valid UTF-8"), "{stderr}");
    let stderr = fails(
        lifeboat(&vault).arg("passwd").env("LIFEBOAT_NEW_PASSWORD", bad).stdin(std::process::Stdio::null()),
        2,
    );
    assert!(stderr.contains("LIFEBOAT_NEW_PASSWORD is not valid UTF-8"), "{stderr}");
}

/// The permission bits of `path`.
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

// Issue 10, finding 17: the log, restored and exported personal data were created 0644 / 0755 (readable by every
// user of the computer); everything Lifeboat writes about a person must be private to them.
#[test]
fn what_lifeboat_writes_about_a_person_is_private() {
    let work = tempfile::tempdir().unwrap();
    // A umask that lets everyone read, as on many systems.
    // SAFETY: umask(2) only changes this test process's mask, which children inherit; no other test here
    // depends on it.
    unsafe { libc::umask(0o022) };
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(source.join("DCIM/Camera")).unwrap();
    fs::write(source.join("DCIM/Camera/photo.jpg"), b"jpeg").unwrap();
    fs::write(source.join("contacts.vcf"), b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n").unwrap();
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));

    let log = vault.with_extension("xdg-state").join("lifeboat/lifeboat.log");
    assert_eq!(mode(&log), 0o600, "the log");
    assert_eq!(mode(log.parent().unwrap()), 0o700, "the log's folder");

    let restored = work.path().join("restored");
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&restored));
    assert_eq!(mode(&restored), 0o700, "the restore folder Lifeboat created");
    assert_eq!(mode(&restored.join("DCIM")), 0o700, "folders inside it");
    assert_eq!(mode(&restored.join("DCIM/Camera/photo.jpg")), 0o600, "restored files");

    for (format, name) in [("vcf", "contacts.vcf"), ("zip", "photos.zip")] {
        let out = work.path().join(name);
        ok(lifeboat(&vault).args(["export", "latest", "--format", format, "--out"]).arg(&out));
        assert_eq!(mode(&out), 0o600, "{format} export");
    }
    let folder = work.path().join("exported photos");
    ok(lifeboat(&vault).args(["export", "latest", "--format", "photos", "--out"]).arg(&folder));
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&folder.join("DCIM/Camera/photo.jpg")), 0o600);

    // A folder the person made stays as they made it.
    let theirs = work.path().join("theirs");
    fs::create_dir(&theirs).unwrap();
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&theirs));
    assert_eq!(mode(&theirs), 0o755);
}

// Issue 10, finding 3, as the app restores: the engine itself refuses a folder device inside the vault, so every
// face gets the check, not only the command line.
#[test]
fn the_engine_refuses_a_restore_into_the_vault_from_any_face() {
    use lifeboat::device::folder::FolderDevice;
    use lifeboat::engine::{self, Cancel, EngineError, RestoreOptions, Silent};
    use lifeboat::vault::Vault;
    let work = tempfile::tempdir().unwrap();
    let vault_path = vault_with_collisions(work.path());
    let before = contents(&vault_path);
    let vault = Vault::open(&vault_path, PASSWORD).unwrap();
    let snapshot = vault.find_snapshot("latest").unwrap();
    let options =
        RestoreOptions { policy: lifeboat::device::RestorePolicy { overwrite: true }, ..Default::default() };
    for target in [vault_path.clone(), vault_path.join("snapshots")] {
        let device = FolderDevice::new(&target).unwrap();
        let error =
            engine::restore(&vault, &snapshot, &device, &options, &Silent, &Cancel::new()).unwrap_err();
        assert!(matches!(error, EngineError::TargetInVault { .. }), "{error:?}");
    }
    let device = FolderDevice::new(work.path()).unwrap();
    let error = engine::restore(&vault, &snapshot, &device, &options, &Silent, &Cancel::new()).unwrap_err();
    assert!(matches!(error, EngineError::TargetHoldsVault { .. }), "{error:?}");
    assert_eq!(contents(&vault_path), before, "the vault is untouched");
}
