//! The virtual Android phone against Debian's own `adb`: if `adb` behaves with it as with a phone, so will
//! any client. Each test runs its own adb server on a free port (`adb -P`) with its own HOME (so its own
//! host key), so tests run in parallel and never touch a developer's adb. `adb` must be installed: these
//! tests fail, never skip, without it.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use lifeboat::device::sim::android::{self, AndroidSimOptions, AuthMode, Profile, RunningSim};

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

#[test]
fn adb_connects_and_reads_properties() {
    let state = tempfile::tempdir().unwrap();
    let sim = start(Profile::Demo, state.path(), AuthMode::Allow);
    let adb = Adb::new(&sim);
    adb.connect();
    assert_eq!(stdout(&adb.shell("getprop ro.product.model")), "Virtual Phone\n");
    assert_eq!(stdout(&adb.shell("getprop ro.serialno")), "LB-VIRT-0001\n");
}
