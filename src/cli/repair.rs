//! `lifeboat repair`: rebuilds the index from the packs and turns snapshots that lost data into honest partial
//! snapshots, then says what was lost, item by item. Exit 0 when the vault is consistent afterwards (even if
//! data was lost: the summary names it), 5 when it still is not.

use crate::engine::{Cancel, Meter};
use crate::t;
use crate::vault::{RepairReport, Vault};

use super::output::{self, Console, outln};
use super::{Failure, exit};

/// Runs the repair and prints its report.
pub fn repair(vault: &Vault, as_json: bool, quiet: bool, cancel: &Cancel) -> Result<(), Failure> {
    let console = Console::new(quiet);
    let report = vault.repair(&Meter::new(&console), cancel);
    console.finish();
    let report = report?;
    if as_json {
        output::json(&serde_json::to_value(&report).unwrap_or_default());
    } else {
        print_report(&report);
    }
    if report.is_consistent() {
        Ok(())
    } else {
        Err(Failure {
            code: exit::DAMAGED,
            message: t!("repair-still-damaged", problems = report.problems.len()),
        })
    }
}

fn print_report(report: &RepairReport) {
    outln!(
        "{}",
        t!(
            "repair-packs",
            packs = report.packs_checked,
            damaged = report.packs_damaged.len(),
            salvaged = report.blobs_salvaged,
            lost = report.blobs_lost
        )
    );
    for pack in &report.packs_damaged {
        outln!("  {}", t!("repair-pack-damaged", pack = pack.pack.clone(), reason = pack.reason.clone()));
    }
    if report.index_rebuilt {
        outln!(
            "{}",
            t!("repair-index", replaced = report.index_files_replaced, damaged = report.index_files_damaged)
        );
    }
    for snapshot in &report.snapshots_removed {
        outln!(
            "{}",
            t!("repair-snapshot-removed", id = snapshot.id.clone(), reason = snapshot.reason.clone())
        );
    }
    for snapshot in &report.snapshots_repaired {
        outln!(
            "{}",
            t!(
                "repair-snapshot-repaired",
                from = snapshot.from.clone(),
                id = snapshot.id.clone(),
                items = snapshot.items_lost
            )
        );
        for path in &snapshot.lost {
            outln!("  {}", t!("repair-lost-item", path = path.clone()));
        }
    }
    for problem in &report.problems {
        outln!("  {}", t!("verify-problem", problem = problem.clone()));
    }
    if report.is_consistent() {
        if report.changed_anything() {
            outln!("{}", t!("repair-done"));
        } else {
            outln!("{}", t!("repair-nothing"));
        }
    }
}
