//! What can go wrong reading an iPhone backup folder, in sentences that name the backup and say what to do.
//!
//! Rules: every variant names the backup folder (and the file inside it, when there is one). Only
//! [`IosBackupError::Io`] can succeed when simply tried again; a wrong password needs another password, a
//! damaged backup needs another backup.

use std::io;
use std::path::PathBuf;

use crate::device::DeviceError;

/// A failure reading an iPhone backup.
#[derive(Debug, thiserror::Error)]
pub enum IosBackupError {
    /// A file of the backup could not be read.
    #[error("cannot {action} \"{path}\": {source}")]
    Io {
        /// "read", "open", "decrypt", ...
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// What the operating system (or the decryption) said.
        #[source]
        source: io::Error,
    },
    /// The folder is not an iPhone backup.
    #[error(
        "\"{0}\" is not an iPhone backup folder: it has no Manifest.db (Finder, iTunes and libimobiledevice \
         backups have one; choose the folder named after the iPhone's identifier)"
    )]
    NotABackup(PathBuf),
    /// A backup of iOS 9 or older, whose file list is `Manifest.mbdb`.
    #[error(
        "the iPhone backup at \"{0}\" was made by iOS 9 or older (it lists its files in Manifest.mbdb), which \
         Lifeboat cannot read yet; update the iPhone and back it up again"
    )]
    TooOld(PathBuf),
    /// A property list of the backup is unreadable.
    #[error("\"{path}\" in the iPhone backup is not a readable property list: {detail}")]
    Plist {
        /// The plist file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// `Manifest.db` cannot be read.
    #[error("the file list Manifest.db of the iPhone backup at \"{path}\" cannot be read: {detail}")]
    Manifest {
        /// The backup folder.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The backup is encrypted and no password was given.
    #[error(
        "the iPhone backup at \"{0}\" is encrypted: give the backup password that was set in Finder or iTunes \
         (\"Encrypt local backup\")"
    )]
    PasswordNeeded(PathBuf),
    /// The password does not unlock the backup.
    #[error(
        "wrong password for the iPhone backup at \"{0}\": give the password that was set in Finder or iTunes \
         when local backups were first encrypted (it is not the iPhone's passcode)"
    )]
    WrongPassword(PathBuf),
    /// The encryption data of the backup is damaged.
    #[error("the encryption keys of the iPhone backup at \"{path}\" are damaged: {detail}")]
    Keys {
        /// The backup folder.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// One file's key cannot be unwrapped.
    #[error("cannot decrypt \"{item}\" of the iPhone backup at \"{path}\": {detail}")]
    FileKey {
        /// The backup folder.
        path: PathBuf,
        /// `domain/relativePath` of the file.
        item: String,
        /// What is wrong.
        detail: String,
    },
    /// One of the iPhone's databases (sms.db, AddressBook.sqlitedb, ...) cannot be read.
    #[error("the {what} database \"{item}\" of the iPhone backup at \"{path}\" cannot be read: {detail}")]
    Database {
        /// "messages", "contacts", "call history".
        what: &'static str,
        /// `domain/relativePath` of the database.
        item: String,
        /// The backup folder.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// The person cancelled (during key derivation).
    #[error("cancelled")]
    Cancelled,
}

impl IosBackupError {
    /// Shorthand for an [`IosBackupError::Io`] error.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        IosBackupError::Io { action, path: path.into(), source }
    }

    /// Whether trying again (unchanged) can succeed.
    pub fn retryable(&self) -> bool {
        matches!(self, IosBackupError::Io { .. })
    }

    /// The same failure in the words of the device layer, for [`crate::device::Device`] methods.
    pub fn into_device_error(self, device: &str) -> DeviceError {
        match self {
            IosBackupError::Io { action, path, source } => DeviceError::Io { action, path, source },
            IosBackupError::Cancelled => DeviceError::Cancelled,
            other => DeviceError::Protocol { device: device.to_string(), detail: other.to_string() },
        }
    }
}
