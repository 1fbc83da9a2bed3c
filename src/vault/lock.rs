//! The writer lock: one program at a time may add to or prune a vault. Readers (restore, browse, verify) take
//! no lock. A lock left by a program that died is recognised and taken over when it was made on this computer
//! by a process that no longer exists; from another computer, `lifeboat unlock` removes it.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::error::{Result, VaultError};
use super::layout::Layout;
use super::snapshot::{now_ns, rfc3339};

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

/// Held while writing; the lock file is removed on drop.
#[derive(Debug)]
pub struct WriteLock {
    path: PathBuf,
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.path) {
            log::warn!("could not remove the vault lock {}: {e}", self.path.display());
        }
    }
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

fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // Signal 0 checks for existence without touching the process; EPERM means it exists as another user.
        // SAFETY: kill with signal 0 has no side effects.
        let rc = unsafe { libc::kill(pid as libc::pid_t, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Takes the writer lock, taking over a stale one.
pub fn acquire(layout: &Layout) -> Result<WriteLock> {
    let path = layout.lock();
    let me = LockInfo { pid: std::process::id(), host: hostname(), since_ns: now_ns() };
    for _ in 0..3 {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                let text = serde_json::to_vec(&me).unwrap_or_default();
                file.write_all(&text).map_err(|e| VaultError::io("write", &path, e))?;
                file.sync_all().map_err(|e| VaultError::io("flush", &path, e))?;
                return Ok(WriteLock { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = read(layout)?;
                match holder {
                    Some(info) if info.host != me.host || process_alive(info.pid) => {
                        return Err(VaultError::Locked {
                            holder: info.holder(),
                            since: rfc3339(info.since_ns),
                        });
                    }
                    Some(info) => {
                        log::info!("taking over the stale lock of {}", info.holder());
                        super::layout::remove_if_present(&path)?;
                    }
                    // An empty or unreadable lock is what a crash between create and write leaves behind.
                    None => super::layout::remove_if_present(&path)?,
                }
            }
            Err(e) => return Err(VaultError::io("create", &path, e)),
        }
    }
    Err(VaultError::Locked { holder: "another program".into(), since: rfc3339(now_ns()) })
}

/// Reads the current lock, if any; `None` also for a lock file that is empty or unreadable.
pub fn read(layout: &Layout) -> Result<Option<LockInfo>> {
    match std::fs::read(layout.lock()) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(VaultError::io("read", layout.lock(), e)),
    }
}

/// Removes a lock whatever holds it (`lifeboat unlock`). Returns who held it.
pub fn force_unlock(layout: &Layout) -> Result<Option<LockInfo>> {
    let info = read(layout)?;
    super::layout::remove_if_present(&layout.lock())?;
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_writer_is_refused_and_stale_locks_are_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        let lock = acquire(&layout).unwrap();
        assert!(matches!(acquire(&layout), Err(VaultError::Locked { .. })));
        drop(lock);
        assert!(!layout.lock().exists());

        // A dead process on this host: pid 0x7fff_fff0 does not exist.
        let stale = LockInfo { pid: 0x7fff_fff0, host: hostname(), since_ns: 0 };
        std::fs::write(layout.lock(), serde_json::to_vec(&stale).unwrap()).unwrap();
        let _taken = acquire(&layout).unwrap();

        drop(_taken);
        let foreign = LockInfo { pid: 1, host: "elsewhere".into(), since_ns: 0 };
        std::fs::write(layout.lock(), serde_json::to_vec(&foreign).unwrap()).unwrap();
        assert!(matches!(acquire(&layout), Err(VaultError::Locked { .. })));
        assert_eq!(force_unlock(&layout).unwrap().unwrap().host, "elsewhere");
        assert!(acquire(&layout).is_ok());
    }
}
