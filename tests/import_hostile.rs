//! Other tools' files made by an attacker or damaged by bad luck (issue 10): an iPhone backup whose file list
//! points outside its folder or whose content files are links, a folder holding links out of itself, `adb
//! backup` files cut short, imports where nothing can be read, FIFOs named like exports, and records too large
//! to hold. Each test names the finding it guards.

mod common;
#[path = "common/ios_backup.rs"]
mod ios_backup;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::walk::Collect;
use ios_backup::{build_backup, file};
use lifeboat::data::CategorySet;
use lifeboat::device::Device;
use lifeboat::device::ios::ItunesBackupDevice;
use lifeboat::engine::Cancel;
use rusqlite::Connection;
use sha1::{Digest, Sha1};

const SECRET: &[u8] = b"root:secret-hash-that-must-never-be-read";

/// A small plain backup with two ordinary files, and a secret file next to (outside) its folder.
fn small_backup(work: &Path) -> (PathBuf, PathBuf) {
    let files = vec![
        file("HomeDomain", "Library/Preferences/a.plist", b"first file".to_vec()),
        file("HomeDomain", "Library/Preferences/b.plist", b"second file".to_vec()),
    ];
    let root = build_backup(work, "backup", &files, None);
    let secret = work.join("secret.txt");
    fs::write(&secret, SECRET).unwrap();
    (root, secret)
}

fn file_id(domain: &str, path: &str) -> String {
    hex::encode(Sha1::digest(format!("{domain}-{path}")))
}

fn open_device(root: &Path) -> ItunesBackupDevice {
    ItunesBackupDevice::open(root, None, &mut |_, _| {}, &Cancel::new()).unwrap()
}

/// Every byte the device delivers for the entries its walk lists, with the paths that could not be opened.
fn read_everything(device: &dyn Device, walk: &Collect) -> (Vec<u8>, Vec<String>) {
    let mut all = Vec::new();
    let mut refused = Vec::new();
    for entry in walk.entries.iter().filter(|e| e.is_file()) {
        match device.open(entry) {
            Ok(mut reader) => {
                let _ = reader.read_to_end(&mut all);
            }
            Err(e) => refused.push(format!("{}: {e}", entry.path)),
        }
    }
    (all, refused)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// Issue 10, finding 7: a fileID of `../../…/secret` in Manifest.db was read into the vault.
#[test]
fn an_iphone_file_id_that_climbs_out_of_the_backup_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let (root, secret) = small_backup(work.path());
    let climb = format!("{}{}", "../".repeat(12), secret.display().to_string().trim_start_matches('/'));
    let conn = Connection::open(root.join("Manifest.db")).unwrap();
    conn.execute("UPDATE Files SET fileID = ?1 WHERE relativePath = 'Library/Preferences/b.plist'", [&climb])
        .unwrap();
    drop(conn);

    let device = open_device(&root);
    let walk = Collect::walk(&device, &CategorySet::all());
    let (bytes, _) = read_everything(&device, &walk);
    assert!(!contains(&bytes, SECRET), "the file outside the backup was read");
    assert!(contains(&bytes, b"first file"), "the other files are still read");
    let (what, reason) = walk
        .skipped
        .iter()
        .find(|(what, _)| what.contains("b.plist"))
        .unwrap_or_else(|| panic!("the row is named as left out: {:?}", walk.skipped));
    assert!(reason.contains("40 hexadecimal digits"), "{what}: {reason}");
}

// Issue 10, finding 7: a content file that is a symbolic link was followed.
#[cfg(unix)]
#[test]
fn an_iphone_content_file_that_is_a_link_is_not_followed() {
    let work = tempfile::tempdir().unwrap();
    let (root, secret) = small_backup(work.path());
    let id = file_id("HomeDomain", "Library/Preferences/b.plist");
    let stored = root.join(&id[..2]).join(&id);
    fs::remove_file(&stored).unwrap();
    std::os::unix::fs::symlink(&secret, &stored).unwrap();

    let device = open_device(&root);
    let walk = Collect::walk(&device, &CategorySet::all());
    let (bytes, _) = read_everything(&device, &walk);
    assert!(!contains(&bytes, SECRET), "the link was followed");
    assert!(contains(&bytes, b"first file"));
    let reason = walk
        .skipped
        .iter()
        .find(|(what, _)| what.contains("b.plist"))
        .map(|(_, reason)| reason.clone())
        .unwrap_or_else(|| panic!("the linked file is named as left out: {:?}", walk.skipped));
    assert!(reason.contains("symbolic link"), "{reason}");
}

// Issue 10, finding 7: a hashed folder (`ab/`) that is a link to a folder outside the backup, holding a file
// under the right name, was read through.
#[cfg(unix)]
#[test]
fn an_iphone_hash_folder_that_is_a_link_is_not_read_through() {
    let work = tempfile::tempdir().unwrap();
    let (root, _) = small_backup(work.path());
    let id = file_id("HomeDomain", "Library/Preferences/b.plist");
    let elsewhere = work.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join(&id), SECRET).unwrap();
    let a_id = file_id("HomeDomain", "Library/Preferences/a.plist");
    assert_ne!(a_id[..2], id[..2], "the fixture needs the two files in different folders");
    fs::remove_dir_all(root.join(&id[..2])).unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join(&id[..2])).unwrap();

    let device = open_device(&root);
    let walk = Collect::walk(&device, &CategorySet::all());
    let (bytes, _) = read_everything(&device, &walk);
    assert!(!contains(&bytes, SECRET), "the linked folder was read through");
    assert!(contains(&bytes, b"first file"));
}

// Issue 10, finding 7: the backup's own plists are read too; a link there must not be followed either.
#[cfg(unix)]
#[test]
fn an_iphone_backup_whose_plist_is_a_link_does_not_read_it() {
    let work = tempfile::tempdir().unwrap();
    let (root, secret) = small_backup(work.path());
    fs::remove_file(root.join("Status.plist")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join("Status.plist")).unwrap();
    let error = ItunesBackupDevice::open(&root, None, &mut |_, _| {}, &Cancel::new())
        .err()
        .expect("a backup whose Status.plist is a link is refused");
    let message = error.to_string();
    assert!(message.contains("Status.plist") && message.contains("symbolic link"), "{message}");
    assert!(!message.contains("secret-hash"), "{message}");
}

// Issue 10, finding 7: a folder read (an SD card) followed a link out of the folder when a file listed by the
// walk was a link by the time it was read, or a folder on its way had become one.
#[cfg(unix)]
#[test]
fn a_folder_read_never_follows_a_link_out_of_the_folder() {
    use lifeboat::device::folder::FolderDevice;
    let work = tempfile::tempdir().unwrap();
    let secret = work.path().join("secret.txt");
    fs::write(&secret, SECRET).unwrap();
    let card = work.path().join("card");
    fs::create_dir_all(card.join("DCIM")).unwrap();
    fs::write(card.join("notes.txt"), b"my notes").unwrap();
    fs::write(card.join("DCIM/photo.jpg"), b"jpeg bytes").unwrap();
    std::os::unix::fs::symlink(&secret, card.join("link.txt")).unwrap();

    let device = FolderDevice::new(&card).unwrap();
    let walk = Collect::walk(&device, &CategorySet::all());
    let link = walk.find("link.txt");
    assert!(!link.is_file(), "a link is listed as a link, not as the file it points to: {link:?}");
    let (bytes, _) = read_everything(&device, &walk);
    assert!(!contains(&bytes, SECRET));

    // Swapped between the walk and the read: a file for a link, a folder for a link to a folder outside.
    fs::remove_file(card.join("notes.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, card.join("notes.txt")).unwrap();
    let elsewhere = work.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join("photo.jpg"), SECRET).unwrap();
    fs::remove_dir_all(card.join("DCIM")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, card.join("DCIM")).unwrap();
    for path in ["notes.txt", "DCIM/photo.jpg"] {
        let mut bytes = Vec::new();
        let read = device.open(walk.find(path)).and_then(|mut r| {
            r.read_to_end(&mut bytes).map_err(|e| lifeboat::device::DeviceError::io("read", path, e))
        });
        assert!(!contains(&bytes, SECRET), "{path}: the link was followed");
        let error = read.err().unwrap_or_else(|| panic!("{path} is refused")).to_string();
        assert!(error.contains("symbolic link") || error.contains("outside"), "{path}: {error}");
    }
}
