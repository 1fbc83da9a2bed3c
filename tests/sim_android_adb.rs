//! The virtual Android phone against Debian's own `adb`: if `adb` behaves with it as with a phone, so will
//! any client. Each test runs its own adb server on a free port (`adb -P`) with its own HOME (so its own
//! host key), so tests run in parallel and never touch a developer's adb. `adb` must be installed: these
//! tests fail, never skip, without it.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use lifeboat::device::sim::android::{self, AndroidSimOptions, AuthMode, Profile, Refusal, RunningSim};

/// One private adb server.
struct Adb {
    port: u16,
    home: tempfile::TempDir,
    target: String,
}

impl Adb {
    fn new(sim: &RunningSim) -> Self {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let home = tempfile::tempdir().unwrap();
        Self { port, home, target: sim.addr().to_string() }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("adb")
            .arg("-P")
            .arg(self.port.to_string())
            .args(args)
            .env("HOME", self.home.path())
            .env("ANDROID_USER_HOME", self.home.path().join(".android"))
            .env_remove("ANDROID_SERIAL")
            .env_remove("ADB_VENDOR_KEYS")
            .output()
            .expect("Debian's adb must be installed to run these tests: apt-get install adb")
    }

    /// Runs `adb -s TARGET args...`.
    fn on_phone(&self, args: &[&str]) -> Output {
        let mut all = vec!["-s", self.target.as_str()];
        all.extend_from_slice(args);
        self.run(&all)
    }

    fn shell(&self, command: &str) -> Output {
        self.on_phone(&["shell", command])
    }

    /// `adb shell COMMAND` with `input` on its standard input (carried by shell v2 stdin packets).
    fn shell_with_stdin(&self, command: &str, input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = Command::new("adb")
            .args(["-P", &self.port.to_string(), "-s", &self.target, "shell", command])
            .env("HOME", self.home.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("Debian's adb must be installed to run these tests: apt-get install adb");
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    }

    /// `adb connect`, then waits until the phone is online. A new host key makes adb say "failed to
    /// authenticate" first, exactly as with a phone showing its "Allow USB debugging?" dialog; the phone
    /// comes online once the person allows.
    fn connect(&self) {
        let output = self.run(&["connect", &self.target]);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains(&format!("connected to {}", self.target))
                || text.contains(&format!("failed to authenticate to {}", self.target)),
            "adb connect said: {text}"
        );
        self.wait_for("device");
    }

    /// Waits until `adb devices` lists the phone in `state`.
    fn wait_for(&self, state: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let devices = String::from_utf8_lossy(&self.run(&["devices"]).stdout).into_owned();
            if devices.lines().any(|line| line == format!("{}\t{state}", self.target)) {
                return;
            }
            assert!(Instant::now() < deadline, "the phone never became {state}: {devices}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Adb {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn start(profile: Profile, state: &Path, auth: AuthMode) -> RunningSim {
    android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile,
        state_dir: Some(state.to_path_buf()),
        auth,
        ..AndroidSimOptions::default()
    })
    .unwrap()
}

fn status(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn mtime(path: &Path) -> i64 {
    filetime::FileTime::from_last_modification_time(&std::fs::metadata(path).unwrap()).unix_seconds()
}

/// The camera folder of a phone's state, on the host.
fn camera(state: &Path) -> std::path::PathBuf {
    state.join("fs/storage/emulated/0/DCIM/Camera")
}

#[test]
fn adb_connects_and_reads_properties() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Demo, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    assert_eq!(stdout(&adb.shell("getprop ro.product.model")), "Virtual Phone\n");
    assert_eq!(stdout(&adb.shell("getprop ro.serialno")), "LB-VIRT-0001\n");
    let all = stdout(&adb.shell("getprop"));
    assert!(all.lines().any(|l| l == "[ro.build.version.sdk]: [34]"), "{all}");
    // adb lists the features both sides know; Debian's adb 29 predates sendrecv_v2, which the phone offers too.
    let features = stdout(&adb.on_phone(&["features"]));
    assert_eq!(features.lines().collect::<Vec<_>>(), ["shell_v2", "stat_v2", "ls_v2", "fixed_push_mkdir"]);
    let devices = stdout(&adb.run(&["devices", "-l"]));
    assert!(devices.contains("product:lb_virtual model:Virtual_Phone device:lb_virtual"), "{devices}");
}

#[test]
fn a_remembered_host_connects_without_asking_and_a_refusing_phone_stays_unauthorized() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Empty, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    let keys = std::fs::read_to_string(state.path().join("adb_keys")).unwrap();
    assert_eq!(keys.lines().count(), 1, "the allowed key is remembered: {keys}");
    let _ = adb.run(&["disconnect", &adb.target]);
    let again = stdout(&adb.run(&["connect", &adb.target]));
    assert!(again.contains(&format!("connected to {}", adb.target)), "a known key needs no dialog: {again}");
    drop(sim);

    let refusing_state = tempfile::tempdir().unwrap();
    let refusing = start(Profile::Empty, refusing_state.path(), AuthMode::Never);
    let stranger = Adb::new(&refusing);
    let said = stdout(&stranger.run(&["connect", &stranger.target]));
    assert!(said.contains("failed to authenticate"), "{said}");
    stranger.wait_for("unauthorized");
    let denied = stranger.shell("echo hi");
    assert_ne!(status(&denied), 0);
    assert!(String::from_utf8_lossy(&denied.stderr).contains("unauthorized"), "{denied:?}");
    assert!(!refusing_state.path().join("adb_keys").exists());
}

#[test]
fn shell_v2_reports_exit_codes_and_stderr() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Empty, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    assert_eq!(status(&adb.shell("true")), 0);
    assert_eq!(status(&adb.shell("false")), 1);
    assert_eq!(status(&adb.shell("exit 42")), 42);
    let missing = adb.shell("frobnicate --now");
    assert_eq!(status(&missing), 127);
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "/system/bin/sh: frobnicate: inaccessible or not found\n"
    );
    assert!(missing.stdout.is_empty());
    let chained = adb.shell("ls /sdcard/nope 2>/dev/null || echo \"missing: $?\"");
    assert_eq!(stdout(&chained), "missing: 1\n");
    assert_eq!(stdout(&adb.shell("id")).split(' ').next(), Some("uid=2000(shell)"));
    assert_eq!(stdout(&adb.shell_with_stdin("cat", b"from the host")), "from the host");
    let photo = adb.shell_with_stdin(
        "content insert --uri content://com.android.contacts/raw_contacts --bind account_type:n: && \
         content write --uri content://com.android.contacts/raw_contacts/1/display_photo",
        b"\xff\xd8\xff photo bytes",
    );
    assert_eq!(status(&photo), 0, "{photo:?}");
    let read_back = adb.shell("content read --uri content://com.android.contacts/contacts/1/photo");
    assert_eq!(read_back.stdout, b"\xff\xd8\xff photo bytes");
    // adb's exec-out uses the raw exec: service; output is byte for byte.
    assert_eq!(stdout(&adb.on_phone(&["exec-out", "echo raw"])), "raw\n");
}

#[test]
fn content_queries_print_rows_like_android() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Demo, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    let sms = stdout(&adb.shell("content query --uri content://sms"));
    let rows: Vec<&str> = sms.lines().collect();
    assert_eq!(rows.len(), 60, "the demo phone has 60 SMS");
    assert!(rows[0].starts_with("Row: 0 _id="), "{}", rows[0]);
    assert!(
        rows[0].contains(", thread_id=")
            && rows[0].contains(", address=+1 555-")
            && rows[0].contains(", subject=NULL")
    );
    let inbox = stdout(&adb.shell(
        "content query --uri content://sms/inbox --projection _id:type --where \"type=1 AND _id < 10\" --sort \"_id ASC\"",
    ));
    assert!(inbox.lines().all(|l| l.ends_with(", type=1")), "{inbox}");
    assert!(inbox.lines().next().unwrap_or("").starts_with("Row: 0 _id="));
    let none = stdout(&adb.shell("content query --uri content://sms --where \"_id < 0\""));
    assert_eq!(none, "No result found.\n");
    let bad = adb.shell("content query --uri content://sms --where \"nonsense ==\"");
    assert_eq!(status(&bad), 0, "the content tool exits 0 even when the provider throws");
    let error = String::from_utf8_lossy(&bad.stderr);
    assert!(
        error.starts_with("Error while accessing provider:sms\nandroid.database.sqlite.SQLiteException:"),
        "{error}"
    );
    let photos = stdout(&adb.shell(
        "content query --uri content://com.android.contacts/data --projection raw_contact_id:data15 --where \"mimetype='vnd.android.cursor.item/photo'\"",
    ));
    assert_eq!(photos.lines().count(), 12);
    assert!(photos.lines().all(|l| l.ends_with("data15=BLOB")), "{photos}");
    let photo = adb.shell("content read --uri content://com.android.contacts/contacts/1/photo");
    assert_eq!(&photo.stdout[..3], &[0xff, 0xd8, 0xff], "contact photos are JPEG");
}

#[test]
fn sms_inserts_need_the_write_sms_app_op_as_on_a_phone() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Empty, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    let insert = "content insert --uri content://sms --bind address:s:+15551234567 --bind body:s:'Hello, world' \
                  --bind date:l:1700000000000 --bind type:i:1 --bind read:i:1";
    let ignored = adb.shell(insert);
    assert_eq!((status(&ignored), stdout(&ignored)), (0, String::new()));
    assert_eq!(stdout(&adb.shell("content query --uri content://sms")), "No result found.\n");
    assert_eq!(status(&adb.shell("appops set com.android.shell WRITE_SMS allow")), 0);
    assert_eq!(stdout(&adb.shell("appops get com.android.shell WRITE_SMS")), "WRITE_SMS: allow\n");
    adb.shell(insert);
    let rows =
        stdout(&adb.shell("content query --uri content://sms --projection address:body:date:thread_id"));
    assert_eq!(rows, "Row: 0 address=+15551234567, body=Hello, world, date=1700000000000, thread_id=1\n");
    let threads =
        stdout(&adb.shell(
            "content query --uri content://mms-sms/conversations --projection _id:message_count:snippet",
        ));
    assert_eq!(threads, "Row: 0 _id=1, message_count=1, snippet=Hello, world\n");
}

#[test]
fn a_phone_told_to_refuse_answers_adb_as_such_a_phone_does() {
    let state = tempfile::tempdir().unwrap();
    let sim = android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile: Profile::Demo,
        state_dir: Some(state.path().to_path_buf()),
        refuse: Refusal::parse_list("calls,sms-write").unwrap(),
        ..AndroidSimOptions::default()
    })
    .unwrap();
    let adb = Adb::new(&sim);
    adb.connect();
    // `content` prints the provider's refusal on stderr and, as on a phone, still exits 0.
    let calls = adb.shell("content query --uri content://call_log/calls --projection _id:number");
    let error = String::from_utf8_lossy(&calls.stderr).into_owned();
    assert_eq!((status(&calls), stdout(&calls)), (0, String::new()));
    assert!(
        error.starts_with("Error while accessing provider:call_log\njava.lang.SecurityException: Permission Denial: opening provider com.android.providers.contacts.CallLogProvider from (null) (pid=")
            && error.contains("uid=2000) requires android.permission.READ_CALL_LOG or android.permission.WRITE_CALL_LOG\n\tat android.os.Parcel."),
        "{error}"
    );
    assert!(stdout(&adb.shell("content query --uri content://sms --projection _id")).starts_with("Row: 0 "));
    let appops = adb.shell("appops set com.android.shell WRITE_SMS allow");
    assert_eq!(status(&appops), 255);
    assert!(
        String::from_utf8_lossy(&appops.stderr).contains(
            "java.lang.SecurityException: uid 2000 does not have android.permission.MANAGE_APP_OPS_MODES."
        ),
        "{appops:?}"
    );
    assert_eq!(stdout(&adb.shell("appops get com.android.shell WRITE_SMS")), "WRITE_SMS: default\n");
}

#[test]
fn settings_packages_battery_and_storage_look_like_android() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Demo, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    assert!(stdout(&adb.shell("settings list global")).lines().any(|l| l == "adb_enabled=1"));
    assert_eq!(status(&adb.shell("settings put system font_scale 1.15")), 0);
    assert_eq!(stdout(&adb.shell("settings get system font_scale")), "1.15\n");
    assert_eq!(stdout(&adb.shell("settings get secure no_such_setting")), "null\n");
    let third_party = stdout(&adb.shell("pm list packages -3 -f --show-versioncode"));
    assert_eq!(third_party.lines().count(), 5, "{third_party}");
    let firefox =
        third_party.lines().find(|l| l.ends_with("=org.mozilla.firefox versionCode:2016020743")).unwrap();
    // APK folders end in "==", so the package name is after the last '=', as clients must parse it.
    let apk = firefox.strip_prefix("package:").unwrap().rsplit_once('=').unwrap().0;
    assert!(apk.starts_with("/data/app/~~") && apk.ends_with("/base.apk"), "{apk}");
    let paths = stdout(&adb.shell("pm path org.mozilla.firefox"));
    assert_eq!(paths.lines().count(), 3, "base and two splits: {paths}");
    assert_eq!(status(&adb.shell("pm path no.such.app")), 1);
    let local = tempfile::tempdir().unwrap();
    let pulled = local.path().join("base.apk");
    assert_eq!(status(&adb.on_phone(&["pull", apk, pulled.to_str().unwrap()])), 0);
    assert_eq!(&std::fs::read(&pulled).unwrap()[..4], b"PK\x03\x04");
    let dump = stdout(&adb.shell("dumpsys package org.mozilla.firefox"));
    assert!(dump.lines().any(|l| l == "    versionName=126.0.1"), "{dump}");
    let battery = stdout(&adb.shell("dumpsys battery"));
    assert!(
        battery.starts_with("Current Battery Service state:\n  AC powered: false\n  USB powered: true\n")
    );
    assert!(battery.contains("\n  level: 87\n  scale: 100\n"));
    let df = stdout(&adb.shell("df -k /data"));
    let lines: Vec<&str> = df.lines().collect();
    assert_eq!(lines.len(), 2, "{df}");
    assert!(
        lines[0].starts_with("Filesystem")
            && lines[0].ends_with("1K-blocks     Used Available Use% Mounted on")
    );
    assert!(lines[1].starts_with("/dev/block/dm-47") && lines[1].ends_with("% /data"), "{df}");
    let broadcast = stdout(&adb.shell(
        "am broadcast -a android.intent.action.MEDIA_SCANNER_SCAN_FILE -d file:///sdcard/DCIM/Camera/x.jpg",
    ));
    assert_eq!(
        broadcast,
        "Broadcasting: Intent { act=android.intent.action.MEDIA_SCANNER_SCAN_FILE dat=file:///sdcard/DCIM/Camera/x.jpg flg=0x400000 }\n\
         Broadcast completed: result=0\n"
    );
}

#[test]
fn pull_push_and_ls_move_real_bytes_and_times() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Demo, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    let mut photos: Vec<String> = std::fs::read_dir(camera(state.path()))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jpg"))
        .collect();
    photos.sort();
    assert_eq!(photos.len(), 30);

    let listing = stdout(&adb.on_phone(&["ls", "/sdcard/DCIM/Camera/"]));
    for photo in &photos {
        assert!(listing.lines().any(|l| l.ends_with(&format!(" {photo}"))), "{photo} missing from {listing}");
    }
    let shell_ls = stdout(&adb.shell("ls /sdcard/DCIM/Camera"));
    assert_eq!(shell_ls.lines().filter(|l| l.ends_with(".jpg")).count(), 30);

    let local = tempfile::tempdir().unwrap();
    let photo = &photos[3];
    let source = camera(state.path()).join(photo);
    let target = local.path().join(photo);
    let pulled =
        adb.on_phone(&["pull", "-a", &format!("/sdcard/DCIM/Camera/{photo}"), target.to_str().unwrap()]);
    assert_eq!(status(&pulled), 0, "{pulled:?}");
    assert_eq!(std::fs::read(&target).unwrap(), std::fs::read(&source).unwrap());
    assert_eq!(mtime(&target), mtime(&source), "pull -a keeps the time");

    let upload = local.path().join("restored.jpg");
    std::fs::write(&upload, b"\xff\xd8\xff\xe0 restored bytes").unwrap();
    filetime::set_file_mtime(&upload, filetime::FileTime::from_unix_time(1_600_000_000, 0)).unwrap();
    let pushed = adb.on_phone(&["push", upload.to_str().unwrap(), "/sdcard/Pictures/Restored/restored.jpg"]);
    assert_eq!(status(&pushed), 0, "{pushed:?}");
    let landed = state.path().join("fs/storage/emulated/0/Pictures/Restored/restored.jpg");
    assert_eq!(std::fs::read(&landed).unwrap(), std::fs::read(&upload).unwrap());
    assert_eq!(mtime(&landed), 1_600_000_000, "push keeps the time");
    let stat = stdout(&adb.shell("stat -c '%s %Y %n' /sdcard/Pictures/Restored/restored.jpg"));
    assert_eq!(stat, "19 1600000000 /sdcard/Pictures/Restored/restored.jpg\n");

    let refused = adb.on_phone(&["push", upload.to_str().unwrap(), "/system/evil.jpg"]);
    assert_ne!(status(&refused), 0);
    let said = format!("{}{}", stdout(&refused), String::from_utf8_lossy(&refused.stderr));
    assert!(said.contains("remote couldn't create file: Read-only file system"), "{said}");

    let folder = local.path().join("Camera");
    let whole = adb.on_phone(&["pull", "-a", "/sdcard/DCIM/Camera", local.path().to_str().unwrap()]);
    assert_eq!(status(&whole), 0, "{whole:?}");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 32, "30 photos and 2 videos");
}

#[test]
fn many_clients_at_once_and_a_vanishing_client_do_not_disturb_the_phone() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Demo, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    let workers: Vec<_> = (0..8)
        .map(|i| {
            let port = adb.port;
            let home = adb.home.path().to_path_buf();
            let target = adb.target.clone();
            std::thread::spawn(move || {
                let output = Command::new("adb")
                    .args(["-P", &port.to_string(), "-s", &target, "shell", &format!("echo worker {i}")])
                    .env("HOME", &home)
                    .output()
                    .unwrap();
                String::from_utf8_lossy(&output.stdout).into_owned()
            })
        })
        .collect();
    for (i, worker) in workers.into_iter().enumerate() {
        assert_eq!(worker.join().unwrap(), format!("worker {i}\n"));
    }
    // A client that connects, sends half a message and vanishes.
    {
        use std::io::Write;
        let mut rude = std::net::TcpStream::connect(sim.addr()).unwrap();
        rude.write_all(b"CNXN\x00\x00\x00\x01").unwrap();
    }
    {
        use std::io::Write;
        let mut garbage = std::net::TcpStream::connect(sim.addr()).unwrap();
        garbage.write_all(&[0xab; 100]).unwrap();
    }
    assert_eq!(stdout(&adb.shell("echo still here")), "still here\n");
}
