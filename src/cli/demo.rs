//! `lifeboat demo`: the whole job on a machine with no phone. A virtual Android phone (the `demo` profile of
//! `device::sim::android`, speaking real ADB on loopback, its state kept under the demo folder) is backed up
//! over ADB into a demo vault, every category, exactly as a phone on a cable would be. Each run "takes" one
//! more photo on the phone first, so the second run shows an incremental backup.

use std::fs;
use std::path::{Path, PathBuf};

use image::{ImageBuffer, Rgb};

use super::{Failure, output::Console, print_backup_summary};
use crate::data::CategorySet;
use crate::device::Device;
use crate::device::adb::{AdbTarget, AndroidDevice, AndroidOptions, ConnectOptions};
use crate::device::sim::android::{self, AndroidSimOptions, Profile};
use crate::engine::{self, BackupOptions, Cancel};
use crate::t;
use crate::vault::{KdfParams, Vault};

/// The demo vault's password unless `LIFEBOAT_PASSWORD` says otherwise; printed so people can explore.
const DEMO_PASSWORD: &str = "lifeboat-demo";

/// Runs the demo.
pub fn run(dir: Option<PathBuf>, quiet: bool, cancel: &Cancel) -> Result<(), Failure> {
    let dir = dir.or_else(crate::paths::demo_dir).ok_or_else(|| Failure::usage(t!("no-vault-path")))?;
    let state = dir.join("phone");
    let vault_dir = dir.join("vault");
    let password = std::env::var("LIFEBOAT_PASSWORD").unwrap_or_else(|_| DEMO_PASSWORD.into());
    let io = |e: std::io::Error| Failure::general(format!("{}: {e}", state.display()));

    // A phone that was backed up before has taken a new photo since.
    let camera = state.join("fs/storage/emulated/0/DCIM/Camera");
    if camera.is_dir() {
        take_photo(&camera, next_photo_number(&camera).map_err(io)?).map_err(io)?;
    }
    let options = AndroidSimOptions {
        listen: "127.0.0.1:0".parse().map_err(|_| Failure::general("127.0.0.1:0"))?,
        profile: Profile::Demo,
        state_dir: Some(state.clone()),
        ..AndroidSimOptions::default()
    };
    let phone = android::start(options).map_err(|e| Failure::general(e.to_string()))?;
    let vault = if Vault::exists(&vault_dir) {
        Vault::open(&vault_dir, &password)?
    } else {
        eprintln!("{}", t!("password-lost-warning"));
        Vault::init(&vault_dir, &password, KdfParams::default())?
    };
    // The demo keeps its own ADB key, so it never touches (or needs) the person's ~/.android.
    let connect = ConnectOptions { key_path: Some(dir.join("adbkey")), ..ConnectOptions::default() };
    let target = AdbTarget::Tcp(phone.addr().to_string());
    let device = AndroidDevice::connect(&target, &connect, AndroidOptions::default())
        .map_err(|e| Failure::general(e.to_string()))?;
    println!(
        "{}",
        t!(
            "demo-intro",
            phone = format!("{} ({})", device.identity().name, phone.addr()),
            vault = vault_dir.display().to_string()
        )
    );

    let console = Console::new(quiet);
    let options = BackupOptions { categories: CategorySet::all(), ..BackupOptions::default() };
    let summary = engine::backup(&vault, &device, &options, &console, cancel);
    console.finish();
    let summary = summary?;
    print_backup_summary(&summary, false);
    let count = vault.snapshots()?.snapshots.len();
    println!(
        "{}",
        t!("demo-next", count = count, vault = vault_dir.display().to_string(), password = password.clone())
    );
    Ok(())
}

fn next_photo_number(camera: &Path) -> std::io::Result<u32> {
    Ok(fs::read_dir(camera)?.count() as u32 + 1)
}

fn take_photo(camera: &Path, number: u32) -> std::io::Result<()> {
    let image = painting(number, 1024, 768);
    let path = camera.join(format!("IMG_2026{:04}.jpg", number));
    image.save(&path).map_err(std::io::Error::other)
}

/// A deterministic, photo-like picture: a sky-to-sea gradient with a sun whose place depends on `seed`.
fn painting(seed: u32, width: u32, height: u32) -> ImageBuffer<Rgb<u8>, Vec<u8>> {
    let sun_x = (seed * 97 % width) as f32;
    let sun_y = (height / 4 + seed * 31 % (height / 3)) as f32;
    let hue = (seed * 53 % 255) as f32;
    ImageBuffer::from_fn(width, height, |x, y| {
        let t = y as f32 / height as f32;
        let horizon = t > 0.6;
        let (dx, dy) = (x as f32 - sun_x, y as f32 - sun_y);
        let sun = (dx * dx + dy * dy).sqrt() < height as f32 / 10.0;
        let ripple = ((x as f32 / 9.0 + y as f32 / 3.0).sin() * 12.0) as i32;
        let (r, g, b) = if sun {
            (255, 214, 120)
        } else if horizon {
            (20 + ripple, (70.0 + t * 60.0) as i32 + ripple, (120.0 + hue / 4.0) as i32 + ripple)
        } else {
            ((250.0 - t * 150.0) as i32, (150.0 + t * 60.0 + hue / 8.0) as i32, (200.0 + t * 40.0) as i32)
        };
        Rgb([r.clamp(0, 255) as u8, g.clamp(0, 255) as u8, b.clamp(0, 255) as u8])
    })
}
