//! The index: which blob lives where. Index files are sealed lists of packs and their blobs; the in-memory
//! [`Index`] is the union of all of them.
//!
//! An index file may name older index files it *supersedes*. Prune writes a complete new index that
//! supersedes the old ones before deleting anything, so after a crash either the old files are still
//! authoritative, or the new one is and the old ones are simply ignored until they are removed.
//!
//! ```text
//! "LBI1" | u32 superseded count | ids | u32 pack count | per pack: id | u32 blob count | blob entries
//! ```

use std::collections::{HashMap, HashSet};

use super::crypto::Keys;
use super::error::{Result, VaultError};
use super::id::Id;
use super::layout::Layout;
use super::pack::{BlobEntry, BlobKind, PackInfo, decode_entries, encode_entries};

const MAGIC: &[u8; 4] = b"LBI1";

fn index_ad(id: &Id) -> Vec<u8> {
    [b"lifeboat index ".as_slice(), &id.0].concat()
}

/// The contents of one index file.
#[derive(Debug, Clone, Default)]
pub struct IndexFile {
    /// Index files this one replaces.
    pub supersedes: Vec<Id>,
    /// Packs and their blobs.
    pub packs: Vec<PackInfo>,
}

impl IndexFile {
    /// Seals and writes this index under a fresh id.
    pub fn write(&self, keys: &Keys, layout: &Layout) -> Result<Id> {
        let mut plain = Vec::new();
        plain.extend_from_slice(MAGIC);
        plain.extend_from_slice(&(self.supersedes.len() as u32).to_le_bytes());
        for id in &self.supersedes {
            plain.extend_from_slice(&id.0);
        }
        plain.extend_from_slice(&(self.packs.len() as u32).to_le_bytes());
        for pack in &self.packs {
            plain.extend_from_slice(&pack.id.0);
            plain.extend_from_slice(&(pack.entries.len() as u32).to_le_bytes());
            encode_entries(&pack.entries, &mut plain);
        }
        let id = Id::random();
        layout.write_atomic(&layout.index(&id), &keys.seal(&index_ad(&id), &plain))?;
        Ok(id)
    }

    /// Reads and checks one index file.
    pub fn read(keys: &Keys, layout: &Layout, id: &Id) -> Result<Self> {
        let path = layout.index(id);
        let what = format!("index file index/{}", id.short());
        let sealed = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(VaultError::Missing { what }),
            Err(e) => return Err(VaultError::io("read", path, e)),
        };
        let plain = keys
            .open(&index_ad(id), &sealed)
            .map_err(|_| VaultError::damaged(&what, "it fails authentication (changed or truncated)"))?;
        Self::decode(&plain).map_err(|reason| VaultError::damaged(what, reason))
    }

    pub(crate) fn decode(mut bytes: &[u8]) -> Result<Self, String> {
        fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
            if bytes.len() < n {
                return Err("it ends too early".into());
            }
            let (head, rest) = bytes.split_at(n);
            *bytes = rest;
            Ok(head)
        }
        fn count(bytes: &mut &[u8]) -> Result<usize, String> {
            let raw = take(bytes, 4)?;
            Ok(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize)
        }
        fn id(bytes: &mut &[u8]) -> Result<Id, String> {
            let mut id = [0u8; 32];
            id.copy_from_slice(take(bytes, 32)?);
            Ok(Id(id))
        }
        if take(&mut bytes, 4)? != MAGIC {
            return Err("it is not an index of this format".into());
        }
        let superseded = count(&mut bytes)?;
        let supersedes = (0..superseded).map(|_| id(&mut bytes)).collect::<Result<Vec<_>, _>>()?;
        let pack_count = count(&mut bytes)?;
        let mut packs = Vec::with_capacity(pack_count.min(1 << 16));
        for _ in 0..pack_count {
            let pack = id(&mut bytes)?;
            let blobs = count(&mut bytes)?;
            packs.push(PackInfo { id: pack, entries: decode_entries(&mut bytes, blobs)? });
        }
        if !bytes.is_empty() {
            return Err("it has trailing bytes".into());
        }
        Ok(Self { supersedes, packs })
    }
}

/// Where a blob is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Position of its pack in [`Index::packs`].
    pub pack: u32,
    /// Data or tree.
    pub kind: BlobKind,
    /// Offset in the pack.
    pub offset: u64,
    /// Sealed length.
    pub length: u32,
    /// Plaintext length.
    pub raw_length: u32,
}

/// Everything the index files say, merged.
#[derive(Debug, Default)]
pub struct Index {
    packs: Vec<Id>,
    pack_positions: HashMap<Id, u32>,
    blobs: HashMap<Id, Location>,
    files: Vec<Id>,
    retired: Vec<Id>,
}

/// An index file that could not be read, with why.
pub type IndexDamage = (Id, VaultError);

impl Index {
    /// Loads every index file. Damaged files are returned apart so `verify` can name them while the rest
    /// of the vault stays usable.
    pub fn load(keys: &Keys, layout: &Layout) -> Result<(Self, Vec<IndexDamage>)> {
        let ids = layout.list_ids(&layout.index_dir())?;
        let mut files = Vec::new();
        let mut damage = Vec::new();
        for id in ids {
            match IndexFile::read(keys, layout, &id) {
                Ok(file) => files.push((id, file)),
                Err(e @ (VaultError::Damaged { .. } | VaultError::Missing { .. })) => damage.push((id, e)),
                Err(e) => return Err(e),
            }
        }
        let superseded: HashSet<Id> = files.iter().flat_map(|(_, f)| f.supersedes.iter().copied()).collect();
        let mut index = Index::default();
        for (id, file) in files {
            if superseded.contains(&id) {
                index.retired.push(id);
                continue;
            }
            index.files.push(id);
            for pack in &file.packs {
                index.add_pack(pack);
            }
        }
        damage.retain(|(id, _)| !superseded.contains(id));
        Ok((index, damage))
    }

    /// Adds a pack's blobs. A blob already known keeps its first location.
    pub fn add_pack(&mut self, pack: &PackInfo) {
        let position = match self.pack_positions.get(&pack.id) {
            Some(position) => *position,
            None => {
                let position = self.packs.len() as u32;
                self.packs.push(pack.id);
                self.pack_positions.insert(pack.id, position);
                position
            }
        };
        for entry in &pack.entries {
            self.blobs.entry(entry.id).or_insert(Location {
                pack: position,
                kind: entry.kind,
                offset: entry.offset,
                length: entry.length,
                raw_length: entry.raw_length,
            });
        }
    }

    /// Adds an index file written after loading (its packs added with [`Index::add_pack`]), so a prune that
    /// supersedes the files in use supersedes it too.
    pub fn add_file(&mut self, file: Id) {
        self.files.push(file);
    }

    /// Where a blob is, if anywhere.
    pub fn get(&self, id: &Id) -> Option<Location> {
        self.blobs.get(id).copied()
    }

    /// Whether a blob is stored.
    pub fn contains(&self, id: &Id) -> bool {
        self.blobs.contains_key(id)
    }

    /// The id of the pack at `position`.
    pub fn pack_id(&self, position: u32) -> Id {
        self.packs[position as usize]
    }

    /// Every pack the index knows.
    pub fn packs(&self) -> &[Id] {
        &self.packs
    }

    /// Whether `pack` is known.
    pub fn has_pack(&self, pack: &Id) -> bool {
        self.pack_positions.contains_key(pack)
    }

    /// The index files in use (not superseded).
    pub fn files(&self) -> &[Id] {
        &self.files
    }

    /// Index files still on disk that another index file supersedes: what an interrupted prune had not yet
    /// removed. Any new index that supersedes the current files must supersede these too, or they would come
    /// back to life once their superseder is itself replaced.
    pub fn retired(&self) -> &[Id] {
        &self.retired
    }

    /// How many blobs are known.
    pub fn len(&self) -> usize {
        self.blobs.len()
    }

    /// Whether no blob is known.
    pub fn is_empty(&self) -> bool {
        self.blobs.is_empty()
    }

    /// The blobs of every pack, grouped by pack, for prune and verify.
    pub fn by_pack(&self) -> Vec<PackInfo> {
        let mut packs: Vec<PackInfo> =
            self.packs.iter().map(|id| PackInfo { id: *id, entries: Vec::new() }).collect();
        for (id, location) in &self.blobs {
            packs[location.pack as usize].entries.push(BlobEntry {
                kind: location.kind,
                id: *id,
                offset: location.offset,
                length: location.length,
                raw_length: location.raw_length,
            });
        }
        for pack in &mut packs {
            pack.entries.sort_by_key(|e| e.offset);
        }
        packs
    }
}

#[cfg(test)]
mod tests {
    use super::super::crypto::MasterSecret;
    use super::*;

    fn entry(n: u8) -> BlobEntry {
        BlobEntry {
            kind: BlobKind::Data,
            id: Id([n; 32]),
            offset: u64::from(n) * 10,
            length: 10,
            raw_length: 9,
        }
    }

    #[test]
    fn superseded_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        for d in layout.dirs() {
            std::fs::create_dir_all(d).unwrap();
        }
        let keys = Keys::derive(&MasterSecret::generate());
        let old = IndexFile {
            supersedes: vec![],
            packs: vec![PackInfo { id: Id([1; 32]), entries: vec![entry(1)] }],
        }
        .write(&keys, &layout)
        .unwrap();
        let (index, damage) = Index::load(&keys, &layout).unwrap();
        assert!(damage.is_empty());
        assert!(index.contains(&Id([1; 32])));

        IndexFile {
            supersedes: vec![old],
            packs: vec![PackInfo { id: Id([2; 32]), entries: vec![entry(2)] }],
        }
        .write(&keys, &layout)
        .unwrap();
        let (index, _) = Index::load(&keys, &layout).unwrap();
        assert!(!index.contains(&Id([1; 32])));
        assert_eq!(index.get(&Id([2; 32])).unwrap().offset, 20);
    }

    #[test]
    fn a_damaged_file_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        for d in layout.dirs() {
            std::fs::create_dir_all(d).unwrap();
        }
        let keys = Keys::derive(&MasterSecret::generate());
        let id = IndexFile::default().write(&keys, &layout).unwrap();
        let path = layout.index(&id);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[40] ^= 0x55;
        std::fs::write(&path, bytes).unwrap();
        let (_, damage) = Index::load(&keys, &layout).unwrap();
        assert_eq!(damage.len(), 1);
        assert!(damage[0].1.to_string().contains("fails authentication"));
    }
}
