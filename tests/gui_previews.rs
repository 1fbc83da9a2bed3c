//! Thumbnails made ahead (what the app does after each backup): the newest snapshot of every device gets
//! its pictures' thumbnails in the cache, older snapshots and videos none, a picture that cannot be decoded
//! is counted and remembered (not tried again), a second run makes nothing, a cancelled run stops, and what lands
//! on disk is sealed, never a plain picture.

mod gui_common;

use std::path::Path;

use gui_common::isolate;
use lifeboat::data::CategorySet;
use lifeboat::device::folder::FolderDevice;
use lifeboat::engine::{self, BackupOptions, Cancel, Silent};
use lifeboat::gui::jobs::{self, SharedVault};
use lifeboat::gui::previews::prepare_newest;
use lifeboat::gui::thumbnails::Prepared;
use lifeboat::vault::{Snapshot, Vault};

fn jpeg(n: usize) -> Vec<u8> {
    let picture =
        image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([n as u8, (x * 4) as u8, (y * 5) as u8]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut out).encode_image(&picture).unwrap();
    out
}

fn add_photos(phone: &Path, range: std::ops::Range<usize>) {
    let camera = phone.join("DCIM/Camera");
    std::fs::create_dir_all(&camera).unwrap();
    for n in range {
        std::fs::write(camera.join(format!("IMG_{n:04}.jpg")), jpeg(n)).unwrap();
    }
}

fn back_up(vault: &SharedVault, phone: &Path) -> Snapshot {
    let device = FolderDevice::new(phone.to_path_buf()).unwrap();
    let options = BackupOptions { categories: CategorySet::all(), ..BackupOptions::default() };
    engine::backup(vault, &device, &options, &Silent, &Cancel::new()).unwrap().snapshot
}

/// The thumbnails in the cache, checking that none is readable as a picture (they are sealed).
fn cached_files(cache: &Path) -> usize {
    let Ok(folders) = std::fs::read_dir(cache) else { return 0 };
    let files: Vec<_> = folders
        .flat_map(|folder| std::fs::read_dir(folder.unwrap().path()).unwrap())
        .map(|file| file.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "thumb"))
        .collect();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        assert!(image::guess_format(&bytes).is_err(), "{} is a plain picture", path.display());
    }
    files.len()
}

#[test]
fn the_newest_snapshot_of_each_device_gets_its_thumbnails_ahead() {
    let dir = tempfile::tempdir().unwrap();
    isolate(dir.path());
    let vault = SharedVault::new(Vault::init(&dir.path().join("vault"), "pw", jobs::kdf()).unwrap());

    // Phone A: 30 photos, then 5 more; only its second snapshot counts.
    let phone_a = dir.path().join("phone-a");
    add_photos(&phone_a, 0..30);
    let old_a = back_up(&vault, &phone_a);
    add_photos(&phone_a, 100..105);
    // Phone B: 3 photos, a picture that does not decode and a video (no thumbnail is tried for a video).
    let phone_b = dir.path().join("phone-b");
    add_photos(&phone_b, 200..203);
    std::fs::write(phone_b.join("DCIM/Camera/broken.jpg"), b"\xFF\xD8 not really a JPEG").unwrap();
    std::fs::write(phone_b.join("DCIM/Camera/VID_0001.mp4"), b"\0\0\0\x18ftypmp42").unwrap();
    let snapshots = vec![old_a, back_up(&vault, &phone_a), back_up(&vault, &phone_b)];

    let cache = dir.path().join("cache");
    let cancelled = Cancel::new();
    cancelled.cancel();
    let stopped = prepare_newest(&vault, &snapshots, &cache, &cancelled).unwrap();
    assert_eq!(stopped, Prepared::default(), "a cancelled job makes nothing");
    assert_eq!(cached_files(&cache), 0);

    let first = prepare_newest(&vault, &snapshots, &cache, &Cancel::new()).unwrap();
    assert_eq!(first, Prepared { made: 35 + 3, cached: 0, no_preview: 1 });
    assert_eq!(cached_files(&cache), 38 + 1);

    // The picture that does not decode is remembered as such, not tried again.
    let again = prepare_newest(&vault, &snapshots, &cache, &Cancel::new()).unwrap();
    assert_eq!(again, Prepared { made: 0, cached: 39, no_preview: 0 });
}
