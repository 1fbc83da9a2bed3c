//! `lifeboat backup`, and the summary every command that makes a snapshot prints (`import`, `demo` too): what
//! was copied, and what was left out. A backup that left something out is kept, and exits 6 so a script
//! can tell (issue 10, finding 12).

use serde_json::json;

use super::output::{self, Console, outln};
use super::{BackupArgs, Failure, devices, exit, signals, snapshot_json};
use crate::data::CategorySet;
use crate::device::Device;
use crate::device::adb::AndroidOptions;
use crate::device::folder::FolderDevice;
use crate::engine::{self, BackupOptions, BackupSummary, Cancel, PhotoQuality};
use crate::vault::Vault;
use crate::{t, text};

/// `lifeboat backup`.
pub fn backup(vault: &Vault, args: BackupArgs, quiet: bool, cancel: &Cancel) -> Result<(), Failure> {
    let device: Box<dyn Device> = match (&args.from, &args.device) {
        (Some(from), _) => Box::new(FolderDevice::new(from)?),
        (None, Some(id)) => {
            let options = AndroidOptions { include_apks: args.apks, ..AndroidOptions::default() };
            Box::new(devices::open(id, options)?)
        }
        (None, None) => return Err(Failure::usage(t!("backup-needs-source"))),
    };
    let mut options = BackupOptions {
        categories: args.categories.unwrap_or_else(CategorySet::all),
        photos: if args.space_saving { PhotoQuality::SpaceSaving } else { PhotoQuality::Original },
        ..BackupOptions::default()
    };
    if let Some(seconds) = args.checkpoint_secs.filter(|s| s.is_finite() && *s > 0.0) {
        options.checkpoint_interval = std::time::Duration::from_secs_f64(seconds);
    }
    signals::cancel_on_interrupt(cancel);
    let console = Console::new(quiet);
    let summary = engine::backup(vault, device.as_ref(), &options, &console, cancel);
    console.finish();
    let summary = summary?;
    print_backup_summary(&summary, args.json);
    left_out(&summary)
}

/// Exit 6 when the snapshot is missing items the device had: it is kept, but it is not the whole device.
pub fn left_out(summary: &BackupSummary) -> Result<(), Failure> {
    match summary.snapshot.skipped.first() {
        None => Ok(()),
        Some(first) => Err(Failure {
            code: exit::INCOMPLETE,
            message: t!(
                "backup-left-out",
                count = summary.snapshot.skipped.len(),
                first = format!("{}: {}", first.what, first.reason)
            ),
        }),
    }
}

/// Prints what a backup copied and what it left out (as JSON with `as_json`).
pub fn print_backup_summary(summary: &BackupSummary, as_json: bool) {
    let snapshot = &summary.snapshot;
    if as_json {
        output::json(&json!({
            "snapshot": snapshot_json(snapshot),
            "items_read": summary.items_read,
            "items_unchanged": summary.items_unchanged,
            "bytes_read": summary.bytes_read,
            "new_bytes": summary.new_bytes,
            "stored_bytes": summary.stored_bytes,
            "seconds": summary.duration.as_secs_f64(),
            "left_out": snapshot.skipped.len(),
        }));
        return;
    }
    outln!(
        "{}",
        t!(
            "backup-done",
            id = snapshot.id.short(),
            device = snapshot.device.name.clone(),
            items = snapshot.items(),
            size = text::bytes(snapshot.size()),
            duration = text::duration(summary.duration)
        )
    );
    for (category, totals) in &snapshot.totals {
        outln!(
            "  {}",
            t!(
                "backup-category",
                category = category.as_str(),
                items = totals.items,
                size = text::bytes(totals.bytes)
            )
        );
    }
    outln!(
        "{}",
        t!(
            "backup-incremental",
            unchanged = summary.items_unchanged,
            read = summary.items_read,
            new = text::bytes(summary.new_bytes),
            stored = text::bytes(summary.stored_bytes)
        )
    );
    for (category, reason) in &snapshot.unavailable {
        outln!("  {}", t!("backup-unavailable", category = category.as_str(), reason = reason.clone()));
    }
    for skipped in &snapshot.skipped {
        outln!("  {}", t!("backup-skipped", what = skipped.what.clone(), reason = skipped.reason.clone()));
    }
}
