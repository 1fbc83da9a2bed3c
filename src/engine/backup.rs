//! Backup: device → vault.
//!
//! 1. Lock the vault, load its index and re-index packs an interrupted run left behind.
//! 2. Find what this device's earlier backups hold (the last complete snapshot, plus checkpoints of runs that
//!    did not finish): an item whose path, size and modification time are unchanged, and whose chunks are all
//!    still in the vault, is reused without being read again. That makes an unchanged backup cost one walk.
//! 3. Walk the device, then read changed items on worker threads (chunk, hash, seal), while one packer thread
//!    writes packs. Every `checkpoint_interval` everything stored so far is made durable and recorded in an
//!    incomplete snapshot, so a crash, a cancel or an unplugged phone loses at most that interval.
//! 4. Write the catalog and the complete snapshot; drop this device's checkpoints it supersedes.
//!
//! With [`PhotoQuality::SpaceSaving`], large JPEG photos are stored as reduced copies (`data::photo_copy`);
//! their catalog entry has the copy's size and remembers the original's, to match later listings.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read};
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{RecvTimeoutError, unbounded};
use serde::{Deserialize, Serialize};

use crate::data::photo_copy::{REDUCED_LONG_SIDE, is_reducible, reduced_jpeg};
use crate::data::{Category, CategorySet, ItemPath};
use crate::device::{Device, DeviceError, Entry, WalkSink};
use crate::vault::{
    BlobStore, Id, Index, Node, Skipped, Snapshot, StoreState, StreamError, Totals, Vault,
    adopt_orphan_packs, hostname, now_ns,
};

use super::{Cancel, EngineError, Meter, Phase, Progress};

/// How a backup runs.
#[derive(Debug, Clone)]
pub struct BackupOptions {
    /// Which categories to copy.
    pub categories: CategorySet,
    /// How often progress is made durable.
    pub checkpoint_interval: Duration,
    /// Worker threads reading and sealing items.
    pub threads: usize,
    /// Originals, or space-saving copies of large JPEG photos.
    pub photos: PhotoQuality,
}

/// How photos are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhotoQuality {
    /// Every photo byte for byte.
    #[default]
    Original,
    /// JPEG photos of 1 MiB or more at most 2,560 pixels on their long side, their EXIF kept (see
    /// `data::photo_copy`); everything else as it is.
    SpaceSaving,
}

/// The catalog meta key of a space-saving copy: the size of the original on the device. Matching a later
/// backup's listing against it lets an unchanged photo be reused without reading it again.
pub const ORIGINAL_SIZE: &str = "original_size";

impl Default for BackupOptions {
    fn default() -> Self {
        Self {
            categories: CategorySet::all(),
            checkpoint_interval: Duration::from_secs(30),
            threads: thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2),
            photos: PhotoQuality::Original,
        }
    }
}

/// What a finished backup did.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    /// The snapshot written.
    pub snapshot: Snapshot,
    /// Files read from the device (including any that then failed and were skipped).
    pub items_read: u64,
    /// Files reused from an earlier backup without reading them.
    pub items_unchanged: u64,
    /// Bytes read from the device.
    pub bytes_read: u64,
    /// Bytes of content the vault did not have before.
    pub new_bytes: u64,
    /// Bytes added to the vault's disk (encrypted, with overhead).
    pub stored_bytes: u64,
    /// Wall time.
    pub duration: Duration,
}

#[derive(Default)]
struct Listing {
    entries: Vec<Entry>,
    unavailable: BTreeMap<Category, String>,
    skipped: Vec<Skipped>,
}

impl WalkSink for (&mut Listing, &Cancel) {
    fn entry(&mut self, entry: Entry) -> Result<(), DeviceError> {
        if self.1.is_cancelled() {
            return Err(DeviceError::Cancelled);
        }
        self.0.entries.push(entry);
        Ok(())
    }
    fn unavailable(&mut self, category: Category, reason: String) {
        self.0.unavailable.insert(category, reason);
    }
    fn skipped(&mut self, what: String, reason: String) {
        self.0.skipped.push(Skipped { what, reason });
    }
}

/// Backs `device` up into `vault`.
pub fn backup(
    vault: &Vault,
    device: &dyn Device,
    options: &BackupOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<BackupSummary, EngineError> {
    let started = Instant::now();
    let meter = Meter::new(progress);
    meter.phase(Phase::Scanning);
    let _lock = vault.lock()?;
    let mut index = vault.load_index()?;
    adopt_orphan_packs(vault, &mut index)?;

    let identity = device.identity().clone();
    let snapshots = vault.snapshots()?.snapshots;
    let (parent, previous) = previous_items(vault, &index, &snapshots, &identity.key())?;

    let mut listing = Listing::default();
    match device.walk(&options.categories, &mut (&mut listing, cancel)) {
        Err(DeviceError::Cancelled) => return Err(EngineError::Cancelled),
        other => other?,
    }
    for skipped in &listing.skipped {
        meter.notice(&skipped.what, &skipped.reason);
    }
    for (category, reason) in &listing.unavailable {
        meter.notice(category.as_str(), reason);
    }

    let mut totals: BTreeMap<Category, Totals> = BTreeMap::new();
    for entry in &listing.entries {
        let total = totals.entry(entry.category).or_default();
        total.items += 1;
        total.bytes += entry.size;
    }
    meter.category_totals(totals.iter().map(|(category, t)| (*category, t.items, t.bytes)));

    let mut done = Vec::with_capacity(listing.entries.len());
    let mut to_read = Vec::new();
    let mut items_unchanged = 0;
    let reduce_photos = options.photos == PhotoQuality::SpaceSaving;
    for entry in listing.entries {
        match reusable(&entry, &previous, &index, reduce_photos) {
            Some(node) => {
                items_unchanged += 1;
                meter.add_category_bytes(entry.category, entry.size);
                meter.add_category_item(entry.category);
                done.push(node);
            }
            None if entry.is_file() => to_read.push(entry),
            None => {
                meter.add_category_item(entry.category);
                done.push(Node { entry, chunks: Vec::new() });
            }
        }
    }

    let mut snapshot = Snapshot {
        id: Id::random(),
        time_ns: now_ns(),
        finished_ns: None,
        device: identity,
        categories: options.categories.clone(),
        complete: false,
        catalog: Vec::new(),
        totals,
        unavailable: listing.unavailable,
        skipped: listing.skipped,
        parent,
        run: Id::random(),
        host: hostname(),
        program: format!("lifeboat {}", env!("CARGO_PKG_VERSION")),
        repaired: None,
    };

    let files_to_read = to_read.len() as u64;
    meter.phase(Phase::Transferring);
    let state = StoreState::new(index);
    let run = Run {
        vault,
        device,
        meter: &meter,
        cancel,
        done: Mutex::new(done),
        skipped: Mutex::new(Vec::new()),
        failure: Mutex::new(None),
        reduce_photos,
    };
    let checkpoint_id = Id::random();
    let bytes_before = meter.done().1;
    let outcome = thread::scope(|scope| -> Result<(), EngineError> {
        let store = BlobStore::new(vault, &state, scope);
        let (jobs_tx, jobs_rx) = unbounded();
        for entry in to_read {
            let _ = jobs_tx.send(entry);
        }
        drop(jobs_tx);
        let (finished_tx, finished_rx) = unbounded::<()>();
        // Workers live in an inner scope so they can borrow the store, which the outer scope's packer outlives.
        thread::scope(|workers| -> Result<(), EngineError> {
            for number in 0..options.threads.max(1) {
                let (jobs, finished, run, store) = (jobs_rx.clone(), finished_tx.clone(), &run, &store);
                let spawned = thread::Builder::new().name(format!("lifeboat-backup-{number}")).spawn_scoped(
                    workers,
                    move || {
                        for entry in jobs {
                            if run.should_stop() {
                                break;
                            }
                            run.read_item(store, entry);
                        }
                        drop(finished);
                    },
                );
                if let Err(e) = spawned {
                    run.fail(EngineError::Device(DeviceError::io("start a worker for", "backup", e)));
                }
            }
            drop(finished_tx);
            // Waits for the workers, making progress durable every interval meanwhile.
            loop {
                match finished_rx.recv_timeout(options.checkpoint_interval) {
                    Err(RecvTimeoutError::Timeout) => run.checkpoint(&store, &snapshot, checkpoint_id)?,
                    Ok(()) => {}
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            Ok(())
        })?;
        let failure = run.failure.lock().map(|mut f| f.take()).unwrap_or(None);
        if failure.is_some() || cancel.is_cancelled() {
            // Keep what was copied: the next run resumes from this checkpoint.
            if let Err(e) = run.checkpoint(&store, &snapshot, checkpoint_id) {
                log::error!("could not save the checkpoint of the interrupted backup: {e}");
            }
            return Err(failure.unwrap_or(EngineError::Cancelled));
        }
        meter.phase(Phase::Finishing);
        let mut nodes = run.done.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default();
        nodes.sort_by(|a, b| a.entry.path.cmp(&b.entry.path));
        snapshot.catalog = store.store_tree(&crate::vault::encode_catalog(&nodes))?;
        store.finish()?;
        Ok(())
    });
    outcome?;

    snapshot.complete = true;
    snapshot.finished_ns = Some(now_ns());
    snapshot.skipped.extend(run.skipped.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default());
    vault.write_snapshot(&snapshot)?;
    // A complete snapshot supersedes this device's checkpoints that asked for no more than it did.
    vault.remove_snapshot(&checkpoint_id)?;
    for old in snapshots.iter().filter(|s| {
        !s.complete
            && s.device.key() == snapshot.device.key()
            && s.categories.iter().all(|c| snapshot.categories.contains(c))
    }) {
        vault.remove_snapshot(&old.id)?;
    }
    meter.flush();
    let (_, bytes_done) = meter.done();
    Ok(BackupSummary {
        items_read: files_to_read,
        items_unchanged,
        bytes_read: bytes_done - bytes_before,
        new_bytes: state.stats.new_bytes.load(Ordering::Relaxed),
        stored_bytes: state.stats.packed_bytes.load(Ordering::Relaxed),
        duration: started.elapsed(),
        snapshot,
    })
}

/// The newest complete snapshot of this device, and the items of it and of any later checkpoints.
fn previous_items(
    vault: &Vault,
    index: &Index,
    snapshots: &[Snapshot],
    device_key: &str,
) -> Result<(Option<Id>, HashMap<ItemPath, Node>), EngineError> {
    let mine: Vec<&Snapshot> = snapshots.iter().filter(|s| s.device.key() == device_key).collect();
    let parent = mine.iter().rev().find(|s| s.complete).map(|s| s.id);
    let parent_time = mine.iter().rev().find(|s| s.complete).map(|s| s.time_ns).unwrap_or(i64::MIN);
    let blobs = vault.blobs(index);
    let mut items = HashMap::new();
    // Oldest first, so later checkpoints override their parent's items.
    for snapshot in mine.iter().filter(|s| Some(s.id) == parent || (!s.complete && s.time_ns >= parent_time))
    {
        match vault.catalog(snapshot, &blobs) {
            Ok(nodes) => items.extend(nodes.into_iter().map(|n| (n.entry.path.clone(), n))),
            // A damaged earlier snapshot only costs speed: its items are read again.
            Err(e) => log::warn!("not reusing snapshot {}: {e}", snapshot.id.short()),
        }
    }
    Ok((parent, items))
}

/// The node of an item unchanged since an earlier backup, when every one of its chunks is still stored. A
/// space-saving copy is reused only while copies are wanted: asked for originals again, the photo is read.
fn reusable(
    entry: &Entry,
    previous: &HashMap<ItemPath, Node>,
    index: &Index,
    reduce_photos: bool,
) -> Option<Node> {
    let old = previous.get(&entry.path)?;
    let original_size = old.entry.meta.get(ORIGINAL_SIZE).and_then(serde_json::Value::as_u64);
    if original_size.is_some() && !reduce_photos {
        return None;
    }
    let same = entry.is_file()
        && old.entry.kind == entry.kind
        && original_size.unwrap_or(old.entry.size) == entry.size
        && entry.mtime_ns.is_some()
        && old.entry.mtime_ns == entry.mtime_ns
        && (entry.size == 0 || !old.chunks.is_empty());
    if !same || !old.chunks.iter().all(|c| index.contains(c)) {
        return None;
    }
    let mut node = Node { entry: entry.clone(), chunks: old.chunks.clone() };
    if let Some(original_size) = original_size {
        node.entry.size = old.entry.size;
        node.entry.meta.insert(ORIGINAL_SIZE.into(), original_size.into());
    }
    Some(node)
}

/// State shared by the workers of one backup.
struct Run<'a> {
    vault: &'a Vault,
    device: &'a dyn Device,
    meter: &'a Meter<'a>,
    cancel: &'a Cancel,
    done: Mutex<Vec<Node>>,
    skipped: Mutex<Vec<Skipped>>,
    failure: Mutex<Option<EngineError>>,
    reduce_photos: bool,
}

impl Run<'_> {
    fn should_stop(&self) -> bool {
        self.cancel.is_cancelled() || self.failure.lock().map(|f| f.is_some()).unwrap_or(true)
    }

    fn fail(&self, error: EngineError) {
        if let Ok(mut failure) = self.failure.lock()
            && failure.is_none()
        {
            *failure = Some(error);
        }
    }

    fn skip(&self, entry: &Entry, reason: String) {
        self.meter.notice(entry.path.as_str(), &reason);
        self.meter.add_category_item(entry.category);
        self.meter.add_category_bytes(entry.category, entry.size);
        // Skipped items are remembered in the snapshot, not in the catalog.
        if let Ok(mut skipped) = self.skipped.lock() {
            skipped.push(Skipped { what: entry.path.to_string(), reason });
        }
    }

    /// Reads one item into the store. Item-level problems are recorded and the backup goes on; a device
    /// that went away, or a vault that cannot be written, stops everything.
    fn read_item(&self, store: &BlobStore<'_>, mut entry: Entry) {
        let reader = match self.device.open(&entry) {
            Ok(reader) => reader,
            Err(e) if is_fatal(&e) => return self.fail(e.into()),
            Err(e) => return self.skip(&entry, e.to_string()),
        };
        let mut capped = Capped { inner: reader, remaining: entry.size };
        if self.reduce_photos
            && entry.category == Category::Photos
            && is_reducible(entry.path.as_str(), entry.size)
        {
            return self.read_photo_copy(store, entry, capped);
        }
        let keep_going = || !self.cancel.is_cancelled();
        let stored = match store.store_stream(
            &mut capped,
            entry.size,
            &|n| self.meter.add_category_bytes(entry.category, n),
            &keep_going,
        ) {
            Ok(stored) => stored,
            Err(e) => return self.stream_failed(&entry, e),
        };
        if self.cancel.is_cancelled() {
            return;
        }
        if stored.size < entry.size {
            self.meter.notice(
                entry.path.as_str(),
                format!("it shrank while being copied: {} of {} bytes were stored", stored.size, entry.size),
            );
            self.meter.add_category_bytes(entry.category, entry.size - stored.size);
            entry.size = stored.size;
        } else if capped.has_more() {
            self.meter.notice(
                entry.path.as_str(),
                format!(
                    "it is longer than the {} bytes the device announced; only those were stored",
                    entry.size
                ),
            );
        }
        self.meter.add_category_item(entry.category);
        if let Ok(mut done) = self.done.lock() {
            done.push(Node { entry, chunks: stored.chunks });
        }
    }

    /// A read or a store that failed: the vault or a gone device stop the backup, anything else skips the item.
    fn stream_failed(&self, entry: &Entry, error: StreamError) {
        match error {
            StreamError::Vault(e) => self.fail(e.into()),
            StreamError::Read(e) => match device_error(&e) {
                Some(device) if is_fatal(device) => {
                    let device_name = self.device.identity().name.clone();
                    self.fail(EngineError::Device(DeviceError::Disconnected { device: device_name }));
                }
                _ => self.skip(entry, format!("reading failed: {e}")),
            },
        }
    }

    /// Reads a large JPEG photo whole and stores its space-saving copy, or the photo itself when no smaller
    /// copy can be made.
    fn read_photo_copy(&self, store: &BlobStore<'_>, mut entry: Entry, mut capped: Capped) {
        let mut photo = Vec::with_capacity(entry.size as usize);
        if let Err(e) = capped.read_to_end(&mut photo) {
            return self.stream_failed(&entry, StreamError::Read(e));
        }
        let copy = reduced_jpeg(&photo, REDUCED_LONG_SIDE);
        let content = copy.as_deref().unwrap_or(&photo);
        let keep_going = || !self.cancel.is_cancelled();
        let stored = match store.store_stream(&mut &content[..], content.len() as u64, &|_| {}, &keep_going) {
            Ok(stored) => stored,
            Err(e) => return self.stream_failed(&entry, e),
        };
        if self.cancel.is_cancelled() {
            return;
        }
        self.meter.add_category_bytes(entry.category, entry.size);
        if copy.is_some() {
            entry.meta.insert(ORIGINAL_SIZE.into(), photo.len().into());
        }
        entry.size = stored.size;
        self.meter.add_category_item(entry.category);
        if let Ok(mut done) = self.done.lock() {
            done.push(Node { entry, chunks: stored.chunks });
        }
    }

    /// Makes everything stored so far durable and records it in an incomplete snapshot.
    fn checkpoint(&self, store: &BlobStore<'_>, template: &Snapshot, id: Id) -> Result<(), EngineError> {
        let mut nodes = self.done.lock().map(|d| d.clone()).unwrap_or_default();
        nodes.sort_by(|a, b| a.entry.path.cmp(&b.entry.path));
        let catalog = store.store_tree(&crate::vault::encode_catalog(&nodes))?;
        store.flush()?;
        let mut checkpoint = template.clone();
        checkpoint.id = id;
        checkpoint.catalog = catalog;
        checkpoint.complete = false;
        self.vault.write_snapshot(&checkpoint)?;
        log::info!("checkpoint: {} items are safe", nodes.len());
        Ok(())
    }
}

fn is_fatal(error: &DeviceError) -> bool {
    matches!(
        error,
        DeviceError::Disconnected { .. } | DeviceError::Unauthorized { .. } | DeviceError::Cancelled
    )
}

/// A device error carried inside an `io::Error` by a transport's reader.
fn device_error(error: &io::Error) -> Option<&DeviceError> {
    error.get_ref().and_then(|inner| inner.downcast_ref::<DeviceError>())
}

/// Reads at most the size a device announced, so a file that never ends cannot fill the vault.
struct Capped {
    inner: Box<dyn Read + Send>,
    remaining: u64,
}

impl Capped {
    fn has_more(&mut self) -> bool {
        let mut probe = [0u8; 1];
        matches!(self.inner.read(&mut probe), Ok(1))
    }
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            return Ok(0);
        }
        let limit = buf.len().min(self.remaining.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..limit])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}
