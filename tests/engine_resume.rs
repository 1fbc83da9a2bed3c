//! Interrupted backups lose nothing already safe: a device that disappears mid-backup, or a person pressing
//! Cancel, stops the engine with a clear error, leaves an incomplete snapshot, and the next run only reads
//! what was not yet stored.

mod common;

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use lifeboat::data::CategorySet;
use lifeboat::device::folder::FolderDevice;
use lifeboat::device::{
    CategorySummary, Device, DeviceError, DeviceIdentity, Entry, RestorePolicy, Restorer, WalkSink,
};
use lifeboat::engine::{self, BackupOptions, Cancel, EngineError, Silent};
use lifeboat::vault::{KdfParams, Vault};

/// A folder that "unplugs" after a number of items: opening more fails, and the item being read breaks off.
struct Unplugging {
    inner: FolderDevice,
    opens_left: AtomicUsize,
}

struct BreaksOff<R> {
    inner: R,
    left: usize,
}

impl<R: Read> Read for BreaksOff<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            let gone = DeviceError::Disconnected { device: "test phone".into() };
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, gone));
        }
        let limit = buf.len().min(self.left);
        let n = self.inner.read(&mut buf[..limit])?;
        self.left -= n;
        Ok(n)
    }
}

impl Device for Unplugging {
    fn identity(&self) -> &DeviceIdentity {
        self.inner.identity()
    }
    fn survey(&self, categories: &CategorySet, cancel: &Cancel) -> Result<Vec<CategorySummary>, DeviceError> {
        self.inner.survey(categories, cancel)
    }
    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        self.inner.walk(categories, sink)
    }
    fn open(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, DeviceError> {
        let left = self.opens_left.fetch_sub(1, Ordering::SeqCst);
        let reader = self.inner.open(entry)?;
        if left == 0 {
            return Ok(Box::new(BreaksOff { inner: reader, left: 1000 }));
        }
        Ok(reader)
    }
    fn restorer(&self, policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError> {
        self.inner.restorer(policy)
    }
}

fn phone(root: &Path) {
    fs::create_dir_all(root.join("DCIM")).unwrap();
    for n in 0..20 {
        common::write_noise_file(&root.join(format!("DCIM/IMG_{n:02}.jpg")), 600_000, n);
    }
}

fn one_thread() -> BackupOptions {
    BackupOptions { threads: 1, ..BackupOptions::default() }
}

#[test]
fn an_unplugged_phone_stops_the_backup_and_the_next_run_resumes() {
    let work = tempfile::tempdir().unwrap();
    phone(&work.path().join("phone"));
    let vault = Vault::init(&work.path().join("vault"), "pw", KdfParams::default()).unwrap();
    let device = Unplugging {
        inner: FolderDevice::new(work.path().join("phone")).unwrap(),
        opens_left: AtomicUsize::new(8),
    };

    let error = engine::backup(&vault, &device, &one_thread(), &Silent, &Cancel::new()).unwrap_err();
    assert!(matches!(error, EngineError::Device(DeviceError::Disconnected { .. })), "{error:?}");
    assert!(error.to_string().contains("plug it in again"), "{error}");
    let listing = vault.snapshots().unwrap();
    assert_eq!(listing.snapshots.len(), 1);
    assert!(!listing.snapshots[0].complete, "an interrupted backup is never shown as complete");

    let healthy = FolderDevice::new(work.path().join("phone")).unwrap();
    let summary = engine::backup(&vault, &healthy, &one_thread(), &Silent, &Cancel::new()).unwrap();
    assert_eq!(summary.items_unchanged, 8, "the eight photos stored before the phone went away are reused");
    assert_eq!(summary.items_read, 12);
    let listing = vault.snapshots().unwrap();
    assert_eq!(listing.snapshots.len(), 1, "the checkpoint is replaced by the complete snapshot");
    assert!(listing.snapshots[0].complete);
}

/// A person pressing Cancel while the fifth photo is being read.
struct CancelDuring<'a> {
    inner: FolderDevice,
    cancel: &'a Cancel,
    opens: AtomicUsize,
}

impl Device for CancelDuring<'_> {
    fn identity(&self) -> &DeviceIdentity {
        self.inner.identity()
    }
    fn survey(&self, categories: &CategorySet, cancel: &Cancel) -> Result<Vec<CategorySummary>, DeviceError> {
        self.inner.survey(categories, cancel)
    }
    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        self.inner.walk(categories, sink)
    }
    fn open(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, DeviceError> {
        if self.opens.fetch_add(1, Ordering::SeqCst) == 4 {
            self.cancel.cancel();
        }
        self.inner.open(entry)
    }
    fn restorer(&self, policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError> {
        self.inner.restorer(policy)
    }
}

#[test]
fn cancel_keeps_what_was_copied() {
    let work = tempfile::tempdir().unwrap();
    phone(&work.path().join("phone"));
    let vault = Vault::init(&work.path().join("vault"), "pw", KdfParams::default()).unwrap();
    let cancel = Cancel::new();
    let device = CancelDuring {
        inner: FolderDevice::new(work.path().join("phone")).unwrap(),
        cancel: &cancel,
        opens: AtomicUsize::new(0),
    };
    let error = engine::backup(&vault, &device, &one_thread(), &Silent, &cancel).unwrap_err();
    assert!(matches!(error, EngineError::Cancelled), "{error:?}");

    let summary = engine::backup(&vault, &device.inner, &one_thread(), &Silent, &Cancel::new()).unwrap();
    assert_eq!(summary.items_unchanged, 4, "the photos copied before Cancel are reused: {summary:?}");
    assert_eq!(summary.items_read, 16);
}
