//! A contacts file (vCard) or an SMS Backup & Restore export (messages or calls) as a read-only device, so
//! that importing one is an ordinary backup: the file's records become the snapshot's record documents
//! (`data::documents`), message attachments become items of their own, and the original file is kept under
//! `Raw/` so nothing the normalized model does not hold is lost.
//!
//! Files are read once, streaming, into a spool folder that lives as long as the device: a 100,000-message
//! export never sits in memory, and the engine can read each document with its exact size.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::data::documents::{ATTACHMENTS_DIR, RAW_DIR, document_path};
use crate::data::sms_xml::{BackupRecord, SmsXmlError, SmsXmlReader};
use crate::data::vcard::{VcardError, read_vcard_file};
use crate::data::{Category, CategorySet, ItemPath, PartContent};
use crate::engine::Cancel;

use super::confined;

use crate::device::{
    CategorySummary, Device, DeviceError, DeviceIdentity, DeviceKind, Entry, RestorePolicy, Restorer,
    WalkSink,
};

/// What sort of file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    /// `.vcf` / `.vcard`.
    Vcard,
    /// SMS Backup & Restore XML (`<smses>` or `<calls>`).
    SmsBackupRestore,
}

impl DocumentFormat {
    /// Recognises a file by its name and first bytes.
    pub fn detect(path: &Path) -> Option<Self> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("vcf" | "vcard") => return Some(DocumentFormat::Vcard),
            Some("xml") => return Some(DocumentFormat::SmsBackupRestore),
            _ => {}
        }
        let mut head = [0u8; 512];
        let n = confined::open_regular(path).and_then(|mut f| f.read(&mut head)).ok()?;
        let head = String::from_utf8_lossy(&head[..n]).to_ascii_uppercase();
        if head.contains("BEGIN:VCARD") {
            Some(DocumentFormat::Vcard)
        } else if head.contains("<SMSES") || head.contains("<CALLS") {
            Some(DocumentFormat::SmsBackupRestore)
        } else {
            None
        }
    }
}

/// One item prepared in the spool, or the original file.
struct Spooled {
    entry: Entry,
    file: PathBuf,
}

#[derive(Default)]
struct Prepared {
    items: Vec<Spooled>,
    records: Vec<(Category, u64)>,
    skipped: Vec<(String, String)>,
}

/// An exported file seen as a device.
pub struct DocumentFileDevice {
    path: PathBuf,
    format: DocumentFormat,
    identity: DeviceIdentity,
    spool: tempfile::TempDir,
    prepared: Mutex<Option<std::sync::Arc<Prepared>>>,
}

fn io_error<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> DeviceError + 'p {
    move |e| DeviceError::io(action, path, e)
}

impl DocumentFileDevice {
    /// Opens `path`, recognising its format. Anything but a regular file (a FIFO named `.vcf` would block the
    /// reader forever) is refused.
    pub fn open(path: &Path) -> Result<Self, DeviceError> {
        let canonical = fs::canonicalize(path).map_err(io_error("open", path))?;
        confined::open_regular(&canonical).map_err(io_error("open", &canonical))?;
        let format = DocumentFormat::detect(&canonical).ok_or_else(|| DeviceError::Protocol {
            device: canonical.display().to_string(),
            detail: "this is neither a vCard file nor an SMS Backup & Restore export".into(),
        })?;
        let name = canonical.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let model = match format {
            DocumentFormat::Vcard => "vCard file",
            DocumentFormat::SmsBackupRestore => "SMS Backup & Restore export",
        };
        let identity = DeviceIdentity {
            kind: DeviceKind::Import,
            name,
            manufacturer: None,
            model: Some(model.into()),
            serial: canonical.display().to_string(),
            os_version: None,
        };
        let spool = tempfile::Builder::new()
            .prefix("lifeboat-import-")
            .tempdir()
            .map_err(io_error("create", path))?;
        Ok(Self { path: canonical, format, identity, spool, prepared: Mutex::new(None) })
    }

    fn prepared(&self) -> Result<std::sync::Arc<Prepared>, DeviceError> {
        let mut slot = self.prepared.lock().map_err(|_| DeviceError::Cancelled)?;
        if let Some(prepared) = slot.as_ref() {
            return Ok(prepared.clone());
        }
        let prepared = std::sync::Arc::new(match self.format {
            DocumentFormat::Vcard => self.prepare_vcard()?,
            DocumentFormat::SmsBackupRestore => self.prepare_sms_xml()?,
        });
        *slot = Some(prepared.clone());
        Ok(prepared)
    }

    fn mtime(&self) -> Option<i64> {
        let meta = fs::metadata(&self.path).ok()?;
        let time = filetime::FileTime::from_last_modification_time(&meta);
        Some(time.unix_seconds() * 1_000_000_000 + i64::from(time.nanoseconds()))
    }

    fn item(&self, path: String, category: Category, file: PathBuf) -> Result<Spooled, DeviceError> {
        let size = fs::metadata(&file).map_err(io_error("read", &file))?.len();
        let item = ItemPath::new(path)
            .map_err(|e| DeviceError::UnsafeName { name: e.to_string(), reason: e.to_string() })?;
        Ok(Spooled { entry: Entry::file(item, category, size, self.mtime()), file })
    }

    /// Where the original file is kept: `Raw/<folder>/<file name>`.
    fn raw_path(&self, folder: &str) -> String {
        format!("{RAW_DIR}/{folder}/{}", safe_name(&self.identity.name, "original"))
    }

    fn raw_item(&self, folder: &str, category: Category) -> Result<Spooled, DeviceError> {
        self.item(self.raw_path(folder), category, self.path.clone())
    }

    fn nothing_readable(&self, detail: String) -> DeviceError {
        DeviceError::NothingReadable { file: self.identity.name.clone(), detail }
    }

    fn prepare_vcard(&self) -> Result<Prepared, DeviceError> {
        let import = read_vcard_file(&self.path).map_err(|e| match e {
            VcardError::Io { path, source } => DeviceError::io("read", path, source),
            other => self.nothing_readable(other.to_string()),
        })?;
        let lost = import.cards.saturating_sub(import.contacts.len());
        if import.contacts.is_empty() {
            let first = import.warnings.first().map(|w| format!(" (first: {w})")).unwrap_or_default();
            return Err(
                self.nothing_readable(format!("none of its {} cards could be read{first}", import.cards))
            );
        }
        let mut contacts = import.contacts;
        contacts.sort_by_key(|c| c.content_id());
        contacts.dedup_by_key(|c| c.content_id());
        let document = self.spool.path().join("contacts.jsonl");
        let mut out = BufWriter::new(File::create(&document).map_err(io_error("write", &document))?);
        crate::data::documents::write_document(&contacts, &mut out)
            .map_err(|e| DeviceError::io("write", &document, std::io::Error::other(e.to_string())))?;
        out.flush().map_err(io_error("write", &document))?;
        drop(out);
        let mut prepared = Prepared::default();
        let path = document_path(Category::Contacts).unwrap_or("Contacts/contacts.jsonl");
        prepared.items.push(self.item(path.into(), Category::Contacts, document)?);
        prepared.items.push(self.raw_item("vcard", Category::Contacts)?);
        prepared.records.push((Category::Contacts, contacts.len() as u64));
        prepared.skipped = import
            .warnings
            .into_iter()
            .map(|w| (format!("{} card {} line {}", self.identity.name, w.card, w.line), w.reason))
            .collect();
        if lost > 0 {
            prepared.skipped.push((
                self.identity.name.clone(),
                format!(
                    "{lost} of {} records could not be read (each is named above); the original file is kept \
                     as {}",
                    import.cards,
                    self.raw_path("vcard")
                ),
            ));
        }
        Ok(prepared)
    }

    fn prepare_sms_xml(&self) -> Result<Prepared, DeviceError> {
        let fail = |e: SmsXmlError| match e {
            SmsXmlError::Io { path, source } => DeviceError::io("read", path, source),
            other => self.nothing_readable(other.to_string()),
        };
        let reader = SmsXmlReader::open(&self.path).map_err(fail)?.keep_raw(true);
        let spool = self.spool.path();
        let messages_path = spool.join("messages.jsonl");
        let calls_path = spool.join("calls.jsonl");
        let attachments = spool.join("attachments");
        fs::create_dir_all(&attachments).map_err(io_error("create", &attachments))?;
        let mut messages =
            BufWriter::new(File::create(&messages_path).map_err(io_error("write", &messages_path))?);
        let mut calls = BufWriter::new(File::create(&calls_path).map_err(io_error("write", &calls_path))?);
        let mut prepared = Prepared::default();
        let (mut message_count, mut call_count, mut lost) = (0u64, 0u64, 0u64);
        let mut first_problem: Option<String> = None;
        let mut broken_off = false;
        let mut attachment_items = Vec::new();
        let mut reader = reader;
        for (number, record) in reader.by_ref().enumerate() {
            let write_error =
                |e: serde_json::Error| DeviceError::io("write", spool, std::io::Error::other(e));
            match record {
                Ok(BackupRecord::Message(mut message)) => {
                    let id = message.content_id().to_string();
                    for (index, part) in message.parts.iter_mut().enumerate() {
                        let PartContent::Bytes(bytes) = &part.content else { continue };
                        if part.is_text() || part.is_layout() {
                            continue;
                        }
                        let name = safe_name(part.name.as_deref().unwrap_or(""), &format!("part-{index}"));
                        let relative = format!("{}/{index}-{name}", &id[..16]);
                        let file = attachments.join(relative.replace('/', "_"));
                        fs::write(&file, bytes).map_err(io_error("write", &file))?;
                        let item_path = format!("{ATTACHMENTS_DIR}/{relative}");
                        attachment_items.push(self.item(item_path.clone(), Category::Messages, file)?);
                        part.content = PartContent::Reference(item_path);
                    }
                    serde_json::to_writer(&mut messages, &message).map_err(write_error)?;
                    messages.write_all(b"\n").map_err(io_error("write", &messages_path))?;
                    message_count += 1;
                }
                Ok(BackupRecord::Call(call)) => {
                    serde_json::to_writer(&mut calls, &call).map_err(write_error)?;
                    calls.write_all(b"\n").map_err(io_error("write", &calls_path))?;
                    call_count += 1;
                }
                Err(e @ SmsXmlError::Record { .. }) => {
                    lost += 1;
                    first_problem.get_or_insert_with(|| e.to_string());
                    prepared
                        .skipped
                        .push((format!("{} record {}", self.identity.name, number + 1), e.to_string()));
                }
                // The file ends early or breaks: keep what was read, and say so.
                Err(e) => {
                    broken_off = true;
                    first_problem.get_or_insert_with(|| e.to_string());
                    prepared.skipped.push((self.identity.name.clone(), e.to_string()));
                    break;
                }
            }
        }
        for warning in reader.warnings() {
            prepared
                .skipped
                .push((format!("{} line {}", self.identity.name, warning.line), warning.reason.clone()));
        }
        messages.flush().map_err(io_error("write", &messages_path))?;
        calls.flush().map_err(io_error("write", &calls_path))?;
        let read = message_count + call_count;
        if read == 0 {
            let detail = match first_problem {
                Some(problem) if lost > 0 => {
                    format!("none of its {lost} records could be read (first: {problem})")
                }
                Some(problem) => format!("it breaks off before its first complete record ({problem})"),
                None => "it holds no messages and no calls".to_string(),
            };
            return Err(self.nothing_readable(detail));
        }
        if lost > 0 || broken_off {
            let total = read + lost;
            let mut what = Vec::new();
            if lost > 0 {
                what.push(format!("{lost} of {total} records could not be read (each is named above)"));
            }
            if broken_off {
                what.push(format!(
                    "the file breaks off after record {total}, so whatever followed is missing"
                ));
            }
            let raw = self.raw_path("sms-backup-restore");
            prepared.skipped.push((
                self.identity.name.clone(),
                format!("{}; the original file is kept as {raw}", what.join("; ")),
            ));
        }
        if message_count > 0 {
            let path = document_path(Category::Messages).unwrap_or("Messages/messages.jsonl");
            prepared.items.push(self.item(path.into(), Category::Messages, messages_path)?);
            prepared.items.extend(attachment_items);
            prepared.items.push(self.raw_item("sms-backup-restore", Category::Messages)?);
            prepared.records.push((Category::Messages, message_count));
        }
        if call_count > 0 {
            let path = document_path(Category::Calls).unwrap_or("Calls/calls.jsonl");
            prepared.items.push(self.item(path.into(), Category::Calls, calls_path)?);
            if message_count == 0 {
                prepared.items.push(self.raw_item("sms-backup-restore", Category::Calls)?);
            }
            prepared.records.push((Category::Calls, call_count));
        }
        Ok(prepared)
    }
}

/// A file name safe to use as one path component: no separators, no control characters, not hidden.
fn safe_name(name: &str, fallback: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').chars().take(120).collect::<String>();
    if cleaned.is_empty() { fallback.to_string() } else { cleaned }
}

impl Device for DocumentFileDevice {
    fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    fn survey(
        &self,
        categories: &CategorySet,
        _cancel: &Cancel,
    ) -> Result<Vec<CategorySummary>, DeviceError> {
        let prepared = self.prepared()?;
        Ok(prepared
            .records
            .iter()
            .filter(|(category, _)| categories.contains(*category))
            .map(|(category, records)| CategorySummary {
                category: *category,
                items: *records,
                bytes: prepared
                    .items
                    .iter()
                    .filter(|i| i.entry.category == *category)
                    .map(|i| i.entry.size)
                    .sum(),
                unavailable: None,
            })
            .collect())
    }

    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        let prepared = self.prepared()?;
        for (what, reason) in &prepared.skipped {
            sink.skipped(what.clone(), reason.clone());
        }
        for item in prepared.items.iter().filter(|i| categories.contains(i.entry.category)) {
            sink.entry(item.entry.clone())?;
        }
        Ok(())
    }

    fn open(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, DeviceError> {
        let prepared = self.prepared()?;
        let item = prepared.items.iter().find(|i| i.entry.path == entry.path).ok_or_else(|| {
            DeviceError::Protocol {
                device: self.identity.name.clone(),
                detail: format!("{} is not part of this file", entry.path),
            }
        })?;
        let file = File::open(&item.file).map_err(io_error("read", &item.file))?;
        Ok(Box::new(file))
    }

    fn restorer(&self, _policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError> {
        Err(DeviceError::ReadOnly(self.identity.name.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_files_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd", "x"), "_.._etc_passwd");
        assert_eq!(safe_name("..", "part-1"), "part-1");
        assert_eq!(safe_name("IMG 1.jpg", "x"), "IMG 1.jpg");
        assert_eq!(safe_name("a\nb", "x"), "a_b");
    }
}
