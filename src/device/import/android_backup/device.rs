//! An `adb backup` file as a read-only [`Device`].
//!
//! A walk yields every entry of the backup's tar stream under `Raw/android-backup/<tar path>` (the telephony
//! provider's files in the messages category, other `apps/…` in apps, the rest, such as `shared/…`, in files),
//! and the SMS and MMS of the telephony provider's backup as `Messages/messages.jsonl`.
//!
//! The tar stream can only be read front to back (it is encrypted and compressed as one piece), while the
//! engine opens items in any order and in parallel. So the first walk reads the stream once and copies each
//! file into a private scratch folder, reporting entries as it goes (which is also where a cancel stops it);
//! later walks and every `open` are served from there. That costs disk space equal to the unpacked backup and
//! never more than one copy buffer of memory.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tempfile::TempDir;

use crate::data::documents::{RAW_DIR, document_path};
use crate::data::{Category, CategorySet, ItemPath, Message};
use crate::device::import::write_sorted_document;
use crate::device::{CancellableSink, Tally};
use crate::device::{
    CategorySummary, Device, DeviceError, DeviceIdentity, DeviceKind, Entry, EntryKind, Meta, RestorePolicy,
    Restorer, WalkSink,
};
use crate::engine::Cancel;

use super::telephony::{TELEPHONY_PACKAGE, chunk_kind, messages_from_telephony_backup};
use super::{AndroidBackup, AndroidBackupError};

/// The folder under `Raw/` that holds the tar entries.
pub const RAW_SOURCE: &str = "android-backup";

/// What the first walk found, kept for later walks and for `open`.
struct Spool {
    _dir: TempDir,
    items: Vec<(Entry, Option<PathBuf>)>,
    by_path: HashMap<ItemPath, usize>,
    skipped: Vec<(String, String)>,
    /// Messages of the telephony chunks, or why there are none.
    messages: Result<(u64, PathBuf, u64), String>,
}

/// An `adb backup` (`.ab`) file, read-only.
pub struct AndroidBackupDevice {
    backup: AndroidBackup,
    identity: DeviceIdentity,
    spool: Mutex<Option<Arc<Spool>>>,
}

impl AndroidBackupDevice {
    /// Opens the `.ab` file at `path`, checking `password` when it is encrypted.
    pub fn open(path: &Path, password: Option<&str>) -> Result<Self, AndroidBackupError> {
        let canonical = fs::canonicalize(path)
            .map_err(|source| AndroidBackupError::Io { path: path.to_path_buf(), source })?;
        Ok(Self::new(AndroidBackup::open(&canonical, password)?))
    }

    /// Wraps an opened backup.
    pub fn new(backup: AndroidBackup) -> Self {
        let file_name =
            backup.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let identity = DeviceIdentity {
            kind: DeviceKind::Import,
            name: format!("Android backup {file_name}"),
            manufacturer: None,
            model: None,
            // Nothing in an .ab file names the phone; the file is what makes it the same source next time.
            serial: backup.path().display().to_string(),
            os_version: None,
        };
        Self { backup, identity, spool: Mutex::new(None) }
    }

    /// The backup being read.
    pub fn backup(&self) -> &AndroidBackup {
        &self.backup
    }

    fn protocol(&self, detail: String) -> DeviceError {
        DeviceError::Protocol { device: self.identity.name.clone(), detail }
    }

    fn cached(&self) -> Result<Option<Arc<Spool>>, DeviceError> {
        let slot = self
            .spool
            .lock()
            .map_err(|_| self.protocol("an earlier read of this backup failed midway".into()))?;
        Ok(slot.clone())
    }

    /// Reads the tar stream once into the scratch folder, passing chosen entries to `sink` as they come.
    fn read_stream(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<Spool, DeviceError> {
        let dir = tempfile::Builder::new()
            .prefix("lifeboat-android-backup-")
            .tempdir()
            .map_err(|e| DeviceError::io("create a scratch folder for", self.backup.path(), e))?;
        let stream = self.backup.tar_stream().map_err(|e| self.protocol(e.to_string()))?;
        let mut archive = tar::Archive::new(stream);
        let mut spool = Spool {
            items: Vec::new(),
            by_path: HashMap::new(),
            skipped: Vec::new(),
            messages: Err(String::new()),
            _dir: dir,
        };
        let mut messages: Option<Vec<Message>> = None;
        let damaged = |e: io::Error| {
            format!(
                "the backup is damaged or ends early after the entries read so far ({e}); the rest is missing"
            )
        };
        let entries = match archive.entries() {
            Ok(entries) => entries,
            Err(e) => return Err(self.protocol(damaged(e))),
        };
        for (index, entry) in entries.enumerate() {
            let mut entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    spool.skipped.push((self.backup.path().display().to_string(), damaged(e)));
                    break;
                }
            };
            let name = String::from_utf8_lossy(&entry.path_bytes()).trim_end_matches('/').to_string();
            let item = match ItemPath::new(format!("{RAW_DIR}/{RAW_SOURCE}/{name}")) {
                Ok(item) => item,
                Err(e) => {
                    spool.skipped.push((name, e.to_string()));
                    continue;
                }
            };
            let header = entry.header();
            let kind = match header.entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => EntryKind::File,
                tar::EntryType::Directory => EntryKind::Dir,
                tar::EntryType::Symlink => match entry.link_name_bytes() {
                    Some(target) => {
                        EntryKind::Symlink { target: String::from_utf8_lossy(&target).into_owned() }
                    }
                    None => EntryKind::Symlink { target: String::new() },
                },
                other => {
                    spool
                        .skipped
                        .push((item.to_string(), format!("tar entries of type {other:?} are not kept")));
                    continue;
                }
            };
            let mtime_ns = header
                .mtime()
                .ok()
                .and_then(|s| i64::try_from(s).ok())
                .map(|s| s.saturating_mul(1_000_000_000));
            let mode = header.mode().ok().map(|m| m & 0o7777);
            let category = category_of(&name);
            let mut meta = Meta::new();
            if let Some(package) = name.strip_prefix("apps/").and_then(|rest| rest.split('/').next()) {
                meta.insert("android.package".into(), package.into());
            }
            let (size, file) = if kind == EntryKind::File {
                let file = spool._dir.path().join(index.to_string());
                let expected = entry.size();
                let copied = copy_entry(&mut entry, &file);
                // A stream that ends inside an entry (a cut file, or a header that claims more than follows)
                // leaves a fragment: it is not the file, so it is not kept, and its name is given.
                let cut = match copied {
                    Ok(size) if size == expected => None,
                    Ok(size) => Some(format!(
                        "it is cut short: the backup holds only {size} of its {expected} bytes (the file ends \
                         early, or the entry's header claims more than follows); it was not kept, and nothing \
                         after it can be read"
                    )),
                    Err(e) => Some(format!(
                        "it cannot be read to its end ({e}): the backup is damaged or ends early there; it was \
                         not kept, and nothing after it can be read"
                    )),
                };
                if let Some(reason) = cut {
                    let _ = fs::remove_file(&file);
                    spool.skipped.push((item.to_string(), reason));
                    break;
                }
                (expected, Some(file))
            } else {
                (0, None)
            };
            if let (Some(kind), Some(file)) = (chunk_kind(&name), &file) {
                match fs::read(file)
                    .map_err(|e| e.to_string())
                    .and_then(|b| messages_from_telephony_backup(kind, &b))
                {
                    Ok(found) => messages.get_or_insert_with(Vec::new).extend(found),
                    Err(reason) => spool
                        .skipped
                        .push((item.to_string(), format!("its messages cannot be read: {reason}"))),
                }
            }
            let entry = Entry { path: item.clone(), category, kind, size, mtime_ns, mode, meta };
            if categories.contains(category) {
                sink.entry(entry.clone())?;
            }
            spool.by_path.insert(item, spool.items.len());
            spool.items.push((entry, file));
        }
        if spool.items.is_empty() {
            let file =
                self.backup.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let detail = match spool.skipped.first() {
                Some((what, reason)) => format!("not one entry of it is complete ({what}: {reason})"),
                None => "it holds no files".to_string(),
            };
            return Err(DeviceError::NothingReadable { file, detail });
        }
        spool.messages = match messages {
            Some(list) => {
                let file = spool._dir.path().join("messages.jsonl");
                let count = list.len() as u64;
                let size = write_sorted_document(list, Message::content_id, &file)?;
                Ok((count, file, size))
            }
            None => Err(format!(
                "this backup holds no SMS or MMS: it has no readable {TELEPHONY_PACKAGE} message chunks"
            )),
        };
        Ok(spool)
    }

    fn visit(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<Arc<Spool>, DeviceError> {
        let spool = match self.cached()? {
            Some(spool) => {
                for (entry, _) in spool.items.iter().filter(|(e, _)| categories.contains(e.category)) {
                    sink.entry(entry.clone())?;
                }
                spool
            }
            None => {
                let spool = Arc::new(self.read_stream(categories, sink)?);
                if let Ok(mut slot) = self.spool.lock() {
                    *slot = Some(Arc::clone(&spool));
                }
                spool
            }
        };
        for (what, reason) in &spool.skipped {
            sink.skipped(what.clone(), reason.clone());
        }
        if categories.contains(Category::Messages) {
            match &spool.messages {
                Ok((count, _, size)) => {
                    let path = messages_path()?;
                    let mut entry = Entry::file(path, Category::Messages, *size, None);
                    entry.meta.insert("records".into(), (*count).into());
                    sink.entry(entry)?;
                }
                Err(reason) => sink.unavailable(Category::Messages, reason.clone()),
            }
        }
        Ok(spool)
    }
}

fn messages_path() -> Result<ItemPath, DeviceError> {
    let path = document_path(Category::Messages).unwrap_or("Messages/messages.jsonl");
    ItemPath::new(path).map_err(|e| DeviceError::UnsafeName { name: path.into(), reason: e.to_string() })
}

/// The telephony provider's files are messages; other app data is apps; shared storage and the rest files.
fn category_of(tar_path: &str) -> Category {
    if tar_path == "apps" {
        return Category::Apps;
    }
    let package = tar_path.strip_prefix("apps/").map(|rest| rest.split('/').next().unwrap_or(""));
    match package {
        Some(TELEPHONY_PACKAGE) => Category::Messages,
        Some(_) => Category::Apps,
        None => Category::Files,
    }
}

fn copy_entry(entry: &mut impl Read, dest: &Path) -> io::Result<u64> {
    let mut out = File::create(dest)?;
    io::copy(entry, &mut out)
}

impl Device for AndroidBackupDevice {
    fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    fn survey(&self, categories: &CategorySet, cancel: &Cancel) -> Result<Vec<CategorySummary>, DeviceError> {
        let mut tally = Tally::new(categories);
        let spool = self.visit(categories, &mut CancellableSink { inner: &mut tally, cancel })?;
        // Messages count messages, not the one document that holds them.
        if let (Ok((count, _, _)), Some(summary)) = (&spool.messages, tally.get_mut(Category::Messages)) {
            summary.items = summary.items.saturating_sub(1) + count;
        }
        Ok(tally.0)
    }

    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        self.visit(categories, sink).map(|_| ())
    }

    fn open(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, DeviceError> {
        let spool =
            self.cached()?.ok_or_else(|| self.protocol("the backup has not been listed yet".into()))?;
        let file = if document_path(Category::Messages) == Some(entry.path.as_str()) {
            spool.messages.as_ref().ok().map(|(_, file, _)| file.clone())
        } else {
            spool.by_path.get(&entry.path).and_then(|&i| spool.items[i].1.clone())
        };
        let file =
            file.ok_or_else(|| self.protocol(format!("\"{}\" is not a file of this backup", entry.path)))?;
        let reader = File::open(&file).map_err(|e| DeviceError::io("read", &file, e))?;
        Ok(Box::new(reader))
    }

    fn restorer(&self, _policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError> {
        Err(DeviceError::ReadOnly(format!("the Android backup {}", self.backup.path().display())))
    }
}
