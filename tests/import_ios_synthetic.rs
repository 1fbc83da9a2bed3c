//! iPhone backups built here, file by file, the way Finder lays them out (hashed file names, NSKeyedArchiver
//! metadata in Manifest.db, keybag and per-file keys when encrypted), because the peer-data samples lack an
//! address book, a call history, attachments and a camera roll. The iPhone databases use the real table and
//! column names, trimmed to what matters; sms.db keeps its newest message only in its WAL, as iPhones often do.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use aes::cipher::generic_array::GenericArray;
use aes_kw::KekAes256;
use cbc::cipher::{BlockEncryptMut, KeyIvInit};
use common::walk::Collect;
use lifeboat::data::documents::read_document;
use lifeboat::data::{
    AddressRole, CallDirection, CallEntry, Category, CategorySet, Contact, Message, MessageFolder,
    MessageKind, PartContent,
};
use lifeboat::device::Device;
use lifeboat::device::folder::FolderDevice;
use lifeboat::device::ios::{IosBackupError, ItunesBackupDevice};
use lifeboat::engine::{self, BackupOptions, Cancel, RestoreOptions, Silent};
use lifeboat::vault::{KdfParams, Vault};
use plist::{Dictionary, Uid, Value};
use rusqlite::Connection;
use sha1::{Digest, Sha1};

/// 2023-03-07T… in Apple time (seconds since 2001).
const T0: i64 = 700_000_000;
const APPLE_EPOCH_MS: i64 = 978_307_200_000;
const VIDEO_LEN: usize = 5 * 1024 * 1024 + 123;

struct FixtureFile {
    domain: &'static str,
    path: String,
    flags: i64,
    content: Vec<u8>,
    target: Option<&'static str>,
}

fn file(domain: &'static str, path: &str, content: Vec<u8>) -> FixtureFile {
    FixtureFile { domain, path: path.into(), flags: 1, content, target: None }
}

fn dir(domain: &'static str, path: &str) -> FixtureFile {
    FixtureFile { domain, path: path.into(), flags: 2, content: Vec::new(), target: None }
}

/// Makes a database with `sql` and returns its bytes (and those of its WAL after `wal_sql`, if given).
fn database(work: &Path, name: &str, sql: &str, wal_sql: Option<&str>) -> (Vec<u8>, Option<Vec<u8>>) {
    let path = work.join(name);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    let Some(wal_sql) = wal_sql else {
        drop(conn);
        return (fs::read(&path).unwrap(), None);
    };
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;").unwrap();
    conn.execute_batch(wal_sql).unwrap();
    // Copied while the connection is open: closing it would checkpoint the WAL into the database.
    let main = fs::read(&path).unwrap();
    let wal = fs::read(work.join(format!("{name}-wal"))).unwrap();
    drop(conn);
    (main, Some(wal))
}

fn attributed_body(text: &str) -> Vec<u8> {
    let mut blob = b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+".to_vec();
    blob.push(text.len() as u8);
    blob.extend_from_slice(text.as_bytes());
    blob.extend_from_slice(b"\x86\x84\x02iI\x01");
    blob
}

fn address_book(work: &Path) -> Vec<u8> {
    let birthday = 480_297_600 - 978_307_200; // 1985-03-22
    let anniversary = 1_275_350_400 - 978_307_200; // 2010-06-01
    let sql = format!(
        "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT,
            FirstPhonetic TEXT, MiddlePhonetic TEXT, LastPhonetic TEXT, Organization TEXT, Department TEXT,
            Note TEXT, Kind INTEGER, Birthday TEXT, JobTitle TEXT, Nickname TEXT, Prefix TEXT, Suffix TEXT,
            guid TEXT);
         CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER,
            identifier INTEGER, label INTEGER, value TEXT);
         CREATE TABLE ABMultiValueLabel (value TEXT, UNIQUE(value));
         CREATE TABLE ABMultiValueEntry (parent_id INTEGER, key INTEGER, value TEXT, UNIQUE(parent_id, key));
         CREATE TABLE ABMultiValueEntryKey (value TEXT, UNIQUE(value));
         INSERT INTO ABMultiValueLabel (value) VALUES ('_$!<Mobile>!$_'), ('iPhone'), ('_$!<Home>!$_'),
            ('_$!<Work>!$_'), ('Climbing gym'), ('_$!<Anniversary>!$_');
         INSERT INTO ABMultiValueEntryKey (value) VALUES ('Street'), ('City'), ('ZIP'), ('Country'),
            ('username'), ('service');
         INSERT INTO ABPerson (ROWID, First, Last, Middle, Prefix, Nickname, Organization, Department, JobTitle,
            Note, Kind, Birthday, guid, LastPhonetic)
            VALUES (1, 'Anna', 'Example', 'Maria', 'Dr.', 'Annie', 'Example Ltd', 'R&D', 'Engineer',
                    'Met at the gym', 0, '{birthday}', 'ABC-1', 'Ex-am-ple'),
                   (2, NULL, NULL, NULL, NULL, NULL, 'ACME Corp', NULL, NULL, NULL, 1, NULL, 'ABC-2', NULL);
         INSERT INTO ABMultiValue VALUES (1, 1, 3, 0, 1, '+1 555 0001'), (2, 1, 3, 1, 5, '555-0100'),
            (3, 1, 4, 0, 3, 'anna@example.com'), (4, 1, 5, 0, 3, NULL), (5, 1, 13, 0, 4, NULL),
            (6, 1, 22, 0, 4, 'https://example.com/anna'), (7, 1, 12, 0, 6, '{anniversary}'),
            (8, 2, 3, 0, 4, '+1 555 0200');
         INSERT INTO ABMultiValueEntry VALUES (4, 1, 'Main St 1'), (4, 2, 'Springfield'), (4, 3, '12345'),
            (4, 4, 'USA'), (5, 5, 'anna.example'), (5, 6, 'Skype');"
    );
    database(work, "AddressBook.sqlitedb", &sql, None).0
}

fn call_history(work: &Path) -> Vec<u8> {
    let sql = format!(
        "CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER,
            ZCALLTYPE INTEGER, ZORIGINATED INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR,
            ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR);
         INSERT INTO ZCALLRECORD VALUES
            (1, 2, 1, 0, 1, 1, {t1}.25, 65.4, CAST('+15550001' AS BLOB), 'Anna', 'com.apple.Telephony', 'U1', 'us'),
            (2, 2, 1, 1, 8, 0, {t2}, 300.0, 'friend@example.com', NULL, 'com.apple.FaceTime', 'U2', NULL),
            (3, 2, 1, 0, 1, 0, {t3}, 0.0, '+15550003', NULL, 'com.apple.Telephony', 'U3', 'us');",
        t1 = T0 + 100,
        t2 = T0 + 200,
        t3 = T0 + 300
    );
    database(work, "CallHistory.storedata", &sql, None).0
}

/// sms.db; message 8 is only in the WAL, and its date is in seconds as before iOS 11.
fn sms_db(work: &Path) -> (Vec<u8>, Vec<u8>) {
    let ns = |s: i64| (T0 + s) * 1_000_000_000;
    let sql = format!(
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
            service TEXT NOT NULL, uncanonicalized_id TEXT);
         CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
            chat_identifier TEXT, service_name TEXT, display_name TEXT);
         CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
         CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0);
         CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
            handle_id INTEGER DEFAULT 0, subject TEXT, attributedBody BLOB, service TEXT, account TEXT,
            error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER,
            is_delivered INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0,
            item_type INTEGER DEFAULT 0, group_title TEXT, associated_message_guid TEXT,
            associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, expressive_send_style_id TEXT,
            destination_caller_id TEXT);
         CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
            filename TEXT, uti TEXT, mime_type TEXT, transfer_name TEXT, total_bytes INTEGER DEFAULT 0);
         CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER);
         INSERT INTO handle VALUES (1, '+15550001', 'us', 'SMS', NULL), (2, 'friend@example.com', NULL,
            'iMessage', NULL), (3, '+15550003', 'us', 'iMessage', NULL);
         INSERT INTO chat VALUES (1, 'SMS;-;+15550001', 45, '+15550001', 'SMS', NULL),
            (2, 'iMessage;-;friend@example.com', 45, 'friend@example.com', 'iMessage', NULL),
            (3, 'iMessage;+;chat123', 43, 'chat123', 'iMessage', 'Climbing');
         INSERT INTO chat_handle_join VALUES (1, 1), (2, 2), (3, 2), (3, 3);
         INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_read, is_from_me, is_delivered,
            destination_caller_id, expressive_send_style_id, associated_message_type, associated_message_guid,
            attributedBody, date_read)
         VALUES
            (1, 'M1', 'Hello from SMS', 1, 'SMS', {d1}, 1, 0, 0, NULL, NULL, 0, NULL, NULL, {d1r}),
            (2, 'M2', 'Reply over SMS', 1, 'SMS', {d2}, 0, 1, 1, '+15559999', NULL, 0, NULL, NULL, NULL),
            (3, 'M3', char(65532) || 'Look at this', 2, 'iMessage', {d3}, 1, 0, 0, NULL,
                'com.apple.MobileSMS.expressivesend.impact', 0, NULL, NULL, NULL),
            (4, 'M4', 'Loved “Look at this”', 2, 'iMessage', {d4}, 1, 0, 0, NULL, NULL, 2000, 'p:0/M3', NULL,
                NULL),
            (5, 'M5', NULL, 2, 'iMessage', {d5}, 1, 0, 0, NULL, NULL, 0, NULL, X'{body}', NULL),
            (6, 'M6', 'Group hello', 3, 'iMessage', {d6}, 0, 0, 0, NULL, NULL, 0, NULL, NULL, NULL),
            (7, 'M7', NULL, 3, 'iMessage', {d7}, 0, 0, 0, NULL, NULL, 0, NULL, NULL, NULL);
         INSERT INTO chat_message_join (chat_id, message_id) VALUES (1, 1), (1, 2), (2, 3), (2, 4), (2, 5),
            (3, 6), (3, 7);
         INSERT INTO attachment VALUES
            (1, 'A1', '~/Library/SMS/Attachments/ab/11/A1/IMG_0005.jpeg', 'public.jpeg', 'image/jpeg',
                'IMG_0005.jpeg', 3000),
            (2, 'A2', '~/Library/SMS/Attachments/cd/12/A2/voice.caf', 'com.apple.coreaudio-format',
                'audio/x-caf', 'voice.caf', 999);
         INSERT INTO message_attachment_join VALUES (3, 1), (7, 2);",
        d1 = ns(1),
        d1r = ns(2),
        d2 = ns(60),
        d3 = ns(120),
        d4 = ns(130),
        d5 = ns(140),
        d6 = ns(150),
        d7 = ns(160),
        body = hex::encode(attributed_body("Recovered text")),
    );
    let wal = format!(
        "INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_read)
            VALUES (8, 'M8', 'Written last, still in the WAL', 1, 'SMS', {}, 1);
         INSERT INTO chat_message_join (chat_id, message_id) VALUES (1, 8);",
        T0 + 800
    );
    let (main, wal) = database(work, "sms.db", &sql, Some(&wal));
    (main, wal.unwrap())
}

fn fixture_files(work: &Path) -> Vec<FixtureFile> {
    let (sms, wal) = sms_db(work);
    let mut noise = common::Noise::new(42);
    let mut jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec();
    jpeg.extend(noise.bytes(3000 - jpeg.len()));
    let mut heic = b"\x00\x00\x00\x18ftypheic".to_vec();
    heic.extend(noise.bytes(4096));
    vec![
        dir("HomeDomain", ""),
        dir("HomeDomain", "Library"),
        file("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", address_book(work)),
        file("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata", call_history(work)),
        file("HomeDomain", "Library/SMS/sms.db", sms),
        file("HomeDomain", "Library/SMS/sms.db-wal", wal),
        file("MediaDomain", "Library/SMS/Attachments/ab/11/A1/IMG_0005.jpeg", jpeg),
        dir("CameraRollDomain", "Media/DCIM/100APPLE"),
        file("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC", heic),
        file("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0002.MOV", noise.bytes(VIDEO_LEN)),
        file("CameraRollDomain", "Media/PhotoData/Thumbnails/V2/IMG_0001.JPG", b"thumb".to_vec()),
        file("HomeDomain", "Library/Preferences/empty.plist", Vec::new()),
        FixtureFile {
            domain: "RootDomain",
            path: "Library/Caches/locationd".into(),
            flags: 4,
            content: Vec::new(),
            target: Some("/var/root/Library/Caches/locationd"),
        },
    ]
}

/// The metadata blob of one file, archived as iOS archives an `MBFile`.
fn mbfile(fixture: &FixtureFile, index: usize, key: Option<Vec<u8>>) -> Vec<u8> {
    let mut root = Dictionary::new();
    let mode: u64 = match fixture.flags {
        2 => 0o40755,
        4 => 0o120755,
        _ => 0o100644,
    };
    root.insert("Size".into(), Value::Integer((fixture.content.len() as u64).into()));
    root.insert("LastModified".into(), Value::Integer((1_700_000_000 + index as u64).into()));
    root.insert("Mode".into(), Value::Integer(mode.into()));
    root.insert("ProtectionClass".into(), Value::Integer(3u64.into()));
    root.insert("RelativePath".into(), Value::Uid(Uid::new(2)));
    root.insert("$class".into(), Value::Uid(Uid::new(3)));
    let mut class = Dictionary::new();
    class.insert("$classname".into(), Value::String("MBFile".into()));
    let mut objects = vec![
        Value::String("$null".into()),
        Value::Boolean(false),
        Value::String(fixture.path.clone()),
        Value::Dictionary(class),
    ];
    if let Some(target) = fixture.target {
        root.insert("Target".into(), Value::Uid(Uid::new(objects.len() as u64)));
        objects.push(Value::String(target.into()));
    }
    if let Some(key) = key {
        root.insert("EncryptionKey".into(), Value::Uid(Uid::new(objects.len() as u64)));
        let mut data = Dictionary::new();
        data.insert("NS.data".into(), Value::Data(key));
        objects.push(Value::Dictionary(data));
    }
    objects[1] = Value::Dictionary(root);
    let mut top = Dictionary::new();
    top.insert("root".into(), Value::Uid(Uid::new(1)));
    let mut archive = Dictionary::new();
    archive.insert("$archiver".into(), Value::String("NSKeyedArchiver".into()));
    archive.insert("$version".into(), Value::Integer(100_000u64.into()));
    archive.insert("$top".into(), Value::Dictionary(top));
    archive.insert("$objects".into(), Value::Array(objects));
    let mut out = Vec::new();
    Value::Dictionary(archive).to_writer_binary(&mut out).unwrap();
    out
}

fn encrypt(plain: &[u8], key: &[u8; 32], pad: bool) -> Vec<u8> {
    let mut data = plain.to_vec();
    if pad {
        let n = 16 - data.len() % 16;
        data.extend(std::iter::repeat_n(n as u8, n));
    }
    let mut cipher = cbc::Encryptor::<aes::Aes256>::new(key.into(), &[0u8; 16].into());
    for block in data.chunks_exact_mut(16) {
        cipher.encrypt_block_mut(GenericArray::from_mut_slice(block));
    }
    data
}

fn wrap(kek: &[u8; 32], key: &[u8; 32], class: u32) -> Vec<u8> {
    let mut out = class.to_le_bytes().to_vec();
    let mut wrapped = [0u8; 40];
    KekAes256::from(*kek).wrap(key, &mut wrapped).unwrap();
    out.extend_from_slice(&wrapped);
    out
}

/// A backup keybag with class keys 3 and 4 wrapped under `password` (DPIC kept small for tests).
fn keybag(password: &str, class_keys: &[(u32, [u8; 32])]) -> Vec<u8> {
    let (salt, dp_salt, iterations, dp_iterations) = ([3u8; 20], [5u8; 20], 100u32, 1000u32);
    let mut first = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), &dp_salt, dp_iterations, &mut first);
    let mut passcode_key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(&first, &salt, iterations, &mut passcode_key);
    let mut out = Vec::new();
    let mut field = |tag: &[u8], value: &[u8]| {
        out.extend_from_slice(tag);
        out.extend_from_slice(&(value.len() as u32).to_be_bytes());
        out.extend_from_slice(value);
    };
    field(b"VERS", &5u32.to_be_bytes());
    field(b"TYPE", &1u32.to_be_bytes());
    field(b"UUID", &[1; 16]);
    field(b"HMCK", &[0; 40]);
    field(b"WRAP", &0u32.to_be_bytes());
    field(b"SALT", &salt);
    field(b"ITER", &iterations.to_be_bytes());
    field(b"DPWT", &1u32.to_be_bytes());
    field(b"DPIC", &dp_iterations.to_be_bytes());
    field(b"DPSL", &dp_salt);
    for (class, key) in class_keys {
        field(b"UUID", &[2; 16]);
        field(b"CLAS", &class.to_be_bytes());
        field(b"WRAP", &2u32.to_be_bytes());
        field(b"KTYP", &0u32.to_be_bytes());
        field(b"WPKY", &wrap(&passcode_key, key, 0)[4..]);
    }
    out
}

fn write_plist(path: &Path, dict: Dictionary) {
    Value::Dictionary(dict).to_file_binary(path).unwrap();
}

/// Writes a backup folder of `files` under `work/name`, encrypted when `password` is given.
fn build_backup(work: &Path, name: &str, files: &[FixtureFile], password: Option<&str>) -> PathBuf {
    let root = work.join(name);
    fs::create_dir_all(&root).unwrap();
    let (class3, class4) = ([33u8; 32], [44u8; 32]);
    let db_path = work.join(format!("{name}-Manifest.db"));
    let conn = Connection::open(&db_path).unwrap();
    conn.execute_batch(
        "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
         CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);",
    )
    .unwrap();
    for (index, fixture) in files.iter().enumerate() {
        let id = hex::encode(Sha1::digest(format!("{}-{}", fixture.domain, fixture.path)));
        let file_key = [index as u8 + 1; 32];
        let key = (password.is_some() && fixture.flags == 1).then(|| wrap(&class3, &file_key, 3));
        let blob = mbfile(fixture, index, key);
        conn.execute(
            "INSERT INTO Files VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![id, fixture.domain, fixture.path, fixture.flags, blob],
        )
        .unwrap();
        if fixture.flags == 1 {
            let stored = if password.is_some() {
                encrypt(&fixture.content, &file_key, true)
            } else {
                fixture.content.clone()
            };
            fs::create_dir_all(root.join(&id[..2])).unwrap();
            fs::write(root.join(&id[..2]).join(&id), stored).unwrap();
        }
    }
    drop(conn);
    let manifest_db = fs::read(&db_path).unwrap();
    let mut info = Dictionary::new();
    for (key, value) in [
        ("Device Name", "Test iPhone"),
        ("Product Type", "iPhone14,2"),
        ("Product Version", "17.1"),
        ("Build Version", "21B74"),
        ("Serial Number", "SYNTH0001"),
        ("Unique Identifier", "00008110-000A"),
    ] {
        info.insert(key.into(), Value::String(value.into()));
    }
    write_plist(&root.join("Info.plist"), info);
    let mut status = Dictionary::new();
    status.insert("SnapshotState".into(), Value::String("finished".into()));
    write_plist(&root.join("Status.plist"), status);
    let mut manifest = Dictionary::new();
    manifest.insert("IsEncrypted".into(), Value::Boolean(password.is_some()));
    if let Some(password) = password {
        let manifest_key = [77u8; 32];
        manifest.insert("BackupKeyBag".into(), Value::Data(keybag(password, &[(3, class3), (4, class4)])));
        manifest.insert("ManifestKey".into(), Value::Data(wrap(&class4, &manifest_key, 4)));
        fs::write(root.join("Manifest.db"), encrypt(&manifest_db, &manifest_key, false)).unwrap();
    } else {
        fs::write(root.join("Manifest.db"), &manifest_db).unwrap();
    }
    write_plist(&root.join("Manifest.plist"), manifest);
    root
}

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

    let vault = Vault::init(
        &work.path().join("vault"),
        common::PASSWORD,
        KdfParams { memory_kib: 256, passes: 1, lanes: 1 },
    )
    .unwrap();
    let summary =
        engine::backup(&vault, &device, &BackupOptions::default(), &Silent, &Cancel::new()).unwrap();
    let target = work.path().join("restored");
    let restored = engine::restore(
        &vault,
        &summary.snapshot,
        &FolderDevice::create(&target).unwrap(),
        &RestoreOptions::default(),
        &Silent,
        &Cancel::new(),
    )
    .unwrap();
    assert!(restored.failures.is_empty(), "{:?}", restored.failures);
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
