//! Imports of synthetic iPhone backups (built by `common/ios_backup.rs` the way Finder lays them out, plain and
//! encrypted), because the peer-data samples lack an address book, a call history, attachments and a camera roll:
//! every category's records and key fields, streamed decryption, and the engine round trip into a folder.

mod common;
#[path = "common/ios_backup.rs"]
mod ios_backup;

use std::fs;

use common::walk::Collect;
use ios_backup::{APPLE_EPOCH_MS, T0, VIDEO_LEN, build_backup, fixture_files};
use lifeboat::data::documents::read_document;
use lifeboat::data::{
    AddressRole, CallDirection, CallEntry, Category, CategorySet, Contact, Message, MessageFolder,
    MessageKind, PartContent,
};
use lifeboat::device::Device;
use lifeboat::device::ios::{IosBackupError, ItunesBackupDevice};
use lifeboat::engine::Cancel;
use sha1::{Digest, Sha1};

fn walk(device: &dyn Device) -> Collect {
    Collect::walk(device, &CategorySet::all())
}

fn read(device: &dyn Device, walk: &Collect, path: &str) -> Vec<u8> {
    walk.read(device, path)
}

fn records<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Vec<T> {
    read_document(bytes).collect::<Result<_, _>>().unwrap()
}

fn assert_contacts(contacts: &[Contact]) {
    assert_eq!(contacts.len(), 2);
    let anna = contacts.iter().find(|c| c.uid.as_deref() == Some("ABC-1")).unwrap();
    assert_eq!(anna.formatted_name.as_deref(), Some("Dr. Anna Maria Example"));
    assert_eq!(anna.name.as_ref().unwrap().family, "Example");
    assert_eq!(anna.nicknames, vec!["Annie".to_string()]);
    assert_eq!(anna.phones.len(), 2);
    assert_eq!(
        (anna.phones[0].number.as_str(), anna.phones[0].meta.types.clone()),
        ("+1 555 0001", vec!["cell".to_string()])
    );
    assert_eq!(anna.phones[1].meta.label.as_deref(), Some("Climbing gym"));
    assert_eq!(anna.emails[0].address, "anna@example.com");
    assert_eq!(anna.emails[0].meta.types, vec!["internet".to_string(), "home".to_string()]);
    let address = &anna.addresses[0];
    assert_eq!(
        (address.street.as_str(), address.locality.as_str(), address.postal_code.as_str()),
        ("Main St 1", "Springfield", "12345")
    );
    assert_eq!(anna.instant_messengers[0].protocol, "skype");
    assert_eq!(anna.instant_messengers[0].handle, "anna.example");
    assert_eq!(anna.urls[0].url, "https://example.com/anna");
    assert_eq!(anna.birthday.as_ref().unwrap().to_iso(), "1985-03-22");
    assert_eq!(anna.anniversary.as_ref().unwrap().to_iso(), "2010-06-01");
    assert_eq!(anna.organizations[0].name, "Example Ltd");
    assert_eq!(anna.organizations[0].units, vec!["R&D".to_string()]);
    assert_eq!(anna.titles[0].value, "Engineer");
    assert_eq!(anna.notes[0].value, "Met at the gym");
    assert!(anna.extra.iter().any(|p| p.name == "X-PHONETIC-LAST-NAME" && p.value == "Ex-am-ple"));
    let acme = contacts.iter().find(|c| c.uid.as_deref() == Some("ABC-2")).unwrap();
    assert_eq!(acme.formatted_name.as_deref(), Some("ACME Corp"));
    assert_eq!(acme.phones[0].meta.types, vec!["work".to_string()]);
}

fn assert_messages(messages: &[Message]) {
    assert_eq!(messages.len(), 8);
    let by_guid = |guid: &str| {
        messages
            .iter()
            .find(|m| m.extra.contains(&("guid".into(), guid.into())))
            .unwrap_or_else(|| panic!("{guid}"))
    };
    let ms = |s: i64| (T0 + s) * 1000 + APPLE_EPOCH_MS;
    let m1 = by_guid("M1");
    assert_eq!((m1.kind, m1.folder, m1.date, m1.read), (MessageKind::Sms, MessageFolder::Inbox, ms(1), true));
    assert_eq!(m1.thread_id.as_deref(), Some("SMS;-;+15550001"));
    assert_eq!(m1.addresses[0].role, AddressRole::From);
    assert!(m1.extra.contains(&("date_read".into(), ms(2).to_string())));
    let m2 = by_guid("M2");
    assert_eq!((m2.folder, m2.status), (MessageFolder::Sent, Some(0)));
    let roles: Vec<(&str, AddressRole)> = m2.addresses.iter().map(|a| (a.address.as_str(), a.role)).collect();
    assert_eq!(roles, [("+15559999", AddressRole::From), ("+15550001", AddressRole::To)]);
    let m3 = by_guid("M3");
    assert_eq!((m3.kind, m3.origin.as_deref()), (MessageKind::Mms, Some("imessage")));
    assert_eq!(m3.body.as_deref(), Some("Look at this"));
    assert_eq!(m3.parts.len(), 2);
    assert_eq!(m3.parts[1].content_type, "image/jpeg");
    assert_eq!(
        m3.parts[1].content,
        PartContent::Reference("Messages/attachments/ab/11/A1/IMG_0005.jpeg".into())
    );
    assert!(m3.lost.iter().any(|l| l.contains("expressivesend.impact")));
    let m4 = by_guid("M4");
    assert_eq!((m4.kind, m4.body.as_deref()), (MessageKind::Sms, Some("Loved “Look at this”")));
    assert!(m4.lost[0].starts_with("iMessage reaction: loved message p:0/M3"), "{:?}", m4.lost);
    let m5 = by_guid("M5");
    assert_eq!(m5.body.as_deref(), Some("Recovered text"));
    assert!(m5.extra.contains(&("text_source".into(), "attributedBody".into())));
    let m6 = by_guid("M6");
    assert_eq!((m6.kind, m6.contact_name.as_deref()), (MessageKind::Mms, Some("Climbing")));
    assert_eq!(m6.conversation, vec!["friend@example.com".to_string(), "+15550003".to_string()]);
    let m7 = by_guid("M7");
    assert_eq!(
        m7.parts[0].content,
        PartContent::Reference("~/Library/SMS/Attachments/cd/12/A2/voice.caf".into())
    );
    assert!(m7.lost[0].contains("\"voice.caf\" is not in the backup"), "{:?}", m7.lost);
    let m8 = by_guid("M8");
    assert_eq!(m8.body.as_deref(), Some("Written last, still in the WAL"));
    assert_eq!(m8.date, ms(800), "seconds since 2001, as iOS 10 and earlier wrote");
}

fn assert_calls(calls: &[CallEntry]) {
    assert_eq!(calls.len(), 3);
    let by_number = |n: &str| calls.iter().find(|c| c.number == n).unwrap();
    let out = by_number("+15550001");
    assert_eq!(
        (out.direction, out.duration_secs, out.date),
        (CallDirection::Outgoing, 65, (T0 + 100) * 1000 + 250 + APPLE_EPOCH_MS)
    );
    assert_eq!((out.name.as_deref(), out.account.as_deref()), (Some("Anna"), Some("com.apple.Telephony")));
    let facetime = by_number("friend@example.com");
    assert_eq!((facetime.direction, facetime.duration_secs), (CallDirection::Incoming, 300));
    assert!(facetime.extra.contains(&("call_type".into(), "facetime-video".into())));
    assert_eq!(by_number("+15550003").direction, CallDirection::Missed);
}

fn assert_backup_walk(device: &dyn Device, walk: &Collect, video: &[u8]) {
    assert!(
        walk.unavailable.iter().all(|(c, _)| matches!(c, Category::Settings | Category::Apps)),
        "{:?}",
        walk.unavailable
    );
    assert_contacts(&records(&read(device, walk, "Contacts/contacts.jsonl")));
    assert_messages(&records(&read(device, walk, "Messages/messages.jsonl")));
    assert_calls(&records(&read(device, walk, "Calls/calls.jsonl")));
    let photos: Vec<&str> =
        walk.entries.iter().filter(|e| e.category == Category::Photos).map(|e| e.path.as_str()).collect();
    assert_eq!(photos, ["DCIM/100APPLE/IMG_0001.HEIC", "DCIM/100APPLE/IMG_0002.MOV"]);
    let movie = walk.entries.iter().find(|e| e.path.as_str() == "DCIM/100APPLE/IMG_0002.MOV").unwrap();
    assert_eq!((movie.size, movie.mtime_ns), (VIDEO_LEN as u64, Some(1_700_000_009_000_000_000)));
    assert_eq!(read(device, walk, "DCIM/100APPLE/IMG_0002.MOV"), video);
    let attachment = read(device, walk, "Messages/attachments/ab/11/A1/IMG_0005.jpeg");
    assert_eq!((attachment.len(), &attachment[..3]), (3000, &b"\xff\xd8\xff"[..]));
    assert_eq!(read(device, walk, "Raw/iphone-backup/HomeDomain/Library/Preferences/empty.plist"), b"");
    assert_eq!(
        read(device, walk, "Raw/iphone-backup/CameraRollDomain/Media/PhotoData/Thumbnails/V2/IMG_0001.JPG"),
        b"thumb"
    );
    let files = walk.entries.iter().filter(|e| e.category == Category::Files).count();
    assert_eq!(files, 13 + 4, "every Manifest.db row and the four backup files");
    assert!(walk.skipped.is_empty(), "{:?}", walk.skipped);
}

#[test]
fn an_unencrypted_backup_yields_contacts_messages_calls_photos_and_attachments() {
    let work = tempfile::tempdir().unwrap();
    let files = fixture_files(work.path());
    let root = build_backup(work.path(), "plain", &files, None);
    let device = ItunesBackupDevice::open(&root, None, &mut |_, _| {}, &Cancel::new()).unwrap();
    assert_eq!(device.identity().serial, "SYNTH0001");
    assert_eq!(device.identity().os_version.as_deref(), Some("iOS 17.1 (21B74)"));
    assert_eq!(device.backup().info().snapshot_state.as_deref(), Some("finished"));
    let walk = walk(&device);
    assert_backup_walk(&device, &walk, &files[9].content);

    let survey = device.survey(&CategorySet::all(), &Cancel::new()).unwrap();
    let items = |category| survey.iter().find(|s| s.category == category).unwrap().items;
    assert_eq!((items(Category::Contacts), items(Category::Calls), items(Category::Photos)), (2, 3, 2));
    assert_eq!(items(Category::Messages), 8 + 1, "eight messages and one attachment file");
}

#[test]
fn an_encrypted_backup_decrypts_large_files_as_a_stream_and_survives_the_engine() {
    let work = tempfile::tempdir().unwrap();
    let files = fixture_files(work.path());
    let plain_root = build_backup(work.path(), "plain", &files, None);
    let root = build_backup(work.path(), "encrypted", &files, Some("swordfish"));

    let wrong = ItunesBackupDevice::open(&root, Some("sword"), &mut |_, _| {}, &Cancel::new()).err().unwrap();
    assert!(matches!(wrong, IosBackupError::WrongPassword(_)), "{wrong}");

    let device = ItunesBackupDevice::open(&root, Some("swordfish"), &mut |_, _| {}, &Cancel::new()).unwrap();
    assert!(device.backup().is_encrypted());
    let walk = walk(&device);
    assert_backup_walk(&device, &walk, &files[9].content);

    // The same iPhone data gives byte-identical documents whether the backup was encrypted or not.
    let plain = ItunesBackupDevice::open(&plain_root, None, &mut |_, _| {}, &Cancel::new()).unwrap();
    let plain_walk = self::walk(&plain);
    for document in ["Contacts/contacts.jsonl", "Messages/messages.jsonl", "Calls/calls.jsonl"] {
        assert_eq!(read(&device, &walk, document), read(&plain, &plain_walk, document), "{document}");
    }

    let (_vault, _summary, target) = common::round_trip(&device, work.path());
    let movie = target.join("DCIM/100APPLE/IMG_0002.MOV");
    assert_eq!(fs::read(&movie).unwrap(), files[9].content);
    let mtime = filetime::FileTime::from_last_modification_time(&fs::metadata(&movie).unwrap());
    assert_eq!(mtime.unix_seconds(), 1_700_000_009);
    assert_eq!(
        fs::read(target.join("Raw/iphone-backup/HomeDomain/Library/SMS/sms.db-wal")).unwrap(),
        files[5].content
    );
    let manifest = fs::read(target.join("Raw/iphone-backup/Manifest.db")).unwrap();
    assert_eq!(&manifest[..16], b"SQLite format 3\0", "Manifest.db is kept decrypted");
    let calls: Vec<CallEntry> = records(&fs::read(target.join("Calls/calls.jsonl")).unwrap());
    assert_calls(&calls);

    // A file whose stored ciphertext was cut short is skipped with the reason, not delivered short.
    let id = hex::encode(Sha1::digest("CameraRollDomain-Media/DCIM/100APPLE/IMG_0001.HEIC"));
    let stored = root.join(&id[..2]).join(&id);
    let bytes = fs::read(&stored).unwrap();
    fs::write(&stored, &bytes[..1024]).unwrap();
    let reopened =
        ItunesBackupDevice::open(&root, Some("swordfish"), &mut |_, _| {}, &Cancel::new()).unwrap();
    let cut = self::walk(&reopened);
    let (what, reason) = cut.skipped.iter().find(|(w, _)| w == "DCIM/100APPLE/IMG_0001.HEIC").unwrap();
    assert!(reason.contains("holds 1024 bytes"), "{what}: {reason}");
}
