//! Devices: anything Lifeboat can back up from or restore to. A folder, an Android phone over ADB, an iPhone,
//! an MTP camera: each is one [`Device`], so the engines never know which transport they talk to.
//!
//! The contract is deliberately small: say who you are ([`Device::identity`]), count what you have
//! ([`Device::survey`]), list it ([`Device::walk`]), hand out one item's bytes ([`Device::open`]) and take items
//! back ([`Device::restorer`]). Everything streams; nothing asks for a whole file in memory.

pub mod adb;
pub mod discovery;
mod entry;
mod error;
pub mod folder;
pub mod import;
pub mod ios;
pub mod sim;
mod tally;

pub use entry::{Entry, EntryKind, Meta};
pub use error::DeviceError;
pub(crate) use tally::{CancellableSink, Tally};

use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::data::{Category, CategorySet};
use crate::engine::Cancel;

/// What sort of device something is; decides the icon, the wording and what can transfer to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    /// An Android phone or tablet.
    Android,
    /// An iPhone.
    Iphone,
    /// An iPad.
    Ipad,
    /// A Windows Phone.
    WindowsPhone,
    /// A camera or any other PTP/MTP media device.
    Camera,
    /// A folder: an SD card, a mounted phone, any directory.
    Folder,
    /// A backup made by another tool and imported (an iTunes backup, an `adb backup` file, a vCard file).
    Import,
}

impl DeviceKind {
    /// The stable name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Android => "android",
            DeviceKind::Iphone => "iphone",
            DeviceKind::Ipad => "ipad",
            DeviceKind::WindowsPhone => "windows-phone",
            DeviceKind::Camera => "camera",
            DeviceKind::Folder => "folder",
            DeviceKind::Import => "import",
        }
    }
}

/// Who a device is. Stored (encrypted) in every snapshot, so a backup can say where it came from and the next
/// backup of the same device can find its predecessor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceIdentity {
    /// What sort of device.
    pub kind: DeviceKind,
    /// The name a person knows it by ("Anna's Pixel", "SD card").
    pub name: String,
    /// Maker, when the device says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// Model, when the device says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Serial number, or for a folder its absolute path: what makes it the same device next time.
    pub serial: String,
    /// Operating system and version ("Android 14").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
}

impl DeviceIdentity {
    /// A key that is equal for the same physical device across backups.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.serial)
    }
}

/// How much of one category a device holds, or why it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategorySummary {
    /// Which category.
    pub category: Category,
    /// How many items (files, contacts, messages...).
    pub items: u64,
    /// How many bytes they take.
    pub bytes: u64,
    /// Why the device will not give this category, when it will not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

/// Receives what [`Device::walk`] finds.
pub trait WalkSink {
    /// One item to back up. Returning an error stops the walk (the engine does so when cancelled).
    fn entry(&mut self, entry: Entry) -> Result<(), DeviceError>;
    /// A whole category the device refuses; the rest of the walk goes on.
    fn unavailable(&mut self, category: Category, reason: String);
    /// One item that cannot be backed up (a hostile name, an unreadable file); the rest goes on.
    fn skipped(&mut self, what: String, reason: String);
}

/// What restoring one item did. Record documents (a contacts list) count each record they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreCount {
    /// Written to the device.
    pub restored: u64,
    /// Already on the device, left as they were.
    pub already_present: u64,
    /// Records the device holds in another version (edited since the backup): recognised as the same record
    /// and merged into it, never written twice.
    #[serde(default)]
    pub merged: u64,
    /// The device refused them; `notes` says why.
    pub refused: u64,
    /// Sentences a person should read.
    pub notes: Vec<String>,
}

impl RestoreCount {
    /// One item written.
    pub fn one_restored() -> Self {
        Self { restored: 1, ..Self::default() }
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: RestoreCount) {
        self.restored += other.restored;
        self.already_present += other.already_present;
        self.merged += other.merged;
        self.refused += other.refused;
        self.notes.extend(other.notes);
    }
}

/// How a restore treats items that already exist on the target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestorePolicy {
    /// Replace existing files instead of refusing them.
    pub overwrite: bool,
}

/// Takes items back onto a device, one at a time.
pub trait Restorer: Send {
    /// Writes one item; `content` yields exactly `entry.size` bytes for files.
    fn restore(&mut self, entry: &Entry, content: &mut dyn Read) -> Result<RestoreCount, DeviceError>;
    /// Finishes what needs finishing (a media rescan, a contacts sync); called once after the last item.
    fn finish(&mut self) -> Result<RestoreCount, DeviceError> {
        Ok(RestoreCount::default())
    }
}

/// A device Lifeboat can back up and restore. Implementations must be usable from several threads at once:
/// the backup engine opens items in parallel where the transport allows it.
pub trait Device: Send + Sync {
    /// Who the device is.
    fn identity(&self) -> &DeviceIdentity;

    /// Counts items and bytes per category, before anything is copied.
    fn survey(&self, categories: &CategorySet, cancel: &Cancel) -> Result<Vec<CategorySummary>, DeviceError>;

    /// Lists every item of the chosen categories into `sink`.
    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError>;

    /// Opens one item that [`Device::walk`] listed, for reading.
    fn open(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, DeviceError>;

    /// Prepares to write items back.
    fn restorer(&self, policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError>;

    /// The folder on this computer that a restore writes into, for devices that are one (so a restore can
    /// refuse a folder inside a vault).
    fn local_folder(&self) -> Option<&std::path::Path> {
        None
    }
}
