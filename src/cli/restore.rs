//! `lifeboat restore`: the fidelity report before anything is written (all of it with `--plan`), the restore,
//! and the report afterwards: per category what was planned, what was written, and what the target holds
//! now compared with what it should hold. `--json` gives the same as one JSON document.

use serde_json::json;

use super::output::{self, Console, errln, outln};
use super::{Failure, RestoreArgs, devices, exit};
use crate::device::adb::AndroidOptions;
use crate::device::folder::FolderDevice;
use crate::device::{Device, DeviceIdentity, DeviceKind, RestorePolicy};
use crate::engine::{self, CategoryPlan, CategoryReport, Check, Reason, RestoreOptions, RestoreSummary};
use crate::vault::{Snapshot, Vault};
use crate::{t, text};

/// `lifeboat restore`.
pub fn restore(
    vault: &Vault,
    args: RestoreArgs,
    quiet: bool,
    cancel: &engine::Cancel,
) -> Result<(), Failure> {
    let snapshot = vault.find_snapshot(&args.snapshot)?;
    if let Some(to) = &args.to {
        engine::check_target(vault.root(), to)?;
    }
    // Planning a restore into a folder that does not exist yet must not create it: a plan writes nothing.
    if args.plan
        && args.device.is_none()
        && let Some(to) = args.to.as_ref().filter(|to| !to.exists())
    {
        let name = to.display().to_string();
        let folder = DeviceIdentity {
            kind: DeviceKind::Folder,
            name: name.clone(),
            manufacturer: None,
            model: None,
            serial: name.clone(),
            os_version: None,
        };
        return show_plan(vault, &snapshot, &folder, &name, &args);
    }
    let (target, target_name): (Box<dyn Device>, String) = match (&args.to, &args.device) {
        (Some(to), _) => {
            let folder = FolderDevice::create(to)?;
            let name = folder.root().display().to_string();
            (Box::new(folder), name)
        }
        (None, Some(id)) => {
            let phone = devices::open(id, AndroidOptions::default())?;
            let name = phone.identity().name.clone();
            (Box::new(phone), name)
        }
        (None, None) => return Err(Failure::usage(t!("restore-needs-target"))),
    };
    if args.plan || !args.json {
        show_plan(vault, &snapshot, target.identity(), &target_name, &args)?;
        if args.plan {
            return Ok(());
        }
    }
    let options = RestoreOptions {
        categories: args.categories,
        include: args.include,
        policy: RestorePolicy { overwrite: args.overwrite },
    };
    let console = Console::new(quiet);
    let summary = engine::restore(vault, &snapshot, target.as_ref(), &options, &console, cancel);
    console.finish();
    let summary = summary?;
    if args.json {
        output::json(&summary_json(&snapshot, &target_name, &summary));
    } else {
        print_summary(&target_name, &summary);
    }
    match summary.failures.first() {
        None => Ok(()),
        Some(first) => Err(Failure {
            code: exit::INCOMPLETE,
            message: t!("restore-incomplete", count = summary.failures.len(), first = first.reason.clone()),
        }),
    }
}

/// Prints the plan (as JSON with `--json`). A plan that cannot be made fails `--plan`; before a real restore it
/// is only reported, since a damaged record document is the restore's to report, item by item, with its own
/// exit code.
fn show_plan(
    vault: &Vault,
    snapshot: &Snapshot,
    target: &DeviceIdentity,
    target_name: &str,
    args: &RestoreArgs,
) -> Result<(), Failure> {
    let options = RestoreOptions {
        categories: args.categories.clone(),
        include: args.include.clone(),
        ..Default::default()
    };
    let plan = vault
        .load_index()
        .map_err(Failure::from)
        .and_then(|index| Ok(engine::restore_plan(vault, &index, snapshot, target, &options)?));
    match plan {
        Ok(plans) if args.json => output::json(&json!({
            "snapshot": snapshot.id.short(),
            "target": target_name,
            "plan": plans_json(&plans),
        })),
        Ok(plans) => print_plan(snapshot, target, &plans),
        Err(failure) if args.plan => return Err(failure),
        Err(failure) => errln!("{}", failure.message),
    }
    Ok(())
}

fn reasons_json(reasons: &[Reason]) -> serde_json::Value {
    reasons.iter().map(|r| json!({ "code": r.code(), "text": r.text() })).collect()
}

fn plans_json(plans: &[CategoryPlan]) -> serde_json::Value {
    plans
        .iter()
        .map(|p| {
            json!({
                "category": p.category,
                "as_is": p.as_is,
                "converted": p.converted,
                "cannot_transfer": p.impossible,
                "reasons": reasons_json(&p.reasons),
            })
        })
        .collect()
}

/// Prints the fidelity report: per category how many records go as they are, are converted, or stay behind.
fn print_plan(snapshot: &Snapshot, target: &DeviceIdentity, plans: &[CategoryPlan]) {
    outln!("{}", t!("fidelity-header", source = snapshot.device.name.clone(), target = target.name.clone()));
    if plans.is_empty() {
        outln!("  {}", t!("fidelity-nothing"));
        return;
    }
    let mut rows = vec![vec![t!("col-category"), t!("col-as-is"), t!("col-converted"), t!("col-cannot")]];
    for plan in plans {
        rows.push(vec![
            plan.category.to_string(),
            plan.as_is.to_string(),
            plan.converted.to_string(),
            plan.impossible.to_string(),
        ]);
    }
    output::table(&rows);
    for plan in plans {
        for reason in &plan.reasons {
            outln!("  {}", t!("fidelity-reason", category = plan.category.as_str(), reason = reason.text()));
        }
    }
}

fn difference(check: &Check) -> String {
    match check {
        Check::InPlace | Check::NotCounted { .. } => "–".into(),
        Check::Matches => "0".into(),
        Check::Fewer { missing } => format!("-{missing}"),
        Check::More { extra } => format!("+{extra}"),
    }
}

fn count(value: Option<u64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
}

fn print_summary(target_name: &str, summary: &RestoreSummary) {
    outln!(
        "{}",
        t!(
            "restore-done",
            items = summary.restored(),
            size = text::bytes(summary.bytes),
            target = target_name.to_string(),
            duration = text::duration(summary.duration)
        )
    );
    let report = summary.report();
    let mut rows = vec![vec![
        t!("col-category"),
        t!("col-will-transfer"),
        t!("col-converted"),
        t!("col-cannot"),
        t!("col-restored"),
        t!("col-already-there"),
        t!("col-merged"),
        t!("col-refused"),
        t!("col-before"),
        t!("col-after"),
        t!("col-difference"),
    ]];
    for row in &report {
        rows.push(vec![
            row.category.to_string(),
            row.will_transfer.to_string(),
            row.will_convert.to_string(),
            row.cannot_transfer.to_string(),
            row.restored.to_string(),
            row.already_present.to_string(),
            row.merged.to_string(),
            row.refused.to_string(),
            count(row.before),
            count(row.after),
            difference(&row.check),
        ]);
    }
    output::table(&rows);
    for row in &report {
        print_row_details(row, summary);
    }
    for failure in &summary.failures {
        outln!(
            "  {}",
            t!("restore-failed-item", path = failure.path.clone(), reason = failure.reason.clone())
        );
    }
}

/// The sentences behind one row: what stayed behind and why, any difference, the target's own notes.
fn print_row_details(row: &CategoryReport, summary: &RestoreSummary) {
    let category = row.category.as_str();
    for reason in &row.reasons {
        outln!("  {}", t!("fidelity-reason", category = category, reason = reason.text()));
    }
    // Conversions done by the restore itself (HEIC photos) can fall short of the plan: a file that only claims
    // to be HEIC goes as it is, and its note says so.
    if row.converted > 0 || (row.will_convert > 0 && row.category == crate::data::Category::Photos) {
        outln!(
            "  {}",
            t!("report-converted", category = category, done = row.converted, planned = row.will_convert)
        );
    }
    if !matches!(row.check, Check::Matches | Check::NotCounted { reason: None }) {
        outln!("  {}", t!("report-line", category = category, explanation = row.check.text()));
    }
    // Every category in words too, so what was restored, already there and refused reads plainly.
    outln!(
        "  {}",
        t!(
            "restore-category",
            category = category,
            restored = row.restored,
            present = row.already_present,
            merged = row.merged,
            refused = row.refused
        )
    );
    for note in summary.categories.get(&row.category).map(|c| c.notes.as_slice()).unwrap_or_default() {
        outln!("  {}", t!("restore-note", note = note.clone()));
    }
}

fn summary_json(snapshot: &Snapshot, target_name: &str, summary: &RestoreSummary) -> serde_json::Value {
    let categories: Vec<serde_json::Value> = summary
        .report()
        .iter()
        .map(|row| {
            let mut value = serde_json::to_value(row).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                object.insert("reasons".into(), reasons_json(&row.reasons));
                object.insert("difference".into(), json!(row.check.difference()));
                object.insert("explanation".into(), json!(row.check.text()));
                let notes =
                    summary.categories.get(&row.category).map(|c| c.notes.clone()).unwrap_or_default();
                object.insert("notes".into(), json!(notes));
            }
            value
        })
        .collect();
    json!({
        "snapshot": snapshot.id.short(),
        "target": target_name,
        "restored": summary.restored(),
        "bytes": summary.bytes,
        "seconds": summary.duration.as_secs_f64(),
        "plan": plans_json(&summary.plan),
        "categories": categories,
        "failures": summary.failures,
    })
}
