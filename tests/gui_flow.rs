//! Clicks through the app's main flow with a folder device in the headless simulator: create the vault → add
//! a folder (a phone's storage copied to disk) → Back Up Now → open the backup → photos, contacts and
//! messages → restore it into a folder. The same flow with virtual phones is in `gui_phones.rs`.

mod gui_common;

use std::time::Duration;

use gui_common::{Driver, isolate};
use iced::Size;
use iced_test::selector::id;
use lifeboat::gui::config::Config;
use lifeboat::gui::devices::{DeviceEvent, DeviceInfo};
use lifeboat::gui::screen::browse::{self, photos};
use lifeboat::gui::screen::devices as devices_screen;
use lifeboat::gui::screen::password::Mode;
use lifeboat::gui::screen::restore;
use lifeboat::gui::{App, Message, Page};

const WAIT: Duration = Duration::from_secs(120);

#[test]
fn create_vault_back_up_the_demo_phone_browse_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    isolate(dir.path());
    let config = Config { vault: Some(dir.path().join("vault")), ..Config::default() };
    let (app, boot) = App::with_config(config, Some(dir.path().join("config/app.json")));
    let mut ui = Driver::new(app, boot);

    // No device yet: the empty state explains how to connect a phone and offers the demo.
    assert!(ui.shows("Connect your phone"));
    assert!(ui.shows("Try the demo phone"));
    // "Add a folder or SD card…": the folder dialog's answer is sent as it would arrive.
    let phone = dir.path().join("phone");
    lifeboat::cli::demo::make_phone(&phone).unwrap();
    ui.send(Message::Devices(devices_screen::Message::FolderPicked(Some(phone))));
    ui.until("the folder in the settings", WAIT, |app| !app.config.folders.is_empty());
    // The folder watcher would now report the folder; say it as it would.
    let folder = ui.app.config.folders[0].clone();
    ui.send(Message::Device(DeviceEvent::Added(DeviceInfo::folder(&folder).unwrap())));
    ui.until("the survey", WAIT, |app| app.devices.selected.is_some());

    // Back Up Now needs the vault, which does not exist yet: the dialog creates it, with a confirmation.
    ui.click("Back Up Now");
    ui.until("the dialog that creates the vault", WAIT, |app| {
        app.password.as_ref().is_some_and(|(dialog, _)| matches!(dialog.mode, Mode::Create(_)))
    });
    assert!(ui.shows("Create your vault"));
    ui.interact(|ui| {
        ui.click(id("password"))?;
        ui.typewrite("correct horse");
        ui.click(id("password-confirm"))?;
        ui.typewrite("correct horse");
        Ok(())
    });
    ui.click("Create vault");
    ui.until("the backup's end", WAIT, |app| app.devices.run.as_ref().is_some_and(|r| r.result.is_some()));
    let run = ui.app.devices.run.as_ref().unwrap();
    let summary = run.result.as_ref().unwrap().as_ref().expect("the backup succeeds");
    assert_eq!(summary.snapshot.totals[&lifeboat::data::Category::Photos].items, 15);
    assert!(ui.shows("Backup finished"));
    ui.until("the snapshot list", WAIT, |app| app.snapshots.len() == 1);

    // Open the backup from the Backups page.
    ui.click("OK");
    ui.click("Backups");
    assert_eq!(ui.app.page, Page::Backups);
    ui.click("Open");
    ui.until("the catalog", WAIT, |app| app.browse.as_ref().is_some_and(|b| b.loaded.is_some()));
    let loaded = ui.app.browse.as_ref().unwrap().loaded.clone().unwrap();
    assert_eq!(loaded.photos.len(), 15);
    assert_eq!(loaded.contacts.len(), 3, "{:?}", loaded.problems);
    assert_eq!(loaded.threads.len(), 3);
    // The grid is laid out (as the sensor reports it) and fills its first screen with thumbnails.
    ui.send(Message::Browse(browse::Message::Photos(photos::Message::Resized(Size::new(900.0, 600.0)))));
    ui.until("the first screen of thumbnails", WAIT, |app| {
        app.browse.as_ref().is_some_and(|b| b.grid.first_screen().is_some())
    });

    ui.click("Contacts 3");
    ui.click("Ada Okafor");
    assert!(ui.shows("+44 7700 900123"));
    ui.click("Messages 3");
    ui.click("Bo Lindqvist");
    assert!(ui.shows("Always. Cardamom buns please."));

    // Restore the backup into a folder: the folder dialog's answer is sent as it would arrive.
    ui.click("Restore…");
    assert_eq!(ui.app.page, Page::Restore);
    let target = dir.path().join("restored");
    ui.send(Message::Restore(restore::Message::FolderPicked(Some(target.clone()))));
    ui.click("Next");
    ui.click("Next");
    assert!(ui.shows("This will be restored"));
    // Nothing is written before the fidelity report is on screen: a folder keeps everything as files.
    ui.until("the fidelity report", WAIT, |app| app.restore.as_ref().is_some_and(|w| w.can_start()));
    assert!(ui.shows("Everything transfers as it is."));
    ui.click("Restore now");
    ui.until("the restore's end", WAIT, |app| app.restore.as_ref().is_some_and(|w| w.result.is_some()));
    let result = ui.app.restore.as_ref().unwrap().result.clone().unwrap().expect("the restore succeeds");
    assert!(result.failures.is_empty(), "{:?}", result.failures);
    assert!(target.join("DCIM/Camera/IMG_20260001.jpg").is_file());
    assert!(target.join("Contacts/contacts.vcf").is_file());
}
