//! `adb backup` files (`.ab`): the header, then the zlib-compressed tar walked and every entry read, as an
//! import does (unencrypted: a fuzzer cannot get past the password check of an encrypted one).
#![no_main]
use std::io::Read;

use lifeboat::data::{Category, CategorySet};
use lifeboat::device::import::android_backup::AndroidBackupDevice;
use lifeboat::device::{Device, DeviceError, Entry, WalkSink};

struct Sink(Vec<Entry>);

impl WalkSink for Sink {
    fn entry(&mut self, entry: Entry) -> Result<(), DeviceError> {
        self.0.push(entry);
        Ok(())
    }
    fn unavailable(&mut self, _category: Category, _reason: String) {}
    fn skipped(&mut self, _what: String, _reason: String) {}
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.ab");
    std::fs::write(&path, data).unwrap();
    let Ok(device) = AndroidBackupDevice::open(&path, None) else { return };
    let mut sink = Sink(Vec::new());
    let _ = device.walk(&CategorySet::all(), &mut sink);
    for entry in sink.0.iter().take(1000) {
        if let Ok(mut content) = device.open(entry) {
            let _ = std::io::copy(&mut content.by_ref().take(16 << 20), &mut std::io::sink());
        }
    }
});
