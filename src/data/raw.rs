//! The raw source kept next to every normalized record: the exact card, XML element or row it was read from.
//!
//! Normalizing always loses something (a property nobody models, a quirk of one exporter). Keeping the source
//! next to the record means an export can fall back to it and a person can always see what the phone really
//! said. It is evidence, not input: nothing reads fields back out of it.

use serde::{Deserialize, Serialize};

/// Where a record's raw source came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RawFormat {
    /// A vCard 2.1 card (`BEGIN:VCARD` … `END:VCARD`).
    Vcard21,
    /// A vCard 3.0 card.
    Vcard30,
    /// A vCard 4.0 card.
    Vcard40,
    /// One `<sms>`, `<mms>` or `<call>` element of an SMS Backup & Restore XML file.
    SmsBackupRestoreXml,
    /// Anything else, named by whoever read it (for example `android-contacts-provider` or `ios-sms-db`).
    Other(String),
}

/// The bytes of a raw source: text when it is valid UTF-8, bytes otherwise (a SHIFT_JIS card stays bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RawContent {
    /// UTF-8 text.
    Text(String),
    /// Anything that is not UTF-8, base64 in JSON.
    Bytes(#[serde(with = "base64_bytes")] Vec<u8>),
}

/// A record's source, as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawSource {
    /// What kind of source it is.
    pub format: RawFormat,
    /// Its content.
    pub content: RawContent,
}

impl RawSource {
    /// Wraps bytes, as text when they are UTF-8.
    pub fn from_bytes(format: RawFormat, bytes: Vec<u8>) -> Self {
        let content = match String::from_utf8(bytes) {
            Ok(text) => RawContent::Text(text),
            Err(error) => RawContent::Bytes(error.into_bytes()),
        };
        Self { format, content }
    }

    /// Wraps text.
    pub fn from_text(format: RawFormat, text: String) -> Self {
        Self { format, content: RawContent::Text(text) }
    }

    /// The bytes, whichever form they are kept in.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.content {
            RawContent::Text(text) => text.as_bytes(),
            RawContent::Bytes(bytes) => bytes,
        }
    }
}

/// Serde helper: `Vec<u8>` as a base64 string, so JSON stays compact and readable.
pub(crate) mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text.as_bytes()).map_err(serde::de::Error::custom)
    }
}
