//! How records live inside a snapshot. The vault stores items (files); record categories are stored as
//! *record documents*: JSON Lines files of normalized records, one record per line, at fixed paths. Every
//! device transport and importer writes them, and the browser, exports and cross-device restore read them.
//!
//! | category | document | one line is a |
//! |---|---|---|
//! | contacts | `Contacts/contacts.jsonl` | [`Contact`](super::Contact) |
//! | messages | `Messages/messages.jsonl` | [`Message`](super::Message) |
//! | calls | `Calls/calls.jsonl` | [`CallEntry`](super::CallEntry) |
//! | settings | `Settings/settings.jsonl` | [`Setting`](super::Setting) |
//! | apps | `Apps/apps.jsonl` | [`App`](super::App) |
//!
//! Large binary content is not inlined: MMS and iMessage attachments are separate items under
//! `Messages/attachments/…` referenced from their part ([`PartContent::Reference`](super::PartContent)), app
//! packages under `Apps/packages/…`, contact photos may stay inline (they are small). The raw rows a record came
//! from travel inside the record (`raw`); whole raw source files (an iPhone's `sms.db`, a provider dump) are kept
//! as items under `Raw/<source>/…` in the same category. Lines are sorted by content id so an unchanged address
//! book produces an identical document, which the vault's chunking then stores for free.

use std::io::{self, BufRead, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Category;

/// Where the record document of `category` lives, for the categories that have one.
pub fn document_path(category: Category) -> Option<&'static str> {
    match category {
        Category::Contacts => Some("Contacts/contacts.jsonl"),
        Category::Messages => Some("Messages/messages.jsonl"),
        Category::Calls => Some("Calls/calls.jsonl"),
        Category::Settings => Some("Settings/settings.jsonl"),
        Category::Apps => Some("Apps/apps.jsonl"),
        Category::Photos | Category::Files => None,
    }
}

/// The folder for message attachments.
pub const ATTACHMENTS_DIR: &str = "Messages/attachments";
/// The folder for app packages (APK, IPA).
pub const PACKAGES_DIR: &str = "Apps/packages";
/// The folder for raw source files kept beside normalized records.
pub const RAW_DIR: &str = "Raw";

/// A record document line that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Reading or writing failed.
    #[error("cannot read or write a record document: {0}")]
    Io(#[from] io::Error),
    /// A line is not a record of the expected kind.
    #[error("line {line} of the record document is not a valid record: {reason}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What the parser said.
        reason: String,
    },
}

/// Writes records as JSON Lines.
pub fn write_document<T: Serialize>(records: &[T], out: &mut dyn Write) -> Result<(), DocumentError> {
    for record in records {
        serde_json::to_writer(&mut *out, record).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Reads records from JSON Lines, one at a time, so a 50,000-message document never sits in memory whole.
pub fn read_document<T: DeserializeOwned, R: BufRead>(
    input: R,
) -> impl Iterator<Item = Result<T, DocumentError>> {
    input.lines().enumerate().filter_map(|(number, line)| match line {
        Err(e) => Some(Err(DocumentError::Io(e))),
        Ok(line) if line.trim().is_empty() => None,
        Ok(line) => Some(
            serde_json::from_str(&line)
                .map_err(|e| DocumentError::BadLine { line: number + 1, reason: e.to_string() }),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{CallDirection, CallEntry};

    #[test]
    fn documents_round_trip_and_name_bad_lines() {
        let call = CallEntry {
            number: "+15550100".into(),
            name: None,
            direction: CallDirection::Missed,
            date: 1_700_000_000_000,
            duration_secs: 0,
            presentation: None,
            sim: None,
            account: None,
            extra: Vec::new(),
            raw: None,
        };
        let mut bytes = Vec::new();
        write_document(&[call.clone(), call.clone()], &mut bytes).unwrap();
        let back: Vec<CallEntry> = read_document(bytes.as_slice()).collect::<Result<_, _>>().unwrap();
        assert_eq!(back, vec![call.clone(), call]);
        bytes.extend_from_slice(b"{not json}\n");
        let error = read_document::<CallEntry, _>(bytes.as_slice()).find_map(Result::err).unwrap();
        assert!(error.to_string().contains("line 3"), "{error}");
        assert_eq!(document_path(Category::Calls), Some("Calls/calls.jsonl"));
    }
}
