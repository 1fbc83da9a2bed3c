//! End to end through the `lifeboat` binary: back up a difficult tree, restore it, and get back identical
//! bytes and modification times; back it up again unchanged and store nothing new.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn set_mtime(path: &Path, seconds: i64, nanos: u32) {
    filetime::set_symlink_file_times(
        path,
        filetime::FileTime::from_unix_time(seconds, nanos),
        filetime::FileTime::from_unix_time(seconds, nanos),
    )
    .unwrap();
}

/// Thousands of small files, empty files, deep paths, Unicode and odd names, links, an empty folder, and
/// times with nanoseconds and before 1970.
fn difficult_tree(root: &Path) -> usize {
    let mut noise = Noise::new(7);
    let mut files = 0;
    for dir in 0..30 {
        let dir_path = root.join(format!("Documents/folder {dir:02}"));
        fs::create_dir_all(&dir_path).unwrap();
        for file in 0..100 {
            let path = dir_path.join(format!("note-{file:03}.txt"));
            let len = (file * 37 + dir * 11) % 3000;
            fs::write(&path, noise.bytes(len)).unwrap();
            set_mtime(
                &path,
                1_600_000_000 + (dir * 100 + file) as i64,
                (file * 1_000_003 % 1_000_000_000) as u32,
            );
            files += 1;
        }
    }
    fs::create_dir_all(root.join("DCIM/Camera")).unwrap();
    for photo in 0..5 {
        write_noise_file(
            &root.join(format!("DCIM/Camera/IMG_{photo:04}.jpg")),
            3_000_000 + photo * 7919,
            photo,
        );
        files += 1;
    }
    for name in ["empty.txt", "Download/also empty"] {
        fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
        fs::write(root.join(name), b"").unwrap();
        files += 1;
    }
    let deep = (0..60).fold(root.join("deep"), |p, i| p.join(format!("level{i}")));
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bottom.txt"), b"found me").unwrap();
    files += 1;
    let unicode = root.join("Ünïcödé 写真 📷 עברית");
    fs::create_dir_all(&unicode).unwrap();
    for name in
        ["café.vcf", "e\u{301}galité.txt", "line\nbreak.txt", " leading space", "tab\there", "back\\slash"]
    {
        fs::write(unicode.join(name), name.as_bytes()).unwrap();
        files += 1;
    }
    set_mtime(&unicode.join("café.vcf"), -1_000_000, 5);
    fs::create_dir_all(root.join("empty folder")).unwrap();
    std::os::unix::fs::symlink("DCIM/Camera/IMG_0000.jpg", root.join("link to photo")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("link outside")).unwrap();
    std::os::unix::fs::symlink("nowhere", root.join("dangling link")).unwrap();
    files
}

#[test]
fn a_difficult_tree_comes_back_identical_and_a_second_backup_stores_nothing() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault, target) =
        (work.path().join("source"), work.path().join("vault"), work.path().join("restored"));
    fs::create_dir_all(&source).unwrap();
    let files = difficult_tree(&source);
    init_vault(&vault);

    let first = json(&ok(lifeboat(&vault).args(["backup", "--json", "--from"]).arg(&source)));
    assert_eq!(first["snapshot"]["complete"], true);
    assert!(first["items_read"].as_u64().unwrap() >= files as u64);

    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target));
    assert_same_tree(&source, &target);
    assert_eq!(fs::read_link(target.join("link outside")).unwrap(), Path::new("/etc/passwd"));

    let second = json(&ok(lifeboat(&vault).args(["backup", "--json", "--from"]).arg(&source)));
    assert_eq!(second["items_read"], 0, "nothing changed, nothing is read again");
    assert_eq!(second["new_bytes"], 0);
    assert_eq!(second["snapshot"]["parent"], first["snapshot"]["id"]);

    // Names and contents never appear in the vault in plaintext.
    let needle = "Ünïcödé".as_bytes();
    for entry in walk_files(&vault) {
        let bytes = fs::read(&entry).unwrap();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} leaks a file name", entry.display());
        assert!(!bytes.windows(8).any(|w| w == b"found me"), "{} leaks content", entry.display());
    }
}

fn walk_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out
}

#[test]
fn a_file_over_one_gib_streams_through_in_bounded_memory() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault, target) =
        (work.path().join("source"), work.path().join("vault"), work.path().join("restored"));
    fs::create_dir_all(source.join("Movies")).unwrap();
    let big = source.join("Movies/holiday.mp4");
    write_noise_file(&big, (1 << 30) + 12_345, 99);
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));
    ok(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target));
    assert_eq!(hash_file(&big), hash_file(&target.join("Movies/holiday.mp4")));
    assert_same_tree(&source, &target);
    let peak = children_peak_rss();
    assert!(peak < 200 << 20, "peak memory of a child was {} MiB", peak >> 20);
}

#[test]
fn restore_never_overwrites_unless_asked_and_filters_by_category_and_pattern() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault, target) =
        (work.path().join("source"), work.path().join("vault"), work.path().join("restored"));
    fs::create_dir_all(source.join("DCIM")).unwrap();
    fs::write(source.join("DCIM/a.jpg"), b"photo").unwrap();
    fs::write(source.join("friends.vcf"), b"BEGIN:VCARD").unwrap();
    fs::write(source.join("notes.txt"), b"notes").unwrap();
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&source));

    ok(lifeboat(&vault).args(["restore", "latest", "--categories", "photos", "--to"]).arg(&target));
    assert!(target.join("DCIM/a.jpg").exists());
    assert!(!target.join("friends.vcf").exists() && !target.join("notes.txt").exists());

    ok(lifeboat(&vault).args(["restore", "latest", "--include", "*.vcf", "--to"]).arg(&target));
    assert!(target.join("friends.vcf").exists() && !target.join("notes.txt").exists());

    fs::write(target.join("DCIM/a.jpg"), b"changed on the target").unwrap();
    let stderr = fails(lifeboat(&vault).args(["restore", "latest", "--to"]).arg(&target), 6);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(fs::read(target.join("DCIM/a.jpg")).unwrap(), b"changed on the target");
    assert!(target.join("notes.txt").exists(), "the rest is restored");

    ok(lifeboat(&vault).args(["restore", "latest", "--overwrite", "--to"]).arg(&target));
    assert_eq!(fs::read(target.join("DCIM/a.jpg")).unwrap(), b"photo");
}

#[test]
fn listings_in_json_carry_the_documented_fields() {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(source.join("DCIM")).unwrap();
    fs::write(source.join("DCIM/a.jpg"), b"photo").unwrap();
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--categories", "photos", "--from"]).arg(&source));
    let list = json(&ok(lifeboat(&vault).args(["snapshots", "--json"])));
    let snapshot = &list.as_array().unwrap()[0];
    for field in ["id", "time", "device", "categories", "size", "complete"] {
        assert!(snapshot.get(field).is_some(), "missing {field} in {snapshot}");
    }
    assert_eq!(snapshot["categories"], serde_json::json!(["photos"]));
    assert_eq!(snapshot["size"], 5);
    assert_eq!(snapshot["device"]["kind"], "folder");
    assert!(snapshot["time"].as_str().unwrap().ends_with('Z'));

    let items = json(&ok(lifeboat(&vault).args(["ls", "latest", "--json"])));
    assert_eq!(items[0]["path"], "DCIM/a.jpg");
    assert_eq!(items[0]["category"], "photos");
    assert_eq!(items[0]["size"], 5);
}
