//! The streaming writer: records go out one at a time, with the attribute names, `null`s and units the app
//! itself writes, so the app can restore a file made by Lifeboat.

use std::borrow::Cow;
use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::text::{escape_attribute, readable_date};
use super::{BackupKind, BackupRecord, SmsXmlError};
use crate::data::{AddressRole, CallEntry, Message, MessageKind, MessagePart, PartContent};

/// Header values for a new backup.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// The `backup_set` id; a random UUID when `None`.
    pub backup_set: Option<String>,
    /// The `backup_date` in milliseconds since 1970 UTC; now when `None`.
    pub backup_date: Option<i64>,
}

/// Writes a backup record by record. The number of records goes in the header, so it is given up front and
/// checked by [`SmsXmlWriter::finish`].
pub struct SmsXmlWriter<W: Write> {
    out: W,
    kind: BackupKind,
    declared: u64,
    written: u64,
}

impl<W: Write> SmsXmlWriter<W> {
    /// Writes the header of a backup that will hold `count` records.
    pub fn new(
        mut out: W,
        kind: BackupKind,
        count: u64,
        options: &WriteOptions,
    ) -> Result<Self, SmsXmlError> {
        let backup_set = options.backup_set.clone().unwrap_or_else(random_uuid);
        let backup_date = options.backup_date.unwrap_or_else(now_millis);
        let stylesheet = match kind {
            BackupKind::Messages => "sms.xsl",
            BackupKind::Calls => "calls.xsl",
        };
        write!(
            out,
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n\
             <!--File Created By Lifeboat-->\n\
             <?xml-stylesheet type=\"text/xsl\" href=\"{stylesheet}\"?>\n\
             <{root} count=\"{count}\" backup_set=\"{set}\" backup_date=\"{backup_date}\" type=\"full\">\n",
            root = kind.root_name(),
            set = escape_attribute(&backup_set),
        )?;
        Ok(Self { out, kind, declared: count, written: 0 })
    }

    /// Writes one record of the kind this backup holds.
    pub fn write(&mut self, record: &BackupRecord) -> Result<(), SmsXmlError> {
        match record {
            BackupRecord::Message(message) => self.write_message(message),
            BackupRecord::Call(call) => self.write_call(call),
        }
    }

    /// Writes an `<sms>` or `<mms>`.
    pub fn write_message(&mut self, message: &Message) -> Result<(), SmsXmlError> {
        if self.kind != BackupKind::Messages {
            return Err(SmsXmlError::WrongKind { record: "message", kind: "calls" });
        }
        match message.kind {
            MessageKind::Sms => self.sms(message)?,
            MessageKind::Mms => self.mms(message)?,
        }
        self.written += 1;
        Ok(())
    }

    /// Writes a `<call>`.
    pub fn write_call(&mut self, call: &CallEntry) -> Result<(), SmsXmlError> {
        if self.kind != BackupKind::Calls {
            return Err(SmsXmlError::WrongKind { record: "call", kind: "messages" });
        }
        let mut attrs = Attrs::default();
        attrs.push("number", call.number.clone());
        attrs.push("duration", call.duration_secs.to_string());
        attrs.push("date", call.date.to_string());
        attrs.push("type", call.direction.android_code().to_string());
        if let Some(presentation) = call.presentation {
            attrs.push("presentation", presentation.to_string());
        }
        if let Some(sim) = &call.sim {
            attrs.push("subscription_id", sim.clone());
        }
        if let Some(account) = &call.account {
            attrs.push("subscription_component_name", account.clone());
        }
        attrs.push("readable_date", readable_date(call.date));
        attrs.push("contact_name", call.name.clone().unwrap_or_else(|| "(Unknown)".into()));
        attrs.extend(&call.extra);
        writeln!(self.out, "  <call{} />", attrs)?;
        self.written += 1;
        Ok(())
    }

    /// Closes the backup and hands back the output.
    pub fn finish(mut self) -> Result<W, SmsXmlError> {
        writeln!(self.out, "</{}>", self.kind.root_name())?;
        self.out.flush()?;
        if self.written != self.declared {
            return Err(SmsXmlError::CountMismatch { declared: self.declared, written: self.written });
        }
        Ok(self.out)
    }

    fn sms(&mut self, message: &Message) -> Result<(), SmsXmlError> {
        let address = message
            .conversation
            .first()
            .or_else(|| message.addresses.first().map(|a| &a.address))
            .cloned()
            .unwrap_or_else(|| "null".into());
        let mut attrs = Attrs::default();
        attrs.take_from(&message.extra, "protocol");
        attrs.push("address", address);
        attrs.push("date", message.date.to_string());
        attrs.push("type", message.folder.android_code().to_string());
        attrs.push("subject", or_null(&message.subject));
        attrs.push("body", or_null(&message.body));
        for key in ["toa", "sc_toa", "service_center"] {
            attrs.take_from(&message.extra, key);
        }
        attrs.push("read", flag(message.read));
        attrs.push("status", message.status.unwrap_or(-1).to_string());
        attrs.push("locked", flag(message.locked));
        attrs.push("date_sent", message.date_sent.unwrap_or(0).to_string());
        attrs.push("sub_id", message.subscription_id.unwrap_or(-1).to_string());
        if let Some(seen) = message.seen {
            attrs.push("seen", flag(seen));
        }
        attrs.push("readable_date", readable_date(message.date));
        attrs.push("contact_name", message.contact_name.clone().unwrap_or_else(|| "(Unknown)".into()));
        attrs.extend(&message.extra);
        writeln!(self.out, "  <sms{} />", attrs)?;
        Ok(())
    }

    fn mms(&mut self, message: &Message) -> Result<(), SmsXmlError> {
        let mut attrs = Attrs::default();
        attrs.push("date", message.date.to_string());
        attrs.push("msg_box", message.folder.android_code().to_string());
        attrs.push("address", message.conversation.join("~"));
        attrs.push("read", flag(message.read));
        if let Some(seen) = message.seen {
            attrs.push("seen", flag(seen));
        }
        attrs.push("sub", or_null(&message.subject));
        attrs.push("sub_id", message.subscription_id.unwrap_or(-1).to_string());
        // MMS date_sent is in seconds.
        attrs.push("date_sent", message.date_sent.map_or(0, |d| d.div_euclid(1000)).to_string());
        attrs.push("locked", flag(message.locked));
        attrs.push("readable_date", readable_date(message.date));
        attrs.push("contact_name", message.contact_name.clone().unwrap_or_else(|| "(Unknown)".into()));
        // Verbatim attributes keep their order; the two the app needs to restore come last when missing
        // (messages flattened from other phones): 132 is a received message (retrieve-conf), 128 a sent one.
        attrs.extend(&message.extra);
        attrs.push("ct_t", "application/vnd.wap.multipart.related".into());
        attrs.push("m_type", if message.is_incoming() { "132" } else { "128" }.into());
        writeln!(self.out, "  <mms{}>", attrs)?;

        writeln!(self.out, "    <parts>")?;
        let has_text_part = message.parts.iter().any(MessagePart::is_text);
        if let (false, Some(body)) = (has_text_part, &message.body) {
            // A message flattened from elsewhere may carry its text only as a body; MMS keeps text in a part.
            let mut attrs = Attrs::default();
            for (key, value) in [("seq", "0"), ("ct", "text/plain"), ("name", "null"), ("chset", "106")] {
                attrs.push(key, value.into());
            }
            attrs.push("text", body.clone());
            writeln!(self.out, "      <part{} />", attrs)?;
        }
        for part in &message.parts {
            writeln!(self.out, "      <part{} />", part_attributes(part))?;
        }
        writeln!(self.out, "    </parts>")?;
        writeln!(self.out, "    <addrs>")?;
        for address in &message.addresses {
            let mut attrs = Attrs::default();
            attrs.push("address", address.address.clone());
            attrs.push("type", address_code(address.role).to_string());
            attrs.extend(&address.extra);
            writeln!(self.out, "      <addr{} />", attrs)?;
        }
        writeln!(self.out, "    </addrs>")?;
        writeln!(self.out, "  </mms>")?;
        Ok(())
    }
}

fn part_attributes(part: &MessagePart) -> Attrs {
    let mut attrs = Attrs::default();
    attrs.take_from(&part.extra, "seq");
    if !attrs.has("seq") {
        attrs.push("seq", "0".into());
    }
    attrs.push("ct", part.content_type.clone());
    attrs.push("name", or_null(&part.name));
    attrs.push("chset", or_null(&part.charset));
    attrs.push("cid", or_null(&part.content_id));
    attrs.push("cl", or_null(&part.content_location));
    let text_or_null =
        || part.extra.iter().find(|(k, _)| k == "text").map_or("null".to_string(), |(_, v)| v.clone());
    match &part.content {
        PartContent::Text(text) => attrs.push("text", text.clone()),
        PartContent::Bytes(bytes) => {
            attrs.push("text", text_or_null());
            attrs.push("data", STANDARD.encode(bytes));
        }
        PartContent::Unreadable(original) => {
            attrs.push("text", text_or_null());
            attrs.push("data", original.clone());
        }
        // The format has no place for a reference; the part is listed without its content.
        PartContent::Empty | PartContent::Reference(_) => attrs.push("text", "null".into()),
    }
    attrs.extend(&part.extra);
    attrs
}

/// Attributes in the order they will be written; a key is written once, the first value winning.
#[derive(Default)]
struct Attrs(Vec<(String, String)>);

impl Attrs {
    fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    fn push(&mut self, key: &str, value: String) {
        if !self.has(key) {
            self.0.push((key.to_string(), value));
        }
    }

    /// Takes `key` from a record's verbatim attributes, so that it keeps its usual place in the element.
    fn take_from(&mut self, extra: &[(String, String)], key: &str) {
        if let Some((_, value)) = extra.iter().find(|(k, _)| k == key) {
            self.push(key, value.clone());
        }
    }

    fn extend(&mut self, extra: &[(String, String)]) {
        for (key, value) in extra {
            self.push(key, value.clone());
        }
    }
}

impl std::fmt::Display for Attrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (key, value) in &self.0 {
            let value: Cow<'_, str> = escape_attribute(value);
            write!(f, " {key}=\"{value}\"")?;
        }
        Ok(())
    }
}

fn or_null(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "null".into())
}

fn flag(value: bool) -> String {
    if value { "1" } else { "0" }.to_string()
}

fn address_code(role: AddressRole) -> i64 {
    match role {
        AddressRole::From => 137,
        AddressRole::To => 151,
        AddressRole::Cc => 130,
        AddressRole::Bcc => 129,
    }
}

fn random_uuid() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let hex = hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
