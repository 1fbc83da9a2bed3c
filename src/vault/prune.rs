//! `forget` and `prune`: removing snapshots, then reclaiming the space nothing uses any more.
//!
//! Prune is safe against crashes because it only deletes after a complete new index is durable: (1) repack
//! partly used packs into new packs, (2) write one index file that lists every kept and new pack and
//! supersedes every index file on disk, (3) delete the superseded index files, (4) delete unused packs. A crash
//! before (2) leaves extra packs nobody references; after (2) the old state is simply ignored, and the next
//! prune finishes (3) before anything else. A superseded file must never outlive its superseder: if it did, it
//! would count again once the superseder is gone, and point at packs that were deleted.

use std::collections::HashSet;

use serde::Serialize;

use crate::engine::{Cancel, Meter, Phase};

use super::Vault;
use super::error::{Result, VaultError};
use super::id::Id;
use super::index::{Index, IndexFile};
use super::layout::{remove_if_present, sync_parent};
use super::pack::{PackInfo, PackWriter};
use super::store::adopt_orphan_packs;

/// Repack a pack when more than this share of it is unused.
const REPACK_UNUSED_SHARE: f64 = 0.2;
/// Free space repacking needs beyond the copies themselves: pack headers and the new index.
const REPACK_HEADROOM: u64 = 8 * 1024 * 1024;

/// What prune did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PruneReport {
    /// Packs deleted outright.
    pub packs_removed: usize,
    /// Packs whose used blobs were copied into new packs.
    pub packs_repacked: usize,
    /// Bytes of pack files deleted.
    pub bytes_freed: u64,
    /// Bytes written into new packs.
    pub bytes_repacked: u64,
    /// Blobs still in use.
    pub blobs_in_use: usize,
    /// Packs that should have been repacked but were kept as they are, because the disk had no room for the
    /// copies (a full disk is exactly when prune must still free what it can).
    pub packs_not_repacked_for_space: usize,
}

impl Vault {
    /// Removes snapshots. Their data stays until `prune`.
    pub fn forget(&self, ids: &[Id]) -> Result<()> {
        let _lock = self.lock()?;
        for id in ids {
            self.remove_snapshot(id)?;
        }
        Ok(())
    }

    /// Reclaims space no snapshot uses.
    pub fn prune(&self, meter: &Meter<'_>, cancel: &Cancel) -> Result<PruneReport> {
        let _lock = self.lock()?;
        meter.phase(Phase::Scanning);
        let (mut index, damage) = Index::load(&self.keys, &self.layout)?;
        if let Some((_, error)) = damage.into_iter().next() {
            return Err(VaultError::damaged(
                "the index",
                format!("{error}; prune would not know what is safe to delete, so it does nothing"),
            ));
        }
        // An interrupted prune leaves the index files its new index supersedes: finish removing them.
        for id in index.retired() {
            remove_if_present(&self.layout.index(id))?;
        }
        adopt_orphan_packs(self, &mut index)?;
        let listing = self.snapshots()?;
        if let Some((id, _)) = listing.damaged.first() {
            return Err(VaultError::damaged(
                format!("snapshot {}", id.short()),
                "prune cannot tell which data it uses; `lifeboat forget` it first",
            ));
        }
        let blobs = self.blobs(&index);
        let mut used: HashSet<Id> = HashSet::new();
        for snapshot in &listing.snapshots {
            used.extend(snapshot.catalog.iter().copied());
            for node in self.catalog(snapshot, &blobs)? {
                used.extend(node.chunks);
            }
        }

        let mut report = PruneReport { blobs_in_use: used.len(), ..PruneReport::default() };
        let mut keep: Vec<PackInfo> = Vec::new();
        let mut delete: Vec<Id> = Vec::new();
        let mut repack: Vec<PackInfo> = Vec::new();
        for pack in index.by_pack() {
            let total: u64 = pack.entries.iter().map(|e| u64::from(e.length)).sum();
            let unused: u64 =
                pack.entries.iter().filter(|e| !used.contains(&e.id)).map(|e| u64::from(e.length)).sum();
            // A pack none of whose blobs the index places in it (all have a copy elsewhere: a pack a crashed
            // prune had repacked, adopted again) holds nothing anyone reads.
            if total == 0 || unused == total {
                delete.push(pack.id);
            } else if unused == 0 {
                keep.push(pack);
            } else if unused as f64 > total as f64 * REPACK_UNUSED_SHARE {
                repack.push(pack);
            } else {
                keep.push(pack);
            }
        }

        let to_copy: u64 = repack
            .iter()
            .flat_map(|p| p.entries.iter().filter(|e| used.contains(&e.id)))
            .map(|e| u64::from(e.length))
            .sum();
        if !repack.is_empty() && !self.layout.has_room_for(to_copy + REPACK_HEADROOM) {
            log::warn!(
                "too little free space to repack {} pack(s); deleting only what is unused",
                repack.len()
            );
            report.packs_not_repacked_for_space = repack.len();
            keep.append(&mut repack);
        }

        meter.phase(Phase::Transferring);
        let mut new_packs = Vec::new();
        let mut writer: Option<PackWriter> = None;
        for pack in &repack {
            if cancel.is_cancelled() {
                return Err(VaultError::Cancelled);
            }
            let path = self.layout.pack(&pack.id);
            let bytes = std::fs::read(&path).map_err(|e| VaultError::io("read", &path, e))?;
            for entry in pack.entries.iter().filter(|e| used.contains(&e.id)) {
                let end = entry.offset.checked_add(u64::from(entry.length));
                let sealed = end
                    .and_then(|end| {
                        bytes.get(usize::try_from(entry.offset).ok()?..usize::try_from(end).ok()?)
                    })
                    .ok_or_else(|| {
                        VaultError::damaged(format!("pack {}", pack.id.short()), "it is truncated")
                    })?;
                // Sealed blobs are bound to their id, not their position, so they move without re-encryption.
                let open = match writer.as_mut() {
                    Some(open) => open,
                    None => writer.insert(PackWriter::new(&self.layout)?),
                };
                open.add(entry.kind, entry.id, sealed, entry.raw_length)?;
                report.bytes_repacked += sealed.len() as u64;
                if open.size() >= 16 * 1024 * 1024
                    && let Some(full) = writer.take()
                {
                    new_packs.push(full.finish(&self.keys, &self.layout)?);
                }
            }
            delete.push(pack.id);
            report.packs_repacked += 1;
            meter.add_item();
        }
        if let Some(open) = writer.take().filter(|w| !w.is_empty()) {
            new_packs.push(open.finish(&self.keys, &self.layout)?);
        }

        if delete.is_empty() {
            return Ok(report);
        }
        meter.phase(Phase::Finishing);
        // Every index file still on disk is superseded, the retired ones too, so none of them can ever come
        // back to life once this new index is itself replaced by a later prune.
        let mut superseded = index.files().to_vec();
        superseded.extend_from_slice(index.retired());
        let mut packs = keep;
        packs.extend(new_packs);
        IndexFile { supersedes: superseded.clone(), packs }.write(&self.keys, &self.layout)?;
        for id in &superseded {
            remove_if_present(&self.layout.index(id))?;
        }
        for pack in &delete {
            let path = self.layout.pack(pack);
            report.bytes_freed += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            remove_if_present(&path)?;
            report.packs_removed += 1;
        }
        sync_parent(&self.layout.index(&Id::default()))?;
        report.packs_removed -= report.packs_repacked;
        Ok(report)
    }
}
