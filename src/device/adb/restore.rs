//! Writing a backup back onto an Android phone.
//!
//! Files go back with the sync protocol, keeping their modification time, and are announced to the media
//! scanner at the end so the gallery shows them. Records are written through the content providers, and
//! never twice: what the phone already has (same content id) is counted as already present, and a record the
//! phone holds in another version (edited there since the backup, `merge.rs`) is merged into it, so a second
//! restore changes nothing. Settings are written only from a short allow-list of portable, harmless ones.
//! SMS/MMS need the `WRITE_SMS` app-op for the shell; a phone that refuses it, or still ignores the inserts,
//! is reported with its reason, and the messages stay in the backup, exportable. A provider the phone will
//! not open for USB debugging (a permission denial, as some makers give for the call log) counts every
//! record of that document as refused, with the phone's words.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;

use crate::data::documents::{ATTACHMENTS_DIR, document_path, read_document};
use crate::data::{
    App, CallEntry, Category, Contact, Message, MessageKind, PartContent, PhotoContent, Setting,
};
use crate::device::{DeviceError, Entry, EntryKind, RestoreCount, RestorePolicy, Restorer};

use super::AdbError;
use super::content::{QueryError, explain_refusal};
use super::device::{AndroidDevice, SHARED};
use super::merge::{self, Found, Known, PhoneContact};
use super::records::{self, role_code};
use super::shell::command_line;
use super::sync::S_IFREG;

/// Settings written back: portable, and harmless on any phone (no ringtone URIs, which name files that may
/// not exist on the target; nothing from `secure`).
pub const SETTINGS_ALLOWED: [(&str, &str); 10] = [
    ("system", "screen_off_timeout"),
    ("system", "time_12_24"),
    ("system", "font_scale"),
    ("system", "screen_brightness_mode"),
    ("system", "vibrate_when_ringing"),
    ("system", "haptic_feedback_enabled"),
    ("system", "sound_effects_enabled"),
    ("system", "dtmf_tone"),
    ("global", "auto_time"),
    ("global", "auto_time_zone"),
];

/// Escapes a `content insert --bind` value: `\` and `:` are the tool's own syntax on current Android. (The
/// `content` tool of Android 6 and older took everything after the second colon verbatim; restoring to such
/// a phone would keep these backslashes.)
pub fn bind_value(value: &str) -> String {
    value.replace('\\', r"\\").replace(':', r"\:")
}

/// One `--bind column:type:value`.
fn bind(column: &str, kind: char, value: &str) -> String {
    format!("{column}:{kind}:{}", bind_value(value))
}

/// Restores onto one phone.
pub struct AndroidRestorer<'a> {
    device: &'a AndroidDevice,
    policy: RestorePolicy,
    /// Phone paths of files written, for the media scanner.
    written: Vec<String>,
    /// Attachments seen before the message document (their paths sort first), kept until it comes.
    stash: Option<tempfile::TempDir>,
    stashed: HashMap<String, PathBuf>,
}

impl<'a> AndroidRestorer<'a> {
    /// A restorer for `device`.
    pub fn new(device: &'a AndroidDevice, policy: RestorePolicy) -> Self {
        Self { device, policy, written: Vec::new(), stash: None, stashed: HashMap::new() }
    }

    fn name(&self) -> String {
        crate::device::Device::identity(self.device).name.clone()
    }

    fn fatal(&self, error: AdbError) -> DeviceError {
        match error {
            AdbError::Disconnected { .. } => DeviceError::Disconnected { device: self.name() },
            AdbError::Unauthorized { .. } => DeviceError::Unauthorized { device: self.name() },
            other => DeviceError::Protocol { device: self.name(), detail: other.to_string() },
        }
    }

    fn query_error(&self, error: QueryError) -> DeviceError {
        match error {
            QueryError::Refused(reason) => {
                DeviceError::Protocol { device: self.name(), detail: format!("the phone refused: {reason}") }
            }
            QueryError::Adb(e) => self.fatal(e),
        }
    }

    /// What the phone already holds, read to avoid duplicates; `Err(reason)` when the phone refuses to give it
    /// (the document is then refused as a whole), a device error when the phone went away.
    fn existing<T>(&self, read: Result<T, QueryError>) -> Result<Result<T, String>, DeviceError> {
        match read {
            Ok(value) => Ok(Ok(value)),
            Err(QueryError::Refused(reason)) => Ok(Err(explain_refusal(&reason))),
            Err(QueryError::Adb(e)) => Err(self.fatal(e)),
        }
    }

    /// Every record of a document the phone will not take, counted as refused for one reason.
    fn refuse_all<T: serde::de::DeserializeOwned>(
        &self,
        content: &mut dyn Read,
        what: &str,
        reason: &str,
    ) -> RestoreCount {
        let records = read_document::<T, _>(BufReader::new(content)).filter(Result::is_ok).count() as u64;
        RestoreCount {
            refused: records,
            notes: vec![format!("{records} {what} were not restored: {reason}")],
            ..RestoreCount::default()
        }
    }

    /// Runs a `content` command; a provider exception (printed on stderr, status 0) is an error.
    fn content(&self, words: &[&str]) -> Result<String, DeviceError> {
        let output = self.device.connection().shell(&command_line(words)).map_err(|e| self.fatal(e))?;
        let stderr = output.error_text();
        let stdout = output.text();
        if !stderr.is_empty() || stdout.contains("[ERROR]") {
            let reason = stderr
                .lines()
                .find(|l| !l.starts_with("Error while") && !l.starts_with('\t'))
                .unwrap_or(&stderr)
                .to_string();
            let reason = if reason.is_empty() {
                stdout.lines().find(|l| l.contains("[ERROR]")).unwrap_or_default().to_string()
            } else {
                reason
            };
            return Err(DeviceError::Protocol { device: self.name(), detail: reason });
        }
        Ok(stdout)
    }

    fn insert(&self, uri: &str, binds: &[String]) -> Result<(), DeviceError> {
        let mut words = vec!["content", "insert", "--uri", uri];
        for b in binds {
            words.push("--bind");
            words.push(b);
        }
        self.content(&words).map(|_| ())
    }

    /// The id of the row whose `column` holds `marker` (rows are tagged on insert to find them again).
    fn find_by_marker(&self, uri: &str, column: &str, marker: &str) -> Result<Option<i64>, DeviceError> {
        let rows = self
            .device
            .connection()
            .query(uri, &[], Some(&format!("{column}='{marker}'")))
            .map_err(|e| self.query_error(e))?;
        Ok(rows.last().and_then(|r| r.int("_id")))
    }

    fn restore_file(&mut self, entry: &Entry, content: &mut dyn Read) -> Result<RestoreCount, DeviceError> {
        let phone_path = format!("{SHARED}/{}", entry.path);
        let connection = self.device.connection();
        let mut sync = connection.sync().map_err(|e| self.fatal(e))?;
        let mtime = entry.mtime_ns.map(|ns| ns.div_euclid(1_000_000_000)).unwrap_or(0);
        if let Some(existing) = sync.stat(phone_path.as_bytes()).map_err(|e| self.fatal(e))? {
            if existing.is_file()
                && existing.size == entry.size
                && (entry.mtime_ns.is_none() || existing.mtime == mtime)
            {
                sync.quit();
                return Ok(RestoreCount { already_present: 1, ..RestoreCount::default() });
            }
            if !self.policy.overwrite {
                sync.quit();
                return Err(DeviceError::AlreadyExists(PathBuf::from(phone_path)));
            }
        }
        let mode = S_IFREG | entry.mode.map(|m| m & 0o777).unwrap_or(0o660);
        let sent = sync.send(&phone_path, mode, mtime, content).map_err(|e| match e {
            AdbError::Sync { reason, .. } => {
                DeviceError::Protocol { device: self.name(), detail: format!("{phone_path}: {reason}") }
            }
            other => self.fatal(other),
        })?;
        sync.quit();
        if sent != entry.size {
            return Err(DeviceError::Protocol {
                device: self.name(),
                detail: format!("{phone_path}: the backup gave {sent} bytes, {} were expected", entry.size),
            });
        }
        self.written.push(phone_path);
        Ok(RestoreCount::one_restored())
    }

    fn stash_attachment(
        &mut self,
        entry: &Entry,
        content: &mut dyn Read,
    ) -> Result<RestoreCount, DeviceError> {
        if self.stash.is_none() {
            self.stash = Some(
                tempfile::Builder::new()
                    .prefix("lifeboat-restore-")
                    .tempdir()
                    .map_err(|e| DeviceError::io("create", std::env::temp_dir(), e))?,
            );
        }
        let dir = self.stash.as_ref().map(|d| d.path().to_path_buf()).unwrap_or_default();
        let local = dir.join(format!("{}", self.stashed.len()));
        let mut file = File::create(&local).map_err(|e| DeviceError::io("write", &local, e))?;
        io::copy(content, &mut file).map_err(|e| DeviceError::io("write", &local, e))?;
        self.stashed.insert(entry.path.to_string(), local);
        // Counted with the message that uses it.
        Ok(RestoreCount::default())
    }

    fn restore_contacts(&mut self, content: &mut dyn Read) -> Result<RestoreCount, DeviceError> {
        let mut ignore = |_: String, _: String| {};
        let phone = match self.existing(self.device.read_phone_contacts(false, &mut ignore))? {
            Ok(contacts) => contacts,
            Err(reason) => return Ok(self.refuse_all::<Contact>(content, "contacts", &reason)),
        };
        let backup = self.records(content, |c: &mut Contact| c.raw = None)?;
        let mut known = Known::new(
            phone.iter().map(|p| (p.contact.content_id(), merge::contact_keys(&p.contact))),
            backup.iter().map(Contact::content_id),
        );
        let mut count = RestoreCount::default();
        for contact in &backup {
            let found = known.find(contact.content_id(), &merge::contact_keys(contact), |index| {
                merge::contact_score(contact, &phone[index].contact)
            });
            let written = match found {
                Found::Present => {
                    count.already_present += 1;
                    continue;
                }
                Found::Version(index) => {
                    self.merge_contact(contact, &phone[index]).map(|()| &mut count.merged)
                }
                Found::New => self.insert_contact(contact).map(|()| &mut count.restored),
            };
            match written {
                Ok(counter) => *counter += 1,
                Err(e @ (DeviceError::Disconnected { .. } | DeviceError::Unauthorized { .. })) => {
                    return Err(e);
                }
                Err(e) => {
                    count.refused += 1;
                    count.notes.push(format!("contact \"{}\": {e}", contact.display_name()));
                }
            }
        }
        Ok(count)
    }

    /// Every record of a document, read whole: telling what is already on the phone needs all of them first.
    /// The raw sources are dropped (nothing written to a phone comes from them), which keeps memory small.
    fn records<T: serde::de::DeserializeOwned>(
        &self,
        content: &mut dyn Read,
        drop_raw: fn(&mut T),
    ) -> Result<Vec<T>, DeviceError> {
        read_document::<T, _>(BufReader::new(content))
            .map(|record| {
                let mut record = record
                    .map_err(|e| DeviceError::Protocol { device: self.name(), detail: e.to_string() })?;
                drop_raw(&mut record);
                Ok(record)
            })
            .collect()
    }

    /// Adds to the phone's version of a contact what only the backup's version holds; the phone's own
    /// edits stay.
    fn merge_contact(&self, backup: &Contact, phone: &PhoneContact) -> Result<(), DeviceError> {
        let mut missing = backup.missing_from(&phone.contact);
        if phone.has_photo {
            missing.photos.clear();
        }
        if missing.is_blank() {
            return Ok(());
        }
        self.write_contact_rows(phone.raw_id, &missing)
    }

    fn insert_contact(&self, contact: &Contact) -> Result<(), DeviceError> {
        let marker = format!("lifeboat-{}", crate::vault::Id::random().to_hex());
        self.insert("content://com.android.contacts/raw_contacts", &[bind("sourceid", 's', &marker)])?;
        let raw_id = self
            .find_by_marker("content://com.android.contacts/raw_contacts", "sourceid", &marker)?
            .ok_or_else(|| DeviceError::Protocol {
                device: self.name(),
                detail: "the new contact cannot be found after inserting it".into(),
            })?;
        self.write_contact_rows(raw_id, contact)
    }

    /// Writes the data rows of `contact` (and its first photo) into the raw contact `raw_id`.
    fn write_contact_rows(&self, raw_id: i64, contact: &Contact) -> Result<(), DeviceError> {
        for (mimetype, values) in records::contact_data_rows(contact) {
            let mut binds =
                vec![bind("raw_contact_id", 'l', &raw_id.to_string()), bind("mimetype", 's', &mimetype)];
            binds.extend(values.iter().map(|(column, kind, value)| bind(column, *kind, value)));
            self.insert("content://com.android.contacts/data", &binds)?;
        }
        if let Some(PhotoContent::Inline { bytes, .. }) = contact.photos.first().map(|p| &p.content) {
            let uri = format!("content://com.android.contacts/raw_contacts/{raw_id}/display_photo");
            let mut input: &[u8] = bytes;
            let output = self
                .device
                .connection()
                .shell_with_input(&command_line(&["content", "write", "--uri", &uri]), Some(&mut input))
                .map_err(|e| self.fatal(e))?;
            if !output.error_text().is_empty() {
                log::warn!(
                    "the photo of \"{}\" was not written: {}",
                    contact.display_name(),
                    output.error_text()
                );
            }
        }
        Ok(())
    }

    fn sms_count(&self) -> Result<usize, DeviceError> {
        Ok(self.device.connection().query("content://sms", &[], None).map_err(|e| self.query_error(e))?.len())
    }

    /// Asks the phone to let the shell write messages; the phone's reason when it refuses.
    fn allow_sms_writes(&self) -> Result<Option<String>, DeviceError> {
        match self.device.connection().shell("appops set com.android.shell WRITE_SMS allow") {
            Ok(output) if output.success() => Ok(None),
            Ok(output) => {
                let text = output.error_text();
                // The exception's own line, without the shell command handler's preamble or the stack.
                let reason = text
                    .lines()
                    .map(str::trim_end)
                    .find(|l| !l.is_empty() && !l.starts_with('\t') && !l.starts_with("Exception occurred"))
                    .unwrap_or("it gave no reason")
                    .trim_start_matches("java.lang.SecurityException:")
                    .trim_start_matches("Error:")
                    .trim()
                    .to_string();
                Ok(Some(reason))
            }
            Err(e @ (AdbError::Disconnected { .. } | AdbError::Unauthorized { .. })) => Err(self.fatal(e)),
            Err(other) => Ok(Some(other.to_string())),
        }
    }

    /// The note for messages the phone would not take.
    fn messages_refused_note(refused: u64, appop_refusal: Option<&str>) -> String {
        let why = match appop_refusal {
            Some(reason) => format!(
                "it refused `appops set com.android.shell WRITE_SMS allow` ({reason}), and only the default messaging app may write messages"
            ),
            None => {
                "it ignores what Lifeboat writes: only the default messaging app may write messages".into()
            }
        };
        format!(
            "{refused} messages were not written: this phone does not let Lifeboat write SMS/MMS; {why}. They stay in the backup: `lifeboat export SNAPSHOT --format sms-xml` (or `--format html`) gives them back as a file"
        )
    }

    fn restore_messages(&mut self, content: &mut dyn Read) -> Result<RestoreCount, DeviceError> {
        // Android lets only the default SMS app write messages; the shell may be allowed with an app-op.
        let appop_refusal = self.allow_sms_writes()?;
        let mut ignore = |_: String, _: String| {};
        let phone = match self.existing(self.device.read_messages(None, &mut ignore))? {
            Ok((messages, _)) => messages,
            Err(reason) => return Ok(self.refuse_all::<Message>(content, "messages", &reason)),
        };
        let backup = self.records(content, |m: &mut Message| m.raw = None)?;
        let mut known = Known::new(
            phone.iter().map(|m| (m.content_id(), vec![m.identity_key()])),
            backup.iter().map(Message::content_id),
        );
        drop(phone);
        let mut count = RestoreCount::default();
        // Until one message is seen arriving, an ignored insert means the phone ignores them all.
        let mut verified = false;
        let mut messages = backup.into_iter();
        while let Some(message) = messages.next() {
            match known.find(message.content_id(), &[message.identity_key()], |_| Some(0)) {
                Found::Present => {
                    count.already_present += 1;
                    continue;
                }
                // The phone's version stays as it is: a message has no list a backup could add to.
                Found::Version(_) => {
                    count.merged += 1;
                    continue;
                }
                Found::New => {}
            }
            let inserted = match message.kind {
                MessageKind::Sms if verified => self.insert_sms(&message).map(|()| true),
                MessageKind::Sms => self.insert_sms_counted(&message),
                MessageKind::Mms => self.insert_mms(&message),
            };
            match inserted {
                Ok(true) => {
                    verified = true;
                    count.restored += 1;
                }
                Ok(false) if !verified => {
                    let refused = 1 + messages.len() as u64;
                    count.refused += refused;
                    count.notes.push(Self::messages_refused_note(refused, appop_refusal.as_deref()));
                    return Ok(count);
                }
                Ok(false) => {
                    count.refused += 1;
                    count.notes.push(format!(
                        "message of {}: the phone ignored it",
                        crate::vault::rfc3339(message.date.saturating_mul(1_000_000))
                    ));
                }
                Err(e @ (DeviceError::Disconnected { .. } | DeviceError::Unauthorized { .. })) => {
                    return Err(e);
                }
                Err(e) => {
                    count.refused += 1;
                    count.notes.push(format!(
                        "message of {}: {e}",
                        crate::vault::rfc3339(message.date.saturating_mul(1_000_000))
                    ));
                }
            }
        }
        Ok(count)
    }

    /// Inserts an SMS and checks that the phone has one more; `false` when it silently ignored it.
    fn insert_sms_counted(&self, message: &Message) -> Result<bool, DeviceError> {
        let before = self.sms_count()?;
        self.insert_sms(message)?;
        Ok(self.sms_count()? > before)
    }

    fn insert_sms(&self, message: &Message) -> Result<(), DeviceError> {
        let mut binds = vec![
            bind("address", 's', message.conversation.first().map(String::as_str).unwrap_or("")),
            bind("date", 'l', &message.date.to_string()),
            bind("type", 'i', &message.folder.android_code().to_string()),
            bind("read", 'i', if message.read { "1" } else { "0" }),
            bind("seen", 'i', if message.seen.unwrap_or(true) { "1" } else { "0" }),
            bind("locked", 'i', if message.locked { "1" } else { "0" }),
        ];
        if let Some(sent) = message.date_sent {
            binds.push(bind("date_sent", 'l', &sent.to_string()));
        }
        if let Some(status) = message.status {
            binds.push(bind("status", 'i', &status.to_string()));
        }
        if let Some(subject) = &message.subject {
            binds.push(bind("subject", 's', subject));
        }
        if let Some(body) = &message.body {
            binds.push(bind("body", 's', body));
        }
        self.insert("content://sms", &binds)
    }

    /// Inserts an MMS with its addresses and parts; `false` when the phone silently ignored it.
    fn insert_mms(&self, message: &Message) -> Result<bool, DeviceError> {
        let marker = format!("lifeboat-{}", crate::vault::Id::random().to_hex());
        let incoming = message.is_incoming();
        let mut binds = vec![
            bind("date", 'l', &message.date.div_euclid(1000).to_string()),
            bind("msg_box", 'i', &message.folder.android_code().to_string()),
            bind("read", 'i', if message.read { "1" } else { "0" }),
            bind("seen", 'i', if message.seen.unwrap_or(true) { "1" } else { "0" }),
            bind("m_type", 'i', if incoming { "132" } else { "128" }),
            bind("ct_t", 's', "application/vnd.wap.multipart.related"),
            bind("tr_id", 's', &marker),
        ];
        if let Some(subject) = &message.subject {
            binds.push(bind("sub", 's', subject));
        }
        if let Some(thread) = self.thread_for(message)? {
            binds.push(bind("thread_id", 'l', &thread.to_string()));
        }
        self.insert("content://mms", &binds)?;
        let Some(id) = self.find_by_marker("content://mms", "tr_id", &marker)? else { return Ok(false) };
        for address in &message.addresses {
            let uri = format!("content://mms/{id}/addr");
            self.insert(
                &uri,
                &[
                    bind("address", 's', &address.address),
                    bind("type", 'i', &role_code(address.role).to_string()),
                    bind("charset", 'i', "106"),
                ],
            )?;
        }
        for (seq, part) in message.parts.iter().enumerate() {
            let uri = format!("content://mms/{id}/part");
            let seq = if part.is_layout() { -1 } else { seq as i64 };
            let mut binds = vec![bind("seq", 'i', &seq.to_string()), bind("ct", 's', &part.content_type)];
            for (column, value) in [
                ("name", &part.name),
                ("chset", &part.charset),
                ("cid", &part.content_id),
                ("cl", &part.content_location),
            ] {
                if let Some(value) = value {
                    binds.push(bind(column, 's', value));
                }
            }
            if let PartContent::Text(text) = &part.content {
                binds.push(bind("text", 's', text));
            }
            self.insert(&uri, &binds)?;
            if let PartContent::Reference(path) = &part.content {
                let Some(local) = self.stashed.get(path) else { continue };
                let part_id = self
                    .device
                    .connection()
                    .query(&uri, &[], None)
                    .map_err(|e| self.query_error(e))?
                    .last()
                    .and_then(|r| r.int("_id"))
                    .ok_or_else(|| DeviceError::Protocol {
                        device: self.name(),
                        detail: "the attachment's part is missing".into(),
                    })?;
                let mut file = File::open(local).map_err(|e| DeviceError::io("read", local, e))?;
                let part_uri = format!("content://mms/part/{part_id}");
                let output = self
                    .device
                    .connection()
                    .shell_with_input(
                        &command_line(&["content", "write", "--uri", &part_uri]),
                        Some(&mut file),
                    )
                    .map_err(|e| self.fatal(e))?;
                if !output.error_text().is_empty() {
                    return Err(DeviceError::Protocol {
                        device: self.name(),
                        detail: format!("attachment {path}: {}", output.error_text()),
                    });
                }
            }
        }
        Ok(true)
    }

    /// The phone's conversation for an MMS, so it shows up with its SMS: Android's own lookup
    /// (`content://mms-sms/threadID?recipient=...`, one `recipient` per participant, which creates the thread
    /// when needed), else, for a conversation with one person, the thread of an SMS with the same address.
    /// `None` leaves it to the phone.
    fn thread_for(&self, message: &Message) -> Result<Option<i64>, DeviceError> {
        let Some(address) = message.conversation.first() else { return Ok(None) };
        let connection = self.device.connection();
        let recipients: Vec<String> = message
            .conversation
            .iter()
            .map(|a| format!("recipient={}", a.replace(['&', '#', '?', ' '], "")))
            .collect();
        let lookup = format!("content://mms-sms/threadID?{}", recipients.join("&"));
        let words = ["content", "query", "--uri", lookup.as_str()];
        if let Ok(output) = connection.shell(&command_line(&words))
            && output.error_text().is_empty()
            && let Some(id) = output
                .text()
                .lines()
                .find_map(|l| l.split("_id=").nth(1).and_then(|v| v.trim().parse::<i64>().ok()))
        {
            return Ok(Some(id));
        }
        // A group's thread is not the thread of its first member's SMS (the regression: an iMessage group chat
        // landed in a one-to-one conversation).
        if message.conversation.len() > 1 {
            return Ok(None);
        }
        let filter = format!("address='{}'", address.replace('\'', "''"));
        match connection.query("content://sms", &["thread_id"], Some(&filter)) {
            Ok(rows) => Ok(rows.iter().find_map(|r| r.int("thread_id"))),
            Err(QueryError::Adb(e)) => Err(self.fatal(e)),
            Err(QueryError::Refused(_)) => Ok(None),
        }
    }

    fn restore_calls(&mut self, content: &mut dyn Read) -> Result<RestoreCount, DeviceError> {
        let phone = match self.existing(self.device.read_calls())? {
            Ok(calls) => calls,
            Err(reason) => return Ok(self.refuse_all::<CallEntry>(content, "calls", &reason)),
        };
        let backup = self.records(content, |c: &mut CallEntry| c.raw = None)?;
        let mut known = Known::new(
            phone.iter().map(|c| (c.content_id(), vec![c.identity_key()])),
            backup.iter().map(CallEntry::content_id),
        );
        let mut count = RestoreCount::default();
        for call in backup {
            match known.find(call.content_id(), &[call.identity_key()], |_| Some(0)) {
                Found::Present => {
                    count.already_present += 1;
                    continue;
                }
                // The phone's version stays as it is: nothing in a call can be added to another.
                Found::Version(_) => {
                    count.merged += 1;
                    continue;
                }
                Found::New => {}
            }
            let mut binds = vec![
                bind("number", 's', &call.number),
                bind("date", 'l', &call.date.to_string()),
                bind("duration", 'l', &call.duration_secs.to_string()),
                bind("type", 'i', &call.direction.android_code().to_string()),
                bind("new", 'i', "0"),
            ];
            if let Some(presentation) = call.presentation {
                binds.push(bind("presentation", 'i', &presentation.to_string()));
            }
            if let Some(name) = &call.name {
                binds.push(bind("name", 's', name));
            }
            match self.insert("content://call_log/calls", &binds) {
                Ok(()) => count.restored += 1,
                Err(e @ (DeviceError::Disconnected { .. } | DeviceError::Unauthorized { .. })) => {
                    return Err(e);
                }
                Err(e) => {
                    count.refused += 1;
                    count.notes.push(format!("call with {}: {e}", call.number));
                }
            }
        }
        Ok(count)
    }

    fn restore_settings(&mut self, content: &mut dyn Read) -> Result<RestoreCount, DeviceError> {
        let connection = self.device.connection();
        let mut count = RestoreCount::default();
        let mut left_alone = 0u64;
        for setting in read_document::<Setting, _>(BufReader::new(content)) {
            let setting =
                setting.map_err(|e| DeviceError::Protocol { device: self.name(), detail: e.to_string() })?;
            if !SETTINGS_ALLOWED.contains(&(setting.namespace.as_str(), setting.key.as_str())) {
                left_alone += 1;
                continue;
            }
            let Some(value) = &setting.value else { continue };
            let current = connection
                .run(&command_line(&["settings", "get", &setting.namespace, &setting.key]))
                .map_err(|e| self.fatal(e))?;
            if current.trim_end_matches('\n') == value {
                count.already_present += 1;
                continue;
            }
            match connection.run(&command_line(&["settings", "put", &setting.namespace, &setting.key, value]))
            {
                Ok(_) => count.restored += 1,
                Err(e @ AdbError::Disconnected { .. }) => return Err(self.fatal(e)),
                Err(e) => {
                    count.refused += 1;
                    count.notes.push(format!("setting {}/{}: {e}", setting.namespace, setting.key));
                }
            }
        }
        if left_alone > 0 {
            count.notes.push(format!("{left_alone} settings were left as they are: only portable, harmless settings are written to a phone"));
        }
        Ok(count)
    }

    fn restore_apps(&mut self, content: &mut dyn Read) -> Result<RestoreCount, DeviceError> {
        let apps: Vec<App> =
            read_document::<App, _>(BufReader::new(content)).filter_map(Result::ok).collect();
        let mut count = RestoreCount::default();
        if !apps.is_empty() {
            count.refused = apps.len() as u64;
            count.notes.push(format!(
                "{} apps are not reinstalled by Lifeboat: install them from the store (the list is in Apps/apps.jsonl)",
                apps.len()
            ));
        }
        Ok(count)
    }
}

impl Restorer for AndroidRestorer<'_> {
    fn restore(&mut self, entry: &Entry, content: &mut dyn Read) -> Result<RestoreCount, DeviceError> {
        let path = entry.path.as_str();
        if entry.kind != EntryKind::File {
            // Folders come into being with their files; links are not made on a phone.
            return Ok(RestoreCount::default());
        }
        if path.starts_with(&format!("{ATTACHMENTS_DIR}/")) {
            return self.stash_attachment(entry, content);
        }
        if path.starts_with("Raw/") || path.starts_with("Apps/packages/") {
            return Ok(RestoreCount::default());
        }
        match entry.category {
            Category::Contacts if Some(path) == document_path(Category::Contacts) => {
                self.restore_contacts(content)
            }
            Category::Messages if Some(path) == document_path(Category::Messages) => {
                self.restore_messages(content)
            }
            Category::Calls if Some(path) == document_path(Category::Calls) => self.restore_calls(content),
            Category::Settings if Some(path) == document_path(Category::Settings) => {
                self.restore_settings(content)
            }
            Category::Apps if Some(path) == document_path(Category::Apps) => self.restore_apps(content),
            Category::Photos | Category::Files => self.restore_file(entry, content),
            _ => Ok(RestoreCount::default()),
        }
    }

    fn finish(&mut self) -> Result<RestoreCount, DeviceError> {
        // One broadcast per file: the scanner then adds each to the gallery with its own date.
        for batch in self.written.chunks(32) {
            let commands: Vec<String> = batch
                .iter()
                .map(|path| {
                    command_line(&[
                        "am",
                        "broadcast",
                        "-a",
                        "android.intent.action.MEDIA_SCANNER_SCAN_FILE",
                        "-d",
                        &format!("file://{path}"),
                    ])
                })
                .collect();
            if let Err(e) = self.device.connection().shell(&commands.join(" >/dev/null; ")) {
                log::warn!("the media scanner was not told about restored files: {e}");
            }
        }
        self.written.clear();
        Ok(RestoreCount::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_values_escape_the_tools_syntax() {
        assert_eq!(bind("body", 's', "ratio 1:2 \\ done"), r"body:s:ratio 1\:2 \\ done");
        assert!(SETTINGS_ALLOWED.iter().all(|(ns, _)| *ns != "secure"));
    }
}
