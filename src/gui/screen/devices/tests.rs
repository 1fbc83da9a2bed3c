//! `update()` on the devices screen: devices coming and going, phones that must be allowed first, a phone
//! that goes during its backup, and the virtual demo phones.

use super::*;
use crate::device::discovery::DeviceState;
use crate::device::{DeviceIdentity, DeviceKind};
use crate::engine::Cancel;

fn folder(dir: &std::path::Path) -> DeviceInfo {
    DeviceInfo::folder(dir).unwrap()
}

fn phone(serial: &str, address: &str, state: DeviceState) -> DeviceInfo {
    DeviceInfo {
        identity: DeviceIdentity {
            kind: DeviceKind::Android,
            name: "Lifeboat Virtual Phone".into(),
            manufacturer: Some("Lifeboat".into()),
            model: Some("Virtual Phone".into()),
            serial: serial.into(),
            os_version: Some("Android 14".into()),
        },
        source: Source::Phone(address.into()),
        state,
        storage: Some((1, 2)),
        battery: Some(87),
    }
}

fn running(screen: &mut Devices, key: &str) -> Cancel {
    let cancel = Cancel::new();
    screen.run = Some(BackupRun {
        id: 7,
        device: key.into(),
        device_name: "Lifeboat Virtual Phone".into(),
        cancel: cancel.clone(),
        gone: false,
        status: None,
        notices: Vec::new(),
        result: None,
    });
    cancel
}

#[test]
fn devices_come_and_go_by_messages() {
    let dir = tempfile::tempdir().unwrap();
    let info = folder(dir.path());
    let key = info.key();
    let mut screen = Devices { default_categories: CategorySet::all(), ..Devices::default() };
    let (_, event) = screen.update(Message::DeviceAppeared(info.clone()), &[]);
    assert!(event.is_none(), "a device never backed up is not a known one");
    assert_eq!(screen.selected.as_deref(), Some(key.as_str()), "the first device is chosen");
    // The same device appearing again replaces its card rather than adding one.
    let _ = screen.update(Message::DeviceAppeared(info), &[]);
    assert_eq!(screen.devices.len(), 1);
    let _ = screen.update(Message::Toggle(Category::Photos, false), &[]);
    assert!(!screen.chosen().contains(Category::Photos));
    assert!(screen.chosen().contains(Category::Contacts));
    let (_, event) = screen.update(Message::BackUpNow, &[]);
    assert!(matches!(event, Some(Event::BackupRequested)));
    let _ = screen.update(Message::DeviceGone(key), &[]);
    assert!(screen.devices.is_empty() && screen.selected.is_none());
}

#[test]
fn stale_survey_results_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut screen = Devices::default();
    let _ = screen.update(Message::DeviceAppeared(folder(dir.path())), &[]);
    let stale = Message::Surveyed(u64::MAX, Ok(Vec::new()));
    let _ = screen.update(stale, &[]);
    assert!(screen.survey.as_ref().is_some_and(|s| s.result.is_none()));
}

#[test]
fn a_phone_that_must_allow_this_computer_is_listed_but_not_backed_up_until_it_does() {
    let mut screen = Devices { default_categories: CategorySet::all(), ..Devices::default() };
    let waiting = phone("R58M", "192.0.2.7:5555", DeviceState::Unauthorized);
    let key = waiting.key();
    let _ = screen.update(Message::DeviceAppeared(waiting.clone()), &[]);
    assert_eq!(screen.devices.len(), 1);
    assert!(screen.selected.is_none(), "a phone that is not ready is not chosen by itself");
    let _ = screen.update(Message::Select(key.clone()), &[]);
    assert!(screen.survey.is_none(), "nothing can be counted before the phone allows this computer");
    let (_, event) = screen.update(Message::BackUpNow, &[]);
    assert!(event.is_none(), "Back Up Now does nothing for a phone that is not ready");

    // The person taps Allow: the phone is counted, and had it been backed up before, that is news.
    let ready = DeviceInfo { state: DeviceState::Ready, ..waiting };
    let _ = screen.update(Message::DeviceChanged(ready), &[]);
    assert!(screen.survey.as_ref().is_some_and(|s| s.device == key && s.result.is_none()));
    let (_, event) = screen.update(Message::BackUpNow, &[]);
    assert!(matches!(event, Some(Event::BackupRequested)));
}

#[test]
fn a_phone_that_goes_during_its_backup_stops_it_and_the_summary_says_why() {
    let mut screen = Devices { default_categories: CategorySet::all(), ..Devices::default() };
    let info = phone("LB-VIRT-0001", "127.0.0.1:40001", DeviceState::Ready);
    let key = info.key();
    let _ = screen.update(Message::DeviceAppeared(info), &[]);
    let cancel = running(&mut screen, &key);
    assert!(screen.busy());

    let _ = screen.update(Message::DeviceGone(key.clone()), &[]);
    assert!(screen.devices.is_empty() && screen.selected.is_none());
    assert!(
        cancel.is_cancelled(),
        "the engine is told to stop at once rather than wait on a dead connection"
    );
    let run = screen.orphan_run().expect("the backup of the phone that went is still on show");
    assert!(run.gone && run.result.is_none());
    // The watcher lists the remembered address as unreachable: it does not replace the summary on show.
    let unreachable = phone("127.0.0.1:40001", "127.0.0.1:40001", DeviceState::Disconnected);
    let _ = screen.update(Message::DeviceAppeared(unreachable), &[]);
    assert!(screen.selected.is_none());

    // The engine answers "cancelled" (or a broken read): the person reads that the phone went.
    let finished = JobEvent::Finished(Ok(Err(BackupError::Failed("cancelled".into()))));
    let (_, event) = screen.update(Message::Backup(7, Box::new(finished)), &[]);
    assert!(
        matches!(event, Some(Event::BackupFinished)),
        "the snapshot list (with the checkpoint) is reloaded"
    );
    let run = screen.run.as_ref().unwrap();
    assert!(matches!(run.result, Some(Err(BackupError::Disconnected))), "{:?}", run.result);
    assert!(!screen.busy());
    let _ = screen.update(Message::DismissSummary, &[]);
    assert!(screen.run.is_none());
}

#[test]
fn a_result_of_another_backup_is_dropped() {
    let mut screen = Devices::default();
    let _ = running(&mut screen, "android:X");
    let finished = JobEvent::Finished(Ok(Err(BackupError::Failed("old".into()))));
    let (_, event) = screen.update(Message::Backup(8, Box::new(finished)), &[]);
    assert!(event.is_none());
    assert!(screen.busy());
}

#[test]
fn a_remembered_network_phone_can_be_forgotten() {
    let mut screen = Devices::default();
    let info = phone("192.0.2.7:5555", "192.0.2.7:5555", DeviceState::Disconnected);
    let key = info.key();
    let _ = screen.update(Message::DeviceAppeared(info), &[]);
    let (_, event) = screen.update(Message::Forget(key), &[]);
    assert!(matches!(event, Some(Event::ForgetPhone(address)) if address == "192.0.2.7:5555"));
    let cabled = phone("R58M", "usb:R58M", DeviceState::Ready);
    let key = cabled.key();
    let _ = screen.update(Message::DeviceAppeared(cabled), &[]);
    let (_, event) = screen.update(Message::Forget(key), &[]);
    assert!(event.is_none(), "a phone on a cable is not remembered, so there is nothing to forget");
}

#[test]
fn a_started_virtual_phone_is_awaited_until_the_watcher_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut screen = Devices::default();
    let _ = screen.update(Message::StartDemo(Role::Empty), &[]);
    assert_eq!(screen.starting, Some(Role::Empty));
    // A second press while it starts does nothing.
    let _ = screen.update(Message::StartDemo(Role::Demo), &[]);
    assert_eq!(screen.starting, Some(Role::Empty));

    let started = crate::gui::demo::VirtualPhone::start_in(Role::Empty, dir.path(), None).unwrap();
    let address = started.address().to_string();
    let _ = screen.update(Message::DemoStarted(Role::Empty, Ok(DemoPhone::new(started))), &[]);
    assert_eq!(screen.starting, Some(Role::Empty), "still coming: the watcher has not reported it yet");
    let info = phone(Role::Empty.serial(), &address, DeviceState::Ready);
    assert_eq!(screen.role_of(&info), Some(Role::Empty));
    let _ = screen.update(Message::DeviceAppeared(info), &[]);
    assert_eq!(screen.starting, None);

    let phones = screen.take_demo_phones();
    assert_eq!(phones.len(), 1);
    drop(phones);
    assert!(std::net::TcpStream::connect(&address).is_err(), "the phone stops with its last handle");
}

#[test]
fn a_virtual_phone_that_fails_to_start_says_why() {
    let mut screen = Devices::default();
    let _ = screen.update(Message::StartDemo(Role::Demo), &[]);
    let _ = screen.update(Message::DemoStarted(Role::Demo, Err("port in use".into())), &[]);
    assert_eq!(screen.starting, None);
    assert_eq!(screen.error.as_deref(), Some("port in use"));
}
