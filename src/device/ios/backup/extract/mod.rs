//! Normalized records from an iPhone backup: contacts, messages and call history read from the iPhone's own
//! SQLite databases, plus where photos and message attachments land in a snapshot.
//!
//! Each database is first copied (decrypted) with its `-wal` and `-journal` companions into a private scratch
//! folder, because SQLite must be able to replay them and the backup itself is never written to. A category
//! whose database the backup does not hold is reported as unavailable with the reason, not as an error.

mod calls;
mod contacts;
pub(crate) mod sms;
mod sqlite;

use std::fs;
use std::path::{Path, PathBuf};

use crate::data::{CallEntry, Contact, Message};

use super::{BackupFile, FileKind, IosBackupError, ItunesBackup};

/// The address book.
pub const ADDRESS_BOOK: (&str, &str) = ("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb");
/// Messages (SMS, MMS, iMessage).
pub const SMS_DB: (&str, &str) = ("HomeDomain", "Library/SMS/sms.db");
/// Call history, iOS 8 and later.
pub const CALL_HISTORY: (&str, &str) = ("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata");
/// Call history, iOS 7 and earlier.
pub const LEGACY_CALL_HISTORY: (&str, &str) = ("HomeDomain", "Library/CallHistory/call_history.db");

/// Where message attachments live: `MediaDomain`, under this folder.
const ATTACHMENTS_FOLDER: &str = "Library/SMS/Attachments/";
/// Where the camera roll lives: `CameraRollDomain`, under this folder.
const CAMERA_ROLL_FOLDER: &str = "Media/DCIM/";

/// The records of one category, or why the backup does not have them.
pub type Records<T> = Result<Vec<T>, String>;

/// Everything read from one backup.
#[derive(Debug)]
pub struct Extraction {
    /// Contacts from `AddressBook.sqlitedb`.
    pub contacts: Records<Contact>,
    /// Messages from `sms.db`.
    pub messages: Records<Message>,
    /// Calls from `CallHistory.storedata` or `call_history.db`.
    pub calls: Records<CallEntry>,
}

/// Reads contacts, messages and calls from `backup`, using `scratch` for decrypted copies of the databases.
/// Only a scratch folder that cannot be written is an error; everything else is reported per category.
pub fn extract_records(backup: &ItunesBackup, scratch: &Path) -> Result<Extraction, IosBackupError> {
    let contacts = with_database(backup, scratch, "contacts", &[ADDRESS_BOOK], contacts::read_contacts)?;
    let lookup = |phone_path: &str| attachment_item_for_phone_path(backup, phone_path);
    let messages =
        with_database(backup, scratch, "messages", &[SMS_DB], |db| sms::read_messages(db, &lookup))?;
    let calls = with_database(
        backup,
        scratch,
        "call history",
        &[CALL_HISTORY, LEGACY_CALL_HISTORY],
        calls::read_calls,
    )?;
    Ok(Extraction { contacts, messages, calls })
}

/// Copies the first of `candidates` that the backup holds into `scratch` and reads it with `read`.
fn with_database<T>(
    backup: &ItunesBackup,
    scratch: &Path,
    what: &'static str,
    candidates: &[(&str, &str)],
    read: impl FnOnce(&sqlite::Db) -> rusqlite::Result<Vec<T>>,
) -> Result<Records<T>, IosBackupError> {
    let mut missing = Vec::new();
    let mut found = None;
    for &(domain, path) in candidates {
        match backup.find(domain, path) {
            None => missing.push(format!("{domain}/{path} is not in it")),
            Some(file) => match backup.content_size(file) {
                Ok(_) => {
                    found = Some(file);
                    break;
                }
                Err(reason) => missing.push(format!("{domain}/{path}: {reason}")),
            },
        }
    }
    let Some(file) = found else {
        return Ok(Err(format!("this backup has no {what} database ({})", missing.join("; "))));
    };
    let folder = scratch.join(what.replace(' ', "-"));
    fs::create_dir_all(&folder).map_err(|e| IosBackupError::io("create", &folder, e))?;
    let copy = match copy_with_companions(backup, file, &folder) {
        Ok(copy) => copy,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let database_error = |e: rusqlite::Error| IosBackupError::Database {
        what,
        item: file.display_name(),
        path: backup.root().to_path_buf(),
        detail: e.to_string(),
    };
    let records = sqlite::Db::open(&copy).and_then(|db| read(&db)).map_err(database_error);
    // The copy is only needed while reading; a big sms.db should not sit in the temporary folder.
    let _ = fs::remove_dir_all(&folder);
    Ok(records.map_err(|e| e.to_string()))
}

/// Copies a database and whichever of its `-wal` and `-journal` files the backup holds, under the same names.
fn copy_with_companions(
    backup: &ItunesBackup,
    file: &BackupFile,
    folder: &Path,
) -> Result<PathBuf, IosBackupError> {
    let name = file.relative_path.rsplit('/').next().unwrap_or("database");
    let dest = folder.join(name);
    backup.copy_file(file, &dest)?;
    for suffix in ["-wal", "-journal"] {
        let companion = format!("{}{suffix}", file.relative_path);
        if let Some(extra) = backup.find(&file.domain, &companion)
            && extra.kind == FileKind::File
            && backup.content_size(extra).is_ok()
        {
            backup.copy_file(extra, &folder.join(format!("{name}{suffix}")))?;
        }
    }
    Ok(dest)
}

/// The snapshot path of a message attachment (`MediaDomain/Library/SMS/Attachments/ab/12/X/IMG.jpeg` →
/// `Messages/attachments/ab/12/X/IMG.jpeg`), for files of that folder.
pub fn attachment_item_path(file: &BackupFile) -> Option<String> {
    if file.domain != "MediaDomain" || file.kind != FileKind::File {
        return None;
    }
    let rest = file.relative_path.strip_prefix(ATTACHMENTS_FOLDER)?;
    Some(format!("{}/{rest}", crate::data::documents::ATTACHMENTS_DIR))
}

/// The snapshot path of a camera-roll photo or video (`CameraRollDomain/Media/DCIM/100APPLE/IMG_0001.HEIC` →
/// `DCIM/100APPLE/IMG_0001.HEIC`).
pub fn photo_item_path(file: &BackupFile) -> Option<String> {
    if file.domain != "CameraRollDomain" || file.kind != FileKind::File {
        return None;
    }
    let rest = file.relative_path.strip_prefix(CAMERA_ROLL_FOLDER)?;
    Some(format!("DCIM/{rest}"))
}

/// Maps an attachment path as `sms.db` records it (`~/Library/SMS/Attachments/…`, or
/// `/var/mobile/Library/SMS/Attachments/…`) to its snapshot path, when the backup holds the file.
fn attachment_item_for_phone_path(backup: &ItunesBackup, phone_path: &str) -> Option<String> {
    let relative = phone_path
        .strip_prefix("~/")
        .or_else(|| phone_path.strip_prefix("/var/mobile/"))
        .or_else(|| phone_path.strip_prefix("/private/var/mobile/"))?;
    let file = backup.find("MediaDomain", relative)?;
    backup.content_size(file).ok()?;
    attachment_item_path(file)
}
