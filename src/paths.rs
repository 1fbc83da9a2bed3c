//! The platform folders Lifeboat uses: data (the default vault), config (remembered devices), state (logs),
//! cache (thumbnails). Everything Lifeboat writes about a person outside the vault (logs, restores, exports,
//! thumbnails) is created private to the user with the helpers here: folders 0700, files 0600.

use std::fs::{DirBuilder, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

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

/// Creates `dir` and its missing parents, private to the user (0700 on Unix). Folders already there keep
/// their permissions: they are the person's.
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    private_dirs().recursive(true).create(dir)
}

/// Creates one folder, private to the user (0700 on Unix).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    private_dirs().create(dir)
}

fn private_dirs() -> DirBuilder {
    let mut builder = DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
}

/// Options that create a file private to the user (0600 on Unix); add `write`, `append`, `create`... as needed.
pub fn private_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}
