//! Read-ahead against a virtual phone in this process: files opened in walk order come from memory with the
//! phone's bytes, scattered opens fetch nothing, trouble falls back to the ordinary path, memory stays
//! within the budget.

use std::path::PathBuf;

use super::*;
use crate::device::adb::ConnectOptions;
use crate::device::sim::android::{self, AndroidSimOptions, AuthMode, Profile, RunningSim};

struct Phone {
    _state: tempfile::TempDir,
    sim: RunningSim,
    /// `/sdcard/DCIM/Bulk` on the host.
    folder: PathBuf,
}

fn phone() -> Phone {
    let state = tempfile::tempdir().unwrap();
    let sim = android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile: Profile::Empty,
        state_dir: Some(state.path().to_path_buf()),
        auth: AuthMode::Off,
        ..AndroidSimOptions::default()
    })
    .unwrap();
    let folder = state.path().join("fs/storage/emulated/0/DCIM/Bulk");
    std::fs::create_dir_all(&folder).unwrap();
    Phone { _state: state, sim, folder }
}

impl Phone {
    /// Writes `count` files of `size` bytes (each a different byte pattern) and plans them in order.
    fn files(&self, count: usize, size: usize) -> Vec<Planned> {
        (0..count)
            .map(|i| {
                let name = format!("IMG_{i:04}.jpg");
                let bytes: Vec<u8> = (0..size).map(|b| (b * 7 + i) as u8).collect();
                std::fs::write(self.folder.join(&name), bytes).unwrap();
                Planned {
                    path: ItemPath::new(format!("DCIM/Bulk/{name}")).unwrap(),
                    phone_path: format!("/sdcard/DCIM/Bulk/{name}"),
                    size: size as u64,
                }
            })
            .collect()
    }

    fn readahead(&self) -> Readahead {
        let options =
            ConnectOptions { key_path: Some(self.folder.join("unused-key")), ..ConnectOptions::default() };
        Readahead::new(Connection::tcp(&self.sim.addr().to_string(), &options).unwrap())
    }

    fn bytes(&self, planned: &Planned) -> Vec<u8> {
        std::fs::read(self.folder.join(planned.path.as_str().trim_start_matches("DCIM/Bulk/"))).unwrap()
    }
}

#[test]
fn files_opened_in_walk_order_come_from_memory_with_the_phones_bytes() {
    let phone = phone();
    let files = phone.files(300, 3000);
    let readahead = phone.readahead();
    readahead.plan(files.clone());
    let mut from_memory = Vec::new();
    for (position, file) in files.iter().enumerate() {
        if let Some(bytes) = readahead.take(&file.path) {
            assert_eq!(bytes, phone.bytes(file), "{}", file.phone_path);
            from_memory.push(position);
        }
        let state = readahead.inner.lock();
        assert!(state.held <= BUDGET);
    }
    // Reading ahead starts after a few opens in order (and the fetcher may need a moment to get ahead).
    assert!(from_memory.iter().all(|&p| p >= STREAK as usize), "{from_memory:?}");
    assert!(from_memory.len() >= 250, "only {} of 300 came from memory", from_memory.len());
    assert!((100..300).all(|p| from_memory.contains(&p)), "{from_memory:?}");
    assert_eq!(readahead.inner.lock().held, 0, "nothing is left behind");
}

#[test]
fn scattered_opens_fetch_nothing() {
    let phone = phone();
    let files = phone.files(200, 100);
    let readahead = phone.readahead();
    readahead.plan(files.clone());
    for position in [3, 40, 12, 90, 150, 60, 199, 0, 120, 30, 170, 80] {
        assert_eq!(readahead.take(&files[position].path), None);
    }
    let state = readahead.inner.lock();
    assert!(state.slots.is_empty() && state.held == 0, "an incremental backup is not read ahead");
    assert!(!state.fetcher_running);
}

#[test]
fn trouble_with_one_file_leaves_it_to_the_ordinary_path_and_the_rest_goes_on() {
    let phone = phone();
    let files = phone.files(1000, 500);
    let readahead = phone.readahead();
    readahead.plan(files.clone());
    // One file vanishes (the phone answers FAIL and ends the session), one grows past what the walk said.
    std::fs::remove_file(phone.folder.join("IMG_0020.jpg")).unwrap();
    std::fs::write(phone.folder.join("IMG_0200.jpg"), vec![1u8; 5000]).unwrap();
    let mut refused = Vec::new();
    for (position, file) in files.iter().enumerate() {
        match readahead.take(&file.path) {
            Some(bytes) => assert_eq!(bytes, phone.bytes(file), "{}", file.phone_path),
            None => refused.push(position),
        }
    }
    assert!(refused.contains(&20) && refused.contains(&200), "{refused:?}");
    // What was asked for together with them goes the ordinary way too; files asked for later, on a new
    // session, come from memory again.
    assert!(refused.iter().all(|&p| p < 600), "{refused:?}");
}

#[test]
fn large_files_are_left_alone_and_memory_stays_within_the_budget() {
    let phone = phone();
    let mut files = phone.files(60, 600_000);
    std::fs::write(phone.folder.join("big.mp4"), vec![9u8; SMALL as usize + 1]).unwrap();
    let big = Planned {
        path: ItemPath::new("DCIM/Bulk/big.mp4").unwrap(),
        phone_path: "/sdcard/DCIM/Bulk/big.mp4".into(),
        size: SMALL + 1,
    };
    files.insert(30, big.clone());
    let readahead = phone.readahead();
    readahead.plan(files.clone());
    for file in &files {
        let taken = readahead.take(&file.path);
        if file.path == big.path {
            assert_eq!(taken, None, "a large file streams the ordinary way");
        }
        let state = readahead.inner.lock();
        assert!(state.held <= BUDGET, "{} bytes held", state.held);
    }
}
