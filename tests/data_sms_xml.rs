//! SMS Backup & Restore XML against real backups (peer-data/sms): counts and key fields of every file, the
//! deliberately broken ones, and write → read round trips.

mod common;

use lifeboat::data::sms_xml::{
    BackupKind, BackupRecord, SmsXmlError, SmsXmlReader, SmsXmlWriter, WriteOptions,
};
use lifeboat::data::{AddressRole, CallDirection, Message, MessageFolder, MessageKind, PartContent};

struct Read {
    messages: Vec<Message>,
    errors: Vec<String>,
    warnings: Vec<String>,
}

fn read(name: &str) -> Read {
    let path = common::peer_file(&format!("sms/sms-backup-restore/{name}"));
    let mut reader = SmsXmlReader::open(&path).unwrap();
    let mut read = Read { messages: Vec::new(), errors: Vec::new(), warnings: Vec::new() };
    for record in reader.by_ref() {
        match record {
            Ok(BackupRecord::Message(message)) => read.messages.push(message),
            Ok(BackupRecord::Call(call)) => panic!("{name}: unexpected call {call:?}"),
            Err(error) => read.errors.push(error.to_string()),
        }
    }
    read.warnings = reader.warnings().iter().map(ToString::to_string).collect();
    read
}

/// Every message file in peer-data with the messages it yields, the records that fail and the warnings.
const EXPECTED: &[(&str, usize, usize, usize)] = &[
    ("devadvance_corrupt_attachments_handwritten.xml", 2, 0, 2),
    ("devadvance_empty.xml", 0, 0, 0),
    ("devadvance_sample_mms_handwritten.xml", 4, 0, 0),
    ("devadvance_sms_and_mms.xml", 49, 1, 0),
    ("devadvance_sms_small.xml", 12, 0, 0),
    ("fkleon_emptySms.xml", 0, 0, 1),
    ("fkleon_invalidSms.xml", 1, 1, 1),
    ("fkleon_invalidSms2.xml", 0, 1, 0),
    ("fkleon_sms-and-mms.xml", 3, 0, 1),
    ("fkleon_sms-dupes.xml", 8, 0, 1),
    ("fkleon_sms-non-dupes-2.xml", 2, 0, 0),
    ("fkleon_sms-non-dupes.xml", 2, 0, 0),
];

#[test]
fn every_peer_data_backup_yields_the_expected_records() {
    let files = common::files_with_extension("sms", "xml");
    assert_eq!(files.len(), EXPECTED.len(), "an SMS file was added or removed: update the table");
    let mut total = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let &(_, messages, errors, warnings) = EXPECTED
            .iter()
            .find(|(n, ..)| *n == name)
            .unwrap_or_else(|| panic!("{name} is not in the table"));
        let read = read(&name);
        assert_eq!(read.messages.len(), messages, "{name}: messages");
        assert_eq!(read.errors.len(), errors, "{name}: errors {:?}", read.errors);
        assert_eq!(read.warnings.len(), warnings, "{name}: warnings {:?}", read.warnings);
        for message in &read.messages {
            assert!(
                message.raw.as_ref().is_some_and(|r| r.as_bytes().starts_with(b"<")),
                "{name}: raw XML kept"
            );
        }
        total += read.messages.len();
    }
    assert_eq!(total, 83);
}

#[test]
fn small_backup_key_fields() {
    let read = read("devadvance_sms_small.xml");
    let first = &read.messages[0];
    assert_eq!(first.kind, MessageKind::Sms);
    assert_eq!(first.folder, MessageFolder::Inbox);
    assert_eq!(first.conversation, vec!["+15550000001"]);
    assert_eq!(first.addresses[0].role, AddressRole::From);
    assert_eq!(first.date, 1_512_226_167_463);
    assert_eq!(first.date_sent, Some(1_512_226_166_000));
    assert_eq!(first.body.as_deref(), Some("Body text 1"));
    assert_eq!(first.contact_name.as_deref(), Some("Contact A"));
    assert_eq!(first.subject, None, "subject=\"null\" is no subject");
    assert!(first.read);
    assert_eq!(first.extra[3], ("service_center".to_string(), "SENDER_B".to_string()));
    let sent: Vec<_> = read.messages.iter().filter(|m| m.folder == MessageFolder::Sent).collect();
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[0].date_sent, None, "date_sent=\"0\" is unknown");
    // `&#10;` inside an attribute is a real line break.
    let multi = read.messages.iter().find(|m| m.body.as_deref().is_some_and(|b| b.contains('\n'))).unwrap();
    assert_eq!(multi.body.as_deref(), Some("Body text 10\nBody text 11\nBody text 12"));
}

#[test]
fn google_messages_mms_rcs_group_and_cut_off_file() {
    let read = read("devadvance_sms_and_mms.xml");
    assert_eq!(read.messages.iter().filter(|m| m.kind == MessageKind::Sms).count(), 41);
    let mms: Vec<_> = read.messages.iter().filter(|m| m.kind == MessageKind::Mms).collect();
    assert_eq!(mms.len(), 8);
    assert_eq!(mms[0].body.as_deref(), Some("Body text 45"));
    assert_eq!(mms[0].date_sent, Some(1_720_997_593_000), "MMS date_sent is in seconds in the file");
    assert_eq!(mms[0].subject.as_deref(), Some(""), "sub=\"\" is an empty subject, not none");
    let roles: Vec<_> = mms[0].addresses.iter().map(|a| a.role).collect();
    assert_eq!(roles, [AddressRole::Cc, AddressRole::From, AddressRole::To]);
    let group = mms.iter().find(|m| m.body.as_deref() == Some("Body text 47")).unwrap();
    assert_eq!(group.conversation, vec!["group_8@rcs.google.com"]);
    assert_eq!(group.addresses.len(), 5);
    let multi =
        mms.iter().find(|m| m.body.as_deref().is_some_and(|b| b.starts_with("Body text 50"))).unwrap();
    assert_eq!(multi.body.as_deref(), Some("Body text 50\nBody text 51\nBody text 52\nBody text 53"));
    let picture = mms.iter().find(|m| m.body.as_deref() == Some("Body text 54")).unwrap();
    let image = picture.attachments().next().unwrap();
    assert_eq!(image.content_type, "image/png");
    assert_eq!(image.name.as_deref(), Some("image_8.png"));
    assert_eq!(image.content_id.as_deref(), Some("<image_8.png>"));
    assert!(matches!(&image.content, PartContent::Bytes(b) if b.starts_with(b"\x89PNG") && b.len() == 70));
    assert!(picture.parts.iter().any(|p| p.is_layout()), "the SMIL part is kept");
    // The stored copy of this backup ends in the middle of its 58th record.
    assert_eq!(read.errors.len(), 1);
    assert!(read.errors[0].contains("cut off"), "{}", read.errors[0]);
}

#[test]
fn old_format_mms_variants() {
    let read = read("fkleon_sms-and-mms.xml");
    assert_eq!(read.messages[0].body.as_deref(), Some("Klar "));
    assert_eq!(read.messages[0].folder, MessageFolder::Sent);
    let picture = &read.messages[1];
    assert_eq!(picture.kind, MessageKind::Mms);
    assert_eq!(picture.body, None);
    assert!(matches!(&picture.parts[1].content, PartContent::Bytes(b) if b.is_empty()));
    let tmobile_group = &read.messages[2];
    assert_eq!(tmobile_group.conversation, vec!["+12121234567", "+49215111111"]);
    assert_eq!(tmobile_group.contact_name.as_deref(), Some("Max Mustermann, Erika Musterfrau"));
    assert!(read.warnings[0].contains("holds 2 messages, but it holds 3"));
}

#[test]
fn deliberately_broken_files_give_clear_errors() {
    let read1 = read("fkleon_invalidSms.xml");
    assert_eq!(read1.messages[0].body.as_deref(), Some("Der Google-Bestätigungscode lautet 123456."));
    assert_eq!(read1.errors, ["record 2 (<sms> at line 4) cannot be read: it has no date attribute"]);
    let read2 = read("fkleon_invalidSms2.xml");
    assert_eq!(
        read2.errors,
        ["record 1 (<sms> at line 3) cannot be read: date \"today\" is not a whole number"]
    );
    let empty = read("fkleon_emptySms.xml");
    assert_eq!(empty.warnings, ["line 3: the file says it holds 2444 messages, but it holds 0"]);
    let corrupt = read("devadvance_corrupt_attachments_handwritten.xml");
    assert_eq!(corrupt.messages[0].body.as_deref(), Some("MMS with corrupted base64 image data"));
    assert!(
        matches!(&corrupt.messages[0].parts[0].content, PartContent::Unreadable(s) if s == "not-valid-base64-content!!")
    );
    assert!(corrupt.warnings[0].contains("corrupt_image.png"), "{}", corrupt.warnings[0]);

    assert!(matches!(SmsXmlReader::new(&b""[..]), Err(SmsXmlError::Empty)));
    assert!(matches!(SmsXmlReader::new(&b"<html><body/></html>"[..]), Err(SmsXmlError::NotABackup { .. })));
    let broken = SmsXmlReader::new(&b"<smses count=\"1\">\n<sms date=\"1\" type=\"1\"\n<sms/>"[..]).unwrap();
    let results: Vec<_> = broken.collect();
    assert!(matches!(results.last(), Some(Err(SmsXmlError::Syntax { .. }))), "{results:?}");
}

#[test]
fn duplicate_messages_share_an_identity() {
    let read = read("fkleon_sms-dupes.xml");
    let dupes: Vec<_> =
        read.messages.iter().filter(|m| m.body.as_deref() == Some("Duplicate text.")).collect();
    assert_eq!(dupes.len(), 2);
    assert_ne!(dupes[0], dupes[1], "their raw XML differs (readable_date)");
    assert_eq!(dupes[0].content_id(), dupes[1].content_id());
    let mut ids: Vec<_> = read.messages.iter().map(Message::content_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7);
    let pair = read_pair("fkleon_sms-non-dupes-2.xml");
    assert_ne!(pair.0.content_id(), pair.1.content_id(), "same text and time, different recipients");
    let pair = read_pair("fkleon_sms-non-dupes.xml");
    assert_ne!(pair.0.content_id(), pair.1.content_id(), "same text, different direction and time");
}

fn read_pair(name: &str) -> (Message, Message) {
    let mut messages = read(name).messages.into_iter();
    (messages.next().unwrap(), messages.next().unwrap())
}

/// What a message must look like after writing and reading back: the same but for the raw XML and the
/// `m_type` the writer adds to hand-made MMS that lack it (the app needs it to restore).
fn comparable(message: &Message) -> Message {
    let mut message = message.clone();
    message.raw = None;
    if message.kind == MessageKind::Mms {
        message.extra.retain(|(k, _)| k != "m_type");
    }
    message
}

#[test]
fn every_peer_data_message_survives_write_and_read() {
    for path in common::files_with_extension("sms", "xml") {
        let Ok(reader) = SmsXmlReader::open(&path) else { continue };
        let messages: Vec<Message> = reader
            .filter_map(|r| match r {
                Ok(BackupRecord::Message(m)) => Some(m),
                _ => None,
            })
            .collect();
        let options = WriteOptions { backup_set: Some("set".into()), backup_date: Some(1) };
        let mut writer =
            SmsXmlWriter::new(Vec::new(), BackupKind::Messages, messages.len() as u64, &options).unwrap();
        for message in &messages {
            writer.write_message(message).unwrap();
        }
        let bytes = writer.finish().unwrap();
        let mut again = SmsXmlReader::new(&bytes[..]).unwrap();
        assert_eq!(again.header().declared_count, Some(messages.len() as u64));
        let back: Vec<Message> = again
            .by_ref()
            .map(|r| match r {
                Ok(BackupRecord::Message(m)) => m,
                other => panic!("{}: {other:?}", path.display()),
            })
            .collect();
        assert!(again.warnings().iter().all(|w| w.reason.contains("base64")), "{:?}", again.warnings());
        assert_eq!(back.len(), messages.len());
        for (before, after) in messages.iter().zip(&back) {
            assert_eq!(comparable(after), comparable(before), "{}", path.display());
            assert_eq!(after.content_id(), before.content_id());
        }
    }
}

#[test]
fn emoji_written_as_surrogate_references_are_joined() {
    let xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"1\">\n\
               <sms address=\"+1555\" date=\"1000\" type=\"1\" body=\"Hi &#55357;&#56832; &amp; bye\" read=\"1\" />\n</smses>";
    let records: Vec<_> = SmsXmlReader::new(xml.as_bytes()).unwrap().collect();
    match &records[..] {
        [Ok(BackupRecord::Message(m))] => assert_eq!(m.body.as_deref(), Some("Hi 😀 & bye")),
        other => panic!("{other:?}"),
    }
}

/// The call-log half of the format. peer-data holds no call backup, so this one is written here in the app's
/// format (attribute names and values as the app writes them) and checked field by field, then round-tripped.
#[test]
fn call_log_backup_reads_and_round_trips() {
    let xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n\
        <?xml-stylesheet type=\"text/xsl\" href=\"calls.xsl\"?>\n\
        <calls count=\"4\" backup_set=\"a0\" backup_date=\"1721556032311\" type=\"full\">\n\
        <call number=\"+15550000001\" duration=\"125\" date=\"1512226167463\" type=\"1\" presentation=\"1\" subscription_id=\"89014103211118510720\" post_dial_digits=\"\" subscription_component_name=\"com.android.phone/com.android.services.telephony.TelephonyConnectionService\" readable_date=\"Dec 2, 2017 06:49:27\" contact_name=\"Contact A\" />\n\
        <call number=\"5550000002\" duration=\"0\" date=\"1512226200000\" type=\"3\" presentation=\"1\" readable_date=\"Dec 2, 2017 06:50:00\" contact_name=\"(Unknown)\" />\n\
        <call number=\"\" duration=\"0\" date=\"1512226300000\" type=\"6\" presentation=\"2\" readable_date=\"Dec 2, 2017 06:51:40\" contact_name=\"(Unknown)\" />\n\
        <call number=\"+15550000001\" duration=\"61\" date=\"1512226400000\" type=\"2\" presentation=\"1\" readable_date=\"Dec 2, 2017 06:53:20\" contact_name=\"Contact A\" />\n\
        </calls>\n";
    let reader = SmsXmlReader::new(xml.as_bytes()).unwrap();
    assert_eq!(reader.header().kind, BackupKind::Calls);
    let calls: Vec<_> = reader
        .map(|r| match r {
            Ok(BackupRecord::Call(c)) => c,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[0].direction, CallDirection::Incoming);
    assert_eq!(calls[0].duration_secs, 125);
    assert_eq!(calls[0].name.as_deref(), Some("Contact A"));
    assert_eq!(calls[0].sim.as_deref(), Some("89014103211118510720"));
    assert!(calls[0].account.as_deref().is_some_and(|a| a.starts_with("com.android.phone/")));
    assert_eq!(calls[1].direction, CallDirection::Missed);
    assert_eq!(calls[1].name, None);
    assert_eq!((calls[2].direction, calls[2].presentation), (CallDirection::Blocked, Some(2)));
    assert_eq!(calls[3].direction, CallDirection::Outgoing);

    let mut writer = SmsXmlWriter::new(Vec::new(), BackupKind::Calls, 4, &WriteOptions::default()).unwrap();
    for call in &calls {
        writer.write_call(call).unwrap();
    }
    let bytes = writer.finish().unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("<calls count=\"4\""));
    assert!(text.contains("contact_name=\"(Unknown)\""));
    let back: Vec<_> = SmsXmlReader::new(&bytes[..])
        .unwrap()
        .map(|r| match r {
            Ok(BackupRecord::Call(mut c)) => {
                c.raw = None;
                c
            }
            other => panic!("{other:?}"),
        })
        .collect();
    let expected: Vec<_> = calls
        .into_iter()
        .map(|mut c| {
            c.raw = None;
            c
        })
        .collect();
    assert_eq!(back, expected);
}

#[test]
fn writer_refuses_wrong_counts_and_kinds() {
    let message = read("devadvance_sms_small.xml").messages.remove(0);
    let mut writer =
        SmsXmlWriter::new(Vec::new(), BackupKind::Messages, 2, &WriteOptions::default()).unwrap();
    writer.write_message(&message).unwrap();
    assert!(matches!(writer.finish(), Err(SmsXmlError::CountMismatch { declared: 2, written: 1 })));
    let mut calls = SmsXmlWriter::new(Vec::new(), BackupKind::Calls, 1, &WriteOptions::default()).unwrap();
    assert!(matches!(calls.write_message(&message), Err(SmsXmlError::WrongKind { .. })));
}

// Issue 10, finding 10: one bad byte (or one unknown entity) in one attribute dropped the whole message. The
// message is kept, the field converted with a replacement character (or kept as written) and marked in `lost`.
#[test]
fn one_bad_byte_in_an_attribute_keeps_the_message_and_marks_the_field() {
    let xml: &[u8] = b"<smses count=\"2\">\n<sms address=\"+1555\" date=\"1000\" type=\"1\" body=\"caf\xE9 au lait\" />\n<sms address=\"+1556\" date=\"2000\" type=\"1\" body=\"fish &chips; tonight\" />\n</smses>\n";
    let mut reader = SmsXmlReader::new(xml).unwrap();
    let messages: Vec<Message> = reader
        .by_ref()
        .map(|r| match r {
            Ok(BackupRecord::Message(m)) => m,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(messages.len(), 2, "both messages are kept");
    assert_eq!(messages[0].body.as_deref(), Some("caf\u{FFFD} au lait"));
    assert!(
        messages[0].lost.iter().any(|l| l.contains("body") && l.contains("UTF-8")),
        "{:?}",
        messages[0].lost
    );
    assert_eq!(messages[1].body.as_deref(), Some("fish &chips; tonight"));
    assert!(
        messages[1].lost.iter().any(|l| l.contains("body") && l.contains("&chips;")),
        "{:?}",
        messages[1].lost
    );
    let warnings: Vec<String> = reader.warnings().iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.starts_with("line 2:") && w.contains("body")), "{warnings:?}");
}
