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

// Issue 10, finding 14: one Manifest.db row whose NSKeyedArchiver metadata is damaged failed the whole iPhone
// import with the plist crate's debug text; it is left out with a sentence and the rest is read.
#[test]
fn one_damaged_iphone_metadata_blob_leaves_out_that_file_only() {
    let work = tempfile::tempdir().unwrap();
    let (root, _) = small_backup(work.path());
    let conn = Connection::open(root.join("Manifest.db")).unwrap();
    conn.execute(
        "UPDATE Files SET file = X'62706c6973743030d4' WHERE relativePath = 'Library/Preferences/b.plist'",
        [],
    )
    .unwrap();
    drop(conn);
    let device = open_device(&root);
    let walk = Collect::walk(&device, &CategorySet::all());
    let (bytes, _) = read_everything(&device, &walk);
    assert!(contains(&bytes, b"first file"), "the other files are read");
    let (_, reason) = walk
        .skipped
        .iter()
        .find(|(what, _)| what == "HomeDomain/Library/Preferences/b.plist")
        .unwrap_or_else(|| panic!("the file is named as left out: {:?}", walk.skipped));
    assert!(reason.contains("metadata") && reason.contains("not read"), "{reason}");
    assert!(!reason.contains("Eof") && !reason.contains("Invalid") && !reason.contains('{'), "{reason}");
}

// ---- adb backup files ----

/// A plain, uncompressed version-5 `.ab` holding `files` as a tar stream.
fn ab_file(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, content) in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, path, &content[..]).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut ab = b"ANDROID BACKUP\n5\n0\nnone\n".to_vec();
    ab.extend_from_slice(&tar);
    ab
}

// Issue 10, finding 9: an `.ab` whose last tar entry is cut short stored the fragment as a complete file, and
// the warning did not name it.
#[test]
fn an_adb_backup_cut_inside_its_last_entry_keeps_only_complete_entries() {
    use lifeboat::device::import::android_backup::AndroidBackupDevice;
    let work = tempfile::tempdir().unwrap();
    let first = vec![b'a'; 1000];
    let second = vec![b'b'; 5000];
    let whole = ab_file(&[("shared/0/first.txt", first.clone()), ("shared/0/second.txt", second)]);
    // Cut 2,000 bytes into the second file's data: its header says 5,000.
    let header_len = b"ANDROID BACKUP\n5\n0\nnone\n".len();
    let second_data = header_len + 512 + 1024 + 512;
    let cut = work.path().join("cut.ab");
    fs::write(&cut, &whole[..second_data + 2000]).unwrap();

    let device = AndroidBackupDevice::open(&cut, None).unwrap();
    let walk = Collect::walk(&device, &CategorySet::all());
    assert_eq!(walk.read(&device, "Raw/android-backup/shared/0/first.txt"), first);
    assert!(
        !walk.entries.iter().any(|e| e.path.as_str().ends_with("second.txt")),
        "the fragment is not kept as a file: {:?}",
        walk.entries
    );
    let (_, reason) = walk
        .skipped
        .iter()
        .find(|(what, _)| what.contains("shared/0/second.txt"))
        .unwrap_or_else(|| panic!("the cut entry is named: {:?}", walk.skipped));
    assert!(reason.contains("2000") && reason.contains("5000"), "{reason}");
}

// ---- through the command line ----

fn import(vault: &Path, file: &Path) -> std::process::Command {
    let mut command = common::lifeboat(vault);
    command.arg("import").arg(file).env_remove("LIFEBOAT_BACKUP_PASSWORD");
    command
}

fn snapshot_count(vault: &Path) -> usize {
    let listed = common::json(&common::ok(common::lifeboat(vault).args(["snapshots", "--json"])));
    listed.as_array().map_or(0, Vec::len)
}

// Issue 10, finding 10: an import where no record could be read finished as a complete snapshot of nothing,
// with exit 0 and without the original file.
#[test]
fn an_import_where_no_record_can_be_read_fails_and_stores_nothing() {
    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    common::init_vault(&vault);
    let cases: [(&str, &[u8]); 4] = [
        ("cards.vcf", b"BEGIN:VCARD\nnot a property\nEND:VCARD\nBEGIN:VCARD\nnor this\nEND:VCARD\n"),
        (
            "invalid.xml",
            b"<?xml version=\"1.0\"?>\n<smses count=\"2\">\n<sms address=\"1\" body=\"x\" />\n<sms date=\"today\" type=\"1\" />\n</smses>\n",
        ),
        ("truncated.xml", b"<?xml version=\"1.0\"?>\n<smses count=\"2\">\n<sms address=\"1\" date=\"1\" type=\"1\" bo"),
        ("header-only.ab", b"ANDROID BACKUP\n5\n0\nnone\n"),
    ];
    for (name, content) in cases {
        let file = work.path().join(name);
        fs::write(&file, content).unwrap();
        let stderr = common::fails(&mut import(&vault, &file), 1);
        assert!(stderr.contains(name) && stderr.contains("nothing was stored"), "{name}: {stderr}");
    }
    assert_eq!(snapshot_count(&vault), 0, "no empty snapshot was written");
}

// Issue 10, finding 10: an import that loses some records says how many and why, and keeps the original.
#[test]
fn a_partly_readable_import_counts_what_was_lost_and_keeps_the_original() {
    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    common::init_vault(&vault);
    let cases: [(&str, &[u8], &str, &str); 2] = [
        (
            "some.xml",
            b"<smses count=\"3\">\n<sms address=\"1\" date=\"1\" type=\"1\" body=\"a\" />\n<sms address=\"2\" date=\"2\" type=\"1\" body=\"b\" />\n<sms address=\"3\" type=\"1\" body=\"c\" />\n</smses>\n",
            "1 of 3 records",
            "Raw/sms-backup-restore/some.xml",
        ),
        (
            "some.vcf",
            b"BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nEND:VCARD\nBEGIN:VCARD\nnot a property\nEND:VCARD\n",
            "1 of 2 records",
            "Raw/vcard/some.vcf",
        ),
    ];
    for (name, content, count, raw) in cases {
        let file = work.path().join(name);
        fs::write(&file, content).unwrap();
        let summary = common::json(&common::ok(import(&vault, &file).arg("--json")));
        let skipped = summary["snapshot"]["skipped"].to_string();
        assert!(skipped.contains(count), "{name}: {skipped}");
        let listing = common::ok(common::lifeboat(&vault).args(["ls", "latest"]));
        assert!(String::from_utf8_lossy(&listing.stdout).contains(raw), "{name}: the original is kept");
    }
}

// Issue 10, finding 14: without a terminal, the missing password of an encrypted `.ab` named LIFEBOAT_PASSWORD
// (the vault's variable) instead of LIFEBOAT_BACKUP_PASSWORD, which the import reads.
#[test]
fn a_missing_backup_password_names_the_variable_the_import_reads() {
    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    common::init_vault(&vault);
    let ab = common::peer_file("android/adb-backup/mvt_backup2_encrypted_pw123456.ab");
    let stderr = common::fails(&mut import(&vault, &ab), 2);
    assert!(stderr.contains("LIFEBOAT_BACKUP_PASSWORD"), "{stderr}");
    assert!(!stderr.contains("set LIFEBOAT_PASSWORD"), "{stderr}");
    // And the variable it names works.
    common::ok(import(&vault, &ab).env("LIFEBOAT_BACKUP_PASSWORD", "123456"));
}

// Issue 10, finding 14: importing a FIFO named `.vcf` waited forever for a writer.
#[cfg(unix)]
#[test]
fn importing_a_fifo_is_refused_at_once() {
    use std::time::{Duration, Instant};
    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    common::init_vault(&vault);
    for name in ["contacts.vcf", "messages.xml", "backup.ab"] {
        let fifo = work.path().join(name);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let mut child = import(&vault, &fifo)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > Duration::from_secs(60) {
                child.kill().unwrap();
                child.wait().unwrap();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let status = status.unwrap_or_else(|| panic!("{name}: the import hangs on a FIFO"));
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        assert!(!status.success(), "{name}");
        assert!(stderr.contains("FIFO"), "{name}: {stderr}");
    }
}

// Issue 10, finding 16: a 300 MB attribute in an SMS XML file took 1.86 GB. An element over the documented
// limit (64 MiB) is refused by name, and the rest of the file's records are kept.
#[test]
fn an_sms_xml_element_over_the_size_limit_is_refused_and_the_rest_kept() {
    use lifeboat::data::Message;
    use lifeboat::data::documents::read_document;
    // The limit docs/imports.md documents (`sms_xml::MAX_ELEMENT_BYTES`).
    const LIMIT: usize = 64 * 1024 * 1024;
    use lifeboat::device::import::documents::DocumentFileDevice;
    use std::io::Write;
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("huge.xml");
    let mut out = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    let huge = vec![b'A'; LIMIT + 1000];
    out.write_all(b"<smses count=\"4\">\n<sms address=\"1\" date=\"1\" type=\"1\" body=\"first\" />\n")
        .unwrap();
    out.write_all(b"<sms address=\"2\" date=\"2\" type=\"1\" body=\"").unwrap();
    out.write_all(&huge).unwrap();
    out.write_all(b"\" />\n<mms date=\"3\" msg_box=\"1\" address=\"3\">\n<parts>\n").unwrap();
    out.write_all(
        b"<part ct=\"text/plain\" text=\"the picture\" />\n<part ct=\"image/jpeg\" name=\"big.jpg\" data=\"",
    )
    .unwrap();
    out.write_all(&huge).unwrap();
    out.write_all(b"\" />\n</parts>\n<addrs><addr address=\"3\" type=\"137\" /></addrs>\n</mms>\n").unwrap();
    out.write_all(b"<sms address=\"4\" date=\"4\" type=\"1\" body=\"last\" />\n</smses>\n").unwrap();
    out.into_inner().unwrap().sync_all().unwrap();
    drop(huge);

    let device = DocumentFileDevice::open(&path).unwrap();
    let walk = Collect::walk(&device, &CategorySet::all());
    let bytes = walk.read(&device, "Messages/messages.jsonl");
    let messages: Vec<Message> = read_document(&bytes[..]).collect::<Result<_, _>>().unwrap();
    // Bodies are shown cut to 20 characters, so a failure does not print 64 MiB.
    let mut bodies: Vec<String> =
        messages.iter().filter_map(|m| m.body.as_ref().map(|b| b.chars().take(20).collect())).collect();
    bodies.sort();
    assert_eq!(bodies, ["first", "last", "the picture"], "the other records are kept");
    let mms = messages.iter().find(|m| m.body.as_deref() == Some("the picture")).unwrap();
    assert_eq!(mms.parts.len(), 1, "the oversized part is left out: {:?}", mms.parts);
    assert!(mms.lost.iter().any(|l| l.contains("<part>") && l.contains("64 MiB")), "{:?}", mms.lost);
    let refused = walk
        .skipped
        .iter()
        .find(|(what, _)| what.ends_with("record 2"))
        .unwrap_or_else(|| panic!("the oversized record is named: {:?}", walk.skipped));
    assert!(refused.1.contains("64 MiB") && refused.1.contains("<sms>"), "{refused:?}");
}

// Issue 10, finding 16: a 50 MB vCard line took 310 MB, because the whole file was read and copied at once.
// The file is read a card at a time; a card over the documented limit (16 MiB) is left out by name and the
// other cards are kept.
#[test]
fn a_vcard_over_the_size_limit_is_left_out_and_the_rest_kept() {
    use lifeboat::data::Contact;
    use lifeboat::data::documents::read_document;
    use lifeboat::device::import::documents::DocumentFileDevice;
    use std::io::Write;
    // The limit docs/imports.md documents (`vcard::MAX_CARD_BYTES`).
    const LIMIT: usize = 16 * 1024 * 1024;
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("big.vcf");
    let mut out = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    out.write_all(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\nEND:VCARD\r\n").unwrap();
    out.write_all(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Huge\r\nPHOTO;ENCODING=b;TYPE=JPEG:").unwrap();
    out.write_all(&vec![b'A'; LIMIT + 1000]).unwrap();
    out.write_all(b"\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carl\r\nEND:VCARD\r\n").unwrap();
    out.into_inner().unwrap().sync_all().unwrap();

    let device = DocumentFileDevice::open(&path).unwrap();
    let walk = Collect::walk(&device, &CategorySet::all());
    let bytes = walk.read(&device, "Contacts/contacts.jsonl");
    let contacts: Vec<Contact> = read_document(&bytes[..]).collect::<Result<_, _>>().unwrap();
    let mut names: Vec<String> = contacts
        .iter()
        .filter_map(|c| c.formatted_name.as_ref().map(|n| n.chars().take(20).collect()))
        .collect();
    names.sort();
    assert_eq!(names, ["Anna", "Carl"], "the other cards are kept");
    let (what, reason) = walk
        .skipped
        .iter()
        .find(|(what, _)| what.contains("card 2"))
        .unwrap_or_else(|| panic!("the large card is named: {:?}", walk.skipped));
    assert!(reason.contains("16 MiB") && reason.contains("left out"), "{what}: {reason}");
    assert!(walk.skipped.iter().any(|(_, r)| r.contains("1 of 3 records")), "{:?}", walk.skipped);
}
