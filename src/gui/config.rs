//! The app's settings and remembered devices, kept as one JSON file in the platform's config folder
//! (`~/.config/lifeboat/app.json` on Linux). Nothing secret lives here: never a password, never a file name
//! from inside a backup.
//!
//! Loading never fails: a missing or unreadable file gives the defaults (and the unreadable one is logged), so a
//! damaged config can never lock a person out of their backups.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::CategorySet;

/// Light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeChoice {
    /// Light backgrounds.
    #[default]
    Light,
    /// Dark backgrounds.
    Dark,
}

/// How photos are kept: the app passes the choice to every backup it runs.
pub use crate::engine::PhotoQuality;

/// Everything the app remembers between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Where the vault lives (`None`: the platform default).
    pub vault: Option<PathBuf>,
    /// Folders the person added as devices.
    pub folders: Vec<PathBuf>,
    /// Back up a known device as soon as it connects.
    pub auto_backup: bool,
    /// Remind after three weeks without a backup.
    pub reminder: bool,
    /// Categories switched on for a device seen for the first time.
    pub default_categories: CategorySet,
    /// Original photos or space-saving copies.
    pub photo_quality: PhotoQuality,
    /// "en", "de", or `None` for the system's language.
    pub language: Option<String>,
    /// Light or dark.
    pub theme: ThemeChoice,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            vault: None,
            folders: Vec::new(),
            auto_backup: false,
            reminder: true,
            // Everything: on a folder or SD card "other files" is most of what there is.
            default_categories: CategorySet::all(),
            photo_quality: PhotoQuality::Original,
            language: None,
            theme: ThemeChoice::Light,
        }
    }
}

impl Config {
    /// The config file in the platform's config folder, or under `LIFEBOAT_CONFIG_DIR` when set (tests and
    /// screenshots use that to stay away from the person's own settings).
    pub fn default_path() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("LIFEBOAT_CONFIG_DIR") {
            return Some(PathBuf::from(dir).join("app.json"));
        }
        crate::paths::project_dirs().map(|dirs| dirs.config_dir().join("app.json"))
    }

    /// Reads `path`, falling back to the defaults.
    pub fn load(path: &Path) -> Self {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                log::warn!("ignoring the unreadable settings in {}: {e}", path.display());
                Self::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(e) => {
                log::warn!("cannot read the settings in {}: {e}", path.display());
                Self::default()
            }
        }
    }

    /// Writes the config atomically (a temporary file renamed over the old one).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let dir = path.parent().ok_or_else(|| format!("{} has no folder", path.display()))?;
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let text = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        let temp = path.with_extension("json.tmp");
        std::fs::write(&temp, text).map_err(|e| format!("{}: {e}", temp.display()))?;
        std::fs::rename(&temp, path).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The vault folder in use.
    pub fn vault_path(&self) -> Option<PathBuf> {
        self.vault
            .clone()
            .or_else(|| std::env::var_os("LIFEBOAT_VAULT").map(PathBuf::from))
            .or_else(crate::paths::default_vault)
    }

    /// Where thumbnails are cached.
    pub fn cache_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("LIFEBOAT_CACHE_DIR") {
            return Some(PathBuf::from(dir));
        }
        crate::paths::project_dirs().map(|dirs| dirs.cache_dir().join("thumbnails"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/app.json");
        assert_eq!(Config::load(&path), Config::default());
        let config =
            Config { folders: vec!["/media/sd".into()], theme: ThemeChoice::Dark, ..Config::default() };
        config.save(&path).unwrap();
        assert_eq!(Config::load(&path), config);
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Config::load(&path), Config::default());
        // Settings written by an older version lack fields: they take their defaults.
        std::fs::write(&path, br#"{"auto_backup": true}"#).unwrap();
        assert!(Config::load(&path).auto_backup);
        assert!(Config::load(&path).reminder);
    }
}
