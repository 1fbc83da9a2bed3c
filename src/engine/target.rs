//! Where a restore or an export may write. Never into a vault (a restore with `--overwrite` into the vault's
//! own folder once replaced its config and key slots and killed every backup in it), and never into a folder
//! that holds the vault being read. Both faces call this before anything is created.
//!
//! A vault is recognised from the outside, without its password: by its marker file, or, since the marker
//! can be lost, by a `config` file beside the `keys/`, `data/`, `index/` and `snapshots/` folders.

use std::io;
use std::path::{Component, Path, PathBuf};

use super::EngineError;

/// The file that marks a vault (see `docs/vault-format.md`).
const MARKER: &str = "lifeboat-vault.json";

/// The folders every vault has beside its `config`.
const VAULT_FOLDERS: [&str; 4] = ["keys", "data", "index", "snapshots"];

/// Whether `dir` looks like a vault, with or without its marker.
pub fn looks_like_vault(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
        || (dir.join("config").is_file() && VAULT_FOLDERS.iter().all(|folder| dir.join(folder).is_dir()))
}

/// Refuses `target` (a folder or file a restore or export would write, which need not exist yet) when it is
/// inside any vault, or when it holds the vault at `vault_root`.
pub fn check_target(vault_root: &Path, target: &Path) -> Result<(), EngineError> {
    let resolved = resolve(target).map_err(|source| EngineError::Output { path: target.into(), source })?;
    if let Some(vault) = resolved.ancestors().find(|dir| looks_like_vault(dir)) {
        return Err(EngineError::TargetInVault { target: target.into(), vault: vault.into() });
    }
    let vault = resolve(vault_root).unwrap_or_else(|_| vault_root.to_path_buf());
    if vault.starts_with(&resolved) {
        return Err(EngineError::TargetHoldsVault { target: target.into(), vault });
    }
    Ok(())
}

/// The absolute path `path` names once links are followed: its nearest existing ancestor made canonical, and
/// the rest (which does not exist, so holds no links) applied by name. A `..` after a folder that does not
/// exist yet is applied too, since creating that folder and going back up lands exactly there.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let mut base = loop {
        match existing.canonicalize() {
            Ok(canonical) => break canonical,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return Err(io::Error::new(io::ErrorKind::NotFound, "no part of the path exists")),
        }
    };
    for component in rest.into_iter().rev() {
        match component {
            Component::ParentDir => {
                base.pop();
            }
            Component::Normal(name) => base.push(name),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths_that_do_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        assert_eq!(resolve(&dir.path().join("a/b/../c")).unwrap(), root.join("a/c"));
        assert_eq!(resolve(&dir.path().join("a/./b")).unwrap(), root.join("a/b"));
        assert_eq!(resolve(dir.path()).unwrap(), root);
    }
}
