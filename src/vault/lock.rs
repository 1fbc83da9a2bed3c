//! The writer lock: one program at a time may add to or prune a vault. Readers (restore, browse, verify) take
//! no lock.
//!
//! The lock is an operating-system lock (`flock` on Unix, `LockFileEx` on Windows) on the file `lock`, which
//! stays in the vault for good. Taking it is one atomic step, so two writers can never both believe they hold
//! it, and the kernel releases it when the holder exits however it dies: there is no stale lock to detect or
//! take over, and no window between creating a lock file and writing its owner. The file keeps a fixed size
//! and its owner is written in place, so taking the lock needs no new disk blocks: a vault on a full disk can
//! still be locked to `forget` and `prune` its way back to free space.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{Result, VaultError};
use super::layout::Layout;
use super::snapshot::{now_ns, rfc3339};

/// The lock file's fixed size: the owner's JSON, padded with spaces (which JSON readers skip).
const LOCK_FILE_LEN: usize = 512;

/// Who holds a lock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LockInfo {
    /// Process id.
    pub pid: u32,
    /// Computer name.
    pub host: String,
    /// When it was taken, nanoseconds since the epoch.
    pub since_ns: i64,
}

impl LockInfo {
    fn holder(&self) -> String {
        format!("process {} on {}", self.pid, self.host)
    }
}

/// Held while writing; the operating system releases the lock when this is dropped or the process ends.
#[derive(Debug)]
pub struct WriteLock {
    // Dropping the file closes it, which releases the lock.
    _file: File,
}

/// The name of this computer, for lock files and snapshots.
pub fn hostname() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its whole length and gethostname writes at most that many bytes.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 {
            let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    }
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "this computer".into())
}

/// Creates the lock file at its full size, so that taking the lock later needs no new disk blocks. Called when
/// a vault is made; vaults made before this are given one the first time they are locked.
pub fn prepare(layout: &Layout) -> Result<()> {
    let path = layout.lock();
    let mut file = open(&path)?;
    let len = file.metadata().map_err(|e| VaultError::io("read", &path, e))?.len();
    if len < LOCK_FILE_LEN as u64 {
        file.seek(SeekFrom::Start(0)).map_err(|e| VaultError::io("write", &path, e))?;
        file.write_all(&[b' '; LOCK_FILE_LEN]).map_err(|e| VaultError::io("write", &path, e))?;
        file.sync_all().map_err(|e| VaultError::io("flush", &path, e))?;
    }
    Ok(())
}

fn open(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| VaultError::io("open", path, e))
}

/// Takes the writer lock, or says who holds it.
pub fn acquire(layout: &Layout) -> Result<WriteLock> {
    let path = layout.lock();
    let mut file = open(&path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Err(held_by(&mut file)),
        Err(std::fs::TryLockError::Error(e)) => return Err(VaultError::io("lock", &path, e)),
    }
    // The owner is only for messages: the lock itself is the OS lock, already held. So a disk too full to
    // extend an old, short lock file still lets the writer go on.
    let me = LockInfo { pid: std::process::id(), host: hostname(), since_ns: now_ns() };
    if let Err(e) = write_owner(&mut file, &me) {
        log::warn!("could not note the lock's owner in {}: {e}", path.display());
    }
    Ok(WriteLock { _file: file })
}

fn write_owner(file: &mut File, owner: &LockInfo) -> std::io::Result<()> {
    let mut text = serde_json::to_vec(owner).unwrap_or_default();
    text.resize(text.len().max(LOCK_FILE_LEN), b' ');
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&text)?;
    file.flush()
}

fn held_by(file: &mut File) -> VaultError {
    match read_owner(file) {
        Some(info) => VaultError::Locked { holder: info.holder(), since: rfc3339(info.since_ns) },
        None => VaultError::Locked { holder: "another program".into(), since: rfc3339(now_ns()) },
    }
}

fn read_owner(file: &mut File) -> Option<LockInfo> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(LOCK_FILE_LEN as u64 * 4).read_to_end(&mut bytes).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Who holds the lock right now, if anyone (`lifeboat unlock`). A lock left by a program that is gone was
/// released by the operating system, so there is never anything to break: this only reports, and if a live
/// program holds the lock, says which.
pub fn holder(layout: &Layout) -> Result<Option<LockInfo>> {
    let path: PathBuf = layout.lock();
    let mut file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(VaultError::io("open", &path, e)),
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(None),
        Err(std::fs::TryLockError::WouldBlock) => Ok(Some(read_owner(&mut file).unwrap_or(LockInfo {
            pid: 0,
            host: "another program".into(),
            since_ns: now_ns(),
        }))),
        Err(std::fs::TryLockError::Error(e)) => Err(VaultError::io("lock", &path, e)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_second_writer_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        let lock = acquire(&layout).unwrap();
        match acquire(&layout) {
            Err(VaultError::Locked { holder, .. }) => {
                assert!(holder.contains(&std::process::id().to_string()), "{holder}")
            }
            other => panic!("a second writer got {other:?}"),
        }
        assert_eq!(holder(&layout).unwrap().unwrap().pid, std::process::id());
        drop(lock);
        assert!(holder(&layout).unwrap().is_none());
        assert!(acquire(&layout).is_ok());
    }

    // Issue 10, finding 4: a lock file that exists but has no owner written yet (the moment between the first
    // writer creating it and writing it) was taken for a crash's leftover, removed, and taken a second time.
    #[test]
    fn a_lock_whose_owner_is_not_written_yet_is_still_held() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        let _first = acquire(&layout).unwrap();
        std::fs::OpenOptions::new().write(true).open(layout.lock()).unwrap().set_len(0).unwrap();
        assert!(matches!(acquire(&layout), Err(VaultError::Locked { .. })));
        assert!(layout.lock().exists());
    }

    // Issue 10, finding 4: two writers racing for the lock never both hold it.
    #[test]
    fn racing_writers_never_overlap() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Arc::new(Layout::new(dir.path()));
        let inside = Arc::new(AtomicUsize::new(0));
        let overlaps = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (layout, inside, overlaps) = (layout.clone(), inside.clone(), overlaps.clone());
                std::thread::spawn(move || {
                    let mut held = 0;
                    for _ in 0..300 {
                        if let Ok(lock) = acquire(&layout) {
                            if inside.fetch_add(1, Ordering::SeqCst) != 0 {
                                overlaps.fetch_add(1, Ordering::SeqCst);
                            }
                            std::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                            drop(lock);
                            held += 1;
                        }
                    }
                    held
                })
            })
            .collect();
        let held: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
        assert_eq!(overlaps.load(Ordering::SeqCst), 0);
        assert!(held > 0);
    }

    // Issue 10, finding 6: on a full disk the lock must not need a new file or new blocks. A prepared lock file
    // is reused in place: its size never changes, and locking it writes only inside it.
    #[test]
    fn the_lock_file_is_reused_at_a_fixed_size() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        prepare(&layout).unwrap();
        let len = std::fs::metadata(layout.lock()).unwrap().len();
        assert_eq!(len, LOCK_FILE_LEN as u64);
        for _ in 0..3 {
            drop(acquire(&layout).unwrap());
            assert!(layout.lock().exists(), "the lock file stays, so the next lock needs no new file");
            assert_eq!(std::fs::metadata(layout.lock()).unwrap().len(), len);
        }
    }
}
