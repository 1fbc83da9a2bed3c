//! What can go wrong talking to a device, in words a person can act on.
//!
//! Rules: every variant names the item or the device it is about; `retryable` says whether trying again
//! (after the fix the message suggests) can succeed, so the engines know whether to resume or give up.

use std::io;
use std::path::PathBuf;

/// A device-side failure.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// A file or folder could not be read or written.
    #[error("cannot {action} \"{path}\": {source}")]
    Io {
        /// "read", "write", "list", ...
        action: &'static str,
        /// The local path involved.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The device went away mid-transfer.
    #[error("the device \"{device}\" was disconnected; plug it in again and run the backup again to resume")]
    Disconnected {
        /// The device's name.
        device: String,
    },
    /// The phone has not accepted this computer yet.
    #[error("the phone \"{device}\" has not allowed this computer: unlock it and tap Allow")]
    Unauthorized {
        /// The device's name.
        device: String,
    },
    /// The device answered in a way Lifeboat does not understand.
    #[error("the device \"{device}\" answered unexpectedly: {detail}")]
    Protocol {
        /// The device's name.
        device: String,
        /// What was wrong.
        detail: String,
    },
    /// A restore would overwrite something that is already there.
    #[error("\"{0}\" already exists on the target; pass --overwrite to replace it")]
    AlreadyExists(PathBuf),
    /// A name from a backup or a device that would land outside the target.
    #[error("refusing to write \"{name}\": {reason}")]
    UnsafeName {
        /// The offending name.
        name: String,
        /// Why it is refused.
        reason: String,
    },
    /// An import file (an export or backup of another tool) of which not one record or file could be read:
    /// nothing is stored, so that an empty snapshot never passes for a backup.
    #[error("nothing could be read from \"{file}\": {detail}; nothing was stored")]
    NothingReadable {
        /// The file's name.
        file: String,
        /// Why: every record invalid, the file cut off before its first record, or no records at all.
        detail: String,
    },
    /// The device is not a place Lifeboat can restore to.
    #[error("\"{0}\" cannot take a restore")]
    ReadOnly(String),
    /// The person cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl DeviceError {
    /// Shorthand for an [`DeviceError::Io`] error.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        DeviceError::Io { action, path: path.into(), source }
    }

    /// Whether trying again later can succeed.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            DeviceError::Disconnected { .. } | DeviceError::Unauthorized { .. } | DeviceError::Io { .. }
        )
    }
}
