//! A phone that vanishes in the middle of a backup: the backup stops with a sentence a person can act on,
//! keeps what it copied, and the next backup (the phone back on the same address) resumes from it.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, bounded};
use lifeboat::data::CategorySet;
use lifeboat::device::adb::{AdbTarget, AndroidDevice, AndroidOptions, ConnectOptions};
use lifeboat::device::sim::android::{self, AndroidSimOptions, Profile, RunningSim};
use lifeboat::device::{
    CategorySummary, Device, DeviceError, DeviceIdentity, Entry, RestorePolicy, Restorer, WalkSink,
};
use lifeboat::engine::{self, BackupOptions, Cancel, EngineError, Silent};
use lifeboat::vault::{KdfParams, Vault};

fn start(state: &Path, listen: &str) -> RunningSim {
    android::start(AndroidSimOptions {
        listen: listen.parse().unwrap(),
        profile: Profile::Demo,
        state_dir: Some(state.to_path_buf()),
        ..AndroidSimOptions::default()
    })
    .unwrap()
}

/// Delegates to a phone, and on the n-th item opened asks the test to pull the plug first.
struct Unplugged<'a> {
    inner: &'a AndroidDevice,
    opened: AtomicUsize,
    at: usize,
    unplug: Sender<()>,
    unplugged: Mutex<Receiver<()>>,
}

impl Device for Unplugged<'_> {
    fn identity(&self) -> &DeviceIdentity {
        self.inner.identity()
    }
    fn survey(&self, categories: &CategorySet, cancel: &Cancel) -> Result<Vec<CategorySummary>, DeviceError> {
        self.inner.survey(categories, cancel)
    }
    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        self.inner.walk(categories, sink)
    }
    fn open(&self, entry: &Entry) -> Result<Box<dyn std::io::Read + Send>, DeviceError> {
        if self.opened.fetch_add(1, Ordering::SeqCst) + 1 == self.at {
            let _ = self.unplug.send(());
            if let Ok(done) = self.unplugged.lock() {
                let _ = done.recv_timeout(Duration::from_secs(20));
            }
        }
        self.inner.open(entry)
    }
    fn restorer(&self, policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError> {
        self.inner.restorer(policy)
    }
}

#[test]
fn a_phone_unplugged_mid_backup_stops_cleanly_and_the_next_backup_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("phone");
    let vault_path = dir.path().join("vault");
    let vault =
        Vault::init(&vault_path, "pw", KdfParams { memory_kib: 8 * 1024, passes: 1, lanes: 1 }).unwrap();
    let connect = ConnectOptions { key_path: Some(dir.path().join("adbkey")), ..ConnectOptions::default() };

    let phone = start(&state, "127.0.0.1:0");
    // Small photos are read ahead as soon as the backup takes them in order, and the demo phone's all fit in
    // the read-ahead: a video too large for it, last in the walk, is still on the phone when the plug is
    // pulled, so the backup cannot finish without it.
    let video = state.join("fs/storage/emulated/0/DCIM/Camera/ZZZ_big.mp4");
    std::fs::write(&video, vec![7u8; 3 * 1024 * 1024]).unwrap();
    let addr = phone.addr().to_string();
    let device =
        AndroidDevice::connect(&AdbTarget::Tcp(addr.clone()), &connect, AndroidOptions::default()).unwrap();
    let (unplug_tx, unplug_rx) = bounded(1);
    let (done_tx, done_rx) = bounded(1);
    let unplugged = Unplugged {
        inner: &device,
        opened: AtomicUsize::new(0),
        // Early, before the device starts reading ahead (it does after 8 opens in walk order): once it has,
        // the demo phone's few small photos are all in memory and the backup rightly needs the phone no more.
        at: 5,
        unplug: unplug_tx,
        unplugged: Mutex::new(done_rx),
    };
    let options = BackupOptions {
        threads: 2,
        checkpoint_interval: Duration::from_secs(3600),
        ..BackupOptions::default()
    };
    let outcome = std::thread::scope(|scope| {
        let backup = scope.spawn(|| engine::backup(&vault, &unplugged, &options, &Silent, &Cancel::new()));
        unplug_rx.recv_timeout(Duration::from_secs(60)).expect("the backup reached its 5th item");
        phone.stop();
        let _ = done_tx.send(());
        backup.join().unwrap()
    });
    let error = outcome.expect_err("a backup whose phone vanished cannot succeed");
    assert!(matches!(error, EngineError::Device(DeviceError::Disconnected { .. })), "{error}");
    assert!(error.to_string().contains("run the backup again to resume"), "{error}");
    let checkpoints = vault.snapshots().unwrap().snapshots;
    assert!(checkpoints.iter().any(|s| !s.complete && s.items() > 0), "what was copied is kept");

    // The phone comes back on the same address and state: the next backup reuses what was copied.
    let phone = start(&state, &addr);
    let device =
        AndroidDevice::connect(&AdbTarget::Tcp(addr.clone()), &connect, AndroidOptions::default()).unwrap();
    let summary = engine::backup(&vault, &device, &options, &Silent, &Cancel::new()).unwrap();
    assert!(
        summary.items_unchanged > 0,
        "resumed: {} unchanged, {} read",
        summary.items_unchanged,
        summary.items_read
    );
    assert!(summary.snapshot.complete);
    drop(phone);
}
