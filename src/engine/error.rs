//! Engine failures: a vault or device error, or the person's own cancel.

use crate::device::DeviceError;
use crate::vault::VaultError;

/// Why a backup or restore stopped.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The vault failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The device failed as a whole (not one item).
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The person cancelled.
    #[error("cancelled; what was copied so far is kept, and the next backup continues from there")]
    Cancelled,
    /// Nothing in the snapshot matches the filters.
    #[error("nothing to restore: no item of snapshot {0} matches the chosen categories and patterns")]
    NothingToRestore(String),
    /// A record document in the snapshot cannot be read.
    #[error("{path} in the backup cannot be read: {reason}")]
    Document {
        /// The item or category.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Writing an export failed.
    #[error("cannot write \"{path}\": {source}")]
    Output {
        /// Where.
        path: std::path::PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A restore or export target inside a vault, where writing would destroy backups.
    #[error(
        "\"{target}\" is inside the vault \"{vault}\": writing there would destroy backups; choose another folder"
    )]
    TargetInVault {
        /// The target as given.
        target: std::path::PathBuf,
        /// The vault found around it.
        vault: std::path::PathBuf,
    },
    /// A restore or export target that holds the vault being read.
    #[error(
        "\"{target}\" holds the vault \"{vault}\": writing there could overwrite backups; choose another folder"
    )]
    TargetHoldsVault {
        /// The target as given.
        target: std::path::PathBuf,
        /// The vault inside it.
        vault: std::path::PathBuf,
    },
    /// The export file is already there and replacing it was not asked for.
    #[error("\"{}\" already exists and was not replaced", .0.display())]
    OutputExists(std::path::PathBuf),
    /// A malformed `--include` pattern.
    #[error("the pattern \"{pattern}\" is not valid: {reason}")]
    BadPattern {
        /// The pattern as typed.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
}
