//! Android phones end to end through the `lifeboat` command: two virtual phones (a full `demo` one and an
//! `empty` one) are connected, listed, the first is backed up and restored onto the second, which then holds
//! the same contacts, messages, calls, allow-listed settings and photos (bytes and times); a second restore
//! adds nothing. The hostile phone never gets a file outside the backup. Debian's `adb` must be installed
//! for the adb-server test: it fails, never skips, without it.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::phone::PhoneVault;
use common::walk::Collect;
use common::{json, ok};
use lifeboat::data::documents::{document_path, read_document};
use lifeboat::data::{CallEntry, Category, CategorySet, Contact, Message, Setting};
use lifeboat::device::Device;
use lifeboat::device::adb::{AdbTarget, AndroidDevice, AndroidOptions};
use lifeboat::device::sim::android::{self, AndroidSimOptions, Profile, RunningSim};

fn start(profile: Profile, state: &Path, serial: &str) -> RunningSim {
    android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile,
        state_dir: Some(state.to_path_buf()),
        serial: serial.to_string(),
        ..AndroidSimOptions::default()
    })
    .unwrap()
}

/// What a phone holds, read through Lifeboat's own walk.
struct Holdings {
    contacts: Vec<String>,
    /// Contacts with a photo, by content id.
    with_photos: Vec<String>,
    messages: Vec<String>,
    calls: Vec<String>,
    settings: BTreeMap<String, Option<String>>,
    photos: BTreeMap<String, (u64, Option<i64>)>,
}

fn document<T: serde::de::DeserializeOwned>(
    device: &AndroidDevice,
    walk: &Collect,
    category: Category,
) -> Vec<T> {
    let path = document_path(category).unwrap();
    let entry = walk.entries.iter().find(|e| e.path.as_str() == path).unwrap_or_else(|| panic!("no {path}"));
    let mut bytes = Vec::new();
    device.open(entry).unwrap().read_to_end(&mut bytes).unwrap();
    read_document::<T, _>(bytes.as_slice()).collect::<Result<_, _>>().unwrap()
}

fn holdings(addr: &str, setup: &PhoneVault) -> Holdings {
    let device = AndroidDevice::connect(
        &AdbTarget::Tcp(addr.into()),
        &setup.connect_options(),
        AndroidOptions::default(),
    )
    .unwrap();
    let mut walk = Collect::default();
    device
        .walk(&CategorySet::parse_list("contacts,messages,calls,settings,photos").unwrap(), &mut walk)
        .unwrap();
    let ids = |ids: Vec<String>| {
        let mut ids = ids;
        ids.sort();
        ids
    };
    let all_contacts = document::<Contact>(&device, &walk, Category::Contacts);
    let contacts = ids(all_contacts.iter().map(|c| c.content_id().to_string()).collect());
    let with_photos = ids(all_contacts
        .iter()
        .filter(|c| !c.photos.is_empty())
        .map(|c| c.content_id().to_string())
        .collect());
    let messages = ids(document::<Message>(&device, &walk, Category::Messages)
        .iter()
        .map(|m| m.content_id().to_string())
        .collect());
    let calls = ids(document::<CallEntry>(&device, &walk, Category::Calls)
        .iter()
        .map(|c| c.content_id().to_string())
        .collect());
    let settings = document::<Setting>(&device, &walk, Category::Settings)
        .into_iter()
        .map(|s| (format!("{}/{}", s.namespace, s.key), s.value))
        .collect();
    let photos = walk
        .entries
        .iter()
        .filter(|e| e.category == Category::Photos)
        .map(|e| (e.path.to_string(), (e.size, e.mtime_ns)))
        .collect();
    Holdings { contacts, with_photos, messages, calls, settings, photos }
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else { continue };
        for entry in read.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn a_demo_phone_moves_onto_an_empty_phone_and_a_second_restore_adds_nothing() {
    let setup = PhoneVault::new();
    let (state_a, state_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let phone_a = start(Profile::Demo, state_a.path(), "LB-VIRT-A");
    let phone_b = start(Profile::Empty, state_b.path(), "LB-VIRT-B");
    let (addr_a, addr_b) = (phone_a.addr().to_string(), phone_b.addr().to_string());
    ok(setup.cmd().args(["connect", &addr_a]));
    ok(setup.cmd().args(["connect", &addr_b]));

    let listed = json(&ok(setup.cmd().args(["devices", "--json"])));
    let listed = listed.as_array().unwrap();
    for (serial, addr) in [("LB-VIRT-A", &addr_a), ("LB-VIRT-B", &addr_b)] {
        let device = listed
            .iter()
            .find(|d| d["id"] == serial)
            .unwrap_or_else(|| panic!("{serial} missing: {listed:?}"));
        assert_eq!(device["kind"], "android");
        assert_eq!(device["transport"], "tcp");
        assert_eq!(device["state"], "ready");
        assert_eq!(device["address"], addr.as_str());
        assert_eq!(device["model"], "Virtual Phone");
        assert!(
            device["battery"].as_u64().is_some() && device["storage_total"].as_u64().is_some(),
            "{device}"
        );
        assert!(device["name"].as_str().is_some_and(|n| !n.is_empty()));
    }

    // A setting the person changed on the old phone travels; one that is not allow-listed does not.
    let old = AndroidDevice::connect(
        &AdbTarget::Tcp(addr_a.clone()),
        &setup.connect_options(),
        AndroidOptions::default(),
    )
    .unwrap();
    old.connection().run("settings put system screen_off_timeout 123456").unwrap();
    old.connection().run("settings put secure lifeboat_private_flag 1").unwrap();
    drop(old);

    let started = Instant::now();
    let backup = json(&ok(setup.cmd().args(["backup", "--device", "LB-VIRT-A", "--json"])));
    eprintln!(
        "backup of the demo phone: {} items, {} bytes read, {:?}",
        backup["snapshot"]["items"],
        backup["bytes_read"],
        started.elapsed()
    );
    let snapshot = backup["snapshot"]["id"].as_str().unwrap().to_string();
    assert_eq!(backup["snapshot"]["device"]["serial"], "LB-VIRT-A");
    for category in ["contacts", "photos", "messages", "calls", "settings", "apps"] {
        assert!(
            backup["snapshot"]["totals"][category]["items"].as_u64().unwrap_or(0) > 0,
            "{category}: {backup}"
        );
    }

    let restore = ok(setup.cmd().args(["restore", &snapshot, "--device", "LB-VIRT-B"]));
    let said = String::from_utf8_lossy(&restore.stdout);
    eprintln!("first restore:\n{said}");
    assert!(said.contains("apps are not reinstalled"), "{said}");

    let a = holdings(&addr_a, &setup);
    let b = holdings(&addr_b, &setup);
    assert!(a.contacts.len() >= 20 && a.messages.len() >= 65 && a.calls.len() >= 30);
    assert_eq!(b.contacts, a.contacts, "the same contacts");
    assert!(a.with_photos.len() >= 12);
    assert_eq!(b.with_photos, a.with_photos, "with their photos");
    assert_eq!(b.messages, a.messages, "the same messages");
    assert_eq!(b.calls, a.calls, "the same calls");
    for key in ["system/screen_off_timeout", "system/time_12_24", "system/font_scale"] {
        assert_eq!(b.settings.get(key), a.settings.get(key), "{key}");
    }
    assert_eq!(b.settings.get("system/screen_off_timeout"), Some(&Some("123456".to_string())));
    assert_eq!(b.settings.get("secure/lifeboat_private_flag"), None, "secure settings stay on the old phone");
    assert_eq!(b.photos, a.photos, "the same photos with the same sizes and times");
    let shared = |state: &Path| files(&state.join("fs/storage/emulated/0/DCIM"));
    assert_eq!(shared(state_b.path()), shared(state_a.path()), "the same bytes");

    // The restored MMS pictures are the originals, byte for byte.
    let parts = |state: &Path| {
        let mut all: Vec<Vec<u8>> =
            files(&state.join("fs/data/user_de/0/com.android.providers.telephony/app_parts"))
                .into_values()
                .collect();
        all.sort();
        all
    };
    assert!(!parts(state_a.path()).is_empty());
    assert_eq!(parts(state_b.path()), parts(state_a.path()));

    // Again: nothing new.
    let again = ok(setup.cmd().args(["restore", &snapshot, "--device", "LB-VIRT-B"]));
    let said = String::from_utf8_lossy(&again.stdout);
    eprintln!("second restore:\n{said}");
    assert!(said.contains("contacts: 0 restored"), "{said}");
    assert!(said.contains("messages: 0 restored"), "{said}");
    let b2 = holdings(&addr_b, &setup);
    assert_eq!(
        (b2.contacts.len(), b2.messages.len(), b2.calls.len()),
        (b.contacts.len(), b.messages.len(), b.calls.len())
    );

    ok(setup.cmd().args(["disconnect", &addr_b]));
    let listed = json(&ok(setup.cmd().args(["devices", "--json"])));
    assert!(listed.as_array().unwrap().iter().all(|d| d["id"] != "LB-VIRT-B"));
}

#[test]
fn a_hostile_phone_never_writes_outside_and_its_traps_are_reported() {
    let setup = PhoneVault::new();
    let state = tempfile::tempdir().unwrap();
    let phone = start(Profile::Hostile, state.path(), "LB-HOSTILE");
    let addr = phone.addr().to_string();
    // The traps are left out of the backup, so it exits 6 (issue 10, finding 12), and the rest is kept.
    let output = setup.cmd().args(["backup", "--device", &addr, "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(6), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = json(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(summary["snapshot"]["complete"], true);
    let skipped = summary["snapshot"]["skipped"].as_array().unwrap();
    assert_eq!(summary["left_out"].as_u64(), Some(skipped.len() as u64));
    let said: Vec<String> = skipped.iter().map(|s| format!("{}: {}", s["what"], s["reason"])).collect();
    for trap in ["lifeboat-escape", "Windows", "UTF-8", "control characters", "blank", "direction"] {
        assert!(said.iter().any(|s| s.contains(trap)), "{trap} not reported: {said:#?}");
    }
    assert!(said.iter().any(|s| s.contains("belong to no")), "orphan rows are reported: {said:#?}");
    assert!(stderr.contains("endless.bin") && stderr.contains("longer than the 4096 bytes"), "{stderr}");

    // Restoring the whole snapshot into a folder puts everything inside it.
    let target = tempfile::tempdir().unwrap();
    let inside = target.path().join("restore");
    let _ = setup.cmd().args(["restore", "latest", "--to"]).arg(&inside).output().unwrap();
    let everything = files(target.path());
    assert!(everything.keys().all(|p| p.starts_with("restore")), "{:?}", everything.keys());
    assert_eq!(everything.get("restore/Download/endless.bin").map(Vec::len), Some(4096));

    // Memory stayed bounded: the endless file was never read whole, nor was anything else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) }, 0);
    let peak_mib = usage.ru_maxrss / 1024;
    assert!(peak_mib < 512, "the biggest lifeboat process took {peak_mib} MiB");
}

#[test]
fn backup_through_a_running_adb_server() {
    let setup = PhoneVault::new();
    let state = tempfile::tempdir().unwrap();
    let phone = start(Profile::Demo, state.path(), "LB-VIRT-S");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let home = tempfile::tempdir().unwrap();
    let adb = |args: &[&str]| {
        Command::new("adb")
            .arg("-P")
            .arg(&port)
            .args(args)
            .env("HOME", home.path())
            .env("ANDROID_USER_HOME", home.path().join(".android"))
            .output()
            .expect("Debian's adb must be installed to run this test: apt-get install adb")
    };
    let target = phone.addr().to_string();
    adb(&["connect", &target]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !String::from_utf8_lossy(&adb(&["devices"]).stdout).contains(&format!("{target}\tdevice")) {
        assert!(Instant::now() < deadline, "adb never saw the phone");
        std::thread::sleep(Duration::from_millis(100));
    }
    let via = |command: &mut Command| {
        command.env("ANDROID_ADB_SERVER_PORT", &port);
    };
    let mut list = setup.cmd();
    via(&mut list);
    let listed = json(&ok(list.args(["devices", "--json"])));
    let device = listed.as_array().unwrap().iter().find(|d| d["id"] == "LB-VIRT-S").cloned();
    let mut backup = setup.cmd();
    via(&mut backup);
    let summary = json(&ok(backup.args([
        "backup",
        "--device",
        "LB-VIRT-S",
        "--categories",
        "contacts,photos,calls",
        "--json",
    ])));
    let _ = adb(&["kill-server"]);
    let device = device.unwrap_or_else(|| panic!("the adb server's phone is listed: {listed}"));
    assert_eq!(device["transport"], "adb-server");
    assert_eq!(device["state"], "ready");
    assert!(summary["snapshot"]["totals"]["photos"]["items"].as_u64().unwrap() >= 30, "{summary}");
    assert!(summary["snapshot"]["totals"]["contacts"]["items"].as_u64().unwrap() == 1, "{summary}");
}
