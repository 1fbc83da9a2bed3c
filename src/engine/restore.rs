//! Restore: vault → device. Items of a snapshot, filtered by category and path patterns, are streamed from
//! the vault into the target device's [`Restorer`]. One item's problem (a damaged chunk, a file already on
//! the target, a name the target refuses) is reported and the rest goes on; a target that disappears stops
//! the restore.
//!
//! Before writing, the restore plans what will transfer, be converted or stay behind (`fidelity.rs`) and counts
//! what a phone holds; on the way, items the plan converts are converted (`convert.rs`); afterwards it counts
//! the phone again, so the report (`report.rs`) can show any difference.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::data::{Category, CategorySet};
use crate::device::{
    CategorySummary, Device, DeviceError, DeviceIdentity, DeviceKind, RestoreCount, RestorePolicy,
};
use crate::t;
use crate::vault::{Index, Node, Snapshot, Vault};

use super::convert::{Converted, Converter};
use super::fidelity::{CategoryPlan, plan};
use super::{Cancel, EngineError, Meter, Phase, Progress, SnapshotItems};

/// What to restore and how.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// Only these categories (`None`: all the snapshot has).
    pub categories: Option<CategorySet>,
    /// Only items whose path, or one of whose parent folders, matches one of these globs (empty: all).
    pub include: Vec<String>,
    /// What to do with items already on the target.
    pub policy: RestorePolicy,
}

/// An item that was not restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreFailure {
    /// Its path in the snapshot.
    pub path: String,
    /// Why, as a sentence.
    pub reason: String,
}

/// What a restore did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RestoreSummary {
    /// Counts per category.
    pub categories: BTreeMap<Category, RestoreCount>,
    /// Items not restored, with reasons.
    pub failures: Vec<RestoreFailure>,
    /// Bytes of the items written (an item already on the target counts nothing).
    pub bytes: u64,
    /// The fidelity plan of the chosen categories, made before anything was written.
    pub plan: Vec<CategoryPlan>,
    /// Items converted on the way (HEIC photos to JPEG), per category.
    pub converted: BTreeMap<Category, u64>,
    /// What the target held before the restore, per chosen category (phones only, as `after`).
    pub before: Vec<CategorySummary>,
    /// What the target holds afterwards, per restored category (phones only: counting a folder would mean
    /// counting everything else in it too), so a difference from what was sent can be reported.
    pub after: Vec<CategorySummary>,
    /// Wall time.
    #[serde(skip)]
    pub duration: Duration,
}

impl RestoreSummary {
    /// Items restored in all categories.
    pub fn restored(&self) -> u64 {
        self.categories.values().map(|c| c.restored).sum()
    }
}

fn include_set(patterns: &[String]) -> Result<Option<GlobSet>, EngineError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern.trim_end_matches('/')).map_err(|e| EngineError::BadPattern {
            pattern: pattern.clone(),
            reason: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| EngineError::BadPattern { pattern: patterns.join(" "), reason: e.to_string() })
}

/// Whether `node` is chosen by the options.
fn chosen(node: &Node, categories: &Option<CategorySet>, include: &Option<GlobSet>) -> bool {
    if categories.as_ref().is_some_and(|set| !set.contains(node.entry.category)) {
        return false;
    }
    let Some(include) = include else { return true };
    // A pattern naming a folder takes everything inside it.
    let path = node.entry.path.as_str();
    include.is_match(path)
        || path.char_indices().filter(|(_, c)| *c == '/').any(|(at, _)| include.is_match(&path[..at]))
}

/// The categories a restore with `categories` takes from `snapshot`: those asked for that it holds.
fn chosen_categories(snapshot: &Snapshot, categories: Option<&CategorySet>) -> CategorySet {
    match categories {
        Some(categories) => categories.iter().filter(|c| snapshot.categories.contains(*c)).collect(),
        None => snapshot.categories.clone(),
    }
}

/// The fidelity plan of restoring `snapshot` onto `target` with `options`: only the items the restore would
/// take (its categories and its folders) are counted.
pub fn restore_plan(
    vault: &Vault,
    index: &Index,
    snapshot: &Snapshot,
    target: &DeviceIdentity,
    options: &RestoreOptions,
) -> Result<Vec<CategoryPlan>, EngineError> {
    let include = include_set(&options.include)?;
    let mut items = SnapshotItems::load(vault, index, snapshot)?;
    items.retain(|node| chosen(node, &options.categories, &include));
    plan(&items, &snapshot.device, target, &chosen_categories(snapshot, options.categories.as_ref()))
}

/// Restores items of `snapshot` onto `target`.
pub fn restore(
    vault: &Vault,
    snapshot: &Snapshot,
    target: &dyn Device,
    options: &RestoreOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<RestoreSummary, EngineError> {
    let started = Instant::now();
    if let Some(folder) = target.local_folder() {
        super::check_target(vault.root(), folder)?;
    }
    let meter = Meter::new(progress);
    meter.phase(Phase::Scanning);
    let include = include_set(&options.include)?;
    let index = vault.load_index()?;
    let blobs = vault.blobs(&index);
    let nodes: Vec<Node> = vault
        .catalog(snapshot, &blobs)?
        .into_iter()
        .filter(|node| chosen(node, &options.categories, &include))
        .collect();
    if nodes.is_empty() {
        return Err(EngineError::NothingToRestore(snapshot.id.short()));
    }
    let mut totals: BTreeMap<Category, (u64, u64)> = BTreeMap::new();
    for node in &nodes {
        let total = totals.entry(node.entry.category).or_default();
        total.0 += 1;
        total.1 += node.entry.size;
    }
    meter.category_totals(totals.into_iter().map(|(category, (items, bytes))| (category, items, bytes)));

    let mut summary = RestoreSummary::default();
    match restore_plan(vault, &index, snapshot, target.identity(), options) {
        Ok(plan) => summary.plan = plan,
        Err(e) => meter.notice(snapshot.id.short(), t!("restore-no-plan", reason = e.to_string())),
    }
    let counts_target = target.identity().kind != DeviceKind::Folder;
    if counts_target {
        let restoring: CategorySet = nodes.iter().map(|n| n.entry.category).collect();
        match target.survey(&restoring, cancel) {
            Ok(before) => summary.before = before,
            Err(DeviceError::Cancelled) => return Err(EngineError::Cancelled),
            Err(e) => meter
                .notice(target.identity().name.clone(), t!("restore-not-counted", reason = e.to_string())),
        }
    }
    let converter = Converter::new(target.identity(), &nodes);
    meter.phase(Phase::Transferring);

    let mut restorer = target.restorer(options.policy)?;
    for node in &nodes {
        if cancel.is_cancelled() {
            return Err(EngineError::Cancelled);
        }
        meter.category(Some(node.entry.category));
        let mut content = blobs.content(&node.chunks);
        let mut converted = false;
        let mut note = None;
        let result = if converter.wants(&node.entry) {
            match converter.convert(&node.entry, &mut content) {
                Ok(Converted::Replaced { entry, bytes }) => {
                    converted = true;
                    restorer.restore(&entry, &mut bytes.as_slice())
                }
                Ok(Converted::Original { bytes, note: why }) => {
                    note = Some(why);
                    restorer.restore(&node.entry, &mut bytes.as_slice())
                }
                Err(e) => Err(DeviceError::io("read", node.entry.path.as_str(), e)),
            }
        } else {
            restorer.restore(&node.entry, &mut content)
        };
        let counts = summary.categories.entry(node.entry.category).or_default();
        counts.notes.extend(note);
        match result {
            Ok(count) => {
                if count.restored > 0 {
                    summary.bytes += node.entry.size;
                }
                counts.add(count);
                if converted {
                    *summary.converted.entry(node.entry.category).or_default() += 1;
                }
            }
            Err(DeviceError::Disconnected { device }) => {
                return Err(EngineError::Device(DeviceError::Disconnected { device }));
            }
            Err(error) => {
                // A damaged chunk surfaces through the reader; report the vault's words, not the I/O wrapper's.
                let reason = match content.take_failure() {
                    Some(vault_error) => vault_error.to_string(),
                    None => error.to_string(),
                };
                meter.notice(node.entry.path.as_str(), &reason);
                counts.refused += 1;
                summary.failures.push(RestoreFailure { path: node.entry.path.to_string(), reason });
            }
        }
        meter.add_category_item(node.entry.category);
        meter.add_category_bytes(node.entry.category, node.entry.size);
    }
    meter.phase(Phase::Finishing);
    let finished = restorer.finish()?;
    if finished != RestoreCount::default() {
        summary.categories.entry(Category::Files).or_default().add(finished);
    }
    if counts_target {
        let restored: CategorySet = summary.categories.keys().copied().collect();
        match target.survey(&restored, cancel) {
            Ok(after) => summary.after = after,
            Err(e) => meter
                .notice(target.identity().name.clone(), t!("restore-not-counted", reason = e.to_string())),
        }
    }
    meter.flush();
    summary.duration = started.elapsed();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ItemPath;
    use crate::device::Entry;

    fn node(path: &str, category: Category) -> Node {
        Node { entry: Entry::file(ItemPath::new(path).unwrap(), category, 1, None), chunks: Vec::new() }
    }

    #[test]
    fn include_patterns_take_whole_folders() {
        let include = include_set(&["DCIM".into(), "*.vcf".into()]).unwrap();
        assert!(chosen(&node("DCIM/Camera/a.jpg", Category::Photos), &None, &include));
        assert!(chosen(&node("me.vcf", Category::Contacts), &None, &include));
        assert!(!chosen(&node("Download/a.pdf", Category::Files), &None, &include));
        let only_photos = Some(CategorySet::parse_list("photos").unwrap());
        assert!(!chosen(&node("me.vcf", Category::Contacts), &only_photos, &None));
        assert!(include_set(&["a[".into()]).is_err());
    }

    #[test]
    fn the_plan_counts_only_the_folders_the_restore_takes() {
        let dir = tempfile::tempdir().unwrap();
        let phone = dir.path().join("phone");
        for path in ["DCIM/Camera/a.jpg", "DCIM/Camera/b.jpg", "Pictures/c.png", "Download/d.pdf"] {
            let path = phone.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, path.to_string_lossy().as_bytes()).unwrap();
        }
        let kdf = crate::vault::KdfParams { memory_kib: 256, passes: 1, lanes: 1 };
        let vault = Vault::init(&dir.path().join("vault"), "pw", kdf).unwrap();
        let device = crate::device::folder::FolderDevice::new(phone).unwrap();
        let options = super::super::BackupOptions { categories: CategorySet::all(), ..Default::default() };
        let snapshot = super::super::backup(&vault, &device, &options, &super::super::Silent, &Cancel::new())
            .unwrap()
            .snapshot;
        let index = vault.load_index().unwrap();
        let counted = |include: &[&str]| -> Vec<(Category, u64)> {
            let options = RestoreOptions {
                include: include.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            };
            restore_plan(&vault, &index, &snapshot, device.identity(), &options)
                .unwrap()
                .iter()
                .map(|plan| (plan.category, plan.as_is + plan.converted + plan.impossible))
                .collect()
        };
        assert_eq!(counted(&[]), vec![(Category::Photos, 3), (Category::Files, 1)]);
        assert_eq!(counted(&["DCIM"]), vec![(Category::Photos, 2)]);
        assert_eq!(counted(&["Pictures", "Download"]), vec![(Category::Photos, 1), (Category::Files, 1)]);
    }
}
