//! The acceptance round trip of cross-device restore, through the `lifeboat` binary: an iPhone backup (the
//! synthetic one of `common/ios_backup.rs` with a real iPhone 11 HEIC photo added to its camera roll, then
//! peer-data's real iOS 14.3 backup) is imported into a vault, restored onto an empty virtual Android phone,
//! and the phone is backed up into the vault again. The two snapshots hold the same contacts, messages (their
//! MMS pictures byte for byte), calls and photos (bytes and times), compared by content id, not by count; the
//! restore report counts what the phone holds and finds no difference; a second restore adds nothing. A phone
//! on Android 8.1, which cannot show HEIC, gets the real photo as a JPEG that keeps its EXIF capture time, and
//! the file that only claims to be HEIC as it was, with a note saying so.

mod common;
#[path = "common/ios_backup.rs"]
mod ios_backup;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::phone::PhoneVault;
use common::{hash_file, json, ok, peer_file};
use ios_backup::{FixtureFile, build_backup, fixture_files};
use lifeboat::data::documents::read_document;
use lifeboat::data::{CallEntry, Contact, Message, PartContent};
use lifeboat::device::sim::android::{self, AndroidSimOptions, Profile, RunningSim};
use serde_json::Value;

/// The real photo added to the synthetic camera roll: an iPhone 11 Pro Max HEIC with EXIF and GPS.
const REAL_HEIC: &str = "photos/heic/IMG_5195.HEIC";

/// Runs `lifeboat ARGS --json` on the vault and returns its JSON, saying how long it took.
fn timed_json(setup: &PhoneVault, what: &str, args: &[&str]) -> Value {
    let started = Instant::now();
    let value = json(&ok(setup.cmd().args(args).arg("--json")));
    eprintln!("{what}: {:.1} s", started.elapsed().as_secs_f64());
    value
}

fn start_phone(state: &Path, serial: &str) -> RunningSim {
    android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile: Profile::Empty,
        state_dir: Some(state.to_path_buf()),
        serial: serial.to_string(),
        ..AndroidSimOptions::default()
    })
    .unwrap()
}

/// The synthetic iPhone backup with the real HEIC photo as `IMG_0003.HEIC`.
fn iphone_backup(work: &Path) -> PathBuf {
    let mut files = fixture_files(work);
    files.push(FixtureFile {
        domain: "CameraRollDomain",
        path: "Media/DCIM/100APPLE/IMG_0003.HEIC".into(),
        flags: 1,
        content: fs::read(peer_file(REAL_HEIC)).unwrap(),
        target: None,
    });
    build_backup(work, "iphone", &files, None)
}

/// What a snapshot holds, read back from a folder restore of it.
struct Holdings {
    contacts: BTreeSet<String>,
    messages: BTreeMap<String, Message>,
    calls: BTreeSet<String>,
    /// Photo paths with their BLAKE3 and modification time.
    photos: BTreeMap<String, (String, i64)>,
    /// Per message content id, the BLAKE3 of each attachment the snapshot holds the bytes of.
    attachments: BTreeMap<String, Vec<String>>,
}

fn records<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    if !path.exists() {
        return Vec::new();
    }
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_document(bytes.as_slice()).collect::<Result<_, _>>().unwrap()
}

fn holdings(setup: &PhoneVault, snapshot: &str) -> Holdings {
    let dir = setup.dir.path().join(format!("read-{snapshot}"));
    ok(setup
        .cmd()
        .args(["restore", snapshot, "--categories", "contacts,messages,calls,photos", "--to"])
        .arg(&dir));
    let contacts = records::<Contact>(&dir.join("Contacts/contacts.jsonl"));
    let messages = records::<Message>(&dir.join("Messages/messages.jsonl"));
    let calls = records::<CallEntry>(&dir.join("Calls/calls.jsonl"));
    let mut attachments = BTreeMap::new();
    for message in &messages {
        let mut hashes: Vec<String> = message
            .attachments()
            .filter_map(|part| match &part.content {
                PartContent::Reference(path) if dir.join(path).is_file() => Some(hash_file(&dir.join(path))),
                _ => None,
            })
            .collect();
        hashes.sort();
        if !hashes.is_empty() {
            attachments.insert(message.content_id().to_string(), hashes);
        }
    }
    let dcim = dir.join("DCIM");
    let photos = if dcim.is_dir() { common::describe(&dcim) } else { BTreeMap::new() };
    let photos = photos
        .into_iter()
        .filter_map(|(path, item)| match item {
            common::Item::File { hash, mtime, .. } => Some((path, (hash, mtime))),
            _ => None,
        })
        .collect();
    Holdings {
        contacts: contacts.iter().map(|c| c.content_id().to_string()).collect(),
        messages: messages.into_iter().map(|m| (m.content_id().to_string(), m)).collect(),
        calls: calls.iter().map(|c| c.content_id().to_string()).collect(),
        photos,
        attachments,
    }
}

/// The report row of one category.
fn row<'a>(report: &'a Value, category: &str) -> &'a Value {
    report["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == category)
        .unwrap_or_else(|| panic!("no {category} in {report:#}"))
}

fn counts(report: &Value, category: &str) -> (u64, u64, u64) {
    let r = row(report, category);
    (r["restored"].as_u64().unwrap(), r["already_present"].as_u64().unwrap(), r["refused"].as_u64().unwrap())
}

#[test]
fn an_iphone_backup_moves_onto_an_android_phone_and_back_into_the_vault_unchanged() {
    let setup = PhoneVault::new();
    let work = tempfile::tempdir().unwrap();
    let backup = iphone_backup(work.path());
    let state = tempfile::tempdir().unwrap();
    let phone = start_phone(state.path(), "LB-CROSS-A");
    let addr = phone.addr().to_string();

    let started = Instant::now();
    let imported = timed_json(&setup, "import of the iPhone backup", &["import", backup.to_str().unwrap()]);
    let iphone = imported["snapshot"]["id"].as_str().unwrap().to_string();

    // The plan comes first and writes nothing (the restore below finds the phone empty).
    let plan = timed_json(&setup, "restore --plan", &["restore", &iphone, "--device", &addr, "--plan"]);
    let planned = |category: &str| {
        plan["plan"].as_array().unwrap().iter().find(|p| p["category"] == category).cloned().unwrap()
    };
    let messages_plan = planned("messages");
    assert_eq!((messages_plan["as_is"].as_u64(), messages_plan["converted"].as_u64()), (Some(3), Some(5)));
    assert_eq!(messages_plan["reasons"][0]["code"], "imessage-flattened");
    assert_eq!(planned("photos")["as_is"], 3, "Android 14 shows HEIC: nothing to convert");
    let files_plan = planned("files");
    assert_eq!(files_plan["as_is"], 0);
    assert_eq!(files_plan["cannot_transfer"], 10 + 4, "the backup's 10 files and its 4 own: {files_plan}");
    assert_eq!(files_plan["reasons"][0]["code"], "raw-backup-kept");
    let text = String::from_utf8_lossy(
        &ok(setup.cmd().args(["restore", &iphone, "--device", &addr, "--plan"])).stdout,
    )
    .into_owned();
    for expected in
        ["What this restore will do, from Test iPhone to", "AS THEY ARE", "messages: iMessage effects"]
    {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    // Into a folder everything goes as it is, the backup's own files too; planning it creates nothing.
    let folder = setup.dir.path().join("not-yet");
    let into_folder = timed_json(
        &setup,
        "restore --plan into a folder",
        &["restore", &iphone, "--to", folder.to_str().unwrap(), "--plan"],
    );
    assert!(!folder.exists(), "a plan writes nothing");
    let plans = into_folder["plan"].as_array().unwrap();
    assert!(plans.iter().all(|p| p["converted"] == 0 && p["cannot_transfer"] == 0), "{into_folder:#}");
    assert!(plans.iter().any(|p| p["category"] == "files" && p["as_is"] == 14), "{into_folder:#}");

    let first =
        timed_json(&setup, "first restore onto the empty phone", &["restore", &iphone, "--device", &addr]);
    assert_eq!(counts(&first, "contacts"), (2, 0, 0));
    assert_eq!(counts(&first, "messages"), (8, 0, 0));
    assert_eq!(counts(&first, "calls"), (3, 0, 0));
    assert_eq!(counts(&first, "photos"), (3, 0, 0));
    for category in ["contacts", "messages", "calls", "photos"] {
        let r = row(&first, category);
        assert_eq!((r["check"].as_str(), r["difference"].as_i64()), (Some("matches"), Some(0)), "{r:#}");
        assert_eq!(r["before"], 0, "the plan wrote nothing: {r:#}");
        assert_eq!(r["after"], r["restored"], "{r:#}");
    }

    let android = timed_json(&setup, "backup of the phone", &["backup", "--device", &addr]);
    let android = android["snapshot"]["id"].as_str().unwrap().to_string();
    let round_trip = started.elapsed();

    let (a, b) = (holdings(&setup, &iphone), holdings(&setup, &android));
    assert_eq!(a.contacts.len(), 2);
    assert_eq!(b.contacts, a.contacts, "the same contacts, by content");
    assert_eq!(a.messages.len(), 8);
    assert_eq!(
        b.messages.keys().collect::<Vec<_>>(),
        a.messages.keys().collect::<Vec<_>>(),
        "the same messages"
    );
    assert_eq!(a.calls.len(), 3);
    assert_eq!(b.calls, a.calls, "the same calls");
    assert_eq!(a.photos.len(), 3);
    assert_eq!(b.photos, a.photos, "the same photos, byte for byte, with their times");
    assert_eq!(a.attachments.len(), 1, "the picture of the iMessage: {:?}", a.attachments);
    assert_eq!(b.attachments, a.attachments, "MMS pictures, byte for byte");

    // Conversations stay apart: an Android thread never mixes two iPhone chats, and the SMS chat is one thread.
    let mut chats_of_thread: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, message) in &b.messages {
        let chat = a.messages[id].thread_id.clone().unwrap_or_default();
        if let Some(thread) = &message.thread_id {
            chats_of_thread.entry(thread.clone()).or_default().insert(chat);
        }
    }
    assert!(chats_of_thread.values().all(|chats| chats.len() == 1), "{chats_of_thread:?}");
    let sms_chat: BTreeSet<Option<String>> = b
        .messages
        .iter()
        .filter(|(id, _)| a.messages[*id].thread_id.as_deref() == Some("SMS;-;+15550001"))
        .map(|(_, m)| m.thread_id.clone())
        .collect();
    assert_eq!(sms_chat.len(), 1, "{sms_chat:?}");
    assert!(sms_chat.iter().all(Option::is_some));

    // Again: nothing new, and the report says so in words too.
    let second = timed_json(&setup, "second restore", &["restore", &iphone, "--device", &addr]);
    assert_eq!(counts(&second, "contacts"), (0, 2, 0));
    assert_eq!(counts(&second, "messages"), (0, 8, 0));
    assert_eq!(counts(&second, "calls"), (0, 3, 0));
    assert_eq!(counts(&second, "photos"), (0, 3, 0));
    for category in ["contacts", "messages", "calls", "photos"] {
        assert_eq!(row(&second, category)["check"], "matches");
        assert_eq!(row(&second, category)["after"], row(&first, category)["after"]);
    }
    let third = ok(setup.cmd().args(["restore", &iphone, "--device", &addr]));
    let text = String::from_utf8_lossy(&third.stdout).into_owned();
    eprintln!("third restore:\n{text}");
    for expected in [
        "WILL TRANSFER",
        "DIFFERENCE",
        "contacts: 0 restored, 2 already there, 0 refused",
        "files: The original files of an imported backup stay in the vault",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    // The real iOS 14.3 backup from peer-data: its one message (from the alphanumeric sender "apple") arrives.
    let mvt = timed_json(
        &setup,
        "import of the peer-data iOS 14.3 backup",
        &["import", peer_file("ios/mvt_ios_backup").to_str().unwrap()],
    );
    let mvt = mvt["snapshot"]["id"].as_str().unwrap().to_string();
    let onto = timed_json(&setup, "restore of it onto the same phone", &["restore", &mvt, "--device", &addr]);
    assert_eq!(counts(&onto, "messages"), (1, 0, 0));
    assert_eq!(row(&onto, "messages")["check"], "matches");
    let again = timed_json(&setup, "backup of the phone", &["backup", "--device", &addr]);
    let again = holdings(&setup, again["snapshot"]["id"].as_str().unwrap());
    let from_mvt = holdings(&setup, &mvt);
    assert_eq!(from_mvt.messages.len(), 1);
    assert!(from_mvt.messages.keys().all(|id| again.messages.contains_key(id)));
    assert_eq!(again.messages.len(), 9);

    eprintln!(
        "round trip iPhone backup → vault → Android phone → vault: {} contacts, {} messages ({} with an MMS \
         picture), {} calls, {} photos in {:.1} s",
        b.contacts.len(),
        b.messages.len(),
        b.attachments.len(),
        b.calls.len(),
        b.photos.len(),
        round_trip.as_secs_f64()
    );
    phone.stop();
}

/// A phone state folder whose phone says it runs Android 8.1 (API 27), which shows no HEIC.
fn old_phone(state: &Path) -> RunningSim {
    start_phone(state, "LB-CROSS-OLD").stop();
    let phone_json = state.join("phone.json");
    let mut phone: Value = serde_json::from_str(&fs::read_to_string(&phone_json).unwrap()).unwrap();
    phone["identity"]["release"] = "8.1.0".into();
    phone["identity"]["sdk"] = 27.into();
    fs::write(&phone_json, serde_json::to_string_pretty(&phone).unwrap()).unwrap();
    start_phone(state, "LB-CROSS-OLD")
}

fn exif_field(jpeg: &[u8], tag: exif::Tag) -> Option<String> {
    let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(jpeg)).ok()?;
    exif.get_field(tag, exif::In::PRIMARY).map(|f| f.display_value().to_string())
}

#[test]
fn heic_photos_become_jpeg_with_their_capture_time_on_a_phone_that_cannot_show_them() {
    let setup = PhoneVault::new();
    let work = tempfile::tempdir().unwrap();
    let backup = iphone_backup(work.path());
    let state = tempfile::tempdir().unwrap();
    let phone = old_phone(state.path());
    let addr = phone.addr().to_string();
    let imported = timed_json(&setup, "import", &["import", backup.to_str().unwrap()]);
    let iphone = imported["snapshot"]["id"].as_str().unwrap().to_string();

    let plan = timed_json(
        &setup,
        "plan",
        &["restore", &iphone, "--device", &addr, "--categories", "photos", "--plan"],
    );
    let photos = &plan["plan"][0];
    assert_eq!((photos["as_is"].as_u64(), photos["converted"].as_u64()), (Some(1), Some(2)), "{plan:#}");
    assert_eq!(photos["reasons"][0]["code"], "heic-to-jpeg");

    let started = Instant::now();
    let first = timed_json(
        &setup,
        "restore onto Android 8.1",
        &["restore", &iphone, "--device", &addr, "--categories", "photos"],
    );
    let elapsed = started.elapsed();
    let r = row(&first, "photos");
    assert_eq!((counts(&first, "photos"), r["converted"].as_u64()), ((3, 0, 0), Some(1)), "{r:#}");
    assert_eq!(r["check"], "matches");
    let notes = r["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("DCIM/100APPLE/IMG_0001.HEIC: the photo cannot be decoded")),
        "the file that only claims to be HEIC goes as it is, with a note: {notes:?}"
    );

    let on_phone = state.path().join("fs/storage/emulated/0/DCIM/100APPLE");
    let jpeg = fs::read(on_phone.join("IMG_0003.JPG")).unwrap();
    assert_eq!(&jpeg[..3], b"\xff\xd8\xff");
    assert!(!on_phone.join("IMG_0003.HEIC").exists());
    let original = fs::read(peer_file(REAL_HEIC)).unwrap();
    assert_eq!(
        exif_field(&jpeg, exif::Tag::DateTimeOriginal),
        exif_field(&original, exif::Tag::DateTimeOriginal),
        "the capture time travels in the JPEG"
    );
    assert_eq!(exif_field(&jpeg, exif::Tag::DateTimeOriginal).as_deref(), Some("2021-04-11 15:47:53"));
    assert!(exif_field(&jpeg, exif::Tag::GPSLatitude).is_some(), "and the place");
    let picture = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((picture.width(), picture.height()), (2566, 3313));
    let iphone_photos = holdings(&setup, &iphone).photos;
    let original_mtime = iphone_photos["100APPLE/IMG_0003.HEIC"].1;
    let mtime = filetime::FileTime::from_last_modification_time(
        &fs::metadata(on_phone.join("IMG_0003.JPG")).unwrap(),
    );
    assert_eq!(mtime.unix_seconds(), original_mtime, "the file keeps the photo's time");
    assert_eq!(fs::read(on_phone.join("IMG_0001.HEIC")).unwrap().len(), 4096 + 12);

    // The phone's own backup has the JPEG; a second restore converts the same bytes and writes nothing.
    let android = timed_json(
        &setup,
        "backup of the old phone",
        &["backup", "--device", &addr, "--categories", "photos"],
    );
    let photos = holdings(&setup, android["snapshot"]["id"].as_str().unwrap()).photos;
    let names: Vec<&str> = photos.keys().map(String::as_str).collect();
    assert_eq!(names, ["100APPLE/IMG_0001.HEIC", "100APPLE/IMG_0002.MOV", "100APPLE/IMG_0003.JPG"]);
    let again = timed_json(
        &setup,
        "second restore",
        &["restore", &iphone, "--device", &addr, "--categories", "photos"],
    );
    assert_eq!(counts(&again, "photos"), (0, 3, 0));
    eprintln!("HEIC → JPEG restore of 3 photos (one 2566×3313 conversion): {:.1} s", elapsed.as_secs_f64());
    phone.stop();
}
