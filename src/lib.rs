//! Lifeboat: encrypted, incremental, local backups of phones.
//!
//! The rooms, in the order data flows through them:
//! - [`device`]: where data comes from and goes back to (folders, phones over their transports, virtual phones);
//! - [`engine`]: backup and restore, streaming device → vault → device with progress and cancellation;
//! - [`vault`]: the encrypted, deduplicating, crash-safe repository on disk;
//! - [`data`]: categories, item paths and normalized records with their open formats.
//!
//! The command line ([`cli`]) and the desktop app (`gui`, the default `gui` feature) are thin faces over these; neither holds backup logic.

pub mod data;
pub mod device;
pub mod engine;
pub mod vault;

#[doc(hidden)]
pub mod fuzzing;

pub mod cli;
#[cfg(feature = "gui")]
pub mod gui;
pub mod i18n;
pub mod logging;
pub mod paths;
pub mod text;
