//! `verify`: reads back and authenticates what the vault holds, and names every item that could not be
//! restored. With a sample percentage it checks that share of packs, chosen at random, in full; the index and
//! every snapshot's catalog are always checked completely.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::engine::{Cancel, Meter, Phase};

use super::Vault;
use super::error::{Result, VaultError};
use super::id::Id;
use super::index::Index;
use super::pack::{blob_ad, read_header};

/// What to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Check only this percentage of packs (1 to 100); `None` checks all.
    pub sample_percent: Option<f64>,
}

/// An item that cannot be restored as it was backed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DamagedItem {
    /// The snapshot's short id.
    pub snapshot: String,
    /// The item's path.
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    /// Snapshots whose catalogs were read.
    pub snapshots_checked: usize,
    /// Packs read in full.
    pub packs_checked: usize,
    /// Packs the index knows.
    pub packs_total: usize,
    /// Blobs authenticated.
    pub blobs_checked: u64,
    /// Bytes read.
    pub bytes_checked: u64,
    /// Damage to vault files (packs, index files, snapshots), one sentence each.
    pub problems: Vec<String>,
    /// Items affected by damage.
    pub damaged_items: Vec<DamagedItem>,
    /// Packs present but listed in no index (left by an interrupted run; the next backup re-indexes them,
    /// prune removes them if nothing uses them).
    pub unindexed_packs: usize,
}

impl VerifyReport {
    /// Whether nothing is damaged.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && self.damaged_items.is_empty()
    }
}

impl Vault {
    /// Checks the vault; see the module documentation.
    pub fn verify(&self, options: VerifyOptions, meter: &Meter<'_>, cancel: &Cancel) -> Result<VerifyReport> {
        meter.phase(Phase::Verifying);
        let mut report = VerifyReport::default();
        let (index, index_damage) = Index::load(&self.keys, &self.layout)?;
        report.problems.extend(index_damage.iter().map(|(_, e)| e.to_string()));
        let listing = self.snapshots()?;
        report.problems.extend(listing.damaged.iter().map(|(_, e)| e.to_string()));

        let on_disk: HashSet<Id> = self.layout.list_packs()?.into_iter().collect();
        report.unindexed_packs = on_disk.iter().filter(|p| !index.has_pack(p)).count();
        report.packs_total = index.packs().len();

        let mut bad_blobs: HashMap<Id, String> = HashMap::new();
        let packs = index.by_pack();
        let chosen = choose(packs.len(), options.sample_percent);
        let total_bytes: u64 =
            chosen.iter().map(|&i| packs[i].entries.iter().map(|e| u64::from(e.length)).sum::<u64>()).sum();
        meter.totals(chosen.len() as u64, total_bytes);
        for (position, pack) in packs.iter().enumerate() {
            if cancel.is_cancelled() {
                return Err(VaultError::Cancelled);
            }
            if !on_disk.contains(&pack.id) {
                let reason = format!("pack {} is missing", pack.id.short());
                report.problems.push(reason.clone());
                bad_blobs.extend(pack.entries.iter().map(|e| (e.id, reason.clone())));
                continue;
            }
            if !chosen.contains(&position) {
                continue;
            }
            report.packs_checked += 1;
            self.check_pack(pack, &mut report, &mut bad_blobs)?;
            meter.add_item();
            meter.add_bytes(pack.entries.iter().map(|e| u64::from(e.length)).sum());
        }

        let blobs = self.blobs(&index);
        for snapshot in &listing.snapshots {
            let catalog = match self.catalog(snapshot, &blobs) {
                Ok(catalog) => catalog,
                Err(e) => {
                    report.problems.push(e.to_string());
                    continue;
                }
            };
            report.snapshots_checked += 1;
            for node in catalog {
                let problem = node.chunks.iter().find_map(|chunk| match bad_blobs.get(chunk) {
                    Some(reason) => Some(reason.clone()),
                    None if !index.contains(chunk) => {
                        Some(format!("chunk {} is in no index (an index file may be missing)", chunk.short()))
                    }
                    None => None,
                });
                if let Some(reason) = problem {
                    report.damaged_items.push(DamagedItem {
                        snapshot: snapshot.id.short(),
                        path: node.entry.path.to_string(),
                        reason,
                    });
                }
            }
        }
        meter.flush();
        Ok(report)
    }

    fn check_pack(
        &self,
        pack: &super::pack::PackInfo,
        report: &mut VerifyReport,
        bad_blobs: &mut HashMap<Id, String>,
    ) -> Result<()> {
        let path = self.layout.pack(&pack.id);
        let bytes = std::fs::read(&path).map_err(|e| VaultError::io("read", &path, e))?;
        report.bytes_checked += bytes.len() as u64;
        let short = pack.id.short();
        if *blake3::hash(&bytes).as_bytes() != pack.id.0 {
            report.problems.push(format!("pack {short} is damaged: its content does not match its name"));
        }
        let header = std::fs::File::open(&path)
            .map_err(|e| VaultError::io("open", &path, e))
            .and_then(|mut file| read_header(&mut file, &self.keys, &pack.id));
        match header {
            Ok(entries) => {
                let listed: HashSet<Id> = entries.iter().map(|e| e.id).collect();
                if pack.entries.iter().any(|e| !listed.contains(&e.id)) {
                    report
                        .problems
                        .push(format!("pack {short} does not hold every blob the index says it does"));
                }
            }
            Err(e) => report.problems.push(e.to_string()),
        }
        for entry in &pack.entries {
            report.blobs_checked += 1;
            let start = entry.offset as usize;
            let end = start + entry.length as usize;
            let Some(sealed) = bytes.get(start..end) else {
                bad_blobs.insert(entry.id, format!("pack {short} is truncated"));
                continue;
            };
            let good = self
                .keys
                .open(&blob_ad(entry.kind, &entry.id), sealed)
                .is_ok_and(|plain| self.keys.blob_id(&plain) == entry.id);
            if !good {
                bad_blobs.insert(
                    entry.id,
                    format!("chunk {} in pack {short} fails authentication", entry.id.short()),
                );
            }
        }
        if bad_blobs.values().any(|reason| reason.contains(&short)) {
            report.problems.push(format!("pack {short} has damaged chunks"));
        }
        Ok(())
    }
}

/// Which of `count` packs to check: all, or a random sample of at least one.
fn choose(count: usize, sample_percent: Option<f64>) -> HashSet<usize> {
    match sample_percent {
        None => (0..count).collect(),
        Some(percent) => {
            let wanted =
                ((count as f64 * percent.clamp(0.0, 100.0) / 100.0).ceil() as usize).clamp(1, count.max(1));
            rand::seq::index::sample(&mut rand::thread_rng(), count, wanted.min(count)).into_iter().collect()
        }
    }
}
