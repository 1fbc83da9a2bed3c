//! The vault: an encrypted, deduplicating, crash-safe repository on a local disk. The format is documented
//! in `docs/vault-format.md`; this module is its only reader and writer.
//!
//! Opening a vault needs its password. Everything inside is sealed except the format marker and the key
//! slots' KDF parameters. Writers take a lock; readers do not.

mod chunker;
mod crypto;
mod error;
mod id;
mod index;
mod keys;
mod layout;
mod lock;
mod pack;
mod prune;
mod reader;
mod snapshot;
mod store;
mod verify;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use chunker::ChunkerParams;
pub use error::{Result, VaultError};
pub use id::{BadId, Id};
pub use index::Index;
pub use keys::KdfParams;
pub use lock::{LockInfo, WriteLock, hostname};
pub use prune::PruneReport;
pub use reader::{BlobReader, ContentReader};
pub use snapshot::{Node, Skipped, Snapshot, Totals, encode_catalog, now_ns, rfc3339};
pub use store::{BlobStore, StoreState, Stored, StreamError, adopt_orphan_packs};
pub use verify::{VerifyOptions, VerifyReport};

use crypto::{Keys, MasterSecret};
use keys::KeySlot;
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
    /// Whether `root` holds a vault.
    pub fn exists(root: &Path) -> bool {
        root.join(layout::MARKER).is_file()
    }

    /// Creates a new, empty vault at `root` (which may exist but must be empty of vault files).
    pub fn init(root: &Path, password: &str, kdf: KdfParams) -> Result<Self> {
        let layout = Layout::new(root);
        if Self::exists(root) {
            return Err(VaultError::AlreadyExists(root.to_path_buf()));
        }
        std::fs::create_dir_all(root).map_err(|e| VaultError::io("create", root, e))?;
        for dir in layout.dirs() {
            std::fs::create_dir_all(&dir).map_err(|e| VaultError::io("create", &dir, e))?;
        }
        // All 256 fan-out directories exist from the start, so writing a pack never has to create one.
        for fan in 0..=255u8 {
            let dir = layout.data_dir().join(format!("{fan:02x}"));
            std::fs::create_dir_all(&dir).map_err(|e| VaultError::io("create", &dir, e))?;
        }
        let master = MasterSecret::generate();
        let keys = Keys::derive(&master);
        let config =
            Config { vault_id: Id::random(), created_ns: now_ns(), chunker: ChunkerParams::new_random() };
        let plain =
            serde_json::to_vec(&config).map_err(|e| VaultError::damaged("the new config", e.to_string()))?;
        layout.write_atomic(&layout.config(), &keys.seal(CONFIG_AD, &plain))?;
        let slot = Self::write_slot(&layout, password, kdf, &master)?;
        // The marker goes last: a crash before it leaves a directory that is not yet a vault, not a broken one.
        let marker = Marker { format: FORMAT_NAME.into(), version: FORMAT_VERSION };
        let marker = serde_json::to_vec_pretty(&marker).unwrap_or_default();
        layout.write_atomic(&layout.marker(), &marker)?;
        Ok(Self { layout, keys, master, config, slot })
    }

    fn write_slot(layout: &Layout, password: &str, kdf: KdfParams, master: &MasterSecret) -> Result<Id> {
        let slot =
            KeySlot::create(password, kdf, master).map_err(|_| VaultError::BadKdf(layout.keys_dir()))?;
        let id = Id::random();
        let text = serde_json::to_vec_pretty(&slot).unwrap_or_default();
        layout.write_atomic(&layout.key_slot(&id), &text)?;
        Ok(id)
    }

    /// Opens the vault at `root` with `password`.
    pub fn open(root: &Path, password: &str) -> Result<Self> {
        let layout = Layout::new(root);
        let marker = match std::fs::read(layout.marker()) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NotAVault(root.to_path_buf()));
            }
            Err(e) => return Err(VaultError::io("read", layout.marker(), e)),
        };
        let marker: Marker = serde_json::from_slice(&marker).map_err(|e| {
            VaultError::damaged(format!("the vault marker {}", layout.marker().display()), e.to_string())
        })?;
        if marker.format != FORMAT_NAME {
            return Err(VaultError::NotAVault(root.to_path_buf()));
        }
        if marker.version != FORMAT_VERSION {
            return Err(VaultError::UnsupportedVersion {
                path: root.to_path_buf(),
                found: marker.version,
                supported: FORMAT_VERSION,
            });
        }
        let (slot, master) = Self::unlock(&layout, password)?;
        let keys = Keys::derive(&master);
        let sealed =
            std::fs::read(layout.config()).map_err(|e| VaultError::io("read", layout.config(), e))?;
        let plain = keys
            .open(CONFIG_AD, &sealed)
            .map_err(|_| VaultError::damaged("the vault config", "it fails authentication"))?;
        let config: Config = serde_json::from_slice(&plain)
            .map_err(|e| VaultError::damaged("the vault config", e.to_string()))?;
        if !config.chunker.is_valid() {
            return Err(VaultError::damaged("the vault config", "its chunker parameters are out of range"));
        }
        Ok(Self { layout, keys, master, config, slot })
    }

    fn unlock(layout: &Layout, password: &str) -> Result<(Id, MasterSecret)> {
        let slots = Self::slot_ids(layout)?;
        if slots.is_empty() {
            return Err(VaultError::Missing { what: "every key slot (keys/)".into() });
        }
        for (id, path) in slots {
            let text = std::fs::read(&path).map_err(|e| VaultError::io("read", &path, e))?;
            let Ok(slot) = serde_json::from_slice::<KeySlot>(&text) else {
                log::warn!("skipping unreadable key slot {}", path.display());
                continue;
            };
            match slot.unlock(password) {
                Ok(Some(master)) => return Ok((id, master)),
                Ok(None) => {}
                Err(_) => log::warn!("skipping key slot {} with unusable parameters", path.display()),
            }
        }
        Err(VaultError::WrongPassword(layout.root().to_path_buf()))
    }

    /// Key slot files by the (short) id in their names.
    fn slot_ids(layout: &Layout) -> Result<Vec<(Id, PathBuf)>> {
        let dir = layout.keys_dir();
        let entries = std::fs::read_dir(&dir).map_err(|e| VaultError::io("list", &dir, e))?;
        let mut slots = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".json")) else { continue };
            let mut id = [0u8; 32];
            if hex::decode_to_slice(stem, &mut id[..4]).is_ok() {
                slots.push((Id(id), entry.path()));
            }
        }
        slots.sort();
        Ok(slots)
    }

    /// Replaces the password that opened this vault. The new slot is written before the old one is removed,
    /// so a crash leaves at least one way in.
    pub fn change_password(&mut self, new_password: &str, kdf: KdfParams) -> Result<()> {
        let new_slot = Self::write_slot(&self.layout, new_password, kdf, &self.master)?;
        let old = Self::slot_ids(&self.layout)?.into_iter().find(|(id, _)| id.0[..4] == self.slot.0[..4]);
        if let Some((_, path)) = old {
            layout::remove_if_present(&path)?;
            layout::sync_parent(&path)?;
        }
        self.slot = new_slot;
        Ok(())
    }

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

    /// Removes the writer lock whoever holds it.
    pub fn force_unlock(root: &Path) -> Result<Option<LockInfo>> {
        lock::force_unlock(&Layout::new(root))
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
