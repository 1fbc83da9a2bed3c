//! How soon the photo grid of a 10,000-photo backup shows its first screen of thumbnails, and how much
//! memory browsing it takes.
//!
//! `cargo bench --bench thumbnails` builds a phone folder once under `target/bench-data/thumbs`: the newest
//! 72 pictures are the real-world photos of `../shared/peer-data/photos/` (phone and camera JPEGs, HEIC, the
//! EXIF orientation set; each copy made distinct by a comment segment, so each is its own content with its
//! own thumbnail), the other 9,928 small generated JPEGs. The release `lifeboat` binary backs it up into a
//! fresh vault (a child process, so its memory is not counted here). Then this process does what the app
//! does when a person opens that backup: the browser reads the catalog on a job thread, the grid is laid out
//! at 1000×700 and asks the thumbnail workers for the tiles in view. It reports the time from "Open" to the
//! last thumbnail of the first screen with an empty thumbnail cache (a vault new to this computer), the
//! time the app's background job takes to make every thumbnail ahead (it runs after each backup), the first
//! screen once it has (what a person sees after Back Up Now, and on every later visit), the time to scroll
//! 1,000 rows down and fill that screen, and the peak resident memory.
//!
//! Without peer-data the newest pictures are generated 4000×3000 JPEGs without EXIF thumbnails (the slow path).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant, SystemTime};

use iced::{Size, Task};
use lifeboat::gui::jobs::SharedVault;
use lifeboat::gui::screen::browse::{Browse, Message, Tab, photos};
use lifeboat::vault::Vault;

const PHOTOS: usize = 10_000;
const REAL: usize = 72;
const VIEW: Size = Size::new(1000.0, 700.0);

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/thumbs");
    let phone = root.join("phone");
    let origin = make_phone(&phone);
    println!("data set: {PHOTOS} photos, the newest {REAL} from {origin}");

    let vault_dir = root.join("vault");
    let _ = fs::remove_dir_all(&vault_dir);
    let lifeboat = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lifeboat"));
        command.arg("--vault").arg(&vault_dir).arg("-q").args(args).env("LIFEBOAT_PASSWORD", "bench");
        command.env("XDG_STATE_HOME", root.join("state"));
        command
    };
    for args in [&["vault", "init"][..], &["backup", "--from", phone.to_str().expect("UTF-8 path")]] {
        let status = lifeboat(args).status().expect("lifeboat runs");
        assert!(status.success(), "lifeboat {args:?} failed");
    }

    // The app's thumbnail cache, where the grid and the job making thumbnails ahead both look.
    let cache = root.join("cache");
    let _ = fs::remove_dir_all(&cache);
    // SAFETY: set before any other thread of this process exists.
    unsafe { std::env::set_var("LIFEBOAT_CACHE_DIR", &cache) };
    let vault = SharedVault::new(Vault::open(&vault_dir, "bench").expect("the vault opens"));
    let snapshot = vault.snapshots().expect("snapshots list").snapshots.pop().expect("one snapshot");

    let cpu = cpu_time();
    let cold = first_screen(&vault, &snapshot);
    let cold_cpu = cpu_time() - cpu;

    // What the app does after every backup: the thumbnails are made ahead on a background job.
    let _ = fs::remove_dir_all(&cache);
    let started = Instant::now();
    let prepared = lifeboat::gui::previews::prepare_newest(
        &vault,
        std::slice::from_ref(&snapshot),
        &cache,
        &lifeboat::engine::Cancel::new(),
    )
    .expect("thumbnails made ahead");
    let ahead = started.elapsed();
    assert_eq!(prepared.made, PHOTOS, "every picture has a thumbnail: {prepared:?}");
    let warm = first_screen(&vault, &snapshot);
    println!("{:<44} {:>8} ms", "catalog read (cold cache)", cold.catalog.as_millis());
    println!("{:<44} {:>8} ms", "first screen, empty thumbnail cache", cold.first.as_millis());
    println!("{:<44} {:>8} ms", "  CPU time of that visit and the scroll", cold_cpu.as_millis());
    println!("{:<44} {:>8.1} s", "thumbnails made ahead, all 10,000 (one thread)", ahead.as_secs_f64());
    println!(
        "{:<44} {:>8} ms   (target: under 300 ms)",
        "first screen after they were made ahead",
        warm.first.as_millis()
    );
    println!("{:<44} {:>8} ms", "scroll 1,000 rows down, screen filled", cold.scroll.as_millis());
    println!("{:<44} {:>8.1} MB", "peak resident memory of this process", peak_rss() as f64 / 1e6);
    println!("where the time goes (one thumbnail at a time):");
    slowest_pictures();
}

struct Timings {
    catalog: Duration,
    first: Duration,
    scroll: Duration,
}

/// Opens the snapshot as the app does and waits for the first screenful of thumbnails.
fn first_screen(vault: &SharedVault, snapshot: &lifeboat::vault::Snapshot) -> Timings {
    let (sender, receiver) = channel();
    let opened = Instant::now();
    let (mut browse, task) = Browse::open(vault.clone(), snapshot.clone(), Tab::Photos);
    spawn(task, &sender);
    let loaded = receiver.recv_timeout(Duration::from_secs(120)).expect("the catalog is read");
    let (task, _) = browse.update(loaded);
    let catalog = opened.elapsed();
    spawn(task, &sender);
    assert_eq!(browse.grid.items().len(), PHOTOS);
    let (task, _) = browse.update(Message::Photos(photos::Message::Resized(VIEW)));
    spawn(task, &sender);
    wait_until(&mut browse, &receiver, &sender, |b| b.grid.first_screen().is_some());
    let first = opened.elapsed();
    // Every picture of this data set has a thumbnail: a tile without one would be a failure timed as fast.
    assert_eq!(browse.grid.without_preview_in_view(), 0, "tiles in view without a thumbnail");

    let scrolled = Instant::now();
    let y = 1000.0 * (photos::TILE + photos::GAP);
    let (task, _) = browse.update(Message::Photos(photos::Message::Scrolled { y, size: VIEW }));
    spawn(task, &sender);
    wait_until(&mut browse, &receiver, &sender, |b| b.grid.screen_complete());
    Timings { catalog, first, scroll: scrolled.elapsed() }
}

fn wait_until(
    browse: &mut Browse,
    receiver: &Receiver<Message>,
    sender: &Sender<Message>,
    done: impl Fn(&Browse) -> bool,
) {
    while !done(browse) {
        let message = receiver.recv_timeout(Duration::from_secs(120)).expect("thumbnails arrive");
        let (task, _) = browse.update(message);
        spawn(task, sender);
    }
}

/// Runs a task's stream on a thread, as iced's executor would, forwarding its messages.
fn spawn(task: Task<Message>, sender: &Sender<Message>) {
    let Some(stream) = iced_test::runtime::task::into_stream(task) else { return };
    let sender = sender.clone();
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

/// Makes the phone folder once; says where its newest pictures came from.
fn make_phone(phone: &Path) -> &'static str {
    let camera = phone.join("DCIM/Camera");
    let peer = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-data/photos");
    let real = real_photos(&peer);
    let origin = if real.is_empty() { "generated camera-like JPEGs" } else { "shared/peer-data/photos" };
    if camera.join("done.v2").exists() {
        return origin;
    }
    let _ = fs::remove_dir_all(phone);
    fs::create_dir_all(&camera).expect("phone folder");
    let now = SystemTime::now();
    for n in 0..PHOTOS {
        let (name, bytes) = if n < REAL {
            match real.get(n % real.len().max(1)) {
                Some((name, bytes)) => (format!("{n:05}_{name}"), distinct(bytes, n)),
                None => (format!("IMG_{n:05}.jpg"), camera_like(n)),
            }
        } else {
            (format!("IMG_{n:05}.jpg"), small_jpeg(n))
        };
        let path = camera.join(name);
        fs::write(&path, bytes).expect("photo written");
        // Newest first in the grid: the real photos are the newest.
        let mtime = now - Duration::from_secs(60 * n as u64);
        let file = fs::File::options().write(true).open(&path).expect("photo reopened");
        file.set_modified(mtime).expect("mtime set");
    }
    fs::write(camera.join("done.v2"), b"").expect("marker");
    origin
}

fn real_photos(peer: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for folder in ["jpeg-phone", "jpeg-camera", "heic", "orientation"] {
        let Ok(entries) = fs::read_dir(peer.join(folder)) else { continue };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for path in names {
            if let (Some(name), Ok(bytes)) = (path.file_name(), fs::read(&path)) {
                out.push((name.to_string_lossy().into_owned(), bytes));
            }
        }
    }
    out
}

/// A copy of a picture with a different content: JPEGs get a comment segment after the start marker, other
/// formats a trailing `free` box.
fn distinct(bytes: &[u8], n: usize) -> Vec<u8> {
    let tag = format!("lifeboat bench copy {n}");
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut out = Vec::with_capacity(bytes.len() + tag.len() + 4);
        out.extend_from_slice(&bytes[..2]);
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend_from_slice(&((tag.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(tag.as_bytes());
        out.extend_from_slice(&bytes[2..]);
        out
    } else {
        // HEIF: a trailing `free` box, which ISOBMFF readers skip (loose trailing bytes would make the
        // file undecodable, and the bench would time a grid of "no preview" tiles).
        let mut out = bytes.to_vec();
        out.extend_from_slice(&((tag.len() + 8) as u32).to_be_bytes());
        out.extend_from_slice(b"free");
        out.extend_from_slice(tag.as_bytes());
        out
    }
}

/// A 4000×3000 JPEG (smooth gradients, so it stays a few MB) — only used when peer-data is missing.
fn camera_like(n: usize) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(4000, 3000, |x, y| {
        image::Rgb([(x / 16 + n as u32) as u8, (y / 12) as u8, ((x + y) / 28) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&picture).expect("encodes");
    out
}

fn small_jpeg(n: usize) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(160, 120, |x, y| {
        image::Rgb([(n % 251) as u8, (n / 251 % 251) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut out).encode_image(&picture).expect("encodes");
    out
}

/// The time to make a thumbnail of each real-world picture on its own, slowest first: where the first
/// screen's time goes.
fn slowest_pictures() {
    let peer = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-data/photos");
    let mut times: Vec<(Duration, String, bool)> = real_photos(&peer)
        .into_iter()
        .map(|(name, bytes)| {
            let started = Instant::now();
            let made = lifeboat::gui::thumbnails::thumbnail_of(&bytes).is_some();
            (started.elapsed(), name, made)
        })
        .collect();
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    for (time, name, made) in times.iter().take(5) {
        let what = if *made { "" } else { " (no preview)" };
        println!("  thumbnail of {name:<36} {:>6.1} ms{what}", time.as_secs_f64() * 1e3);
    }
}

fn cpu_time() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

fn peak_rss() -> u64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss as u64 * 1024
}
