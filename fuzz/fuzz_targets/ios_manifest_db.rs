//! An iPhone backup folder whose `Manifest.db` (SQLite, `Files` table with NSKeyedArchiver metadata) is the
//! input, opened as an import does.
#![no_main]
use lifeboat::device::ios::backup::ItunesBackup;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Manifest.db"), data).unwrap();
    let cancel = Default::default();
    if let Ok(backup) = ItunesBackup::open(dir.path(), None, &mut |_, _| {}, &cancel) {
        for file in backup.files().iter().take(10_000) {
            let _ = file.display_name();
        }
    }
});
