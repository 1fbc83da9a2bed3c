//! `lifeboat repair` on every damage case of the suite (issue 10, finding 19): a flipped byte in a data pack, a
//! truncated pack, a deleted pack, all index files deleted, one damaged index file, a damaged snapshot file and
//! a damaged catalog pack. After each: `verify` passes, every kept snapshot restores, the items on intact data
//! byte for byte, and the lost ones are named by the repair and in the snapshot's skipped list. Then crash
//! safety: `repair` killed at every crash point it passes, then run again, ends where an uncrashed repair does.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The variable the vault's crash points read (`lifeboat::vault::CRASH_AT_VAR`).
const CRASH_AT: &str = "LIFEBOAT_TEST_CRASH_AT";

/// A vault with one or two backups of a changing folder.
struct Fixture {
    work: tempfile::TempDir,
    vault: PathBuf,
    /// Per backup, oldest first: its snapshot's short id and a copy of the folder as it was backed up.
    backups: Vec<(String, PathBuf)>,
    /// The packs each backup added, largest first.
    packs: Vec<Vec<PathBuf>>,
}

fn fixture(backups: usize) -> Fixture {
    let work = tempfile::tempdir().unwrap();
    let (source, vault) = (work.path().join("source"), work.path().join("vault"));
    fs::create_dir_all(source.join("DCIM")).unwrap();
    fs::create_dir_all(source.join("Documents")).unwrap();
    for n in 0..3 {
        write_noise_file(&source.join(format!("DCIM/IMG_{n}.jpg")), 1_500_000, n);
    }
    fs::write(source.join("note.txt"), b"hello").unwrap();
    fs::write(source.join("Documents/a.txt"), b"a document").unwrap();
    ok(lifeboat(&vault).args(["vault", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"]));
    let mut fixture = Fixture { work, vault, backups: Vec::new(), packs: Vec::new() };
    for n in 0..backups {
        if n > 0 {
            write_noise_file(&source.join(format!("DCIM/IMG_{}.jpg", n + 2)), 1_000_000, 10 + n as u64);
            fs::write(source.join("note.txt"), format!("hello {n}")).unwrap();
        }
        let before: BTreeSet<PathBuf> = packs(&fixture.vault).into_iter().collect();
        let output = json(&ok(lifeboat(&fixture.vault).args(["backup", "--json", "--from"]).arg(&source)));
        let id = output["snapshot"]["short_id"].as_str().unwrap().to_owned();
        let tree = fixture.work.path().join(format!("tree-{n}"));
        copy_tree(&source, &tree);
        fixture.backups.push((id, tree));
        fixture.packs.push(packs(&fixture.vault).into_iter().filter(|p| !before.contains(p)).collect());
    }
    fixture
}

/// Every pack file, largest first.
fn packs(vault: &Path) -> Vec<PathBuf> {
    let mut packs = Vec::new();
    for fan in fs::read_dir(vault.join("data")).unwrap().flatten() {
        packs.extend(fs::read_dir(fan.path()).unwrap().flatten().map(|e| e.path()));
    }
    packs.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).unwrap().len()));
    packs
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    files
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
            let mtime = filetime::FileTime::from_last_modification_time(&entry.metadata().unwrap());
            filetime::set_file_mtime(&target, mtime).unwrap();
        }
    }
}

fn flip_byte(path: &Path, at: usize) {
    let mut bytes = fs::read(path).unwrap();
    bytes[at] ^= 0x01;
    fs::write(path, bytes).unwrap();
}

fn repair_json(vault: &Path) -> Value {
    json(&ok(lifeboat(vault).args(["repair", "--json"])))
}

/// The paths a repair report says each snapshot lost, by the short id of the snapshot it replaced.
fn lost_by_snapshot(report: &Value) -> BTreeMap<String, BTreeSet<String>> {
    report["snapshots_repaired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let lost = s["lost"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
            (s["from"].as_str().unwrap().to_owned(), lost)
        })
        .collect()
}

/// After a repair reported as `report`: verify passes; every kept snapshot restores, and holds its backup's
/// folder less exactly the items it names as lost (byte for byte); what it names as lost is what the repair
/// reported; a second repair finds nothing to do. Returns the short ids of the original backups still kept.
fn assert_repaired(fixture: &Fixture, report: &Value) -> Vec<String> {
    let vault = &fixture.vault;
    let verify = json(&ok(lifeboat(vault).args(["verify", "--json"])));
    assert_eq!(verify["problems"], serde_json::json!([]), "{verify}");
    assert_eq!(verify["damaged_items"], serde_json::json!([]), "{verify}");
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");

    let reported = lost_by_snapshot(report);
    let mut kept = Vec::new();
    for snapshot in json(&ok(lifeboat(vault).args(["snapshots", "--json"]))).as_array().unwrap() {
        let id = snapshot["short_id"].as_str().unwrap();
        let original = match snapshot["repaired"]["from"].as_str() {
            Some(from) => from[..8].to_owned(),
            None => id.to_owned(),
        };
        let (_, tree) = fixture.backups.iter().find(|(short, _)| *short == original).expect("a known backup");
        let lost: BTreeSet<String> = snapshot["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["reason"].as_str().unwrap().starts_with("lost: damaged in the vault"))
            .map(|s| s["what"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(lost, reported.get(&original).cloned().unwrap_or_default(), "snapshot {original}");
        assert_eq!(snapshot["repaired"]["lost"].as_u64().unwrap_or(0), lost.len() as u64, "{snapshot}");

        let expected = fixture.work.path().join(format!("expected-{id}"));
        copy_tree(tree, &expected);
        for path in &lost {
            fs::remove_file(expected.join(path)).unwrap();
            // A folder left empty is not restored: only empty folders of the device are items of their own.
            let mut parent = expected.join(path).parent().map(Path::to_path_buf);
            while let Some(dir) = parent.filter(|d| *d != expected) {
                if fs::read_dir(&dir).unwrap().next().is_some() {
                    break;
                }
                fs::remove_dir(&dir).unwrap();
                parent = dir.parent().map(Path::to_path_buf);
            }
        }
        let restored = fixture.work.path().join(format!("restored-{id}"));
        ok(lifeboat(vault).args(["restore", id, "--to"]).arg(&restored));
        assert_same_tree(&expected, &restored);
        kept.push(original);
    }

    let again = repair_json(vault);
    assert_eq!(again["index_rebuilt"], false, "{again}");
    assert_eq!(again["packs_damaged"], serde_json::json!([]), "{again}");
    assert_eq!(again["snapshots_repaired"], serde_json::json!([]), "{again}");
    assert_eq!(again["snapshots_removed"], serde_json::json!([]), "{again}");
    kept
}

#[test]
fn a_flipped_byte_in_a_data_pack_loses_one_item_and_saves_the_rest() {
    let fixture = fixture(1);
    flip_byte(&fixture.packs[0][0], 1000);
    let output = ok(lifeboat(&fixture.vault).arg("repair"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("1 damaged"), "{stdout}");
    assert!(stdout.contains("lost: DCIM/IMG_"), "the lost item is named: {stdout}");
    assert!(stdout.contains("consistent again"), "{stdout}");
    // The report of that run, as the snapshot records it.
    let snapshots = json(&ok(lifeboat(&fixture.vault).args(["snapshots", "--json"])));
    let snapshot = &snapshots[0];
    assert_eq!(snapshot["repaired"]["lost"], 1, "{snapshot}");
    let lost = snapshot["skipped"][0]["what"].as_str().unwrap().to_owned();
    assert!(stdout.contains(&format!("lost: {lost}")), "{stdout}");
    let table = String::from_utf8_lossy(&ok(lifeboat(&fixture.vault).arg("snapshots")).stdout).into_owned();
    assert!(table.contains("repaired, 1 items lost"), "{table}");
    let report = serde_json::json!({
        "problems": [],
        "snapshots_repaired": [{ "from": fixture.backups[0].0, "lost": [lost] }],
    });
    assert_eq!(assert_repaired(&fixture, &report), vec![fixture.backups[0].0.clone()]);
}

#[test]
fn a_truncated_pack_keeps_the_chunks_before_the_cut() {
    let fixture = fixture(1);
    let pack = &fixture.packs[0][0];
    let len = fs::metadata(pack).unwrap().len();
    fs::OpenOptions::new().write(true).open(pack).unwrap().set_len(len / 2).unwrap();
    let report = repair_json(&fixture.vault);
    assert_eq!(report["packs_damaged"].as_array().unwrap().len(), 1, "{report}");
    assert!(report["packs_damaged"][0]["reason"].as_str().unwrap().contains("trailer"), "{report}");
    assert!(report["blobs_salvaged"].as_u64().unwrap() > 0, "the first half is saved: {report}");
    assert!(report["blobs_lost"].as_u64().unwrap() > 0, "{report}");
    let lost = lost_by_snapshot(&report);
    let lost = &lost[&fixture.backups[0].0];
    // Which items lose a chunk depends on where the packer put each one (workers store in parallel), so only
    // "some were lost" is certain; the salvaged blobs above are what was before the cut.
    assert!(!lost.is_empty(), "{report}");
    assert_eq!(assert_repaired(&fixture, &report).len(), 1);
}

#[test]
fn a_deleted_pack_loses_its_items_and_nothing_else() {
    let fixture = fixture(2);
    // The second backup's data pack: the new photo and the changed note.
    fs::remove_file(&fixture.packs[1][0]).unwrap();
    let report = repair_json(&fixture.vault);
    assert!(report["blobs_lost"].as_u64().unwrap() >= 2, "{report}");
    let lost = lost_by_snapshot(&report);
    assert_eq!(lost.len(), 1, "only the second snapshot used that pack: {report}");
    let expected: BTreeSet<String> = ["DCIM/IMG_3.jpg", "note.txt"].map(String::from).into();
    assert_eq!(lost[&fixture.backups[1].0], expected, "{report}");
    assert_eq!(assert_repaired(&fixture, &report).len(), 2);
}

#[test]
fn deleted_index_files_are_rebuilt_from_the_packs_and_nothing_is_lost() {
    let fixture = fixture(2);
    for file in files_in(&fixture.vault.join("index")) {
        fs::remove_file(file).unwrap();
    }
    let report = repair_json(&fixture.vault);
    assert_eq!(report["index_rebuilt"], true, "{report}");
    assert_eq!(report["blobs_lost"], 0, "{report}");
    assert_eq!(report["snapshots_repaired"], serde_json::json!([]), "{report}");
    assert_eq!(files_in(&fixture.vault.join("index")).len(), 1);
    assert_eq!(assert_repaired(&fixture, &report).len(), 2);
}

#[test]
fn a_damaged_index_file_is_replaced_and_nothing_is_lost() {
    let fixture = fixture(2);
    let indexes = files_in(&fixture.vault.join("index"));
    assert!(indexes.len() >= 2, "{indexes:?}");
    flip_byte(&indexes[0], 40);
    let report = repair_json(&fixture.vault);
    assert_eq!(report["index_files_damaged"], 1, "{report}");
    assert_eq!(report["index_files_replaced"].as_u64(), Some(indexes.len() as u64), "{report}");
    assert_eq!(report["blobs_lost"], 0, "{report}");
    assert_eq!(assert_repaired(&fixture, &report).len(), 2);
}

#[test]
fn a_damaged_snapshot_file_is_removed_and_the_others_stay() {
    let fixture = fixture(2);
    let first = &fixture.backups[0].0;
    let file = files_in(&fixture.vault.join("snapshots"))
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(first.as_str()))
        .unwrap();
    let last = fs::metadata(&file).unwrap().len() as usize - 1;
    flip_byte(&file, last);
    let report = repair_json(&fixture.vault);
    assert_eq!(report["snapshots_removed"][0]["id"], first.as_str(), "{report}");
    assert!(report["snapshots_removed"][0]["reason"].as_str().unwrap().contains("fails authentication"));
    assert_eq!(assert_repaired(&fixture, &report), vec![fixture.backups[1].0.clone()]);
}

#[test]
fn a_damaged_catalog_pack_removes_its_snapshot_and_the_others_stay() {
    let fixture = fixture(2);
    // The first backup's smallest pack holds only its catalog.
    let catalog_pack = fixture.packs[0].last().unwrap();
    assert!(fs::metadata(catalog_pack).unwrap().len() < 100_000);
    flip_byte(catalog_pack, 10);
    let report = repair_json(&fixture.vault);
    assert_eq!(report["packs_damaged"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["snapshots_removed"][0]["id"], fixture.backups[0].0.as_str(), "{report}");
    assert!(report["snapshots_removed"][0]["reason"].as_str().unwrap().contains("catalog"), "{report}");
    assert_eq!(assert_repaired(&fixture, &report), vec![fixture.backups[1].0.clone()]);
}

/// What a vault holds, for comparing two repairs: per snapshot (by backup time), whether it is complete, its
/// items and what it names as lost.
fn contents(vault: &Path) -> Vec<(String, bool, Vec<String>, Vec<String>)> {
    let snapshots = json(&ok(lifeboat(vault).args(["snapshots", "--json"])));
    snapshots
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let id = s["short_id"].as_str().unwrap();
            let items = json(&ok(lifeboat(vault).args(["ls", id, "--json"])));
            let paths =
                items.as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap().to_owned()).collect();
            let lost = s["skipped"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["what"].as_str().unwrap().to_owned())
                .collect();
            (s["time"].as_str().unwrap().to_owned(), s["complete"].as_bool().unwrap(), paths, lost)
        })
        .collect()
}

fn killed(output: &std::process::Output) -> bool {
    use std::os::unix::process::ExitStatusExt;
    output.status.signal() == Some(9)
}

#[test]
fn repair_killed_at_every_step_then_run_again_ends_as_an_uncrashed_repair() {
    // Two backups sharing a damaged pack (both snapshots lose an item and are rewritten), a damaged index file
    // and a damaged snapshot file: every step of repair has work to do.
    let fixture = fixture(3);
    flip_byte(&fixture.packs[0][0], 1000);
    flip_byte(&files_in(&fixture.vault.join("index"))[0], 40);
    let third = &fixture.backups[2].0;
    let snapshot = files_in(&fixture.vault.join("snapshots"))
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(third.as_str()))
        .unwrap();
    flip_byte(&snapshot, 20);

    let uncrashed = fixture.work.path().join("uncrashed");
    copy_tree(&fixture.vault, &uncrashed);
    let report = repair_json(&uncrashed);
    assert_eq!(lost_by_snapshot(&report).len(), 2, "{report}");
    assert_eq!(report["snapshots_removed"].as_array().unwrap().len(), 1, "{report}");
    let expected = contents(&uncrashed);
    assert_eq!(expected.len(), 2);

    let mut points = 0;
    for n in 1..200 {
        let copy = fixture.work.path().join(format!("crash-{n}"));
        copy_tree(&fixture.vault, &copy);
        let output = lifeboat(&copy).args(["repair"]).env(CRASH_AT, format!("*#{n}")).output().unwrap();
        if !killed(&output) {
            assert!(output.status.success(), "repair with no crash left failed: {output:?}");
            break;
        }
        points = n;
        ok(lifeboat(&copy).arg("repair"));
        let verify = json(&ok(lifeboat(&copy).args(["verify", "--json"])));
        assert_eq!(verify["problems"], serde_json::json!([]), "after a crash at point {n}: {verify}");
        assert_eq!(contents(&copy), expected, "after a crash at point {n}");
        let again = repair_json(&copy);
        assert_eq!(again["snapshots_repaired"], serde_json::json!([]), "after point {n}: {again}");
        fs::remove_dir_all(&copy).unwrap();
    }
    assert!(points >= 10, "repair passed only {points} crash points");
}
