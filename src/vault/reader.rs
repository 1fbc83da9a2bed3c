//! Reading from a vault: one blob at a time, authenticated, and file content as a stream of its chunks.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Mutex;

use super::Vault;
use super::error::{Result, VaultError};
use super::id::Id;
use super::index::{Index, Location};
use super::pack::blob_ad;

/// Reads blobs through an index, keeping the last pack open.
pub struct BlobReader<'a> {
    vault: &'a Vault,
    index: &'a Index,
    open_pack: Mutex<Option<(Id, File)>>,
}

impl<'a> BlobReader<'a> {
    /// A reader over `index`.
    pub fn new(vault: &'a Vault, index: &'a Index) -> Self {
        Self { vault, index, open_pack: Mutex::new(None) }
    }

    /// The index in use.
    pub fn index(&self) -> &Index {
        self.index
    }

    /// Reads, authenticates and returns one blob's plaintext.
    pub fn read(&self, id: &Id) -> Result<Vec<u8>> {
        let location = self.index.get(id).ok_or_else(|| VaultError::Missing {
            what: format!("chunk {} (no index lists it)", id.short()),
        })?;
        let pack = self.index.pack_id(location.pack);
        let mut sealed = self.read_sealed(&pack, &location)?;
        self.vault.keys.open_in_place(&blob_ad(location.kind, id), &mut sealed).map_err(|_| {
            VaultError::damaged(
                format!("chunk {} in pack {}", id.short(), pack.short()),
                "it fails authentication (changed bytes)",
            )
        })?;
        if self.vault.keys.blob_id(&sealed) != *id {
            return Err(VaultError::damaged(
                format!("chunk {}", id.short()),
                "its content does not match its id",
            ));
        }
        Ok(sealed)
    }

    fn read_sealed(&self, pack: &Id, location: &Location) -> Result<Vec<u8>> {
        let mut guard =
            self.open_pack.lock().map_err(|_| VaultError::damaged("the pack reader", "poisoned"))?;
        if guard.as_ref().is_none_or(|(open, _)| open != pack) {
            let path = self.vault.layout.pack(pack);
            let file = File::open(&path).map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => VaultError::Missing { what: format!("pack {}", pack.short()) },
                _ => VaultError::io("open", &path, e),
            })?;
            *guard = Some((*pack, file));
        }
        let Some((_, file)) = guard.as_mut() else {
            return Err(VaultError::Missing { what: format!("pack {}", pack.short()) });
        };
        let mut sealed = vec![0u8; location.length as usize];
        read_at(file, &mut sealed, location.offset).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => VaultError::damaged(
                format!("pack {}", pack.short()),
                "it is shorter than its index says (truncated)",
            ),
            _ => VaultError::io("read", self.vault.layout.pack(pack), e),
        })?;
        Ok(sealed)
    }

    /// A stream of the content made of `chunks`.
    pub fn content(&'a self, chunks: &'a [Id]) -> ContentReader<'a> {
        ContentReader { blobs: self, chunks, next: 0, current: Vec::new(), offset: 0, failure: None }
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(not(unix))]
fn read_at(mut file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// File content, chunk after chunk. A damaged chunk surfaces as an `io::Error` whose inner error is the
/// [`VaultError`]; [`ContentReader::take_failure`] returns it intact.
pub struct ContentReader<'a> {
    blobs: &'a BlobReader<'a>,
    chunks: &'a [Id],
    next: usize,
    current: Vec<u8>,
    offset: usize,
    failure: Option<VaultError>,
}

impl ContentReader<'_> {
    /// The vault error that ended reading, if one did.
    pub fn take_failure(&mut self) -> Option<VaultError> {
        self.failure.take()
    }
}

impl Read for ContentReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.offset == self.current.len() {
            let Some(id) = self.chunks.get(self.next) else { return Ok(0) };
            match self.blobs.read(id) {
                Ok(plain) => {
                    self.current = plain;
                    self.offset = 0;
                    self.next += 1;
                }
                Err(e) => {
                    let message = e.to_string();
                    self.failure = Some(e);
                    return Err(io::Error::other(message));
                }
            }
        }
        let n = buf.len().min(self.current.len() - self.offset);
        buf[..n].copy_from_slice(&self.current[self.offset..self.offset + n]);
        self.offset += n;
        Ok(n)
    }
}
