//! `adb backup` files (`.ab`): Android's full-backup stream, read without unpacking it to disk first.
//!
//! Layout: a text header of newline-terminated lines, then the data.
//!
//! ```text
//! ANDROID BACKUP
//! <version 1-5>
//! <1 if the data is zlib-compressed, else 0>
//! <none | AES-256>
//! (for AES-256:) <user password salt, hex> <master key checksum salt, hex> <PBKDF2 rounds>
//!                <user key IV, hex> <encrypted master key blob, hex>
//! ```
//!
//! For AES-256, PBKDF2-HMAC-SHA1 of the password (user salt, rounds, 256 bits) decrypts the master key blob
//! (AES-256-CBC, PKCS#7): one length-prefixed IV, master key and checksum. The checksum proves the password: it
//! is PBKDF2 of the master key itself, but Java first widened each key byte to a `char` with sign extension and,
//! from version 2 on, encoded those chars as UTF-8 (so a byte 0x80 becomes U+FF80, three bytes `EF BE 80`);
//! version 1 used the bytes as they are. The data is then AES-256-CBC under the master key and IV, then zlib,
//! then a tar stream of `apps/<package>/…` (and `shared/…` for shared storage).

mod device;
mod telephony;

pub use device::AndroidBackupDevice;
pub use telephony::{TELEPHONY_PACKAGE, messages_from_telephony_backup};

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::read::ZlibDecoder;
use zeroize::Zeroizing;

use super::cbc::{CbcReader, Tail, decrypt_pkcs7};

/// The first line of every `adb backup` file.
const MAGIC: &str = "ANDROID BACKUP";
/// The newest format version Android writes (Android 9 and later).
const NEWEST_VERSION: u32 = 5;
/// A header line longer than this is not a header (a master key blob is about 200 hex digits).
const MAX_HEADER_LINE: u64 = 4096;

/// Why an `adb backup` file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum AndroidBackupError {
    /// The file could not be read.
    #[error("cannot read the Android backup \"{path}\": {source}")]
    Io {
        /// The `.ab` file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The file is not an `adb backup` file.
    #[error(
        "\"{0}\" is not an Android backup: it does not start with \"ANDROID BACKUP\" (make one with `adb backup`)"
    )]
    NotAnAndroidBackup(PathBuf),
    /// A version this reader does not know.
    #[error("the Android backup \"{path}\" has format version {version}, newer than Lifeboat knows (1 to 5)")]
    UnsupportedVersion {
        /// The `.ab` file.
        path: PathBuf,
        /// The version it states.
        version: u32,
    },
    /// A header line is missing or malformed.
    #[error("the header of the Android backup \"{path}\" is damaged: {detail}")]
    BadHeader {
        /// The `.ab` file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// Encryption other than `none` and `AES-256`.
    #[error("the Android backup \"{path}\" uses the encryption \"{name}\", which Lifeboat does not know")]
    UnsupportedEncryption {
        /// The `.ab` file.
        path: PathBuf,
        /// What the header names.
        name: String,
    },
    /// The backup is encrypted and no password was given.
    #[error(
        "the Android backup \"{0}\" is encrypted: give the password that was typed on the phone when the backup \
         was made"
    )]
    PasswordNeeded(PathBuf),
    /// The password does not decrypt the master key.
    #[error(
        "wrong password for the Android backup \"{0}\": give the backup password typed on the phone when the \
         backup was made (not the screen lock)"
    )]
    WrongPassword(PathBuf),
    /// The data after the header is damaged.
    #[error("the Android backup \"{path}\" is damaged: {detail}")]
    Corrupt {
        /// The `.ab` file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// How the data is encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbEncryption {
    /// Not encrypted.
    None,
    /// AES-256 with a password.
    Aes256 {
        /// Salt for the key that decrypts the master key blob.
        user_salt: Vec<u8>,
        /// Salt of the master key checksum.
        checksum_salt: Vec<u8>,
        /// PBKDF2 rounds (10,000 on every Android so far).
        rounds: u32,
        /// IV of the master key blob.
        user_iv: Vec<u8>,
        /// The encrypted master key blob.
        master_key_blob: Vec<u8>,
    },
}

/// The header of an `adb backup` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbHeader {
    /// Format version, 1 to 5.
    pub version: u32,
    /// Whether the tar stream is zlib-compressed.
    pub compressed: bool,
    /// How it is encrypted.
    pub encryption: AbEncryption,
}

/// The data key of an encrypted backup.
struct MasterKey {
    key: Zeroizing<[u8; 32]>,
    iv: [u8; 16],
}

/// An opened (and, if encrypted, unlocked) `adb backup` file.
pub struct AndroidBackup {
    path: PathBuf,
    header: AbHeader,
    data_offset: u64,
    master: Option<MasterKey>,
}

impl AndroidBackup {
    /// Opens `path` and checks the password of an encrypted backup (about 20,000 PBKDF2 rounds: instant).
    pub fn open(path: &Path, password: Option<&str>) -> Result<Self, AndroidBackupError> {
        let path = path.to_path_buf();
        let io_error = |source| AndroidBackupError::Io { path: path.clone(), source };
        let file = File::open(&path).map_err(io_error)?;
        let mut reader = BufReader::new(file);
        let (header, data_offset) = read_header(&mut reader, &path)?;
        let master = match &header.encryption {
            AbEncryption::None => None,
            AbEncryption::Aes256 { .. } => {
                let password = password.ok_or_else(|| AndroidBackupError::PasswordNeeded(path.clone()))?;
                Some(unlock(&header, password, &path)?)
            }
        };
        Ok(Self { path, header, data_offset, master })
    }

    /// The `.ab` file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its header.
    pub fn header(&self) -> &AbHeader {
        &self.header
    }

    /// The tar stream: decrypted and inflated as it is read.
    pub fn tar_stream(&self) -> Result<Box<dyn Read + Send>, AndroidBackupError> {
        let io_error = |source| AndroidBackupError::Io { path: self.path.clone(), source };
        let mut file = File::open(&self.path).map_err(io_error)?;
        file.seek(SeekFrom::Start(self.data_offset)).map_err(io_error)?;
        let data = BufReader::with_capacity(64 * 1024, file);
        let plain: Box<dyn Read + Send> = match &self.master {
            None => Box::new(data),
            Some(master) => Box::new(CbcReader::new(data, &master.key, &master.iv, Tail::Pkcs7)),
        };
        Ok(if self.header.compressed { Box::new(ZlibDecoder::new(plain)) } else { plain })
    }
}

fn read_header(reader: &mut impl BufRead, path: &Path) -> Result<(AbHeader, u64), AndroidBackupError> {
    let mut offset = 0u64;
    let mut line = |what: &str| -> Result<String, AndroidBackupError> {
        let mut bytes = Vec::new();
        reader
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut bytes)
            .map_err(|source| AndroidBackupError::Io { path: path.to_path_buf(), source })?;
        offset += bytes.len() as u64;
        if bytes.pop() != Some(b'\n') {
            return Err(AndroidBackupError::BadHeader {
                path: path.to_path_buf(),
                detail: format!("the {what} line is missing or too long"),
            });
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    match line("first") {
        Ok(first) if first == MAGIC => {}
        Ok(_) | Err(AndroidBackupError::BadHeader { .. }) => {
            return Err(AndroidBackupError::NotAnAndroidBackup(path.to_path_buf()));
        }
        Err(e) => return Err(e),
    }
    let bad = |detail: String| AndroidBackupError::BadHeader { path: path.to_path_buf(), detail };
    let version_text = line("version")?;
    let version: u32 = version_text
        .trim()
        .parse()
        .map_err(|_| bad(format!("the version \"{version_text}\" is not a number")))?;
    if version == 0 || version > NEWEST_VERSION {
        return Err(AndroidBackupError::UnsupportedVersion { path: path.to_path_buf(), version });
    }
    let compressed = match line("compression")?.trim() {
        "0" => false,
        "1" => true,
        other => return Err(bad(format!("the compression flag is \"{other}\" instead of 0 or 1"))),
    };
    let encryption = match line("encryption")?.trim() {
        "none" => AbEncryption::None,
        "AES-256" => {
            let hex = |text: String, what: &str| -> Result<Vec<u8>, AndroidBackupError> {
                hex::decode(text.trim()).map_err(|e| bad(format!("the {what} is not hexadecimal: {e}")))
            };
            let user_salt = hex(line("user password salt")?, "user password salt")?;
            let checksum_salt = hex(line("master key checksum salt")?, "master key checksum salt")?;
            let rounds_text = line("round count")?;
            let rounds =
                rounds_text.trim().parse().ok().filter(|&r: &u32| r > 0).ok_or_else(|| {
                    bad(format!("the round count \"{rounds_text}\" is not a positive number"))
                })?;
            let user_iv = hex(line("user key IV")?, "user key IV")?;
            let master_key_blob = hex(line("master key blob")?, "master key blob")?;
            AbEncryption::Aes256 { user_salt, checksum_salt, rounds, user_iv, master_key_blob }
        }
        other => {
            return Err(AndroidBackupError::UnsupportedEncryption {
                path: path.to_path_buf(),
                name: other.to_string(),
            });
        }
    };
    Ok((AbHeader { version, compressed, encryption }, offset))
}

fn unlock(header: &AbHeader, password: &str, path: &Path) -> Result<MasterKey, AndroidBackupError> {
    let AbEncryption::Aes256 { user_salt, checksum_salt, rounds, user_iv, master_key_blob } =
        &header.encryption
    else {
        return Err(AndroidBackupError::PasswordNeeded(path.to_path_buf()));
    };
    let bad =
        |detail: &str| AndroidBackupError::BadHeader { path: path.to_path_buf(), detail: detail.to_string() };
    let user_iv: [u8; 16] =
        user_iv.as_slice().try_into().map_err(|_| bad("the user key IV is not 16 bytes"))?;
    let mut user_key = Zeroizing::new([0u8; 32]);
    let password_bytes = java_password_bytes(password, header.version);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(&password_bytes, user_salt, *rounds, user_key.as_mut());
    // A wrong password usually breaks the padding; when it happens to leave valid padding, the lengths or the
    // checksum give it away.
    let blob = Zeroizing::new(
        decrypt_pkcs7(master_key_blob, &user_key, &user_iv)
            .map_err(|_| AndroidBackupError::WrongPassword(path.to_path_buf()))?,
    );
    let (iv, rest) =
        length_prefixed(&blob).ok_or_else(|| AndroidBackupError::WrongPassword(path.to_path_buf()))?;
    let (key, rest) =
        length_prefixed(rest).ok_or_else(|| AndroidBackupError::WrongPassword(path.to_path_buf()))?;
    let (checksum, _) =
        length_prefixed(rest).ok_or_else(|| AndroidBackupError::WrongPassword(path.to_path_buf()))?;
    let (Ok(iv), Ok(key)) = (<[u8; 16]>::try_from(iv), <[u8; 32]>::try_from(key)) else {
        return Err(AndroidBackupError::WrongPassword(path.to_path_buf()));
    };
    let mut expected = Zeroizing::new(vec![0u8; checksum.len()]);
    let key_as_password = Zeroizing::new(master_key_checksum_input(&key, header.version));
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(&key_as_password, checksum_salt, *rounds, &mut expected);
    if expected.as_slice() != checksum {
        return Err(AndroidBackupError::WrongPassword(path.to_path_buf()));
    }
    Ok(MasterKey { key: Zeroizing::new(key), iv })
}

/// One `[length byte][bytes]` field and what follows it.
fn length_prefixed(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&len, rest) = data.split_first()?;
    let len = usize::from(len);
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// The password as Java's PBKDF2 saw it: UTF-8 from version 2 on, the low byte of each UTF-16 unit before.
fn java_password_bytes(password: &str, version: u32) -> Zeroizing<Vec<u8>> {
    if version >= 2 {
        Zeroizing::new(password.as_bytes().to_vec())
    } else {
        Zeroizing::new(password.encode_utf16().map(|unit| unit as u8).collect())
    }
}

/// The master key as the password of its own checksum: each byte sign-extended to a Java `char`, then (from
/// version 2 on) UTF-8 encoded. Bytes below 0x80 stay one byte; the others become U+FF80..U+FFFF, three bytes.
fn master_key_checksum_input(key: &[u8], version: u32) -> Vec<u8> {
    if version < 2 {
        return key.to_vec();
    }
    let mut out = Vec::with_capacity(key.len() * 3);
    for &byte in key {
        let unit = byte as i8 as i16 as u16;
        // Sign extension yields either ASCII or a code point in U+FF80..U+FFFF, never a surrogate.
        let ch = char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_key_bytes_are_widened_like_java_chars() {
        assert_eq!(master_key_checksum_input(&[0x41, 0x7f], 5), vec![0x41, 0x7f]);
        assert_eq!(master_key_checksum_input(&[0x80], 5), vec![0xef, 0xbe, 0x80]);
        assert_eq!(master_key_checksum_input(&[0xff], 5), vec![0xef, 0xbf, 0xbf]);
        assert_eq!(master_key_checksum_input(&[0x80, 0xff], 1), vec![0x80, 0xff]);
        assert_eq!(*java_password_bytes("pä", 1), vec![b'p', 0xe4]);
        assert_eq!(*java_password_bytes("pä", 5), "pä".as_bytes().to_vec());
    }

    #[test]
    fn headers_are_checked_line_by_line() {
        let path = Path::new("x.ab");
        let parse = |text: &[u8]| read_header(&mut &text[..], path);
        let (header, offset) = parse(b"ANDROID BACKUP\n5\n1\nnone\nDATA").unwrap();
        assert_eq!((header.version, header.compressed, header.encryption), (5, true, AbEncryption::None));
        assert_eq!(offset, 24);
        assert!(matches!(parse(b"PK\x03\x04"), Err(AndroidBackupError::NotAnAndroidBackup(_))));
        assert!(matches!(
            parse(b"ANDROID BACKUP\n9\n1\nnone\n"),
            Err(AndroidBackupError::UnsupportedVersion { version: 9, .. })
        ));
        assert!(matches!(parse(b"ANDROID BACKUP\n5\n2\nnone\n"), Err(AndroidBackupError::BadHeader { .. })));
        assert!(matches!(
            parse(b"ANDROID BACKUP\n5\n1\nDES\n"),
            Err(AndroidBackupError::UnsupportedEncryption { .. })
        ));
        assert!(matches!(
            parse(b"ANDROID BACKUP\n5\n1\nAES-256\nzz\n"),
            Err(AndroidBackupError::BadHeader { .. })
        ));
        assert!(matches!(parse(b"ANDROID BACKUP\n5"), Err(AndroidBackupError::BadHeader { .. })));
    }
}
