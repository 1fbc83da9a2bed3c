//! Where the app's devices come from. The screens only ever see [`DeviceInfo`]s arriving and leaving through
//! [`DeviceEvent`]s; today the one source is the folders the person added (watched by a named thread that
//! notices an SD card being unplugged), and the phone discovery watcher plugs in beside it later as one more
//! subscription emitting the same events — nothing in the screens changes.
//!
//! A [`Source`] says how to reach a device again, so jobs can open it on their own thread.

use std::path::{Path, PathBuf};
use std::time::Duration;

use iced::Subscription;
use iced::futures::Stream;
use iced::futures::channel::mpsc;

use crate::device::folder::FolderDevice;
use crate::device::{Device, DeviceError, DeviceIdentity};

/// How to reach a device.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A folder: an SD card, a mounted phone, any directory.
    Folder(PathBuf),
}

impl Source {
    /// Opens the device (call from a job thread: it touches the disk or the wire).
    pub fn open(&self) -> Result<Box<dyn Device>, DeviceError> {
        match self {
            Source::Folder(path) => Ok(Box::new(FolderDevice::new(path)?)),
        }
    }

    /// Opens the source as a restore target.
    pub fn open_target(&self) -> Result<Box<dyn Device>, DeviceError> {
        match self {
            Source::Folder(path) => Ok(Box::new(FolderDevice::create(path)?)),
        }
    }
}

/// Whether a device can be used right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceState {
    /// Connected and ready.
    Ready,
    /// Connected but the phone must allow this computer first (the sentence says how).
    NeedsPermission(String),
}

/// A device as the screens see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Who it is.
    pub identity: DeviceIdentity,
    /// How to reach it.
    pub source: Source,
    /// Ready or waiting.
    pub state: DeviceState,
    /// Bytes used and in all on its storage, when known.
    pub storage: Option<(u64, u64)>,
}

impl DeviceInfo {
    /// The key that is equal across connections and backups of the same device.
    pub fn key(&self) -> String {
        self.identity.key()
    }

    /// Describes a folder, or `None` when it is gone.
    pub fn folder(path: &Path) -> Option<Self> {
        let device = FolderDevice::new(path).ok()?;
        Some(Self {
            identity: device.identity().clone(),
            source: Source::Folder(device.root().to_path_buf()),
            state: DeviceState::Ready,
            storage: storage_of(device.root()),
        })
    }
}

/// What a device source reports. The phone discovery watcher emits the same three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// A device is connected (or a folder was added and exists).
    Added(DeviceInfo),
    /// Something about it changed (its state, its storage).
    Changed(DeviceInfo),
    /// It is gone; the key of the device.
    Removed(String),
}

/// How often the folder watcher looks: cheap (one `stat` per folder), and quick enough for an SD card.
const FOLDER_POLL: Duration = Duration::from_secs(2);

/// Watches the added folders: each one that exists is `Added`, one that disappears is `Removed`. The
/// subscription restarts whenever the list changes.
pub fn watch_folders(folders: Vec<PathBuf>) -> Subscription<DeviceEvent> {
    Subscription::run_with(folders, |folders| folder_events(folders.clone()))
}

fn folder_events(folders: Vec<PathBuf>) -> impl Stream<Item = DeviceEvent> {
    let (sender, receiver) = mpsc::unbounded();
    let spawned = std::thread::Builder::new().name("lifeboat-folder-watch".into()).spawn(move || {
        let mut present: Vec<Option<DeviceInfo>> = vec![None; folders.len()];
        loop {
            for (slot, folder) in present.iter_mut().zip(&folders) {
                let now = DeviceInfo::folder(folder);
                let event = match (slot.as_ref(), now.as_ref()) {
                    (None, Some(info)) => Some(DeviceEvent::Added(info.clone())),
                    (Some(old), None) => Some(DeviceEvent::Removed(old.key())),
                    // Storage figures move all the time; only a change of who or what state is news.
                    (Some(old), Some(info)) if old.identity != info.identity || old.state != info.state => {
                        Some(DeviceEvent::Changed(info.clone()))
                    }
                    _ => None,
                };
                if let Some(event) = event
                    && sender.unbounded_send(event).is_err()
                {
                    // The app dropped the subscription (the list changed or the app is closing).
                    return;
                }
                *slot = now;
            }
            std::thread::sleep(FOLDER_POLL);
            if sender.is_closed() {
                return;
            }
        }
    });
    if let Err(e) = spawned {
        log::error!("cannot watch the added folders: {e}");
    }
    receiver
}

/// Used and total bytes of the file system holding `path`.
#[cfg(unix)]
pub fn storage_of(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c_path` is a valid NUL-terminated string and `stat` a properly sized out-parameter.
    if unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    let block = stat.f_frsize as u64;
    let total = stat.f_blocks as u64 * block;
    let free = stat.f_bavail as u64 * block;
    Some((total.saturating_sub(free), total))
}

/// Used and total bytes of the file system holding `path`.
#[cfg(not(unix))]
pub fn storage_of(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// Where "Try the demo phone" puts its phone folder.
pub fn demo_phone_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LIFEBOAT_DEMO_DIR") {
        return Some(PathBuf::from(dir).join("phone"));
    }
    crate::paths::demo_dir().map(|dir| dir.join("phone"))
}

/// Makes the demo phone (once): the same folder `lifeboat demo` uses, with photos, contacts, conversations
/// and calls, so every tab of the browser has something to show.
pub fn make_demo_phone(phone: &Path) -> Result<PathBuf, String> {
    if !phone.join("DCIM").exists() {
        crate::cli::demo::make_phone(phone).map_err(|e| format!("{}: {e}", phone.display()))?;
    }
    Ok(phone.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_a_device_until_it_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let info = DeviceInfo::folder(dir.path()).unwrap();
        assert_eq!(info.state, DeviceState::Ready);
        assert!(info.key().starts_with("folder:"));
        assert!(DeviceInfo::folder(&dir.path().join("missing")).is_none());
    }
}
