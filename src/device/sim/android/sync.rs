//! The `sync:` service: LIST/STAT/RECV/SEND and their v2 forms (LIS2, STA2/LST2, RCV2, SND2), as adbd's
//! `file_sync_service.cpp` answers them.
//!
//! Requests are an id, a little-endian u32 length and that many bytes of path (at most 1024). The v2 SEND
//! and RECV follow with a setup packet carrying mode and flags; this phone declines every compression flag
//! (it advertises none), so the host sends plain DATA. A failure is a FAIL with a message, after which
//! adbd ends the session, and so does this phone.
//!
//! Replies go out the way adbd's socket sends them: a host that sends several requests at once (pipelining)
//! gets several replies per ADB message, because replies are gathered while more requests are waiting and
//! the host has not yet acknowledged the last message, and sent when it has, when no request is waiting, or
//! when a full message's worth is gathered.

use std::io::{self, Read, Write};

use super::phone::Phone;
use super::vfs::{S_IFLNK, VStat, Vfs};

const fn id(tag: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*tag)
}

const ID_LSTAT_V1: u32 = id(b"STAT");
const ID_STAT_V2: u32 = id(b"STA2");
const ID_LSTAT_V2: u32 = id(b"LST2");
const ID_LIST_V1: u32 = id(b"LIST");
const ID_LIST_V2: u32 = id(b"LIS2");
const ID_DENT_V1: u32 = id(b"DENT");
const ID_DENT_V2: u32 = id(b"DNT2");
const ID_SEND_V1: u32 = id(b"SEND");
const ID_SEND_V2: u32 = id(b"SND2");
const ID_RECV_V1: u32 = id(b"RECV");
const ID_RECV_V2: u32 = id(b"RCV2");
const ID_DONE: u32 = id(b"DONE");
const ID_DATA: u32 = id(b"DATA");
const ID_OKAY: u32 = id(b"OKAY");
const ID_FAIL: u32 = id(b"FAIL");
const ID_QUIT: u32 = id(b"QUIT");

/// Largest DATA chunk adbd sends (and adb pushes).
pub const SYNC_DATA_MAX: usize = 64 * 1024;
/// Longest path a request may carry.
const MAX_PATH: u32 = 1024;
/// Largest DATA chunk accepted from a host; adb never sends more than 64 KiB, this leaves room.
const MAX_INBOUND_DATA: u32 = 1024 * 1024;
/// Replies gathered at most before they are sent whatever the host does (adbd's largest message).
const BATCH_REPLIES: usize = 256 * 1024;
/// The one SND2 flag this phone understands: none of them (compression and dry-run are not advertised).
const KNOWN_SEND_FLAGS: u32 = 0;

/// What a sync session may ask of its stream besides bytes, to batch replies as adbd does. The defaults
/// (never more input waiting, always free to send) make every reply go out before the next request is read.
pub trait SyncStream: Read + Write {
    /// Whether the host has already sent more than has been read.
    fn input_waiting(&self) -> bool {
        false
    }
    /// Whether a message written now would go out at once (the host acknowledged the last one).
    fn may_send(&self) -> bool {
        true
    }
}

/// Serves one sync session on a stream.
pub fn serve(phone: &Phone, stream: &mut impl SyncStream) -> io::Result<()> {
    serve_vfs(phone.vfs(), stream)
}

/// Serves one sync session over `vfs`.
pub fn serve_vfs(vfs: &Vfs, stream: &mut impl SyncStream) -> io::Result<()> {
    let mut session = Session { vfs, io: stream, out: Vec::new() };
    let result = session.run();
    session.flush().and(result)
}

/// Why a session ended early (always after telling the host, where the host can still hear).
#[derive(Debug)]
enum End {
    /// A clean QUIT or the end of the stream.
    Quit,
    /// A protocol violation or a failure already reported with FAIL.
    Failed(String),
    /// The stream broke.
    Io(io::Error),
}

impl From<io::Error> for End {
    fn from(error: io::Error) -> Self {
        End::Io(error)
    }
}

struct Session<'a, S: SyncStream> {
    vfs: &'a Vfs,
    io: &'a mut S,
    /// Replies are gathered and sent in large writes: one ADB packet per 8-byte header would be slow.
    out: Vec<u8>,
}

impl<S: SyncStream> Session<'_, S> {
    fn run(&mut self) -> io::Result<()> {
        loop {
            match self.one_request() {
                Ok(()) => {}
                Err(End::Quit) => return Ok(()),
                Err(End::Failed(reason)) => {
                    log::debug!("virtual phone: sync session ended: {reason}");
                    return Ok(());
                }
                Err(End::Io(e)) => return Err(e),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            self.io.write_all(&self.out)?;
            self.out.clear();
        }
        self.io.flush()
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.extend_from_slice(bytes);
        if self.out.len() >= 256 * 1024 { self.flush() } else { Ok(()) }
    }

    fn send_header(&mut self, id: u32, value: u32) -> io::Result<()> {
        let mut header = [0u8; 8];
        header[..4].copy_from_slice(&id.to_le_bytes());
        header[4..].copy_from_slice(&value.to_le_bytes());
        self.send(&header)
    }

    /// Sends FAIL and ends the session, as adbd does after every failure.
    fn fail(&mut self, reason: &str) -> End {
        let sent = self.send_header(ID_FAIL, reason.len() as u32).and_then(|()| self.send(reason.as_bytes()));
        match sent {
            Ok(()) => End::Failed(reason.to_owned()),
            Err(e) => End::Io(e),
        }
    }

    /// Reads exactly `buf.len()` bytes. Replies gathered so far go out first unless the host has already sent
    /// more requests and has not yet acknowledged our last message: then they wait, and go out with the
    /// replies to those requests (the host is never left waiting for a reply while nothing else is sent).
    fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        if !self.io.input_waiting() || self.io.may_send() || self.out.len() >= BATCH_REPLIES {
            self.flush()?;
        }
        self.io.read_exact(buf)
    }

    fn read_header(&mut self) -> io::Result<(u32, u32)> {
        let mut header = [0u8; 8];
        self.read_exact(&mut header)?;
        Ok((
            u32::from_le_bytes([header[0], header[1], header[2], header[3]]),
            u32::from_le_bytes([header[4], header[5], header[6], header[7]]),
        ))
    }

    fn one_request(&mut self) -> Result<(), End> {
        let (request, length) = match self.read_header() {
            Ok(header) => header,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(End::Quit),
            Err(e) => return Err(End::Io(e)),
        };
        if request == ID_QUIT {
            return Err(End::Quit);
        }
        if length > MAX_PATH {
            return Err(self.fail("path too long"));
        }
        let mut path = vec![0u8; length as usize];
        if self.read_exact(&mut path).is_err() {
            return Err(self.fail("filename read failure"));
        }
        match request {
            ID_LSTAT_V1 => self.stat_v1(&path)?,
            ID_STAT_V2 | ID_LSTAT_V2 => self.stat_v2(request, &path)?,
            ID_LIST_V1 => self.list(&path, false)?,
            ID_LIST_V2 => self.list(&path, true)?,
            ID_SEND_V1 => {
                let Some(comma) = path.iter().rposition(|&b| b == b',') else {
                    return Err(self.fail("missing , in ID_SEND_V1"));
                };
                let mode = parse_mode(&path[comma + 1..]);
                let Some(mode) = mode else {
                    return Err(self.fail("bad mode"));
                };
                self.receive_file(&path[..comma], mode)?;
            }
            ID_SEND_V2 => {
                let (setup, mode) = self.read_header()?;
                let mut flags = [0u8; 4];
                self.read_exact(&mut flags)?;
                let flags = u32::from_le_bytes(flags);
                if setup != ID_SEND_V2 {
                    return Err(self.fail("invalid send_v2 setup packet"));
                }
                if flags & !KNOWN_SEND_FLAGS != 0 {
                    return Err(self.fail(&format!("unknown flags: {flags}")));
                }
                self.receive_file(&path, mode)?;
            }
            ID_RECV_V1 => self.send_file(&path)?,
            ID_RECV_V2 => {
                let (setup, flags) = self.read_header()?;
                if setup != ID_RECV_V2 {
                    return Err(self.fail("invalid recv_v2 setup packet"));
                }
                if flags != 0 {
                    return Err(self.fail(&format!("unknown flags: {flags}")));
                }
                self.send_file(&path)?;
            }
            other => return Err(self.fail(&format!("unknown command {other:08x}"))),
        }
        Ok(())
    }

    fn stat_v1(&mut self, path: &[u8]) -> io::Result<()> {
        // v1 has no error field: a missing file is all zeros, exactly as adbd's memset struct.
        let stat = self.vfs.stat(path, false).unwrap_or_default();
        let mut reply = Vec::with_capacity(16);
        reply.extend_from_slice(&ID_LSTAT_V1.to_le_bytes());
        reply.extend_from_slice(&stat.mode.to_le_bytes());
        reply.extend_from_slice(&(stat.size as u32).to_le_bytes());
        reply.extend_from_slice(&(stat.mtime as u32).to_le_bytes());
        self.send(&reply)
    }

    fn stat_v2(&mut self, request: u32, path: &[u8]) -> io::Result<()> {
        let (stat, error) = match self.vfs.stat(path, request == ID_STAT_V2) {
            Ok(stat) => (stat, 0),
            Err(errno) => (VStat::default(), errno.code()),
        };
        let reply = encode_stat_v2(request, error, &stat);
        self.send(&reply)
    }

    fn list(&mut self, path: &[u8], v2: bool) -> io::Result<()> {
        // adbd answers an unreadable folder with an empty listing, not a FAIL.
        let entries = self.vfs.list(path).unwrap_or_default();
        for (name, stat) in entries {
            let mut dent = if v2 {
                let mut dent = encode_stat_v2(ID_DENT_V2, 0, &stat);
                dent.extend_from_slice(&(name.len() as u32).to_le_bytes());
                dent
            } else {
                let mut dent = Vec::with_capacity(20);
                for word in [ID_DENT_V1, stat.mode, stat.size as u32, stat.mtime as u32, name.len() as u32] {
                    dent.extend_from_slice(&word.to_le_bytes());
                }
                dent
            };
            dent.extend_from_slice(&name);
            self.send(&dent)?;
        }
        // DONE is a whole zeroed dent of the version asked, with only the id set.
        let mut done = vec![0u8; if v2 { 76 } else { 20 }];
        done[..4].copy_from_slice(&ID_DONE.to_le_bytes());
        self.send(&done)
    }

    fn send_file(&mut self, path: &[u8]) -> Result<(), End> {
        let mut reader = match self.vfs.open(path) {
            Ok(reader) => reader,
            Err(errno) => return Err(self.fail(&format!("open failed: {}", errno.message()))),
        };
        let mut chunk = vec![0u8; SYNC_DATA_MAX];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.fail(&format!("read failed: {e}"))),
            };
            self.send_header(ID_DATA, n as u32)?;
            self.send(&chunk[..n])?;
        }
        self.send_header(ID_DONE, 0)?;
        Ok(())
    }

    fn receive_file(&mut self, path: &[u8], mode: u32) -> Result<(), End> {
        if mode & 0o170000 == S_IFLNK {
            self.drain_data()?;
            return Err(self.fail("symlinks cannot be pushed to this phone"));
        }
        let (mut file, host) = match self.vfs.create(path) {
            Ok(created) => created,
            Err(errno) => {
                // adbd keeps reading (and dropping) DATA so an old host notices the failure.
                let reason = format!("couldn't create file: {}", errno.message());
                self.drain_data()?;
                return Err(self.fail(&reason));
            }
        };
        loop {
            let (id, size) = self.read_header()?;
            match id {
                ID_DATA if size <= MAX_INBOUND_DATA => {
                    let mut data = vec![0u8; size as usize];
                    self.read_exact(&mut data)?;
                    if let Err(e) = file.write_all(&data) {
                        drop(file);
                        let _ = std::fs::remove_file(&host);
                        self.drain_data()?;
                        return Err(self.fail(&format!("write failed: {e}")));
                    }
                }
                ID_DATA => {
                    drop(file);
                    let _ = std::fs::remove_file(&host);
                    return Err(self.fail("oversize data message"));
                }
                ID_DONE => {
                    drop(file);
                    if let Err(errno) = self.vfs.set_mtime(&host, i64::from(size)) {
                        return Err(self.fail(&format!("cannot set the time: {}", errno.message())));
                    }
                    self.send_header(ID_OKAY, 0)?;
                    return Ok(());
                }
                _ => {
                    drop(file);
                    let _ = std::fs::remove_file(&host);
                    return Err(self.fail("invalid data message"));
                }
            }
        }
    }

    fn drain_data(&mut self) -> Result<(), End> {
        loop {
            let (id, size) = self.read_header()?;
            if id != ID_DATA || size > MAX_INBOUND_DATA {
                return Ok(());
            }
            let mut data = vec![0u8; size as usize];
            self.read_exact(&mut data)?;
        }
    }
}

/// The mode after the comma of a v1 SEND, parsed as `strtoul(..., 0)` does (decimal, 0octal, 0xhex).
fn parse_mode(text: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(text).ok()?.trim();
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).ok()
    } else if text.len() > 1 && text.starts_with('0') {
        u32::from_str_radix(&text[1..], 8).ok()
    } else {
        text.parse().ok()
    }
}

/// Encodes `sync_stat_v2` (also the body of `sync_dent_v2`).
fn encode_stat_v2(id: u32, error: u32, stat: &VStat) -> Vec<u8> {
    let mut out = Vec::with_capacity(76);
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&error.to_le_bytes());
    out.extend_from_slice(&stat.dev.to_le_bytes());
    out.extend_from_slice(&stat.ino.to_le_bytes());
    for word in [stat.mode, stat.nlink, stat.uid, stat.gid] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    out.extend_from_slice(&stat.size.to_le_bytes());
    for time in [stat.atime, stat.mtime, stat.ctime] {
        out.extend_from_slice(&time.to_le_bytes());
    }
    out
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
