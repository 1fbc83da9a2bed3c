//! The engines: backup streams a device into the vault, restore streams a snapshot back onto a device. Both
//! report through [`Progress`] and stop when their [`Cancel`] is flipped; the command line and the app are two
//! faces of the same functions.

mod progress;

pub use progress::{Cancel, CategoryStatus, Meter, Notice, Phase, Progress, Silent, Status};

mod backup;
mod error;
mod export;
mod fidelity;
mod restore;

pub use backup::{BackupOptions, BackupSummary, backup};
pub use error::EngineError;
pub use export::{ExportFormat, ExportSummary, SnapshotItems, export};
pub use fidelity::{CategoryPlan, Platform, Reason, Transfer, category_rule, plan};
pub use restore::{RestoreOptions, RestoreSummary, restore};
