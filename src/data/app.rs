//! Installed applications: enough to reinstall them (the id, the version, who installed it) and, where the
//! platform allows, the package itself.

use serde::{Deserialize, Serialize};

use super::identity::{ContentId, IdentityHasher};
use super::raw::RawSource;

/// Which platform an app belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppPlatform {
    /// An Android package.
    Android,
    /// An iOS app.
    Ios,
}

/// The kind of package file kept for an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageFormat {
    /// A single Android APK.
    Apk,
    /// A base APK with split APKs.
    SplitApks,
    /// An iOS IPA.
    Ipa,
}

/// A package file kept in the backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPackage {
    /// What kind of file it is.
    pub format: PackageFormat,
    /// Total size in bytes.
    pub size: u64,
    /// Item paths of the files in the snapshot (one for an APK or IPA, several for split APKs).
    pub files: Vec<String>,
}

/// One installed application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct App {
    /// Android or iOS.
    pub platform: AppPlatform,
    /// The package name or bundle id (`com.whatsapp`, `net.whatsapp.WhatsApp`).
    pub id: String,
    /// The name people see, when known.
    pub name: Option<String>,
    /// The version as shown (`2.24.1.6`).
    pub version_name: Option<String>,
    /// Android's version code, which orders versions.
    pub version_code: Option<i64>,
    /// The store or tool that installed it (`com.android.vending`), when known.
    pub installer: Option<String>,
    /// Whether it came with the system (such apps are not reinstalled).
    pub system: bool,
    /// The package file, when the backup holds one.
    pub package: Option<AppPackage>,
    /// What it was read from.
    pub raw: Option<RawSource>,
}

impl App {
    /// The app's content identity: platform, id, version name and version code. The name, installer and
    /// package presence do not count: the same app at the same version is the same app.
    pub fn content_id(&self) -> ContentId {
        let mut hasher = IdentityHasher::new("lifeboat.app.v1");
        hasher.text(
            "platform",
            match self.platform {
                AppPlatform::Android => "android",
                AppPlatform::Ios => "ios",
            },
        );
        hasher.text("id", &self.id);
        hasher.opt_text("version-name", self.version_name.as_deref());
        hasher.int("version-code", self.version_code.unwrap_or(-1));
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_depends_on_id_and_version_only() {
        let app = App {
            platform: AppPlatform::Android,
            id: "com.whatsapp".into(),
            name: Some("WhatsApp".into()),
            version_name: Some("2.24.1.6".into()),
            version_code: Some(242016),
            installer: None,
            system: false,
            package: None,
            raw: None,
        };
        let mut renamed = app.clone();
        renamed.name = None;
        renamed.package =
            Some(AppPackage { format: PackageFormat::Apk, size: 10, files: vec!["apps/base.apk".into()] });
        assert_eq!(app.content_id(), renamed.content_id());
        let mut newer = app.clone();
        newer.version_code = Some(242017);
        assert_ne!(app.content_id(), newer.content_id());
    }
}
