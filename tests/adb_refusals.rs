//! Phones that refuse part of what Lifeboat asks, as some makers' phones do: the virtual phone started with
//! `refuse` keeps the call log (a "Permission Denial" from the provider) or the right to write messages
//! (`appops set ... WRITE_SMS` refused, inserts ignored) from USB debugging. A backup goes on without the
//! refused category and says why; a restore reports per category what was restored, already there and
//! refused, with the phone's reason, and the refused messages stay in the vault, exportable.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::phone::PhoneVault;
use common::walk::Collect;
use common::{json, ok};
use lifeboat::data::documents::{document_path, read_document};
use lifeboat::data::{CallEntry, Category, CategorySet, Contact, Message};
use lifeboat::device::Device;
use lifeboat::device::adb::AndroidDevice;
use lifeboat::device::sim::android::{self, AndroidSimOptions, Profile, Refusal, RunningSim};
use lifeboat::engine::Cancel;

fn start(profile: Profile, state: &Path, serial: &str, refuse: &str) -> RunningSim {
    android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile,
        state_dir: Some(state.to_path_buf()),
        serial: serial.to_string(),
        refuse: Refusal::parse_list(refuse).unwrap(),
        ..AndroidSimOptions::default()
    })
    .unwrap()
}

/// The records of one category's document on a phone, through Lifeboat's own walk.
fn records<T: serde::de::DeserializeOwned>(device: &AndroidDevice, category: Category) -> Vec<T> {
    let walk = Collect::walk(device, &CategorySet::from_iter([category]));
    let bytes = walk.read(device, document_path(category).unwrap());
    read_document::<T, _>(bytes.as_slice()).collect::<Result<_, _>>().unwrap()
}

fn ids<T>(records: &[T], id: impl Fn(&T) -> String) -> BTreeSet<String> {
    records.iter().map(id).collect()
}

#[test]
fn a_phone_refusing_its_call_log_is_backed_up_without_it_and_says_why() {
    let setup = PhoneVault::new();
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Demo, state.path(), "LB-NO-CALLS", "calls");

    // The walk and the survey both name the refusal; the other categories are all there.
    let phone = setup.phone(&sim);
    let walk = Collect::walk(&phone, &CategorySet::all());
    let reason = walk.reason(Category::Calls).expect("calls are reported unavailable");
    assert!(
        reason.contains("does not allow this over USB debugging")
            && reason.contains("Permission Denial")
            && reason.contains("READ_CALL_LOG"),
        "{reason}"
    );
    assert_eq!(walk.count(Category::Calls), 0);
    assert_eq!(walk.unavailable.len(), 1, "only the call log is refused: {:?}", walk.unavailable);
    let survey = phone.survey(&CategorySet::all(), &Cancel::new()).unwrap();
    let calls = survey.iter().find(|s| s.category == Category::Calls).unwrap();
    assert!(calls.unavailable.as_deref().is_some_and(|r| r.contains("READ_CALL_LOG")), "{survey:?}");
    assert!(survey.iter().filter(|s| s.category != Category::Calls).all(|s| s.unavailable.is_none()));
    drop(phone);

    let addr = sim.addr().to_string();
    let backup = json(&ok(setup.cmd().args(["backup", "--device", &addr, "--json"])));
    let snapshot = &backup["snapshot"];
    assert_eq!(snapshot["complete"], true, "{backup}");
    let unavailable = snapshot["unavailable"]["calls"].as_str().unwrap_or_default();
    assert!(unavailable.contains("Permission Denial") && unavailable.contains("READ_CALL_LOG"), "{backup}");
    for category in ["contacts", "messages", "settings", "apps", "photos"] {
        assert!(snapshot["totals"][category]["items"].as_u64().unwrap_or(0) > 0, "{category}: {backup}");
    }
    assert!(snapshot["totals"]["calls"]["items"].as_u64().unwrap_or(0) == 0, "{backup}");

    // The snapshot keeps the reason: the list of snapshots and the summary of a later backup show it.
    let listed = json(&ok(setup.cmd().args(["snapshots", "--json"])));
    let listed = listed.as_array().unwrap();
    assert!(listed[0]["unavailable"]["calls"].as_str().is_some_and(|r| r.contains("READ_CALL_LOG")));
    let again = ok(setup.cmd().args(["backup", "--device", &addr]));
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        said.contains("calls is not available: the phone does not allow this over USB debugging"),
        "{said}"
    );
}

#[test]
fn a_restore_onto_a_phone_refusing_messages_and_calls_restores_the_rest_and_keeps_them_exportable() {
    let setup = PhoneVault::new();
    let (state_a, state_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let sim_a = start(Profile::Demo, state_a.path(), "LB-OLD", "");
    let sim_b = start(Profile::Empty, state_b.path(), "LB-STRICT", "calls,sms-write");
    let old = setup.phone(&sim_a);
    let messages: Vec<Message> = records(&old, Category::Messages);
    let calls: Vec<CallEntry> = records(&old, Category::Calls);
    let contacts: Vec<Contact> = records(&old, Category::Contacts);
    assert!(messages.len() >= 65 && calls.len() >= 30 && contacts.len() >= 20);
    drop(old);

    let backup = json(&ok(setup.cmd().args(["backup", "--device", &sim_a.addr().to_string(), "--json"])));
    let snapshot = backup["snapshot"]["id"].as_str().unwrap().to_string();
    let restore = ok(setup.cmd().args(["restore", &snapshot, "--device", &sim_b.addr().to_string()]));
    let said = String::from_utf8_lossy(&restore.stdout);
    eprintln!("{said}");
    assert!(
        said.contains(&format!("messages: 0 restored, 0 already there, {} refused", messages.len())),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "{} messages were not written: this phone does not let Lifeboat write SMS/MMS",
            messages.len()
        )) && said.contains("appops set com.android.shell WRITE_SMS allow")
            && said.contains("uid 2000 does not have android.permission.MANAGE_APP_OPS_MODES")
            && said.contains("--format sms-xml"),
        "the reason is clear: {said}"
    );
    assert!(said.contains(&format!("calls: 0 restored, 0 already there, {} refused", calls.len())), "{said}");
    assert!(
        said.contains("calls were not restored: the phone does not allow this over USB debugging"),
        "{said}"
    );
    assert!(
        said.contains(&format!("contacts: {} restored, 0 already there, 0 refused", contacts.len())),
        "{said}"
    );

    // The rest arrived; the phone holds no message and no call from the backup.
    let strict = setup.phone(&sim_b);
    let restored: Vec<Contact> = records(&strict, Category::Contacts);
    assert_eq!(
        ids(&restored, |c| c.content_id().to_string()),
        ids(&contacts, |c| c.content_id().to_string())
    );
    let walk = Collect::walk(&strict, &CategorySet::parse_list("messages,calls,photos").unwrap());
    assert!(walk.count(Category::Photos) >= 30, "photos were restored");
    assert!(walk.reason(Category::Calls).is_some());
    let on_phone: Vec<Message> =
        read_document::<Message, _>(walk.read(&strict, "Messages/messages.jsonl").as_slice())
            .collect::<Result<_, _>>()
            .unwrap();
    assert!(on_phone.is_empty(), "no message was written: {on_phone:?}");
    drop(strict);

    // The messages are still in the vault, and exportable.
    let export = setup.vault.with_extension("messages.xml");
    ok(setup.cmd().args(["export", &snapshot, "--format", "sms-xml", "--out"]).arg(&export));
    let xml = std::fs::read_to_string(&export).unwrap();
    let exported = xml.matches("<sms ").count() + xml.matches("<mms ").count();
    assert_eq!(exported, messages.len(), "every refused message is in the export");

    // Once the phone lets the shell write messages, the same snapshot brings them.
    drop(sim_b);
    let sim_b = start(Profile::Empty, state_b.path(), "LB-STRICT", "");
    let again = ok(setup.cmd().args(["restore", &snapshot, "--device", &sim_b.addr().to_string()]));
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(!said.contains("messages: 0 restored"), "{said}");
    let now: Vec<Message> = records(&setup.phone(&sim_b), Category::Messages);
    assert_eq!(ids(&now, |m| m.content_id().to_string()), ids(&messages, |m| m.content_id().to_string()));
}

#[test]
fn the_virtual_phone_refuses_only_what_it_was_told() {
    assert!(Refusal::parse_list("calls,photos").is_err());
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Demo, state.path(), "LB-NO-SMS", "sms,contacts");
    let setup = PhoneVault::new();
    let phone = setup.phone(&sim);
    let walk = Collect::walk(&phone, &CategorySet::parse_list("contacts,messages,calls").unwrap());
    for category in [Category::Contacts, Category::Messages] {
        assert!(
            walk.reason(category).is_some_and(|r| r.contains("Permission Denial")),
            "{:?}",
            walk.unavailable
        );
    }
    assert!(walk.reason(Category::Calls).is_none());
    // A refused provider is no broken connection: the phone still answers everything else.
    let calls = walk.read(&phone, document_path(Category::Calls).unwrap());
    assert!(read_document::<CallEntry, _>(calls.as_slice()).count() >= 30);
}
