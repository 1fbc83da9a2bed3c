//! Fidelity: what can move from one kind of device to another, decided before anything is written. A restore
//! to a phone of another kind (an iPhone backup onto an Android phone) shows, per category, how many records
//! will transfer as they are, how many are converted, and how many cannot transfer, with the reason.
//!
//! The rules here are the only implementation; `docs/fidelity.md` documents them as one table per kind of
//! target, and a test in `fidelity_matrix.rs` walks every source × target × category of [`matrix_cell`] and
//! checks that the document says the same.

use serde::Serialize;

use crate::data::documents::RAW_DIR;
use crate::data::heic::{CONVERTS_HEIC, is_heic_path};
use crate::data::{App, CallEntry, Category, CategorySet, Contact, Message, Setting};
use crate::device::adb::SETTINGS_ALLOWED;
use crate::device::{DeviceIdentity, DeviceKind};
use crate::t;

use super::{EngineError, SnapshotItems};

/// The platform a device's data lives on, which is what decides fidelity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// Android phones and tablets (and `adb backup` files, SMS Backup & Restore exports).
    Android,
    /// iPhones and iPads (and their Finder/iTunes backups).
    Ios,
    /// Windows Phones.
    WindowsPhone,
    /// Cameras: photos and videos only.
    Camera,
    /// Folders and files: everything is a file.
    Files,
}

impl Platform {
    /// Every platform, sources and targets alike.
    pub const ALL: [Platform; 5] =
        [Platform::Android, Platform::Ios, Platform::WindowsPhone, Platform::Camera, Platform::Files];

    /// The platform of a device; imports are recognised by what they say they came from.
    pub fn of(device: &DeviceIdentity) -> Self {
        let says = |needle: &str| {
            [
                Some(&device.name),
                device.os_version.as_ref(),
                device.model.as_ref(),
                device.manufacturer.as_ref(),
            ]
            .iter()
            .any(|field| field.is_some_and(|f| f.to_ascii_lowercase().contains(needle)))
        };
        match device.kind {
            DeviceKind::Android => Platform::Android,
            DeviceKind::Iphone | DeviceKind::Ipad => Platform::Ios,
            DeviceKind::WindowsPhone => Platform::WindowsPhone,
            DeviceKind::Camera => Platform::Camera,
            DeviceKind::Folder => Platform::Files,
            DeviceKind::Import if says("ios") || says("iphone") || says("ipad") || says("apple") => {
                Platform::Ios
            }
            // SMS Backup & Restore is an Android app; `adb backup` files are named "Android backup …".
            DeviceKind::Import if says("android") || says("sms backup & restore") => Platform::Android,
            DeviceKind::Import => Platform::Files,
        }
    }
}

/// A restore target as fidelity sees it: its platform, and whether it shows HEIC photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Its platform.
    pub platform: Platform,
    /// Whether its gallery shows HEIC photos.
    pub shows_heic: bool,
}

impl Target {
    /// The target a device is.
    pub fn of(device: &DeviceIdentity) -> Self {
        let platform = Platform::of(device);
        Self { platform, shows_heic: shows_heic(platform, device.os_version.as_deref()) }
    }
}

/// Whether a device shows HEIC photos. Android decodes HEIF from version 9 (API 28) on, iPhones from iOS 11;
/// Windows Phones and cameras do not. A folder keeps the original bytes: it is a copy, not a viewer. When the
/// version is unknown, the phone is taken to be a recent one, as nearly all phones in use are.
pub fn shows_heic(platform: Platform, os_version: Option<&str>) -> bool {
    let major = os_version.and_then(|v| {
        v.split(|c: char| !c.is_ascii_digit())
            .find(|part| !part.is_empty())
            .and_then(|n| n.parse::<u32>().ok())
    });
    match platform {
        Platform::Android => major.is_none_or(|m| m >= 9),
        Platform::Ios => major.is_none_or(|m| m >= 11),
        Platform::WindowsPhone | Platform::Camera => false,
        Platform::Files => true,
    }
}

/// Why something does not transfer as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// iMessage effects, reactions and edits were flattened into text.
    ImessageFlattened,
    /// HEIC photos become JPEG for a target that cannot show HEIC.
    HeicToJpeg,
    /// HEIC photos stay HEIC although the target cannot show them: this build has no decoder.
    HeicKept,
    /// A setting Lifeboat does not write to a phone.
    SettingNotPortable,
    /// Apps are not installed by Lifeboat.
    AppsReinstall,
    /// An iPhone takes messages, call history and settings only through a full restore of an iPhone backup.
    IphoneNeedsFullRestore,
    /// An iPhone has no folders for other files.
    NoFileAccess,
    /// A Windows Phone takes contacts, messages, calls and settings only from its Microsoft account.
    WindowsPhoneAccountOnly,
    /// The target keeps only photos and videos.
    CameraPhotosOnly,
    /// The original files of an imported backup stay in the vault.
    RawBackupKept,
}

impl Reason {
    /// Every reason, for the documentation and its test.
    pub const ALL: [Reason; 10] = [
        Reason::ImessageFlattened,
        Reason::HeicToJpeg,
        Reason::HeicKept,
        Reason::SettingNotPortable,
        Reason::AppsReinstall,
        Reason::IphoneNeedsFullRestore,
        Reason::NoFileAccess,
        Reason::WindowsPhoneAccountOnly,
        Reason::CameraPhotosOnly,
        Reason::RawBackupKept,
    ];

    /// The stable name used in JSON and in `docs/fidelity.md`.
    pub fn code(self) -> &'static str {
        match self {
            Reason::ImessageFlattened => "imessage-flattened",
            Reason::HeicToJpeg => "heic-to-jpeg",
            Reason::HeicKept => "heic-kept",
            Reason::SettingNotPortable => "setting-not-portable",
            Reason::AppsReinstall => "apps-reinstall",
            Reason::IphoneNeedsFullRestore => "iphone-needs-full-restore",
            Reason::NoFileAccess => "no-file-access",
            Reason::WindowsPhoneAccountOnly => "windows-phone-account-only",
            Reason::CameraPhotosOnly => "camera-photos-only",
            Reason::RawBackupKept => "raw-backup-kept",
        }
    }

    /// The sentence shown to a person.
    pub fn text(self) -> String {
        match self {
            Reason::ImessageFlattened => t!("fidelity-imessage-flattened"),
            Reason::HeicToJpeg => t!("fidelity-heic-to-jpeg"),
            Reason::HeicKept => t!("fidelity-heic-kept"),
            Reason::SettingNotPortable => t!("fidelity-setting-not-portable"),
            Reason::AppsReinstall => t!("fidelity-apps-reinstall"),
            Reason::IphoneNeedsFullRestore => t!("fidelity-iphone-full-restore"),
            Reason::NoFileAccess => t!("fidelity-no-file-access"),
            Reason::WindowsPhoneAccountOnly => t!("fidelity-windows-phone-account"),
            Reason::CameraPhotosOnly => t!("fidelity-camera-photos-only"),
            Reason::RawBackupKept => t!("fidelity-raw-backup-kept"),
        }
    }
}

/// The plan for one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryPlan {
    /// Which category.
    pub category: Category,
    /// Records or files that transfer as they are.
    pub as_is: u64,
    /// Records converted on the way, and why.
    pub converted: u64,
    /// Records that cannot transfer, and why.
    pub impossible: u64,
    /// The reasons behind `converted`, `impossible` and files kept as they are on a target that may not show
    /// them, each once.
    pub reasons: Vec<Reason>,
}

impl CategoryPlan {
    fn new(category: Category) -> Self {
        Self { category, as_is: 0, converted: 0, impossible: 0, reasons: Vec::new() }
    }

    /// Records that will be written: as they are or converted.
    pub fn will_transfer(&self) -> u64 {
        self.as_is + self.converted
    }

    fn count(&mut self, transfer: Transfer) {
        match transfer {
            Transfer::AsIs => self.as_is += 1,
            Transfer::Kept(reason) => {
                self.as_is += 1;
                self.note(reason);
            }
            Transfer::Converted(reason) => {
                self.converted += 1;
                self.note(reason);
            }
            Transfer::Impossible(reason) => {
                self.impossible += 1;
                self.note(reason);
            }
        }
    }

    fn note(&mut self, reason: Reason) {
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }
}

/// How one record travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transfer {
    /// Unchanged.
    AsIs,
    /// Unchanged, although the target may not show it as the source did.
    Kept(Reason),
    /// Changed on the way.
    Converted(Reason),
    /// Left behind.
    Impossible(Reason),
}

/// The rule for a whole category, when it does not depend on the record.
pub fn category_rule(category: Category, target: Platform) -> Transfer {
    match (category, target) {
        (_, Platform::Files) => Transfer::AsIs,
        (Category::Photos, _) => Transfer::AsIs,
        (_, Platform::Camera) => Transfer::Impossible(Reason::CameraPhotosOnly),
        (Category::Apps, _) => Transfer::Impossible(Reason::AppsReinstall),
        (Category::Files, Platform::Ios) => Transfer::Impossible(Reason::NoFileAccess),
        (Category::Messages | Category::Calls | Category::Settings, Platform::Ios) => {
            Transfer::Impossible(Reason::IphoneNeedsFullRestore)
        }
        (Category::Files, Platform::WindowsPhone) => Transfer::AsIs,
        (_, Platform::WindowsPhone) => Transfer::Impossible(Reason::WindowsPhoneAccountOnly),
        _ => Transfer::AsIs,
    }
}

/// A message: iMessage (and RCS) features SMS/MMS cannot carry are flattened into text on the way.
pub fn message_rule(message: &Message, target: Platform) -> Transfer {
    let flattened = matches!(message.origin.as_deref(), Some("imessage" | "rcs")) || !message.lost.is_empty();
    match category_rule(Category::Messages, target) {
        Transfer::AsIs if target != Platform::Files && flattened => {
            Transfer::Converted(Reason::ImessageFlattened)
        }
        other => other,
    }
}

/// A setting: onto an Android phone, only the short allow-list of portable, harmless Android settings the
/// restorer writes (see `SETTINGS_ALLOWED`); the rest belongs to the old phone. Settings are not translated
/// between kinds of phone: no restorer does it yet, so none is promised.
pub fn setting_rule(setting: &Setting, source: Platform, target: Platform) -> Transfer {
    match category_rule(Category::Settings, target) {
        Transfer::AsIs if target == Platform::Android => {
            let allowed = SETTINGS_ALLOWED.contains(&(setting.namespace.as_str(), setting.key.as_str()));
            if source == Platform::Android && allowed {
                Transfer::AsIs
            } else {
                Transfer::Impossible(Reason::SettingNotPortable)
            }
        }
        other => other,
    }
}

/// A photo or video: HEIC becomes JPEG for a target that cannot show it, when this build can convert.
pub fn photo_rule(path: &str, target: Target) -> Transfer {
    match category_rule(Category::Photos, target.platform) {
        Transfer::AsIs if is_heic_path(path) && !target.shows_heic => {
            if CONVERTS_HEIC {
                Transfer::Converted(Reason::HeicToJpeg)
            } else {
                Transfer::Kept(Reason::HeicKept)
            }
        }
        other => other,
    }
}

/// Any other file: the original files of an imported backup (`Raw/…`) only go back as a whole, through the
/// tool that made them, so only a folder takes them.
pub fn file_rule(path: &str, target: Platform) -> Transfer {
    match category_rule(Category::Files, target) {
        Transfer::AsIs if target != Platform::Files && is_raw(path) => {
            Transfer::Impossible(Reason::RawBackupKept)
        }
        other => other,
    }
}

fn is_raw(path: &str) -> bool {
    path.strip_prefix(RAW_DIR).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Plans restoring the chosen categories of a snapshot made from `source` onto `target`.
pub fn plan(
    items: &SnapshotItems<'_>,
    source: &DeviceIdentity,
    target: &DeviceIdentity,
    categories: &CategorySet,
) -> Result<Vec<CategoryPlan>, EngineError> {
    let (from, to) = (Platform::of(source), Target::of(target));
    let mut plans = Vec::new();
    for category in categories.iter() {
        let mut plan = CategoryPlan::new(category);
        match category {
            Category::Contacts => {
                for contact in items.records::<Contact>(category)? {
                    contact?;
                    plan.count(category_rule(category, to.platform));
                }
            }
            Category::Messages => {
                for message in items.records::<Message>(category)? {
                    plan.count(message_rule(&message?, to.platform));
                }
            }
            Category::Calls => {
                for call in items.records::<CallEntry>(category)? {
                    call?;
                    plan.count(category_rule(category, to.platform));
                }
            }
            Category::Settings => {
                for setting in items.records::<Setting>(category)? {
                    plan.count(setting_rule(&setting?, from, to.platform));
                }
            }
            Category::Apps => {
                for app in items.records::<App>(category)? {
                    app?;
                    plan.count(category_rule(category, to.platform));
                }
            }
            Category::Photos | Category::Files => {
                for node in items.nodes().iter().filter(|n| n.entry.category == category && n.entry.is_file())
                {
                    let path = node.entry.path.as_str();
                    plan.count(match category {
                        Category::Photos => photo_rule(path, to),
                        _ => file_rule(path, to.platform),
                    });
                }
            }
        }
        if plan.as_is + plan.converted + plan.impossible > 0 {
            plans.push(plan);
        }
    }
    Ok(plans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(kind: DeviceKind, os: Option<&str>) -> DeviceIdentity {
        DeviceIdentity {
            kind,
            name: "x".into(),
            manufacturer: None,
            model: None,
            serial: "1".into(),
            os_version: os.map(Into::into),
        }
    }

    #[test]
    fn platforms_are_recognised_from_imports_too() {
        assert_eq!(Platform::of(&device(DeviceKind::Import, Some("iOS 14.3"))), Platform::Ios);
        assert_eq!(Platform::of(&device(DeviceKind::Import, Some("Android 13"))), Platform::Android);
        assert_eq!(Platform::of(&device(DeviceKind::Import, None)), Platform::Files);
        assert_eq!(Platform::of(&device(DeviceKind::Iphone, None)), Platform::Ios);
        let mut ab = device(DeviceKind::Import, None);
        ab.name = "Android backup phone.ab".into();
        assert_eq!(Platform::of(&ab), Platform::Android);
        let mut xml = device(DeviceKind::Import, None);
        xml.model = Some("SMS Backup & Restore export".into());
        assert_eq!(Platform::of(&xml), Platform::Android);
    }

    #[test]
    fn heic_shows_on_android_9_and_later_only() {
        let android = |v: &str| Target::of(&device(DeviceKind::Android, Some(v))).shows_heic;
        assert!(android("Android 14") && android("Android 9"));
        assert!(!android("Android 8.1.0") && !android("Android 4.4.2"));
        assert!(Target::of(&device(DeviceKind::Android, None)).shows_heic);
        assert!(!Target::of(&device(DeviceKind::Camera, None)).shows_heic);
        assert!(!Target::of(&device(DeviceKind::WindowsPhone, Some("Windows 10 Mobile"))).shows_heic);
        assert!(Target::of(&device(DeviceKind::Folder, None)).shows_heic);
        assert!(!shows_heic(Platform::Ios, Some("iOS 10.3")));
    }

    #[test]
    fn records_follow_their_own_rules() {
        let old = Target { platform: Platform::Android, shows_heic: false };
        let expected = if CONVERTS_HEIC {
            Transfer::Converted(Reason::HeicToJpeg)
        } else {
            Transfer::Kept(Reason::HeicKept)
        };
        assert_eq!(photo_rule("DCIM/IMG_1.HEIC", old), expected);
        assert_eq!(photo_rule("DCIM/IMG_1.JPG", old), Transfer::AsIs);
        assert_eq!(photo_rule("DCIM/IMG_1.HEIC", Target { shows_heic: true, ..old }), Transfer::AsIs);
        assert_eq!(
            file_rule("Raw/iphone-backup/Info.plist", Platform::Android),
            Transfer::Impossible(Reason::RawBackupKept)
        );
        assert_eq!(file_rule("Raw/iphone-backup/Info.plist", Platform::Files), Transfer::AsIs);
        assert_eq!(file_rule("Rawhide/x", Platform::Android), Transfer::AsIs);
        let allowed = Setting::android("system", "screen_off_timeout", Some("30000".into()));
        assert_eq!(setting_rule(&allowed, Platform::Android, Platform::Android), Transfer::AsIs);
        assert_eq!(
            setting_rule(&allowed, Platform::Ios, Platform::Android),
            Transfer::Impossible(Reason::SettingNotPortable)
        );
        let local = Setting::android("secure", "bluetooth_address", Some("aa".into()));
        assert_eq!(
            setting_rule(&local, Platform::Android, Platform::Android),
            Transfer::Impossible(Reason::SettingNotPortable)
        );
        for reason in Reason::ALL {
            assert!(!reason.text().is_empty(), "{reason:?}");
        }
    }
}
