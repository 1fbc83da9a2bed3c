//! The phone's file system, backed by `STATE/fs/`: Android paths, Android permissions, Android quirks.
//!
//! - `/sdcard` and `/storage/self/primary` are links to `/storage/emulated/0`, as on every phone since 4.2.
//! - The shell may read and write shared storage and `/data/local/tmp`, read installed APKs (but not list
//!   `/data`), and nothing else; refusals carry the errno a phone would send.
//! - A hostile profile adds *phantom* entries (`quirks.json`): names no host file system can hold (`../x`,
//!   300-byte names, control characters, invalid UTF-8) and files whose content never ends. They exist
//!   only on the wire, which is exactly where a malicious phone would put them.
//!
//! Paths arrive as bytes and are normalised like a chroot: `..` never climbs above `/`, so nothing a host
//! sends can reach outside the state folder.

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where shared storage really lives.
pub const SHARED_STORAGE: &str = "/storage/emulated/0";

/// Links every phone has, as (link, target).
const LINKS: [(&str, &str); 2] =
    [("/sdcard", "/storage/self/primary"), ("/storage/self/primary", SHARED_STORAGE)];

/// Linux errno values, as adbd puts them on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errno {
    /// ENOENT
    NotFound = 2,
    /// EIO
    Io = 5,
    /// EACCES
    Denied = 13,
    /// EEXIST
    Exists = 17,
    /// ENOTDIR
    NotDir = 20,
    /// EISDIR
    IsDir = 21,
    /// EINVAL
    Invalid = 22,
    /// EROFS
    ReadOnly = 30,
    /// ENAMETOOLONG
    NameTooLong = 36,
}

impl Errno {
    /// `strerror()` as bionic words it.
    pub fn message(self) -> &'static str {
        match self {
            Errno::NotFound => "No such file or directory",
            Errno::Io => "I/O error",
            Errno::Denied => "Permission denied",
            Errno::Exists => "File exists",
            Errno::NotDir => "Not a directory",
            Errno::IsDir => "Is a directory",
            Errno::Invalid => "Invalid argument",
            Errno::ReadOnly => "Read-only file system",
            Errno::NameTooLong => "File name too long",
        }
    }

    /// The errno number.
    pub fn code(self) -> u32 {
        self as u32
    }

    fn from_io(error: &io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::NotFound => Errno::NotFound,
            io::ErrorKind::PermissionDenied => Errno::Denied,
            io::ErrorKind::AlreadyExists => Errno::Exists,
            io::ErrorKind::NotADirectory => Errno::NotDir,
            io::ErrorKind::IsADirectory => Errno::IsDir,
            io::ErrorKind::InvalidInput => Errno::Invalid,
            _ => Errno::Io,
        }
    }
}

/// File type bits.
pub const S_IFDIR: u32 = 0o040000;
/// Regular file.
pub const S_IFREG: u32 = 0o100000;
/// Symbolic link.
pub const S_IFLNK: u32 = 0o120000;

/// What `stat()` says about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VStat {
    /// Device number.
    pub dev: u64,
    /// Inode number.
    pub ino: u64,
    /// Type and permission bits.
    pub mode: u32,
    /// Hard links.
    pub nlink: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Size in bytes.
    pub size: u64,
    /// Access time, seconds.
    pub atime: i64,
    /// Modification time, seconds.
    pub mtime: i64,
    /// Change time, seconds.
    pub ctime: i64,
}

impl VStat {
    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & 0o170000 == S_IFDIR
    }

    /// Whether this is a symbolic link.
    pub fn is_link(&self) -> bool {
        self.mode & 0o170000 == S_IFLNK
    }
}

/// A phantom entry of a hostile phone: listed in `dir`, served from memory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Phantom {
    /// The directory that lists it (a clean path).
    pub dir: String,
    /// The raw name bytes, in hex, since they need not be UTF-8.
    pub name_hex: String,
    /// The content.
    pub content_hex: String,
    /// Modification time, seconds.
    pub mtime: i64,
}

/// The quirks of a hostile phone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Quirks {
    /// Files whose `stat` gives their real (small) size but whose content never ends when read.
    #[serde(default)]
    pub endless: Vec<String>,
    /// Entries with names no host file system could hold.
    #[serde(default)]
    pub phantoms: Vec<Phantom>,
}

/// The phone's file system.
pub struct Vfs {
    root: PathBuf,
    quirks: Quirks,
}

/// Turns wire bytes into a host path component.
#[cfg(unix)]
fn os_name(bytes: &[u8]) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(bytes)
}

#[cfg(not(unix))]
fn os_name(bytes: &[u8]) -> std::ffi::OsString {
    String::from_utf8_lossy(bytes).into_owned().into()
}

/// Turns a host name into wire bytes.
#[cfg(unix)]
pub fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

#[cfg(not(unix))]
pub fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().into_owned().into_bytes()
}

/// Normalises a wire path: absolute, no `.`/`..`/empty components, `..` stopping at `/`.
pub fn normalize(path: &[u8]) -> Vec<Vec<u8>> {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            _ => parts.push(part.to_vec()),
        }
    }
    parts
}

/// Joins components back into an absolute path.
pub fn join(parts: &[Vec<u8>]) -> Vec<u8> {
    if parts.is_empty() {
        return b"/".to_vec();
    }
    let mut out = Vec::new();
    for part in parts {
        out.push(b'/');
        out.extend_from_slice(part);
    }
    out
}

fn starts_with(path: &[u8], prefix: &str) -> bool {
    let prefix = prefix.as_bytes();
    path == prefix || (path.starts_with(prefix) && path.get(prefix.len()) == Some(&b'/'))
}

/// Follows the phone's built-in links through a clean path.
fn follow_links(mut path: Vec<u8>) -> Vec<u8> {
    // Two links, each followed at most once per pass: a handful of passes always reaches the end.
    for _ in 0..4 {
        let mut changed = false;
        for (link, target) in LINKS {
            if starts_with(&path, link) {
                let mut next = target.as_bytes().to_vec();
                next.extend_from_slice(&path[link.len()..]);
                path = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    path
}

/// How far the shell user may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    List,
    Write,
}

fn allowed(path: &[u8], access: Access) -> Result<(), Errno> {
    let writable = starts_with(path, SHARED_STORAGE) || starts_with(path, "/data/local/tmp");
    match access {
        Access::Write if writable => Ok(()),
        Access::Write if starts_with(path, "/system") || starts_with(path, "/product") => {
            Err(Errno::ReadOnly)
        }
        Access::Write => Err(Errno::Denied),
        _ if writable => Ok(()),
        // APKs are world-readable files inside unlistable folders: `pm path` then `pull` works on a phone.
        Access::Read if starts_with(path, "/data/app") => Ok(()),
        _ if starts_with(path, "/data") => Err(Errno::Denied),
        _ => Ok(()),
    }
}

impl Vfs {
    /// The file system rooted at `root` (`STATE/fs`).
    pub fn new(root: PathBuf, quirks: Quirks) -> Self {
        Self { root, quirks }
    }

    /// The host path of a clean, link-free phone path.
    pub fn host_path(&self, clean: &[u8]) -> PathBuf {
        let mut host = self.root.clone();
        for part in normalize(clean) {
            host.push(os_name(&part));
        }
        host
    }

    /// Resolves what a host asked for to a clean phone path with the links followed (not the last
    /// component's when `follow_last` is false).
    pub fn resolve(&self, path: &[u8], follow_last: bool) -> Vec<u8> {
        let parts = normalize(path);
        if follow_last || parts.is_empty() {
            return follow_links(join(&parts));
        }
        let (last, parents) = parts.split_last().map(|(l, p)| (l.clone(), p.to_vec())).unwrap_or_default();
        let mut resolved = follow_links(join(&parents));
        if resolved != b"/" {
            resolved.push(b'/');
        }
        resolved.extend_from_slice(&last);
        resolved
    }

    fn phantom(&self, raw: &[u8]) -> Option<(&Phantom, Vec<u8>)> {
        self.quirks.phantoms.iter().find_map(|p| {
            let name = hex::decode(&p.name_hex).ok()?;
            let mut full = p.dir.as_bytes().to_vec();
            full.push(b'/');
            full.extend_from_slice(&name);
            (full == raw).then_some((p, name))
        })
    }

    fn link_target(clean: &[u8]) -> Option<&'static str> {
        LINKS.iter().find(|(link, _)| link.as_bytes() == clean).map(|(_, target)| *target)
    }

    /// `stat` (`follow` true) or `lstat` of a path.
    pub fn stat(&self, path: &[u8], follow: bool) -> Result<VStat, Errno> {
        if let Some((phantom, _)) = self.phantom(path) {
            let size = (phantom.content_hex.len() / 2) as u64;
            return Ok(file_stat(size, phantom.mtime, 0x7fff_0000 + path.len() as u64));
        }
        let clean = self.resolve(path, follow);
        if let Some(target) = Self::link_target(&clean) {
            return Ok(VStat {
                mode: S_IFLNK | 0o777,
                size: target.len() as u64,
                nlink: 1,
                ..VStat::default()
            });
        }
        let parent = &clean[..clean.iter().rposition(|&b| b == b'/').unwrap_or(0).max(1)];
        if clean != b"/" {
            allowed(parent, Access::List).or_else(|_| allowed(&clean, Access::Read))?;
        }
        let metadata = fs::metadata(self.host_path(&clean)).map_err(|e| Errno::from_io(&e))?;
        Ok(self.describe(&clean, &metadata))
    }

    fn describe(&self, clean: &[u8], metadata: &Metadata) -> VStat {
        let shared = starts_with(clean, SHARED_STORAGE);
        let mtime = mtime_secs(metadata);
        let (ino, dev, nlink) = host_ids(metadata);
        if metadata.is_dir() {
            let mode = if shared { S_IFDIR | 0o2770 } else { S_IFDIR | 0o755 };
            let (uid, gid) = if shared { (10_182, 1023) } else { (0, 0) };
            return VStat { dev, ino, mode, nlink, uid, gid, size: 3452, atime: mtime, mtime, ctime: mtime };
        }
        let (mode, uid, gid) = if shared { (S_IFREG | 0o660, 10_182, 1023) } else { (S_IFREG | 0o644, 0, 0) };
        VStat { dev, ino, mode, nlink, uid, gid, size: metadata.len(), atime: mtime, mtime, ctime: mtime }
    }

    /// Lists a directory as `readdir` would, `.` and `..` included; `Err` where `opendir` fails.
    pub fn list(&self, path: &[u8]) -> Result<Vec<(Vec<u8>, VStat)>, Errno> {
        let clean = self.resolve(path, true);
        allowed(&clean, Access::List)?;
        let host = self.host_path(&clean);
        let own = fs::metadata(&host).map_err(|e| Errno::from_io(&e))?;
        if !own.is_dir() {
            return Err(Errno::NotDir);
        }
        let mut entries = vec![(b".".to_vec(), self.describe(&clean, &own))];
        let parent = normalize(&clean).split_last().map(|(_, p)| join(p)).unwrap_or_else(|| b"/".to_vec());
        if let Ok(metadata) = fs::metadata(self.host_path(&parent)) {
            entries.push((b"..".to_vec(), self.describe(&parent, &metadata)));
        }
        let mut names = Vec::new();
        for entry in fs::read_dir(&host).map_err(|e| Errno::from_io(&e))? {
            let entry = entry.map_err(|e| Errno::from_io(&e))?;
            names.push(name_bytes(&entry.file_name()));
        }
        for (link, _) in LINKS {
            let link = link.as_bytes();
            let split = link.iter().rposition(|&b| b == b'/').unwrap_or(0);
            let dir = if split == 0 { &b"/"[..] } else { &link[..split] };
            if dir == clean.as_slice() {
                names.push(link[split + 1..].to_vec());
            }
        }
        names.sort();
        for name in names {
            let mut child = clean.clone();
            if child != b"/" {
                child.push(b'/');
            }
            child.extend_from_slice(&name);
            if let Ok(stat) = self.stat(&child, false) {
                entries.push((name, stat));
            }
        }
        for phantom in self.quirks.phantoms.iter().filter(|p| p.dir.as_bytes() == clean.as_slice()) {
            if let Ok(name) = hex::decode(&phantom.name_hex) {
                let size = (phantom.content_hex.len() / 2) as u64;
                let stat = file_stat(size, phantom.mtime, 0x7fff_0000 + name.len() as u64);
                entries.push((name, stat));
            }
        }
        Ok(entries)
    }

    /// Opens a file for reading.
    pub fn open(&self, path: &[u8]) -> Result<Box<dyn Read + Send>, Errno> {
        if let Some((phantom, _)) = self.phantom(path) {
            let content = hex::decode(&phantom.content_hex).map_err(|_| Errno::Io)?;
            return Ok(Box::new(io::Cursor::new(content)));
        }
        let clean = self.resolve(path, true);
        allowed(&clean, Access::Read)?;
        let host = self.host_path(&clean);
        if host.is_dir() {
            return Err(Errno::IsDir);
        }
        let file = File::open(&host).map_err(|e| Errno::from_io(&e))?;
        let clean_text = String::from_utf8_lossy(&clean);
        if self.quirks.endless.iter().any(|e| *e == clean_text) {
            return Ok(Box::new(Endless { seed: clean.len() as u64 }));
        }
        Ok(Box::new(file))
    }

    /// Creates (or truncates) a file for writing, creating missing folders as `fixed_push_mkdir` promises.
    pub fn create(&self, path: &[u8]) -> Result<(File, PathBuf), Errno> {
        let clean = self.resolve(path, true);
        allowed(&clean, Access::Write)?;
        if self.phantom(path).is_some() || normalize(&clean).iter().any(|p| p.len() > 255) {
            return Err(Errno::NameTooLong);
        }
        let host = self.host_path(&clean);
        if host.is_dir() {
            return Err(Errno::IsDir);
        }
        if let Some(parent) = host.parent() {
            fs::create_dir_all(parent).map_err(|e| Errno::from_io(&e))?;
        }
        let file = File::create(&host).map_err(|e| Errno::from_io(&e))?;
        Ok((file, host))
    }

    /// Creates a directory (and its parents when `parents`).
    pub fn mkdir(&self, path: &[u8], parents: bool) -> Result<(), Errno> {
        let clean = self.resolve(path, true);
        allowed(&clean, Access::Write)?;
        let host = self.host_path(&clean);
        let result = if parents { fs::create_dir_all(&host) } else { fs::create_dir(&host) };
        result.map_err(|e| Errno::from_io(&e))
    }

    /// Removes a file, or a directory tree when `recursive`.
    pub fn remove(&self, path: &[u8], recursive: bool) -> Result<(), Errno> {
        let clean = self.resolve(path, false);
        allowed(&clean, Access::Write)?;
        if clean.as_slice() == SHARED_STORAGE.as_bytes() {
            return Err(Errno::Denied);
        }
        let host = self.host_path(&clean);
        let metadata = fs::symlink_metadata(&host).map_err(|e| Errno::from_io(&e))?;
        let result = match (metadata.is_dir(), recursive) {
            (true, true) => fs::remove_dir_all(&host),
            (true, false) => return Err(Errno::IsDir),
            _ => fs::remove_file(&host),
        };
        result.map_err(|e| Errno::from_io(&e))
    }

    /// Sets a file's modification (and access) time, as adbd does after a push.
    pub fn set_mtime(&self, host: &Path, secs: i64) -> Result<(), Errno> {
        let time = filetime::FileTime::from_unix_time(secs, 0);
        filetime::set_file_times(host, time, time).map_err(|e| Errno::from_io(&e))
    }
}

fn file_stat(size: u64, mtime: i64, ino: u64) -> VStat {
    VStat {
        dev: 0x3a,
        ino,
        mode: S_IFREG | 0o660,
        nlink: 1,
        uid: 10_182,
        gid: 1023,
        size,
        atime: mtime,
        mtime,
        ctime: mtime,
    }
}

fn mtime_secs(metadata: &Metadata) -> i64 {
    filetime::FileTime::from_last_modification_time(metadata).unix_seconds()
}

#[cfg(unix)]
fn host_ids(metadata: &Metadata) -> (u64, u64, u32) {
    use std::os::unix::fs::MetadataExt;
    (metadata.ino(), metadata.dev(), u32::try_from(metadata.nlink()).unwrap_or(1))
}

#[cfg(not(unix))]
fn host_ids(_metadata: &Metadata) -> (u64, u64, u32) {
    (0, 0, 1)
}

/// Content that never ends: a hostile phone's answer to "how big is this file?" being a lie.
struct Endless {
    seed: u64,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        for byte in buf.iter_mut() {
            self.seed =
                self.seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            *byte = (self.seed >> 56) as u8;
        }
        Ok(buf.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_a_chroot() {
        assert_eq!(join(&normalize(b"/sdcard/../../../etc/passwd")), b"/etc/passwd");
        assert_eq!(join(&normalize(b"//a/./b/")), b"/a/b");
        assert_eq!(join(&normalize(b"..")), b"/");
    }

    #[test]
    fn follows_the_sdcard_links() {
        let vfs = Vfs::new(PathBuf::from("/nonexistent"), Quirks::default());
        assert_eq!(vfs.resolve(b"/sdcard/DCIM", true), b"/storage/emulated/0/DCIM");
        assert_eq!(vfs.resolve(b"/storage/self/primary", true), b"/storage/emulated/0");
        assert_eq!(vfs.resolve(b"/sdcard", false), b"/sdcard");
    }

    #[test]
    fn guards_private_places() {
        assert_eq!(allowed(b"/data/data/com.whatsapp", Access::List), Err(Errno::Denied));
        assert_eq!(allowed(b"/data/app/~~x/base.apk", Access::Read), Ok(()));
        assert_eq!(allowed(b"/data/app", Access::List), Err(Errno::Denied));
        assert_eq!(allowed(b"/system/x", Access::Write), Err(Errno::ReadOnly));
        assert_eq!(allowed(b"/storage/emulated/0/x", Access::Write), Ok(()));
        assert_eq!(allowed(b"/storage/emulated/01", Access::Write), Err(Errno::Denied));
    }

    #[test]
    fn lists_files_with_dot_entries_and_links() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("storage/emulated/0/DCIM")).unwrap();
        fs::create_dir_all(dir.path().join("storage/self")).unwrap();
        fs::write(dir.path().join("storage/emulated/0/DCIM/a.jpg"), b"jpeg").unwrap();
        let vfs = Vfs::new(dir.path().to_path_buf(), Quirks::default());
        let names: Vec<Vec<u8>> = vfs.list(b"/sdcard/DCIM").unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec![b".".to_vec(), b"..".to_vec(), b"a.jpg".to_vec()]);
        let root: Vec<Vec<u8>> = vfs.list(b"/").unwrap().into_iter().map(|(n, _)| n).collect();
        assert!(root.contains(&b"sdcard".to_vec()));
        assert!(vfs.stat(b"/sdcard", false).unwrap().is_link());
        assert!(vfs.stat(b"/sdcard", true).unwrap().is_dir());
        assert_eq!(vfs.stat(b"/sdcard/DCIM/a.jpg", true).unwrap().size, 4);
        assert_eq!(vfs.stat(b"/sdcard/nope", true), Err(Errno::NotFound));
    }
}
