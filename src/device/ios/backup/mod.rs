//! iPhone backups made by Finder, iTunes or libimobiledevice (`idevicebackup2`), read in place and never
//! changed.
//!
//! A backup folder holds `Info.plist` (the device: name, model, iOS version, serial number, UDID),
//! `Manifest.plist` (encryption: `IsEncrypted`, the `BackupKeyBag`, the `ManifestKey`), `Status.plist` (whether
//! the backup finished), `Manifest.db` (the file list, see [`manifest`]) and every file under
//! `<first two characters of its fileID>/<fileID>`.
//!
//! Encrypted backups: the password unlocks the keybag once ([`keybag`]), which gives the class keys; the
//! `ManifestKey` (4-byte class, wrapped key) unwraps the key of `Manifest.db`, which is decrypted with
//! AES-256-CBC and a zero IV into a private scratch folder; each file's own key is in its `Manifest.db` metadata
//! (`EncryptionKey`) and the file is decrypted while it is read, cut at the size the metadata records.

mod device;
mod error;
pub mod extract;
pub(crate) mod keybag;
pub(crate) mod manifest;

pub use device::ItunesBackupDevice;
pub use error::IosBackupError;
pub use manifest::{BackupFile, FileKind};

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use plist::{Dictionary, Value};
use tempfile::TempDir;

use crate::device::import::cbc::{CbcReader, Tail};
use crate::device::import::confined;
use crate::engine::Cancel;

use keybag::{ClassKeys, Keybag, KeybagError};
use manifest::RejectedRow;

/// What `Info.plist` (and, where it is silent, `Manifest.plist`'s `Lockdown`) says about the device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupInfo {
    /// The name the person gave the iPhone ("Anna's iPhone").
    pub device_name: Option<String>,
    /// Apple's model identifier (`iPhone9,3`).
    pub product_type: Option<String>,
    /// iOS version (`14.3`).
    pub product_version: Option<String>,
    /// iOS build (`18C66`).
    pub build_version: Option<String>,
    /// Serial number.
    pub serial_number: Option<String>,
    /// The device's UDID (also the usual name of the backup folder).
    pub unique_identifier: Option<String>,
    /// IMEI, when the device has one.
    pub imei: Option<String>,
    /// The phone number, when recorded.
    pub phone_number: Option<String>,
    /// When the backup was made, in seconds since 1970.
    pub last_backup_date: Option<i64>,
    /// Bundle ids of the apps the backup lists.
    pub installed_applications: Vec<String>,
    /// `Status.plist`'s `SnapshotState` (`finished` for a complete backup).
    pub snapshot_state: Option<String>,
}

/// An opened (and, if encrypted, unlocked) iPhone backup folder.
pub struct ItunesBackup {
    root: PathBuf,
    info: BackupInfo,
    keys: Option<ClassKeys>,
    /// `Manifest.db` as SQLite can read it: the original, or the decrypted copy in `scratch`.
    manifest_db: PathBuf,
    files: Vec<BackupFile>,
    /// Rows of `Manifest.db` that are not used (a file id that is not a SHA-1, metadata that cannot be read).
    rejected: Vec<RejectedRow>,
    by_name: HashMap<(String, String), usize>,
    scratch: TempDir,
}

/// The backup's own files (not listed in `Manifest.db`), in the order they are kept.
pub const BACKUP_METADATA_FILES: [&str; 4] = ["Info.plist", "Manifest.plist", "Status.plist", "Manifest.db"];

impl ItunesBackup {
    /// Opens the backup folder at `root`. An encrypted backup needs `password`; its key derivation (seconds for
    /// the 10,000,000 rounds of current iOS) reports rounds done and rounds in all to `progress` and stops when
    /// `cancel` is flipped.
    pub fn open(
        root: &Path,
        password: Option<&str>,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &Cancel,
    ) -> Result<Self, IosBackupError> {
        let root = fs::canonicalize(root).map_err(|e| IosBackupError::io("open", root, e))?;
        let manifest_path = root.join("Manifest.db");
        match fs::symlink_metadata(&manifest_path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if root.join("Manifest.mbdb").is_file() {
                    return Err(IosBackupError::TooOld(root));
                }
                return Err(IosBackupError::NotABackup(root));
            }
            Err(e) => return Err(IosBackupError::io("read", manifest_path, e)),
            Ok(_) => {}
        }
        let info_plist = read_plist_if_present(&root, "Info.plist")?;
        let manifest_plist = read_plist_if_present(&root, "Manifest.plist")?;
        let status_plist = read_plist_if_present(&root, "Status.plist")?;
        let info = backup_info(info_plist.as_ref(), manifest_plist.as_ref(), status_plist.as_ref());
        let scratch = tempfile::Builder::new()
            .prefix("lifeboat-iphone-backup-")
            .tempdir()
            .map_err(|e| IosBackupError::io("create a scratch folder for", &root, e))?;

        let encrypted = manifest_plist
            .as_ref()
            .and_then(|m| m.get("IsEncrypted"))
            .and_then(Value::as_boolean)
            .unwrap_or(false);
        let (keys, manifest_db) = if encrypted {
            let manifest = manifest_plist.as_ref().ok_or_else(|| IosBackupError::NotABackup(root.clone()))?;
            let password = password.ok_or_else(|| IosBackupError::PasswordNeeded(root.clone()))?;
            let keys = unlock(&root, manifest, password, progress, cancel)?;
            let manifest_db = decrypt_manifest_db(&root, manifest, &keys, scratch.path())?;
            (Some(keys), manifest_db)
        } else {
            (None, copy_manifest_db(&root, scratch.path())?)
        };
        let (files, rejected) = manifest::read_files(&manifest_db)
            .map_err(|detail| IosBackupError::Manifest { path: root.clone(), detail })?;
        let by_name =
            files.iter().enumerate().map(|(i, f)| ((f.domain.clone(), f.relative_path.clone()), i)).collect();
        Ok(Self { root, info, keys, manifest_db, files, rejected, by_name, scratch })
    }

    /// The backup folder (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What the backup says about the device.
    pub fn info(&self) -> &BackupInfo {
        &self.info
    }

    /// Whether the backup is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_some()
    }

    /// Every row of `Manifest.db`, ordered by domain and path.
    pub fn files(&self) -> &[BackupFile] {
        &self.files
    }

    /// Rows of `Manifest.db` that are not read, as `domain/relativePath` and the reason: a file id that is not
    /// a SHA-1 (it could name a file outside the backup) or metadata that cannot be decoded.
    pub fn rejected(&self) -> &[(String, String)] {
        &self.rejected
    }

    /// The row for `domain` and `relative_path`, if the backup lists it.
    pub fn find(&self, domain: &str, relative_path: &str) -> Option<&BackupFile> {
        self.by_name.get(&(domain.to_string(), relative_path.to_string())).map(|&i| &self.files[i])
    }

    /// `Manifest.db` as SQLite can read it (decrypted for encrypted backups).
    pub fn manifest_db(&self) -> &Path {
        &self.manifest_db
    }

    /// A private folder that lives as long as this backup is open.
    pub(crate) fn scratch(&self) -> &Path {
        self.scratch.path()
    }

    /// Where a file's stored bytes are: `<id[..2]>/<id>`, or `<id>` in flat backups some tools make. Only a
    /// regular file counts: a link or anything else under that name is refused with the reason.
    fn stored_path(&self, file: &BackupFile) -> Result<PathBuf, String> {
        if !manifest::is_file_id(&file.file_id) {
            return Err(format!(
                "its file id \"{}\" is not 40 hexadecimal digits",
                file.file_id.escape_debug()
            ));
        }
        let prefix = &file.file_id[..2];
        for path in [self.root.join(prefix).join(&file.file_id), self.root.join(&file.file_id)] {
            match confined::regular_metadata(&path) {
                Ok(_) => return Ok(path),
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("its file {} cannot be read: {e}", file.file_id)),
            }
        }
        Err(format!("Manifest.db lists it, but its file {} is not in the backup folder", file.file_id))
    }

    /// How many bytes [`ItunesBackup::open_file`] will deliver for `file`, or why it cannot.
    pub fn content_size(&self, file: &BackupFile) -> Result<u64, String> {
        let path = self.stored_path(file)?;
        let on_disk = confined::regular_metadata(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .len();
        if self.keys.is_none() {
            return Ok(on_disk);
        }
        // Encrypted files are padded to whole AES blocks; the metadata has the true size.
        if on_disk < file.size {
            return Err(format!(
                "its encrypted file {} holds {on_disk} bytes but {} were backed up",
                file.file_id, file.size
            ));
        }
        Ok(file.size)
    }

    /// Opens a file's content for reading, decrypting it on the fly in encrypted backups.
    pub fn open_file(&self, file: &BackupFile) -> Result<Box<dyn Read + Send>, IosBackupError> {
        let path = self.stored_path(file).map_err(|reason| {
            IosBackupError::io(
                "read",
                self.root.join(&file.file_id),
                io::Error::new(io::ErrorKind::NotFound, reason),
            )
        })?;
        let stored =
            confined::open_inside(&self.root, &path).map_err(|e| IosBackupError::io("read", &path, e))?;
        let Some(keys) = &self.keys else { return Ok(Box::new(stored)) };
        if file.size == 0 {
            return Ok(Box::new(io::empty()));
        }
        let wrapped = file.encryption_key.as_deref().ok_or_else(|| IosBackupError::FileKey {
            path: self.root.clone(),
            item: file.display_name(),
            detail: "its metadata has no EncryptionKey".into(),
        })?;
        let key = keys.unwrap_key(wrapped).map_err(|detail| IosBackupError::FileKey {
            path: self.root.clone(),
            item: file.display_name(),
            detail,
        })?;
        let reader = CbcReader::new(BufReader::new(stored), &key, &[0; 16], Tail::Exact(file.size));
        Ok(Box::new(reader))
    }

    /// Copies a file's content (decrypted) to `dest`.
    pub fn copy_file(&self, file: &BackupFile, dest: &Path) -> Result<u64, IosBackupError> {
        let mut reader = self.open_file(file)?;
        let mut out = File::create(dest).map_err(|e| IosBackupError::io("write", dest, e))?;
        io::copy(&mut reader, &mut out)
            .map_err(|e| IosBackupError::io("decrypt", self.root.join(&file.file_id), e))
    }

    /// The backup's own files that exist, with the path their (readable, decrypted) content is at.
    pub fn metadata_files(&self) -> Vec<(&'static str, PathBuf)> {
        BACKUP_METADATA_FILES
            .iter()
            .map(|&name| {
                (name, if name == "Manifest.db" { self.manifest_db.clone() } else { self.root.join(name) })
            })
            .filter(|(_, path)| confined::regular_metadata(path).is_ok())
            .collect()
    }

    /// Opens one of [`ItunesBackup::metadata_files`]: inside the backup folder only as a regular file there,
    /// or the copy of `Manifest.db` Lifeboat made itself.
    pub fn open_metadata_file(&self, path: &Path) -> Result<File, IosBackupError> {
        let opened = if path.starts_with(&self.root) {
            confined::open_inside(&self.root, path)
        } else {
            File::open(path)
        };
        opened.map_err(|e| IosBackupError::io("read", path, e))
    }
}

fn read_plist_if_present(root: &Path, name: &str) -> Result<Option<Dictionary>, IosBackupError> {
    let path = root.join(name);
    let plist_error = |detail: String| IosBackupError::Plist { path: path.clone(), detail };
    let file = match confined::open_inside(root, &path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(plist_error(e.to_string())),
    };
    let value =
        Value::from_reader(BufReader::new(file)).map_err(|e| plist_error(manifest::plist_problem(&e)))?;
    match value {
        Value::Dictionary(dict) => Ok(Some(dict)),
        _ => Err(IosBackupError::Plist { path: path.to_path_buf(), detail: "it is not a dictionary".into() }),
    }
}

pub(crate) fn backup_info(
    info: Option<&Dictionary>,
    manifest: Option<&Dictionary>,
    status: Option<&Dictionary>,
) -> BackupInfo {
    let lockdown = manifest.and_then(|m| m.get("Lockdown")).and_then(Value::as_dictionary);
    let text = |info_key: &str, lockdown_key: &str| -> Option<String> {
        info.and_then(|i| i.get(info_key))
            .or_else(|| lockdown.and_then(|l| l.get(lockdown_key)))
            .and_then(Value::as_string)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    BackupInfo {
        device_name: text("Device Name", "DeviceName").or_else(|| text("Display Name", "DeviceName")),
        product_type: text("Product Type", "ProductType"),
        product_version: text("Product Version", "ProductVersion"),
        build_version: text("Build Version", "BuildVersion"),
        serial_number: text("Serial Number", "SerialNumber"),
        unique_identifier: text("Unique Identifier", "UniqueDeviceID")
            .or_else(|| text("Target Identifier", "")),
        imei: text("IMEI", ""),
        phone_number: text("Phone Number", ""),
        last_backup_date: info
            .and_then(|i| i.get("Last Backup Date"))
            .and_then(Value::as_date)
            .and_then(|d| std::time::SystemTime::from(d).duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs() as i64),
        installed_applications: info
            .and_then(|i| i.get("Installed Applications"))
            .and_then(Value::as_array)
            .map(|apps| apps.iter().filter_map(Value::as_string).map(str::to_string).collect())
            .unwrap_or_default(),
        snapshot_state: status
            .and_then(|s| s.get("SnapshotState"))
            .and_then(Value::as_string)
            .map(str::to_string),
    }
}

fn unlock(
    root: &Path,
    manifest: &Dictionary,
    password: &str,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &Cancel,
) -> Result<ClassKeys, IosBackupError> {
    let damaged = |detail: String| IosBackupError::Keys { path: root.to_path_buf(), detail };
    let bag = manifest
        .get("BackupKeyBag")
        .and_then(Value::as_data)
        .ok_or_else(|| damaged("Manifest.plist has no BackupKeyBag".into()))?;
    let bag = Keybag::parse(bag).map_err(|e| damaged(e.to_string()))?;
    bag.unlock(password, progress, cancel).map_err(|e| match e {
        KeybagError::WrongPassword => IosBackupError::WrongPassword(root.to_path_buf()),
        KeybagError::Cancelled => IosBackupError::Cancelled,
        KeybagError::Malformed(detail) => damaged(detail),
    })
}

/// Decrypts `Manifest.db` into the scratch folder and returns the copy's path.
fn decrypt_manifest_db(
    root: &Path,
    manifest: &Dictionary,
    keys: &ClassKeys,
    scratch: &Path,
) -> Result<PathBuf, IosBackupError> {
    let damaged = |detail: String| IosBackupError::Keys { path: root.to_path_buf(), detail };
    let wrapped = manifest
        .get("ManifestKey")
        .and_then(Value::as_data)
        .ok_or_else(|| damaged("Manifest.plist has no ManifestKey".into()))?;
    let key =
        keys.unwrap_key(wrapped).map_err(|e| damaged(format!("the ManifestKey cannot be used: {e}")))?;
    let source = root.join("Manifest.db");
    let encrypted =
        confined::open_inside(root, &source).map_err(|e| IosBackupError::io("read", &source, e))?;
    let length = encrypted.metadata().map_err(|e| IosBackupError::io("read", &source, e))?.len();
    if length % 16 != 0 {
        return Err(damaged(format!("the encrypted Manifest.db is {length} bytes, not whole AES blocks")));
    }
    let dest = scratch.join("Manifest.db");
    let mut out = File::create(&dest).map_err(|e| IosBackupError::io("write", &dest, e))?;
    let mut reader = CbcReader::new(BufReader::new(encrypted), &key, &[0; 16], Tail::Exact(length));
    io::copy(&mut reader, &mut out).map_err(|e| IosBackupError::io("decrypt", &source, e))?;
    drop(out);
    trim_to_sqlite_size(&dest).map_err(|e| IosBackupError::io("decrypt", &source, e))?;
    // The decrypted copy carries the original's time, so an unchanged backup imported again is recognised as
    // unchanged instead of looking new every time.
    if let Ok(meta) = fs::metadata(&source) {
        let mtime = filetime::FileTime::from_last_modification_time(&meta);
        let _ = filetime::set_file_mtime(&dest, mtime);
    }
    Ok(dest)
}

/// Copies the plain `Manifest.db` into the scratch folder, so SQLite (which opens by name) only ever opens a
/// file Lifeboat checked and wrote itself, never a link planted in the backup.
fn copy_manifest_db(root: &Path, scratch: &Path) -> Result<PathBuf, IosBackupError> {
    let source = root.join("Manifest.db");
    let mut original =
        confined::open_inside(root, &source).map_err(|e| IosBackupError::io("read", &source, e))?;
    let dest = scratch.join("Manifest.db");
    let mut out = File::create(&dest).map_err(|e| IosBackupError::io("write", &dest, e))?;
    io::copy(&mut original, &mut out).map_err(|e| IosBackupError::io("copy", &source, e))?;
    drop(out);
    // The copy keeps the original's time, so an unchanged backup imported again is seen to be unchanged.
    if let Ok(meta) = original.metadata() {
        let mtime = filetime::FileTime::from_last_modification_time(&meta);
        let _ = filetime::set_file_mtime(&dest, mtime);
    }
    Ok(dest)
}

/// Cuts padding after the last page: the database header says how long the file really is (page size at
/// offset 16, page count at offset 28). A plaintext without the SQLite magic means the key was wrong.
fn trim_to_sqlite_size(path: &Path) -> io::Result<()> {
    let mut header = [0u8; 32];
    File::open(path)?.read_exact(&mut header)?;
    if &header[..16] != b"SQLite format 3\0" {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "Manifest.db does not decrypt to a database: the ManifestKey does not match it",
        ));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        size => u64::from(size),
    };
    let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    let expected = page_size * pages;
    let file = fs::OpenOptions::new().write(true).open(path)?;
    if expected > 0 && file.metadata()?.len() > expected {
        file.set_len(expected)?;
    }
    Ok(())
}
