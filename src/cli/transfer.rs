//! `lifeboat import` and `lifeboat export`: bringing other tools' files in as snapshots, and taking a
//! snapshot's data out in open formats.

use std::path::Path;

use clap::ValueEnum;

use super::output::Console;
use super::{Failure, print_backup_summary};
use crate::data::CategorySet;
use crate::data::vcard::VcardWriteVersion;
use crate::device::Device;
use crate::device::document_import::{DocumentFileDevice, DocumentFormat};
use crate::engine::{self, BackupOptions, Cancel, ExportFormat};
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

/// Opens what `path` holds as a read-only device.
fn import_source(path: &Path) -> Result<Box<dyn Device>, Failure> {
    if !path.exists() {
        return Err(Failure::usage(t!("import-missing", path = path.display().to_string())));
    }
    if path.is_file() && DocumentFormat::detect(path).is_some() {
        return Ok(Box::new(DocumentFileDevice::open(path)?));
    }
    Err(Failure::usage(t!("import-unknown", path = path.display().to_string())))
}

/// `lifeboat import PATH`.
pub fn import(
    vault: &Vault,
    path: &Path,
    as_json: bool,
    quiet: bool,
    cancel: &Cancel,
) -> Result<(), Failure> {
    let device = import_source(path)?;
    let console = Console::new(quiet);
    let summary = engine::backup(vault, device.as_ref(), &BackupOptions::default(), &console, cancel);
    console.finish();
    print_backup_summary(&summary?, as_json);
    Ok(())
}

/// `lifeboat export SNAPSHOT --format F --out PATH`.
pub fn export(
    vault: &Vault,
    snapshot: &str,
    format: FormatArg,
    categories: Option<CategorySet>,
    out: &Path,
    quiet: bool,
    cancel: &Cancel,
) -> Result<(), Failure> {
    let snapshot = vault.find_snapshot(snapshot)?;
    let console = Console::new(quiet);
    let result = engine::export(vault, &snapshot, format.into(), categories.as_ref(), out, &console, cancel);
    console.finish();
    let summary = result?;
    println!(
        "{}",
        t!(
            "export-done",
            count = summary.count,
            size = text::bytes(summary.bytes),
            out = summary.out.display().to_string()
        )
    );
    Ok(())
}
