//! What can stop a virtual Android phone from starting or running, in words a person can act on.
//!
//! Rules: a variant names the address, folder or profile it is about and says what to do. None is
//! retryable as is: each needs the fix its message suggests. Failures of one host connection never
//! surface here; they end that connection only, as on a phone.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// A virtual phone failure.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The listening address is taken or not ours.
    #[error("the virtual phone cannot listen on {addr}: {source}; choose another address with --listen")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A file or folder of the state could not be used.
    #[error("the virtual phone cannot {action} \"{path}\": {source}")]
    Io {
        /// "read", "write", "create", ...
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The state folder is damaged or from another version.
    #[error(
        "the virtual phone's state \"{path}\" is unusable ({detail}); delete the state folder or choose another with --state"
    )]
    BadState {
        /// The damaged file or folder.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The state folder holds a phone of another profile.
    #[error(
        "the state folder \"{path}\" holds a \"{existing}\" phone, not \"{requested}\"; use --profile {existing} or another --state folder"
    )]
    ProfileMismatch {
        /// The state folder.
        path: PathBuf,
        /// The profile it was made with.
        existing: String,
        /// The profile asked for.
        requested: String,
    },
    /// The profile name is not one of the known ones.
    #[error("there is no \"{0}\" virtual phone; choose empty, demo, large or hostile")]
    UnknownProfile(String),
    /// Generating the phone's content failed.
    #[error("the virtual phone's content could not be generated: {0}")]
    Generate(String),
    /// A thread could not be started.
    #[error("the virtual phone could not start a thread: {0}")]
    Thread(#[source] io::Error),
}

impl SimError {
    /// Shorthand for [`SimError::Io`].
    pub fn io(action: &'static str, path: impl AsRef<Path>, source: io::Error) -> Self {
        SimError::Io { action, path: path.as_ref().to_path_buf(), source }
    }
}

impl From<rusqlite::Error> for SimError {
    fn from(error: rusqlite::Error) -> Self {
        SimError::Generate(format!("database: {error}"))
    }
}
