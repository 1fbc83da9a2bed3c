//! The sync protocol (`sync:`): listing folders, stat, and streaming files both ways. Requests are a 4-byte
//! id, a u32 LE length and a path. v2 (LIS2/STA2/RCV2/SND2, features `ls_v2`, `stat_v2`, `sendrecv_v2`)
//! gives 64-bit sizes and times and errors per entry; v1 is the fallback for old phones.
//!
//! A received file arrives as DATA chunks (at most 64 KiB each) ended by DONE; [`SyncReader`] hands them
//! to the caller as they come, so a 4 GB video never sits in memory. After a FAIL, adbd ends the session.

use std::io::{self, Read, Write};

use super::{AdbError, AdbStream, Connection};

const fn id(tag: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*tag)
}

const STAT: u32 = id(b"STAT");
const STA2: u32 = id(b"STA2");
const LIST: u32 = id(b"LIST");
const LIS2: u32 = id(b"LIS2");
const DENT: u32 = id(b"DENT");
const DNT2: u32 = id(b"DNT2");
const SEND: u32 = id(b"SEND");
const SND2: u32 = id(b"SND2");
const RECV: u32 = id(b"RECV");
const RCV2: u32 = id(b"RCV2");
const DONE: u32 = id(b"DONE");
const DATA: u32 = id(b"DATA");
const OKAY: u32 = id(b"OKAY");
const FAIL: u32 = id(b"FAIL");
const QUIT: u32 = id(b"QUIT");

/// The largest chunk adb sends in DATA.
const CHUNK: usize = 64 * 1024;
/// Longest FAIL message read; a phone saying more is broken.
const FAIL_LIMIT: u32 = 64 * 1024;

/// Unix file type bits.
pub const S_IFMT: u32 = 0o170000;
/// A directory.
pub const S_IFDIR: u32 = 0o040000;
/// A regular file.
pub const S_IFREG: u32 = 0o100000;
/// A symbolic link.
pub const S_IFLNK: u32 = 0o120000;

/// What the phone says about a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemoteStat {
    /// Mode bits with the type.
    pub mode: u32,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, seconds since 1970.
    pub mtime: i64,
}

impl RemoteStat {
    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & S_IFMT == S_IFDIR
    }
    /// Whether it is a regular file.
    pub fn is_file(&self) -> bool {
        self.mode & S_IFMT == S_IFREG
    }
    /// Whether it is a symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.mode & S_IFMT == S_IFLNK
    }
}

/// One folder entry; the name is raw bytes, as the phone's file system has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteEntry {
    /// The name, not necessarily UTF-8.
    pub name: Vec<u8>,
    /// Its stat.
    pub stat: RemoteStat,
}

/// An open sync session.
pub struct SyncSession {
    stream: AdbStream,
    device: String,
    list_v2: bool,
    stat_v2: bool,
    transfer_v2: bool,
}

impl Connection {
    /// Opens a sync session.
    pub fn sync(&self) -> Result<SyncSession, AdbError> {
        Ok(SyncSession {
            stream: self.open("sync:")?,
            device: self.name().to_string(),
            list_v2: self.has_feature("ls_v2"),
            stat_v2: self.has_feature("stat_v2"),
            transfer_v2: self.has_feature("sendrecv_v2"),
        })
    }
}

fn word(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn long(bytes: &[u8], at: usize) -> u64 {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(eight)
}

/// Parses the 68 bytes after the id of a v2 stat or dent: error, dev, ino, mode, nlink, uid, gid, size,
/// atime, mtime, ctime.
fn stat_v2(bytes: &[u8]) -> (u32, RemoteStat) {
    let error = word(bytes, 0);
    let mode = word(bytes, 20);
    let size = long(bytes, 36);
    let mtime = long(bytes, 52) as i64;
    (error, RemoteStat { mode, size, mtime })
}

impl SyncSession {
    fn lost(&self, error: io::Error) -> AdbError {
        match super::error::device_error_in(&error) {
            Some(_) => AdbError::Disconnected { device: self.device.clone() },
            None => AdbError::Protocol { device: self.device.clone(), detail: format!("sync: {error}") },
        }
    }

    fn request(&mut self, id: u32, path: &[u8]) -> Result<(), AdbError> {
        self.request_with(id, path, &[])
    }

    /// Sends a request and what follows it (a v2 setup packet) in one write: one ADB message, so the phone
    /// has the whole request without waiting for us to see its acknowledgement of the first half.
    fn request_with(&mut self, id: u32, path: &[u8], setup: &[u8]) -> Result<(), AdbError> {
        let mut out = Vec::with_capacity(8 + path.len() + setup.len());
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(path.len() as u32).to_le_bytes());
        out.extend_from_slice(path);
        out.extend_from_slice(setup);
        self.stream.write_all(&out).map_err(|e| self.lost(e))
    }

    fn read(&mut self, buf: &mut [u8]) -> Result<(), AdbError> {
        self.stream.read_exact(buf).map_err(|e| self.lost(e))
    }

    fn fail_message(&mut self, length: u32) -> Result<String, AdbError> {
        if length > FAIL_LIMIT {
            return Err(AdbError::Protocol {
                device: self.device.clone(),
                detail: "an overlong FAIL".into(),
            });
        }
        let mut text = vec![0u8; length as usize];
        self.read(&mut text)?;
        Ok(String::from_utf8_lossy(&text).into_owned())
    }

    /// Lists a folder (an unreadable or missing folder lists empty, as adbd answers it).
    pub fn list(&mut self, path: &[u8]) -> Result<Vec<RemoteEntry>, AdbError> {
        let v2 = self.list_v2;
        self.request(if v2 { LIS2 } else { LIST }, path)?;
        let mut entries = Vec::new();
        loop {
            let mut head = [0u8; 4];
            self.read(&mut head)?;
            let id = word(&head, 0);
            if id == FAIL {
                let mut length = [0u8; 4];
                self.read(&mut length)?;
                let reason = self.fail_message(word(&length, 0))?;
                return Err(AdbError::Sync {
                    action: "list",
                    path: String::from_utf8_lossy(path).into(),
                    reason,
                });
            }
            let (stat, name_len, error) = if v2 {
                let mut rest = [0u8; 72];
                self.read(&mut rest)?;
                let (error, stat) = stat_v2(&rest[..68]);
                (stat, word(&rest, 68), error)
            } else {
                let mut rest = [0u8; 16];
                self.read(&mut rest)?;
                let stat = RemoteStat {
                    mode: word(&rest, 0),
                    size: u64::from(word(&rest, 4)),
                    mtime: i64::from(word(&rest, 8)),
                };
                (stat, word(&rest, 12), 0)
            };
            match id {
                DONE => return Ok(entries),
                DENT | DNT2 => {
                    if name_len > 4096 {
                        return Err(AdbError::Protocol {
                            device: self.device.clone(),
                            detail: "a file name longer than 4096 bytes".into(),
                        });
                    }
                    let mut name = vec![0u8; name_len as usize];
                    self.read(&mut name)?;
                    if error == 0 && name != b"." && name != b".." {
                        entries.push(RemoteEntry { name, stat });
                    }
                }
                other => {
                    return Err(AdbError::Protocol {
                        device: self.device.clone(),
                        detail: format!("unexpected listing reply {other:08x}"),
                    });
                }
            }
        }
    }

    /// Stats a path (following links); `None` when it does not exist.
    pub fn stat(&mut self, path: &[u8]) -> Result<Option<RemoteStat>, AdbError> {
        if self.stat_v2 {
            self.request(STA2, path)?;
            let mut reply = [0u8; 72];
            self.read(&mut reply)?;
            if word(&reply, 0) != STA2 {
                return Err(AdbError::Protocol {
                    device: self.device.clone(),
                    detail: "unexpected stat reply".into(),
                });
            }
            let (error, stat) = stat_v2(&reply[4..]);
            Ok((error == 0).then_some(stat))
        } else {
            self.request(STAT, path)?;
            let mut reply = [0u8; 16];
            self.read(&mut reply)?;
            let stat = RemoteStat {
                mode: word(&reply, 4),
                size: u64::from(word(&reply, 8)),
                mtime: i64::from(word(&reply, 12)),
            };
            // v1 has no error field: a missing file is all zeros.
            Ok((stat.mode != 0).then_some(stat))
        }
    }

    /// Starts receiving a file; the reader yields its bytes and ends at DONE.
    pub fn recv(mut self, path: &[u8]) -> Result<SyncReader, AdbError> {
        if self.transfer_v2 {
            let mut setup = [0u8; 8];
            setup[..4].copy_from_slice(&RCV2.to_le_bytes());
            // The other four bytes are the compression flags: none.
            self.request_with(RCV2, path, &setup)?;
        } else {
            self.request(RECV, path)?;
        }
        Ok(SyncReader {
            session: self,
            path: String::from_utf8_lossy(path).into_owned(),
            remaining: 0,
            done: false,
        })
    }

    /// Asks for several files in one message (pipelined requests): adbd reads requests as they come, so the
    /// answers follow each other without a round trip between them. Read them in order with
    /// [`SyncSession::receive_into`]. After a FAIL, adbd ends the session and the later requests go unanswered.
    pub(super) fn request_files(&mut self, paths: &[&[u8]]) -> Result<(), AdbError> {
        let mut out = Vec::with_capacity(paths.iter().map(|p| p.len() + 16).sum());
        for path in paths {
            let id = if self.transfer_v2 { RCV2 } else { RECV };
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&(path.len() as u32).to_le_bytes());
            out.extend_from_slice(path);
            if self.transfer_v2 {
                out.extend_from_slice(&RCV2.to_le_bytes());
                out.extend_from_slice(&0u32.to_le_bytes()); // no compression
            }
        }
        self.stream.write_all(&out).map_err(|e| self.lost(e))
    }

    /// Reads the answer to the oldest pipelined file request into `out`, keeping at most `limit` bytes: a
    /// file longer than that is [`Received::TooLong`], and the session must then be dropped (the rest of
    /// that file is still on its way).
    pub(super) fn receive_into(&mut self, limit: u64, out: &mut Vec<u8>) -> Result<Received, AdbError> {
        loop {
            let mut header = [0u8; 8];
            self.read(&mut header)?;
            let length = word(&header, 4);
            match word(&header, 0) {
                DATA if length as usize <= 1024 * 1024 => {
                    if out.len() as u64 + u64::from(length) > limit {
                        return Ok(Received::TooLong);
                    }
                    let start = out.len();
                    out.resize(start + length as usize, 0);
                    self.read(&mut out[start..])?;
                }
                DONE => return Ok(Received::Done),
                FAIL => return Ok(Received::Failed(self.fail_message(length)?)),
                other => {
                    return Err(AdbError::Protocol {
                        device: self.device.clone(),
                        detail: format!("unexpected data reply {other:08x}"),
                    });
                }
            }
        }
    }

    /// Sends `content` to `path` with `mode` and `mtime` (seconds), creating folders as needed; returns the
    /// bytes sent.
    pub fn send(
        &mut self,
        path: &str,
        mode: u32,
        mtime: i64,
        content: &mut dyn Read,
    ) -> Result<u64, AdbError> {
        if self.transfer_v2 {
            let mut setup = [0u8; 12];
            setup[..4].copy_from_slice(&SND2.to_le_bytes());
            setup[4..8].copy_from_slice(&mode.to_le_bytes());
            // The last four bytes are the flags: no compression.
            self.request_with(SND2, path.as_bytes(), &setup)?;
        } else {
            self.request(SEND, format!("{path},{mode}").as_bytes())?;
        }
        let mut chunk = vec![0u8; CHUNK];
        let mut sent = 0u64;
        loop {
            let n = match content.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // The phone would keep a half file: end the session, so adbd removes it.
                    return Err(AdbError::Sync {
                        action: "write",
                        path: path.to_string(),
                        reason: format!("the backup could not be read: {e}"),
                    });
                }
            };
            let mut out = Vec::with_capacity(8 + n);
            out.extend_from_slice(&DATA.to_le_bytes());
            out.extend_from_slice(&(n as u32).to_le_bytes());
            out.extend_from_slice(&chunk[..n]);
            self.stream.write_all(&out).map_err(|e| self.lost(e))?;
            sent += n as u64;
        }
        let mut done = Vec::with_capacity(8);
        done.extend_from_slice(&DONE.to_le_bytes());
        // The sync protocol carries the time as an unsigned 32-bit count of seconds.
        done.extend_from_slice(&(mtime.clamp(0, i64::from(u32::MAX)) as u32).to_le_bytes());
        self.stream.write_all(&done).map_err(|e| self.lost(e))?;
        let mut reply = [0u8; 8];
        self.read(&mut reply)?;
        match word(&reply, 0) {
            OKAY => Ok(sent),
            FAIL => {
                let reason = self.fail_message(word(&reply, 4))?;
                Err(AdbError::Sync { action: "write", path: path.to_string(), reason })
            }
            other => Err(AdbError::Protocol {
                device: self.device.clone(),
                detail: format!("unexpected send reply {other:08x}"),
            }),
        }
    }

    /// Ends the session politely.
    pub fn quit(mut self) {
        let mut out = Vec::with_capacity(8);
        out.extend_from_slice(&QUIT.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        let _ = self.stream.write_all(&out);
    }
}

/// How a pipelined file request was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Received {
    /// The whole file arrived.
    Done,
    /// The phone refused it (and ended the session).
    Failed(String),
    /// It is longer than the limit; the session is mid-file.
    TooLong,
}

/// A file being received.
pub struct SyncReader {
    session: SyncSession,
    path: String,
    remaining: usize,
    done: bool,
}

impl SyncReader {
    /// Gives the session back after the file was read to its end, for the next request.
    pub fn into_session(self) -> Option<SyncSession> {
        self.done.then_some(self.session)
    }
}

impl Read for SyncReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        while self.remaining == 0 {
            let mut header = [0u8; 8];
            self.session.stream.read_exact(&mut header)?;
            let length = word(&header, 4);
            match word(&header, 0) {
                DATA if length as usize <= 1024 * 1024 => self.remaining = length as usize,
                DONE => {
                    self.done = true;
                    return Ok(0);
                }
                FAIL => {
                    let reason = self.session.fail_message(length).map_err(io::Error::other)?;
                    return Err(io::Error::new(
                        io::ErrorKind::PermissionDenied,
                        AdbError::Sync { action: "read", path: self.path.clone(), reason },
                    ));
                }
                other => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("unexpected data reply {other:08x}"),
                    ));
                }
            }
        }
        let want = buf.len().min(self.remaining);
        let n = self.session.stream.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file transfer ended early"));
        }
        self.remaining -= n;
        Ok(n)
    }
}
