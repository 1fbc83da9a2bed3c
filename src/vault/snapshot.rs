//! Snapshot files and their catalogs.
//!
//! A snapshot file is small and sealed: when, which device, which categories, totals, and the ids of the
//! blobs holding its *catalog*. The catalog is the list of every item (a [`Node`]: path, kind, size, times,
//! metadata and content chunk ids) as JSON lines sorted by path, stored through the same chunker and blob
//! store as file content. An unchanged catalog therefore costs nothing the second time, and a large one
//! changes only around what changed.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::data::{Category, CategorySet};
use crate::device::{DeviceIdentity, Entry};

use super::crypto::Keys;
use super::error::{Result, VaultError};
use super::id::Id;
use super::layout::Layout;

/// One item in a snapshot: what the device said about it, plus where its content is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// The item as listed by the device.
    #[serde(flatten)]
    pub entry: Entry,
    /// Content chunks in order (empty for directories, links and empty files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chunks: Vec<Id>,
}

/// Items and bytes of one category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// How many items.
    pub items: u64,
    /// How many bytes.
    pub bytes: u64,
}

/// Something left out of a backup, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The item.
    pub what: String,
    /// The reason.
    pub reason: String,
}

/// One backup of one device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// The snapshot's id (its file name; not stored inside).
    #[serde(skip)]
    pub id: Id,
    /// When the backup started, nanoseconds since the Unix epoch.
    pub time_ns: i64,
    /// When it finished, for complete snapshots.
    #[serde(default)]
    pub finished_ns: Option<i64>,
    /// The device backed up.
    pub device: DeviceIdentity,
    /// The categories asked for.
    pub categories: CategorySet,
    /// False for a checkpoint of a backup that has not finished (or never will).
    pub complete: bool,
    /// Blobs holding the catalog.
    pub catalog: Vec<Id>,
    /// Items and bytes per category.
    pub totals: BTreeMap<Category, Totals>,
    /// Categories the device refused, with its reason.
    #[serde(default)]
    pub unavailable: BTreeMap<Category, String>,
    /// Items left out, with reasons.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// The snapshot this one was compared against.
    #[serde(default)]
    pub parent: Option<Id>,
    /// Identifies one backup run: its checkpoints and its final snapshot share it.
    pub run: Id,
    /// The computer that made it.
    pub host: String,
    /// The Lifeboat version that made it.
    pub program: String,
    /// Set when `lifeboat repair` rewrote this snapshot without items whose data was lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repaired: Option<Repaired>,
}

/// How a snapshot came out of `lifeboat repair`: an honest partial copy of the snapshot `from`, whose lost items
/// are listed in `skipped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repaired {
    /// When the repair ran, nanoseconds since the Unix epoch.
    pub time_ns: i64,
    /// The snapshot file this one replaced (a crashed repair finds its work done through it).
    pub from: Id,
    /// Items lost, counting earlier repairs of the same backup.
    pub lost: u64,
}

fn snapshot_ad(id: &Id) -> Vec<u8> {
    [b"lifeboat snapshot ".as_slice(), &id.0].concat()
}

impl Snapshot {
    /// Bytes in all categories.
    pub fn size(&self) -> u64 {
        self.totals.values().map(|t| t.bytes).sum()
    }

    /// Items in all categories.
    pub fn items(&self) -> u64 {
        self.totals.values().map(|t| t.items).sum()
    }

    /// Seals and writes this snapshot under `self.id`.
    pub fn write(&self, keys: &Keys, layout: &Layout) -> Result<()> {
        let plain =
            serde_json::to_vec(self).map_err(|e| VaultError::damaged("a new snapshot", e.to_string()))?;
        layout.write_atomic(&layout.snapshot(&self.id), &keys.seal(&snapshot_ad(&self.id), &plain))
    }

    /// Reads and checks one snapshot file.
    pub fn read(keys: &Keys, layout: &Layout, id: &Id) -> Result<Self> {
        let path = layout.snapshot(id);
        let what = format!("snapshot {}", id.short());
        let sealed = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NoSuchSnapshot(id.short()));
            }
            Err(e) => return Err(VaultError::io("read", path, e)),
        };
        let plain = keys
            .open(&snapshot_ad(id), &sealed)
            .map_err(|_| VaultError::damaged(&what, "it fails authentication (changed or truncated)"))?;
        let mut snapshot: Snapshot =
            serde_json::from_slice(&plain).map_err(|e| VaultError::damaged(&what, e.to_string()))?;
        snapshot.id = *id;
        Ok(snapshot)
    }
}

/// Serializes a catalog: one JSON object per line, sorted by path.
pub fn encode_catalog(nodes: &[Node]) -> Vec<u8> {
    let mut out = Vec::with_capacity(nodes.len() * 200);
    for node in nodes {
        // Serializing plain data with string keys cannot fail.
        if serde_json::to_writer(&mut out, node).is_ok() {
            out.push(b'\n');
        }
    }
    out
}

/// Parses a catalog written by [`encode_catalog`].
pub fn decode_catalog(bytes: &[u8], snapshot: &Id) -> Result<Vec<Node>> {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(number, line)| {
            serde_json::from_slice(line).map_err(|e| {
                VaultError::damaged(
                    format!("the catalog of snapshot {}", snapshot.short()),
                    format!("line {}: {e}", number + 1),
                )
            })
        })
        .collect()
}

/// Now, in nanoseconds since the Unix epoch.
pub fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as i64).unwrap_or(0)
}

/// RFC 3339 text (UTC, seconds) for a time in nanoseconds since the epoch.
pub fn rfc3339(ns: i64) -> String {
    let time = if ns >= 0 {
        UNIX_EPOCH + Duration::from_nanos(ns as u64)
    } else {
        UNIX_EPOCH - Duration::from_nanos(ns.unsigned_abs())
    };
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ItemPath;

    #[test]
    fn catalog_round_trip_and_damage() {
        let mut entry = Entry::file(ItemPath::new("DCIM/a.jpg").unwrap(), Category::Photos, 3, Some(-5));
        entry.meta.insert("camera".into(), serde_json::json!("Pixel"));
        let nodes = vec![Node { entry, chunks: vec![Id([9; 32])] }];
        let bytes = encode_catalog(&nodes);
        assert_eq!(decode_catalog(&bytes, &Id::default()).unwrap(), nodes);
        let error = decode_catalog(b"{\"path\":\"../x\"}\n", &Id::default()).unwrap_err();
        assert!(error.to_string().contains("line 1"), "{error}");
    }

    #[test]
    fn times_format_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000_500_000_000), "2023-11-14T22:13:20Z");
    }
}
