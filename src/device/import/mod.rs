//! Backups made by other tools, read as devices: `adb backup` files ([`android_backup`]). iPhone backups live
//! in [`crate::device::ios`] and share the streaming decryption and the survey helpers kept here.
//!
//! Imports are read-only: their `restorer` refuses, because writing into another tool's backup format is not
//! restoring to a phone.

pub mod android_backup;
pub(crate) mod cbc;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::data::documents::write_document;
use crate::data::{Category, CategorySet, ContentId};
use crate::engine::Cancel;

use super::{CategorySummary, DeviceError, Entry, WalkSink};

/// Counts what a walk yields, per category.
pub(crate) struct Tally(pub(crate) Vec<CategorySummary>);

impl Tally {
    /// Empty counts for `categories`.
    pub(crate) fn new(categories: &CategorySet) -> Self {
        Self(
            categories
                .iter()
                .map(|category| CategorySummary { category, items: 0, bytes: 0, unavailable: None })
                .collect(),
        )
    }

    /// The summary of `category`, if it was asked for.
    pub(crate) fn get_mut(&mut self, category: Category) -> Option<&mut CategorySummary> {
        self.0.iter_mut().find(|s| s.category == category)
    }
}

impl WalkSink for Tally {
    fn entry(&mut self, entry: Entry) -> Result<(), DeviceError> {
        if let Some(summary) = self.get_mut(entry.category) {
            summary.items += 1;
            summary.bytes += entry.size;
        }
        Ok(())
    }
    fn unavailable(&mut self, category: Category, reason: String) {
        if let Some(summary) = self.get_mut(category) {
            summary.unavailable = Some(reason);
        }
    }
    fn skipped(&mut self, _what: String, _reason: String) {}
}

/// Passes a walk on to `inner`, stopping it when `cancel` is flipped.
pub(crate) struct CancellableSink<'a> {
    pub(crate) inner: &'a mut dyn WalkSink,
    pub(crate) cancel: &'a Cancel,
}

impl WalkSink for CancellableSink<'_> {
    fn entry(&mut self, entry: Entry) -> Result<(), DeviceError> {
        if self.cancel.is_cancelled() {
            return Err(DeviceError::Cancelled);
        }
        self.inner.entry(entry)
    }
    fn unavailable(&mut self, category: Category, reason: String) {
        self.inner.unavailable(category, reason);
    }
    fn skipped(&mut self, what: String, reason: String) {
        self.inner.skipped(what, reason);
    }
}

/// Writes a record document to `path`, lines sorted by content id so that unchanged records give an identical
/// file (and the vault stores it again for free). Returns the file's size.
pub(crate) fn write_sorted_document<T: Serialize>(
    mut records: Vec<T>,
    content_id: impl Fn(&T) -> ContentId,
    path: &Path,
) -> Result<u64, DeviceError> {
    records.sort_by_cached_key(|r| content_id(r));
    let file = File::create(path).map_err(|e| DeviceError::io("write", path, e))?;
    let mut out = BufWriter::new(file);
    write_document(&records, &mut out)
        .map_err(|e| DeviceError::io("write", path, std::io::Error::other(e.to_string())))?;
    out.flush().map_err(|e| DeviceError::io("write", path, e))?;
    let size = std::fs::metadata(path).map_err(|e| DeviceError::io("read", path, e))?.len();
    Ok(size)
}
