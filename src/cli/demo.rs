//! `lifeboat demo`: the whole job on a machine with no phone. A virtual Android phone (the `demo` profile of
//! `device::sim::android`, speaking real ADB on loopback, its state kept under the demo folder) is backed up
//! over ADB into a demo vault, every category, exactly as a phone on a cable would be. Each run "takes" one
//! more photo on the phone first, so the second run shows an incremental backup.

use std::fs;
use std::path::{Path, PathBuf};

use image::{ImageBuffer, Rgb};

use super::Failure;
use super::backup::{left_out, print_backup_summary};
use super::output::{Console, errln, outln};
use crate::data::CategorySet;
use crate::device::Device;
use crate::device::adb::{AdbTarget, AndroidDevice, AndroidOptions, ConnectOptions};
use crate::device::sim::android::{self, AndroidSimOptions, Profile};
use crate::engine::{self, BackupOptions, Cancel};
use crate::t;
use crate::vault::{KdfParams, Vault};

/// The demo vault's password unless `LIFEBOAT_PASSWORD` says otherwise; printed so people can explore.
const DEMO_PASSWORD: &str = "lifeboat-demo";

/// The contacts file of the folder demo phone.
const CONTACTS: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Ada;;;\r\nFN:Ada Okafor\r\nTEL;TYPE=CELL:+44 7700 900123\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lindqvist;Bo;;;\r\nFN:Bo Lindqvist\r\nTEL;TYPE=HOME:+46 8 123 456\r\nORG:Fika AB\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nN:Nakamura;Chiyo;;;\r\nFN:中村 千代\r\nTEL;TYPE=CELL:+81 90 1234 5678\r\nNOTE:Met at the harbour café\r\nEND:VCARD\r\n";

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
        errln!("{}", t!("password-lost-warning"));
        Vault::init(&vault_dir, &password, KdfParams::default())?
    };
    // The demo keeps its own ADB key, so it never touches (or needs) the person's ~/.android.
    let connect = ConnectOptions { key_path: Some(dir.join("adbkey")), ..ConnectOptions::default() };
    let target = AdbTarget::Tcp(phone.addr().to_string());
    let device = AndroidDevice::connect(&target, &connect, AndroidOptions::default())
        .map_err(|e| Failure::general(e.to_string()))?;
    outln!(
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
    left_out(&summary)?;
    let count = vault.snapshots()?.snapshots.len();
    outln!(
        "{}",
        t!("demo-next", count = count, vault = vault_dir.display().to_string(), password = password.clone())
    );
    Ok(())
}

/// Lays out the demo phone at `phone`: twelve camera photos (real JPEGs), three screenshots, a contacts file,
/// two documents, and a few conversations and calls as record documents. The app's "Try the demo phone"
/// uses it too.
pub fn make_phone(phone: &Path) -> std::io::Result<()> {
    let camera = phone.join("DCIM/Camera");
    fs::create_dir_all(&camera)?;
    for number in 1..=12 {
        take_photo(&camera, number)?;
    }
    let screenshots = phone.join("Pictures/Screenshots");
    fs::create_dir_all(&screenshots)?;
    for number in 1..=3 {
        let image = painting(number * 7, 360, 720);
        image
            .save(screenshots.join(format!("Screenshot_2026-11-0{number}.png")))
            .map_err(std::io::Error::other)?;
    }
    fs::create_dir_all(phone.join("Contacts"))?;
    fs::write(phone.join("Contacts/contacts.vcf"), CONTACTS)?;
    fs::create_dir_all(phone.join("Documents"))?;
    fs::write(phone.join("Documents/packing list.txt"), "passport\ncharger\nsunscreen\n")?;
    fs::create_dir_all(phone.join("Download"))?;
    fs::write(phone.join("Download/boarding-pass.txt"), "Flight LB 101, seat 14C\n")?;
    fs::create_dir_all(phone.join("Messages"))?;
    fs::write(phone.join("Messages/messages.jsonl"), demo_messages())?;
    fs::create_dir_all(phone.join("Calls"))?;
    fs::write(phone.join("Calls/calls.jsonl"), demo_calls())?;
    Ok(())
}

fn demo_messages() -> String {
    // Minutes after an evening in early November 2026, like the demo photos.
    let start: i64 = 1_793_700_000_000;
    let lines = [
        ("+44 7700 900123", "Ada Okafor", true, 0, "Are you still coming to the harbour on Saturday?"),
        ("+44 7700 900123", "Ada Okafor", false, 5, "Yes! I'll bring the camera."),
        ("+44 7700 900123", "Ada Okafor", true, 9, "Perfect. The ferry leaves at 9:40."),
        ("+44 7700 900123", "Ada Okafor", false, 14, "See you at the pier then."),
        ("+46 8 123 456", "Bo Lindqvist", true, 1440, "Fika tomorrow at three?"),
        ("+46 8 123 456", "Bo Lindqvist", false, 1470, "Always. Cardamom buns please."),
        ("+81 90 1234 5678", "中村 千代", true, 2880, "写真ありがとう！とてもきれい。"),
        ("+81 90 1234 5678", "中村 千代", false, 2882, "どういたしまして"),
    ];
    let mut out = String::new();
    for (i, (number, name, incoming, offset, body)) in lines.iter().enumerate() {
        let (folder, role) = if *incoming { ("inbox", "from") } else { ("sent", "to") };
        let line = serde_json::json!({
            "kind": "sms", "folder": folder, "thread_id": null, "conversation": [number],
            "addresses": [{"address": number, "role": role}],
            "date": start + offset * 60_000 + i as i64,
            "date_sent": null, "read": true, "seen": true, "status": null, "locked": false, "subject": null,
            "body": body, "parts": [], "contact_name": name, "subscription_id": null, "origin": "demo",
            "raw": null,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn demo_calls() -> String {
    let start: i64 = 1_793_750_000_000;
    let calls = [
        ("+44 7700 900123", "Ada Okafor", "incoming", 0, 312),
        ("+46 8 123 456", "Bo Lindqvist", "outgoing", 3_600_000, 95),
        ("+81 90 1234 5678", "中村 千代", "missed", 90_000_000, 0),
        ("+44 7700 900123", "Ada Okafor", "outgoing", 180_000_000, 41),
    ];
    let mut out = String::new();
    for (number, name, direction, offset, duration) in calls {
        let line = serde_json::json!({
            "number": number, "name": name, "direction": direction, "date": start + offset,
            "duration_secs": duration, "presentation": null, "sim": null, "account": null, "raw": null,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::documents::read_document;
    use crate::data::{CallEntry, Message};

    #[test]
    fn demo_documents_are_valid_records() {
        let messages: Vec<Message> =
            read_document(demo_messages().as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(messages.len(), 8);
        let calls: Vec<CallEntry> = read_document(demo_calls().as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(calls.len(), 4);
    }
}
