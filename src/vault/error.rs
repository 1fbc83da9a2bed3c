//! What can go wrong with a vault.
//!
//! Rules for this file: every message is a sentence a person can act on and names the vault file, snapshot or
//! item concerned; damage is never reported as a generic I/O error, so `verify` and restore can say exactly
//! what is lost; `retryable` tells whether the same call can succeed later (a lock held, a disk full).

use std::io;
use std::path::PathBuf;

/// A vault failure.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No vault where one was expected.
    #[error("there is no Lifeboat vault at \"{0}\"; create one with `lifeboat vault init`")]
    NotAVault(PathBuf),
    /// A vault, or part of one, is where a new one was to be created.
    #[error(
        "\"{0}\" already holds a Lifeboat vault (or part of one); nothing was changed. Open it with its password, or choose an empty folder for a new vault"
    )]
    AlreadyExists(PathBuf),
    /// A new vault was to be made in a folder that holds other files.
    #[error(
        "\"{0}\" is not empty; choose an empty or new folder for the vault (or allow a folder with other files in it)"
    )]
    NotEmpty(PathBuf),
    /// A vault written by a newer Lifeboat.
    #[error(
        "the vault at \"{path}\" has format version {found}, but this Lifeboat reads only version {supported}; update Lifeboat"
    )]
    UnsupportedVersion {
        /// The vault.
        path: PathBuf,
        /// Its version.
        found: u32,
        /// What we read.
        supported: u32,
    },
    /// No key slot opens with the given password.
    #[error("wrong password for the vault at \"{0}\"")]
    WrongPassword(PathBuf),
    /// What was typed looks like a recovery code but is not a valid one.
    #[error("{0}")]
    RecoveryCode(#[from] super::recovery::BadRecoveryCode),
    /// Another Lifeboat is writing to the vault.
    #[error(
        "the vault is in use by {holder} since {since}; wait for it to finish, or run `lifeboat unlock` if that program is gone"
    )]
    Locked {
        /// "process 1234 on host-a".
        holder: String,
        /// When it took the lock.
        since: String,
    },
    /// A vault file failed authentication or could not be parsed: it was changed, truncated or corrupted.
    #[error("{what} is damaged: {reason}")]
    Damaged {
        /// The file or blob, e.g. `pack data/3f/3fa9…` or `index index/91c2…`.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A file the index promises is gone.
    #[error("{what} is missing from the vault")]
    Missing {
        /// The file or blob.
        what: String,
    },
    /// No snapshot matches what the person typed.
    #[error("no snapshot matches \"{0}\"; `lifeboat snapshots` lists them")]
    NoSuchSnapshot(String),
    /// A snapshot prefix that fits several.
    #[error("\"{0}\" matches several snapshots; type more of the id")]
    AmbiguousSnapshot(String),
    /// The disk holding the vault is full.
    #[error(
        "the disk holding the vault is full while writing \"{0}\"; free some space and run again (what was already stored is kept)"
    )]
    DiskFull(PathBuf),
    /// Any other file-system error.
    #[error("cannot {action} \"{path}\": {source}")]
    Io {
        /// "read", "write", "rename"...
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The password could not be turned into a key with the stored parameters.
    #[error("the key derivation parameters of \"{0}\" are not usable")]
    BadKdf(PathBuf),
    /// The person cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl VaultError {
    /// Wraps an I/O error, recognising a full disk.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        if source.kind() == io::ErrorKind::StorageFull || source.raw_os_error() == Some(28) {
            return VaultError::DiskFull(path);
        }
        VaultError::Io { action, path, source }
    }

    /// Shorthand for [`VaultError::Damaged`].
    pub fn damaged(what: impl Into<String>, reason: impl Into<String>) -> Self {
        VaultError::Damaged { what: what.into(), reason: reason.into() }
    }

    /// Whether the same call can succeed later without anything being repaired.
    pub fn retryable(&self) -> bool {
        matches!(self, VaultError::Locked { .. } | VaultError::DiskFull(_) | VaultError::Io { .. })
    }
}

/// Shorthand for vault results.
pub type Result<T, E = VaultError> = std::result::Result<T, E>;
