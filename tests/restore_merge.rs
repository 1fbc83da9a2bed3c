//! Restoring a backup onto the phone it came from, after the person changed things there: a contact, a message
//! and a call that were edited on the phone are recognised as the same records, merged (the phone's edits stay,
//! what only the backup still has comes back), never doubled, and the report says how many were merged.

mod common;

use std::path::Path;

use common::phone::PhoneVault;
use common::{json, ok};
use lifeboat::device::adb::{AndroidDevice, ContentRow};
use lifeboat::device::sim::android::{self, AndroidSimOptions, Profile, RunningSim};

const SERIAL: &str = "LB-VIRT-MERGE";
const PHONE: &str = "vnd.android.cursor.item/phone_v2";
const EMAIL: &str = "vnd.android.cursor.item/email_v2";

fn start(state: &Path) -> RunningSim {
    android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile: Profile::Demo,
        state_dir: Some(state.to_path_buf()),
        serial: SERIAL.to_string(),
        ..AndroidSimOptions::default()
    })
    .unwrap()
}

fn query(phone: &AndroidDevice, uri: &str, columns: &[&str], filter: Option<&str>) -> Vec<ContentRow> {
    phone.connection().query(uri, columns, filter).unwrap_or_else(|e| panic!("{uri}: {e:?}"))
}

fn contact_count(phone: &AndroidDevice) -> usize {
    query(phone, "content://com.android.contacts/raw_contacts", &["display_name"], Some("deleted=0")).len()
}

/// The `data1` values of one raw contact's rows of one mimetype.
fn values(phone: &AndroidDevice, raw_contact: i64, mimetype: &str) -> Vec<String> {
    let filter = format!("raw_contact_id={raw_contact} AND mimetype='{mimetype}'");
    let mut values: Vec<String> =
        query(phone, "content://com.android.contacts/data", &["data1"], Some(&filter))
            .iter()
            .filter_map(|r| r.get("data1").map(str::to_string))
            .collect();
    values.sort();
    values
}

/// The restore's report row of one category, from `restore --json`.
fn row<'a>(report: &'a serde_json::Value, category: &str) -> &'a serde_json::Value {
    report["categories"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["category"] == category))
        .unwrap_or_else(|| panic!("no {category} row in {report}"))
}

// Issue 10, finding 13: a contact edited on the phone after the backup came back as a second contact (20
// contacts became 21), because the restore only knew records by a content id that changes with any field.
#[test]
fn records_edited_on_the_phone_after_the_backup_are_merged_not_doubled() {
    let setup = PhoneVault::new();
    let state = tempfile::tempdir().unwrap();
    let sim = start(state.path());
    ok(setup.cmd().args(["connect", &sim.addr().to_string()]));
    let backup = json(&ok(setup.cmd().args(["backup", "--device", SERIAL, "--json"])));
    let snapshot = backup["snapshot"]["id"].as_str().unwrap().to_string();

    let phone = setup.phone(&sim);
    let contacts_before = contact_count(&phone);
    assert_eq!(contacts_before, 20, "the demo phone's contacts");

    // A contact with a number and an e-mail address: on the phone, its number is deleted and a second
    // address is added.
    let data =
        query(&phone, "content://com.android.contacts/data", &["raw_contact_id", "mimetype", "data1"], None);
    let edited = data
        .iter()
        .filter(|r| r.get("mimetype") == Some(EMAIL))
        .filter_map(|r| r.int("raw_contact_id"))
        .find(|id| {
            data.iter()
                .filter(|r| r.int("raw_contact_id") == Some(*id) && r.get("mimetype") == Some(PHONE))
                .count()
                == 1
        })
        .expect("a demo contact with one number and an e-mail address");
    let numbers = values(&phone, edited, PHONE);
    let addresses = values(&phone, edited, EMAIL);
    let connection = phone.connection();
    connection
        .run(&format!(
            "content delete --uri content://com.android.contacts/data --where \"raw_contact_id={edited} AND mimetype='{PHONE}'\""
        ))
        .unwrap();
    connection
        .run(&format!(
            "content insert --uri content://com.android.contacts/data --bind raw_contact_id:l:{edited} \
             --bind mimetype:s:{EMAIL} --bind data1:s:new.address@example.net --bind data2:i:2"
        ))
        .unwrap();
    assert!(values(&phone, edited, PHONE).is_empty());

    // A message read on the phone after the backup, and one whose text was changed there (a draft finished).
    connection.run("appops set com.android.shell WRITE_SMS allow").unwrap();
    let sms = query(&phone, "content://sms", &["read", "body"], None);
    let messages_before = sms.len() + query(&phone, "content://mms", &["date"], None).len();
    let unread =
        sms.iter().find(|r| r.int("read") == Some(0)).and_then(|r| r.int("_id")).expect("an unread SMS");
    let changed = sms.iter().filter_map(|r| r.int("_id")).find(|id| *id != unread).expect("a second SMS");
    let original_body =
        sms.iter().find(|r| r.int("_id") == Some(changed)).and_then(|r| r.get("body")).unwrap().to_string();
    let with_original_body =
        |rows: &[ContentRow]| rows.iter().filter(|r| r.get("body") == Some(&original_body)).count();
    let original_before = with_original_body(&sms);
    connection
        .run(&format!("content update --uri content://sms --bind read:i:1 --where _id={unread}"))
        .unwrap();
    connection
        .run(&format!(
            "content update --uri content://sms --bind body:s:'Finished on the phone' --where _id={changed}"
        ))
        .unwrap();

    // A call whose duration the phone corrected.
    let calls = query(&phone, "content://call_log/calls", &["duration"], None);
    let calls_before = calls.len();
    let call = calls.first().and_then(|r| r.int("_id")).expect("a call");
    connection
        .run(&format!(
            "content update --uri content://call_log/calls --bind duration:l:4242 --where _id={call}"
        ))
        .unwrap();

    let report = json(&ok(setup.cmd().args(["restore", &snapshot, "--device", SERIAL, "--json"])));
    eprintln!("{report:#}");

    // The contact: still one contact, with the phone's new address, its old one, and the number back.
    assert_eq!(contact_count(&phone), contacts_before, "the same number of contacts");
    assert_eq!(values(&phone, edited, PHONE), numbers, "the number deleted on the phone is back");
    let mut expected = addresses.clone();
    expected.push("new.address@example.net".to_string());
    expected.sort();
    assert_eq!(values(&phone, edited, EMAIL), expected, "the phone's new address and the backup's");
    let contacts = row(&report, "contacts");
    assert_eq!(contacts["merged"], 1, "{contacts}");
    assert_eq!(contacts["restored"], 0, "{contacts}");
    assert_eq!(contacts["after"], contacts["before"], "{contacts}");

    // The messages: none twice; the phone's text and read mark stay.
    let sms = query(&phone, "content://sms", &["read", "body"], None);
    assert_eq!(sms.len() + query(&phone, "content://mms", &["date"], None).len(), messages_before);
    assert_eq!(with_original_body(&sms), original_before - 1, "the old text did not come back");
    assert_eq!(
        sms.iter().find(|r| r.int("_id") == Some(changed)).and_then(|r| r.get("body")),
        Some("Finished on the phone")
    );
    assert_eq!(sms.iter().find(|r| r.int("_id") == Some(unread)).and_then(|r| r.int("read")), Some(1));
    let messages = row(&report, "messages");
    assert_eq!(messages["merged"], 1, "{messages}");
    assert_eq!(messages["restored"], 0, "{messages}");

    // The call: once, with the phone's duration.
    let calls = query(&phone, "content://call_log/calls", &["duration"], None);
    assert_eq!(calls.len(), calls_before);
    assert_eq!(calls.iter().find(|r| r.int("_id") == Some(call)).and_then(|r| r.int("duration")), Some(4242));
    let calls = row(&report, "calls");
    assert_eq!(calls["merged"], 1, "{calls}");
    assert_eq!(calls["restored"], 0, "{calls}");

    // The same in words.
    let said = ok(setup.cmd().args(["restore", &snapshot, "--device", SERIAL]));
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(said.contains("contacts: 0 restored, 19 already there, 0 refused, 1 merged"), "{said}");
    assert_eq!(contact_count(&phone), contacts_before, "a second restore adds nothing either");
}
