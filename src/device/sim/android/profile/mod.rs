//! Profiles: what a freshly generated virtual phone holds. Everything derives from the seed, so a profile
//! and a seed always give the same phone, byte for byte.
//!
//! - `empty`: a new phone: folders, system apps, default settings, nothing personal.
//! - `demo`: a small, lively phone: photos with EXIF and GPS, screenshots, videos, ~20 contacts with
//!   photos, a handful of SMS/MMS conversations, a call log, a few apps.
//! - `large`: 10,000 photos and 50,000 messages, for scale (small pictures keep generation quick).
//! - `hostile`: what a broken or malicious phone could send: names with `../`, control characters,
//!   invalid UTF-8 or 300 bytes; a file whose size is a lie; content rows no sane phone would hold.

mod apps;
mod hostile;
mod media;
mod people;
mod rng;

use std::fs;
use std::path::Path;

use media::Exif;
use rng::Rng;

use super::phone::providers::Providers;
use super::phone::{Battery, Identity, PhoneFile, STATE_FORMAT, Storage};
use super::vfs::SHARED_STORAGE;
use super::{AndroidSimOptions, SimError};

/// "Now" for generated content, so phones do not change with the calendar: 2025-05-01 09:00 UTC.
pub const BASE_TIME: i64 = 1_746_090_000;

/// What a new virtual phone holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// A phone fresh out of the box.
    Empty,
    /// A small phone with a bit of everything.
    #[default]
    Demo,
    /// Tens of thousands of items.
    Large,
    /// Names and content designed to break careless clients.
    Hostile,
}

impl Profile {
    /// The name used on the command line and in `phone.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Empty => "empty",
            Profile::Demo => "demo",
            Profile::Large => "large",
            Profile::Hostile => "hostile",
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = SimError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "empty" => Ok(Profile::Empty),
            "demo" => Ok(Profile::Demo),
            "large" => Ok(Profile::Large),
            "hostile" => Ok(Profile::Hostile),
            other => Err(SimError::UnknownProfile(other.to_owned())),
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much of everything a profile holds.
pub struct Scale {
    photos: usize,
    photo_size: (u32, u32),
    screenshots: usize,
    videos: usize,
    contacts: usize,
    contact_photos: usize,
    threads: usize,
    sms: usize,
    mms: usize,
    mms_image: (u32, u32),
    calls: usize,
}

impl Scale {
    fn of(profile: Profile) -> Self {
        match profile {
            Profile::Empty => Scale {
                photos: 0,
                photo_size: (0, 0),
                screenshots: 0,
                videos: 0,
                contacts: 0,
                contact_photos: 0,
                threads: 0,
                sms: 0,
                mms: 0,
                mms_image: (0, 0),
                calls: 0,
            },
            Profile::Demo => Scale {
                photos: 30,
                photo_size: (640, 480),
                screenshots: 4,
                videos: 2,
                contacts: 20,
                contact_photos: 12,
                threads: 6,
                sms: 60,
                mms: 5,
                mms_image: (320, 240),
                calls: 30,
            },
            Profile::Large => Scale {
                photos: 10_000,
                photo_size: (64, 48),
                screenshots: 50,
                videos: 10,
                contacts: 1000,
                contact_photos: 100,
                threads: 200,
                sms: 49_500,
                mms: 500,
                mms_image: (64, 48),
                calls: 5000,
            },
            Profile::Hostile => Scale {
                photos: 3,
                photo_size: (320, 240),
                screenshots: 0,
                videos: 0,
                contacts: 3,
                contact_photos: 1,
                threads: 2,
                sms: 6,
                mms: 1,
                mms_image: (64, 48),
                calls: 3,
            },
        }
    }
}

/// (year, month, day, hour, minute, second) in UTC of a Unix time (Howard Hinnant's civil-from-days).
pub fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, (rest / 3600) as u32, ((rest % 3600) / 60) as u32, (rest % 60) as u32)
}

/// Shared storage's standard folders, as a new phone creates them.
const STANDARD_FOLDERS: &[&str] = &[
    "Alarms",
    "Android/data",
    "Android/media",
    "Audiobooks",
    "DCIM/Camera",
    "Documents",
    "Download",
    "Movies",
    "Music",
    "Notifications",
    "Pictures/Screenshots",
    "Podcasts",
    "Recordings",
    "Ringtones",
];

/// Generates a new phone into `state_dir` (which has no `phone.json` yet).
pub fn generate(state_dir: &Path, options: &AndroidSimOptions) -> Result<(), SimError> {
    let profile = options.profile;
    let scale = Scale::of(profile);
    let seed = options.seed;
    let fs_root = state_dir.join("fs");
    let shared = fs_root.join(SHARED_STORAGE.trim_start_matches('/'));
    for folder in STANDARD_FOLDERS {
        let dir = shared.join(folder);
        fs::create_dir_all(&dir).map_err(|e| SimError::io("create", &dir, e))?;
    }
    for folder in ["storage/self", "data/local/tmp", "system/bin", "vendor", "product"] {
        let dir = fs_root.join(folder);
        fs::create_dir_all(&dir).map_err(|e| SimError::io("create", &dir, e))?;
    }
    let identity = Identity {
        serial: options.serial.clone(),
        manufacturer: "Lifeboat".into(),
        brand: "lifeboat".into(),
        model: "Virtual Phone".into(),
        name: "lb_virtual".into(),
        device: "lb_virtual".into(),
        release: "14".into(),
        sdk: 34,
        build_id: "UQ1A.240205.004".into(),
        incremental: "11269751".into(),
        security_patch: "2024-02-05".into(),
    };
    let mut rng = Rng::new(seed, "apps");
    let packages = apps::packages(profile, &mut rng);
    apps::write_apks(&fs_root, &packages, &mut rng)?;
    let file = PhoneFile {
        format: STATE_FORMAT,
        profile: profile.as_str().to_owned(),
        seed,
        identity: identity.clone(),
        battery: Battery { level: 87, status: 2, usb_powered: true, temperature: 274, voltage: 4352 },
        storage: Storage { data_total_kb: 115_043_560, data_base_used_kb: 21_474_816 },
        packages,
    };

    let db_dir = state_dir.join("db");
    fs::create_dir_all(&db_dir).map_err(|e| SimError::io("create", &db_dir, e))?;
    let providers = Providers::open(&db_dir, fs_root.clone())?;
    let mut rng = Rng::new(seed, "settings");
    providers.with_settings(|c| apps::settings(c, &identity.model, &mut rng).map_err(SimError::from))?;

    let mut rng = Rng::new(seed, "people");
    let people = people::people(scale.contacts, &mut rng);
    let mut rng = Rng::new(seed, "contacts");
    providers.with_contacts(|c| people::contacts(c, &people, &scale, &mut rng))?;
    let mut rng = Rng::new(seed, "messages");
    providers.with_telephony(|c| people::messages(c, &fs_root, &people, &scale, &mut rng))?;
    let mut rng = Rng::new(seed, "calls");
    providers.with_call_log(|c| people::calls(c, &people, scale.calls, &mut rng))?;

    camera_roll(&shared, &scale, seed)?;
    if let Some(photos) = &options.photos_from {
        copy_real_photos(photos, &shared.join("DCIM/Camera"))?;
    }
    if profile != Profile::Empty {
        documents(&shared, seed)?;
    }
    if profile == Profile::Hostile {
        hostile::generate(state_dir, &shared, &providers, seed)?;
    }

    // phone.json last: its presence marks a complete phone, so an interrupted generation starts over.
    let phone_json = state_dir.join("phone.json");
    let text = serde_json::to_string_pretty(&file).map_err(|e| SimError::Generate(e.to_string()))?;
    fs::write(&phone_json, text).map_err(|e| SimError::io("write", &phone_json, e))
}

/// Writes a generated file with its own date: a file dated "now" would make two phones of the same seed differ.
pub(super) fn write_file(path: &Path, bytes: &[u8], mtime: i64) -> Result<(), SimError> {
    fs::write(path, bytes).map_err(|e| SimError::io("write", path, e))?;
    filetime::set_file_mtime(path, filetime::FileTime::from_unix_time(mtime, 0))
        .map_err(|e| SimError::io("write", path, e))
}

/// Photos (named and dated as a camera app does), screenshots and videos.
fn camera_roll(shared: &Path, scale: &Scale, seed: u64) -> Result<(), SimError> {
    let mut rng = Rng::new(seed, "photos");
    let camera = shared.join("DCIM/Camera");
    let places = [
        (48.8584, 2.2945),
        (51.5007, -0.1246),
        (40.6892, -74.0445),
        (35.6586, 139.7454),
        (-33.8568, 151.2153),
    ];
    let span = 365 * 86_400;
    for i in 0..scale.photos {
        let taken = BASE_TIME - span + (i as i64 * span / scale.photos.max(1) as i64) + rng.range(0, 3600);
        let gps = rng.chance(60).then(|| *rng.pick(&places));
        let exif = Exif { make: "Lifeboat", model: "Virtual Phone", taken, gps };
        let (w, h) = if rng.chance(25) { (scale.photo_size.1, scale.photo_size.0) } else { scale.photo_size };
        let jpeg = media::jpeg_photo(w, h, &exif, &mut rng)?;
        let (y, mo, d, hh, mi, s) = civil(taken);
        let name = format!("IMG_{y:04}{mo:02}{d:02}_{hh:02}{mi:02}{s:02}_{:03}.jpg", i % 1000);
        write_file(&camera.join(name), &jpeg, taken)?;
    }
    for i in 0..scale.screenshots {
        let taken = BASE_TIME - rng.range(0, span);
        let png = media::png_screenshot(216, 468, &mut rng)?;
        let (y, mo, d, hh, mi, s) = civil(taken);
        let name = format!("Screenshot_{y:04}{mo:02}{d:02}-{hh:02}{mi:02}{s:02}_{i:02}.png");
        write_file(&shared.join("Pictures/Screenshots").join(name), &png, taken)?;
    }
    for _ in 0..scale.videos {
        let taken = BASE_TIME - rng.range(0, span);
        let duration = rng.range(2_000, 30_000) as u32;
        let mp4 = media::mp4_video(taken, duration, 150_000 + rng.below(150_000) as usize, &mut rng);
        let (y, mo, d, hh, mi, s) = civil(taken);
        write_file(&camera.join(format!("VID_{y:04}{mo:02}{d:02}_{hh:02}{mi:02}{s:02}.mp4")), &mp4, taken)?;
    }
    Ok(())
}

/// A few documents and downloads.
fn documents(shared: &Path, seed: u64) -> Result<(), SimError> {
    let mut rng = Rng::new(seed, "documents");
    let list = "Shopping\n- oat milk\n- lentils\n- coffee beans\n- batteries (AA)\n";
    write_file(
        &shared.join("Documents/shopping-list.txt"),
        list.as_bytes(),
        BASE_TIME - rng.range(0, 86_400 * 30),
    )?;
    let pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
               3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    write_file(
        &shared.join("Download/boarding-pass.pdf"),
        pdf.as_bytes(),
        BASE_TIME - rng.range(0, 86_400 * 60),
    )?;
    Ok(())
}

/// Copies real photos (JPEG, PNG, HEIC) into the camera roll, keeping their times.
fn copy_real_photos(from: &Path, camera: &Path) -> Result<(), SimError> {
    let mut files = Vec::new();
    let mut pending = vec![from.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| SimError::io("read", &dir, e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Some(ext) = path.extension().and_then(|e| e.to_str())
                && ["jpg", "jpeg", "png", "heic", "heif"].contains(&ext.to_ascii_lowercase().as_str())
            {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let Some(name) = path.file_name() else { continue };
        let target = camera.join(name);
        if target.exists() {
            continue;
        }
        fs::copy(&path, &target).map_err(|e| SimError::io("copy", &path, e))?;
        if let Ok(metadata) = fs::metadata(&path) {
            let _ =
                filetime::set_file_mtime(&target, filetime::FileTime::from_last_modification_time(&metadata));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_known_instants() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil(BASE_TIME), (2025, 5, 1, 9, 0, 0));
        assert_eq!(civil(951_782_400), (2000, 2, 29, 0, 0, 0));
        assert_eq!(civil(-1), (1969, 12, 31, 23, 59, 59));
    }

    /// Every file under `root` with its bytes and modification time, sorted.
    fn snapshot(root: &Path) -> Vec<(std::path::PathBuf, Vec<u8>, i64)> {
        let mut files = Vec::new();
        let mut pending = vec![root.to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let mtime =
                        filetime::FileTime::from_last_modification_time(&fs::metadata(&path).unwrap());
                    files.push((
                        path.strip_prefix(root).unwrap().to_path_buf(),
                        fs::read(&path).unwrap(),
                        mtime.unix_seconds(),
                    ));
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn the_same_seed_makes_the_same_phone_and_another_seed_another() {
        let generate_into = |seed: u64| {
            let dir = tempfile::tempdir().unwrap();
            let options =
                AndroidSimOptions { profile: Profile::Hostile, seed, ..AndroidSimOptions::default() };
            generate(dir.path(), &options).unwrap();
            let providers = Providers::open(&dir.path().join("db"), dir.path().join("fs")).unwrap();
            let sms = providers.query("content://sms", None, None, Some("_id")).unwrap();
            let contacts =
                providers.query("content://com.android.contacts/data", None, None, Some("_id")).unwrap();
            let files = snapshot(&dir.path().join("fs"));
            let extras = ["phone.json", "quirks.json"].map(|f| fs::read(dir.path().join(f)).unwrap());
            (files, sms, contacts, extras)
        };
        let first = generate_into(7);
        // Regression: MMS part files and the endless file once took "now" as their date, so two phones of
        // one seed differed whenever a second ticked between them. Make sure one does.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = generate_into(7);
        assert!(first.0.len() > 20, "the phone has files");
        assert!(first == second, "seed 7 twice gave two different phones");
        let other = generate_into(8);
        assert!(first.0 != other.0, "another seed gives other content");
    }

    #[test]
    fn profiles_parse_by_name() {
        for profile in [Profile::Empty, Profile::Demo, Profile::Large, Profile::Hostile] {
            assert_eq!(profile.as_str().parse::<Profile>().unwrap(), profile);
        }
        assert!(matches!("tiny".parse::<Profile>(), Err(SimError::UnknownProfile(_))));
    }
}
