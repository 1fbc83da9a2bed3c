//! `lifeboat import` and `lifeboat export`: bringing other tools' files in as snapshots, and taking a
//! snapshot's data out in open formats.

use std::path::Path;

use clap::ValueEnum;

use super::Failure;
use super::backup::print_backup_summary;
use super::output::{Console, errln, outln};
use crate::data::vcard::VcardWriteVersion;
use crate::device::Device;
use crate::device::import::{ImportError, open_import};
use crate::engine::{self, BackupOptions, Cancel, ExportFormat, ExportOptions};
use crate::vault::Vault;
use crate::{t, text};

/// Export formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Contacts as vCard 3.0.
    Vcf,
    /// Contacts as vCard 4.0.
    Vcf4,
    /// Messages as SMS Backup & Restore XML.
    SmsXml,
    /// Call history as CSV.
    CallsCsv,
    /// Messages as one readable HTML page.
    Html,
    /// Photos and videos (or --categories) into a folder.
    Photos,
    /// Photos and videos (or --categories) into a .zip.
    Zip,
}

impl From<FormatArg> for ExportFormat {
    fn from(value: FormatArg) -> Self {
        match value {
            FormatArg::Vcf => ExportFormat::Vcard(VcardWriteVersion::V3_0),
            FormatArg::Vcf4 => ExportFormat::Vcard(VcardWriteVersion::V4_0),
            FormatArg::SmsXml => ExportFormat::SmsXml,
            FormatArg::CallsCsv => ExportFormat::CallsCsv,
            FormatArg::Html => ExportFormat::Html,
            FormatArg::Photos => ExportFormat::Folder,
            FormatArg::Zip => ExportFormat::Zip,
        }
    }
}

/// Opens what `path` holds as a read-only device, asking for the backup's password when it is encrypted: from
/// `--password-file`, `LIFEBOAT_BACKUP_PASSWORD`, or the terminal (again after a wrong one).
fn import_source(
    path: &Path,
    password_file: Option<&Path>,
    cancel: &Cancel,
) -> Result<Box<dyn Device>, Failure> {
    if !path.exists() {
        return Err(Failure::usage(t!("import-missing", path = path.display().to_string())));
    }
    let mut password = match password_file {
        Some(file) => Some(
            std::fs::read_to_string(file)
                .map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?
                .trim_end_matches(['\r', '\n'])
                .to_string(),
        ),
        None => super::password::from_env("LIFEBOAT_BACKUP_PASSWORD")?,
    };
    let from_prompt = password.is_none();
    for _ in 0..3 {
        let bar = unlock_bar();
        let mut progress = |done: u64, total: u64| {
            if let Some(bar) = &bar {
                bar.set_length(total.max(1));
                bar.set_position(done);
            }
        };
        let opened = open_import(path, password.as_deref(), &mut progress, cancel);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        match opened {
            Ok(device) => return Ok(device),
            Err(e) if (e.password_needed() || e.wrong_password()) && (from_prompt || password.is_none()) => {
                if e.wrong_password() {
                    errln!("{e}");
                }
                password = Some(super::password::ask_backup()?);
            }
            Err(ImportError::Unrecognized(_)) => {
                return Err(Failure::usage(t!("import-unknown", path = path.display().to_string())));
            }
            Err(e) if e.wrong_password() => {
                return Err(Failure { code: super::exit::WRONG_PASSWORD, message: e.to_string() });
            }
            Err(e) => return Err(Failure::general(e.to_string())),
        }
    }
    Err(Failure { code: super::exit::WRONG_PASSWORD, message: t!("import-password-attempts") })
}

/// A bar for the seconds an encrypted iPhone backup's key takes, on a terminal.
fn unlock_bar() -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(1);
        let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {percent}%")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style.progress_chars("=> "));
        bar.set_message(t!("import-unlocking"));
        bar
    })
}

/// `lifeboat import PATH`.
pub fn import(
    vault: &Vault,
    path: &Path,
    password_file: Option<&Path>,
    as_json: bool,
    quiet: bool,
    cancel: &Cancel,
) -> Result<(), Failure> {
    let device = import_source(path, password_file, cancel)?;
    super::signals::cancel_on_interrupt(cancel);
    let console = Console::new(quiet);
    let summary = engine::backup(vault, device.as_ref(), &BackupOptions::default(), &console, cancel);
    console.finish();
    // An import's `skipped` list also holds notes on the file itself (a count that disagrees), and what an
    // import may leave out and how it exits is the importers' to say (issue 10, finding 10); only `backup`
    // exits 6 for what it left out.
    print_backup_summary(&summary?, as_json);
    Ok(())
}

/// `lifeboat export SNAPSHOT --format F --out PATH`: exit 6 when an item was left out.
pub fn export(
    vault: &Vault,
    snapshot: &str,
    options: &ExportOptions,
    out: &Path,
    quiet: bool,
    cancel: &Cancel,
) -> Result<(), Failure> {
    let snapshot = vault.find_snapshot(snapshot)?;
    let console = Console::new(quiet);
    let result = engine::export(vault, &snapshot, options, out, &console, cancel);
    console.finish();
    let summary = result?;
    outln!(
        "{}",
        t!(
            "export-done",
            count = summary.count,
            size = text::bytes(summary.bytes),
            out = summary.out.display().to_string()
        )
    );
    for item in &summary.left_out {
        outln!("  {}", t!("export-left-out-item", path = item.path.clone(), reason = item.reason.clone()));
    }
    match summary.left_out.first() {
        None => Ok(()),
        Some(first) => Err(Failure {
            code: super::exit::INCOMPLETE,
            message: t!("export-incomplete", count = summary.left_out.len(), first = first.reason.clone()),
        }),
    }
}
