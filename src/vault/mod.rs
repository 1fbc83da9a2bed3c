//! The vault: an encrypted, deduplicating, crash-safe repository on a local disk. The format is documented
//! in `docs/vault-format.md`; this module is its only reader and writer.
//!
//! Opening a vault needs its password. Everything inside is sealed except the format marker and the key
//! slots' KDF parameters. Writers take a lock; readers do not.

mod chunker;
mod crash;
mod crypto;
mod error;
mod id;
pub(crate) mod index;
pub(crate) mod keys;
mod layout;
mod lock;
mod open;
pub(crate) mod pack;
mod prune;
mod reader;
mod recovery;
mod repair;
pub(crate) mod snapshot;
mod store;
mod verify;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use chunker::ChunkerParams;
pub use crash::CRASH_AT_VAR;
pub use error::{Result, VaultError};
pub use id::{BadId, Id};
pub use index::Index;
pub use keys::KdfParams;
pub use lock::{LockInfo, WriteLock, hostname};
pub use open::InitOptions;
pub use prune::PruneReport;
pub use reader::{BlobReader, ContentReader};
pub use recovery::{BadRecoveryCode, RecoveryCode};
pub use repair::{RemovedSnapshot, RepairReport, RepairedSnapshot};
pub use snapshot::{Node, Repaired, Skipped, Snapshot, Totals, encode_catalog, now_ns, rfc3339};
pub use store::{BlobStore, StoreState, Stored, StreamError, adopt_orphan_packs};
pub use verify::{VerifyOptions, VerifyReport};

use crypto::{Keys, MasterSecret};
use layout::Layout;

/// Seals data the app keeps outside the vault (see [`Vault::local_sealer`]).
pub struct LocalSealer(Keys);

impl LocalSealer {
    /// Encrypts and authenticates `plaintext`, bound to `name` (so a sealed file moved under another name
    /// does not open).
    pub fn seal(&self, name: &[u8], plaintext: &[u8]) -> Vec<u8> {
        self.0.seal(name, plaintext)
    }

    /// The plaintext of `sealed`, if it was sealed under `name` by this vault's sealer for the same purpose.
    pub fn open(&self, name: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        self.0.open(name, sealed).ok()
    }
}

impl std::fmt::Debug for LocalSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalSealer")
    }
}

/// The on-disk format this code reads and writes.
pub const FORMAT_VERSION: u32 = 1;
const FORMAT_NAME: &str = "lifeboat-vault";

#[derive(Serialize, Deserialize)]
struct Marker {
    format: String,
    version: u32,
}

/// Settings fixed when the vault is made; sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Config {
    vault_id: Id,
    created_ns: i64,
    chunker: ChunkerParams,
}

const CONFIG_AD: &[u8] = b"lifeboat config";

/// An open vault.
pub struct Vault {
    layout: Layout,
    keys: Keys,
    // Kept (zeroized on drop) so the password can change without asking for the old one twice.
    master: MasterSecret,
    config: Config,
    slot: Id,
    // What opened it: a vault opened with its recovery code gets a new password without the forgotten one.
    opened_with: keys::SlotKind,
}

/// Snapshots that could be read, and those that could not.
#[derive(Debug, Default)]
pub struct SnapshotListing {
    /// Readable snapshots, oldest first.
    pub snapshots: Vec<Snapshot>,
    /// Snapshot files that failed to open, with why.
    pub damaged: Vec<(Id, VaultError)>,
}

impl Vault {
    /// A sealer for data kept outside the vault on this computer (`purpose` names it, e.g. "thumbnails"):
    /// readable only with the vault's password, like the vault itself.
    pub fn local_sealer(&self, purpose: &str) -> LocalSealer {
        LocalSealer(Keys::derive_local(&self.master, purpose))
    }

    /// The vault's directory.
    pub fn root(&self) -> &Path {
        self.layout.root()
    }

    /// Takes the writer lock.
    pub fn lock(&self) -> Result<WriteLock> {
        lock::acquire(&self.layout)
    }

    /// Who is writing to the vault at `root` right now, if anyone.
    pub fn lock_holder(root: &Path) -> Result<Option<LockInfo>> {
        lock::holder(&Layout::new(root))
    }

    /// Loads the index. Damaged index files are logged and left out; `verify` names them.
    pub fn load_index(&self) -> Result<Index> {
        let (index, damage) = Index::load(&self.keys, &self.layout)?;
        for (_, error) in damage {
            log::warn!("{error}");
        }
        Ok(index)
    }

    /// Every snapshot, oldest first, and those that could not be read.
    pub fn snapshots(&self) -> Result<SnapshotListing> {
        let mut listing = SnapshotListing::default();
        for id in self.layout.list_ids(&self.layout.snapshots_dir())? {
            match Snapshot::read(&self.keys, &self.layout, &id) {
                Ok(snapshot) => listing.snapshots.push(snapshot),
                Err(e @ VaultError::Damaged { .. }) => listing.damaged.push((id, e)),
                Err(e) => return Err(e),
            }
        }
        listing.snapshots.sort_by_key(|s| (s.time_ns, s.id));
        Ok(listing)
    }

    /// Finds one snapshot by an id prefix, or `latest`.
    pub fn find_snapshot(&self, prefix: &str) -> Result<Snapshot> {
        let listing = self.snapshots()?;
        if prefix == "latest" {
            return listing
                .snapshots
                .into_iter()
                .rev()
                .find(|s| s.complete)
                .ok_or_else(|| VaultError::NoSuchSnapshot(prefix.into()));
        }
        let wanted = prefix.to_ascii_lowercase();
        if let Some((id, error)) =
            listing.damaged.into_iter().find(|(id, _)| id.to_hex().starts_with(&wanted))
        {
            log::debug!("snapshot {} is damaged", id.short());
            return Err(error);
        }
        let mut matches = listing
            .snapshots
            .into_iter()
            .filter(|s| !wanted.is_empty() && s.id.to_hex().starts_with(&wanted));
        match (matches.next(), matches.next()) {
            (Some(snapshot), None) => Ok(snapshot),
            (Some(_), Some(_)) => Err(VaultError::AmbiguousSnapshot(prefix.into())),
            (None, _) => Err(VaultError::NoSuchSnapshot(prefix.into())),
        }
    }

    /// Reads a snapshot's catalog.
    pub fn catalog(&self, snapshot: &Snapshot, blobs: &BlobReader<'_>) -> Result<Vec<Node>> {
        let mut bytes = Vec::new();
        for id in &snapshot.catalog {
            bytes.extend(blobs.read(id).map_err(|e| match e {
                e @ (VaultError::Missing { .. } | VaultError::Damaged { .. }) => VaultError::damaged(
                    format!("the catalog of snapshot {}", snapshot.id.short()),
                    e.to_string(),
                ),
                other => other,
            })?);
        }
        snapshot::decode_catalog(&bytes, &snapshot.id)
    }

    /// A blob reader over `index`.
    pub fn blobs<'a>(&'a self, index: &'a Index) -> BlobReader<'a> {
        BlobReader::new(self, index)
    }

    /// Writes a snapshot file (the caller holds the lock).
    pub fn write_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        snapshot.write(&self.keys, &self.layout)
    }

    /// Deletes a snapshot file (the caller holds the lock). Its data stays until `prune`.
    pub fn remove_snapshot(&self, id: &Id) -> Result<()> {
        let path = self.layout.snapshot(id);
        layout::remove_if_present(&path)?;
        layout::sync_parent(&path)
    }
}
