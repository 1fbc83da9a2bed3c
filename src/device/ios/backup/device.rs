//! An iPhone backup folder as a read-only [`Device`]: what the engines back up from it.
//!
//! A walk yields, per category:
//! - contacts, messages, calls: the record documents (`Contacts/contacts.jsonl`, `Messages/messages.jsonl`,
//!   `Calls/calls.jsonl`) made from the iPhone's databases, and the message attachments under
//!   `Messages/attachments/…`;
//! - photos: the camera roll as `DCIM/100APPLE/IMG_0001.HEIC`, with the iPhone's modification times;
//! - files: every file, folder and link of the backup, decrypted, under `Raw/iphone-backup/<domain>/<path>`,
//!   plus the backup's own `Info.plist`, `Manifest.plist`, `Status.plist` and (decrypted) `Manifest.db`, so the
//!   backup can be rebuilt file for file later.
//!
//! Photos and attachments are also in `Raw/…`; the vault stores their bytes once.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::data::documents::{RAW_DIR, document_path};
use crate::data::{CallEntry, Category, CategorySet, Contact, ContentId, ItemPath, Message};
use crate::device::import::write_sorted_document;
use crate::device::{CancellableSink, Tally};
use crate::device::{
    CategorySummary, Device, DeviceError, DeviceIdentity, DeviceKind, Entry, EntryKind, Meta, RestorePolicy,
    Restorer, WalkSink,
};
use crate::engine::Cancel;

use super::extract::{Records, attachment_item_path, extract_records, photo_item_path};
use super::{BackupFile, FileKind, IosBackupError, ItunesBackup};

/// The folder under `Raw/` that holds the backup's files.
pub const RAW_SOURCE: &str = "iphone-backup";

/// Where an item's bytes come from.
enum Source {
    /// A file of the backup (index into [`ItunesBackup::files`]).
    File(usize),
    /// A file on disk: the backup's plists, or the decrypted `Manifest.db`.
    Path(PathBuf),
}

/// A record document made from the backup.
struct Document {
    category: Category,
    path: ItemPath,
    file: PathBuf,
    size: u64,
    records: u64,
}

/// The documents, made once per device on the first walk.
struct Documents {
    made: Vec<Document>,
    unavailable: Vec<(Category, String)>,
}

impl Documents {
    /// Writes the records of `category` into `folder`, or remembers why there are none.
    fn add<T: Serialize>(
        &mut self,
        category: Category,
        records: Records<T>,
        content_id: fn(&T) -> ContentId,
        folder: &Path,
    ) -> Result<(), DeviceError> {
        let records = match records {
            Ok(records) => records,
            Err(reason) => {
                self.unavailable.push((category, reason));
                return Ok(());
            }
        };
        let path = document_path(category).unwrap_or_default();
        let path = ItemPath::new(path)
            .map_err(|e| DeviceError::UnsafeName { name: path.to_string(), reason: e.to_string() })?;
        let file = folder.join(path.file_name());
        let count = records.len() as u64;
        let size = write_sorted_document(records, content_id, &file)?;
        self.made.push(Document { category, path, file, size, records: count });
        Ok(())
    }
}

/// An iPhone backup folder (Finder, iTunes, libimobiledevice), read-only.
pub struct ItunesBackupDevice {
    backup: ItunesBackup,
    identity: DeviceIdentity,
    sources: HashMap<ItemPath, Source>,
    documents: Mutex<Option<Arc<Documents>>>,
}

impl ItunesBackupDevice {
    /// Opens the backup folder at `path`; see [`ItunesBackup::open`] for the password, progress and cancel.
    pub fn open(
        path: &Path,
        password: Option<&str>,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &Cancel,
    ) -> Result<Self, IosBackupError> {
        Ok(Self::new(ItunesBackup::open(path, password, progress, cancel)?))
    }

    /// Wraps an opened backup.
    pub fn new(backup: ItunesBackup) -> Self {
        let info = backup.info();
        let os_version = info.product_version.as_ref().map(|version| match &info.build_version {
            Some(build) => format!("iOS {version} ({build})"),
            None => format!("iOS {version}"),
        });
        let identity = DeviceIdentity {
            kind: DeviceKind::Import,
            name: info.device_name.clone().unwrap_or_else(|| "iPhone backup".into()),
            manufacturer: Some("Apple".into()),
            model: info.product_type.clone(),
            // The serial number or UDID makes successive backups of one iPhone the same device; a backup
            // without either (an empty Info.plist) is known by its folder.
            serial: info
                .serial_number
                .clone()
                .or_else(|| info.unique_identifier.clone())
                .unwrap_or_else(|| backup.root().display().to_string()),
            os_version,
        };
        let mut sources = HashMap::new();
        for (name, path) in backup.metadata_files() {
            if let Ok(item) = ItemPath::new(format!("{RAW_DIR}/{RAW_SOURCE}/{name}")) {
                sources.insert(item, Source::Path(path));
            }
        }
        for (index, file) in backup.files().iter().enumerate() {
            for path in [Some(raw_item_path(file)), photo_item_path(file), attachment_item_path(file)]
                .into_iter()
                .flatten()
            {
                if let Ok(item) = ItemPath::new(path) {
                    sources.insert(item, Source::File(index));
                }
            }
        }
        Self { backup, identity, sources, documents: Mutex::new(None) }
    }

    /// The backup being read.
    pub fn backup(&self) -> &ItunesBackup {
        &self.backup
    }

    fn device_error(&self, error: IosBackupError) -> DeviceError {
        error.into_device_error(&self.identity.name)
    }

    /// The record documents, made on first use.
    fn documents(&self) -> Result<Arc<Documents>, DeviceError> {
        let mut slot = self.documents.lock().map_err(|_| DeviceError::Protocol {
            device: self.identity.name.clone(),
            detail: "an earlier read of this backup failed midway".into(),
        })?;
        if let Some(documents) = slot.as_ref() {
            return Ok(Arc::clone(documents));
        }
        let documents = Arc::new(self.make_documents()?);
        *slot = Some(Arc::clone(&documents));
        Ok(documents)
    }

    fn make_documents(&self) -> Result<Documents, DeviceError> {
        let folder = self.backup.scratch().join("documents");
        fs::create_dir_all(&folder).map_err(|e| DeviceError::io("create", &folder, e))?;
        let extraction =
            extract_records(&self.backup, self.backup.scratch()).map_err(|e| self.device_error(e))?;
        let mut documents = Documents { made: Vec::new(), unavailable: Vec::new() };
        documents.add(Category::Contacts, extraction.contacts, Contact::content_id, &folder)?;
        documents.add(Category::Messages, extraction.messages, Message::content_id, &folder)?;
        documents.add(Category::Calls, extraction.calls, CallEntry::content_id, &folder)?;
        Ok(documents)
    }

    fn visit(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        for (what, reason) in self.backup.rejected() {
            sink.skipped(what.clone(), reason.clone());
        }
        let wants_records =
            [Category::Contacts, Category::Messages, Category::Calls].iter().any(|c| categories.contains(*c));
        if wants_records {
            let documents = self.documents()?;
            for (category, reason) in &documents.unavailable {
                if categories.contains(*category) {
                    sink.unavailable(*category, reason.clone());
                }
            }
            for document in documents.made.iter().filter(|d| categories.contains(d.category)) {
                let mut entry = Entry::file(document.path.clone(), document.category, document.size, None);
                entry.meta.insert("records".into(), document.records.into());
                sink.entry(entry)?;
            }
        }
        for (category, what) in [(Category::Settings, "settings"), (Category::Apps, "apps")] {
            if categories.contains(category) {
                sink.unavailable(
                    category,
                    format!(
                        "Lifeboat does not read {what} out of iPhone backups yet; their files are kept under \
                         {RAW_DIR}/{RAW_SOURCE} with the other files"
                    ),
                );
            }
        }
        if categories.contains(Category::Photos)
            && !self.backup.files().iter().any(|f| photo_item_path(f).is_some())
        {
            sink.unavailable(
                Category::Photos,
                "this backup holds no camera roll (photos kept in iCloud Photos are not put in iPhone backups)".into(),
            );
        }
        if categories.contains(Category::Files) {
            for (name, path) in self.backup.metadata_files() {
                let meta = fs::metadata(&path).map_err(|e| DeviceError::io("read", &path, e))?;
                let item = ItemPath::new(format!("{RAW_DIR}/{RAW_SOURCE}/{name}")).map_err(|e| {
                    DeviceError::Protocol { device: self.identity.name.clone(), detail: e.to_string() }
                })?;
                let mtime = filetime::FileTime::from_last_modification_time(&meta);
                let mtime_ns =
                    mtime.unix_seconds().saturating_mul(1_000_000_000) + i64::from(mtime.nanoseconds());
                sink.entry(Entry::file(item, Category::Files, meta.len(), Some(mtime_ns)))?;
            }
        }
        for file in self.backup.files() {
            let aliases = [
                (Category::Files, Some(raw_item_path(file))),
                (Category::Photos, photo_item_path(file)),
                (Category::Messages, attachment_item_path(file)),
            ];
            for (category, path) in aliases {
                let Some(path) = path.filter(|_| categories.contains(category)) else { continue };
                match self.entry_for(file, path.clone(), category) {
                    Ok(entry) => sink.entry(entry)?,
                    Err(reason) => sink.skipped(path, reason),
                }
            }
        }
        Ok(())
    }

    fn entry_for(&self, file: &BackupFile, path: String, category: Category) -> Result<Entry, String> {
        let path = ItemPath::new(path).map_err(|e| e.to_string())?;
        let (kind, size) = match &file.kind {
            FileKind::File => (EntryKind::File, self.backup.content_size(file)?),
            FileKind::Directory => (EntryKind::Dir, 0),
            FileKind::Symlink { target } => (EntryKind::Symlink { target: target.clone() }, 0),
        };
        let mut meta = Meta::new();
        meta.insert("ios.file_id".into(), file.file_id.clone().into());
        if let Some(class) = file.protection_class {
            meta.insert("ios.protection_class".into(), class.into());
        }
        Ok(Entry {
            path,
            category,
            kind,
            size,
            mtime_ns: file.mtime.map(|s| s.saturating_mul(1_000_000_000)),
            mode: file.mode.map(|m| m & 0o7777),
            meta,
        })
    }
}

/// `Raw/iphone-backup/<domain>/<relativePath>` (the domain's own folder when the path is empty).
fn raw_item_path(file: &BackupFile) -> String {
    format!("{RAW_DIR}/{RAW_SOURCE}/{}", file.display_name())
}

impl Device for ItunesBackupDevice {
    fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    fn survey(&self, categories: &CategorySet, cancel: &Cancel) -> Result<Vec<CategorySummary>, DeviceError> {
        let mut tally = Tally::new(categories);
        self.visit(categories, &mut CancellableSink { inner: &mut tally, cancel })?;
        // Record categories count records, not the one document that holds them.
        if let Some(documents) = self.documents.lock().ok().and_then(|d| d.clone()) {
            for document in &documents.made {
                if let Some(summary) = tally.get_mut(document.category) {
                    summary.items = summary.items.saturating_sub(1) + document.records;
                }
            }
        }
        Ok(tally.0)
    }

    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        self.visit(categories, sink)
    }

    fn open(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, DeviceError> {
        if document_path(entry.category) == Some(entry.path.as_str()) {
            let documents = self.documents()?;
            if let Some(document) = documents.made.iter().find(|d| d.path == entry.path) {
                let file =
                    File::open(&document.file).map_err(|e| DeviceError::io("read", &document.file, e))?;
                return Ok(Box::new(file));
            }
        }
        match self.sources.get(&entry.path) {
            Some(Source::File(index)) => {
                self.backup.open_file(&self.backup.files()[*index]).map_err(|e| self.device_error(e))
            }
            Some(Source::Path(path)) => {
                let file = self.backup.open_metadata_file(path).map_err(|e| self.device_error(e))?;
                Ok(Box::new(file))
            }
            None => Err(DeviceError::Protocol {
                device: self.identity.name.clone(),
                detail: format!("\"{}\" is not an item of this backup", entry.path),
            }),
        }
    }

    fn restorer(&self, _policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError> {
        Err(DeviceError::ReadOnly(format!("the iPhone backup at {}", self.backup.root().display())))
    }
}
