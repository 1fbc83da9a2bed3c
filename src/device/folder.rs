//! A folder as a device: an SD card, a phone mounted as a disk, any directory. Files are sorted into
//! categories by where they live and what they are; restore writes them back without ever leaving the target.

use std::fs::{self, Metadata};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::data::{Category, CategorySet, ItemPath};
use crate::device::import::confined;
use crate::engine::Cancel;

use super::{
    CancellableSink, CategorySummary, Device, DeviceError, DeviceIdentity, DeviceKind, Entry, EntryKind,
    Meta, RestoreCount, RestorePolicy, Restorer, Tally, WalkSink,
};

/// Folders whose whole content counts as photos & videos, matched case-insensitively anywhere in the path.
const MEDIA_FOLDERS: [&str; 4] = ["dcim", "pictures", "movies", "camera"];

/// Extensions of photos and videos cameras and phones produce.
const MEDIA_EXTENSIONS: [&str; 22] = [
    "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "dng", "raw", "cr2", "nef", "arw", "bmp",
    "tif", "tiff", "mp4", "mov", "m4v", "3gp", "mkv", "webm",
];

/// Decides which category an item of a folder belongs to.
pub fn classify(path: &ItemPath) -> Category {
    let extension = path.extension();
    let ext = extension.as_deref().unwrap_or("");
    if ext == "vcf" || ext == "vcard" {
        return Category::Contacts;
    }
    let in_media_folder =
        path.components().any(|c| MEDIA_FOLDERS.iter().any(|folder| c.eq_ignore_ascii_case(folder)));
    if in_media_folder || MEDIA_EXTENSIONS.contains(&ext) { Category::Photos } else { Category::Files }
}

/// A directory tree seen as a device.
pub struct FolderDevice {
    root: PathBuf,
    identity: DeviceIdentity,
}

impl FolderDevice {
    /// Opens `root`, which must be an existing directory.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, DeviceError> {
        let root = root.into();
        let canonical = fs::canonicalize(&root).map_err(|e| DeviceError::io("open", &root, e))?;
        if !canonical.is_dir() {
            return Err(DeviceError::io(
                "open",
                &root,
                io::Error::new(io::ErrorKind::NotADirectory, "not a folder"),
            ));
        }
        let name = canonical
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| canonical.display().to_string());
        let identity = DeviceIdentity {
            kind: DeviceKind::Folder,
            name,
            manufacturer: None,
            model: None,
            serial: canonical.display().to_string(),
            os_version: None,
        };
        Ok(Self { root: canonical, identity })
    }

    /// Creates `root` if needed (private to the user: it will hold a person's data), then opens it: the usual
    /// way to get a restore target.
    pub fn create(root: impl Into<PathBuf>) -> Result<Self, DeviceError> {
        let root = root.into();
        crate::paths::create_private_dir_all(&root).map_err(|e| DeviceError::io("create", &root, e))?;
        Self::new(root)
    }

    /// The folder's absolute path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn local_path(&self, path: &ItemPath) -> PathBuf {
        path.components().fold(self.root.clone(), |acc, c| acc.join(c))
    }

    /// Walks the tree depth-first in name order, without following links.
    fn visit(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        let mut stack = vec![Pending::Dir(self.root.clone(), None)];
        while let Some(pending) = stack.pop() {
            let (dir, item) = match pending {
                Pending::Item(path, item, meta) => {
                    self.emit(path, item, &meta, categories, sink)?;
                    continue;
                }
                Pending::Dir(dir, item) => (dir, item),
            };
            let children = match read_dir_sorted(&dir) {
                Ok(children) => children,
                Err(e) if item.is_some() => {
                    sink.skipped(display(&item), format!("cannot list this folder: {e}"));
                    continue;
                }
                Err(e) => return Err(DeviceError::io("list", &dir, e)),
            };
            if children.is_empty()
                && let Some(item) = item
            {
                let category = classify(&item);
                if categories.contains(category) {
                    let meta = fs::symlink_metadata(&dir).map_err(|e| DeviceError::io("read", &dir, e))?;
                    sink.entry(entry_for(item, category, EntryKind::Dir, &meta))?;
                }
                continue;
            }
            // Pushed in reverse so that popping visits names in ascending order.
            for (name, path) in children.into_iter().rev() {
                let Some(name) = name.to_str() else {
                    let shown = path.display().to_string();
                    sink.skipped(shown, "the name is not valid UTF-8 and cannot be stored faithfully".into());
                    continue;
                };
                let child = match &item {
                    None => ItemPath::new(name),
                    Some(parent) => parent.join(name),
                };
                let child = match child {
                    Ok(child) => child,
                    Err(e) => {
                        sink.skipped(path.display().to_string(), e.to_string());
                        continue;
                    }
                };
                match fs::symlink_metadata(&path) {
                    Ok(meta) if meta.is_dir() => stack.push(Pending::Dir(path, Some(child))),
                    Ok(meta) => stack.push(Pending::Item(path, child, meta)),
                    Err(e) => sink.skipped(child.to_string(), format!("cannot read: {e}")),
                }
            }
        }
        Ok(())
    }

    fn emit(
        &self,
        path: PathBuf,
        item: ItemPath,
        meta: &Metadata,
        categories: &CategorySet,
        sink: &mut dyn WalkSink,
    ) -> Result<(), DeviceError> {
        let category = classify(&item);
        if !categories.contains(category) {
            return Ok(());
        }
        let file_type = meta.file_type();
        if file_type.is_symlink() {
            let target = fs::read_link(&path).map_err(|e| DeviceError::io("read", &path, e))?;
            let Some(target) = target.to_str() else {
                sink.skipped(item.to_string(), "the link target is not valid UTF-8".into());
                return Ok(());
            };
            let kind = EntryKind::Symlink { target: target.to_string() };
            sink.entry(entry_for(item, category, kind, meta))
        } else if file_type.is_file() {
            sink.entry(entry_for(item, category, EntryKind::File, meta))
        } else {
            sink.skipped(item.to_string(), "not a regular file (a device, pipe or socket)".into());
            Ok(())
        }
    }
}

/// Work left in a walk.
enum Pending {
    Dir(PathBuf, Option<ItemPath>),
    Item(PathBuf, ItemPath, Metadata),
}

fn display(item: &Option<ItemPath>) -> String {
    item.as_ref().map(ToString::to_string).unwrap_or_else(|| "/".into())
}

fn read_dir_sorted(dir: &Path) -> io::Result<Vec<(std::ffi::OsString, PathBuf)>> {
    let mut children = fs::read_dir(dir)?
        .map(|entry| entry.map(|e| (e.file_name(), e.path())))
        .collect::<io::Result<Vec<_>>>()?;
    children.sort();
    Ok(children)
}

fn entry_for(path: ItemPath, category: Category, kind: EntryKind, meta: &Metadata) -> Entry {
    let size = if kind == EntryKind::File { meta.len() } else { 0 };
    let mtime_ns = filetime::FileTime::from_last_modification_time(meta);
    let mtime_ns = mtime_ns.unix_seconds().saturating_mul(1_000_000_000) + i64::from(mtime_ns.nanoseconds());
    Entry { path, category, kind, size, mtime_ns: Some(mtime_ns), mode: unix_mode(meta), meta: Meta::new() }
}

#[cfg(unix)]
fn unix_mode(meta: &Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn unix_mode(_meta: &Metadata) -> Option<u32> {
    None
}

impl Device for FolderDevice {
    fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    fn survey(&self, categories: &CategorySet, cancel: &Cancel) -> Result<Vec<CategorySummary>, DeviceError> {
        let mut tally = Tally::new(categories);
        self.visit(categories, &mut CancellableSink { inner: &mut tally, cancel })?;
        Ok(tally.0)
    }

    fn walk(&self, categories: &CategorySet, sink: &mut dyn WalkSink) -> Result<(), DeviceError> {
        self.visit(categories, sink)
    }

    fn open(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, DeviceError> {
        let path = self.local_path(&entry.path);
        // The walk did not follow links, and neither does the read: the item may have become a link (or a
        // folder on its way a link out of the folder) since it was listed.
        let file = confined::open_inside(&self.root, &path).map_err(|e| DeviceError::io("read", &path, e))?;
        Ok(Box::new(file))
    }

    fn restorer(&self, policy: RestorePolicy) -> Result<Box<dyn Restorer + '_>, DeviceError> {
        Ok(Box::new(FolderRestorer { root: self.root.clone(), policy, dir_times: Vec::new() }))
    }

    fn local_folder(&self) -> Option<&Path> {
        Some(&self.root)
    }
}

/// Writes items under a root folder, refusing anything that would land outside it.
struct FolderRestorer {
    root: PathBuf,
    policy: RestorePolicy,
    // Directory times are set last, because writing their children changes them.
    dir_times: Vec<(PathBuf, i64)>,
}

impl FolderRestorer {
    /// Resolves `item` under the root, creating its parent folders, and refusing links on the way: a link
    /// planted in the target must not carry a restore elsewhere.
    fn prepare(&self, item: &ItemPath) -> Result<PathBuf, DeviceError> {
        let components: Vec<&str> = item.components().collect();
        let mut path = self.root.clone();
        for (index, component) in components.iter().enumerate() {
            check_component(item, component)?;
            path.push(component);
            if index + 1 == components.len() {
                break;
            }
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(DeviceError::UnsafeName {
                        name: item.to_string(),
                        reason: format!("\"{}\" on the target is a link", path.display()),
                    });
                }
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(DeviceError::AlreadyExists(path)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    crate::paths::create_private_dir(&path)
                        .map_err(|e| DeviceError::io("create", &path, e))?;
                }
                Err(e) => return Err(DeviceError::io("read", &path, e)),
            }
        }
        Ok(path)
    }

    fn make_room(&self, path: &Path) -> Result<(), DeviceError> {
        match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(DeviceError::io("read", path, e)),
            Ok(_) if !self.policy.overwrite => Err(DeviceError::AlreadyExists(path.to_path_buf())),
            Ok(meta) if meta.is_dir() => Err(DeviceError::AlreadyExists(path.to_path_buf())),
            Ok(_) => fs::remove_file(path).map_err(|e| DeviceError::io("replace", path, e)),
        }
    }

    fn write_file(&self, entry: &Entry, path: &Path, content: &mut dyn Read) -> Result<(), DeviceError> {
        let parent = path.parent().unwrap_or(&self.root);
        let mut part = tempfile::Builder::new()
            .prefix(".lifeboat-")
            .suffix(".part")
            .tempfile_in(parent)
            .map_err(|e| DeviceError::io("write", parent, e))?;
        let written = io::copy(content, part.as_file_mut()).map_err(|e| DeviceError::io("write", path, e))?;
        if written != entry.size {
            return Err(DeviceError::io(
                "write",
                path,
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the backup holds {written} bytes but {} were expected", entry.size),
                ),
            ));
        }
        part.as_file_mut().flush().map_err(|e| DeviceError::io("write", path, e))?;
        set_mode(part.path(), entry.mode);
        self.make_room(path)?;
        part.persist(path).map_err(|e| DeviceError::io("write", path, e.error))?;
        if let Some(mtime) = entry.mtime_ns {
            filetime::set_symlink_file_times(path, file_time(mtime), file_time(mtime))
                .map_err(|e| DeviceError::io("set the time of", path, e))?;
        }
        Ok(())
    }
}

/// Checks one component again on the target platform: what is a plain character on a phone can be a
/// separator or a drive letter here.
fn check_component(item: &ItemPath, component: &str) -> Result<(), DeviceError> {
    let unsafe_here = if cfg!(windows) {
        component.contains(['\\', ':']) || component.ends_with(['.', ' '])
    } else {
        false
    };
    if unsafe_here {
        return Err(DeviceError::UnsafeName {
            name: item.to_string(),
            reason: format!("\"{component}\" is not a valid file name on this system"),
        });
    }
    Ok(())
}

fn file_time(ns: i64) -> filetime::FileTime {
    filetime::FileTime::from_unix_time(ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: Option<u32>) {
    use std::os::unix::fs::PermissionsExt;
    if let Some(mode) = mode {
        // Never restore set-uid/set-gid bits from a backup: they are a privilege, not data. Nor the group's
        // and others' bits: restored files are a person's data, private to them (the owner's bits, such as
        // "executable", are kept).
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o700));
    }
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: Option<u32>) {}

impl Restorer for FolderRestorer {
    fn restore(&mut self, entry: &Entry, content: &mut dyn Read) -> Result<RestoreCount, DeviceError> {
        let path = self.prepare(&entry.path)?;
        match &entry.kind {
            EntryKind::File => self.write_file(entry, &path, content)?,
            EntryKind::Dir => {
                match fs::symlink_metadata(&path) {
                    Ok(meta) if meta.is_dir() => {}
                    Ok(_) => return Err(DeviceError::AlreadyExists(path)),
                    Err(_) => crate::paths::create_private_dir(&path)
                        .map_err(|e| DeviceError::io("create", &path, e))?,
                }
                if let Some(mtime) = entry.mtime_ns {
                    self.dir_times.push((path, mtime));
                }
            }
            EntryKind::Symlink { target } => {
                self.make_room(&path)?;
                make_symlink(target, &path)?;
                if let Some(mtime) = entry.mtime_ns {
                    let _ = filetime::set_symlink_file_times(&path, file_time(mtime), file_time(mtime));
                }
            }
        }
        Ok(RestoreCount::one_restored())
    }

    fn finish(&mut self) -> Result<RestoreCount, DeviceError> {
        for (path, mtime) in self.dir_times.drain(..).rev() {
            filetime::set_file_mtime(&path, file_time(mtime))
                .map_err(|e| DeviceError::io("set the time of", &path, e))?;
        }
        Ok(RestoreCount::default())
    }
}

#[cfg(unix)]
fn make_symlink(target: &str, path: &Path) -> Result<(), DeviceError> {
    std::os::unix::fs::symlink(target, path).map_err(|e| DeviceError::io("create the link", path, e))
}

#[cfg(not(unix))]
fn make_symlink(_target: &str, path: &Path) -> Result<(), DeviceError> {
    Err(DeviceError::UnsafeName {
        name: path.display().to_string(),
        reason: "symbolic links cannot be restored on this system".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(path: &str) -> ItemPath {
        ItemPath::new(path).unwrap()
    }

    #[test]
    fn classifies_by_folder_and_extension() {
        assert_eq!(classify(&item("DCIM/Camera/IMG_1.JPG")), Category::Photos);
        assert_eq!(classify(&item("dcim/.thumbnails/x.db")), Category::Photos);
        assert_eq!(classify(&item("Download/clip.mp4")), Category::Photos);
        assert_eq!(classify(&item("backup/Contacts.VCF")), Category::Contacts);
        assert_eq!(classify(&item("Documents/tax.pdf")), Category::Files);
    }

    struct Collect(Vec<Entry>, Vec<String>);
    impl WalkSink for Collect {
        fn entry(&mut self, entry: Entry) -> Result<(), DeviceError> {
            self.0.push(entry);
            Ok(())
        }
        fn unavailable(&mut self, _: Category, _: String) {}
        fn skipped(&mut self, what: String, _: String) {
            self.1.push(what);
        }
    }

    #[test]
    fn walks_in_name_order_and_filters_categories() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("DCIM/Camera")).unwrap();
        fs::create_dir_all(dir.path().join("empty")).unwrap();
        fs::write(dir.path().join("DCIM/Camera/b.jpg"), b"b").unwrap();
        fs::write(dir.path().join("DCIM/Camera/a.jpg"), b"aa").unwrap();
        fs::write(dir.path().join("me.vcf"), b"BEGIN:VCARD").unwrap();
        let device = FolderDevice::new(dir.path()).unwrap();
        let mut all = Collect(Vec::new(), Vec::new());
        device.walk(&CategorySet::all(), &mut all).unwrap();
        let paths: Vec<&str> = all.0.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["DCIM/Camera/a.jpg", "DCIM/Camera/b.jpg", "empty", "me.vcf"]);

        let summary = device.survey(&CategorySet::parse_list("photos").unwrap(), &Cancel::new()).unwrap();
        assert_eq!((summary[0].items, summary[0].bytes), (2, 3));
    }

    #[test]
    fn restore_refuses_existing_files_and_links_on_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = FolderDevice::new(dir.path()).unwrap();
        let mut restorer = target.restorer(RestorePolicy::default()).unwrap();
        let entry = Entry::file(item("a/b.txt"), Category::Files, 2, Some(1_600_000_000_000_000_000));
        restorer.restore(&entry, &mut &b"hi"[..]).unwrap();
        assert_eq!(fs::read(dir.path().join("a/b.txt")).unwrap(), b"hi");
        let again = restorer.restore(&entry, &mut &b"hi"[..]);
        assert!(matches!(again, Err(DeviceError::AlreadyExists(_))));

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path(), dir.path().join("evil")).unwrap();
            let through_link = Entry::file(item("evil/x.txt"), Category::Files, 1, None);
            let result = restorer.restore(&through_link, &mut &b"x"[..]);
            assert!(matches!(result, Err(DeviceError::UnsafeName { .. })));
            assert!(!outside.path().join("x.txt").exists());
        }
    }
}
