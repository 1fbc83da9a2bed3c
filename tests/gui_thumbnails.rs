//! A real 10,000-photo snapshot: opening it reads the catalog once, and the grid asks for the thumbnails of
//! the rows in view only — not for the 9,970 others. Prints how long the first screen of thumbnails took
//! (informational; tests never assert wall-clock times).

mod gui_common;

use std::time::{Duration, Instant};

use gui_common::isolate;
use iced::Size;
use lifeboat::data::CategorySet;
use lifeboat::device::folder::FolderDevice;
use lifeboat::engine::{self, BackupOptions, Cancel, Silent};
use lifeboat::gui::jobs::{self, SharedVault};
use lifeboat::gui::screen::browse::{Browse, Message, Tab, photos};
use lifeboat::vault::Vault;

const PHOTOS: usize = 10_000;

fn tiny_jpeg(n: usize) -> Vec<u8> {
    // Every picture differs, so each has its own content and its own thumbnail.
    let picture = image::RgbImage::from_fn(16, 12, |x, y| {
        image::Rgb([(n % 251) as u8, (n / 251 % 251) as u8, ((x * 16 + y) % 256) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut out).encode_image(&picture).unwrap();
    out
}

#[test]
fn ten_thousand_photos_only_visible_thumbnails_are_requested() {
    let dir = tempfile::tempdir().unwrap();
    isolate(dir.path());
    let phone = dir.path().join("phone/DCIM/Camera");
    std::fs::create_dir_all(&phone).unwrap();
    for n in 0..PHOTOS {
        std::fs::write(phone.join(format!("IMG_{n:05}.jpg")), tiny_jpeg(n)).unwrap();
    }
    let vault_dir = dir.path().join("vault");
    let vault = SharedVault::new(Vault::init(&vault_dir, "pw", jobs::kdf()).unwrap());
    let device = FolderDevice::new(dir.path().join("phone")).unwrap();
    let options = BackupOptions { categories: CategorySet::all(), ..BackupOptions::default() };
    let summary = engine::backup(&vault, &device, &options, &Silent, &Cancel::new()).unwrap();
    assert_eq!(summary.snapshot.items() as usize, PHOTOS);

    let opened = Instant::now();
    let (mut browse, task) = Browse::open(vault.clone(), summary.snapshot.clone(), Tab::Photos);
    let (sender, receiver) = std::sync::mpsc::channel();
    run(task, sender.clone());
    let message = receiver.recv_timeout(Duration::from_secs(120)).expect("the catalog is read");
    let (task, _) = browse.update(message);
    run(task, sender);
    let loaded = browse.loaded.clone().unwrap();
    assert_eq!(loaded.photos.len(), PHOTOS);
    eprintln!("catalog of {PHOTOS} photos read in {} ms", opened.elapsed().as_millis());

    // The grid is laid out at 1000×700: 6 columns, rows 0..=4 in view plus one below.
    let (task, _) = browse.update(Message::Photos(photos::Message::Resized(Size::new(1000.0, 700.0))));
    drop(task);
    assert_eq!(browse.grid.columns(), 6);
    let visible = browse.grid.visible_items();
    assert_eq!(visible, 0..36);
    assert_eq!(browse.grid.requested(), 36, "only the visible tiles are asked for");

    // Thumbnails arrive from the worker pool; the first screen completes without asking for more.
    while browse.grid.first_screen().is_none() {
        let message = receiver.recv_timeout(Duration::from_secs(60)).expect("thumbnails arrive");
        let (task, _) = browse.update(message);
        drop(task);
    }
    assert_eq!(browse.grid.requested(), 36);
    eprintln!(
        "first screen of thumbnails {} ms after opening the snapshot",
        browse.grid.first_screen().unwrap().as_millis()
    );

    // Far down, again only what is in view.
    let before = browse.grid.requested();
    let action = browse.grid.scrolled(156.0 * 1000.0, Size::new(1000.0, 700.0));
    let photos::Action::Request { items, .. } = action else { panic!("expected requests") };
    assert_eq!(items.len(), 42, "rows 999..1006 × 6 columns");
    assert_eq!(items[0], 999 * 6);
    assert!(before < 100);
}

fn run(task: iced::Task<Message>, sender: std::sync::mpsc::Sender<Message>) {
    let Some(stream) = iced_test::runtime::task::into_stream(task) else { return };
    std::thread::spawn(move || {
        use iced::futures::StreamExt;
        iced::futures::executor::block_on(stream.for_each(|action| {
            if let iced_test::runtime::Action::Output(message) = action {
                let _ = sender.send(message);
            }
            std::future::ready(())
        }));
    });
}
