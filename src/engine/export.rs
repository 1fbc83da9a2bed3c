//! Export: a snapshot's records and photos out to open formats a person can use anywhere: contacts as vCard,
//! messages as SMS Backup & Restore XML or a readable HTML page, call history as CSV, photos and videos as a
//! folder or a .zip with their original bytes and dates. The command line and the app share this code.

use std::collections::HashMap;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::data::documents::{document_path, read_document};
use crate::data::sms_xml::{BackupKind, SmsXmlWriter, WriteOptions};
use crate::data::vcard::{VcardWriteVersion, parse_vcards, write_vcards};
use crate::data::{CallEntry, Category, CategorySet, Contact, Message, PartContent, group_into_threads};
use crate::device::RestorePolicy;
use crate::device::folder::FolderDevice;
use crate::vault::{BlobReader, Index, Node, Snapshot, Vault};

use super::{Cancel, EngineError, Progress, RestoreFailure, RestoreOptions};

/// What to export to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Contacts as one vCard file.
    Vcard(VcardWriteVersion),
    /// Messages as an SMS Backup & Restore file.
    SmsXml,
    /// Call history as CSV.
    CallsCsv,
    /// Messages as one readable HTML page, pictures included.
    Html,
    /// Files (photos and videos unless other categories are chosen) into a folder.
    Folder,
    /// Files (photos and videos unless other categories are chosen) into a .zip.
    Zip,
}

/// How an export writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// What to write.
    pub format: ExportFormat,
    /// What goes into a folder or zip export (`None`: photos and videos); record formats ignore it.
    pub categories: Option<CategorySet>,
    /// Replace a file that is already there (the export file, or files in the export folder).
    pub overwrite: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Records or files written.
    pub count: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Where.
    pub out: PathBuf,
    /// Items that were not exported, with the reason (a file already in the folder, a damaged item).
    pub left_out: Vec<RestoreFailure>,
}

/// Reads items and record documents of one snapshot.
pub struct SnapshotItems<'a> {
    blobs: BlobReader<'a>,
    nodes: Vec<Node>,
    by_path: HashMap<String, usize>,
}

impl<'a> SnapshotItems<'a> {
    /// Loads the catalog of `snapshot`.
    pub fn load(vault: &'a Vault, index: &'a Index, snapshot: &Snapshot) -> Result<Self, EngineError> {
        let blobs = vault.blobs(index);
        let nodes = vault.catalog(snapshot, &blobs)?;
        let by_path = nodes.iter().enumerate().map(|(i, n)| (n.entry.path.to_string(), i)).collect();
        Ok(Self { blobs, nodes, by_path })
    }

    /// Keeps only the items `keep` chooses.
    pub fn retain(&mut self, keep: impl FnMut(&Node) -> bool) {
        self.nodes.retain(keep);
        self.by_path = self.nodes.iter().enumerate().map(|(i, n)| (n.entry.path.to_string(), i)).collect();
    }

    /// Every item.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The item at `path`.
    pub fn node(&self, path: &str) -> Option<&Node> {
        self.by_path.get(path).map(|&i| &self.nodes[i])
    }

    /// A stream of one item's content.
    pub fn content(&'a self, node: &'a Node) -> crate::vault::ContentReader<'a> {
        self.blobs.content(&node.chunks)
    }

    /// The whole content of the item at `path` (for attachments and small files).
    pub fn read(&self, path: &str) -> Result<Vec<u8>, EngineError> {
        let node = self.node(path).ok_or_else(|| missing(path))?;
        let mut bytes = Vec::with_capacity(node.entry.size as usize);
        let mut reader = self.blobs.content(&node.chunks);
        if let Err(e) = reader.read_to_end(&mut bytes) {
            return Err(reader
                .take_failure()
                .map(EngineError::from)
                .unwrap_or_else(|| output_error(path, e)));
        }
        Ok(bytes)
    }

    /// The records of `category`'s document, streamed; empty when the snapshot has none.
    pub fn records<T: DeserializeOwned + 'a>(
        &'a self,
        category: Category,
    ) -> Result<Box<dyn Iterator<Item = Result<T, EngineError>> + 'a>, EngineError> {
        let Some(node) = document_path(category).and_then(|p| self.node(p)) else {
            return Ok(Box::new(std::iter::empty()));
        };
        let reader = BufReader::new(self.blobs.content(&node.chunks));
        let path = node.entry.path.to_string();
        Ok(Box::new(read_document(reader).map(move |record| {
            record.map_err(|e| EngineError::Document { path: path.clone(), reason: e.to_string() })
        })))
    }

    /// Every contact: the contacts document, plus `.vcf` files a folder backup holds.
    pub fn contacts(&self) -> Result<Vec<Contact>, EngineError> {
        let mut contacts = self.records::<Contact>(Category::Contacts)?.collect::<Result<Vec<_>, _>>()?;
        for node in &self.nodes {
            let is_vcard = node.entry.category == Category::Contacts
                && node.entry.is_file()
                && matches!(node.entry.path.extension().as_deref(), Some("vcf" | "vcard"));
            if is_vcard && !node.entry.path.as_str().starts_with(crate::data::documents::RAW_DIR) {
                let bytes = self.read(node.entry.path.as_str())?;
                let import = parse_vcards(&bytes).map_err(|e| EngineError::Document {
                    path: node.entry.path.to_string(),
                    reason: e.to_string(),
                })?;
                contacts.extend(import.contacts);
            }
        }
        contacts.sort_by_key(|c| c.content_id());
        contacts.dedup_by_key(|c| c.content_id());
        Ok(contacts)
    }

    /// A message with its attachments' bytes put back inline, as exports need them.
    pub fn inline_attachments(&self, mut message: Message) -> Result<Message, EngineError> {
        for part in &mut message.parts {
            if let PartContent::Reference(path) = &part.content
                && self.node(path).is_some()
            {
                part.content = PartContent::Bytes(self.read(path)?);
            }
        }
        Ok(message)
    }
}

fn missing(path: &str) -> EngineError {
    EngineError::Document { path: path.into(), reason: "it is not in this backup".into() }
}

fn output_error(path: impl Into<PathBuf>, source: io::Error) -> EngineError {
    EngineError::Output { path: path.into(), source }
}

/// Exports `snapshot` to `out` (a file, or a folder for [`ExportFormat::Folder`]). An existing file is kept
/// unless `options.overwrite` says otherwise; a file export is written beside its target and renamed at the end,
/// so a failed export never leaves half a file under the real name.
pub fn export(
    vault: &Vault,
    snapshot: &Snapshot,
    options: &ExportOptions,
    out: &Path,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<ExportSummary, EngineError> {
    super::check_target(vault.root(), out)?;
    let categories =
        options.categories.clone().unwrap_or_else(|| [Category::Photos].into_iter().collect::<CategorySet>());
    if options.format == ExportFormat::Folder {
        let target = FolderDevice::create(out)?;
        let restore = RestoreOptions {
            categories: Some(categories),
            include: Vec::new(),
            policy: RestorePolicy { overwrite: options.overwrite },
        };
        let summary = super::restore(vault, snapshot, &target, &restore, progress, cancel)?;
        return Ok(ExportSummary {
            count: summary.restored(),
            bytes: summary.bytes,
            out: out.to_path_buf(),
            left_out: summary.failures,
        });
    }
    if !options.overwrite && out.symlink_metadata().is_ok() {
        return Err(EngineError::OutputExists(out.to_path_buf()));
    }
    let index = vault.load_index()?;
    let items = SnapshotItems::load(vault, &index, snapshot)?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // The temporary file is private (0600) and stays so: an export is a person's data.
    let mut part = tempfile::Builder::new()
        .prefix(".lifeboat-export-")
        .tempfile_in(parent)
        .map_err(|e| output_error(parent, e))?;
    let mut left_out = Vec::new();
    let count = {
        let mut writer = BufWriter::new(part.as_file_mut());
        let count = write_format(&items, options.format, &categories, &mut writer, &mut left_out, cancel)?;
        writer.flush().map_err(|e| output_error(out, e))?;
        count
    };
    part.as_file().sync_all().map_err(|e| output_error(out, e))?;
    let bytes = part.as_file().metadata().map(|m| m.len()).unwrap_or(0);
    if options.overwrite {
        part.persist(out).map_err(|e| output_error(out, e.error))?;
    } else {
        // Another program may have put a file there meanwhile: still never replace it.
        part.persist_noclobber(out).map_err(|e| match e.error.kind() {
            io::ErrorKind::AlreadyExists => EngineError::OutputExists(out.to_path_buf()),
            _ => output_error(out, e.error),
        })?;
    }
    Ok(ExportSummary { count, bytes, out: out.to_path_buf(), left_out })
}

fn write_format(
    items: &SnapshotItems<'_>,
    format: ExportFormat,
    categories: &CategorySet,
    out: &mut dyn Write,
    left_out: &mut Vec<RestoreFailure>,
    cancel: &Cancel,
) -> Result<u64, EngineError> {
    let io = |e: io::Error| output_error("the export", e);
    match format {
        ExportFormat::Vcard(version) => {
            let contacts = items.contacts()?;
            out.write_all(write_vcards(&contacts, version).as_bytes()).map_err(io)?;
            Ok(contacts.len() as u64)
        }
        ExportFormat::SmsXml => {
            // The header carries the count, so count first, then stream.
            let count = items.records::<Message>(Category::Messages)?.count() as u64;
            let mut writer = SmsXmlWriter::new(out, BackupKind::Messages, count, &WriteOptions::default())
                .map_err(|e| document_error("messages", e))?;
            for message in items.records::<Message>(Category::Messages)? {
                if cancel.is_cancelled() {
                    return Err(EngineError::Cancelled);
                }
                let message = items.inline_attachments(message?)?;
                writer.write_message(&message).map_err(|e| document_error("messages", e))?;
            }
            writer.finish().map_err(|e| document_error("messages", e))?;
            Ok(count)
        }
        ExportFormat::CallsCsv => {
            let calls = items.records::<CallEntry>(Category::Calls)?.collect::<Result<Vec<_>, _>>()?;
            crate::data::export::write_calls_csv(&calls, out).map_err(|e| document_error("calls", e))?;
            Ok(calls.len() as u64)
        }
        ExportFormat::Html => {
            let mut messages = Vec::new();
            for message in items.records::<Message>(Category::Messages)? {
                messages.push(items.inline_attachments(message?)?);
            }
            let count = messages.len() as u64;
            let threads = group_into_threads(messages);
            let options = crate::data::export::HtmlOptions {
                title: crate::t!("export-html-title"),
                ..Default::default()
            };
            crate::data::export::write_threads_html(&threads, &options, out)
                .map_err(|e| document_error("messages", e))?;
            Ok(count)
        }
        ExportFormat::Zip => write_zip(items, categories, out, left_out, cancel),
        ExportFormat::Folder => Ok(0),
    }
}

fn document_error(what: &str, error: impl std::fmt::Display) -> EngineError {
    EngineError::Document { path: what.into(), reason: error.to_string() }
}

/// Files of `categories` into a zip, stored (not compressed), with their modification times. A file whose
/// content cannot be read back is left out, and named in `left_out`; the rest goes on.
fn write_zip(
    items: &SnapshotItems<'_>,
    categories: &CategorySet,
    out: &mut dyn Write,
    left_out: &mut Vec<RestoreFailure>,
    cancel: &Cancel,
) -> Result<u64, EngineError> {
    // The zip writer needs to seek back to patch sizes; spool through a temporary file.
    let mut spool = tempfile::tempfile().map_err(|e| output_error("a temporary file", e))?;
    let mut count = 0;
    {
        let mut zip = zip::ZipWriter::new(&mut spool);
        for node in
            items.nodes().iter().filter(|n| categories.contains(n.entry.category) && n.entry.is_file())
        {
            if cancel.is_cancelled() {
                return Err(EngineError::Cancelled);
            }
            let mut options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .large_file(node.entry.size >= u32::MAX as u64);
            if let Some(time) = node.entry.mtime_ns.and_then(zip_time) {
                options = options.last_modified_time(time);
            }
            let zip_error = |e: zip::result::ZipError| output_error("the zip file", io::Error::other(e));
            zip.start_file(node.entry.path.as_str(), options).map_err(zip_error)?;
            let mut content = items.content(node);
            if let Err(e) = io::copy(&mut content, &mut zip) {
                let Some(damage) = content.take_failure() else {
                    return Err(output_error("the zip file", e));
                };
                zip.abort_file().map_err(zip_error)?;
                left_out
                    .push(RestoreFailure { path: node.entry.path.to_string(), reason: damage.to_string() });
                continue;
            }
            count += 1;
        }
        zip.finish().map_err(|e| output_error("the zip file", io::Error::other(e)))?;
    }
    use std::io::Seek;
    spool.seek(io::SeekFrom::Start(0)).map_err(|e| output_error("the zip file", e))?;
    io::copy(&mut spool, out).map_err(|e| output_error("the zip file", e))?;
    Ok(count)
}

/// A zip timestamp (local civil time without a zone, 1980–2107) from nanoseconds since the epoch, in UTC.
fn zip_time(ns: i64) -> Option<zip::DateTime> {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns)).ok()?;
    let year = u16::try_from(t.year()).ok()?;
    zip::DateTime::from_date_and_time(year, u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
        .ok()
}
