//! Lifeboat's ADB client against the virtual Android phone: the handshake (first contact asks the person,
//! later ones are remembered; a phone that never answers is "unauthorized"), shell v2 with stdin and exit
//! status, sync listing and streaming, content queries of hostile rows, and a phone that vanishes.

use std::io::Read;
use std::time::Duration;

use lifeboat::device::adb::{AdbError, ConnectOptions, Connection};
use lifeboat::device::sim::android::{self, AndroidSimOptions, AuthMode, Profile, RunningSim};

fn sim(profile: Profile, auth: AuthMode) -> RunningSim {
    android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile,
        auth,
        ..AndroidSimOptions::default()
    })
    .unwrap()
}

fn options(home: &tempfile::TempDir) -> ConnectOptions {
    ConnectOptions {
        key_path: Some(home.path().join(".android/adbkey")),
        allow_wait: Duration::from_secs(5),
        ..ConnectOptions::default()
    }
}

#[test]
fn first_contact_is_allowed_once_and_remembered() {
    let phone = sim(Profile::Empty, AuthMode::Allow);
    let home = tempfile::tempdir().unwrap();
    let addr = phone.addr().to_string();
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&asked);
    let prompt: lifeboat::device::adb::AllowPrompt = std::sync::Arc::new(move |_phone: &str| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    let first_options = ConnectOptions { on_allow_prompt: Some(prompt.clone()), ..options(&home) };
    let first = Connection::tcp(&addr, &first_options).unwrap();
    assert_eq!(
        asked.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the person was told to look at the phone"
    );
    assert!(first.has_feature("shell_v2"));
    let keys = std::fs::read_to_string(phone.state_dir().join("adb_keys")).unwrap();
    let public = std::fs::read_to_string(home.path().join(".android/adbkey.pub")).unwrap();
    assert_eq!(keys.trim(), public.trim(), "the phone remembers exactly adb's public key line");
    drop(first);
    // The second connection signs the token with the remembered key: no dialog, so no wait is allowed.
    let quick =
        ConnectOptions { allow_wait: Duration::ZERO, on_allow_prompt: Some(prompt), ..options(&home) };
    let again = Connection::tcp(&addr, &quick).unwrap();
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1, "no second question");
    assert_eq!(again.run("getprop ro.serialno").unwrap().trim(), phone.serial());
}

#[test]
fn a_phone_nobody_unlocks_is_unauthorized() {
    let phone = sim(Profile::Empty, AuthMode::Never);
    let home = tempfile::tempdir().unwrap();
    let options = ConnectOptions { allow_wait: Duration::from_millis(600), ..options(&home) };
    let error = Connection::tcp(&phone.addr().to_string(), &options).unwrap_err();
    assert!(matches!(error, AdbError::Unauthorized { .. }), "{error}");
    assert!(error.to_string().contains("tap Allow"), "{error}");
}

#[test]
fn shell_v2_carries_stdin_stdout_stderr_and_status() {
    let phone = sim(Profile::Empty, AuthMode::Off);
    let home = tempfile::tempdir().unwrap();
    let connection = Connection::tcp(&phone.addr().to_string(), &options(&home)).unwrap();
    let output = connection.shell("echo out; nosuchcommand").unwrap();
    assert_eq!(output.text(), "out\n");
    assert!(output.error_text().contains("not found"), "{}", output.error_text());
    assert_eq!(output.status, Some(127));
    let mut input: &[u8] = b"line one\nline two\n";
    let echoed = connection.shell_with_input("cat", Some(&mut input)).unwrap();
    assert_eq!(echoed.stdout, b"line one\nline two\n");
    assert_eq!(echoed.status, Some(0));
    assert!(connection.run("false").is_err());
}

#[test]
fn sync_lists_and_streams_files_with_times() {
    let phone = sim(Profile::Demo, AuthMode::Off);
    let home = tempfile::tempdir().unwrap();
    let connection = Connection::tcp(&phone.addr().to_string(), &options(&home)).unwrap();
    let mut sync = connection.sync().unwrap();
    let entries = sync.list(b"/sdcard/DCIM/Camera").unwrap();
    assert!(entries.len() >= 30, "{} entries", entries.len());
    let first = entries.iter().find(|e| e.stat.is_file()).unwrap().clone();
    assert!(first.stat.mtime > 1_000_000_000);
    let path = format!("/sdcard/DCIM/Camera/{}", String::from_utf8_lossy(&first.name));
    assert_eq!(sync.stat(path.as_bytes()).unwrap().unwrap().size, first.stat.size);
    assert!(sync.stat(b"/sdcard/nothing-here").unwrap().is_none());
    let mut bytes = Vec::new();
    sync.recv(path.as_bytes()).unwrap().read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes.len() as u64, first.stat.size);
    let on_disk = std::fs::read(
        phone
            .state_dir()
            .join("fs/storage/emulated/0/DCIM/Camera")
            .join(String::from_utf8_lossy(&first.name).as_ref()),
    )
    .unwrap();
    assert_eq!(bytes, on_disk);

    // Several streams at once on the one connection.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (connection, path) = (connection.clone(), path.clone());
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                connection.sync().unwrap().recv(path.as_bytes()).unwrap().read_to_end(&mut bytes).unwrap();
                bytes.len()
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap() as u64, first.stat.size);
    }

    // Sending keeps the modification time.
    let mut sync = connection.sync().unwrap();
    let mut content: &[u8] = b"hello";
    sync.send("/sdcard/Pictures/new/hello.txt", 0o100644, 1_500_000_000, &mut content).unwrap();
    let stat = sync.stat(b"/sdcard/Pictures/new/hello.txt").unwrap().unwrap();
    assert_eq!((stat.size, stat.mtime), (5, 1_500_000_000));
}

#[test]
fn content_queries_survive_hostile_rows() {
    let phone = sim(Profile::Hostile, AuthMode::Off);
    let home = tempfile::tempdir().unwrap();
    let connection = Connection::tcp(&phone.addr().to_string(), &options(&home)).unwrap();
    let rows = connection.query("content://sms", &["address", "date", "body"], None).unwrap();
    let bodies: Vec<Option<&str>> = rows.iter().map(|r| r.get("body")).collect();
    assert!(bodies.contains(&Some("Row: 99 _id=1, address=+1 555 0199, body=forged")), "{bodies:?}");
    assert!(bodies.contains(&Some("multi\nline\r\nbody, with=equals")), "{bodies:?}");
    assert!(bodies.iter().any(|b| b.is_some_and(|b| b.len() == 200_000)));
    let forged = rows.iter().find(|r| r.get("body").is_some_and(|b| b.starts_with("Row: 99"))).unwrap();
    assert_eq!(forged.get("address"), Some("+1 555-0100"));
    let error = connection.query("content://no.such.provider/x", &["a"], None);
    assert!(error.is_err());
}

#[test]
fn a_vanished_phone_is_disconnected() {
    let phone = sim(Profile::Demo, AuthMode::Off);
    let home = tempfile::tempdir().unwrap();
    let connection = Connection::tcp(&phone.addr().to_string(), &options(&home)).unwrap();
    let mut reader = connection.sync().unwrap().recv(b"/sdcard/Movies/clip1.mp4").ok();
    phone.stop();
    if let Some(reader) = reader.as_mut() {
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
    }
    std::thread::sleep(Duration::from_millis(100));
    let error = connection.shell("echo hi").unwrap_err();
    assert!(matches!(error, AdbError::Disconnected { .. }), "{error}");
}

#[test]
fn the_survey_counts_each_category_before_copying() {
    use lifeboat::data::{Category, CategorySet};
    use lifeboat::device::Device;
    use lifeboat::device::adb::{AdbTarget, AndroidDevice, AndroidOptions};
    let phone = sim(Profile::Demo, AuthMode::Off);
    let home = tempfile::tempdir().unwrap();
    let device = AndroidDevice::connect(
        &AdbTarget::Tcp(phone.addr().to_string()),
        &options(&home),
        AndroidOptions::default(),
    )
    .unwrap();
    assert_eq!(device.identity().serial, phone.serial());
    assert_eq!(device.identity().os_version.as_deref(), Some("Android 14"));
    let info = device.info();
    assert!(info.battery_percent.is_some_and(|b| b <= 100));
    assert!(info.storage_free.unwrap() < info.storage_total.unwrap());
    let survey = device.survey(&CategorySet::all(), &lifeboat::engine::Cancel::new()).unwrap();
    let items = |category: Category| survey.iter().find(|s| s.category == category).unwrap().items;
    assert_eq!(items(Category::Contacts), 20);
    assert_eq!(items(Category::Messages), 65);
    assert_eq!(items(Category::Calls), 30);
    assert_eq!(items(Category::Apps), 5);
    assert!(items(Category::Photos) >= 36);
    assert!(items(Category::Settings) > 10);
    let photos = survey.iter().find(|s| s.category == Category::Photos).unwrap();
    assert!(photos.bytes > 1_000_000, "{photos:?}");
}
