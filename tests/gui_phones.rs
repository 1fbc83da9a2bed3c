//! The app with phones, in the headless simulator, its subscriptions running for real (the discovery
//! watcher finds the virtual phones over ADB on loopback, as it would a phone on Wi-Fi debugging):
//!
//! - Try the demo phone → its card → Back Up Now → the summary → open the backup: contacts and messages →
//!   Restore… onto an empty virtual phone added from the wizard → the fidelity report → the result, and the
//!   new phone, asked through the library, holds the contacts, messages and photos;
//! - a phone that goes during its backup: the backup ends with the sentence a person needs, the card leaves,
//!   and the vault stays consistent;
//! - how long a started virtual phone takes to appear.
//!
//! The tests share environment variables (where the config, the demo phones and adb's key live), so they
//! take turns.

mod gui_common;

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gui_common::{Driver, isolate};
use lifeboat::data::{Category, CategorySet};
use lifeboat::device::adb::{AdbTarget, AndroidDevice, AndroidOptions, ConnectOptions};
use lifeboat::device::discovery::{Remembered, ScanOptions};
use lifeboat::device::sim::android::{self, AndroidSimOptions, Profile};
use lifeboat::device::{CategorySummary, Device};
use lifeboat::engine::{Cancel, Reason, Silent};
use lifeboat::gui::config::Config;
use lifeboat::gui::demo::{Role, VirtualPhone};
use lifeboat::gui::devices::{self, DeviceEvent, PHONE_WATCH_INTERVAL};
use lifeboat::gui::screen::browse::messages::thread_name;
use lifeboat::gui::screen::devices::BackupError;
use lifeboat::gui::screen::password::Mode;
use lifeboat::gui::screen::restore::Step;
use lifeboat::gui::{App, Page};
use lifeboat::vault::{KdfParams, Vault, VerifyOptions};

const WAIT: Duration = Duration::from_secs(180);

/// The tests set process-wide environment variables: one at a time.
static TURN: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a phone holds, per category, asked over ADB with the library (not through the app).
fn holdings(address: &str, key_dir: &Path) -> Vec<CategorySummary> {
    let connect = ConnectOptions { key_path: Some(key_dir.join("adbkey")), ..ConnectOptions::default() };
    let phone = AndroidDevice::connect(&AdbTarget::Tcp(address.into()), &connect, AndroidOptions::default())
        .expect("the phone answers");
    phone.survey(&CategorySet::all(), &Cancel::new()).expect("the phone can be counted")
}

fn count(held: &[CategorySummary], category: Category) -> u64 {
    held.iter().find(|c| c.category == category).map(|c| c.items).unwrap_or(0)
}

#[test]
fn back_up_the_demo_phone_browse_it_and_restore_onto_an_empty_phone() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    isolate(dir.path());
    let config = Config { vault: Some(dir.path().join("vault")), ..Config::default() };
    let (app, boot) = App::with_config(config, Some(dir.path().join("config/app.json")));
    let mut ui = Driver::new(app, boot);
    ui.subscribe();

    // (a) The virtual demo phone starts inside the app; the watcher reports it and its card appears.
    assert!(ui.shows("Connect your phone"));
    ui.click("Try the demo phone");
    ui.until("the demo phone's card", WAIT, |app| {
        app.devices.devices.iter().any(|d| d.identity.serial == Role::Demo.serial() && d.is_ready())
    });
    let card = ui.app.devices.devices[0].clone();
    assert_eq!(ui.app.devices.selected.as_deref(), Some(card.key().as_str()), "the phone is chosen");
    for shown in ["Lifeboat Virtual Phone", "Demo phone (virtual)", "Virtual Phone · Android 14", "Ready"] {
        assert!(ui.shows(shown), "the card shows {shown:?}");
    }
    assert_eq!(card.battery, Some(87), "the card knows the battery");
    assert!(card.storage.is_some_and(|(used, total)| used > 0 && total > used), "{:?}", card.storage);

    ui.click("Back Up Now");
    ui.until("the dialog that creates the vault", WAIT, |app| {
        app.password.as_ref().is_some_and(|(dialog, _)| matches!(dialog.mode, Mode::Create(_)))
    });
    ui.interact(|ui| {
        ui.click(iced_test::selector::id("password"))?;
        ui.typewrite("correct horse");
        ui.click(iced_test::selector::id("password-confirm"))?;
        ui.typewrite("correct horse");
        Ok(())
    });
    ui.click("Create vault");
    ui.until("the backup's end", WAIT, |app| app.devices.run.as_ref().is_some_and(|r| r.result.is_some()));
    let run = ui.app.devices.run.as_ref().unwrap();
    let summary = run.result.clone().unwrap().expect("the backup of the demo phone succeeds");
    assert!(summary.snapshot.complete);
    for category in [Category::Photos, Category::Contacts, Category::Messages, Category::Calls] {
        assert!(
            summary.snapshot.totals.get(&category).is_some_and(|t| t.items > 0),
            "{category:?} is backed up"
        );
    }
    assert!(ui.shows("Backup finished"));
    ui.until("the snapshot list", WAIT, |app| app.snapshots.len() == 1);
    assert_eq!(ui.app.snapshots[0].device.key(), card.key(), "the backup is the card's device's");

    // (b) Open it: contacts and conversations are there, and read as a person would.
    ui.click("OK");
    ui.click("Backups");
    ui.click("Open");
    ui.until("the catalog", WAIT, |app| app.browse.as_ref().is_some_and(|b| b.loaded.is_some()));
    let loaded = ui.app.browse.as_ref().unwrap().loaded.clone().unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert!(!loaded.photos.is_empty() && !loaded.contacts.is_empty() && !loaded.threads.is_empty());
    ui.click(&format!("Contacts {}", loaded.contacts.len()));
    let contact = loaded.contacts.iter().find(|c| !c.phones.is_empty()).expect("a contact with a number");
    ui.click(&contact.display_name());
    assert!(ui.shows(&contact.phones[0].number), "the contact's number is shown");
    ui.click(&format!("Messages {}", loaded.threads.len()));
    let thread = &loaded.threads[0];
    ui.click(&thread_name(thread));
    let body = thread.messages.iter().rev().find_map(|m| m.body.clone()).expect("a message with text");
    assert!(ui.shows(&body), "the conversation shows {body:?}");

    // (c) Restore onto a new phone: an empty virtual phone, added from the wizard.
    ui.click("Restore…");
    assert_eq!(ui.app.page, Page::Restore);
    ui.click("Add an empty demo phone");
    ui.until("the empty phone's card", WAIT, |app| {
        app.devices.devices.iter().any(|d| d.identity.serial == Role::Empty.serial() && d.is_ready())
    });
    ui.click("New phone (virtual, empty)");
    ui.click("Next");
    ui.click("Next");
    assert_eq!(ui.app.restore.as_ref().unwrap().step, Step::Summary);
    ui.until("the fidelity report", WAIT, |app| app.restore.as_ref().is_some_and(|w| w.can_start()));
    let wizard = ui.app.restore.as_ref().unwrap();
    let plans = wizard.plan.clone().unwrap().1.unwrap().expect("the report is made");
    let contacts = plans.iter().find(|p| p.category == Category::Contacts).expect("contacts are planned");
    assert_eq!(
        (contacts.converted, contacts.impossible),
        (0, 0),
        "Android to Android keeps contacts as they are"
    );
    assert_eq!(contacts.as_is, loaded.contacts.len() as u64);
    let apps = plans.iter().find(|p| p.category == Category::Apps).expect("apps are planned");
    assert!(apps.impossible > 0 && apps.reasons.contains(&Reason::AppsReinstall));
    for shown in ["What the target can keep", "Will transfer", "Cannot transfer"] {
        assert!(ui.shows(shown), "the report shows {shown:?}");
    }
    assert!(ui.shows(&Reason::AppsReinstall.text()), "the reason is given");

    ui.click("Restore now");
    ui.until("the restore's end", WAIT, |app| app.restore.as_ref().is_some_and(|w| w.result.is_some()));
    let result = ui.app.restore.as_ref().unwrap().result.clone().unwrap().expect("the restore succeeds");
    assert!(result.failures.is_empty(), "{:?}", result.failures);
    assert!(!result.after.is_empty(), "the phone is counted afterwards");
    assert!(ui.shows("Before → after"), "the table has the counts made before and afterwards");
    assert!(ui.shows("0 → 20"), "the empty phone had no contacts and has the 20 restored");
    assert!(ui.shows("Lifeboat Virtual Phone holds everything that was sent."));
    assert!(ui.shows("Restored") && ui.shows("Already there") && ui.shows("Refused"));

    // The new phone, asked through the library, holds what the demo phone holds.
    let address = |role| {
        ui.app.devices.demo.iter().find(|p| p.role() == role).map(|p| p.address().to_string()).unwrap()
    };
    let key_dir = dir.path().join("android");
    let old = holdings(&address(Role::Demo), &key_dir);
    let new = holdings(&address(Role::Empty), &key_dir);
    for category in [Category::Contacts, Category::Messages, Category::Photos, Category::Calls] {
        assert_eq!(count(&new, category), count(&old, category), "{category:?} on the new phone");
        assert!(count(&new, category) > 0);
    }
    println!(
        "restored onto the empty phone: {} contacts, {} messages, {} photos and videos",
        count(&new, Category::Contacts),
        count(&new, Category::Messages),
        count(&new, Category::Photos)
    );
}

/// Fills `path` with `size` bytes that neither compress nor deduplicate.
fn noise(path: &Path, size: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..size / block.len() {
        for chunk in block.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        file.write_all(&block).unwrap();
    }
    file.flush().unwrap();
}

#[test]
fn a_phone_that_goes_during_its_backup_ends_it_with_a_clear_message() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    isolate(dir.path());
    let password = "pw";
    let vault_path = dir.path().join("vault");
    Vault::init(&vault_path, password, KdfParams { memory_kib: 8 * 1024, passes: 1, lanes: 1 }).unwrap();
    // SAFETY: set while holding the turn, before the app reads it.
    unsafe { std::env::set_var("LIFEBOAT_PASSWORD", password) };

    // A phone on Wi-Fi debugging, with a long video so the backup is still copying when it goes.
    let state = dir.path().join("phone");
    let options = || AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile: Profile::Demo,
        state_dir: Some(state.clone()),
        serial: "LB-UNPLUG".into(),
        ..AndroidSimOptions::default()
    };
    android::start(options()).unwrap().stop();
    noise(&state.join("fs/storage/emulated/0/Movies/long-video.mp4"), 300 << 20);
    let phone = android::start(options()).unwrap();
    let config_dir = dir.path().join("config");
    let mut remembered = Remembered::default();
    remembered.add(&phone.addr().to_string());
    remembered.save(&config_dir).unwrap();

    let config = Config { vault: Some(vault_path.clone()), ..Config::default() };
    let (app, boot) = App::with_config(config, Some(config_dir.join("app.json")));
    let mut ui = Driver::new(app, boot);
    unsafe { std::env::remove_var("LIFEBOAT_PASSWORD") };
    ui.subscribe();
    ui.until("the vault and the phone", WAIT, |app| {
        app.vault.is_some() && app.devices.selected_device().is_some_and(|d| d.identity.serial == "LB-UNPLUG")
    });
    let key = ui.app.devices.selected.clone().unwrap();
    ui.click("Back Up Now");
    ui.until("the copying", WAIT, |app| {
        app.devices.run.as_ref().and_then(|r| r.status.as_ref()).is_some_and(|s| {
            s.phase == lifeboat::engine::Phase::Transferring
                && s.bytes_done > 0
                && s.bytes_done < s.bytes_total
        })
    });

    // Pulled out.
    let pulled = Instant::now();
    phone.stop();
    ui.until("the backup's end", WAIT, |app| app.devices.run.as_ref().is_some_and(|r| r.result.is_some()));
    let ended = pulled.elapsed();
    let run = ui.app.devices.run.as_ref().unwrap();
    assert_eq!(run.result.as_ref().unwrap().as_ref().err(), Some(&BackupError::Disconnected));
    ui.until("the card to leave", WAIT, |app| !app.devices.devices.iter().any(|d| d.key() == key));
    let gone = pulled.elapsed();
    println!("the phone was pulled: the backup ended after {ended:?}, the card left after {gone:?}");
    assert!(ui.shows("The phone was disconnected"));
    assert!(ui.shows(
        "The phone was disconnected during the backup; what was copied is kept and the next backup continues from there."
    ));
    assert!(ui.shows("No longer connected"), "the summary stays although the phone is gone");

    // What was copied is kept as an incomplete snapshot, and the vault reads back whole.
    let vault = Vault::open(&vault_path, password).unwrap();
    let listing = vault.snapshots().unwrap();
    assert!(listing.damaged.is_empty(), "{:?}", listing.damaged);
    assert!(
        listing.snapshots.iter().all(|s| !s.complete),
        "an interrupted backup is never shown as complete"
    );
    assert!(!listing.snapshots.is_empty(), "the checkpoint is kept for the next backup to continue from");
    let report = vault
        .verify(
            VerifyOptions { sample_percent: None },
            &lifeboat::engine::Meter::new(&Silent),
            &Cancel::new(),
        )
        .unwrap();
    assert!(report.problems.is_empty() && report.damaged_items.is_empty(), "{:?}", report.problems);
}

#[test]
fn a_started_virtual_phone_appears_within_one_watch_interval() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    isolate(dir.path());
    // The contract: a remembered phone is reported at the watcher's next look, and the app's watcher looks
    // twice a second, leaving half a second for the look itself (connect, ask who it is) within the one second
    // a person should wait. The figures printed below are what it took here.
    assert!(PHONE_WATCH_INTERVAL <= Duration::from_millis(500));
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut stream = Box::pin(devices::phone_events(ScanOptions::default(), PHONE_WATCH_INTERVAL));
    std::thread::spawn(move || {
        use iced::futures::StreamExt;
        iced::futures::executor::block_on(async move {
            while let Some(event) = stream.next().await {
                if sender.send((Instant::now(), event)).is_err() {
                    return;
                }
            }
        })
    });
    let config_dir = dir.path().join("config");
    let mut figures = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let phone = VirtualPhone::start_in(Role::Empty, dir.path(), Some(config_dir.clone())).unwrap();
        let remembered = Instant::now();
        let key = loop {
            let (at, event) = receiver.recv_timeout(Duration::from_secs(30)).expect("the phone is reported");
            if let DeviceEvent::Added(info) = event
                && info.identity.serial == Role::Empty.serial()
            {
                figures.push((remembered - started, at - remembered));
                break info.key();
            }
        };
        drop(phone);
        loop {
            let (_, event) =
                receiver.recv_timeout(Duration::from_secs(30)).expect("the phone's end is reported");
            if event == DeviceEvent::Removed(key.clone()) {
                break;
            }
        }
    }
    for (start, appear) in &figures {
        println!(
            "virtual phone: started in {start:?}, on the list {appear:?} after its address was remembered"
        );
    }
}
