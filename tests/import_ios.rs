//! iPhone backups from peer-data: the mvt project's real (unencrypted, trimmed) iOS 14.3 backup and
//! pyiosbackup's encrypted backup (password `0000`, 10,000,000 PBKDF2 rounds), read directly, walked as a
//! device, and carried through the real backup engine into a vault and back out into a folder.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;

use common::walk::Collect;
use lifeboat::data::documents::read_document;
use lifeboat::data::{Category, CategorySet, Message, MessageFolder, MessageKind};
use lifeboat::device::ios::{FileKind, IosBackupError, ItunesBackup, ItunesBackupDevice};
use lifeboat::device::{Device, DeviceError, DeviceKind, Entry, EntryKind, RestorePolicy};
use lifeboat::engine::{self, BackupOptions, Cancel, Silent};
use lifeboat::vault::Vault;

const MVT: &str = "ios/mvt_ios_backup";
const ENCRYPTED: &str = "ios/pyiosbackup_encrypted_pw0000";

fn read_all(device: &dyn Device, entry: &Entry) -> Vec<u8> {
    let mut bytes = Vec::new();
    device.open(entry).unwrap().read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes.len() as u64, entry.size, "{} delivers the size it announced", entry.path);
    bytes
}

fn open_mvt() -> ItunesBackupDevice {
    ItunesBackupDevice::open(&common::peer_file(MVT), None, &mut |_, _| {}, &Cancel::new()).unwrap()
}

/// The round trip through a vault, of an import.
fn round_trip(device: &dyn Device, work: &Path) -> (Vault, std::path::PathBuf) {
    let (vault, summary, target) = common::round_trip(device, work);
    assert_eq!(summary.snapshot.device.kind, DeviceKind::Import);
    (vault, target)
}

#[test]
fn the_mvt_backup_lists_every_manifest_row_and_names_the_device() {
    let device = open_mvt();
    let backup = device.backup();
    assert!(!backup.is_encrypted());
    let files = backup.files();
    assert_eq!(files.len(), 3_721);
    let count = |kind: fn(&FileKind) -> bool| files.iter().filter(|f| kind(&f.kind)).count();
    assert_eq!(count(|k| *k == FileKind::File), 1_089);
    assert_eq!(count(|k| *k == FileKind::Directory), 2_618);
    assert_eq!(count(|k| matches!(k, FileKind::Symlink { .. })), 14);
    assert_eq!(files.iter().filter(|f| f.domain == "CameraRollDomain").count(), 290);

    let sms = backup.find("HomeDomain", "Library/SMS/sms.db").unwrap();
    assert_eq!(sms.file_id, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    assert_eq!((sms.size, sms.mtime, sms.mode), (278_528, Some(1_638_501_497), Some(0o100644)));
    assert_eq!(sms.protection_class, Some(4));
    // The peer copy is a trimmed test version of the database: what is on disk counts, not the metadata.
    assert_eq!(backup.content_size(sms), Ok(28_672));
    let link = backup.find("DatabaseDomain", "timezone/localtime").unwrap();
    assert_eq!(link.kind, FileKind::Symlink { target: "/var/db/timezone/zoneinfo/Europe/London".into() });

    let info = backup.info();
    assert_eq!(info.unique_identifier.as_deref(), Some("1CB128EAFA77C5BE74283E9A3A2130AF36A3C059"));
    assert_eq!(info.last_backup_date, Some(1_638_559_993));
    assert_eq!(info.installed_applications.len(), 6);
    assert!(info.installed_applications.contains(&"net.whatsapp.WhatsApp".to_string()));

    let identity = device.identity();
    assert_eq!(identity.kind, DeviceKind::Import);
    assert_eq!(identity.name, "iPhone");
    assert_eq!(identity.manufacturer.as_deref(), Some("Apple"));
    assert_eq!(identity.model.as_deref(), Some("iPhone9,3"));
    assert_eq!(identity.serial, "F1234567890");
    assert_eq!(identity.os_version.as_deref(), Some("iOS 14.3 (18C66)"));
}

#[test]
fn the_mvt_backup_walks_into_documents_raw_files_and_unavailable_categories() {
    let device = open_mvt();
    let walk = Collect::walk(&device, &CategorySet::all());

    // Messages: the one message of the trimmed sms.db, an SMS from "apple".
    let document = walk.find("Messages/messages.jsonl");
    assert_eq!(document.category, Category::Messages);
    assert_eq!(document.meta["records"], 1);
    let bytes = read_all(&device, document);
    let messages: Vec<Message> = read_document(bytes.as_slice()).collect::<Result<_, _>>().unwrap();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!((message.kind, message.folder), (MessageKind::Sms, MessageFolder::Inbox));
    assert_eq!(message.body.as_deref(), Some("Please click here https://badbadbad.example.org/"));
    assert_eq!(message.conversation, vec!["apple".to_string()]);
    assert_eq!(message.date, 1_567_120_410_540, "2019-08-28T23:13:30.540Z from nanoseconds since 2001");
    assert!(!message.read);
    assert!(message.extra.contains(&("guid".into(), "FDC6EC94-9D5A-434D-90FA-BF170E10A311".into())));
    assert!(message.extra.contains(&("service".into(), "SMS".into())));
    assert!(message.raw.as_ref().unwrap().as_bytes().starts_with(b"{\"message\":{\"ROWID\":3"));

    // Contacts and calls: Manifest.db lists their databases, but the trimmed backup does not hold them.
    let contacts = walk.reason(Category::Contacts).unwrap();
    assert!(
        contacts.contains("AddressBook.sqlitedb") && contacts.contains("not in the backup folder"),
        "{contacts}"
    );
    let calls = walk.reason(Category::Calls).unwrap();
    assert!(calls.contains("CallHistory.storedata") && calls.contains("call_history.db"), "{calls}");
    assert!(walk.reason(Category::Settings).is_some() && walk.reason(Category::Apps).is_some());
    assert_eq!(walk.reason(Category::Photos), None, "the camera roll is listed, its files are missing");

    // Raw files: the 10 present files, every folder and link, Info.plist and Manifest.db.
    assert_eq!(walk.count(Category::Files), 10 + 2_618 + 14 + 2);
    assert_eq!(walk.count(Category::Photos), 0);
    assert_eq!(walk.count(Category::Messages), 1);
    let missing_raw = walk.skipped.iter().filter(|(what, _)| what.starts_with("Raw/iphone-backup/")).count();
    let missing_photos = walk.skipped.iter().filter(|(what, _)| what.starts_with("DCIM/")).count();
    assert_eq!((missing_raw, missing_photos), (1_089 - 10, 50));
    assert!(walk.skipped[0].1.contains("is not in the backup folder"));

    let raw_sms = walk.find("Raw/iphone-backup/HomeDomain/Library/SMS/sms.db");
    assert_eq!((raw_sms.category, raw_sms.size), (Category::Files, 28_672));
    assert_eq!(raw_sms.mtime_ns, Some(1_638_501_497_000_000_000));
    assert_eq!(raw_sms.mode, Some(0o644));
    assert_eq!(raw_sms.meta["ios.file_id"], "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    let peer_sms =
        fs::read(common::peer_file(&format!("{MVT}/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"))).unwrap();
    assert_eq!(read_all(&device, raw_sms), peer_sms);
    assert_eq!(walk.find("Raw/iphone-backup/CameraRollDomain").kind, EntryKind::Dir);
    assert_eq!(
        walk.find("Raw/iphone-backup/DatabaseDomain/timezone/localtime").kind,
        EntryKind::Symlink { target: "/var/db/timezone/zoneinfo/Europe/London".into() }
    );
    let manifest = walk.find("Raw/iphone-backup/Manifest.db");
    assert_eq!(manifest.size, 3_285_008);
    assert_eq!(read_all(&device, walk.find("Raw/iphone-backup/Info.plist")).len(), 686);

    let survey = device.survey(&CategorySet::parse_list("messages,files").unwrap(), &Cancel::new()).unwrap();
    let messages = survey.iter().find(|s| s.category == Category::Messages).unwrap();
    assert_eq!(messages.items, 1, "records, not documents");
    assert!(matches!(device.restorer(RestorePolicy::default()), Err(DeviceError::ReadOnly(_))));
}

#[test]
fn the_mvt_backup_goes_through_the_engine_and_comes_back_out() {
    let device = open_mvt();
    let work = tempfile::tempdir().unwrap();
    let (vault, target) = round_trip(&device, work.path());
    let messages: Vec<Message> = read_document(
        fs::File::open(target.join("Messages/messages.jsonl")).map(std::io::BufReader::new).unwrap(),
    )
    .collect::<Result<_, _>>()
    .unwrap();
    assert_eq!(messages.len(), 1);
    let sms = target.join("Raw/iphone-backup/HomeDomain/Library/SMS/sms.db");
    assert_eq!(
        common::hash_file(&sms),
        common::hash_file(&common::peer_file(&format!("{MVT}/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28")))
    );
    let mtime = filetime::FileTime::from_last_modification_time(&fs::metadata(&sms).unwrap());
    assert_eq!(mtime.unix_seconds(), 1_638_501_497);
    assert_eq!(
        common::hash_file(&target.join("Raw/iphone-backup/Manifest.db")),
        common::hash_file(&common::peer_file(&format!("{MVT}/Manifest.db")))
    );
    assert!(target.join("Raw/iphone-backup/AppDomain-com.google.chrome.ios/Library").is_dir());
    assert_eq!(
        fs::read_link(target.join("Raw/iphone-backup/DatabaseDomain/timezone/localtime")).unwrap(),
        Path::new("/var/db/timezone/zoneinfo/Europe/London")
    );

    // Importing the same backup again reads only the regenerated document, and stores nothing new.
    let again =
        engine::backup(&vault, &open_mvt(), &BackupOptions::default(), &Silent, &Cancel::new()).unwrap();
    assert_eq!((again.items_read, again.new_bytes), (1, 0));
    assert!(again.items_unchanged >= 10, "the backup's files are reused: {again:?}");
}

#[test]
fn the_encrypted_backup_unlocks_with_0000_and_decrypts_its_file() {
    let mut reports = Vec::new();
    let backup = ItunesBackup::open(
        &common::peer_file(ENCRYPTED),
        Some("0000"),
        &mut |done, total| reports.push((done, total)),
        &Cancel::new(),
    )
    .unwrap();
    assert!(backup.is_encrypted());
    // 10,000,000 SHA-256 rounds and 10,000 SHA-1 rounds, reported every 100,000 rounds or so.
    assert_eq!(reports.last(), Some(&(10_010_000, 10_010_000)));
    assert!(reports.len() > 90, "{} progress reports", reports.len());
    assert!(reports.windows(2).all(|w| w[0].0 <= w[1].0), "progress only goes forward");

    assert_eq!(backup.files().len(), 1);
    let file = &backup.files()[0];
    assert_eq!((file.domain.as_str(), file.relative_path.as_str()), ("MyTestDomain", "Media/Test.txt"));
    assert_eq!(file.file_id, "5727bd1c5fa1055e15d8b4a75a74793c84b5ffdc");
    assert_eq!(file.size, 9);
    assert_eq!(backup.content_size(file), Ok(9));
    let mut text = String::new();
    backup.open_file(file).unwrap().read_to_string(&mut text).unwrap();
    assert_eq!(text, "Test data");
    assert_eq!(&fs::read(backup.manifest_db()).unwrap()[..16], b"SQLite format 3\0");
    assert_eq!(backup.info().product_version.as_deref(), Some("10.3"), "from Manifest.plist's Lockdown");

    let device = ItunesBackupDevice::new(backup);
    let walk = Collect::walk(&device, &CategorySet::all());
    let raw = walk.find("Raw/iphone-backup/MyTestDomain/Media/Test.txt");
    assert_eq!(read_all(&device, raw), b"Test data");
    let manifest = walk.find("Raw/iphone-backup/Manifest.db");
    assert_eq!(&read_all(&device, manifest)[..16], b"SQLite format 3\0", "kept decrypted");
    for category in [Category::Contacts, Category::Messages, Category::Calls, Category::Photos] {
        assert!(walk.reason(category).is_some(), "{category} is reported unavailable");
    }
    assert!(walk.skipped.is_empty(), "{:?}", walk.skipped);

    let work = tempfile::tempdir().unwrap();
    let (_vault, target) = round_trip(&device, work.path());
    assert_eq!(fs::read(target.join("Raw/iphone-backup/MyTestDomain/Media/Test.txt")).unwrap(), b"Test data");
    for name in ["Info.plist", "Manifest.plist", "Status.plist", "Manifest.db"] {
        assert!(target.join("Raw/iphone-backup").join(name).is_file(), "{name} is kept");
    }
}

#[test]
fn a_wrong_or_missing_password_is_a_clear_error() {
    let path = common::peer_file(ENCRYPTED);
    let wrong = ItunesBackup::open(&path, Some("1234"), &mut |_, _| {}, &Cancel::new()).err().unwrap();
    assert!(matches!(wrong, IosBackupError::WrongPassword(_)));
    let message = wrong.to_string();
    assert!(message.starts_with("wrong password for the iPhone backup at"), "{message}");
    assert!(message.contains("pyiosbackup_encrypted_pw0000"), "{message}");
    assert!(!wrong.retryable());

    let missing = ItunesBackupDevice::open(&path, None, &mut |_, _| {}, &Cancel::new()).err().unwrap();
    assert!(matches!(missing, IosBackupError::PasswordNeeded(_)));
    assert!(missing.to_string().contains("is encrypted"));

    let cancel = Cancel::new();
    cancel.cancel();
    let cancelled = ItunesBackup::open(&path, Some("0000"), &mut |_, _| {}, &cancel).err().unwrap();
    assert!(matches!(cancelled, IosBackupError::Cancelled));

    let not_a_backup =
        ItunesBackup::open(&common::peer_file("android/adb-backup"), None, &mut |_, _| {}, &Cancel::new());
    assert!(matches!(not_a_backup, Err(IosBackupError::NotABackup(_))));
}
