//! iPhones. For now: reading the backups Finder, iTunes and libimobiledevice make of them ([`backup`]), as
//! read-only import sources.

pub mod backup;

pub use backup::{BackupFile, BackupInfo, FileKind, IosBackupError, ItunesBackup, ItunesBackupDevice};
