//! The streaming reader: one record at a time from a `BufRead`, so a backup of any size is read in the memory
//! of its largest single message.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::{BytesStart, Event};

use super::guard::{GuardedInput, MAX_ELEMENT_BYTES, Oversize};
use super::text::unescape_attribute;
use super::{BackupHeader, BackupKind, BackupRecord, SmsXmlError, SmsXmlWarning};
use crate::data::{
    AddressRole, CallDirection, CallEntry, Message, MessageAddress, MessageFolder, MessageKind, MessagePart,
    PartContent, RawFormat, RawSource,
};

/// Reads an SMS Backup & Restore file record by record. Iterating yields each `<sms>`, `<mms>` or `<call>`;
/// a record that cannot be read yields an error naming it and the reader goes on with the next one, while a
/// broken file (malformed XML, cut off in the middle) ends the iteration with that error.
pub struct SmsXmlReader<R: BufRead> {
    xml: Reader<GuardedInput<R>>,
    buf: Vec<u8>,
    header: BackupHeader,
    keep_raw: bool,
    records: usize,
    warnings: Vec<SmsXmlWarning>,
    done: bool,
}

/// Attributes of one element, decoded, in order.
type Attributes = Vec<(String, String)>;

/// The children of a record, with their lines, and the children left out for their size.
type ChildElements = (Vec<(BytesStart<'static>, usize)>, Vec<(String, Oversize)>);

/// Attributes whose value was converted with a loss (bytes that are not UTF-8, an unknown entity kept as
/// written): the attribute's name and what happened.
type Notes = Vec<(String, String)>;

impl SmsXmlReader<BufReader<File>> {
    /// Opens a backup file and reads its header.
    pub fn open(path: &Path) -> Result<Self, SmsXmlError> {
        let io_error = |source| SmsXmlError::Io { path: path.to_path_buf(), source };
        // A FIFO named `.xml` would block the read forever.
        if !std::fs::metadata(path).map_err(io_error)?.is_file() {
            let reason =
                "it is not a regular file (a FIFO, socket or device), and only regular files are read";
            return Err(io_error(std::io::Error::new(std::io::ErrorKind::InvalidInput, reason)));
        }
        let file = File::open(path).map_err(io_error)?;
        Self::new(BufReader::new(file))
    }
}

impl<R: BufRead> SmsXmlReader<R> {
    /// Starts reading: everything up to the root element (`<smses>` or `<calls>`) is read now, so a file that is
    /// empty or not a backup at all is refused here.
    pub fn new(input: R) -> Result<Self, SmsXmlError> {
        let mut xml = Reader::from_reader(GuardedInput::new(input));
        xml.config_mut().trim_text(false);
        let mut buf = Vec::new();
        let (kind, (attributes, notes), closed, line) = loop {
            let line = xml.get_ref().line();
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => break (root_kind(&e)?, decode_attributes(&e, line)?, false, line),
                Ok(Event::Empty(e)) => break (root_kind(&e)?, decode_attributes(&e, line)?, true, line),
                Ok(Event::Eof) => return Err(SmsXmlError::Empty),
                Ok(Event::Text(t)) if !t.iter().all(u8::is_ascii_whitespace) => {
                    return Err(SmsXmlError::NotABackup { found: "text before any element".into() });
                }
                Ok(_) => continue,
                Err(error) => return Err(SmsXmlError::Syntax { line, message: error.to_string() }),
            }
        };
        let header = BackupHeader::from_attributes(kind, attributes);
        let warnings = notes
            .into_iter()
            .map(|(key, note)| SmsXmlWarning { line, reason: format!("attribute {key}: {note}") })
            .collect();
        Ok(Self { xml, buf, header, keep_raw: true, records: 0, warnings, done: closed })
    }

    /// Whether to keep each record's XML next to it (on by default).
    pub fn keep_raw(mut self, keep: bool) -> Self {
        self.keep_raw = keep;
        self
    }

    /// The root element's attributes: what the file says it holds.
    pub fn header(&self) -> &BackupHeader {
        &self.header
    }

    /// Problems that did not stop reading (a count that does not match, an undecodable attachment).
    pub fn warnings(&self) -> &[SmsXmlWarning] {
        &self.warnings
    }

    /// How many records (good or bad) have been met so far.
    pub fn records_seen(&self) -> usize {
        self.records
    }

    fn read_record(&mut self) -> Option<Result<BackupRecord, SmsXmlError>> {
        loop {
            let line = self.xml.get_ref().line();
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(event) => event.into_owned(),
                Err(error) => {
                    return Some(Err(self.fail(SmsXmlError::Syntax { line, message: error.to_string() })));
                }
            };
            let (start, has_children) = match event {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(_) => {
                    self.finish();
                    return None;
                }
                Event::Eof => {
                    let root = self.header.kind.root_name();
                    let message = format!("the file ends before </{root}>: the backup was cut off");
                    return Some(Err(self.fail(SmsXmlError::Syntax { line, message })));
                }
                _ => continue,
            };
            self.records += 1;
            let index = self.records;
            let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
            if let Some(oversize) = self.xml.get_mut().take_oversize() {
                // Its children (if any) are read and dropped, so the next record starts in the right place.
                if has_children && let Err(error) = self.read_children(&name, None) {
                    return Some(Err(self.fail(error)));
                }
                let reason = too_large(&oversize);
                return Some(Err(SmsXmlError::Record { index, line: oversize.line, element: name, reason }));
            }
            let mut raw = self.keep_raw.then(|| Writer::new(Vec::new()));
            let record_event =
                if has_children { Event::Start(start.clone()) } else { Event::Empty(start.clone()) };
            if let Some(writer) = raw.as_mut() {
                let _ = writer.write_event(record_event);
            }
            let (children, cut) = if has_children {
                match self.read_children(&name, raw.as_mut()) {
                    Ok(read) => read,
                    Err(error) => return Some(Err(self.fail(error))),
                }
            } else {
                (Vec::new(), Vec::new())
            };
            for (child, oversize) in &cut {
                let reason = format!("message {index} (line {line}): its <{child}> {}", too_large(oversize));
                self.warnings.push(SmsXmlWarning { line: oversize.line, reason });
            }
            let raw = raw.map(|w| RawSource::from_bytes(RawFormat::SmsBackupRestoreXml, w.into_inner()));
            let record_error =
                |reason: String| SmsXmlError::Record { index, line, element: name.clone(), reason };
            let (attributes, notes) = match decode_attributes(&start, line) {
                Ok(decoded) => decoded,
                Err(SmsXmlError::Syntax { message, .. }) => return Some(Err(record_error(message))),
                Err(other) => return Some(Err(other)),
            };
            let known = matches!(name.as_str(), "sms" | "mms" | "call");
            if known {
                self.note_losses(&notes, line, &format!("record {index} (<{name}>)"));
            }
            let result = match name.as_str() {
                "sms" => sms(attributes, raw).map(|m| BackupRecord::Message(with_losses(m, &notes))),
                "mms" => self.mms(attributes, children, raw, index, line).map(|mut m| {
                    m.lost.extend(cut.iter().map(|(child, oversize)| {
                        format!("<{child}> at line {}: {}", oversize.line, too_large(oversize))
                    }));
                    BackupRecord::Message(with_losses(m, &notes))
                }),
                "call" => call(attributes, raw).map(BackupRecord::Call),
                other => {
                    self.records -= 1;
                    self.warnings.push(SmsXmlWarning {
                        line,
                        reason: format!("<{other}> is not a message or a call; it was skipped"),
                    });
                    continue;
                }
            };
            return Some(result.map_err(record_error));
        }
    }

    /// Reads the children of an `<mms>` (its `<parts>` and `<addrs>`), returning the `<part>` and `<addr>`
    /// elements with their line numbers, and the children left out for their size.
    fn read_children(
        &mut self,
        name: &str,
        mut raw: Option<&mut Writer<Vec<u8>>>,
    ) -> Result<ChildElements, SmsXmlError> {
        let mut children = Vec::new();
        let mut cut = Vec::new();
        let mut depth = 1usize;
        loop {
            let line = self.xml.get_ref().line();
            self.buf.clear();
            let event = self
                .xml
                .read_event_into(&mut self.buf)
                .map_err(|error| SmsXmlError::Syntax { line, message: error.to_string() })?
                .into_owned();
            let oversize = self.xml.get_mut().take_oversize();
            let is_start = matches!(event, Event::Start(_));
            if let Some(writer) = raw.as_deref_mut()
                && oversize.is_none()
            {
                let _ = writer.write_event(event.borrow());
            }
            match event {
                // Cut for its size: left out (also of the raw XML, which would otherwise keep 64 MiB of it).
                Event::Start(e) | Event::Empty(e) if let Some(oversize) = oversize => {
                    if is_start {
                        depth += 1;
                    }
                    cut.push((String::from_utf8_lossy(e.name().as_ref()).into_owned(), oversize));
                }
                Event::Start(e) => {
                    depth += 1;
                    children.push((e, line));
                }
                Event::Empty(e) => children.push((e, line)),
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok((children, cut));
                    }
                }
                Event::Eof => {
                    let message = format!("the file ends inside <{name}>: the backup was cut off");
                    return Err(SmsXmlError::Syntax { line, message });
                }
                _ => {}
            }
        }
    }

    fn mms(
        &mut self,
        attributes: Attributes,
        children: Vec<(BytesStart<'static>, usize)>,
        raw: Option<RawSource>,
        index: usize,
        line: usize,
    ) -> Result<Message, String> {
        let mut fields = Fields(attributes);
        let date = fields.required_int("date")?;
        let folder = MessageFolder::from_android(fields.required_int("msg_box")?);
        let mut message = Message {
            kind: MessageKind::Mms,
            folder,
            thread_id: None,
            conversation: fields.take("address").map(|a| split_conversation(&a)).unwrap_or_default(),
            addresses: Vec::new(),
            date,
            // MMS keeps date_sent in seconds, unlike everything else in the file.
            date_sent: fields.optional_int("date_sent")?.filter(|&d| d != 0).map(|d| d * 1000),
            read: fields.flag("read")?,
            seen: fields.optional_int("seen")?.map(|s| s != 0),
            status: None,
            locked: fields.flag("locked")?,
            subject: fields.take_text("sub"),
            body: None,
            parts: Vec::new(),
            contact_name: fields.take_name("contact_name"),
            subscription_id: fields.optional_int("sub_id")?.filter(|&s| s != -1),
            origin: None,
            lost: Vec::new(),
            extra: Vec::new(),
            raw,
        };
        fields.take("readable_date");
        message.extra = fields.0;
        for (element, child_line) in children {
            let (attributes, notes) = decode_attributes(&element, child_line).map_err(|e| e.to_string())?;
            let child = String::from_utf8_lossy(element.name().as_ref()).into_owned();
            self.note_losses(&notes, child_line, &format!("message {index} (line {line}), <{child}>"));
            message.lost.extend(notes.iter().map(|(key, note)| format!("<{child}> {key}: {note}")));
            match element.name().as_ref() {
                b"part" => {
                    let (part, problem) = part(attributes);
                    if let Some(problem) = problem {
                        self.warnings.push(SmsXmlWarning {
                            line: child_line,
                            reason: format!("message {index} (line {line}): {problem}"),
                        });
                    }
                    message.parts.push(part);
                }
                b"addr" => message.addresses.push(address(attributes)?),
                _ => {}
            }
        }
        let texts: Vec<&str> = message
            .parts
            .iter()
            .filter(|p| p.is_text())
            .filter_map(|p| match &p.content {
                PartContent::Text(text) => Some(text.as_str()),
                _ => None,
            })
            .collect();
        message.body = (!texts.is_empty()).then(|| texts.join("\n"));
        Ok(message)
    }

    /// Warns about each attribute of a kept record that was converted with a loss.
    fn note_losses(&mut self, notes: &Notes, line: usize, record: &str) {
        for (key, note) in notes {
            self.warnings.push(SmsXmlWarning { line, reason: format!("{record}, attribute {key}: {note}") });
        }
    }

    fn fail(&mut self, error: SmsXmlError) -> SmsXmlError {
        self.done = true;
        error
    }

    fn finish(&mut self) {
        self.done = true;
        if let Some(declared) = self.header.declared_count
            && declared != self.records as u64
        {
            self.warnings.push(SmsXmlWarning {
                line: self.xml.get_ref().line(),
                reason: format!(
                    "the file says it holds {declared} {}, but it holds {}",
                    self.header.kind.record_noun(),
                    self.records
                ),
            });
        }
    }
}

impl<R: BufRead> Iterator for SmsXmlReader<R> {
    type Item = Result<BackupRecord, SmsXmlError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.read_record()
    }
}

fn root_kind(element: &BytesStart<'_>) -> Result<BackupKind, SmsXmlError> {
    match element.name().as_ref() {
        b"smses" => Ok(BackupKind::Messages),
        b"calls" => Ok(BackupKind::Calls),
        other => Err(SmsXmlError::NotABackup { found: format!("<{}>", String::from_utf8_lossy(other)) }),
    }
}

fn decode_attributes(element: &BytesStart<'_>, line: usize) -> Result<(Attributes, Notes), SmsXmlError> {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| SmsXmlError::Syntax { line, message: e.to_string() })?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let (value, note) = unescape_attribute(&attribute.value);
        if let Some(note) = note {
            notes.push((key.clone(), note));
        }
        out.push((key, value));
    }
    Ok((out, notes))
}

/// Why an element over [`MAX_ELEMENT_BYTES`] was not read.
fn too_large(oversize: &Oversize) -> String {
    format!(
        "is {} bytes long, over the limit of {} MiB for one element; it was left out",
        oversize.bytes,
        MAX_ELEMENT_BYTES / (1024 * 1024)
    )
}

/// Marks in `lost` each field of a message whose value was converted with a loss; the record's raw XML keeps
/// the bytes as they were.
fn with_losses(mut message: Message, notes: &Notes) -> Message {
    message.lost.extend(notes.iter().map(|(key, note)| format!("{key}: {note}")));
    message
}

/// An element's attributes, taken one by one into fields; what is left is kept verbatim.
struct Fields(Attributes);

impl Fields {
    fn take(&mut self, key: &str) -> Option<String> {
        let index = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(index).1)
    }

    /// Text where the app writes the literal `null` for "none".
    fn take_text(&mut self, key: &str) -> Option<String> {
        self.take(key).filter(|v| v != "null")
    }

    /// A contact name, where `(Unknown)` is the app's placeholder for "none".
    fn take_name(&mut self, key: &str) -> Option<String> {
        self.take_text(key).filter(|v| v != "(Unknown)" && !v.is_empty())
    }

    fn required_int(&mut self, key: &str) -> Result<i64, String> {
        match self.take(key) {
            Some(value) => {
                value.trim().parse().map_err(|_| format!("{key} \"{value}\" is not a whole number"))
            }
            None => Err(format!("it has no {key} attribute")),
        }
    }

    fn optional_int(&mut self, key: &str) -> Result<Option<i64>, String> {
        match self.take_text(key) {
            Some(value) if !value.trim().is_empty() => {
                value.trim().parse().map(Some).map_err(|_| format!("{key} \"{value}\" is not a whole number"))
            }
            _ => Ok(None),
        }
    }

    fn flag(&mut self, key: &str) -> Result<bool, String> {
        Ok(self.optional_int(key)?.is_some_and(|v| v != 0))
    }
}

/// Group MMS list their recipients joined by `~` (`+12121234567~+49215111111`).
fn split_conversation(address: &str) -> Vec<String> {
    address.split('~').map(str::trim).filter(|a| !a.is_empty() && *a != "null").map(str::to_string).collect()
}

fn sms(attributes: Attributes, raw: Option<RawSource>) -> Result<Message, String> {
    let mut fields = Fields(attributes);
    let date = fields.required_int("date")?;
    let folder = MessageFolder::from_android(fields.required_int("type")?);
    let address = fields.take_text("address");
    let role = if folder.is_incoming() { AddressRole::From } else { AddressRole::To };
    let mut message = Message {
        kind: MessageKind::Sms,
        folder,
        thread_id: None,
        conversation: address.iter().cloned().collect(),
        addresses: address
            .into_iter()
            .map(|address| MessageAddress { address, role, extra: Vec::new() })
            .collect(),
        date,
        date_sent: fields.optional_int("date_sent")?.filter(|&d| d != 0),
        read: fields.flag("read")?,
        seen: fields.optional_int("seen")?.map(|s| s != 0),
        status: fields.optional_int("status")?,
        locked: fields.flag("locked")?,
        subject: fields.take_text("subject"),
        body: fields.take_text("body"),
        parts: Vec::new(),
        contact_name: fields.take_name("contact_name"),
        subscription_id: fields.optional_int("sub_id")?.filter(|&s| s != -1),
        origin: None,
        lost: Vec::new(),
        extra: Vec::new(),
        raw,
    };
    fields.take("readable_date");
    message.extra = fields.0;
    Ok(message)
}

/// One `<part>`, and a problem worth a warning (an attachment whose base64 is corrupt: it is kept as found).
fn part(attributes: Attributes) -> (MessagePart, Option<String>) {
    let mut fields = Fields(attributes);
    let content_type = fields.take("ct").unwrap_or_default();
    let name = fields.take_text("name");
    let text = fields.take("text");
    let data = fields.take("data");
    let mut problem = None;
    let content = match (data, text) {
        (Some(data), text) => {
            if let Some(text) = text.filter(|t| t != "null") {
                fields.0.push(("text".into(), text));
            }
            match STANDARD.decode(data.trim()) {
                Ok(bytes) => PartContent::Bytes(bytes),
                Err(error) => {
                    problem = Some(format!(
                        "attachment \"{}\" ({content_type}) is not valid base64 ({error}); it is kept as found",
                        name.as_deref().unwrap_or("unnamed")
                    ));
                    PartContent::Unreadable(data)
                }
            }
        }
        (None, Some(text)) if text != "null" => PartContent::Text(text),
        (None, _) => PartContent::Empty,
    };
    let part = MessagePart {
        content_type,
        name,
        charset: fields.take_text("chset"),
        content_id: fields.take_text("cid"),
        content_location: fields.take_text("cl"),
        content,
        extra: fields.0,
    };
    (part, problem)
}

/// PDU header field codes of `<addr type=…>` (OMA MMS encapsulation: From, To, Cc, Bcc).
fn address(attributes: Attributes) -> Result<MessageAddress, String> {
    let mut fields = Fields(attributes);
    let address = fields.take("address").unwrap_or_default();
    let role = match fields.required_int("type")? {
        137 => AddressRole::From,
        151 => AddressRole::To,
        130 => AddressRole::Cc,
        129 => AddressRole::Bcc,
        other => return Err(format!("address {address} has the unknown type {other}")),
    };
    Ok(MessageAddress { address, role, extra: fields.0 })
}

fn call(attributes: Attributes, raw: Option<RawSource>) -> Result<CallEntry, String> {
    let mut fields = Fields(attributes);
    let date = fields.required_int("date")?;
    let direction = CallDirection::from_android_code(fields.required_int("type")?);
    let duration = fields.optional_int("duration")?.unwrap_or(0);
    let mut entry = CallEntry {
        number: fields.take_text("number").unwrap_or_default(),
        name: fields.take_name("contact_name"),
        direction,
        date,
        duration_secs: u64::try_from(duration).map_err(|_| format!("duration {duration} is negative"))?,
        presentation: fields.optional_int("presentation")?,
        sim: fields.take_text("subscription_id").filter(|s| !s.is_empty() && s != "-1"),
        account: fields.take_text("subscription_component_name").filter(|s| !s.is_empty()),
        extra: Vec::new(),
        raw,
    };
    fields.take("readable_date");
    entry.extra = fields.0;
    Ok(entry)
}
