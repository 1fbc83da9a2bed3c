//! Importing other tools' files as snapshots and exporting snapshots to open formats, end to end through the
//! binary: real files from peer-data go in, come out, and go in again unchanged; a 100,000-message export
//! streams through in bounded memory.

mod common;

use std::fs;
use std::io::Write;
use std::time::Instant;

use common::*;
use lifeboat::data::documents::read_document;
use lifeboat::data::{Contact, Message};

fn document<T: serde::de::DeserializeOwned>(vault: &std::path::Path, path: &str) -> Vec<T> {
    let target = vault.with_extension("restored");
    let _ = fs::remove_dir_all(&target);
    ok(lifeboat(vault).args(["restore", "latest", "--include", path, "--to"]).arg(&target));
    let file = fs::File::open(target.join(path)).unwrap();
    read_document(std::io::BufReader::new(file)).collect::<Result<Vec<T>, _>>().unwrap()
}

#[test]
fn messages_survive_import_export_import() {
    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    init_vault(&vault);
    let source = peer_file("sms/sms-backup-restore/fkleon_sms-and-mms.xml");
    let summary = json(&ok(lifeboat(&vault).args(["import", "--json"]).arg(&source)));
    assert_eq!(summary["snapshot"]["device"]["kind"], "import");
    assert_eq!(
        summary["snapshot"]["totals"]["messages"]["items"], 3,
        "document, attachment and original file"
    );
    let first: Vec<Message> = document(&vault, "Messages/messages.jsonl");
    assert_eq!(first.len(), 3);
    assert!(first.iter().any(|m| m.parts.iter().any(|p| p.content_type == "image/jpeg")), "the MMS picture");

    let exported = work.path().join("out/messages.xml");
    fs::create_dir_all(exported.parent().unwrap()).unwrap();
    ok(lifeboat(&vault).args(["export", "latest", "--format", "sms-xml", "--out"]).arg(&exported));
    ok(lifeboat(&vault).arg("import").arg(&exported));
    let second: Vec<Message> = document(&vault, "Messages/messages.jsonl");
    let ids = |messages: &[Message]| {
        let mut ids: Vec<_> = messages.iter().map(Message::content_id).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&first), ids(&second), "the same messages, by content");

    let html = work.path().join("out/messages.html");
    ok(lifeboat(&vault).args(["export", "latest", "--format", "html", "--out"]).arg(&html));
    let page = fs::read_to_string(&html).unwrap();
    assert!(page.contains("<!DOCTYPE html>") && page.contains("class=\"msg"), "a readable page");
}

#[test]
fn contacts_survive_import_export_import() {
    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    init_vault(&vault);
    let source = files_with_extension("vcard", "vcf")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("iphone") || p.to_string_lossy().contains("iPhone"))
        .unwrap_or_else(|| files_with_extension("vcard", "vcf").remove(0));
    ok(lifeboat(&vault).arg("import").arg(&source));
    let first: Vec<Contact> = document(&vault, "Contacts/contacts.jsonl");
    assert!(!first.is_empty());
    let exported = work.path().join("contacts.vcf");
    ok(lifeboat(&vault).args(["export", "latest", "--format", "vcf", "--out"]).arg(&exported));
    ok(lifeboat(&vault).arg("import").arg(&exported));
    let second: Vec<Contact> = document(&vault, "Contacts/contacts.jsonl");
    let ids = |contacts: &[Contact]| contacts.iter().map(Contact::content_id).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&second), "{}", source.display());
}

#[test]
fn photos_export_to_a_zip_with_their_dates() {
    let work = tempfile::tempdir().unwrap();
    let (phone, vault) = (work.path().join("phone"), work.path().join("vault"));
    fs::create_dir_all(phone.join("DCIM/Camera")).unwrap();
    let photo = phone.join("DCIM/Camera/IMG_0001.jpg");
    write_noise_file(&photo, 300_000, 5);
    let when = filetime::FileTime::from_unix_time(1_700_000_000, 0);
    filetime::set_file_mtime(&photo, when).unwrap();
    fs::write(phone.join("notes.txt"), b"not a photo").unwrap();
    init_vault(&vault);
    ok(lifeboat(&vault).args(["backup", "--from"]).arg(&phone));
    let zip_path = work.path().join("photos.zip");
    ok(lifeboat(&vault).args(["export", "latest", "--format", "zip", "--out"]).arg(&zip_path));
    let mut archive = zip::ZipArchive::new(fs::File::open(&zip_path).unwrap()).unwrap();
    assert_eq!(archive.len(), 1, "only photos and videos by default");
    let mut entry = archive.by_name("DCIM/Camera/IMG_0001.jpg").unwrap();
    let modified = entry.last_modified().unwrap();
    assert_eq!((modified.year(), modified.month(), modified.day(), modified.hour()), (2023, 11, 14, 22));
    let mut bytes = Vec::new();
    std::io::copy(&mut entry, &mut bytes).unwrap();
    assert_eq!(bytes, fs::read(&photo).unwrap());
}

#[test]
fn a_100000_message_export_imports_in_bounded_memory() {
    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    let xml = work.path().join("sms-100000.xml");
    let mut out = std::io::BufWriter::new(fs::File::create(&xml).unwrap());
    writeln!(out, "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"100000\">")
        .unwrap();
    for n in 0..100_000u64 {
        writeln!(
            out,
            "  <sms protocol=\"0\" address=\"+1555{:07}\" date=\"{}\" type=\"{}\" body=\"Message number {n}: see you at {} o&apos;clock &amp; bring the map\" read=\"1\" status=\"-1\" locked=\"0\" />",
            n % 500,
            1_600_000_000_000 + n * 60_000,
            1 + n % 2,
            n % 24
        )
        .unwrap();
    }
    writeln!(out, "</smses>").unwrap();
    drop(out);
    init_vault(&vault);
    let started = Instant::now();
    let summary = json(&ok(lifeboat(&vault).args(["import", "--json"]).arg(&xml)));
    let elapsed = started.elapsed();
    let peak = children_peak_rss();
    println!(
        "imported 100,000 messages ({} MB) in {:.2} s, peak memory {} MiB",
        fs::metadata(&xml).unwrap().len() / 1_000_000,
        elapsed.as_secs_f64(),
        peak >> 20
    );
    assert_eq!(summary["snapshot"]["complete"], true);
    assert!(peak < 150 << 20, "peak memory {} MiB", peak >> 20);
    let messages: Vec<Message> = document(&vault, "Messages/messages.jsonl");
    assert_eq!(messages.len(), 100_000);
    assert_eq!(
        messages[99_999].body.as_deref(),
        Some("Message number 99999: see you at 15 o'clock & bring the map")
    );
}

#[test]
fn every_peer_contact_and_message_survives_the_record_document_format() {
    use lifeboat::data::documents::write_document;
    use lifeboat::data::sms_xml::{BackupRecord, SmsXmlReader};
    let mut contacts = Vec::new();
    for file in files_with_extension("vcard", "vcf") {
        contacts.extend(lifeboat::data::vcard::read_vcard_file(&file).unwrap().contacts);
    }
    let mut messages = Vec::new();
    for file in files_with_extension("sms", "xml") {
        let Ok(reader) = SmsXmlReader::open(&file) else { continue };
        messages.extend(reader.filter_map(Result::ok).filter_map(|r| match r {
            BackupRecord::Message(m) => Some(m),
            BackupRecord::Call(_) => None,
        }));
    }
    assert!(
        contacts.len() >= 50 && messages.len() >= 50,
        "{} contacts, {} messages",
        contacts.len(),
        messages.len()
    );
    let mut bytes = Vec::new();
    write_document(&contacts, &mut bytes).unwrap();
    let back: Vec<Contact> = read_document(bytes.as_slice()).collect::<Result<_, _>>().unwrap();
    assert_eq!(back, contacts);
    bytes.clear();
    write_document(&messages, &mut bytes).unwrap();
    let back: Vec<Message> = read_document(bytes.as_slice()).collect::<Result<_, _>>().unwrap();
    assert_eq!(back, messages);
}
