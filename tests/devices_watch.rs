//! Finding phones: the watcher reports a remembered network phone when it appears and when it goes, a phone
//! that never allows this computer is listed as "unauthorized" with what to do, and `lifeboat sim android`
//! prints its address first so scripts can use it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use lifeboat::device::adb::ConnectOptions;
use lifeboat::device::discovery::{
    DeviceEvent, DeviceState, DeviceWatcher, Remembered, ScanOptions, Transport,
};
use lifeboat::device::sim::android::{self, AndroidSimOptions, AuthMode, Profile, RunningSim};

mod common;

fn start(state: &Path, listen: &str, auth: AuthMode) -> RunningSim {
    android::start(AndroidSimOptions {
        listen: listen.parse().unwrap(),
        profile: Profile::Empty,
        state_dir: Some(state.to_path_buf()),
        serial: "LB-WATCHED".into(),
        auth,
        ..AndroidSimOptions::default()
    })
    .unwrap()
}

fn next_event(watcher: &DeviceWatcher, wanted: impl Fn(&DeviceEvent) -> bool) -> DeviceEvent {
    loop {
        let event =
            watcher.events().recv_timeout(Duration::from_secs(20)).expect("the watcher reports the change");
        if wanted(&event) {
            return event;
        }
    }
}

/// Remembers the phone at `addr` in the config folder `config`, as `lifeboat connect` does.
fn remember(config: &std::path::Path, addr: &str) {
    let mut remembered = Remembered::default();
    remembered.add(addr);
    remembered.save(config).unwrap();
}

#[test]
fn the_watcher_sees_a_remembered_phone_come_and_go() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("phone");
    let phone = start(&state, "127.0.0.1:0", AuthMode::Allow);
    let addr = phone.addr().to_string();
    let config = dir.path().join("config");
    remember(&config, &addr);
    let options = ScanOptions {
        config_dir: Some(config),
        adb_server_port: 1,
        usb: false,
        connect: ConnectOptions {
            key_path: Some(dir.path().join("adbkey")),
            allow_wait: Duration::from_secs(2),
            connect_timeout: Duration::from_millis(500),
            ..ConnectOptions::default()
        },
    };
    let watcher = DeviceWatcher::start(options, Duration::from_millis(200)).unwrap();
    let added = next_event(&watcher, |e| matches!(e, DeviceEvent::Added(d) if d.id == "LB-WATCHED"));
    let DeviceEvent::Added(device) = added else { unreachable!() };
    assert_eq!((device.transport, device.state), (Transport::Tcp, DeviceState::Ready));
    assert_eq!(device.address, addr);

    phone.stop();
    next_event(&watcher, |e| matches!(e, DeviceEvent::Removed(id) if id == "LB-WATCHED"));
    let gone = next_event(&watcher, |e| matches!(e, DeviceEvent::Added(d) if d.id == addr));
    let DeviceEvent::Added(gone) = gone else { unreachable!() };
    assert_eq!(gone.state, DeviceState::Disconnected);

    // Back on the same address: ready again.
    let _phone = start(&state, &addr, AuthMode::Allow);
    next_event(
        &watcher,
        |e| matches!(e, DeviceEvent::Added(d) if d.id == "LB-WATCHED" && d.state == DeviceState::Ready),
    );
}

#[test]
fn a_phone_that_never_allows_is_listed_as_unauthorized_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let phone = start(&dir.path().join("phone"), "127.0.0.1:0", AuthMode::Never);
    let vault = dir.path().join("vault");
    let config = dir.path().join("config");
    remember(&config, &phone.addr().to_string());
    let output = common::ok(
        common::lifeboat(&vault)
            .env("LIFEBOAT_CONFIG_DIR", &config)
            .env("ANDROID_ADB_SERVER_PORT", "1")
            .args(["devices", "--json"]),
    );
    let listed = common::json(&output);
    let device = &listed.as_array().unwrap()[0];
    assert_eq!(device["state"], "unauthorized", "{listed}");
    assert!(device["hint"].as_str().unwrap().contains("tap Allow"), "{listed}");
    let table = common::ok(
        common::lifeboat(&vault)
            .env("LIFEBOAT_CONFIG_DIR", &config)
            .env("ANDROID_ADB_SERVER_PORT", "1")
            .arg("devices"),
    );
    assert!(String::from_utf8_lossy(&table.stdout).contains("unauthorized"));
    // A backup of it says what to do (after a short wait for the person, shortened here).
    common::init_vault(&vault);
    let stderr = common::fails(
        common::lifeboat(&vault)
            .env("LIFEBOAT_CONFIG_DIR", &config)
            .env("LIFEBOAT_ALLOW_WAIT_SECS", "1")
            .args(["backup", "--device", &phone.addr().to_string()]),
        1,
    );
    assert!(stderr.contains("unlock it and tap Allow"), "{stderr}");
}

#[test]
fn sim_android_prints_its_address_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .args([
            "sim",
            "android",
            "--listen",
            "127.0.0.1:0",
            "--profile",
            "empty",
            "--serial",
            "LB-CLI",
            "--auth",
            "off",
        ])
        .arg("--state")
        .arg(dir.path().join("phone"))
        .env("LIFEBOAT_LANG", "en")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().rsplit(' ').next().unwrap().to_string();
    let connected = lifeboat::device::adb::Connection::tcp(
        &address,
        &ConnectOptions { key_path: Some(dir.path().join("adbkey")), ..ConnectOptions::default() },
    );
    let serial = connected.map(|c| c.run("getprop ro.serialno"));
    child.kill().unwrap();
    let _ = child.wait();
    assert!(line.contains("LB-CLI"), "{line}");
    assert_eq!(serial.unwrap().unwrap().trim(), "LB-CLI");
}

#[test]
fn backup_and_restore_take_a_folder_or_a_device_not_both() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let both = common::fails(common::lifeboat(&vault).args(["backup", "--from", "x", "--device", "y"]), 2);
    assert!(both.contains("cannot be used with"), "{both}");
    common::fails(common::lifeboat(&vault).args(["backup"]), 2);
    common::fails(common::lifeboat(&vault).args(["restore", "latest"]), 2);
    common::fails(common::lifeboat(&vault).args(["restore", "latest", "--to", "x", "--device", "y"]), 2);
    let bad = common::fails(common::lifeboat(&vault).args(["connect", "no-port-here"]), 2);
    assert!(bad.contains("HOST:PORT"), "{bad}");
}

#[test]
fn watching_usb_where_there_may_be_none_still_finds_network_phones() {
    // Test machines (containers) often have no USB subsystem at all: hotplug and listing must fall back to
    // "no USB here" and polling, never panic, and the network phone must still be found.
    let dir = tempfile::tempdir().unwrap();
    let phone = start(&dir.path().join("phone"), "127.0.0.1:0", AuthMode::Off);
    let addr = phone.addr().to_string();
    let config = dir.path().join("config");
    remember(&config, &addr);
    let options = ScanOptions {
        config_dir: Some(config),
        adb_server_port: 1,
        usb: true,
        connect: ConnectOptions { key_path: Some(dir.path().join("adbkey")), ..ConnectOptions::default() },
    };
    let found = lifeboat::device::discovery::scan(&options);
    assert!(found.iter().any(|d| d.id == "LB-WATCHED" && d.state == DeviceState::Ready), "{found:?}");
    let watcher = DeviceWatcher::start(options, Duration::from_millis(200)).unwrap();
    next_event(&watcher, |e| matches!(e, DeviceEvent::Added(d) if d.id == "LB-WATCHED"));
    drop(watcher);
}
