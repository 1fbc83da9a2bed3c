//! `adb backup` files from peer-data (mvt's v1 plain, v5 plain and v5 AES-256 with password `123456`): headers,
//! unlocking, the tar entries as items, the telephony provider's SMS and MMS as a messages document, and the
//! round trip through the real backup engine into a vault and back out into a folder.

mod common;

use std::fs;
use std::io::Read;

use common::walk::Collect;
use lifeboat::data::documents::read_document;
use lifeboat::data::{AddressRole, Category, CategorySet, Message, MessageFolder, MessageKind, PartContent};
use lifeboat::device::import::android_backup::{
    AbEncryption, AndroidBackup, AndroidBackupDevice, AndroidBackupError, messages_from_telephony_backup,
};
use lifeboat::device::{Device, DeviceError, DeviceKind, Entry, EntryKind, RestorePolicy};
use lifeboat::engine::Cancel;

const V1: &str = "android/adb-backup/mvt_backup_v1_plain.ab";
const V5: &str = "android/adb-backup/mvt_backup3_v5_plain.ab";
const ENCRYPTED: &str = "android/adb-backup/mvt_backup2_encrypted_pw123456.ab";
const SMS_CHUNK: &str = "Raw/android-backup/apps/com.android.providers.telephony/d_f/000000_sms_backup";
const MANIFEST: &str = "Raw/android-backup/apps/com.android.providers.telephony/_manifest";

fn walk(device: &dyn Device) -> Collect {
    Collect::walk(device, &CategorySet::all())
}

fn find<'a>(walk: &'a Collect, path: &str) -> &'a Entry {
    walk.find(path)
}

fn read_all(device: &dyn Device, entry: &Entry) -> Vec<u8> {
    let mut bytes = Vec::new();
    device.open(entry).unwrap().read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes.len() as u64, entry.size, "{} delivers the size it announced", entry.path);
    bytes
}

fn messages_of(device: &dyn Device, walk: &Collect) -> Vec<Message> {
    let bytes = read_all(device, find(walk, "Messages/messages.jsonl"));
    read_document(bytes.as_slice()).collect::<Result<_, _>>().unwrap()
}

/// The one SMS every sample holds (a queued message the phone never sent).
fn assert_the_queued_sms(message: &Message) {
    assert_eq!((message.kind, message.folder), (MessageKind::Sms, MessageFolder::Queued));
    assert_eq!(message.body.as_deref(), Some("Hi this is a test message to https://google.com/"));
    assert_eq!(message.conversation, vec!["06543219".to_string()]);
    assert_eq!(message.addresses[0].address, "06543219");
    assert_eq!(message.addresses[0].role, AddressRole::To);
    assert_eq!(message.date, 1_645_543_781_956);
    assert_eq!((message.date_sent, message.status, message.read), (None, Some(-1), true));
}

fn peer_sms_chunk() -> Vec<u8> {
    fs::read(common::peer_file(
        "android/adb-backup/extracted/com.android.providers.telephony/d_f/000000_sms_backup",
    ))
    .unwrap()
}

#[test]
fn the_v1_backup_yields_its_tar_entries_and_an_sms_and_an_mms() {
    let device = AndroidBackupDevice::open(&common::peer_file(V1), None).unwrap();
    let header = device.backup().header();
    assert_eq!((header.version, header.compressed, &header.encryption), (1, true, &AbEncryption::None));
    assert_eq!(device.identity().kind, DeviceKind::Import);
    assert_eq!(device.identity().name, "Android backup mvt_backup_v1_plain.ab");

    let walk = walk(&device);
    let paths: Vec<&str> = walk.entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Raw/android-backup/apps",
            "Raw/android-backup/apps/com.android.providers.telephony",
            "Raw/android-backup/apps/com.android.providers.telephony/d_f",
            "Raw/android-backup/apps/com.android.providers.telephony/d_f/000001_mms_backup",
            SMS_CHUNK,
            "Messages/messages.jsonl",
        ]
    );
    assert!(walk.skipped.is_empty() && walk.unavailable.is_empty());
    let apps = find(&walk, "Raw/android-backup/apps");
    assert_eq!((apps.category, &apps.kind, apps.mode), (Category::Apps, &EntryKind::Dir, Some(0o755)));
    let chunk = find(&walk, SMS_CHUNK);
    assert_eq!((chunk.category, chunk.size), (Category::Messages, 143));
    assert_eq!(chunk.mtime_ns, Some(1_646_519_315_000_000_000));
    assert_eq!(chunk.meta["android.package"], "com.android.providers.telephony");
    assert_eq!(read_all(&device, chunk), peer_sms_chunk());

    let messages = messages_of(&device, &walk);
    assert_eq!(find(&walk, "Messages/messages.jsonl").meta["records"], 2);
    assert_eq!(messages.len(), 2);
    let sms = messages.iter().find(|m| m.kind == MessageKind::Sms).unwrap();
    assert_the_queued_sms(sms);
    let mms = messages.iter().find(|m| m.kind == MessageKind::Mms).unwrap();
    assert_eq!(mms.folder, MessageFolder::Inbox);
    assert_eq!(mms.body.as_deref(), Some("Very suspicious MMS, click on this link http://google.com"));
    assert_eq!((mms.date, mms.date_sent), (1_579_531_789_000, Some(1_579_531_786_000)));
    let roles: Vec<(&str, AddressRole)> =
        mms.addresses.iter().map(|a| (a.address.as_str(), a.role)).collect();
    assert_eq!(roles, [("+12345678", AddressRole::From), ("+23456789", AddressRole::To)]);
    assert_eq!(mms.parts.len(), 1);
    assert!(matches!(&mms.parts[0].content, PartContent::Text(t) if t.starts_with("Very suspicious")));
    assert_eq!(mms.lost.len(), 1, "the telephony backup keeps no MMS attachments");
    assert!(mms.extra.contains(&("tr_id".into(), "cjdYUDkdslU".into())));

    let survey = device.survey(&CategorySet::all(), &Cancel::new()).unwrap();
    let counted = survey.iter().find(|s| s.category == Category::Messages).unwrap();
    assert_eq!(counted.items, 2 + 2 + 2, "two directories, two chunks, two messages");
    assert!(matches!(device.restorer(RestorePolicy::default()), Err(DeviceError::ReadOnly(_))));
}

#[test]
fn the_v5_backups_plain_and_encrypted_hold_the_same_manifest_and_sms() {
    let plain = AndroidBackupDevice::open(&common::peer_file(V5), None).unwrap();
    assert_eq!(plain.backup().header().version, 5);
    assert!(plain.backup().header().compressed);
    let encrypted = AndroidBackupDevice::open(&common::peer_file(ENCRYPTED), Some("123456")).unwrap();
    let header = encrypted.backup().header();
    assert_eq!((header.version, header.compressed), (5, false));
    let AbEncryption::Aes256 { rounds, user_salt, checksum_salt, user_iv, master_key_blob } =
        &header.encryption
    else {
        panic!("the sample is encrypted")
    };
    assert_eq!((*rounds, user_salt.len(), checksum_salt.len()), (10_000, 64, 64));
    assert_eq!((user_iv.len(), master_key_blob.len()), (16, 96));

    for device in [&plain, &encrypted] {
        let walk = walk(device);
        let paths: Vec<&str> = walk.entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, [MANIFEST, SMS_CHUNK, "Messages/messages.jsonl"]);
        let manifest = read_all(device, find(&walk, MANIFEST));
        assert_eq!(manifest.len(), 2_526);
        assert!(manifest.starts_with(b"1\ncom.android.providers.telephony\n29\n29\n"));
        assert_eq!(find(&walk, MANIFEST).mode, Some(0o600));
        assert_eq!(read_all(device, find(&walk, SMS_CHUNK)), peer_sms_chunk());
        let messages = messages_of(device, &walk);
        assert_eq!(messages.len(), 1);
        assert_the_queued_sms(&messages[0]);
    }
    // A second walk is served from what the first one read.
    assert_eq!(walk(&encrypted).entries.len(), 3);
}

#[test]
fn a_wrong_or_missing_password_is_a_clear_error() {
    let path = common::peer_file(ENCRYPTED);
    let wrong = AndroidBackupDevice::open(&path, Some("654321")).err().unwrap();
    assert!(matches!(wrong, AndroidBackupError::WrongPassword(_)));
    let message = wrong.to_string();
    assert!(message.starts_with("wrong password for the Android backup"), "{message}");
    assert!(message.contains("mvt_backup2_encrypted_pw123456.ab"), "{message}");
    assert!(matches!(AndroidBackup::open(&path, None), Err(AndroidBackupError::PasswordNeeded(_))));
    let not_ab = AndroidBackup::open(&common::peer_file("ios/mvt_ios_backup/Info.plist"), None);
    assert!(matches!(not_ab, Err(AndroidBackupError::NotAnAndroidBackup(_))));
}

#[test]
fn a_truncated_backup_keeps_what_it_holds_and_says_the_rest_is_missing() {
    let work = tempfile::tempdir().unwrap();
    let whole = fs::read(common::peer_file(V1)).unwrap();
    let cut = work.path().join("cut.ab");
    fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let device = AndroidBackupDevice::open(&cut, None).unwrap();
    let walk = walk(&device);
    assert!(walk.skipped.iter().any(|(_, reason)| reason.contains("ends early")), "{:?}", walk.skipped);
    for entry in walk.entries.iter().filter(|e| e.is_file()) {
        read_all(&device, entry);
    }
}

#[test]
fn the_telephony_chunk_reads_on_its_own() {
    let messages = messages_from_telephony_backup(MessageKind::Sms, &peer_sms_chunk()).unwrap();
    assert_eq!(messages.len(), 1);
    assert_the_queued_sms(&messages[0]);
    let mms = fs::read(common::peer_file(
        "android/adb-backup/extracted/com.android.providers.telephony/d_f/000001_mms_backup",
    ))
    .unwrap();
    let mms = messages_from_telephony_backup(MessageKind::Mms, &mms).unwrap();
    assert_eq!(mms[0].conversation, vec!["+12345678".to_string()]);
}

#[test]
fn the_encrypted_backup_goes_through_the_engine_and_comes_back_out() {
    let device = AndroidBackupDevice::open(&common::peer_file(ENCRYPTED), Some("123456")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let (_vault, summary, target) = common::round_trip(&device, work.path());
    assert_eq!(summary.items_read, 3);
    assert_eq!(fs::read(target.join(SMS_CHUNK)).unwrap(), peer_sms_chunk());
    assert_eq!(fs::metadata(target.join(MANIFEST)).unwrap().len(), 2_526);
    let document = fs::read(target.join("Messages/messages.jsonl")).unwrap();
    let messages: Vec<Message> = read_document(document.as_slice()).collect::<Result<_, _>>().unwrap();
    assert_eq!(messages.len(), 1);
    assert_the_queued_sms(&messages[0]);
}

#[test]
fn open_import_recognizes_both_kinds_and_says_what_to_do_about_passwords() {
    use lifeboat::device::import::{ImportError, ImportKind, open_import};
    let open = |path: &str, password: Option<&str>| {
        open_import(&common::peer_file(path), password, &mut |_, _| {}, &Cancel::new())
    };
    assert_eq!(ImportKind::detect(&common::peer_file(V5)), Some(ImportKind::AndroidBackup));
    assert_eq!(ImportKind::detect(&common::peer_file("ios/mvt_ios_backup")), Some(ImportKind::IphoneBackup));
    assert_eq!(open(V1, None).unwrap().identity().kind, DeviceKind::Import);
    assert_eq!(open("ios/mvt_ios_backup", None).unwrap().identity().name, "iPhone");
    assert!(open(ENCRYPTED, None).err().unwrap().password_needed());
    assert!(open(ENCRYPTED, Some("nope")).err().unwrap().wrong_password());
    assert!(open("ios/pyiosbackup_encrypted_pw0000", None).err().unwrap().password_needed());
    let neither = open("android/adb-backup/extracted", None).err().unwrap();
    assert!(matches!(neither, ImportError::Unrecognized(_)));
    assert!(neither.to_string().contains("is not something Lifeboat imports"), "{neither}");
    let vcard = open("vcard/ez-vcard/John_Doe_IPHONE.vcf", None).unwrap();
    assert_eq!(vcard.identity().model.as_deref(), Some("vCard file"));
}
