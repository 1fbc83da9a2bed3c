//! The platform folders Lifeboat uses: data (the default vault), config (remembered devices), state (logs),
//! cache (thumbnails).

use std::path::PathBuf;

use directories::ProjectDirs;

/// The platform's folders for Lifeboat, when the platform has a home directory.
pub fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("org", "Lifeboat", "lifeboat")
}

/// Where the vault lives unless `--vault` or `LIFEBOAT_VAULT` says otherwise.
pub fn default_vault() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.data_dir().join("vault"))
}

/// Where the demo keeps its phone folder and vault.
pub fn demo_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.data_dir().join("demo"))
}
