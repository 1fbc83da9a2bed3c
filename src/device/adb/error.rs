//! What goes wrong talking ADB, in words a person can act on.
//!
//! Rules: a message names the phone (or the address) and says what to do. `Disconnected` and
//! `Unauthorized` are retryable and become the engine's [`DeviceError`] of the same name, so a backup stops
//! cleanly and the next one resumes; `Refused` and `Sync` concern one command or file, and the rest goes on.

use std::io;
use std::path::PathBuf;

use crate::device::DeviceError;

/// An ADB failure.
#[derive(Debug, thiserror::Error)]
pub enum AdbError {
    /// Nothing answers at the address.
    #[error(
        "cannot reach the phone at {target}: {source}; check that it is switched on, on this network, and that wireless debugging is on"
    )]
    Connect {
        /// The address or device asked for.
        target: String,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// The phone has not accepted this computer's key.
    #[error(
        "the phone \"{device}\" has not allowed this computer: unlock it and tap Allow on \"Allow USB debugging?\""
    )]
    Unauthorized {
        /// The phone.
        device: String,
    },
    /// The connection broke.
    #[error("the phone \"{device}\" was disconnected; plug it in again and run the backup again to resume")]
    Disconnected {
        /// The phone.
        device: String,
    },
    /// The phone closed a stream instead of opening it (no such service, or not allowed).
    #[error("the phone \"{device}\" refused \"{service}\"")]
    Refused {
        /// The phone.
        device: String,
        /// The service asked for.
        service: String,
    },
    /// The phone (or adb server) said something that breaks the protocol.
    #[error("the phone \"{device}\" answered unexpectedly: {detail}")]
    Protocol {
        /// The phone.
        device: String,
        /// What was wrong.
        detail: String,
    },
    /// The adb server refused.
    #[error("the adb server said: {0}")]
    Server(String),
    /// A file could not be listed, read or written on the phone.
    #[error("cannot {action} \"{path}\" on the phone: {reason}")]
    Sync {
        /// "read", "write", "list".
        action: &'static str,
        /// The phone's path.
        path: String,
        /// What the phone said.
        reason: String,
    },
    /// The computer's ADB key is unusable.
    #[error("the ADB key \"{}\" cannot be used: {detail}; move it away to let Lifeboat make a new one (phones will ask to allow this computer again)", path.display())]
    Key {
        /// Where it is.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// A USB device could not be used.
    #[error("cannot use the USB device {device}: {detail}")]
    Usb {
        /// Bus and address, or the serial.
        device: String,
        /// What went wrong and what to do.
        detail: String,
    },
    /// A command run on the phone failed.
    #[error("the phone \"{device}\" could not run \"{command}\": {detail}")]
    Command {
        /// The phone.
        device: String,
        /// The command (shortened).
        command: String,
        /// Its error output or exit status.
        detail: String,
    },
}

impl AdbError {
    /// Whether trying again (after the person's fix) can succeed.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            AdbError::Connect { .. } | AdbError::Unauthorized { .. } | AdbError::Disconnected { .. }
        )
    }
}

impl From<AdbError> for DeviceError {
    fn from(error: AdbError) -> Self {
        match error {
            AdbError::Disconnected { device } => DeviceError::Disconnected { device },
            AdbError::Unauthorized { device } => DeviceError::Unauthorized { device },
            AdbError::Protocol { device, detail } => DeviceError::Protocol { device, detail },
            AdbError::Connect { target, source } => {
                DeviceError::Io { action: "connect to", path: target.into(), source }
            }
            other => DeviceError::Protocol { device: String::new(), detail: other.to_string() },
        }
    }
}

/// An `io::Error` that carries a device error, so the engine can tell a vanished phone (stop, checkpoint)
/// from a bad file (skip it).
pub fn io_error(kind: io::ErrorKind, error: DeviceError) -> io::Error {
    io::Error::new(kind, error)
}

/// The device error inside an `io::Error`, if a transport put one there.
pub fn device_error_in(error: &io::Error) -> Option<&DeviceError> {
    error.get_ref().and_then(|inner| inner.downcast_ref::<DeviceError>())
}
