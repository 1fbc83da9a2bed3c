//! vCard import and export against real files from phones and address books (peer-data/vcard): every file is
//! read, written as 3.0 and 4.0 and read again without losing a field; specific files are checked field by
//! field.

mod common;

use lifeboat::data::vcard::{VcardWriteVersion, parse_vcards, read_vcard_file, write_vcards};
use lifeboat::data::{Contact, ContactDate, PhotoContent};

fn read(relative: &str) -> lifeboat::data::vcard::VcardImport {
    read_vcard_file(&common::peer_file(&format!("vcard/{relative}"))).unwrap()
}

fn only(relative: &str) -> Contact {
    let import = read(relative);
    assert_eq!(import.contacts.len(), 1, "{relative}");
    import.contacts.into_iter().next().unwrap()
}

fn inline_photo(contact: &Contact, index: usize) -> (Option<String>, Vec<u8>) {
    match &contact.photos[index].content {
        PhotoContent::Inline { mime, bytes } => (mime.clone(), bytes.clone()),
        PhotoContent::Uri(uri) => panic!("expected an inline photo, found {uri}"),
    }
}

/// How many cards each file holds; every .vcf in peer-data must be listed, so a new file cannot slip by.
const EXPECTED_CONTACTS: &[(&str, usize)] = &[
    ("aosp/v21_adr_multiple_line.vcf", 1),
    ("aosp/v21_android_custom_prop.vcf", 1),
    ("aosp/v21_backslash.vcf", 1),
    ("aosp/v21_base64_no_2_crlf.vcf", 1),
    ("aosp/v21_im.vcf", 1),
    ("aosp/v21_invalid_comment_line.vcf", 1),
    ("aosp/v21_invalid_multiple_line.vcf", 1),
    ("aosp/v21_org_before_title.vcf", 1),
    ("aosp/v21_pref_handling.vcf", 1),
    ("aosp/v21_simple_1.vcf", 1),
    ("aosp/v21_simple_2.vcf", 1),
    ("aosp/v21_simple_3.vcf", 1),
    ("aosp/v21_sip.vcf", 1),
    ("aosp/v21_title_before_org.vcf", 1),
    ("aosp/v21_x_android_custom_after_photo.vcf", 1),
    ("aosp/v21_x_param.vcf", 1),
    ("aosp/v30_japanese.vcf", 1),
    ("aosp/v30_multibyte_param.vcf", 1),
    ("aosp/v30_pager.vcf", 1),
    ("aosp/v30_pause_wait.vcf", 1),
    ("aosp/v30_simple.vcf", 1),
    ("aosp/v30_sip.vcf", 1),
    ("aosp/v40_sip.vcf", 1),
    ("ez-vcard/John_Doe_ANDROID.vcf", 6),
    ("ez-vcard/John_Doe_BLACK_BERRY.vcf", 1),
    ("ez-vcard/John_Doe_EVOLUTION.vcf", 1),
    ("ez-vcard/John_Doe_GMAIL.vcf", 1),
    ("ez-vcard/John_Doe_IPHONE.vcf", 1),
    ("ez-vcard/John_Doe_LOTUS_NOTES.vcf", 1),
    ("ez-vcard/John_Doe_MAC_ADDRESS_BOOK.vcf", 1),
    ("ez-vcard/John_Doe_MS_OUTLOOK.vcf", 1),
    ("ez-vcard/fullcontact.vcf", 1),
    ("ez-vcard/gmail-list.vcf", 3),
    ("ez-vcard/gmail-single.vcf", 1),
    ("ez-vcard/gmail-single2.vcf", 1),
    ("ez-vcard/issue114.vcf", 1),
    ("ez-vcard/outlook-2003.vcf", 1),
    ("ez-vcard/outlook-2007.vcf", 1),
    ("ez-vcard/rfc2426-example.vcf", 2),
    ("ez-vcard/rfc6350-example.vcf", 1),
    ("ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf", 1),
    ("kcontacts/vcard10_qp_softbreak.vcf", 5),
    ("kcontacts/vcard12_evolution_photos.vcf", 1),
    ("kcontacts/vcard5_logo_png.vcf", 1),
    ("kcontacts/vcard9_owncloud_utf8_fold.vcf", 1),
    ("kcontacts/vcard_macos_item_groups.vcf", 1),
];

/// What a contact must look like after a round trip: the same, except that the raw source is the new card and
/// a missing FN (required by 3.0 and 4.0) is filled with the display name.
fn comparable(contact: &Contact) -> Contact {
    let mut contact = contact.clone();
    contact.raw = None;
    if contact.formatted_name.is_none() {
        contact.formatted_name = Some(contact.display_name());
    }
    contact
}

#[test]
fn every_peer_data_vcard_imports_with_the_expected_number_of_cards() {
    let files = common::files_with_extension("vcard", "vcf");
    assert_eq!(files.len(), EXPECTED_CONTACTS.len(), "a .vcf was added or removed: update the table");
    let root = common::peer_data().join("vcard");
    let mut total = 0;
    for path in &files {
        let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let expected = EXPECTED_CONTACTS
            .iter()
            .find(|(name, _)| *name == relative)
            .unwrap_or_else(|| panic!("{relative} is not in the table"))
            .1;
        let import = read_vcard_file(path).unwrap();
        assert_eq!(import.contacts.len(), expected, "{relative}");
        for contact in &import.contacts {
            assert!(contact.raw.is_some(), "{relative}: the raw card is kept");
            assert!(
                !contact.display_name().is_empty() || !contact.extra.is_empty(),
                "{relative}: a card with neither a name nor anything else"
            );
        }
        total += import.contacts.len();
    }
    assert_eq!(total, 58);
}

#[test]
fn every_peer_data_vcard_survives_export_and_import_in_3_0_and_4_0() {
    for path in common::files_with_extension("vcard", "vcf") {
        let original = read_vcard_file(&path).unwrap();
        for version in [VcardWriteVersion::V3_0, VcardWriteVersion::V4_0] {
            let text = write_vcards(&original.contacts, version);
            for line in text.split("\r\n") {
                assert!(
                    line.len() <= 75,
                    "{}: {version:?} line longer than 75 octets: {line}",
                    path.display()
                );
            }
            let again = parse_vcards(text.as_bytes()).unwrap();
            // Writing adds no problem of its own: only data that was already broken (a truncated photo kept
            // verbatim) may warn again.
            for warning in &again.warnings {
                assert!(
                    original.warnings.iter().any(|w| w.reason == warning.reason),
                    "{}: {version:?}: new warning {warning}",
                    path.display()
                );
            }
            assert_eq!(again.contacts.len(), original.contacts.len(), "{}", path.display());
            for (before, after) in original.contacts.iter().zip(&again.contacts) {
                assert_eq!(comparable(after), comparable(before), "{} as {version:?}", path.display());
                assert_eq!(after.content_id(), comparable(before).content_id(), "{}", path.display());
            }
        }
    }
}

#[test]
fn iphone_card_keeps_item_labels_grouping_and_photo() {
    let contact = only("ez-vcard/John_Doe_IPHONE.vcf");
    assert_eq!(contact.formatted_name.as_deref(), Some("Mr. John Richter James Doe Sr."));
    let name = contact.name.clone().unwrap();
    assert_eq!((name.family.as_str(), name.given.as_str()), ("Doe", "John"));
    assert_eq!(name.additional, "Richter,James");
    assert_eq!(contact.phones.len(), 7);
    assert_eq!(contact.phones[0].number, "905-555-1234");
    assert_eq!(contact.phones[0].meta.types, vec!["cell", "voice"]);
    assert_eq!(contact.phones[0].meta.pref, Some(1));
    let assistant = &contact.phones[6];
    assert_eq!(assistant.number, "905-222-1234");
    assert_eq!(assistant.meta.group.as_deref(), Some("item2"));
    assert_eq!(assistant.meta.label.as_deref(), Some("_$!<AssistantPhone>!$_"));
    assert_eq!(contact.urls[0].url, "http://www.ibm.com");
    assert_eq!(contact.urls[0].meta.label.as_deref(), Some("_$!<HomePage>!$_"));
    assert_eq!(contact.addresses[1].street, "Street4\nBuilding 6\nFloor 8");
    // X-ABADR shares item4 with the work address and stays verbatim next to it.
    let abadr: Vec<_> = contact.extra.iter().filter(|e| e.name == "X-ABADR").collect();
    assert_eq!(abadr.len(), 2);
    assert_eq!(abadr[1].group.as_deref(), Some("item4"));
    assert_eq!(contact.birthday, Some(ContactDate::Date { year: Some(2012), month: 6, day: 6, time: None }));
    let (mime, bytes) = inline_photo(&contact, 0);
    assert_eq!(mime.as_deref(), Some("image/jpeg"));
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
    assert_eq!(&bytes[bytes.len() - 2..], &[0xFF, 0xD9]);
    assert!(bytes.len() > 30_000, "{} bytes", bytes.len());
}

#[test]
fn android_2_1_quoted_printable_names_and_soft_breaks() {
    let import = read("ez-vcard/John_Doe_ANDROID.vcf");
    assert_eq!(import.contacts.len(), 6);
    let third = &import.contacts[2];
    assert_eq!(third.formatted_name.as_deref(), Some("Ñ Ñ Ñ Ñ Ñ "));
    assert_eq!(third.phones[0].number, "123456789");
    assert_eq!(third.categories, vec!["My Contacts"]);
    let fourth = &import.contacts[3];
    // The name continues on the next line after a soft line break (`=` at the end).
    assert_eq!(fourth.name.as_ref().unwrap().family, "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ");
    assert_eq!(
        fourth.phones.iter().map(|p| p.number.as_str()).collect::<Vec<_>>(),
        ["123456", "234567", "3456789", "45678901"]
    );
    assert_eq!(fourth.notes.len(), 2);
    let fifth = &import.contacts[4];
    assert_eq!(fifth.emails[1].address, "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ");
    assert_eq!(fifth.organizations.len(), 2);
    // This card's photo is truncated in the file: one warning, and the property is kept as it was.
    let photo_warnings: Vec<_> = import.warnings.iter().filter(|w| w.reason.contains("photo")).collect();
    assert!(photo_warnings[0].reason.contains("1169 characters"), "{}", photo_warnings[0]);
    assert_eq!(photo_warnings.len(), 1);
    assert_eq!((photo_warnings[0].card, photo_warnings[0].line), (5, 52));
    assert!(fifth.photos.is_empty());
    assert!(fifth.extra.iter().any(|e| e.name == "PHOTO" && e.value.len() > 1000));
}

#[test]
fn shift_jis_card_decodes_before_unescaping() {
    let contact = only("aosp/v30_japanese.vcf");
    // 能 is 0x94 0x5C in SHIFT_JIS; its second byte is a backslash that must not escape the `;` after it.
    assert_eq!(contact.formatted_name.as_deref(), Some("伊能 圭一 伊予"));
    let name = contact.name.unwrap();
    assert_eq!(
        (name.family.as_str(), name.given.as_str(), name.additional.as_str()),
        ("伊能", "圭一", "伊予")
    );
}

#[test]
fn kde_folding_edge_cases() {
    let contact = only("kcontacts/vcard9_owncloud_utf8_fold.vcf");
    assert_eq!(contact.formatted_name.as_deref(), Some("βγδεαβγδ1".repeat(11).as_str()));
    assert_eq!(contact.name.unwrap().family, "123ㄓㄕㄖbcdeαβγδαβγδαβγδαβγδαβγδαβγδαβㄤㄓㄕㄖ");
    assert_eq!(
        contact.notes[0].value,
        "Длинный комментарий на русском языке, чтобы в результате получилась строка более 70 символов."
    );

    let import = read("kcontacts/vcard10_qp_softbreak.vcf");
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
    let cards = import.contacts;
    assert_eq!(cards.len(), 5);
    assert_eq!(cards[0].addresses[0].street, "DDDDDDDDDDDDDDD-Staße 2\n00000 DDDDDDDDDD");
    assert_eq!(cards[0].notes[0].value, "This one has a funny character at the end in the contact list");
    // The bug report: the field after a soft-broken address must not be swallowed.
    assert_eq!(cards[1].addresses[0].street, "AAAAAAA-AäAAAAA 11");
    assert_eq!(cards[1].addresses[0].locality, "Urt");
    assert_eq!(cards[1].urls[0].url, "http://some-webseite.com");
    assert_eq!(cards[2].urls[0].url, "http://some-webseite.com");
    assert_eq!(cards[3].titles[0].value, "Facharzt für Allgemeinmedizin");
    assert_eq!(
        cards[3].notes[0].value,
        "Sprechzeiten:\nMo   8–12, 15–18\nDi     8–12\nMi    8–12, 14–15\nDo 14–19\nFr     8–12"
    );
    assert_eq!(cards[4].organizations[0].name, "");
}

#[test]
fn evolution_card_with_two_png_photos() {
    let contact = only("kcontacts/vcard12_evolution_photos.vcf");
    assert_eq!(contact.photos.len(), 2);
    for (index, kind) in [(0, "work"), (1, "home")] {
        let (mime, bytes) = inline_photo(&contact, index);
        assert_eq!(mime.as_deref(), Some("image/png"), "sniffed: the card names no image type");
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(bytes.ends_with(b"IEND\xAE\x42\x60\x82"));
        assert_eq!(contact.photos[index].meta.types, vec![kind]);
    }
    assert_ne!(inline_photo(&contact, 0).1, inline_photo(&contact, 1).1);
    assert_eq!(contact.emails[0].meta.params[0].name, "X-EVOLUTION-UI-SLOT");
}

#[test]
fn gmail_labels_and_custom_dates() {
    let contact = only("ez-vcard/gmail-single.vcf");
    assert_eq!(contact.phones[1].number, "555 555 2222");
    assert_eq!(contact.phones[1].meta.label.as_deref(), Some("GRAND_CENTRAL"));
    assert_eq!(contact.addresses[0].street, "123 Home St\nHome City, HM 12345");
    assert_eq!(contact.addresses[1].meta.label.as_deref(), Some("CustomAdrType"));
    assert_eq!(contact.urls[0].url, "http://TheProfile.com");
    assert_eq!(contact.instant_messengers[0].protocol, "icq");
    assert_eq!(
        contact.notes[0].value,
        "This is GMail's note field.\nIt should be added as a NOTE type.\nACustomField: CustomField"
    );
    // Labels on properties nobody models stay with them, verbatim.
    let labels: Vec<_> =
        contact.extra.iter().filter(|e| e.name == "X-ABLabel").map(|e| e.value.as_str()).collect();
    assert_eq!(labels, ["_$!<Anniversary>!$_", "_$!<Spouse>!$_", "CustomRelationship"]);
}

#[test]
fn aosp_fixtures() {
    let contact = only("aosp/v30_pause_wait.vcf");
    assert_eq!(contact.phones[0].number, "p1234p5678w9");
    let contact = only("aosp/v21_pref_handling.vcf");
    assert_eq!(contact.phones.len(), 3);
    assert_eq!(contact.phones[1].meta.pref, Some(1));
    assert_eq!(contact.organizations.len(), 3);
    assert_eq!(
        contact.titles.iter().map(|t| t.value.as_str()).collect::<Vec<_>>(),
        ["Engineer", "Blogger", "Poet"]
    );
    let contact = only("aosp/v21_invalid_comment_line.vcf");
    assert_eq!(
        contact.notes[0].value,
        "This is an (sharp ->#<- sharp) example. This message must NOT be ignored."
    );
    let contact = only("aosp/v21_adr_multiple_line.vcf");
    assert_eq!(contact.addresses[1].street, "Hermann v. Brevern\n9999999\nPackstation 999");
    let contact = only("aosp/v21_invalid_multiple_line.vcf");
    assert_eq!(contact.emails[0].address, "\"Omega\" <omega@example.com>");
    for (file, handle) in [
        ("aosp/v21_sip.vcf", "888"),
        ("aosp/v30_sip.vcf", "android@android.example.com"),
        ("aosp/v40_sip.vcf", "example@example.com"),
    ] {
        let contact = only(file);
        assert_eq!(contact.instant_messengers[0].protocol, "sip", "{file}");
        assert_eq!(contact.instant_messengers[0].handle, handle, "{file}");
    }
    let contact = only("aosp/v21_x_android_custom_after_photo.vcf");
    let (mime, bytes) = inline_photo(&contact, 0);
    assert_eq!(mime.as_deref(), Some("image/png"));
    assert!(bytes.starts_with(b"\x89PNG"));
    assert_eq!(contact.extra[0].name, "X-ANDROID-CUSTOM");
    assert_eq!(contact.birthday, Some(ContactDate::Date { year: Some(1975), month: 8, day: 20, time: None }));
    let contact = only("aosp/v30_multibyte_param.vcf");
    assert_eq!(contact.phones[0].meta.types, vec!["费"]);
}

#[test]
fn rfc_6350_uris_and_partial_dates() {
    let contact = only("ez-vcard/rfc6350-example.vcf");
    assert_eq!(contact.phones[0].number, "+1-418-656-9254;ext=102");
    assert_eq!(contact.phones[0].meta.types, vec!["work", "voice"]);
    assert_eq!(contact.phones[0].meta.pref, Some(1));
    assert_eq!(contact.birthday, Some(ContactDate::Date { year: None, month: 2, day: 3, time: None }));
    assert_eq!(
        contact.anniversary,
        Some(ContactDate::Date { year: Some(2009), month: 8, day: 8, time: Some("1430-0500".into()) })
    );
    assert_eq!(contact.addresses[0].street, "2875 Laurier");
    assert_eq!(contact.addresses[0].country, "Canada");
    assert!(
        contact
            .extra
            .iter()
            .any(|e| e.name == "KEY" && e.value == "http://www.viagenie.ca/simon.perreault/simon.asc")
    );

    let contact = only("ez-vcard/fullcontact.vcf");
    assert_eq!(contact.photos.len(), 3);
    assert!(matches!(&contact.photos[2].content, PhotoContent::Uri(u) if u.ends_with("f7f5f7a95e8377238")));
    let protocols: Vec<_> = contact.instant_messengers.iter().map(|im| im.protocol.as_str()).collect();
    assert_eq!(protocols, ["xmpp", "skype", "ymsgr", "aim", "xmpp", "other", "customtype"]);
}

#[test]
fn outlook_and_blackberry_quirks() {
    let contact = only("ez-vcard/outlook-2007.vcf");
    assert_eq!(contact.notes[0].value.lines().count(), 4);
    assert!(contact.notes[0].value.starts_with("This is the NOTE field\t\nI assume"));
    let (mime, bytes) = inline_photo(&contact, 0);
    assert_eq!(mime.as_deref(), Some("image/jpeg"));
    assert!(bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9]));
    assert!(contact.extra.iter().any(|e| e.name == "X-MS-TEL" && e.value == "(111) 555-4444"));
    assert_eq!(
        contact.anniversary,
        Some(ContactDate::Date { year: Some(2012), month: 8, day: 1, time: None })
    );
    // BlackBerry's photo lost a character (2,232 base64 characters, then padding): decoding it would give a
    // corrupt JPEG, so it stays verbatim with a warning that names the card and line.
    let import = read("ez-vcard/John_Doe_BLACK_BERRY.vcf");
    let contact = &import.contacts[0];
    assert!(contact.photos.is_empty());
    assert!(contact.extra.iter().any(|e| e.name == "PHOTO" && e.value.len() == 2233));
    assert_eq!((import.warnings[0].card, import.warnings[0].line), (1, 7));
    assert!(import.warnings[0].reason.contains("2232 characters and 1 padding"), "{}", import.warnings[0]);
    assert_eq!(contact.formatted_name.as_deref(), Some("John Doe"));
    let contact = only("ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf");
    assert_eq!(contact.categories, vec!["category1, category2, category3"]);
}

#[test]
fn a_broken_card_warns_with_card_and_line_and_the_rest_import() {
    let input = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:First\r\nEND:VCARD\r\n\
                 BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Second\r\nthis line is garbage\r\n\
                 PHOTO;ENCODING=b;TYPE=JPEG:not*base64\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Third\r\nEND:VCARD\r\n";
    let import = parse_vcards(input.as_bytes()).unwrap();
    let names: Vec<_> = import.contacts.iter().map(Contact::display_name).collect();
    assert_eq!(names, ["First", "Second", "Third"]);
    let located: Vec<_> = import.warnings.iter().map(|w| (w.card, w.line)).collect();
    assert_eq!(located, [(2, 10), (2, 8), (2, 9)]);
    assert!(import.warnings[0].to_string().starts_with("card 2, line 10: a new card starts"));
    assert!(import.warnings[1].reason.contains("not a property"));
    assert!(import.warnings[2].reason.contains("base64"));
    assert!(parse_vcards(b"{\"not\": \"a vcard\"}").is_err());
}

#[test]
fn writes_labels_groups_and_4_0_forms() {
    let contact = only("ez-vcard/John_Doe_IPHONE.vcf");
    let v3 = write_vcards(std::slice::from_ref(&contact), VcardWriteVersion::V3_0);
    assert!(v3.contains("\r\nitem2.TEL:905-222-1234\r\nitem2.X-ABLabel:_$!<AssistantPhone>!$_\r\n"));
    assert!(v3.contains("\r\nTEL;TYPE=cell,voice,pref:905-555-1234\r\n"));
    assert!(v3.contains("\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/"));
    let v4 = write_vcards(std::slice::from_ref(&contact), VcardWriteVersion::V4_0);
    assert!(v4.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
    assert!(v4.contains("\r\nTEL;VALUE=uri;TYPE=cell,voice;PREF=1:tel:905-555-1234\r\n"));
    assert!(v4.contains("\r\nPHOTO:data:image/jpeg;base64,/9j/"));
    assert!(v4.contains("\r\nBDAY:20120606\r\n"));
}
