//! Where the app's devices come from. The screens only ever see [`DeviceInfo`]s arriving and leaving through
//! [`DeviceEvent`]s, from two subscriptions: the folders the person added (watched by a named thread that
//! notices an SD card being unplugged) and the phone discovery watcher (USB, the adb server, remembered
//! network phones such as the virtual demo phones), whose `FoundDevice`s are mapped here.
//!
//! A [`Source`] says how to reach a device again, so jobs can open it on their own thread.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use iced::Subscription;
use iced::futures::Stream;
use iced::futures::channel::mpsc;

use crate::device::adb::{AndroidDevice, AndroidOptions, ConnectOptions};
pub use crate::device::discovery::DeviceState;
use crate::device::discovery::{self, DeviceWatcher, FoundDevice, ScanOptions};
use crate::device::folder::FolderDevice;
use crate::device::{Device, DeviceError, DeviceIdentity};

/// How to reach a device.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A folder: an SD card, a mounted phone, any directory.
    Folder(PathBuf),
    /// An Android phone the discovery watcher found, by what `--device` would name it: `HOST:PORT` for a
    /// network phone (and the virtual phones), `adb:SERIAL` through the adb server, `usb:SERIAL` on a cable.
    Phone(String),
}

impl Source {
    /// Opens the device (call from a job thread: it touches the disk or the wire).
    pub fn open(&self) -> Result<Box<dyn Device>, DeviceError> {
        match self {
            Source::Folder(path) => Ok(Box::new(FolderDevice::new(path)?)),
            Source::Phone(id) => Ok(Box::new(open_phone(id)?)),
        }
    }

    /// Opens the source as a restore target.
    pub fn open_target(&self) -> Result<Box<dyn Device>, DeviceError> {
        match self {
            Source::Folder(path) => Ok(Box::new(FolderDevice::create(path)?)),
            Source::Phone(id) => Ok(Box::new(open_phone(id)?)),
        }
    }
}

/// Connects to the phone `id` names, the way `lifeboat backup --device ID` does. The ids the app makes are
/// always explicit (`HOST:PORT`, `adb:`, `usb:`), so this never scans.
fn open_phone(id: &str) -> Result<AndroidDevice, DeviceError> {
    let options = ScanOptions { usb: false, config_dir: None, ..ScanOptions::default() };
    let target = discovery::resolve(id, &options)
        .ok_or_else(|| DeviceError::Disconnected { device: id.to_string() })?;
    // The default wait for "Allow USB debugging?" (a minute): the person just pressed Back Up Now and is
    // looking at the phone.
    Ok(AndroidDevice::connect(&target, &ConnectOptions::default(), AndroidOptions::default())?)
}

/// A device as the screens see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Who it is.
    pub identity: DeviceIdentity,
    /// How to reach it.
    pub source: Source,
    /// Ready, or what is in the way ([`DeviceState::hint`] says what to do).
    pub state: DeviceState,
    /// Bytes used and in all on its storage, when known.
    pub storage: Option<(u64, u64)>,
    /// Battery level in percent, when the device says.
    pub battery: Option<u8>,
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
            battery: None,
        })
    }

    /// Describes a phone the discovery watcher found. Its key is the same as the key of its backups: both
    /// use the phone's serial number (`ro.serialno`).
    pub fn phone(found: &FoundDevice) -> Self {
        let identity = DeviceIdentity {
            kind: found.kind,
            name: found.name.clone(),
            manufacturer: found.manufacturer.clone(),
            model: found.model.clone(),
            serial: found.id.clone(),
            os_version: found.os.clone(),
        };
        let storage = match (found.storage_free, found.storage_total) {
            (Some(free), Some(total)) => Some((total.saturating_sub(free), total)),
            _ => None,
        };
        Self {
            identity,
            source: Source::Phone(phone_id(found)),
            state: found.state,
            storage,
            battery: found.battery,
        }
    }

    /// Whether a backup or restore can start.
    pub fn is_ready(&self) -> bool {
        self.state.is_ready()
    }

    /// The address of a phone reached over the network (`None` for folders and cabled phones).
    pub fn network_address(&self) -> Option<&str> {
        match &self.source {
            Source::Phone(id) if !id.starts_with("usb:") && !id.starts_with("adb:") => Some(id),
            _ => None,
        }
    }
}

/// What names the phone for [`Source::open`]: its connection, spelt the way `--device` takes it.
fn phone_id(found: &FoundDevice) -> String {
    use crate::device::adb::AdbTarget;
    match &found.target {
        Some(AdbTarget::Tcp(address)) => address.clone(),
        Some(AdbTarget::Server { serial, .. }) => format!("adb:{serial}"),
        Some(AdbTarget::Usb { serial }) => format!("usb:{serial}"),
        // Nothing Lifeboat can connect to (an MTP-only phone, an iPhone without its service): the id names
        // it, and the state says what to change.
        None => found.id.clone(),
    }
}

/// What a device source reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// A device is connected (or a folder was added and exists).
    Added(DeviceInfo),
    /// Something about it changed (its state, its storage).
    Changed(DeviceInfo),
    /// It is gone; the key of the device.
    Removed(String),
}

/// How often the phone watcher looks. A phone (or a virtual phone whose address was just remembered) shows
/// up at the next look: within this interval plus the look itself (connecting and asking the phone who it
/// is, a few hundred milliseconds). Half a second keeps the sum under the one second a person should wait;
/// a look costs little (a USB listing, the adb server's list, and phones already described are not asked
/// again). The library caps the interval at one second.
pub const PHONE_WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// Watches for phones with the discovery watcher, for as long as the app runs.
pub fn watch_phones() -> Subscription<DeviceEvent> {
    Subscription::run(|| phone_events(ScanOptions::default(), PHONE_WATCH_INTERVAL))
}

/// The watcher's events as the app's: a named thread runs the [`DeviceWatcher`] and forwards what it
/// reports, until the receiving end is dropped (then the watcher stops too).
pub fn phone_events(options: ScanOptions, interval: Duration) -> impl Stream<Item = DeviceEvent> {
    let (sender, receiver) = mpsc::unbounded();
    let spawned = std::thread::Builder::new().name("lifeboat-phone-watch".into()).spawn(move || {
        let watcher = match DeviceWatcher::start(options, interval) {
            Ok(watcher) => watcher,
            Err(e) => {
                log::error!("cannot watch for phones: {e}");
                return;
            }
        };
        // The watcher names a phone by its discovery id; the screens by its key.
        let mut keys: HashMap<String, String> = HashMap::new();
        loop {
            let event = match watcher.events().recv_timeout(Duration::from_millis(250)) {
                Ok(discovery::DeviceEvent::Added(found)) => {
                    let info = DeviceInfo::phone(&found);
                    keys.insert(found.id.clone(), info.key());
                    DeviceEvent::Added(info)
                }
                Ok(discovery::DeviceEvent::Changed(found)) => {
                    let info = DeviceInfo::phone(&found);
                    keys.insert(found.id.clone(), info.key());
                    DeviceEvent::Changed(info)
                }
                Ok(discovery::DeviceEvent::Removed(id)) => {
                    // The watcher only removes what it added.
                    let Some(key) = keys.remove(&id) else { continue };
                    DeviceEvent::Removed(key)
                }
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    if sender.is_closed() {
                        return;
                    }
                    continue;
                }
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
            };
            if sender.unbounded_send(event).is_err() {
                return;
            }
        }
    });
    if let Err(e) = spawned {
        log::error!("cannot watch for phones: {e}");
    }
    receiver
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

    fn found(target: Option<crate::device::adb::AdbTarget>, state: DeviceState) -> FoundDevice {
        FoundDevice {
            id: "R58M".into(),
            kind: crate::device::DeviceKind::Android,
            name: "Galaxy S21".into(),
            transport: discovery::Transport::Tcp,
            address: "192.0.2.7:5555".into(),
            state,
            manufacturer: Some("samsung".into()),
            model: Some("SM-G991B".into()),
            os: Some("Android 14".into()),
            battery: Some(64),
            storage_free: Some(40),
            storage_total: Some(100),
            target,
        }
    }

    #[test]
    fn a_found_phone_is_keyed_like_its_backups_and_reopened_by_its_connection() {
        use crate::device::adb::AdbTarget;
        let info =
            DeviceInfo::phone(&found(Some(AdbTarget::Tcp("192.0.2.7:5555".into())), DeviceState::Ready));
        // A backup of this phone records the identity AndroidDevice reads: kind android, serial ro.serialno.
        assert_eq!(info.key(), "android:R58M");
        assert_eq!(info.source, Source::Phone("192.0.2.7:5555".into()));
        assert_eq!(info.network_address(), Some("192.0.2.7:5555"));
        assert_eq!(info.storage, Some((60, 100)), "used = total - free");
        assert_eq!((info.battery, info.identity.os_version.as_deref()), (Some(64), Some("Android 14")));
        assert!(info.is_ready());

        let held = AdbTarget::Server { port: 5037, serial: "R58M".into() };
        let info = DeviceInfo::phone(&found(Some(held), DeviceState::Unauthorized));
        assert_eq!(info.source, Source::Phone("adb:R58M".into()));
        assert_eq!(info.network_address(), None);
        assert!(!info.is_ready());
        assert_ne!(info.state.hint(), DeviceState::Ready.hint(), "the hint says what to do");
        let cabled =
            DeviceInfo::phone(&found(Some(AdbTarget::Usb { serial: "R58M".into() }), DeviceState::Ready));
        assert_eq!(cabled.source, Source::Phone("usb:R58M".into()));
    }
}
