//! [`AndroidDevice`]: an Android phone over ADB as a Lifeboat [`Device`].
//!
//! Records (contacts, messages, calls, settings, apps) are read from the content providers and system
//! commands during the walk and become record documents (JSON Lines, sorted by content id), kept in memory
//! until the engine opens them; MMS attachments are streamed into a spill folder during the walk (their size
//! must be known before they are stored). Photos, videos and other files are listed and streamed with the
//! sync protocol and never held in memory, except small ones read ahead (see `readahead`) while the files
//! are opened in the order the walk listed them.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::data::documents::{document_path, write_document};
use crate::data::{Category, CategorySet, ItemPath};
use crate::device::{
    CancellableSink, CategorySummary, Device, DeviceError, DeviceIdentity, DeviceKind, Entry, EntryKind,
    RestorePolicy, Restorer, Tally, WalkSink,
};
use crate::engine::Cancel;

use super::content::{QueryError, explain_refusal};
use super::readahead::{Planned, Readahead};
use super::sync::{SyncReader, SyncSession};
use super::{AdbError, AdbTarget, ConnectOptions, Connection};

/// The phone's shared storage, where photos and downloads live.
pub const SHARED: &str = "/sdcard";

/// What to back up beyond the defaults.
#[derive(Debug, Clone)]
pub struct AndroidOptions {
    /// Folders under `/sdcard` whose files are photos & videos.
    pub media_folders: Vec<String>,
    /// Folders under `/sdcard` whose files are backed up as plain files.
    pub file_folders: Vec<String>,
    /// Also copy the APK files of third-party apps.
    pub include_apks: bool,
}

impl Default for AndroidOptions {
    fn default() -> Self {
        Self {
            media_folders: vec!["DCIM".into(), "Pictures".into(), "Movies".into()],
            file_folders: vec!["Download".into(), "Documents".into()],
            include_apks: false,
        }
    }
}

/// What the app shows about a phone besides its identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PhoneInfo {
    /// Maker.
    pub manufacturer: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Android version (`14`).
    pub android_version: Option<String>,
    /// `ro.serialno`.
    pub serial: String,
    /// Battery level in percent.
    pub battery_percent: Option<u8>,
    /// Free bytes of shared storage.
    pub storage_free: Option<u64>,
    /// Total bytes of shared storage.
    pub storage_total: Option<u64>,
}

/// Where the engine will find an item's bytes.
#[derive(Clone)]
enum Source {
    /// A record document built during the walk.
    Document(Arc<Vec<u8>>),
    /// An attachment copied into the spill folder.
    Spilled(PathBuf),
}

/// An Android phone.
pub struct AndroidDevice {
    connection: Connection,
    identity: DeviceIdentity,
    options: AndroidOptions,
    sources: Mutex<HashMap<ItemPath, Source>>,
    spill: Mutex<Option<tempfile::TempDir>>,
    /// Sync sessions that finished a file, ready for the next: opening a stream per file costs a round trip
    /// (adb pull keeps one session too).
    idle: Arc<Mutex<Vec<SyncSession>>>,
    /// Small files of the last walk fetched ahead with pipelined requests.
    readahead: Readahead,
}

/// A file being received; its session goes back to the pool once the file was read to its end.
struct PooledReader {
    reader: Option<SyncReader>,
    idle: Arc<Mutex<Vec<SyncSession>>>,
}

impl Read for PooledReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(reader) = self.reader.as_mut() else { return Ok(0) };
        let n = reader.read(buf)?;
        if n == 0
            && !buf.is_empty()
            && let Some(session) = self.reader.take().and_then(SyncReader::into_session)
            && let Ok(mut idle) = self.idle.lock()
        {
            idle.push(session);
        }
        Ok(n)
    }
}

/// Parses `getprop`'s `[key]: [value]` lines.
fn parse_getprop(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once("]: [")?;
            Some((key.strip_prefix('[')?.to_string(), value.strip_suffix(']')?.to_string()))
        })
        .collect()
}

/// The reason a file name must not go into a backup, if any.
pub fn name_problem(name: &[u8]) -> Option<String> {
    let Ok(name) = std::str::from_utf8(name) else {
        return Some("the name is not valid UTF-8 and cannot be stored faithfully".into());
    };
    if name.contains('/') || name == "." || name == ".." {
        return Some("the name would point outside its folder".into());
    }
    if name.trim().is_empty() {
        return Some("the name is blank".into());
    }
    if name.len() > 255 {
        return Some("the name is longer than 255 bytes".into());
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("the name holds control characters (a line break or a terminal escape)".into());
    }
    if name.chars().any(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')) {
        return Some("the name holds a text-direction override that disguises its real extension".into());
    }
    None
}

/// A name made safe for an attachment item (`image 01.jpg` stays, anything odd becomes `_`).
pub(super) fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_matches(|c| c == '.' || c == ' ').to_string();
    if cleaned.is_empty() { "part".into() } else { cleaned }
}

fn item(path: &str) -> Result<ItemPath, DeviceError> {
    ItemPath::new(path).map_err(|e| DeviceError::Protocol { device: String::new(), detail: e.to_string() })
}

impl AndroidDevice {
    /// Connects to `target` and reads who the phone is.
    pub fn connect(
        target: &AdbTarget,
        connect: &ConnectOptions,
        options: AndroidOptions,
    ) -> Result<Self, AdbError> {
        Self::new(Connection::connect(target, connect)?, options)
    }

    /// Wraps a connection.
    pub fn new(connection: Connection, options: AndroidOptions) -> Result<Self, AdbError> {
        let props = parse_getprop(&connection.run("getprop")?);
        let prop = |key: &str| props.get(key).filter(|v| !v.is_empty()).cloned();
        let serial = prop("ro.serialno")
            .or_else(|| prop("ro.boot.serialno"))
            .unwrap_or_else(|| connection.name().to_string());
        let model = prop("ro.product.model");
        let manufacturer = prop("ro.product.manufacturer");
        let name = match (&manufacturer, &model) {
            (Some(maker), Some(model)) if !model.to_lowercase().starts_with(&maker.to_lowercase()) => {
                format!("{maker} {model}")
            }
            (_, Some(model)) => model.clone(),
            _ => serial.clone(),
        };
        let identity = DeviceIdentity {
            kind: DeviceKind::Android,
            name,
            manufacturer,
            model,
            serial,
            os_version: prop("ro.build.version.release").map(|v| format!("Android {v}")),
        };
        Ok(Self {
            readahead: Readahead::new(connection.clone()),
            connection,
            identity,
            options,
            sources: Mutex::new(HashMap::new()),
            spill: Mutex::new(None),
            idle: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// The connection, for commands of its own.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Battery, storage and versions, for the device list. Whatever the phone does not say stays `None`.
    pub fn info(&self) -> PhoneInfo {
        let battery = self.connection.run("dumpsys battery").ok().and_then(|text| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix("level:").and_then(|v| v.trim().parse::<u8>().ok()))
        });
        let (free, total) = self
            .connection
            .run("df -k /sdcard")
            .ok()
            .and_then(|text| parse_df(&text))
            .map(|(total, free)| (Some(free), Some(total)))
            .unwrap_or((None, None));
        PhoneInfo {
            manufacturer: self.identity.manufacturer.clone(),
            model: self.identity.model.clone(),
            android_version: self
                .identity
                .os_version
                .as_ref()
                .map(|v| v.trim_start_matches("Android ").to_string()),
            serial: self.identity.serial.clone(),
            battery_percent: battery,
            storage_free: free,
            storage_total: total,
        }
    }

    fn device_error(&self, error: AdbError) -> DeviceError {
        match error {
            AdbError::Disconnected { .. } => DeviceError::Disconnected { device: self.identity.name.clone() },
            AdbError::Unauthorized { .. } => DeviceError::Unauthorized { device: self.identity.name.clone() },
            other => DeviceError::Protocol { device: self.identity.name.clone(), detail: other.to_string() },
        }
    }

    /// Turns a query failure into "this category is unavailable" (the walk goes on) or a fatal error.
    fn refused(
        &self,
        error: QueryError,
        category: Category,
        sink: &mut dyn WalkSink,
    ) -> Result<(), DeviceError> {
        match error {
            QueryError::Refused(reason) => {
                sink.unavailable(category, explain_refusal(&reason));
                Ok(())
            }
            QueryError::Adb(error @ (AdbError::Disconnected { .. } | AdbError::Unauthorized { .. })) => {
                Err(self.device_error(error))
            }
            QueryError::Adb(other) => {
                sink.unavailable(category, other.to_string());
                Ok(())
            }
        }
    }

    fn remember(&self, path: &ItemPath, source: Source) {
        if let Ok(mut sources) = self.sources.lock() {
            sources.insert(path.clone(), source);
        }
    }

    /// Emits a record document built from `records`.
    fn document<T: Serialize>(
        &self,
        category: Category,
        mut records: Vec<(String, T)>,
        sink: &mut dyn WalkSink,
    ) -> Result<(), DeviceError> {
        let Some(path) = document_path(category) else { return Ok(()) };
        // Sorted by content id, so an unchanged address book is an identical document.
        records.sort_by(|a, b| a.0.cmp(&b.0));
        let records: Vec<T> = records.into_iter().map(|(_, r)| r).collect();
        let mut bytes = Vec::new();
        write_document(&records, &mut bytes).map_err(|e| DeviceError::Protocol {
            device: self.identity.name.clone(),
            detail: e.to_string(),
        })?;
        let path = item(path)?;
        let mut entry = Entry::file(path.clone(), category, bytes.len() as u64, None);
        entry.meta.insert("records".into(), serde_json::json!(records.len()));
        self.remember(&path, Source::Document(Arc::new(bytes)));
        sink.entry(entry)
    }

    /// Walks folders under `/sdcard` with the sync protocol, depth first in name order; the files listed are
    /// added to `planned` in that order.
    fn walk_folders(
        &self,
        category: Category,
        folders: &[String],
        sink: &mut dyn WalkSink,
        planned: &mut Vec<Planned>,
    ) -> Result<(), DeviceError> {
        let mut sync = self.connection.sync().map_err(|e| self.device_error(e))?;
        let mut stack: Vec<ItemPath> =
            folders.iter().rev().filter_map(|f| ItemPath::new(f.trim_matches('/')).ok()).collect();
        while let Some(dir) = stack.pop() {
            let phone_dir = format!("{SHARED}/{dir}");
            let mut entries = sync.list(phone_dir.as_bytes()).map_err(|e| self.device_error(e))?;
            entries.sort_by(|a, b| a.name.cmp(&b.name));
            let mut subfolders = Vec::new();
            for entry in entries {
                let shown = format!("{dir}/{}", String::from_utf8_lossy(&entry.name).escape_debug());
                if let Some(problem) = name_problem(&entry.name) {
                    sink.skipped(shown, problem);
                    continue;
                }
                let name = String::from_utf8_lossy(&entry.name).into_owned();
                let path = match dir.join(&name) {
                    Ok(path) => path,
                    Err(e) => {
                        sink.skipped(shown, e.to_string());
                        continue;
                    }
                };
                let stat = entry.stat;
                if stat.is_dir() {
                    subfolders.push(path);
                } else if stat.is_file() {
                    let mut item = Entry::file(
                        path,
                        category,
                        stat.size,
                        Some(stat.mtime.saturating_mul(1_000_000_000)),
                    );
                    item.mode = Some(stat.mode & 0o7777);
                    let phone_path = format!("{phone_dir}/{name}");
                    item.meta.insert("android_path".into(), serde_json::json!(phone_path));
                    planned.push(Planned { path: item.path.clone(), phone_path, size: stat.size });
                    sink.entry(item)?;
                } else {
                    sink.skipped(shown, "not a regular file (a link, device or pipe) and not copied".into());
                }
            }
            stack.extend(subfolders.into_iter().rev());
        }
        sync.quit();
        Ok(())
    }

    fn spill_dir(&self) -> Result<PathBuf, DeviceError> {
        let mut spill = self.spill.lock().map_err(|_| DeviceError::Cancelled)?;
        if spill.is_none() {
            let dir = tempfile::Builder::new()
                .prefix("lifeboat-android-")
                .tempdir()
                .map_err(|e| DeviceError::io("create", std::env::temp_dir(), e))?;
            *spill = Some(dir);
        }
        Ok(spill.as_ref().map(|d| d.path().to_path_buf()).unwrap_or_default())
    }

    fn walk_records(
        &self,
        category: Category,
        sink: &mut dyn WalkSink,
        planned: &mut Vec<Planned>,
    ) -> Result<(), DeviceError> {
        let mut skipped: Vec<(String, String)> = Vec::new();
        let mut note = |what: String, why: String| skipped.push((what, why));
        let result: Result<(), DeviceError> = match category {
            Category::Contacts => match self.read_contacts(true, &mut note) {
                Ok(contacts) => {
                    let keyed = contacts.into_iter().map(|c| (c.content_id().to_string(), c)).collect();
                    self.document(category, keyed, sink)
                }
                Err(e) => self.refused(e, category, sink),
            },
            Category::Messages => {
                let spill = self.spill_dir()?;
                match self.read_messages(Some(&spill), &mut note) {
                    Ok((messages, attachments)) => {
                        let keyed = messages.into_iter().map(|m| (m.content_id().to_string(), m)).collect();
                        self.document(category, keyed, sink)?;
                        for (path, size, local) in attachments {
                            self.remember(&path, Source::Spilled(local));
                            sink.entry(Entry::file(path, category, size, None))?;
                        }
                        Ok(())
                    }
                    Err(e) => self.refused(e, category, sink),
                }
            }
            Category::Calls => match self.read_calls() {
                Ok(calls) => self.document(
                    category,
                    calls.into_iter().map(|c| (c.content_id().to_string(), c)).collect(),
                    sink,
                ),
                Err(e) => self.refused(e, category, sink),
            },
            Category::Settings => match self.read_settings() {
                Ok(settings) => self.document(
                    category,
                    settings.into_iter().map(|s| (format!("{}/{}", s.namespace, s.key), s)).collect(),
                    sink,
                ),
                Err(e) => self.refused(e, category, sink),
            },
            Category::Apps => match self.read_apps(self.options.include_apks) {
                Ok((apps, files)) => {
                    self.document(category, apps.into_iter().map(|a| (a.id.clone(), a)).collect(), sink)?;
                    for (path, phone_path, stat) in files {
                        let mut entry = Entry::file(
                            path,
                            category,
                            stat.size,
                            Some(stat.mtime.saturating_mul(1_000_000_000)),
                        );
                        entry.meta.insert("android_path".into(), serde_json::json!(phone_path));
                        planned.push(Planned { path: entry.path.clone(), phone_path, size: stat.size });
                        sink.entry(entry)?;
                    }
                    Ok(())
                }
                Err(e) => self.refused(e, category, sink),
            },
            Category::Photos => self.walk_folders(category, &self.options.media_folders, sink, planned),
            Category::Files => self.walk_folders(category, &self.options.file_folders, sink, planned),
        };
        for (what, why) in skipped {
            sink.skipped(what, why);
        }
        result
    }

    fn count(&self, uri: &str, filter: Option<&str>) -> Result<u64, QueryError> {
        Ok(self.connection.query(uri, &[], filter)?.len() as u64)
    }
}

/// Parses `df -k PATH`: (total, free) in bytes from the last line's 1K-blocks and Available columns.
fn parse_df(text: &str) -> Option<(u64, u64)> {
    let line = text.lines().filter(|l| !l.trim().is_empty()).nth(1)?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let total = fields.get(1)?.parse::<u64>().ok()?;
    let free = fields.get(3)?.parse::<u64>().ok()?;
    Some((total * 1024, free * 1024))
}

impl Device for AndroidDevice {
    fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    fn survey(&self, categories: &CategorySet, cancel: &Cancel) -> Result<Vec<CategorySummary>, DeviceError> {
        let mut tally = Tally::new(categories);
        for category in categories.iter() {
            if cancel.is_cancelled() {
                return Err(DeviceError::Cancelled);
            }
            // Records are counted by their ids only: cheap, and nothing is copied.
            let counted: Result<u64, QueryError> = match category {
                Category::Contacts => {
                    self.count("content://com.android.contacts/raw_contacts", Some("deleted=0"))
                }
                Category::Messages => self
                    .count("content://sms", None)
                    .map(|sms| sms + self.count("content://mms", None).unwrap_or(0)),
                Category::Calls => self.count("content://call_log/calls", None),
                Category::Settings => ["system", "secure", "global"]
                    .iter()
                    .try_fold(0, |n, ns| Ok(n + self.count(&format!("content://settings/{ns}"), None)?)),
                Category::Apps => self
                    .connection
                    .run("pm list packages -3")
                    .map(|t| t.lines().filter(|l| l.starts_with("package:")).count() as u64)
                    .map_err(QueryError::from),
                Category::Photos | Category::Files => {
                    let folders = if category == Category::Photos {
                        &self.options.media_folders
                    } else {
                        &self.options.file_folders
                    };
                    let mut sink = CancellableSink { inner: &mut tally, cancel };
                    self.walk_folders(category, folders, &mut sink, &mut Vec::new())?;
                    continue;
                }
            };
            let Some(summary) = tally.get_mut(category) else { continue };
            match counted {
                Ok(items) => summary.items = items,
                Err(QueryError::Refused(reason)) => summary.unavailable = Some(explain_refusal(&reason)),
                Err(QueryError::Adb(e)) if !e.retryable() => summary.unavailable = Some(e.to_string()),
                Err(QueryError::Adb(e)) => return Err(self.device_error(e)),
            }
        }
        Ok(tally.0)
    }

    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        let mut planned = Vec::new();
        for category in categories.iter() {
            self.walk_records(category, sink, &mut planned)?;
        }
        self.readahead.plan(planned);
        Ok(())
    }

    fn open(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, DeviceError> {
        let source = self.sources.lock().ok().and_then(|s| s.get(&entry.path).cloned());
        match source {
            Some(Source::Document(bytes)) => Ok(Box::new(Cursor::new(SharedBytes(bytes)))),
            Some(Source::Spilled(local)) => {
                Ok(Box::new(File::open(&local).map_err(|e| DeviceError::io("read", &local, e))?))
            }
            None => {
                if entry.kind != EntryKind::File {
                    return Ok(Box::new(io::empty()));
                }
                if let Some(bytes) = self.readahead.take(&entry.path) {
                    return Ok(Box::new(Cursor::new(bytes)));
                }
                let phone_path = entry
                    .meta
                    .get("android_path")
                    .and_then(|p| p.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{SHARED}/{}", entry.path));
                let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
                let sync = match pooled {
                    Some(sync) => sync,
                    None => self.connection.sync().map_err(|e| self.device_error(e))?,
                };
                let reader = sync.recv(phone_path.as_bytes()).map_err(|e| self.device_error(e))?;
                Ok(Box::new(PooledReader { reader: Some(reader), idle: Arc::clone(&self.idle) }))
            }
        }
    }

    fn restorer(&self, policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError> {
        Ok(Box::new(super::restore::AndroidRestorer::new(self, policy)))
    }
}

/// `Arc<Vec<u8>>` as a byte slice, so a cached document is read without copying it.
struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused_with_reasons() {
        assert!(name_problem(b"IMG_0001.jpg").is_none());
        assert!(name_problem("Фото 01.JPG".as_bytes()).is_none());
        assert!(name_problem(b"../../../../../tmp/lifeboat-escape.txt").is_some());
        assert!(name_problem(b"..").is_some());
        assert!(name_problem(b"caf\xe9 latin1.jpg").unwrap().contains("UTF-8"));
        assert!(name_problem(b"   ").unwrap().contains("blank"));
        assert!(name_problem(&[b'x'; 300]).is_some());
        assert!(name_problem(b"\x1b[31mred\x1b[0m\x07bell.txt").unwrap().contains("control"));
        assert!(name_problem("\u{202e}gpj.exe".as_bytes()).unwrap().contains("direction"));
        assert_eq!(safe_name("../evil name?.jpg"), "_evil name_.jpg");
        assert_eq!(safe_name("..."), "part");
    }

    #[test]
    fn getprop_and_df_are_parsed() {
        let props = parse_getprop("[ro.product.model]: [Pixel 7]\n[ro.serialno]: [ABC]\nnoise\n");
        assert_eq!(props.get("ro.product.model").map(String::as_str), Some("Pixel 7"));
        let df = "Filesystem     1K-blocks    Used Available Use% Mounted on\n/dev/fuse       115249236 2000000 113249236   2% /storage/emulated\n";
        assert_eq!(parse_df(df), Some((115_249_236 * 1024, 113_249_236 * 1024)));
        assert_eq!(parse_df("nothing"), None);
    }
}
