//! `repair`: rebuilds the index from the packs themselves, drops what cannot be read, and turns snapshots that
//! refer to lost data into honest partial snapshots that name what is missing (restic's `repair index` and
//! `repair snapshots`).
//!
//! Steps, under the writer lock, each safe to be killed at any moment:
//! 1. Read every pack in `data/`. A pack whose bytes hash to its name and whose header opens is good: all its
//!    blobs are indexed. From any other pack, each blob its header (or, when the header is gone, the old
//!    index) lists is authenticated, and the good ones are copied as they are (sealed blobs are bound to their
//!    id, not their place) into new packs. The rest are lost, like the blobs of packs that are gone.
//! 2. Write one index file listing every good and new pack and superseding every index file on disk, readable
//!    or not; only then remove the old index files and the damaged packs. A crash before the new index leaves
//!    extra packs the next run finds good; after it, the old files are ignored.
//! 3. Remove snapshot files that do not open and snapshots whose catalog cannot be read. A snapshot with items
//!    whose chunks are not in the new index is written again under a new id without them (they go to its
//!    `skipped` list, its totals are corrected, `repaired.from` names the old file), then the old file is
//!    removed. A run after a crash between the two finds the copy through `repaired.from` and only removes the
//!    old file, so a backup is never repaired twice.
//! 4. Check that what is left is consistent: every index file readable, every snapshot and catalog readable,
//!    every chunk indexed.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io;
use std::thread;

use serde::Serialize;

use crate::engine::{Cancel, Meter, Phase};

use super::Vault;
use super::error::{Result, VaultError};
use super::id::Id;
use super::index::{Index, IndexFile};
use super::layout::{remove_if_present, sync_parent};
use super::pack::{BlobEntry, PackInfo, PackWriter, blob_ad, read_header};
use super::snapshot::{Node, Repaired, Skipped, Snapshot, encode_catalog, now_ns, rfc3339};
use super::store::{BlobStore, StoreState};

/// Salvaged blobs go into packs of about this size, like the packs a backup writes.
const PACK_TARGET: u64 = 16 * 1024 * 1024;

/// A pack file that was damaged, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DamagedPack {
    /// The pack's short id.
    pub pack: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A snapshot rewritten without the items whose data was lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepairedSnapshot {
    /// The new snapshot's short id.
    pub id: String,
    /// The short id of the snapshot it replaces.
    pub from: String,
    /// How many items were lost.
    pub items_lost: u64,
    /// The paths of the lost items.
    pub lost: Vec<String>,
}

/// A snapshot removed because it could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedSnapshot {
    /// Its short id.
    pub id: String,
    /// Why it could not be kept.
    pub reason: String,
}

/// What `repair` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RepairReport {
    /// Pack files read.
    pub packs_checked: usize,
    /// Pack files whose bytes do not match their name or whose header does not open; removed once their good
    /// blobs were copied out.
    pub packs_damaged: Vec<DamagedPack>,
    /// Blobs copied out of damaged packs.
    pub blobs_salvaged: u64,
    /// Blobs the vault had (in a pack, or promised by an index) that are gone.
    pub blobs_lost: u64,
    /// Index files that could not be read (they are replaced with the rest).
    pub index_files_damaged: usize,
    /// Whether a new index was written (it was wrong, incomplete or damaged).
    pub index_rebuilt: bool,
    /// Index files the new one replaced.
    pub index_files_replaced: usize,
    /// Snapshots rewritten without their lost items.
    pub snapshots_repaired: Vec<RepairedSnapshot>,
    /// Snapshots removed.
    pub snapshots_removed: Vec<RemovedSnapshot>,
    /// What is still inconsistent afterwards, one sentence each (empty when the vault is whole again).
    pub problems: Vec<String>,
}

impl RepairReport {
    /// Whether the vault is consistent after the repair (data may still have been lost: the report says what).
    pub fn is_consistent(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether the repair changed anything.
    pub fn changed_anything(&self) -> bool {
        !self.packs_damaged.is_empty()
            || self.index_rebuilt
            || !self.snapshots_repaired.is_empty()
            || !self.snapshots_removed.is_empty()
    }
}

/// What reading one pack file found.
enum Scanned {
    /// Whole: its blobs, from its header.
    Good(Vec<BlobEntry>),
    /// Damaged: why, and the blobs it should hold (from its header, or else from the old index).
    Damaged { reason: String, entries: Vec<BlobEntry> },
}

/// A snapshot to write again without its lost items.
struct Plan {
    old: Snapshot,
    kept: Vec<Node>,
    lost: Vec<Node>,
}

impl Vault {
    /// Rebuilds the index from the packs and makes every snapshot consistent with it; see the module
    /// documentation.
    pub fn repair(&self, meter: &Meter<'_>, cancel: &Cancel) -> Result<RepairReport> {
        let _lock = self.lock()?;
        let mut report = RepairReport::default();
        meter.phase(Phase::Scanning);
        // Packs being written when a run died are never in any index; nothing reads them.
        if let Ok(entries) = std::fs::read_dir(self.layout.tmp_dir()) {
            for entry in entries.flatten() {
                remove_if_present(&entry.path())?;
            }
        }
        let (old_index, index_damage) = Index::load(&self.keys, &self.layout)?;
        report.index_files_damaged = index_damage.len();
        let old_packs: HashMap<Id, PackInfo> =
            old_index.by_pack().into_iter().map(|pack| (pack.id, pack)).collect();

        let on_disk = self.layout.list_packs()?;
        meter.totals(on_disk.len() as u64, 0);
        let mut good: Vec<PackInfo> = Vec::new();
        let mut damaged: Vec<(Id, Vec<BlobEntry>)> = Vec::new();
        for pack in &on_disk {
            if cancel.is_cancelled() {
                return Err(VaultError::Cancelled);
            }
            match self.scan_pack(pack, old_packs.get(pack))? {
                Scanned::Good(entries) => good.push(PackInfo { id: *pack, entries }),
                Scanned::Damaged { reason, entries } => {
                    log::warn!("pack {} is damaged: {reason}", pack.short());
                    report.packs_damaged.push(DamagedPack { pack: pack.short(), reason });
                    damaged.push((*pack, entries));
                }
            }
            report.packs_checked += 1;
            meter.add_item();
        }

        meter.phase(Phase::Transferring);
        let mut present: HashSet<Id> = good.iter().flat_map(|p| p.entries.iter().map(|e| e.id)).collect();
        let salvaged = self.salvage(&damaged, &mut present, &mut report, cancel)?;
        // Everything the vault had: what the old index promised and what damaged packs said they held.
        let known: HashSet<Id> = old_packs
            .values()
            .flat_map(|p| p.entries.iter().map(|e| e.id))
            .chain(damaged.iter().flat_map(|(_, entries)| entries.iter().map(|e| e.id)))
            .collect();
        report.blobs_lost = known.iter().filter(|id| !present.contains(id)).count() as u64;

        meter.phase(Phase::Finishing);
        let index_is_right = index_damage.is_empty()
            && old_index.retired().is_empty()
            && damaged.is_empty()
            && salvaged.is_empty()
            && same_packs(&old_packs, &good);
        if !index_is_right {
            let superseded = self.layout.list_ids(&self.layout.index_dir())?;
            let mut packs = good;
            packs.extend(salvaged);
            IndexFile { supersedes: superseded.clone(), packs }.write(&self.keys, &self.layout)?;
            for id in &superseded {
                remove_if_present(&self.layout.index(id))?;
            }
            sync_parent(&self.layout.index(&Id::default()))?;
            report.index_rebuilt = true;
            report.index_files_replaced = superseded.len();
            for (pack, _) in &damaged {
                let path = self.layout.pack(pack);
                remove_if_present(&path)?;
                sync_parent(&path)?;
            }
        }

        self.repair_snapshots(&mut report, cancel)?;
        report.problems = self.consistency_problems()?;
        meter.flush();
        Ok(report)
    }

    /// Reads one pack file: its bytes must hash to its name and its header must open.
    fn scan_pack(&self, pack: &Id, indexed: Option<&PackInfo>) -> Result<Scanned> {
        let path = self.layout.pack(pack);
        let mut file = File::open(&path).map_err(|e| VaultError::io("open", &path, e))?;
        let mut hasher = blake3::Hasher::new();
        io::copy(&mut file, &mut hasher).map_err(|e| VaultError::io("read", &path, e))?;
        let hash_matches = Id(*hasher.finalize().as_bytes()) == *pack;
        let header = match read_header(&mut file, &self.keys, pack) {
            Ok(entries) => Ok(entries),
            Err(VaultError::Damaged { reason, .. }) => Err(reason),
            Err(other) => return Err(other),
        };
        Ok(match (hash_matches, header) {
            (true, Ok(entries)) => Scanned::Good(entries),
            (false, Ok(entries)) => {
                Scanned::Damaged { reason: "its content does not match its name".into(), entries }
            }
            // Without a header, the old index still says where the blobs were: those before the damage (the
            // first part of a truncated pack) can be saved.
            (_, Err(reason)) => {
                Scanned::Damaged { reason, entries: indexed.map(|p| p.entries.clone()).unwrap_or_default() }
            }
        })
    }

    /// Copies the blobs of damaged packs that still authenticate, and that no good pack holds, into new packs.
    fn salvage(
        &self,
        damaged: &[(Id, Vec<BlobEntry>)],
        present: &mut HashSet<Id>,
        report: &mut RepairReport,
        cancel: &Cancel,
    ) -> Result<Vec<PackInfo>> {
        let mut new_packs = Vec::new();
        let mut writer: Option<PackWriter> = None;
        for (pack, entries) in damaged {
            if cancel.is_cancelled() {
                return Err(VaultError::Cancelled);
            }
            let path = self.layout.pack(pack);
            let bytes = std::fs::read(&path).map_err(|e| VaultError::io("read", &path, e))?;
            for entry in entries {
                if present.contains(&entry.id) {
                    continue;
                }
                let start = entry.offset as usize;
                let Some(sealed) =
                    start.checked_add(entry.length as usize).and_then(|end| bytes.get(start..end))
                else {
                    continue;
                };
                let Ok(plain) = self.keys.open(&blob_ad(entry.kind, &entry.id), sealed) else { continue };
                if self.keys.blob_id(&plain) != entry.id {
                    continue;
                }
                let open = match writer.as_mut() {
                    Some(open) => open,
                    None => writer.insert(PackWriter::new(&self.layout)?),
                };
                open.add(entry.kind, entry.id, sealed, plain.len() as u32)?;
                present.insert(entry.id);
                report.blobs_salvaged += 1;
                if open.size() >= PACK_TARGET
                    && let Some(full) = writer.take()
                {
                    new_packs.push(full.finish(&self.keys, &self.layout)?);
                }
            }
        }
        if let Some(open) = writer.take().filter(|w| !w.is_empty()) {
            new_packs.push(open.finish(&self.keys, &self.layout)?);
        }
        Ok(new_packs)
    }

    /// Step 3 of the module documentation.
    fn repair_snapshots(&self, report: &mut RepairReport, cancel: &Cancel) -> Result<()> {
        let mut readable = Vec::new();
        for id in self.layout.list_ids(&self.layout.snapshots_dir())? {
            match Snapshot::read(&self.keys, &self.layout, &id) {
                Ok(snapshot) => readable.push(snapshot),
                Err(e @ VaultError::Damaged { .. }) => self.drop_snapshot(&id, &e, report)?,
                Err(e) => return Err(e),
            }
        }
        // Copies an earlier, interrupted repair already wrote, by the snapshot they replace.
        let copies: HashMap<Id, Id> =
            readable.iter().filter_map(|s| s.repaired.map(|r| (r.from, s.id))).collect();

        let (index, _) = Index::load(&self.keys, &self.layout)?;
        let mut plans = Vec::new();
        {
            let blobs = self.blobs(&index);
            for snapshot in readable {
                if cancel.is_cancelled() {
                    return Err(VaultError::Cancelled);
                }
                let nodes = match self.catalog(&snapshot, &blobs) {
                    Ok(nodes) => nodes,
                    Err(e @ (VaultError::Damaged { .. } | VaultError::Missing { .. })) => {
                        self.drop_snapshot(&snapshot.id, &e, report)?;
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let (kept, lost): (Vec<Node>, Vec<Node>) =
                    nodes.into_iter().partition(|node| node.chunks.iter().all(|c| index.contains(c)));
                if lost.is_empty() {
                    continue;
                }
                if let Some(copy) = copies.get(&snapshot.id) {
                    report.snapshots_repaired.push(repaired_entry(copy, &snapshot.id, &lost));
                    self.remove_snapshot(&snapshot.id)?;
                    continue;
                }
                plans.push(Plan { old: snapshot, kept, lost });
            }
        }
        if plans.is_empty() {
            return Ok(());
        }

        // The shortened catalogs are stored like a backup stores one: through a blob store, whose index files
        // are durable before any snapshot names them.
        let state = StoreState::new(index);
        let catalogs = thread::scope(|scope| -> Result<Vec<Vec<Id>>> {
            let store = BlobStore::new(self, &state, scope);
            let catalogs = plans
                .iter()
                .map(|plan| store.store_tree(&encode_catalog(&plan.kept)))
                .collect::<Result<_>>()?;
            store.finish()?;
            Ok(catalogs)
        })?;
        let now = now_ns();
        for (plan, catalog) in plans.into_iter().zip(catalogs) {
            let new = repaired_snapshot(&plan, catalog, now);
            self.write_snapshot(&new)?;
            self.remove_snapshot(&plan.old.id)?;
            log::warn!(
                "snapshot {} lost {} items; it is now snapshot {}",
                plan.old.id.short(),
                plan.lost.len(),
                new.id.short()
            );
            report.snapshots_repaired.push(repaired_entry(&new.id, &plan.old.id, &plan.lost));
        }
        Ok(())
    }

    fn drop_snapshot(&self, id: &Id, why: &VaultError, report: &mut RepairReport) -> Result<()> {
        log::warn!("removing snapshot {}: {why}", id.short());
        self.remove_snapshot(id)?;
        report.snapshots_removed.push(RemovedSnapshot { id: id.short(), reason: why.to_string() });
        Ok(())
    }

    /// What `verify` would still find, short of reading every pack again (repair just did).
    fn consistency_problems(&self) -> Result<Vec<String>> {
        let (index, damage) = Index::load(&self.keys, &self.layout)?;
        let mut problems: Vec<String> = damage.iter().map(|(_, e)| e.to_string()).collect();
        let on_disk: HashSet<Id> = self.layout.list_packs()?.into_iter().collect();
        problems.extend(
            index
                .packs()
                .iter()
                .filter(|p| !on_disk.contains(p))
                .map(|p| format!("pack {} is missing", p.short())),
        );
        let listing = self.snapshots()?;
        problems.extend(listing.damaged.iter().map(|(_, e)| e.to_string()));
        let blobs = self.blobs(&index);
        for snapshot in &listing.snapshots {
            match self.catalog(snapshot, &blobs) {
                Ok(nodes) => problems.extend(
                    nodes.iter().filter(|n| n.chunks.iter().any(|c| !index.contains(c))).map(|n| {
                        format!("{} in snapshot {} has chunks in no index", n.entry.path, snapshot.id.short())
                    }),
                ),
                Err(e) => problems.push(e.to_string()),
            }
        }
        Ok(problems)
    }
}

/// Whether the old index lists exactly the good packs, each blob where the pack's own header puts it.
fn same_packs(old: &HashMap<Id, PackInfo>, good: &[PackInfo]) -> bool {
    old.len() == good.len()
        && good.iter().all(|pack| {
            let Some(indexed) = old.get(&pack.id) else { return false };
            let held: HashSet<(Id, u64, u32)> =
                pack.entries.iter().map(|e| (e.id, e.offset, e.length)).collect();
            indexed.entries.iter().all(|e| held.contains(&(e.id, e.offset, e.length)))
        })
}

/// The snapshot `plan.old` without its lost items, under a new id.
fn repaired_snapshot(plan: &Plan, catalog: Vec<Id>, now: i64) -> Snapshot {
    let mut new = plan.old.clone();
    new.id = Id::random();
    new.catalog = catalog;
    let reason = format!("lost: damaged in the vault; removed by `lifeboat repair` on {}", rfc3339(now));
    for node in &plan.lost {
        if let Some(totals) = new.totals.get_mut(&node.entry.category) {
            totals.items = totals.items.saturating_sub(1);
            totals.bytes = totals.bytes.saturating_sub(node.entry.size);
        }
        new.skipped.push(Skipped { what: node.entry.path.to_string(), reason: reason.clone() });
    }
    let before = plan.old.repaired.map_or(0, |r| r.lost);
    new.repaired = Some(Repaired { time_ns: now, from: plan.old.id, lost: before + plan.lost.len() as u64 });
    new
}

fn repaired_entry(new: &Id, old: &Id, lost: &[Node]) -> RepairedSnapshot {
    RepairedSnapshot {
        id: new.short(),
        from: old.short(),
        items_lost: lost.len() as u64,
        lost: lost.iter().map(|n| n.entry.path.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::data::{Category, CategorySet, ItemPath};
    use crate::device::{DeviceIdentity, DeviceKind, Entry};
    use crate::vault::Totals;

    fn node(path: &str, category: Category, size: u64) -> Node {
        Node {
            entry: Entry::file(ItemPath::new(path).unwrap(), category, size, None),
            chunks: vec![Id([1; 32])],
        }
    }

    fn snapshot(repaired: Option<Repaired>) -> Snapshot {
        Snapshot {
            id: Id([7; 32]),
            time_ns: 5,
            finished_ns: Some(6),
            device: DeviceIdentity {
                kind: DeviceKind::Android,
                name: "phone".into(),
                manufacturer: None,
                model: None,
                serial: "s".into(),
                os_version: None,
            },
            categories: CategorySet::all(),
            complete: true,
            catalog: vec![Id([2; 32])],
            totals: BTreeMap::from([
                (Category::Photos, Totals { items: 2, bytes: 30 }),
                (Category::Files, Totals { items: 1, bytes: 4 }),
            ]),
            unavailable: BTreeMap::new(),
            skipped: Vec::new(),
            parent: None,
            run: Id([3; 32]),
            host: "host".into(),
            program: "test".into(),
            repaired,
        }
    }

    #[test]
    fn a_repaired_snapshot_names_its_lost_items_and_corrects_its_totals() {
        let plan = Plan {
            old: snapshot(Some(Repaired { time_ns: 1, from: Id([9; 32]), lost: 2 })),
            kept: vec![node("DCIM/b.jpg", Category::Photos, 10), node("x.txt", Category::Files, 4)],
            lost: vec![node("DCIM/a.jpg", Category::Photos, 20)],
        };
        let new = repaired_snapshot(&plan, vec![Id([4; 32])], 1_700_000_000_000_000_000);
        assert_ne!(new.id, plan.old.id);
        assert_eq!(new.catalog, vec![Id([4; 32])]);
        assert_eq!(new.totals[&Category::Photos], Totals { items: 1, bytes: 10 });
        assert_eq!(new.totals[&Category::Files], Totals { items: 1, bytes: 4 });
        assert_eq!(new.skipped.len(), 1);
        assert_eq!(new.skipped[0].what, "DCIM/a.jpg");
        assert!(
            new.skipped[0]
                .reason
                .starts_with("lost: damaged in the vault; removed by `lifeboat repair` on 2023-")
        );
        // The count adds up across repairs; `from` names the file this one replaces.
        assert_eq!(
            new.repaired,
            Some(Repaired { time_ns: 1_700_000_000_000_000_000, from: Id([7; 32]), lost: 3 })
        );
        assert_eq!((new.time_ns, new.run, new.complete), (5, Id([3; 32]), true));
    }

    #[test]
    fn an_old_snapshot_without_the_field_still_reads() {
        let mut value = serde_json::to_value(snapshot(None)).unwrap();
        assert!(value.get("repaired").is_none(), "not written when absent");
        value.as_object_mut().unwrap().remove("repaired");
        let read: Snapshot = serde_json::from_value(value).unwrap();
        assert_eq!(read.repaired, None);
    }

    #[test]
    fn the_index_is_right_only_when_it_lists_exactly_the_good_packs_as_they_are() {
        let entry = |n: u8, offset: u64| BlobEntry {
            kind: super::super::pack::BlobKind::Data,
            id: Id([n; 32]),
            offset,
            length: 10,
            raw_length: 5,
        };
        let pack = PackInfo { id: Id([1; 32]), entries: vec![entry(1, 0), entry(2, 10)] };
        let old = HashMap::from([(pack.id, pack.clone())]);
        assert!(same_packs(&old, std::slice::from_ref(&pack)));
        let moved = PackInfo { id: pack.id, entries: vec![entry(1, 0), entry(2, 20)] };
        assert!(!same_packs(&old, &[moved]));
        let orphan = PackInfo { id: Id([5; 32]), entries: vec![entry(3, 0)] };
        assert!(!same_packs(&old, &[pack.clone(), orphan]));
        assert!(!same_packs(&old, &[]));
    }
}
