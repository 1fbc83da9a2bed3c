//! Fidelity: what can move from one kind of device to another, decided before anything is written. A restore
//! to a phone of another kind (an iPhone backup onto an Android phone) shows, per category, how many records
//! will transfer as they are, how many are converted, and how many cannot transfer, with the reason. The
//! matrix is documented in `docs/fidelity.md`; this file is its only implementation.

use serde::Serialize;

use crate::data::{App, CallEntry, Category, CategorySet, Contact, Message, Setting};
use crate::device::{DeviceIdentity, DeviceKind};
use crate::t;

use super::{EngineError, SnapshotItems};

/// The platform a device's data lives on, which is what decides fidelity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// Android phones and tablets (and `adb backup` files).
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
    /// The platform of a device; imports are recognised by what they say they came from.
    pub fn of(device: &DeviceIdentity) -> Self {
        let says = |needle: &str| {
            [&device.os_version, &device.model, &device.manufacturer]
                .iter()
                .any(|field| field.as_deref().is_some_and(|f| f.to_ascii_lowercase().contains(needle)))
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
            DeviceKind::Import if says("android") => Platform::Android,
            DeviceKind::Import => Platform::Files,
        }
    }
}

/// Why something does not transfer as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// iMessage effects, reactions and edits were flattened into text.
    ImessageFlattened,
    /// A setting with an equivalent on the other platform is translated.
    SettingTranslated,
    /// A setting that belongs to the old phone.
    SettingNotPortable,
    /// Apps are not installed by Lifeboat.
    AppsReinstall,
    /// An iPhone takes messages and call history only through a full restore of an iPhone backup.
    IphoneNeedsFullRestore,
    /// The target keeps only photos and videos.
    CameraPhotosOnly,
}

impl Reason {
    /// The sentence shown to a person.
    pub fn text(self) -> String {
        match self {
            Reason::ImessageFlattened => t!("fidelity-imessage-flattened"),
            Reason::SettingTranslated => t!("fidelity-setting-translated"),
            Reason::SettingNotPortable => t!("fidelity-setting-not-portable"),
            Reason::AppsReinstall => t!("fidelity-apps-reinstall"),
            Reason::IphoneNeedsFullRestore => t!("fidelity-iphone-full-restore"),
            Reason::CameraPhotosOnly => t!("fidelity-camera-photos-only"),
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
    /// The reasons behind `converted` and `impossible`, each once.
    pub reasons: Vec<Reason>,
}

impl CategoryPlan {
    fn new(category: Category) -> Self {
        Self { category, as_is: 0, converted: 0, impossible: 0, reasons: Vec::new() }
    }

    fn count(&mut self, transfer: Transfer) {
        match transfer {
            Transfer::AsIs => self.as_is += 1,
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
        (Category::Messages | Category::Calls, Platform::Ios) => {
            Transfer::Impossible(Reason::IphoneNeedsFullRestore)
        }
        (Category::Apps, _) => Transfer::Impossible(Reason::AppsReinstall),
        _ => Transfer::AsIs,
    }
}

fn message_rule(message: &Message, target: Platform) -> Transfer {
    match category_rule(Category::Messages, target) {
        Transfer::AsIs
            if target != Platform::Files && (message.origin.is_some() || !message.lost.is_empty()) =>
        {
            Transfer::Converted(Reason::ImessageFlattened)
        }
        other => other,
    }
}

fn setting_rule(setting: &Setting, source: Platform, target: Platform) -> Transfer {
    match (target, setting.portable) {
        (Platform::Files, _) => Transfer::AsIs,
        (Platform::Camera, _) => Transfer::Impossible(Reason::CameraPhotosOnly),
        (_, None) => Transfer::Impossible(Reason::SettingNotPortable),
        (_, Some(_)) if source == target => Transfer::AsIs,
        (_, Some(_)) => Transfer::Converted(Reason::SettingTranslated),
    }
}

/// Plans restoring the chosen categories of a snapshot made from `source` onto `target`.
pub fn plan(
    items: &SnapshotItems<'_>,
    source: &DeviceIdentity,
    target: &DeviceIdentity,
    categories: &CategorySet,
) -> Result<Vec<CategoryPlan>, EngineError> {
    let (from, to) = (Platform::of(source), Platform::of(target));
    let mut plans = Vec::new();
    for category in categories.iter() {
        let mut plan = CategoryPlan::new(category);
        match category {
            Category::Contacts => {
                for _ in items.records::<Contact>(category)? {
                    plan.count(category_rule(category, to));
                }
            }
            Category::Messages => {
                for message in items.records::<Message>(category)? {
                    plan.count(message_rule(&message?, to));
                }
            }
            Category::Calls => {
                for call in items.records::<CallEntry>(category)? {
                    call?;
                    plan.count(category_rule(category, to));
                }
            }
            Category::Settings => {
                for setting in items.records::<Setting>(category)? {
                    plan.count(setting_rule(&setting?, from, to));
                }
            }
            Category::Apps => {
                for app in items.records::<App>(category)? {
                    app?;
                    plan.count(category_rule(category, to));
                }
            }
            Category::Photos | Category::Files => {
                for node in items.nodes().iter().filter(|n| n.entry.category == category && n.entry.is_file())
                {
                    let _ = node;
                    plan.count(category_rule(category, to));
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
    }

    #[test]
    fn the_matrix_says_what_cannot_move() {
        assert_eq!(category_rule(Category::Messages, Platform::Android), Transfer::AsIs);
        assert_eq!(
            category_rule(Category::Messages, Platform::Ios),
            Transfer::Impossible(Reason::IphoneNeedsFullRestore)
        );
        assert_eq!(
            category_rule(Category::Apps, Platform::Android),
            Transfer::Impossible(Reason::AppsReinstall)
        );
        assert_eq!(category_rule(Category::Apps, Platform::Files), Transfer::AsIs);
        assert_eq!(
            category_rule(Category::Contacts, Platform::Camera),
            Transfer::Impossible(Reason::CameraPhotosOnly)
        );
        let portable = Setting::android("system", "screen_off_timeout", Some("30000".into()));
        assert!(portable.portable.is_some());
        assert_eq!(
            setting_rule(&portable, Platform::Ios, Platform::Android),
            Transfer::Converted(Reason::SettingTranslated)
        );
        assert_eq!(setting_rule(&portable, Platform::Android, Platform::Android), Transfer::AsIs);
        let local = Setting::android("secure", "bluetooth_address", Some("aa".into()));
        assert_eq!(
            setting_rule(&local, Platform::Android, Platform::Android),
            Transfer::Impossible(Reason::SettingNotPortable)
        );
        for reason in [Reason::ImessageFlattened, Reason::AppsReinstall, Reason::IphoneNeedsFullRestore] {
            assert!(!reason.text().is_empty());
        }
    }
}
