//! Thumbnails made ahead of the grid. Whenever the app lists the vault's snapshots (at unlock, and after
//! each backup) a background job fills the thumbnail cache for the newest snapshot of every device: first
//! the pictures a person sees when opening it, then the rest, newest first. Opening a backup then shows its
//! first screen from the cache, even when it holds pictures that take long to decode (a large HEIF photo
//! without a preview image takes close to half a second).

use std::collections::BTreeMap;
use std::path::Path;

use crate::engine::Cancel;
use crate::gui::jobs::SharedVault;
use crate::gui::screen::browse::load::photo_items;
use crate::gui::thumbnail_cache::DiskCache;
use crate::gui::thumbnails::{Prepared, Request, prepare};
use crate::vault::Snapshot;

/// Pictures made first for each device: the first screens of its grid (about 30 tiles per screen).
pub const FIRST_PASS: usize = 120;

/// The newest snapshot of each device, newest first.
fn newest_per_device(snapshots: &[Snapshot]) -> Vec<&Snapshot> {
    let mut newest: BTreeMap<String, &Snapshot> = BTreeMap::new();
    for snapshot in snapshots {
        let device = snapshot.device.key();
        match newest.get(&device) {
            Some(kept) if kept.time_ns >= snapshot.time_ns => {}
            _ => {
                newest.insert(device, snapshot);
            }
        }
    }
    let mut newest: Vec<&Snapshot> = newest.into_values().collect();
    newest.sort_by_key(|s| std::cmp::Reverse(s.time_ns));
    newest
}

/// Fills `cache` with the thumbnails of the newest snapshot of each device in `snapshots`, until done or
/// cancelled. A snapshot whose catalog cannot be read is skipped (the browser says why when it is opened).
pub fn prepare_newest(
    vault: &SharedVault,
    snapshots: &[Snapshot],
    cache: &Path,
    cancel: &Cancel,
) -> Result<Prepared, String> {
    let index = vault.load_index().map_err(|e| e.to_string())?;
    let cache = DiskCache::new(cache.to_path_buf(), vault);
    let mut lists: Vec<Vec<Request>> = Vec::new();
    {
        let blobs = vault.blobs(&index);
        for snapshot in newest_per_device(snapshots) {
            match vault.catalog(snapshot, &blobs) {
                Ok(nodes) => lists.push(
                    photo_items(&nodes)
                        .into_iter()
                        .filter(|item| !item.video)
                        .map(|item| Request { key: item.key, chunks: item.chunks })
                        .collect(),
                ),
                Err(e) => log::warn!("previews of snapshot {}: {e}", snapshot.id.short()),
            }
        }
    }
    let mut total = Prepared::default();
    let mut add = |prepared: Prepared| {
        total.made += prepared.made;
        total.cached += prepared.cached;
        total.no_preview += prepared.no_preview;
    };
    for list in &lists {
        add(prepare(vault, &index, &cache, list.iter().take(FIRST_PASS).cloned(), cancel));
    }
    for list in &lists {
        add(prepare(vault, &index, &cache, list.iter().skip(FIRST_PASS).cloned(), cancel));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{DeviceIdentity, DeviceKind};

    fn snapshot(serial: &str, time_ns: i64) -> Snapshot {
        Snapshot {
            time_ns,
            device: DeviceIdentity {
                kind: DeviceKind::Android,
                name: serial.into(),
                manufacturer: None,
                model: None,
                serial: serial.into(),
                os_version: None,
            },
            id: crate::vault::Id::default(),
            finished_ns: None,
            categories: crate::data::CategorySet::all(),
            complete: true,
            catalog: Vec::new(),
            totals: BTreeMap::new(),
            unavailable: BTreeMap::new(),
            skipped: Vec::new(),
            parent: None,
            run: crate::vault::Id::default(),
            host: "test".into(),
            program: "test".into(),
            repaired: None,
        }
    }

    #[test]
    fn only_the_newest_snapshot_of_each_device_newest_device_first() {
        let snapshots = [snapshot("a", 1), snapshot("b", 5), snapshot("a", 3), snapshot("b", 2)];
        let newest: Vec<(&str, i64)> =
            newest_per_device(&snapshots).iter().map(|s| (s.device.serial.as_str(), s.time_ns)).collect();
        assert_eq!(newest, vec![("b", 5), ("a", 3)]);
    }
}
