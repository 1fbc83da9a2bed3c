//! Backups and exports made by other tools, read as devices: `adb backup` files ([`android_backup`]), vCard
//! files and SMS Backup & Restore exports ([`documents`]) and, through [`open_import`], iPhone backup folders
//! ([`crate::device::ios`]), which share the streaming decryption and the survey helpers kept here.
//!
//! Imports are read-only: their `restorer` refuses, because writing into another tool's backup format is not
//! restoring to a phone.

pub mod android_backup;
pub(crate) mod cbc;
pub(crate) mod confined;
pub mod documents;

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::data::ContentId;
use crate::data::documents::write_document;
use crate::engine::Cancel;

use super::ios::{IosBackupError, ItunesBackupDevice};
use super::{Device, DeviceError};
use android_backup::{AndroidBackupDevice, AndroidBackupError};

/// What sort of backup a path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// A folder made by Finder, iTunes or libimobiledevice.
    IphoneBackup,
    /// A file made by `adb backup`.
    AndroidBackup,
    /// A vCard file or an SMS Backup & Restore export.
    Document(documents::DocumentFormat),
}

impl ImportKind {
    /// Recognizes a backup by its content, not its name: a folder with `Manifest.db` (or the `Manifest.mbdb` of
    /// old iOS, refused later with its own message), or a file starting with `ANDROID BACKUP`.
    pub fn detect(path: &Path) -> Option<Self> {
        if path.is_dir() {
            let iphone = path.join("Manifest.db").is_file() || path.join("Manifest.mbdb").is_file();
            return iphone.then_some(ImportKind::IphoneBackup);
        }
        let mut head = [0u8; 15];
        let file = confined::open_regular(path).ok()?;
        file.take(15).read_exact(&mut head).ok()?;
        if &head == b"ANDROID BACKUP\n" {
            return Some(ImportKind::AndroidBackup);
        }
        documents::DocumentFormat::detect(path).map(ImportKind::Document)
    }
}

/// Why an import cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The iPhone backup cannot be opened.
    #[error(transparent)]
    Iphone(#[from] IosBackupError),
    /// The `adb backup` file cannot be opened.
    #[error(transparent)]
    Android(#[from] AndroidBackupError),
    /// The vCard file or SMS export cannot be read.
    #[error(transparent)]
    Document(#[from] DeviceError),
    /// The path is a FIFO, a socket or a device: reading one could block forever or never end.
    #[error(
        "\"{path}\" is {kind}, not a file or a folder: Lifeboat imports only regular files and backup folders"
    )]
    NotAFile {
        /// What was given.
        path: PathBuf,
        /// "a FIFO (named pipe)", "a socket", "a device".
        kind: &'static str,
    },
    /// The path is none of them.
    #[error(
        "\"{0}\" is not something Lifeboat imports: give an iPhone backup folder (one with a Manifest.db), an \
         Android backup file made by `adb backup`, a vCard file or an SMS Backup & Restore export"
    )]
    Unrecognized(PathBuf),
}

impl ImportError {
    /// The backup is encrypted and no password was given: ask for one and open again.
    pub fn password_needed(&self) -> bool {
        matches!(
            self,
            ImportError::Iphone(IosBackupError::PasswordNeeded(_))
                | ImportError::Android(AndroidBackupError::PasswordNeeded(_))
        )
    }

    /// The password given is wrong: ask again.
    pub fn wrong_password(&self) -> bool {
        matches!(
            self,
            ImportError::Iphone(IosBackupError::WrongPassword(_))
                | ImportError::Android(AndroidBackupError::WrongPassword(_))
        )
    }
}

/// Opens whatever backup `path` is, as a read-only device. `password` is needed for encrypted backups; the
/// key derivation of an encrypted iPhone backup takes seconds and reports rounds done and rounds in all to
/// `progress` (an `adb backup` unlocks at once and reports nothing), stopping when `cancel` is flipped.
pub fn open_import(
    path: &Path,
    password: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &Cancel,
) -> Result<Box<dyn Device>, ImportError> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        return Err(ImportError::NotAFile { path: path.to_path_buf(), kind: confined::kind_of(&meta) });
    }
    match ImportKind::detect(path) {
        Some(ImportKind::IphoneBackup) => {
            Ok(Box::new(ItunesBackupDevice::open(path, password, progress, cancel)?))
        }
        Some(ImportKind::AndroidBackup) => Ok(Box::new(AndroidBackupDevice::open(path, password)?)),
        Some(ImportKind::Document(_)) => Ok(Box::new(documents::DocumentFileDevice::open(path)?)),
        None => Err(ImportError::Unrecognized(path.to_path_buf())),
    }
}

/// Writes a record document to `path`, lines sorted by content id so that unchanged records give an identical
/// file (and the vault stores it again for free). Returns the file's size.
pub(crate) fn write_sorted_document<T: Serialize>(
    mut records: Vec<T>,
    content_id: impl Fn(&T) -> ContentId,
    path: &Path,
) -> Result<u64, DeviceError> {
    records.sort_by_cached_key(|r| content_id(r));
    let file = File::create(path).map_err(|e| DeviceError::io("write", path, e))?;
    let mut out = BufWriter::new(file);
    write_document(&records, &mut out)
        .map_err(|e| DeviceError::io("write", path, std::io::Error::other(e.to_string())))?;
    out.flush().map_err(|e| DeviceError::io("write", path, e))?;
    let size = std::fs::metadata(path).map_err(|e| DeviceError::io("read", path, e))?.len();
    Ok(size)
}
