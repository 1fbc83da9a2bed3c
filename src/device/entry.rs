//! One item on a device as the engines see it: a file, a directory, a link, or a document of records.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::{Category, ItemPath};

/// Free-form metadata kept with an item (EXIF date, MIME type, the content URI it came from...).
pub type Meta = BTreeMap<String, serde_json::Value>;

/// What sort of item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EntryKind {
    /// Bytes.
    File,
    /// A directory (stored so empty ones come back too).
    Dir,
    /// A symbolic link, stored as its target text and never followed.
    Symlink {
        /// Where the link points, exactly as the device said.
        target: String,
    },
}

/// One item on a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Where it lives, relative to the device root.
    pub path: ItemPath,
    /// Which category it belongs to.
    pub category: Category,
    /// File, directory or link.
    #[serde(flatten)]
    pub kind: EntryKind,
    /// Length in bytes (0 for directories and links).
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime_ns: Option<i64>,
    /// Unix permission bits, where the device has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
    /// Anything else worth keeping.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: Meta,
}

impl Entry {
    /// A plain file entry.
    pub fn file(path: ItemPath, category: Category, size: u64, mtime_ns: Option<i64>) -> Self {
        Self { path, category, kind: EntryKind::File, size, mtime_ns, mode: None, meta: Meta::new() }
    }

    /// Whether this entry carries bytes.
    pub fn is_file(&self) -> bool {
        self.kind == EntryKind::File
    }
}
