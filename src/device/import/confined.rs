//! Opening the files that someone else's backup, or a folder being backed up, names, without letting a name
//! lead anywhere else: only a regular file inside the given folder is ever opened.
//!
//! A crafted iPhone backup can list `../../../../etc/passwd` as a file id, put a symbolic link to
//! `/etc/shadow` where a content file belongs, or swap a folder for a link between the walk and the read; an
//! SD card can hold a FIFO that blocks any reader forever. So every open here checks the entry without
//! following links first, opens with `O_NOFOLLOW | O_NONBLOCK` on unix (a link swapped in afterwards fails the
//! open, a FIFO cannot block it), checks again on the opened handle that it is a regular file, and finally
//! checks the path the handle really has against the folder. Shared by the importers and `device::folder`.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Why a file was not opened. It is wrapped in an [`io::Error`] so that callers report it the way they report
/// any other read failure, with the path in front.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The entry is a symbolic link.
    #[error("it is a symbolic link (to \"{target}\"), and only regular files inside the folder are read")]
    Link {
        /// Where the link points, as stored.
        target: String,
    },
    /// The entry is a folder, a FIFO, a socket or a device.
    #[error("it is {kind}, not a regular file, and only regular files are read")]
    NotRegular {
        /// "a folder", "a FIFO (named pipe)", ...
        kind: &'static str,
    },
    /// The opened file turned out to be somewhere else.
    #[error("it leads outside \"{root}\" (to \"{real}\"), and only files inside it are read")]
    Outside {
        /// The folder files must be inside.
        root: PathBuf,
        /// Where the opened file really is.
        real: PathBuf,
    },
}

impl From<Refused> for io::Error {
    fn from(refused: Refused) -> Self {
        io::Error::new(io::ErrorKind::InvalidInput, refused)
    }
}

/// What sort of non-regular entry `meta` describes, in words.
pub(crate) fn kind_of(meta: &Metadata) -> &'static str {
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return "a folder";
    }
    if file_type.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// The metadata of `path` if it is a regular file, read without following a link.
pub(crate) fn regular_metadata(path: &Path) -> io::Result<Metadata> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        let target = fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
        return Err(Refused::Link { target }.into());
    }
    if !meta.is_file() {
        return Err(Refused::NotRegular { kind: kind_of(&meta) }.into());
    }
    Ok(meta)
}

/// Opens `path` for reading if it is a regular file inside `root` (which must be canonical), never following
/// a link in its last component and never blocking on a FIFO.
pub(crate) fn open_inside(root: &Path, path: &Path) -> io::Result<File> {
    if !path.starts_with(root) {
        return Err(Refused::Outside { root: root.to_path_buf(), real: path.to_path_buf() }.into());
    }
    regular_metadata(path)?;
    let file = open_nofollow(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Refused::NotRegular { kind: kind_of(&meta) }.into());
    }
    // A folder on the way could have been a link all along, or been swapped for one since the walk.
    let real = real_path(&file, path)?;
    if !real.starts_with(root) {
        return Err(Refused::Outside { root: root.to_path_buf(), real }.into());
    }
    Ok(file)
}

/// Opens a file the person chose (an export to import): links are followed, because the person named the
/// path, but anything other than a regular file is refused before it is opened, and the open cannot block.
pub(crate) fn open_regular(path: &Path) -> io::Result<File> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Refused::NotRegular { kind: kind_of(&meta) }.into());
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Refused::NotRegular { kind: kind_of(&meta) }.into());
    }
    Ok(file)
}

fn open_nofollow(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK only matters for FIFOs and devices (a regular file reads the same), which are refused
        // right after the open; without it, opening a FIFO would wait for a writer forever.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return Refused::Link { target: String::new() }.into();
        }
        e
    })
}

/// Where the opened file really is: asked of the handle itself where the system can tell (Linux), else the
/// canonical form of the path.
fn real_path(file: &File, path: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(real) = fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
            return Ok(real);
        }
    }
    let _ = file;
    fs::canonicalize(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn refusal(result: io::Result<File>) -> String {
        let error = result.expect_err("refused");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
        error.to_string()
    }

    #[test]
    fn opens_regular_files_inside_and_nothing_else() {
        let work = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(work.path()).unwrap().join("root");
        let outside = root.with_file_name("secret");
        fs::create_dir_all(root.join("ab")).unwrap();
        fs::write(&outside, b"secret").unwrap();
        fs::write(root.join("ab/file"), b"ok").unwrap();
        assert!(open_inside(&root, &root.join("ab/file")).is_ok());

        std::os::unix::fs::symlink(&outside, root.join("ab/link")).unwrap();
        assert!(refusal(open_inside(&root, &root.join("ab/link"))).contains("symbolic link"));
        assert!(refusal(open_inside(&root, &root.join("../secret"))).contains("outside"));
        // A folder on the way that is a link: the last component is a regular file, the real path is not inside.
        std::os::unix::fs::symlink(work.path(), root.join("cd")).unwrap();
        assert!(refusal(open_inside(&root, &root.join("cd/secret"))).contains("outside"));
        assert!(refusal(open_inside(&root, &root.join("ab"))).contains("a folder"));

        let fifo = root.join("pipe");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c_path` is a valid NUL-terminated path that lives across the call.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        assert!(refusal(open_inside(&root, &fifo)).contains("FIFO"));
        assert!(refusal(open_regular(&fifo)).contains("FIFO"));
    }
}
