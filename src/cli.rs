//! The command line: the same engines as the app, for terminals and scripts. Non-interactive when
//! `LIFEBOAT_PASSWORD` is set; results on stdout (`--json` where it helps), progress and notices on stderr,
//! and an exit code that says what went wrong.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod backup;
pub mod demo;
mod devices;
mod output;
mod password;
mod repair;
mod restore;
mod signals;
mod transfer;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::data::{CategorySet, UnknownCategory};
use crate::device::{DeviceError, EntryKind};
use crate::engine::{self, Cancel, EngineError};
use crate::vault::{InitOptions, KdfParams, Snapshot, Vault, VaultError, VerifyOptions, rfc3339};
use crate::{t, text};

pub use output::terminal_safe;
use output::{Console, errln, outln};

/// Exit codes, documented in README.md.
pub mod exit {
    /// Something failed; the message says what.
    pub const FAILURE: i32 = 1;
    /// The command line itself was wrong.
    pub const USAGE: i32 = 2;
    /// The password does not open the vault.
    pub const WRONG_PASSWORD: i32 = 3;
    /// Another program is writing to the vault.
    pub const LOCKED: i32 = 4;
    /// `verify` found damage.
    pub const DAMAGED: i32 = 5;
    /// Some items were not restored (or not backed up).
    pub const INCOMPLETE: i32 = 6;
    /// Cancelled by the person.
    pub const CANCELLED: i32 = 130;
}

/// Lifeboat: encrypted, incremental backups of phones.
#[derive(Debug, Parser)]
#[command(name = "lifeboat", version, about, long_about = None)]
pub struct Cli {
    /// The vault folder (default: under your data folder).
    #[arg(long, env = "LIFEBOAT_VAULT", global = true)]
    pub vault: Option<PathBuf>,
    /// More detail on stderr (-v, -vv, -vvv).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Show only results and problems, no progress.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// What to do; without a command the desktop app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or manage the vault.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Back up a device into the vault.
    Backup(BackupArgs),
    /// List the backups in the vault.
    Snapshots {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the items of one backup.
    Ls {
        /// Snapshot id (a prefix is enough) or "latest".
        snapshot: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Restore items of a backup.
    Restore(RestoreArgs),
    /// Check that everything in the vault can be read back.
    Verify {
        /// Check only this percentage of the data, chosen at random.
        #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
        sample: Option<f64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove backups (their space is reclaimed by `prune`).
    Forget {
        /// Snapshot ids (prefixes are enough).
        #[arg(required = true)]
        snapshots: Vec<String>,
    },
    /// Reclaim space that no backup uses any more.
    Prune,
    /// Rebuild the index from the packs, drop what cannot be read, and keep every backup that lost data as a
    /// partial backup that names what is missing.
    Repair {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change the vault password.
    Passwd,
    /// Remove a lock left by a program that is gone.
    Unlock,
    /// Bring another tool's backup in: an iPhone backup folder (Finder, iTunes), an `adb backup` file, a
    /// vCard file or an SMS Backup & Restore export.
    Import {
        /// The folder or file.
        path: PathBuf,
        /// A file holding the backup's own password (or set LIFEBOAT_BACKUP_PASSWORD).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a backup's data out in open formats.
    Export {
        /// Snapshot id (a prefix is enough) or "latest".
        snapshot: String,
        /// What to write.
        #[arg(long, value_enum)]
        format: transfer::FormatArg,
        /// The file (or folder, for `photos`) to write.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// For `photos` and `zip`: which categories' files (default: photos).
        #[arg(long, value_parser = parse_categories)]
        categories: Option<CategorySet>,
        /// Replace the file (or, for `photos`, files in the folder) if already there.
        #[arg(long)]
        overwrite: bool,
    },
    /// Back up a demo phone into a demo vault: the whole job, with no phone needed.
    Demo {
        /// Where the demo phone and vault live (default: under your data folder).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// List phones and cameras: USB, the adb server's, and remembered network phones.
    Devices {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reach an Android phone over the network (wireless debugging) and remember it.
    Connect {
        /// The phone's address, HOST:PORT.
        address: String,
    },
    /// Forget a network phone.
    Disconnect {
        /// The address given to `connect`.
        address: String,
    },
    /// Run a virtual phone.
    #[command(subcommand)]
    Sim(SimCommand),
}

/// Virtual phones.
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// A virtual Android phone speaking ADB over TCP.
    Android(devices::SimAndroidArgs),
}

/// Vault management.
#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Create a new, empty vault.
    Init {
        /// Memory for the password hash, in MiB (default 64).
        #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(8..=4096))]
        kdf_memory_mib: u32,
        /// Passes of the password hash (default 3).
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
        kdf_passes: u32,
        /// Make the vault in a folder that already holds other files (never over a vault).
        #[arg(long)]
        allow_non_empty: bool,
        /// Do not make a recovery code (one can be made later with `lifeboat vault recovery-code`).
        #[arg(long)]
        no_recovery_code: bool,
    },
    /// Make a new recovery code, which opens the vault if its password is forgotten; an earlier code stops
    /// working.
    RecoveryCode,
}

/// `lifeboat backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Back up this folder (an SD card, a mounted phone, any directory).
    #[arg(long, value_name = "DIR", required_unless_present = "device", conflicts_with = "device")]
    pub from: Option<PathBuf>,
    /// Back up this phone: an id from `lifeboat devices`, HOST:PORT, usb:SERIAL or adb:SERIAL.
    #[arg(long, value_name = "ID")]
    pub device: Option<String>,
    /// Also copy the app packages (APK files) of an Android phone.
    #[arg(long)]
    pub apks: bool,
    /// Only these categories, comma-separated (contacts, photos, messages, calls, settings, apps, files).
    #[arg(long, value_parser = parse_categories)]
    pub categories: Option<CategorySet>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Keep space-saving copies of large JPEG photos (at most 2,560 pixels on their long side, EXIF kept)
    /// instead of the originals.
    #[arg(long)]
    pub space_saving: bool,
    /// Seconds between checkpoints (for tests of interrupted backups).
    #[arg(long, hide = true, value_name = "SECONDS")]
    pub checkpoint_secs: Option<f64>,
}

/// `lifeboat restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Snapshot id (a prefix is enough) or "latest".
    pub snapshot: String,
    /// Restore into this folder (created if needed).
    #[arg(long, value_name = "DIR", required_unless_present = "device", conflicts_with = "device")]
    pub to: Option<PathBuf>,
    /// Restore onto this phone: an id from `lifeboat devices`, HOST:PORT, usb:SERIAL or adb:SERIAL.
    #[arg(long, value_name = "ID")]
    pub device: Option<String>,
    /// Only these categories, comma-separated.
    #[arg(long, value_parser = parse_categories)]
    pub categories: Option<CategorySet>,
    /// Only items matching this pattern (repeatable), e.g. 'DCIM/**' or '*.vcf'.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Replace files that already exist in the target.
    #[arg(long)]
    pub overwrite: bool,
    /// Only show what would transfer, convert or stay behind; write nothing.
    #[arg(long)]
    pub plan: bool,
    /// Print the plan and the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_categories(list: &str) -> Result<CategorySet, UnknownCategory> {
    CategorySet::parse_list(list)
}

fn parse_percent(text: &str) -> Result<f64, String> {
    let value: f64 = text.trim_end_matches('%').parse().map_err(|_| format!("\"{text}\" is not a number"))?;
    if value > 0.0 && value <= 100.0 {
        Ok(value)
    } else {
        Err("give a percentage above 0 and up to 100".into())
    }
}

/// A failed command: what to print and which exit code to use.
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub code: i32,
    /// One line for the person.
    pub message: String,
}

impl Failure {
    /// A general failure.
    pub fn general(message: impl Into<String>) -> Self {
        Self { code: exit::FAILURE, message: message.into() }
    }

    /// A mistake on the command line.
    pub fn usage(message: impl Into<String>) -> Self {
        Self { code: exit::USAGE, message: message.into() }
    }
}

impl From<VaultError> for Failure {
    fn from(error: VaultError) -> Self {
        let code = match error {
            VaultError::WrongPassword(_) | VaultError::RecoveryCode(_) => exit::WRONG_PASSWORD,
            VaultError::Locked { .. } => exit::LOCKED,
            VaultError::Damaged { .. } | VaultError::Missing { .. } => exit::DAMAGED,
            VaultError::Cancelled => exit::CANCELLED,
            _ => exit::FAILURE,
        };
        Self { code, message: error.to_string() }
    }
}

impl From<EngineError> for Failure {
    fn from(error: EngineError) -> Self {
        match error {
            EngineError::Vault(e) => e.into(),
            EngineError::Cancelled => Self { code: exit::CANCELLED, message: error.to_string() },
            EngineError::OutputExists(path) => {
                Self::general(t!("export-exists", path = path.display().to_string()))
            }
            EngineError::BadPattern { .. }
            | EngineError::TargetInVault { .. }
            | EngineError::TargetHoldsVault { .. } => Self::usage(error.to_string()),
            other => Self::general(other.to_string()),
        }
    }
}

impl From<DeviceError> for Failure {
    fn from(error: DeviceError) -> Self {
        Self::general(error.to_string())
    }
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<(), Failure> {
    let cancel = Cancel::new();
    let Some(command) = cli.command else { return Err(Failure::usage(t!("gui-no-command"))) };
    match command {
        Command::Vault(VaultCommand::Init {
            kdf_memory_mib,
            kdf_passes,
            allow_non_empty,
            no_recovery_code,
        }) => {
            let path = vault_path(&cli.vault)?;
            // Refused before a password is asked for; `init_with` checks again, after it.
            if Vault::exists(&path) {
                return Err(VaultError::AlreadyExists(path).into());
            }
            let password = password::new("LIFEBOAT_PASSWORD")?;
            let kdf = KdfParams { memory_kib: kdf_memory_mib * 1024, passes: kdf_passes, lanes: 1 };
            let mut vault = Vault::init_with(&path, &password, kdf, InitOptions { allow_non_empty })?;
            outln!("{}", t!("vault-created", path = path.display().to_string()));
            if !no_recovery_code {
                print_recovery_code(&vault.new_recovery_code(kdf)?);
            }
            Ok(())
        }
        Command::Vault(VaultCommand::RecoveryCode) => {
            let mut vault = open_vault(&cli.vault)?;
            print_recovery_code(&vault.new_recovery_code(KdfParams::default())?);
            outln!("{}", t!("recovery-code-replaced"));
            Ok(())
        }
        Command::Backup(args) => backup::backup(&open_vault(&cli.vault)?, args, cli.quiet, &cancel),
        Command::Snapshots { json } => list_snapshots(&open_vault(&cli.vault)?, json),
        Command::Ls { snapshot, json } => list_items(&open_vault(&cli.vault)?, &snapshot, json),
        Command::Restore(args) => {
            let vault = open_vault(&cli.vault)?;
            signals::cancel_on_interrupt(&cancel);
            restore::restore(&vault, args, cli.quiet, &cancel)
        }
        Command::Verify { sample, json } => {
            let vault = open_vault(&cli.vault)?;
            signals::cancel_on_interrupt(&cancel);
            verify(&vault, sample, json, cli.quiet, &cancel)
        }
        Command::Forget { snapshots } => {
            let vault = open_vault(&cli.vault)?;
            let found: Vec<Snapshot> =
                snapshots.iter().map(|s| vault.find_snapshot(s)).collect::<Result<_, _>>()?;
            vault.forget(&found.iter().map(|s| s.id).collect::<Vec<_>>())?;
            for snapshot in found {
                outln!("{}", t!("snapshot-forgotten", id = snapshot.id.short()));
            }
            Ok(())
        }
        Command::Prune => {
            let vault = open_vault(&cli.vault)?;
            signals::cancel_on_interrupt(&cancel);
            let console = Console::new(cli.quiet);
            let report = vault.prune(&crate::engine::Meter::new(&console), &cancel);
            console.finish();
            let report = report?;
            outln!(
                "{}",
                t!(
                    "prune-summary",
                    removed = report.packs_removed,
                    repacked = report.packs_repacked,
                    freed = text::bytes(report.bytes_freed)
                )
            );
            if report.packs_not_repacked_for_space > 0 {
                outln!("{}", t!("prune-no-room-to-repack", packs = report.packs_not_repacked_for_space));
            }
            Ok(())
        }
        Command::Repair { json } => {
            let vault = open_vault(&cli.vault)?;
            signals::cancel_on_interrupt(&cancel);
            repair::repair(&vault, json, cli.quiet, &cancel)
        }
        Command::Passwd => {
            let mut vault = open_vault(&cli.vault)?;
            let new = password::new("LIFEBOAT_NEW_PASSWORD")?;
            vault.change_password(&new, KdfParams::default())?;
            outln!("{}", t!("password-changed"));
            if vault.opened_with_recovery_code() {
                outln!("{}", t!("password-changed-by-recovery-code"));
            }
            Ok(())
        }
        Command::Unlock => {
            let path = vault_path(&cli.vault)?;
            if !Vault::exists(&path) {
                return Err(VaultError::NotAVault(path).into());
            }
            // The lock is the operating system's: one left by a program that is gone was released with it, so
            // there is never a lock to break, only a live writer to name.
            match Vault::lock_holder(&path)? {
                Some(info) => Err(Failure {
                    code: exit::LOCKED,
                    message: t!(
                        "lock-held",
                        holder = format!("{} ({})", info.host, info.pid),
                        since = rfc3339(info.since_ns)
                    ),
                }),
                None => {
                    outln!("{}", t!("not-locked"));
                    Ok(())
                }
            }
        }
        Command::Import { path, password_file, json } => transfer::import(
            &open_vault(&cli.vault)?,
            &path,
            password_file.as_deref(),
            json,
            cli.quiet,
            &cancel,
        ),
        Command::Export { snapshot, format, out, categories, overwrite } => {
            let vault = open_vault(&cli.vault)?;
            signals::cancel_on_interrupt(&cancel);
            let options = engine::ExportOptions { format: format.into(), categories, overwrite };
            transfer::export(&vault, &snapshot, &options, &out, cli.quiet, &cancel)
        }
        Command::Demo { dir } => {
            signals::cancel_on_interrupt(&cancel);
            demo::run(dir, cli.quiet, &cancel)
        }
        Command::Devices { json } => devices::list(json),
        Command::Connect { address } => devices::connect(&address),
        Command::Disconnect { address } => devices::disconnect(&address),
        Command::Sim(SimCommand::Android(args)) => devices::sim_android(args),
    }
}

fn vault_path(flag: &Option<PathBuf>) -> Result<PathBuf, Failure> {
    flag.clone().or_else(crate::paths::default_vault).ok_or_else(|| Failure::usage(t!("no-vault-path")))
}

fn open_vault(flag: &Option<PathBuf>) -> Result<Vault, Failure> {
    let path = vault_path(flag)?;
    if !Vault::exists(&path) {
        return Err(VaultError::NotAVault(path).into());
    }
    Ok(Vault::open(&path, &password::current()?)?)
}

/// Shows a new recovery code once, on stdout, with what it is for.
fn print_recovery_code(code: &crate::vault::RecoveryCode) {
    outln!("{}", t!("recovery-code-intro"));
    outln!("");
    outln!("    {code}");
    outln!("");
    outln!("{}", t!("recovery-code-keep"));
}

pub(crate) fn snapshot_json(s: &Snapshot) -> serde_json::Value {
    json!({
        "id": s.id.to_hex(),
        "short_id": s.id.short(),
        "time": rfc3339(s.time_ns),
        "finished": s.finished_ns.map(rfc3339),
        "device": s.device,
        "categories": s.categories,
        "totals": s.totals,
        "size": s.size(),
        "items": s.items(),
        "complete": s.complete,
        "unavailable": s.unavailable,
        "skipped": s.skipped,
        "parent": s.parent.map(|p| p.to_hex()),
        "host": s.host,
        "repaired": s.repaired.map(|r| json!({
            "time": rfc3339(r.time_ns),
            "from": r.from.to_hex(),
            "lost": r.lost,
        })),
    })
}

fn list_snapshots(vault: &Vault, as_json: bool) -> Result<(), Failure> {
    let listing = vault.snapshots()?;
    for (id, error) in &listing.damaged {
        errln!("{}", t!("snapshot-damaged", id = id.short(), reason = error.to_string()));
    }
    if as_json {
        output::json(&serde_json::Value::Array(listing.snapshots.iter().map(snapshot_json).collect()));
        return Ok(());
    }
    let mut rows = vec![vec![
        t!("col-id"),
        t!("col-time"),
        t!("col-device"),
        t!("col-categories"),
        t!("col-items"),
        t!("col-size"),
        t!("col-status"),
    ]];
    for s in &listing.snapshots {
        rows.push(vec![
            s.id.short(),
            rfc3339(s.time_ns),
            s.device.name.clone(),
            s.categories.to_string(),
            s.items().to_string(),
            text::bytes(s.size()),
            snapshot_status(s),
        ]);
    }
    output::table(&rows);
    Ok(())
}

fn snapshot_status(s: &Snapshot) -> String {
    let status = if s.complete { t!("status-complete") } else { t!("status-incomplete") };
    match s.repaired {
        Some(repaired) => format!("{status}, {}", t!("status-repaired", lost = repaired.lost)),
        None => status,
    }
}

fn list_items(vault: &Vault, prefix: &str, as_json: bool) -> Result<(), Failure> {
    let snapshot = vault.find_snapshot(prefix)?;
    let index = vault.load_index()?;
    let nodes = vault.catalog(&snapshot, &vault.blobs(&index))?;
    if as_json {
        let items = nodes
            .iter()
            .map(|n| {
                let mut value = serde_json::to_value(&n.entry).unwrap_or_default();
                if let Some(object) = value.as_object_mut() {
                    object.insert("mtime".into(), json!(n.entry.mtime_ns.map(rfc3339)));
                    object.insert("chunks".into(), json!(n.chunks.len()));
                }
                value
            })
            .collect();
        output::json(&serde_json::Value::Array(items));
        return Ok(());
    }
    let mut rows =
        vec![vec![t!("col-type"), t!("col-category"), t!("col-size"), t!("col-modified"), t!("col-path")]];
    for node in &nodes {
        let (kind, path) = match &node.entry.kind {
            EntryKind::File => ("file", node.entry.path.to_string()),
            EntryKind::Dir => ("dir", format!("{}/", node.entry.path)),
            EntryKind::Symlink { target } => ("link", format!("{} -> {target}", node.entry.path)),
        };
        rows.push(vec![
            kind.into(),
            node.entry.category.to_string(),
            text::bytes(node.entry.size),
            node.entry.mtime_ns.map(rfc3339).unwrap_or_default(),
            path,
        ]);
    }
    output::table(&rows);
    Ok(())
}

fn verify(
    vault: &Vault,
    sample: Option<f64>,
    as_json: bool,
    quiet: bool,
    cancel: &Cancel,
) -> Result<(), Failure> {
    let console = Console::new(quiet);
    let report =
        vault.verify(VerifyOptions { sample_percent: sample }, &crate::engine::Meter::new(&console), cancel);
    console.finish();
    let report = report?;
    if as_json {
        output::json(&serde_json::to_value(&report).unwrap_or_default());
    } else {
        outln!(
            "{}",
            t!(
                "verify-summary",
                snapshots = report.snapshots_checked,
                packs = report.packs_checked,
                total = report.packs_total,
                size = text::bytes(report.bytes_checked)
            )
        );
        for problem in &report.problems {
            outln!("  {}", t!("verify-problem", problem = problem.clone()));
        }
        for item in &report.damaged_items {
            outln!(
                "  {}",
                t!(
                    "verify-damaged-item",
                    snapshot = item.snapshot.clone(),
                    path = item.path.clone(),
                    reason = item.reason.clone()
                )
            );
        }
        if report.unindexed_packs > 0 {
            outln!("  {}", t!("verify-unindexed", count = report.unindexed_packs));
        }
    }
    if report.is_ok() {
        if !as_json {
            outln!("{}", t!("verify-ok"));
        }
        Ok(())
    } else {
        Err(Failure {
            code: exit::DAMAGED,
            message: t!(
                "verify-damaged",
                problems = report.problems.len(),
                items = report.damaged_items.len()
            ),
        })
    }
}
