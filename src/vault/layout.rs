//! Where each vault file lives, and the one way files are written: to a temporary file, flushed to disk, then
//! renamed into place and the directory flushed too. A crash at any moment leaves either the old state or the
//! new one, never half a file under a real name.
//!
//! ```text
//! VAULT/
//!   lifeboat-vault.json     plaintext: format name and version
//!   keys/<id>.json          plaintext KDF parameters and salt, plus the wrapped (encrypted) master secret
//!   config                  sealed: vault id, chunker parameters
//!   data/<2 hex>/<pack id>  pack files: sealed blobs and a sealed header
//!   index/<id>              sealed: which blobs live in which pack
//!   snapshots/<id>          sealed: one backup each
//!   lock                    the writer lock (an OS lock on this file, which stays)
//!   tmp/                    files being written
//! ```

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::crash::crash_point;
use super::error::{Result, VaultError};
use super::id::Id;

/// The file that marks a directory as a vault; the only plaintext besides the key slots.
pub const MARKER: &str = "lifeboat-vault.json";

/// Paths inside one vault.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// The layout of the vault at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The vault's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The marker file.
    pub fn marker(&self) -> PathBuf {
        self.root.join(MARKER)
    }

    /// The sealed configuration.
    pub fn config(&self) -> PathBuf {
        self.root.join("config")
    }

    /// The key slot directory.
    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    /// One key slot.
    pub fn key_slot(&self, id: &Id) -> PathBuf {
        self.keys_dir().join(format!("{}.json", id.short()))
    }

    /// Where packs live.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    /// One pack, fanned out by its first byte so no directory grows huge.
    pub fn pack(&self, id: &Id) -> PathBuf {
        let hex = id.to_hex();
        self.data_dir().join(&hex[..2]).join(hex)
    }

    /// Where index files live.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// One index file.
    pub fn index(&self, id: &Id) -> PathBuf {
        self.index_dir().join(id.to_hex())
    }

    /// Where snapshot files live.
    pub fn snapshots_dir(&self) -> PathBuf {
        self.root.join("snapshots")
    }

    /// One snapshot file.
    pub fn snapshot(&self, id: &Id) -> PathBuf {
        self.snapshots_dir().join(id.to_hex())
    }

    /// The writer lock.
    pub fn lock(&self) -> PathBuf {
        self.root.join("lock")
    }

    /// Scratch space for files being written.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Every directory a vault has.
    pub fn dirs(&self) -> [PathBuf; 5] {
        [self.keys_dir(), self.data_dir(), self.index_dir(), self.snapshots_dir(), self.tmp_dir()]
    }

    /// Writes `bytes` to `path` atomically and durably.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let mut tmp = tempfile::Builder::new()
            .prefix("write-")
            .tempfile_in(self.tmp_dir())
            .map_err(|e| VaultError::io("create a file in", self.tmp_dir(), e))?;
        tmp.write_all(bytes).map_err(|e| VaultError::io("write", path, e))?;
        tmp.as_file().sync_all().map_err(|e| VaultError::io("flush", path, e))?;
        crash_point(&format!("write:{}", role(path)));
        tmp.persist(path).map_err(|e| VaultError::io("rename into", path, e.error))?;
        sync_parent(path)?;
        crash_point(&format!("written:{}", role(path)));
        Ok(())
    }

    /// Whether the disk holding the vault has at least `bytes` free (true where this cannot be told).
    pub fn has_room_for(&self, bytes: u64) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let Ok(path) = std::ffi::CString::new(self.root.as_os_str().as_bytes()) else { return true };
            let mut stats = std::mem::MaybeUninit::<libc::statvfs>::zeroed();
            // SAFETY: `path` is NUL-terminated and `stats` is valid for writing one statvfs.
            if unsafe { libc::statvfs(path.as_ptr(), stats.as_mut_ptr()) } != 0 {
                return true;
            }
            // SAFETY: statvfs returned 0, so it filled the structure.
            let stats = unsafe { stats.assume_init() };
            stats.f_bavail.saturating_mul(stats.f_frsize) >= bytes
        }
        #[cfg(not(unix))]
        {
            let _ = bytes;
            true
        }
    }

    /// Lists the ids of the files in a directory whose names are ids; other names are ignored.
    pub fn list_ids(&self, dir: &Path) -> Result<Vec<Id>> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(VaultError::io("list", dir, e)),
        };
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| VaultError::io("list", dir, e))?;
            if let Some(id) = entry.file_name().to_str().and_then(|name| name.parse::<Id>().ok()) {
                ids.push(id);
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// Lists every pack file present, whatever the index says.
    pub fn list_packs(&self) -> Result<Vec<Id>> {
        let data = self.data_dir();
        let mut packs = Vec::new();
        let fans = match fs::read_dir(&data) {
            Ok(fans) => fans,
            Err(e) => return Err(VaultError::io("list", data, e)),
        };
        for fan in fans {
            let fan = fan.map_err(|e| VaultError::io("list", &data, e))?;
            if fan.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                packs.extend(self.list_ids(&fan.path())?);
            }
        }
        packs.sort();
        Ok(packs)
    }
}

/// Creates a directory (and its parents) readable by this user only: a vault is about one person.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| VaultError::io("create", dir, e))
}

/// Creates a new file readable and writable by this user only.
pub fn create_private_file(path: &Path) -> Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| VaultError::io("create", path, e))
}

/// Flushes the directory holding `path`, so a rename into it survives a power cut.
pub fn sync_parent(path: &Path) -> Result<()> {
    #[cfg(unix)]
    if let Some(parent) = path.parent() {
        let dir = File::open(parent).map_err(|e| VaultError::io("open", parent, e))?;
        dir.sync_all().map_err(|e| VaultError::io("flush", parent, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Removes a file, treating "already gone" as success (a crash may have removed it before).
pub fn remove_if_present(path: &Path) -> Result<()> {
    crash_point(&format!("remove:{}", role(path)));
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(VaultError::io("remove", path, e)),
    }
}

/// What a vault file is, for crash point names: its folder (`index`, `snapshots`, `keys`, `data`, `tmp`) or,
/// at the top, its own name (`config`).
pub fn role(path: &Path) -> String {
    let name = |p: Option<&Path>| p.and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
    let parent = name(path.parent()).unwrap_or_default();
    let grandparent = name(path.parent().and_then(Path::parent)).unwrap_or_default();
    match (grandparent.as_str(), parent.as_str()) {
        ("data", _) => "data".into(),
        (_, "index" | "snapshots" | "keys" | "tmp" | "data") => parent,
        _ => name(Some(path)).unwrap_or_default(),
    }
}
