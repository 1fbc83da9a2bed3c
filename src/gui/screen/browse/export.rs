//! The browser's Export buttons: contacts as vCard, conversations as one HTML page, calls as CSV, photos to a
//! folder (the restore engine onto a folder device) or into a .zip with their original bytes and dates. All
//! of them run on a job thread once the person has picked where to write.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::data::export::{HtmlOptions, write_calls_csv, write_threads_html};
use crate::data::vcard::{VcardWriteVersion, write_vcards};
use crate::data::{Category, CategorySet};
use crate::device::folder::FolderDevice;
use crate::engine::{self, Cancel, RestoreOptions, Silent};
use crate::gui::jobs::SharedVault;
use crate::t;

use super::load::Loaded;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Contacts → .vcf.
    Contacts,
    /// Conversations → .html.
    Messages,
    /// Call history → .csv.
    Calls,
    /// Photos → a folder.
    PhotosFolder,
    /// Photos → a .zip.
    PhotosZip,
}

impl Kind {
    /// The file name offered in the save dialog.
    pub fn suggested_name(self) -> &'static str {
        match self {
            Kind::Contacts => "contacts.vcf",
            Kind::Messages => "messages.html",
            Kind::Calls => "calls.csv",
            Kind::PhotosFolder => "Photos",
            Kind::PhotosZip => "photos.zip",
        }
    }
}

/// Asks where to write (a native dialog); `None` when the person cancels.
pub async fn pick(kind: Kind) -> Option<PathBuf> {
    let dialog = rfd::AsyncFileDialog::new().set_title(t!("gui-export-title"));
    let picked = match kind {
        Kind::PhotosFolder => dialog.pick_folder().await,
        _ => dialog.set_file_name(kind.suggested_name()).save_file().await,
    };
    picked.map(|handle| handle.path().to_path_buf())
}

/// Writes the export; says what was written.
pub fn run(vault: &SharedVault, loaded: &Arc<Loaded>, kind: Kind, to: &Path) -> Result<String, String> {
    let file = || std::fs::File::create(to).map_err(|e| format!("{}: {e}", to.display()));
    let count = match kind {
        Kind::Contacts => {
            file()?
                .write_all(write_vcards(&loaded.contacts, VcardWriteVersion::V3_0).as_bytes())
                .map_err(|e| e.to_string())?;
            loaded.contacts.len()
        }
        Kind::Messages => {
            let options = HtmlOptions { title: t!("gui-cat-messages"), ..HtmlOptions::default() };
            write_threads_html(&loaded.threads, &options, std::io::BufWriter::new(file()?))
                .map_err(|e| e.to_string())?;
            loaded.threads.iter().map(|t| t.messages.len()).sum()
        }
        Kind::Calls => {
            write_calls_csv(&loaded.calls, file()?).map_err(|e| e.to_string())?;
            loaded.calls.len()
        }
        Kind::PhotosFolder => {
            let target = FolderDevice::create(to).map_err(|e| e.to_string())?;
            let options = RestoreOptions {
                categories: Some(CategorySet::from_iter([Category::Photos])),
                ..RestoreOptions::default()
            };
            let summary =
                engine::restore(vault, &loaded.snapshot, &target, &options, &Silent, &Cancel::new())
                    .map_err(|e| e.to_string())?;
            summary.restored() as usize
        }
        Kind::PhotosZip => write_zip(vault, loaded, to)?,
    };
    Ok(t!("gui-exported", count = count, path = to.display().to_string()))
}

fn write_zip(vault: &SharedVault, loaded: &Loaded, to: &Path) -> Result<usize, String> {
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let blobs = vault.blobs(&loaded.index);
    for photo in &loaded.photos {
        let mut options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(photo.size >= u32::MAX as u64);
        if let Some(ns) = photo.mtime_ns {
            let c = crate::gui::clock::local(ns.div_euclid(1_000_000_000));
            if let Ok(date) = zip::DateTime::from_date_and_time(
                c.year.clamp(1980, 2107) as u16,
                c.month,
                c.day,
                c.hour,
                c.minute,
                c.second.min(58),
            ) {
                options = options.last_modified_time(date);
            }
        }
        zip.start_file(photo.path.as_str(), options).map_err(|e| e.to_string())?;
        let mut content = blobs.content(&photo.chunks);
        std::io::copy(&mut content, &mut zip).map_err(|e| match content.take_failure() {
            Some(vault) => format!("{}: {vault}", photo.path),
            None => format!("{}: {e}", photo.path),
        })?;
    }
    zip.finish().map_err(|e| e.to_string())?.flush().map_err(|e| e.to_string())?;
    Ok(loaded.photos.len())
}
