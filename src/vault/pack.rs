//! Pack files: many sealed blobs written one after another, then a sealed header listing them, then a
//! trailer. A pack's id is the BLAKE3 hash of its bytes, so `verify` can check a pack without any key.
//!
//! ```text
//! blob 0 (sealed) | blob 1 (sealed) | ... | header (sealed entries) | header length u32 LE | "LBP1"
//! ```
//!
//! Blobs are sealed with their own id and kind as associated data: a blob copied under another id fails to
//! open. Packs are written in `tmp/`, flushed, and renamed into `data/` only when complete.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use super::crash::crash_point;
use super::crypto::Keys;
use super::error::{Result, VaultError};
use super::id::Id;
use super::layout::{Layout, sync_parent};

const TRAILER_MAGIC: &[u8; 4] = b"LBP1";
const TRAILER_LEN: u64 = 8;
const HEADER_AD: &[u8] = b"lifeboat pack header";
/// Encoded size of one [`BlobEntry`].
pub const ENTRY_LEN: usize = 1 + 32 + 8 + 4 + 4;

/// What a blob holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlobKind {
    /// A chunk of file content.
    Data,
    /// A chunk of a snapshot's catalog.
    Tree,
}

impl BlobKind {
    fn code(self) -> u8 {
        match self {
            BlobKind::Data => 0,
            BlobKind::Tree => 1,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(BlobKind::Data),
            1 => Some(BlobKind::Tree),
            _ => None,
        }
    }
}

/// Associated data binding a sealed blob to its id and kind.
pub fn blob_ad(kind: BlobKind, id: &Id) -> [u8; 33] {
    let mut ad = [0u8; 33];
    ad[0] = kind.code();
    ad[1..].copy_from_slice(&id.0);
    ad
}

/// Where one blob sits in its pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobEntry {
    /// Data or tree.
    pub kind: BlobKind,
    /// The keyed hash of its plaintext.
    pub id: Id,
    /// Offset of the sealed bytes in the pack.
    pub offset: u64,
    /// Length of the sealed bytes.
    pub length: u32,
    /// Length of the plaintext.
    pub raw_length: u32,
}

/// Appends the binary form of `entries` to `out`.
pub fn encode_entries(entries: &[BlobEntry], out: &mut Vec<u8>) {
    for entry in entries {
        out.push(entry.kind.code());
        out.extend_from_slice(&entry.id.0);
        out.extend_from_slice(&entry.offset.to_le_bytes());
        out.extend_from_slice(&entry.length.to_le_bytes());
        out.extend_from_slice(&entry.raw_length.to_le_bytes());
    }
}

/// Reads `count` entries from the front of `bytes`, advancing it.
pub fn decode_entries(bytes: &mut &[u8], count: usize) -> Result<Vec<BlobEntry>, String> {
    let needed = count.checked_mul(ENTRY_LEN).ok_or("the entry count is absurd")?;
    if bytes.len() < needed {
        return Err(format!("{count} entries announced but only {} bytes left", bytes.len()));
    }
    let (mut head, rest) = bytes.split_at(needed);
    *bytes = rest;
    let mut entries = Vec::with_capacity(count);
    while !head.is_empty() {
        let (entry, rest) = head.split_at(ENTRY_LEN);
        head = rest;
        let kind = BlobKind::from_code(entry[0]).ok_or("a blob has an unknown kind")?;
        let mut id = [0u8; 32];
        id.copy_from_slice(&entry[1..33]);
        let word = |range: std::ops::Range<usize>| -> u64 {
            entry[range].iter().rev().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
        };
        entries.push(BlobEntry {
            kind,
            id: Id(id),
            offset: word(33..41),
            length: word(41..45) as u32,
            raw_length: word(45..49) as u32,
        });
    }
    Ok(entries)
}

/// A finished pack.
#[derive(Debug, Clone)]
pub struct PackInfo {
    /// Its id (hash of its bytes).
    pub id: Id,
    /// Its blobs.
    pub entries: Vec<BlobEntry>,
}

/// A pack being written.
pub struct PackWriter {
    file: File,
    tmp_path: PathBuf,
    hasher: blake3::Hasher,
    entries: Vec<BlobEntry>,
    size: u64,
}

impl PackWriter {
    /// Starts a pack in the vault's `tmp/`.
    pub fn new(layout: &Layout) -> Result<Self> {
        let tmp_path = layout.tmp_dir().join(format!("pack-{}", Id::random().short()));
        let file = super::layout::create_private_file(&tmp_path)?;
        Ok(Self { file, tmp_path, hasher: blake3::Hasher::new(), entries: Vec::new(), size: 0 })
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Whether no blob was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends one sealed blob.
    pub fn add(&mut self, kind: BlobKind, id: Id, sealed: &[u8], raw_length: u32) -> Result<()> {
        self.write(sealed)?;
        self.entries.push(BlobEntry {
            kind,
            id,
            offset: self.size - sealed.len() as u64,
            length: sealed.len() as u32,
            raw_length,
        });
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file.write_all(bytes).map_err(|e| VaultError::io("write", &self.tmp_path, e))?;
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        Ok(())
    }

    /// Writes the header and trailer, flushes, and moves the pack into place.
    pub fn finish(mut self, keys: &Keys, layout: &Layout) -> Result<PackInfo> {
        let mut header = Vec::with_capacity(4 + self.entries.len() * ENTRY_LEN);
        header.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        encode_entries(&self.entries, &mut header);
        let sealed = keys.seal(HEADER_AD, &header);
        self.write(&sealed)?;
        let mut trailer = Vec::with_capacity(TRAILER_LEN as usize);
        trailer.extend_from_slice(&(sealed.len() as u32).to_le_bytes());
        trailer.extend_from_slice(TRAILER_MAGIC);
        self.write(&trailer)?;
        self.file.sync_all().map_err(|e| VaultError::io("flush", &self.tmp_path, e))?;
        let id = Id(*self.hasher.finalize().as_bytes());
        let path = layout.pack(&id);
        crash_point("write:data");
        std::fs::rename(&self.tmp_path, &path).map_err(|e| VaultError::io("rename into", &path, e))?;
        sync_parent(&path)?;
        crash_point("written:data");
        Ok(PackInfo { id, entries: self.entries })
    }
}

/// Reads and checks the header of a pack file, for `verify` and for re-indexing packs a crash left behind.
pub fn read_header(file: &mut File, keys: &Keys, pack: &Id) -> Result<Vec<BlobEntry>> {
    let what = || format!("pack {}", pack.short());
    let len = file.seek(SeekFrom::End(0)).map_err(|e| VaultError::io("read", what(), e))?;
    if len < TRAILER_LEN {
        return Err(VaultError::damaged(what(), "it is shorter than its trailer (truncated)"));
    }
    let mut trailer = [0u8; TRAILER_LEN as usize];
    file.seek(SeekFrom::Start(len - TRAILER_LEN)).map_err(|e| VaultError::io("read", what(), e))?;
    file.read_exact(&mut trailer).map_err(|e| VaultError::io("read", what(), e))?;
    if &trailer[4..] != TRAILER_MAGIC {
        return Err(VaultError::damaged(what(), "its trailer is missing (truncated or overwritten)"));
    }
    let header_len = u64::from(u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]));
    if header_len + TRAILER_LEN > len {
        return Err(VaultError::damaged(what(), "its header length points outside the file"));
    }
    let mut sealed = vec![0u8; header_len as usize];
    file.seek(SeekFrom::Start(len - TRAILER_LEN - header_len))
        .map_err(|e| VaultError::io("read", what(), e))?;
    file.read_exact(&mut sealed).map_err(|e| VaultError::io("read", what(), e))?;
    keys.open_in_place(HEADER_AD, &mut sealed)
        .map_err(|_| VaultError::damaged(what(), "its header fails authentication"))?;
    decode_header(&sealed, len - TRAILER_LEN - header_len)
        .map_err(|reason| VaultError::damaged(what(), reason))
}

/// Decodes a pack header once opened: its blob entries, each checked to lie inside the `body` bytes before it.
pub(crate) fn decode_header(plain: &[u8], body: u64) -> Result<Vec<BlobEntry>, String> {
    let mut bytes = plain;
    if bytes.len() < 4 {
        return Err("its header is empty".into());
    }
    let count = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    bytes = &bytes[4..];
    let entries = decode_entries(&mut bytes, count)?;
    // Checked: a header naming an offset near 2^64 is damage, not an overflow (found by fuzz/vault_pack_header).
    if entries.iter().any(|e| e.offset.checked_add(u64::from(e.length)).is_none_or(|end| end > body)) {
        return Err("its header lists a blob outside the file".into());
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(offset: u64, length: u32) -> Vec<u8> {
        let entry = BlobEntry { kind: BlobKind::Data, id: Id([7; 32]), offset, length, raw_length: 1 };
        let mut plain = 1u32.to_le_bytes().to_vec();
        encode_entries(&[entry], &mut plain);
        plain
    }

    #[test]
    fn a_pack_header_whose_blob_ends_past_2_pow_64_is_damage_not_an_overflow() {
        assert_eq!(decode_header(&header(10, 20), 30).map(|e| e.len()), Ok(1));
        assert!(decode_header(&header(10, 21), 30).is_err());
        let error = decode_header(&header(u64::MAX - 3, 100), u64::MAX).unwrap_err();
        assert!(error.contains("outside the file"), "{error}");
    }
}
