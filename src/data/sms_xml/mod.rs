//! SMS Backup & Restore XML: the de-facto open format for Android messages and call logs.
//!
//! A message backup is `<smses count=…>` holding `<sms …/>` elements (every field an attribute) and
//! `<mms …>` elements with `<parts><part …/></parts>` (attachments as base64 in `data`) and
//! `<addrs><addr …/></addrs>`; a call backup is `<calls count=…>` holding `<call …/>`. The app writes the
//! literal `null` for missing values, MMS `date_sent` in seconds while every other date is in milliseconds,
//! and emoji as pairs of surrogate references; the reader undoes each quirk and the writer puts it back, so
//! the app reads our files like its own.
//!
//! Reading streams ([`SmsXmlReader`] is an iterator of records); writing streams too ([`SmsXmlWriter`]).
//! Attributes the model has no field for are kept in each record's `extra`, in order, and written back.

mod guard;
mod read;
mod text;
mod write;

use std::fmt;
use std::path::PathBuf;

use crate::data::{CallEntry, Message};

pub use guard::MAX_ELEMENT_BYTES;
pub use read::SmsXmlReader;
pub use write::{SmsXmlWriter, WriteOptions};

/// What a backup file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackupKind {
    /// `<smses>`: SMS and MMS.
    Messages,
    /// `<calls>`: the call log.
    Calls,
}

impl BackupKind {
    fn root_name(self) -> &'static str {
        match self {
            BackupKind::Messages => "smses",
            BackupKind::Calls => "calls",
        }
    }

    fn record_noun(self) -> &'static str {
        match self {
            BackupKind::Messages => "messages",
            BackupKind::Calls => "calls",
        }
    }
}

/// The root element's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupHeader {
    /// Messages or calls.
    pub kind: BackupKind,
    /// The `count` the file declares (not always true: old versions and hand-made files get it wrong).
    pub declared_count: Option<u64>,
    /// The `backup_set` id the app gives each run.
    pub backup_set: Option<String>,
    /// When the backup was made, in milliseconds since 1970 UTC.
    pub backup_date: Option<i64>,
    /// Other root attributes (`type="full"`), verbatim.
    pub extra: Vec<(String, String)>,
}

impl BackupHeader {
    fn from_attributes(kind: BackupKind, attributes: Vec<(String, String)>) -> Self {
        let mut header = BackupHeader {
            kind,
            declared_count: None,
            backup_set: None,
            backup_date: None,
            extra: Vec::new(),
        };
        for (key, value) in attributes {
            match key.as_str() {
                "count" => header.declared_count = value.trim().parse().ok(),
                "backup_set" => header.backup_set = Some(value),
                "backup_date" => header.backup_date = value.trim().parse().ok(),
                _ => header.extra.push((key, value)),
            }
        }
        header
    }
}

/// One record of a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupRecord {
    /// An `<sms>` or `<mms>`.
    Message(Message),
    /// A `<call>`.
    Call(CallEntry),
}

/// A problem that did not stop reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsXmlWarning {
    /// 1-based line in the file.
    pub line: usize,
    /// What was wrong and what was done about it.
    pub reason: String,
}

impl fmt::Display for SmsXmlWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Why a backup, or one record of it, could not be read or written.
///
/// [`SmsXmlError::Record`] concerns one record only; reading goes on with the next. Every other variant ends
/// reading.
#[derive(Debug, thiserror::Error)]
pub enum SmsXmlError {
    /// The file could not be opened, read or written.
    #[error("cannot read or write \"{path}\": {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Writing to the output failed.
    #[error("cannot write the backup: {0}")]
    Write(#[from] std::io::Error),
    /// The file has no XML element at all.
    #[error("the file is empty: it holds no <smses> or <calls> element")]
    Empty,
    /// The file is XML but not an SMS Backup & Restore backup.
    #[error("this is not an SMS Backup & Restore file: it starts with {found} instead of <smses> or <calls>")]
    NotABackup {
        /// What was found instead.
        found: String,
    },
    /// The XML is broken; nothing after this point can be read.
    #[error("the backup is damaged at line {line}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// What the XML parser said.
        message: String,
    },
    /// One record cannot be read; the others are fine.
    #[error("record {index} (<{element}> at line {line}) cannot be read: {reason}")]
    Record {
        /// 1-based position among the file's records.
        index: usize,
        /// 1-based line where it starts.
        line: usize,
        /// `sms`, `mms` or `call`.
        element: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A writer was finished with a different number of records than it announced in `count`.
    #[error("the backup announced {declared} records but {written} were written; the app would distrust it")]
    CountMismatch {
        /// What the header said.
        declared: u64,
        /// What was written.
        written: u64,
    },
    /// A call was given to a message writer, or the other way round.
    #[error("a {record} cannot go into a {kind} backup")]
    WrongKind {
        /// "message" or "call".
        record: &'static str,
        /// "messages" or "calls".
        kind: &'static str,
    },
}
