//! Installed apps (with APK files that can be pulled) and the settings every phone has.

use std::fs;
use std::path::Path;

use rusqlite::Connection;

use super::rng::Rng;
use super::{BASE_TIME, Profile};
use crate::device::sim::android::SimError;
use crate::device::sim::android::phone::Package;

/// Preinstalled apps: name, APK path, versionName, versionCode.
const SYSTEM_APPS: &[(&str, &str, &str, u64)] = &[
    ("android", "/system/framework/framework-res.apk", "14", 34),
    ("com.android.settings", "/system/priv-app/Settings/Settings.apk", "14", 34),
    ("com.android.phone", "/system/priv-app/TeleService/TeleService.apk", "14", 34),
    ("com.android.providers.telephony", "/system/priv-app/TelephonyProvider/TelephonyProvider.apk", "14", 34),
    ("com.android.providers.contacts", "/system/priv-app/ContactsProvider/ContactsProvider.apk", "14", 34),
    ("com.android.providers.settings", "/system/priv-app/SettingsProvider/SettingsProvider.apk", "14", 34),
    ("com.android.shell", "/system/priv-app/Shell/Shell.apk", "14", 34),
    ("com.android.systemui", "/system/priv-app/SystemUI/SystemUI.apk", "14", 34),
    ("com.android.camera2", "/system/app/Camera2/Camera2.apk", "2.0.002", 20000),
    ("com.android.contacts", "/system/priv-app/Contacts/Contacts.apk", "1.7.40", 10740),
    ("com.android.messaging", "/system/app/messaging/messaging.apk", "1.0.001", 10001),
    ("com.android.dialer", "/system/priv-app/Dialer/Dialer.apk", "20.0", 2000000),
];

/// Apps a person installed: name, versionName, versionCode, split APKs.
const USER_APPS: &[(&str, &str, u64, &[&str])] = &[
    ("org.thoughtcrime.securesms", "7.8.1", 1418, &[]),
    ("org.mozilla.firefox", "126.0.1", 2016020743, &["split_config.arm64_v8a.apk", "split_config.en.apk"]),
    ("de.danoeh.antennapod", "3.4.0", 3040095, &[]),
    ("org.fdroid.fdroid", "1.19.1", 1019050, &[]),
    ("com.spotify.music", "8.9.42.575", 118201234, &["split_config.xxhdpi.apk"]),
    ("org.wikipedia", "2.7.50487-r-2024-05-21", 50487, &[]),
    ("net.osmand", "4.7.10", 4710, &[]),
];

/// The base64-ish folder names Android 11+ gives app folders (`~~xxxx==/pkg-yyyy==`).
fn random_dir(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..22).map(|_| *rng.pick(ALPHABET) as char).collect::<String>() + "=="
}

/// The apps of a profile.
pub fn packages(profile: Profile, rng: &mut Rng) -> Vec<Package> {
    let mut packages: Vec<Package> = SYSTEM_APPS
        .iter()
        .enumerate()
        .map(|(i, (name, apk, version_name, version_code))| Package {
            name: (*name).to_owned(),
            version_name: (*version_name).to_owned(),
            version_code: *version_code,
            system: true,
            apks: vec![(*apk).to_owned()],
            uid: if i < 8 { 1000 } else { 10_050 + i as u32 },
            first_install_ms: 1_230_768_000_000,
            last_update_ms: 1_230_768_000_000,
            installer: None,
            target_sdk: 34,
        })
        .collect();
    let user_count = match profile {
        Profile::Empty => 0,
        Profile::Demo | Profile::Hostile => 5,
        Profile::Large => USER_APPS.len(),
    };
    for (i, (name, version_name, version_code, splits)) in USER_APPS.iter().take(user_count).enumerate() {
        let dir = format!("/data/app/~~{}/{name}-{}", random_dir(rng), random_dir(rng));
        let mut apks = vec![format!("{dir}/base.apk")];
        apks.extend(splits.iter().map(|split| format!("{dir}/{split}")));
        let installed = (BASE_TIME - rng.range(30, 400) * 86_400) * 1000;
        packages.push(Package {
            name: (*name).to_owned(),
            version_name: (*version_name).to_owned(),
            version_code: *version_code,
            system: false,
            apks,
            uid: 10_200 + i as u32,
            first_install_ms: installed,
            last_update_ms: installed + rng.range(0, 20) * 86_400_000,
            installer: Some("com.android.vending".into()),
            target_sdk: 34,
        });
    }
    packages
}

/// Writes every APK of every package into the file system as a small, valid ZIP holding a manifest and
/// a dex stub, so `pm path` then `adb pull` gives a real archive.
pub fn write_apks(fs_root: &Path, packages: &[Package], rng: &mut Rng) -> Result<(), SimError> {
    for package in packages {
        for apk in &package.apks {
            let host = fs_root.join(apk.trim_start_matches('/'));
            if let Some(parent) = host.parent() {
                fs::create_dir_all(parent).map_err(|e| SimError::io("create", parent, e))?;
            }
            let manifest = format!(
                "<manifest package=\"{}\" android:versionCode=\"{}\" android:versionName=\"{}\"/>",
                package.name, package.version_code, package.version_name
            );
            let mut dex = b"dex\n035\0".to_vec();
            let mut body = vec![0u8; 2048 + rng.below(6144) as usize];
            rng.fill(&mut body);
            dex.extend(body);
            let zip = stored_zip(&[("AndroidManifest.xml", manifest.as_bytes()), ("classes.dex", &dex)]);
            fs::write(&host, zip).map_err(|e| SimError::io("write", &host, e))?;
            let time = filetime::FileTime::from_unix_time(package.last_update_ms / 1000, 0);
            filetime::set_file_mtime(&host, time).map_err(|e| SimError::io("write", &host, e))?;
        }
    }
    Ok(())
}

/// A ZIP archive with stored (uncompressed) entries: local headers, central directory, end record.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let size = data.len() as u32;
        let name_len = name.len() as u16;
        out.extend(0x0403_4b50u32.to_le_bytes());
        for half in [20u16, 0, 0, 0, 0x21] {
            out.extend(half.to_le_bytes()); // version, flags, method (stored), time, date
        }
        for word in [crc, size, size] {
            out.extend(word.to_le_bytes());
        }
        out.extend(name_len.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name.as_bytes());
        out.extend_from_slice(data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        for half in [20u16, 20, 0, 0, 0, 0x21] {
            central.extend(half.to_le_bytes());
        }
        for word in [crc, size, size] {
            central.extend(word.to_le_bytes());
        }
        for half in [name_len, 0, 0, 0, 0] {
            central.extend(half.to_le_bytes());
        }
        central.extend(0u32.to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let central_at = out.len() as u32;
    let central_len = central.len() as u32;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    for half in [0u16, 0, entries.len() as u16, entries.len() as u16] {
        out.extend(half.to_le_bytes());
    }
    out.extend(central_len.to_le_bytes());
    out.extend(central_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// Settings every phone has, plus a few a person changed.
pub fn settings(connection: &Connection, model: &str, rng: &mut Rng) -> rusqlite::Result<()> {
    let android_id = format!("{:016x}", rng.next_u64());
    let system: &[(&str, String)] = &[
        ("accelerometer_rotation", "0".into()),
        ("alarm_alert", "content://media/internal/audio/media/17?title=Awaken&canonical=1".into()),
        ("dim_screen", "1".into()),
        ("font_scale", "1.0".into()),
        ("haptic_feedback_enabled", "1".into()),
        ("notification_sound", "content://media/internal/audio/media/52?title=Chime&canonical=1".into()),
        (
            "ringtone",
            "content://media/internal/audio/media/120?title=The%20Big%20Adventure&canonical=1".into(),
        ),
        ("screen_brightness", rng.range(40, 255).to_string()),
        ("screen_brightness_mode", "1".into()),
        ("screen_off_timeout", "60000".into()),
        ("sound_effects_enabled", "0".into()),
        ("time_12_24", "24".into()),
        ("vibrate_when_ringing", "1".into()),
        ("volume_alarm", "6".into()),
        ("volume_music", rng.range(3, 15).to_string()),
        ("volume_ring", "5".into()),
    ];
    let secure: &[(&str, String)] = &[
        ("android_id", android_id),
        ("backup_enabled", "1".into()),
        ("bluetooth_name", model.to_owned()),
        ("default_input_method", "com.android.inputmethod.latin/.LatinIME".into()),
        ("enabled_input_methods", "com.android.inputmethod.latin/.LatinIME".into()),
        ("install_non_market_apps", "0".into()),
        ("location_mode", "3".into()),
        ("lockscreen.disabled", "0".into()),
        ("night_display_activated", "0".into()),
        ("screensaver_enabled", "0".into()),
        ("skip_first_use_hints", "1".into()),
        ("user_setup_complete", "1".into()),
    ];
    let global: &[(&str, String)] = &[
        ("adb_enabled", "1".into()),
        ("adb_wifi_enabled", "0".into()),
        ("airplane_mode_on", "0".into()),
        ("auto_time", "1".into()),
        ("auto_time_zone", "1".into()),
        ("bluetooth_on", "1".into()),
        ("data_roaming", "0".into()),
        ("development_settings_enabled", "1".into()),
        ("device_name", model.to_owned()),
        ("device_provisioned", "1".into()),
        ("mobile_data", "1".into()),
        ("package_verifier_enable", "1".into()),
        ("package_verifier_user_consent", "1".into()),
        ("stay_on_while_plugged_in", "0".into()),
        ("wifi_on", "1".into()),
        ("wifi_sleep_policy", "2".into()),
    ];
    for (table, rows) in [("system", system), ("secure", secure), ("global", global)] {
        let mut statement =
            connection.prepare(&format!("INSERT INTO {table} (name, value) VALUES (?1, ?2)"))?;
        for (name, value) in rows {
            statement.execute([name, value.as_str()])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apks_are_zip_archives() {
        let zip = stored_zip(&[("AndroidManifest.xml", b"<manifest/>"), ("classes.dex", b"dex\n035\0")]);
        assert_eq!(&zip[..4], b"PK\x03\x04");
        let end = zip.len() - 22;
        assert_eq!(&zip[end..end + 4], b"PK\x05\x06");
        assert_eq!(u16::from_le_bytes([zip[end + 10], zip[end + 11]]), 2);
    }
}
