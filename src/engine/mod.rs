//! The engines: backup streams a device into the vault, restore streams a snapshot back onto a device. Both
//! report through [`Progress`] and stop when their [`Cancel`] is flipped; the command line and the app are two
//! faces of the same functions.

mod progress;

pub use progress::{Cancel, CategoryStatus, Meter, Notice, Phase, Progress, Silent, Status};

mod backup;
mod convert;
mod error;
mod export;
mod fidelity;
mod fidelity_matrix;
mod report;
mod restore;
mod target;

pub use backup::{BackupOptions, BackupSummary, ORIGINAL_SIZE, PhotoQuality, backup};
pub use error::EngineError;
pub use export::{ExportFormat, ExportOptions, ExportSummary, SnapshotItems, export};
pub use fidelity::{
    CategoryPlan, Platform, Reason, Target, Transfer, category_rule, file_rule, message_rule, photo_rule,
    plan, setting_rule, shows_heic,
};
pub use fidelity_matrix::{Cell, SOURCE_TITLES, TARGETS, matrix_cell, matrix_markdown};
pub use report::{CategoryReport, Check};
pub use restore::{RestoreFailure, RestoreOptions, RestoreSummary, restore, restore_plan};
pub use target::{check_target, looks_like_vault};
