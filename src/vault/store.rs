//! The blob store used while writing: deduplicates, seals and packs blobs from several threads at once.
//!
//! Worker threads call [`BlobStore::store`]; it hashes, skips what the vault or this run already has, seals
//! the rest and hands it to one packer thread that appends to the current pack and starts a new one at the
//! target size. [`BlobStore::flush`] closes the open pack and writes an index file for every pack finished
//! since the last flush: after it returns, everything stored so far survives a crash, which is what
//! checkpoints rely on.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::thread::{self, ScopedJoinHandle};

use crossbeam_channel::{Receiver, Sender, bounded};

use super::chunker::Cutter;
use super::error::{Result, VaultError};
use super::id::Id;
use super::index::{Index, IndexFile};
use super::pack::{BlobKind, PackInfo, PackWriter, blob_ad, read_header};
use super::{Vault, layout};

/// Packs are closed once they reach this size (a blob may push one a little past it).
const PACK_TARGET: u64 = 16 * 1024 * 1024;
/// Sealed blobs waiting for the packer; bounds memory whatever the speed of the disk.
const QUEUE_DEPTH: usize = 4;

enum ToPacker {
    Blob { kind: BlobKind, id: Id, sealed: Vec<u8>, raw_length: u32 },
    Flush(Sender<Result<()>>),
}

/// Why storing a stream stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Reading the source failed; the vault is fine.
    #[error("{0}")]
    Read(io::Error),
    /// Writing to the vault failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// What storing one stream produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// Content chunks in order.
    pub chunks: Vec<Id>,
    /// Bytes read.
    pub size: u64,
}

/// Counters for the summary.
#[derive(Debug, Default)]
pub struct StoreStats {
    /// Plaintext bytes of blobs that were new.
    pub new_bytes: AtomicU64,
    /// New blobs.
    pub new_blobs: AtomicU64,
    /// Bytes written to packs (sealed).
    pub packed_bytes: AtomicU64,
}

/// A writing session on a locked vault.
pub struct BlobStore<'s> {
    vault: &'s Vault,
    index: &'s RwLock<Index>,
    cutter: Cutter,
    claimed: Mutex<HashSet<Id>>,
    to_packer: Option<Sender<ToPacker>>,
    packer: Option<ScopedJoinHandle<'s, Result<()>>>,
    finished: &'s Mutex<Vec<PackInfo>>,
    stats: &'s StoreStats,
}

/// Shared state a [`BlobStore`] borrows; kept apart so the packer thread can hold it too.
#[derive(Default)]
pub struct StoreState {
    /// The index, growing as packs finish.
    pub index: RwLock<Index>,
    /// Packs finished but not yet in an index file.
    pub finished: Mutex<Vec<PackInfo>>,
    /// Counters.
    pub stats: StoreStats,
}

impl StoreState {
    /// State around an index loaded from the vault.
    pub fn new(index: Index) -> Self {
        Self { index: RwLock::new(index), ..Self::default() }
    }
}

impl<'s> BlobStore<'s> {
    /// Opens a writing session. The caller holds the vault's write lock. Runs inside `scope` so the packer
    /// thread may borrow the vault.
    pub fn new<'env>(
        vault: &'env Vault,
        state: &'env StoreState,
        scope: &'s thread::Scope<'s, 'env>,
    ) -> Self {
        let (tx, rx) = bounded(QUEUE_DEPTH);
        let packer = thread::Builder::new()
            .name("lifeboat-packer".into())
            .spawn_scoped(scope, move || run_packer(vault, state, rx))
            .ok();
        Self {
            vault,
            index: &state.index,
            cutter: Cutter::new(vault.config.chunker),
            claimed: Mutex::new(HashSet::new()),
            to_packer: Some(tx),
            packer,
            finished: &state.finished,
            stats: &state.stats,
        }
    }

    /// Whether the vault already has this blob (stored before, or earlier in this run).
    pub fn has(&self, id: &Id) -> bool {
        self.index.read().map(|index| index.contains(id)).unwrap_or(false)
            || self.claimed.lock().map(|claimed| claimed.contains(id)).unwrap_or(false)
    }

    /// Stores one blob unless it is already there; returns its id.
    pub fn store(&self, kind: BlobKind, plaintext: &[u8]) -> Result<Id> {
        let id = self.vault.keys.blob_id(plaintext);
        if self.index.read().map(|index| index.contains(&id)).unwrap_or(false) {
            return Ok(id);
        }
        let newly_claimed = self.claimed.lock().map(|mut claimed| claimed.insert(id)).unwrap_or(false);
        if !newly_claimed {
            return Ok(id);
        }
        let sealed = self.vault.keys.seal(&blob_ad(kind, &id), plaintext);
        self.stats.new_bytes.fetch_add(plaintext.len() as u64, Ordering::Relaxed);
        self.stats.new_blobs.fetch_add(1, Ordering::Relaxed);
        let message = ToPacker::Blob { kind, id, sealed, raw_length: plaintext.len() as u32 };
        let sent = self.to_packer.as_ref().map(|tx| tx.send(message).is_ok()).unwrap_or(false);
        if !sent {
            return Err(self.packer_failure());
        }
        Ok(id)
    }

    /// Chunks and stores a whole stream of about `size_hint` bytes, calling `on_bytes` as bytes are consumed.
    /// Stops early when `keep_going` says so, returning what was stored up to then.
    pub fn store_stream(
        &self,
        reader: impl Read,
        size_hint: u64,
        on_bytes: &dyn Fn(u64),
        keep_going: &dyn Fn() -> bool,
    ) -> Result<Stored, StreamError> {
        let mut chunks = self.cutter.chunks_sized(reader, size_hint);
        let mut stored = Stored::default();
        while let Some(chunk) = chunks.next_chunk().map_err(StreamError::Read)? {
            stored.chunks.push(self.store(BlobKind::Data, chunk)?);
            stored.size += chunk.len() as u64;
            on_bytes(chunk.len() as u64);
            if !keep_going() {
                break;
            }
        }
        Ok(stored)
    }

    /// Stores a catalog (or any metadata stream) as tree blobs.
    pub fn store_tree(&self, bytes: &[u8]) -> Result<Vec<Id>> {
        let mut chunks = self.cutter.chunks_sized(bytes, bytes.len() as u64);
        let mut ids = Vec::new();
        while let Some(chunk) =
            chunks.next_chunk().map_err(|e| VaultError::damaged("a catalog being written", e.to_string()))?
        {
            ids.push(self.store(BlobKind::Tree, chunk)?);
        }
        Ok(ids)
    }

    /// Closes the open pack and writes an index file for every finished pack: afterwards everything stored
    /// so far is durable.
    pub fn flush(&self) -> Result<()> {
        let (reply_tx, reply_rx) = bounded(1);
        let sent =
            self.to_packer.as_ref().map(|tx| tx.send(ToPacker::Flush(reply_tx)).is_ok()).unwrap_or(false);
        if !sent {
            return Err(self.packer_failure());
        }
        match reply_rx.recv() {
            Ok(result) => result?,
            Err(_) => return Err(self.packer_failure()),
        }
        let packs = std::mem::take(&mut *self.finished.lock().map_err(|_| poisoned())?);
        if !packs.is_empty() {
            IndexFile { supersedes: Vec::new(), packs }.write(&self.vault.keys, &self.vault.layout)?;
        }
        Ok(())
    }

    /// Flushes and stops the packer.
    pub fn finish(mut self) -> Result<()> {
        let flushed = self.flush();
        self.to_packer = None;
        let joined = match self.packer.take() {
            Some(handle) => handle.join().unwrap_or_else(|_| Err(poisoned())),
            None => Ok(()),
        };
        flushed.and(joined)
    }

    fn packer_failure(&self) -> VaultError {
        VaultError::damaged("the pack writer", "it stopped unexpectedly; see the log for the cause")
    }
}

impl Drop for BlobStore<'_> {
    fn drop(&mut self) {
        // Closing the channel ends the packer; a pack it had open stays in tmp/ and is cleaned up later.
        self.to_packer = None;
        if let Some(handle) = self.packer.take() {
            let _ = handle.join();
        }
    }
}

fn poisoned() -> VaultError {
    VaultError::damaged("the blob store", "a worker thread panicked")
}

fn run_packer(vault: &Vault, state: &StoreState, rx: Receiver<ToPacker>) -> Result<()> {
    // Catalog blobs go to packs of their own, so damage to a pack of photos never takes a snapshot's list of
    // items down with it (and verify can still name what was lost).
    let mut open: [Option<PackWriter>; 2] = [None, None];
    let mut failure: Option<VaultError> = None;
    let close = |writer: PackWriter| -> Result<()> {
        let info = writer.finish(&vault.keys, &vault.layout)?;
        state.index.write().map_err(|_| poisoned())?.add_pack(&info);
        state.finished.lock().map_err(|_| poisoned())?.push(info);
        Ok(())
    };
    for message in rx {
        match message {
            ToPacker::Blob { kind, id, sealed, raw_length } => {
                if failure.is_some() {
                    continue;
                }
                let slot = &mut open[usize::from(kind == BlobKind::Tree)];
                let result = (|| {
                    let writer = match slot.as_mut() {
                        Some(writer) => writer,
                        None => slot.insert(PackWriter::new(&vault.layout)?),
                    };
                    writer.add(kind, id, &sealed, raw_length)?;
                    state.stats.packed_bytes.fetch_add(sealed.len() as u64, Ordering::Relaxed);
                    if writer.size() >= PACK_TARGET
                        && let Some(full) = slot.take()
                    {
                        close(full)?;
                    }
                    Ok(())
                })();
                if let Err(e) = result {
                    log::error!("writing a pack failed: {e}");
                    failure = Some(e);
                }
            }
            ToPacker::Flush(reply) => {
                let mut result = failure.take().map_or(Ok(()), Err);
                for slot in &mut open {
                    if let Some(writer) = slot.take().filter(|w| !w.is_empty())
                        && result.is_ok()
                    {
                        result = close(writer);
                    }
                }
                let _ = reply.send(result);
            }
        }
    }
    Ok(())
}

/// Checks a pack file that no index names before it is trusted: its bytes must hash to its name (a
/// sync-conflict copy, a half-copied file or another pack's bytes under this name do not) and its header must
/// open. Returns its blobs.
fn check_stray_pack(vault: &Vault, pack: &Id) -> Result<Vec<super::pack::BlobEntry>> {
    let path = vault.layout.pack(pack);
    let mut file = File::open(&path).map_err(|e| VaultError::io("open", &path, e))?;
    let mut hasher = blake3::Hasher::new();
    io::copy(&mut file, &mut hasher).map_err(|e| VaultError::io("read", &path, e))?;
    if Id(*hasher.finalize().as_bytes()) != *pack {
        return Err(VaultError::damaged(
            format!("pack {}", pack.short()),
            "its content does not match its name (a partial or misnamed copy)",
        ));
    }
    read_header(&mut file, &vault.keys, pack)
}

/// Indexes packs that are in `data/` but in no index file (a crash between writing a pack and its index,
/// or a deleted index file), so their blobs are reused instead of stored again. Also empties `tmp/`.
/// The caller holds the write lock. Returns how many packs were adopted.
pub fn adopt_orphan_packs(vault: &Vault, index: &mut Index) -> Result<usize> {
    let tmp = vault.layout.tmp_dir();
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for entry in entries.flatten() {
            layout::remove_if_present(&entry.path())?;
        }
    }
    let mut adopted = Vec::new();
    for pack in vault.layout.list_packs()? {
        if index.has_pack(&pack) {
            continue;
        }
        match check_stray_pack(vault, &pack) {
            Ok(entries) => adopted.push(PackInfo { id: pack, entries }),
            Err(e) => log::warn!("leaving a pack file that is not whole alone: {e}"),
        }
    }
    if !adopted.is_empty() {
        let file =
            IndexFile { supersedes: Vec::new(), packs: adopted.clone() }.write(&vault.keys, &vault.layout)?;
        index.add_file(file);
        for pack in &adopted {
            index.add_pack(pack);
        }
        log::info!("re-indexed {} pack(s) left by an interrupted run", adopted.len());
    }
    Ok(adopted.len())
}
