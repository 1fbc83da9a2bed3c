//! Settings: every key a phone reports, kept as it is, plus a small vocabulary of *portable* settings that mean
//! the same on any phone (ringtone, 24-hour clock, screen timeout, …) so they can move from an Android phone to
//! an iPhone or back.

use serde::{Deserialize, Serialize};

use super::identity::{ContentId, IdentityHasher};
use super::raw::RawSource;

/// A setting that means the same thing on every phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortableKey {
    /// The ringtone (a sound URI or name).
    Ringtone,
    /// The notification sound.
    NotificationSound,
    /// The alarm sound.
    AlarmSound,
    /// Whether the clock shows 24 hours.
    Clock24Hour,
    /// How long the screen stays on, in milliseconds.
    ScreenTimeout,
    /// Screen brightness.
    Brightness,
    /// Whether brightness follows the light around.
    AutoBrightness,
    /// The user's languages and region (`en-US`).
    Locale,
    /// Whether the time is set from the network.
    AutoTime,
    /// Whether the time zone is set from the network.
    AutoTimeZone,
    /// Text size.
    FontScale,
    /// Whether the phone vibrates when ringing.
    VibrateWhenRinging,
}

/// Android keys (`namespace`, `key`) for each portable setting, as `settings get NAMESPACE KEY` names them.
const ANDROID_KEYS: &[(PortableKey, &str, &str)] = &[
    (PortableKey::Ringtone, "system", "ringtone"),
    (PortableKey::NotificationSound, "system", "notification_sound"),
    (PortableKey::AlarmSound, "system", "alarm_alert"),
    (PortableKey::Clock24Hour, "system", "time_12_24"),
    (PortableKey::ScreenTimeout, "system", "screen_off_timeout"),
    (PortableKey::Brightness, "system", "screen_brightness"),
    (PortableKey::AutoBrightness, "system", "screen_brightness_mode"),
    (PortableKey::Locale, "system", "system_locales"),
    (PortableKey::AutoTime, "global", "auto_time"),
    (PortableKey::AutoTimeZone, "global", "auto_time_zone"),
    (PortableKey::FontScale, "system", "font_scale"),
    (PortableKey::VibrateWhenRinging, "system", "vibrate_when_ringing"),
];

/// iPhone keys (preference domain, key) for the portable settings an iOS backup carries.
const IOS_KEYS: &[(PortableKey, &str, &str)] = &[
    (PortableKey::Locale, ".GlobalPreferences", "AppleLocale"),
    (PortableKey::Clock24Hour, ".GlobalPreferences", "AppleICUForce24HourTime"),
    (PortableKey::Ringtone, "com.apple.springboard", "ringtone"),
];

impl PortableKey {
    /// The portable meaning of an Android setting, if it has one.
    pub fn from_android(namespace: &str, key: &str) -> Option<Self> {
        ANDROID_KEYS.iter().find(|(_, ns, k)| *ns == namespace && *k == key).map(|(p, _, _)| *p)
    }

    /// The Android namespace and key for this setting.
    pub fn android_key(self) -> Option<(&'static str, &'static str)> {
        ANDROID_KEYS.iter().find(|(p, _, _)| *p == self).map(|(_, ns, k)| (*ns, *k))
    }

    /// The portable meaning of an iPhone preference, if it has one.
    pub fn from_ios(domain: &str, key: &str) -> Option<Self> {
        IOS_KEYS.iter().find(|(_, d, k)| *d == domain && *k == key).map(|(p, _, _)| *p)
    }

    /// The iPhone preference domain and key for this setting, when iPhones have it.
    pub fn ios_key(self) -> Option<(&'static str, &'static str)> {
        IOS_KEYS.iter().find(|(p, _, _)| *p == self).map(|(_, d, k)| (*d, *k))
    }
}

/// One setting as the phone reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    /// Where it lives: `system`, `secure`, `global` on Android; a preference domain on an iPhone.
    pub namespace: String,
    /// Its key.
    pub key: String,
    /// Its value as text; `None` when the phone reported it as unset (`null`).
    pub value: Option<String>,
    /// Its portable meaning, when it has one.
    pub portable: Option<PortableKey>,
    /// The line or entry it was read from.
    pub raw: Option<RawSource>,
}

impl Setting {
    /// An Android setting, with its portable meaning filled in when it has one.
    pub fn android(namespace: &str, key: &str, value: Option<String>) -> Self {
        Self {
            namespace: namespace.to_string(),
            key: key.to_string(),
            value,
            portable: PortableKey::from_android(namespace, key),
            raw: None,
        }
    }

    /// The setting's content identity: namespace, key and value, exactly (settings are machine-written, so
    /// there is no formatting to forgive).
    pub fn content_id(&self) -> ContentId {
        let mut hasher = IdentityHasher::new("lifeboat.setting.v1");
        hasher.text("namespace", &self.namespace);
        hasher.text("key", &self.key);
        hasher.text("value-present", if self.value.is_some() { "1" } else { "0" });
        hasher.opt_text("value", self.value.as_deref());
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn android_keys_map_both_ways() {
        let setting = Setting::android("system", "time_12_24", Some("24".into()));
        assert_eq!(setting.portable, Some(PortableKey::Clock24Hour));
        assert_eq!(PortableKey::Clock24Hour.android_key(), Some(("system", "time_12_24")));
        assert_eq!(Setting::android("secure", "time_12_24", None).portable, None);
        assert_eq!(PortableKey::from_ios(".GlobalPreferences", "AppleLocale"), Some(PortableKey::Locale));
    }

    #[test]
    fn unset_and_empty_differ() {
        let unset = Setting::android("system", "x", None);
        let empty = Setting::android("system", "x", Some(String::new()));
        assert_ne!(unset.content_id(), empty.content_id());
    }
}
