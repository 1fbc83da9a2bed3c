//! `Manifest.db`: the list of every file in an iPhone backup. Its `Files` table has one row per file, folder
//! and link: `fileID` (SHA-1 of `domain-relativePath`, also the file's name in the backup folder), `domain`
//! (`HomeDomain`, `CameraRollDomain`, `AppDomain-<bundle id>`...), `relativePath`, `flags` (1 file, 2 folder,
//! 4 link) and `file`, an NSKeyedArchiver property list of an `MBFile` with size, times, mode, protection class,
//! link target and, in encrypted backups, the file's wrapped key.

use std::io::Cursor;
use std::path::Path;

use plist::{Dictionary, Value};
use rusqlite::{Connection, OpenFlags};

/// What a row of `Manifest.db` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file (`flags` 1).
    File,
    /// A folder (`flags` 2).
    Directory,
    /// A symbolic link (`flags` 4) and where it points.
    Symlink {
        /// The link target as the iPhone had it (often an absolute `/var/mobile/...` path).
        target: String,
    },
}

/// One file, folder or link of an iPhone backup, as `Manifest.db` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    /// The SHA-1 name the file is stored under.
    pub file_id: String,
    /// Its domain (`HomeDomain`, `MediaDomain`, `AppDomain-com.example`...).
    pub domain: String,
    /// Its path inside the domain (empty for the domain's own folder).
    pub relative_path: String,
    /// File, folder or link.
    pub kind: FileKind,
    /// The size recorded on the iPhone, in bytes.
    pub size: u64,
    /// Last modification, in seconds since 1970, when recorded.
    pub mtime: Option<i64>,
    /// Unix mode bits (type and permissions), when recorded.
    pub mode: Option<u32>,
    /// Data-protection class, when recorded.
    pub protection_class: Option<u32>,
    /// The wrapped per-file key of encrypted backups: 4 bytes of class, 40 bytes of wrapped key.
    pub encryption_key: Option<Vec<u8>>,
}

impl BackupFile {
    /// `domain/relativePath`, the way people and tools name a backup file.
    pub fn display_name(&self) -> String {
        if self.relative_path.is_empty() {
            self.domain.clone()
        } else {
            format!("{}/{}", self.domain, self.relative_path)
        }
    }
}

/// A row of `Manifest.db` that is not used, and why: `domain/relativePath` (or the file id when those are
/// missing) and a sentence.
pub(crate) type RejectedRow = (String, String);

/// Reads every row of the `Files` table, ordered by domain and path. A row whose file id is not a SHA-1 (the
/// only names iOS gives stored files, and the guard against ids such as `../../etc/passwd`) or whose metadata
/// cannot be decoded is set aside with the reason; the other rows are still read.
pub(crate) fn read_files(db: &Path) -> Result<(Vec<BackupFile>, Vec<RejectedRow>), String> {
    let conn =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| e.to_string())?;
    let mut statement = conn
        .prepare("SELECT fileID, domain, relativePath, flags, file FROM Files ORDER BY domain, relativePath")
        .map_err(|e| e.to_string())?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, Option<i64>>(3)?,
                row.get::<_, Option<Vec<u8>>>(4)?,
            ))
        })
        .map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    let mut rejected = Vec::new();
    for row in rows {
        let (file_id, domain, relative_path, flags, blob) = row.map_err(|e| e.to_string())?;
        let name = match (&domain, &relative_path) {
            (Some(domain), Some(path)) if !path.is_empty() => format!("{domain}/{path}"),
            (Some(domain), _) => domain.clone(),
            (None, _) => format!("the row with file id \"{}\"", file_id.escape_debug()),
        };
        if !is_file_id(&file_id) {
            rejected.push((
                name,
                format!(
                    "its file id \"{}\" in Manifest.db is not 40 hexadecimal digits, so it cannot name a file \
                     of the backup; it was not read",
                    file_id.escape_debug()
                ),
            ));
            continue;
        }
        let metadata = match blob {
            Some(blob) => match decode_mbfile(&blob) {
                Ok(metadata) => metadata,
                Err(e) => {
                    rejected.push((
                        name,
                        format!("its metadata in Manifest.db (file id {file_id}) {e}; it was not read"),
                    ));
                    continue;
                }
            },
            None => MbFile::default(),
        };
        let kind = match flags.unwrap_or(1) {
            2 => FileKind::Directory,
            4 => FileKind::Symlink { target: metadata.target.clone().unwrap_or_default() },
            _ => FileKind::File,
        };
        files.push(BackupFile {
            file_id,
            domain: domain.unwrap_or_default(),
            relative_path: relative_path.unwrap_or_default(),
            kind,
            size: metadata.size,
            mtime: metadata.mtime,
            mode: metadata.mode,
            protection_class: metadata.protection_class,
            encryption_key: metadata.encryption_key,
        });
    }
    Ok((files, rejected))
}

/// Whether `id` is what iOS names stored files: a SHA-1 in 40 hexadecimal digits.
pub(crate) fn is_file_id(id: &str) -> bool {
    id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The fields of an `MBFile` that matter here.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct MbFile {
    pub(crate) size: u64,
    pub(crate) mtime: Option<i64>,
    pub(crate) mode: Option<u32>,
    pub(crate) protection_class: Option<u32>,
    pub(crate) target: Option<String>,
    pub(crate) encryption_key: Option<Vec<u8>>,
}

/// Decodes the NSKeyedArchiver plist of an `MBFile`: `$top.root` points into `$objects`, and fields that hold
/// objects (the link target, the key) are references (`UID`s) into the same array.
pub(crate) fn decode_mbfile(blob: &[u8]) -> Result<MbFile, String> {
    let archive = Value::from_reader(Cursor::new(blob))
        .map_err(|e| format!("is not a readable property list: {}", plist_problem(&e)))?;
    let archive = archive.as_dictionary().ok_or("is not an archive dictionary")?;
    let objects = archive.get("$objects").and_then(Value::as_array).ok_or("has no $objects")?;
    let root_ref = archive
        .get("$top")
        .and_then(Value::as_dictionary)
        .and_then(|top| top.get("root"))
        .ok_or("has no $top root")?;
    let root = resolve(objects, root_ref).and_then(Value::as_dictionary).ok_or("has no MBFile object")?;
    let int = |key: &str| -> Option<i64> {
        let value = resolve(objects, root.get(key)?)?;
        value
            .as_signed_integer()
            .or_else(|| value.as_unsigned_integer().map(|u| i64::try_from(u).unwrap_or(i64::MAX)))
    };
    let encryption_key =
        root.get("EncryptionKey").and_then(|v| resolve(objects, v)).and_then(|value| match value {
            Value::Data(data) => Some(data.clone()),
            Value::Dictionary(dict) => ns_data(objects, dict),
            _ => None,
        });
    Ok(MbFile {
        size: int("Size").and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
        mtime: int("LastModified"),
        mode: int("Mode").and_then(|m| u32::try_from(m).ok()),
        protection_class: int("ProtectionClass").and_then(|p| u32::try_from(p).ok()),
        target: root
            .get("Target")
            .and_then(|v| resolve(objects, v))
            .and_then(Value::as_string)
            .map(str::to_string),
        encryption_key,
    })
}

/// What is wrong with a property list, in a sentence (the plist crate's own text is a debug dump).
pub(crate) fn plist_problem(error: &plist::Error) -> String {
    if error.is_eof() { "it ends early".into() } else { "its contents are damaged".into() }
}

/// Follows a `UID` reference into `$objects`; any other value is itself.
fn resolve<'a>(objects: &'a [Value], value: &'a Value) -> Option<&'a Value> {
    match value {
        Value::Uid(uid) => objects.get(usize::try_from(uid.get()).ok()?),
        other => Some(other),
    }
}

/// The bytes of an archived `NSData`/`NSMutableData` (`{"NS.data": <data>, "$class": ...}`).
fn ns_data(objects: &[Value], dict: &Dictionary) -> Option<Vec<u8>> {
    resolve(objects, dict.get("NS.data")?)?.as_data().map(<[u8]>::to_vec)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use plist::Uid;

    /// Archives an `MBFile` the way iOS does, for fixtures.
    pub(crate) fn archive_mbfile(
        relative_path: &str,
        size: u64,
        mtime: i64,
        mode: u32,
        target: Option<&str>,
        key: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut objects = vec![Value::String("$null".into())];
        let mut root = Dictionary::new();
        root.insert("Size".into(), Value::Integer(size.into()));
        root.insert("LastModified".into(), Value::Integer(mtime.into()));
        root.insert("Mode".into(), Value::Integer(u64::from(mode).into()));
        root.insert("ProtectionClass".into(), Value::Integer(3u64.into()));
        root.insert("RelativePath".into(), Value::Uid(Uid::new(2)));
        objects.push(Value::Dictionary(Dictionary::new()));
        objects.push(Value::String(relative_path.into()));
        if let Some(target) = target {
            root.insert("Target".into(), Value::Uid(Uid::new(objects.len() as u64)));
            objects.push(Value::String(target.into()));
        }
        if let Some(key) = key {
            root.insert("EncryptionKey".into(), Value::Uid(Uid::new(objects.len() as u64)));
            let mut data = Dictionary::new();
            data.insert("NS.data".into(), Value::Data(key.to_vec()));
            objects.push(Value::Dictionary(data));
        }
        objects[1] = Value::Dictionary(root);
        let mut top = Dictionary::new();
        top.insert("root".into(), Value::Uid(Uid::new(1)));
        let mut archive = Dictionary::new();
        archive.insert("$archiver".into(), Value::String("NSKeyedArchiver".into()));
        archive.insert("$version".into(), Value::Integer(100_000u64.into()));
        archive.insert("$top".into(), Value::Dictionary(top));
        archive.insert("$objects".into(), Value::Array(objects));
        let mut out = Vec::new();
        Value::Dictionary(archive).to_writer_binary(&mut out).unwrap();
        out
    }

    #[test]
    fn decodes_archived_metadata_with_references() {
        let blob =
            archive_mbfile("Library/x", 633, 1_638_521_751, 0o100644, Some("/var/x"), Some(&[4, 0, 0, 0, 9]));
        let file = decode_mbfile(&blob).unwrap();
        assert_eq!(file.size, 633);
        assert_eq!(file.mtime, Some(1_638_521_751));
        assert_eq!(file.mode, Some(0o100644));
        assert_eq!(file.target.as_deref(), Some("/var/x"));
        assert_eq!(file.encryption_key.as_deref(), Some(&[4, 0, 0, 0, 9][..]));
        assert!(decode_mbfile(b"not a plist").unwrap_err().contains("not a readable property list"));
    }
}
