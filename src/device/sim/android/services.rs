//! The services a host can OPEN on this phone, and the plumbing between a stream and the shell: raw bytes for
//! `shell:` (v1) and `exec:`, framed packets for `shell,v2,...:`.
//!
//! Shell v2 packets are one id byte (0 stdin, 1 stdout, 2 stderr, 3 exit, 4 close-stdin, 5 window size), a
//! little-endian u32 length and the data (AOSP `shell_protocol.h`). v1 has no exit status and merges stderr
//! into stdout, which is why every modern client prefers v2.

use std::cell::RefCell;
use std::io::{self, BufWriter, Read, Write};
use std::rc::Rc;

use super::phone::Phone;
use super::shell::{self, ShellIo};
use super::stream::AdbStream;
use super::sync;

/// A service named in an OPEN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Service {
    /// `shell:CMD` or `exec:CMD`: raw bytes both ways; `pty` translates newlines as a terminal would.
    RawShell {
        /// The command line, empty for an interactive shell.
        command: String,
        /// Whether a terminal is emulated.
        pty: bool,
    },
    /// `shell,v2,...:CMD`: framed stdin/stdout/stderr and an exit status.
    ShellV2 {
        /// The command line, empty for an interactive shell.
        command: String,
        /// Whether a terminal is emulated.
        pty: bool,
    },
    /// `sync:`: file transfer.
    Sync,
}

impl Service {
    /// Parses a destination; `None` for services this phone does not offer (adbd closes those at once).
    pub fn parse(destination: &str) -> Option<Self> {
        if destination == "sync:" {
            return Some(Service::Sync);
        }
        if let Some(command) = destination.strip_prefix("exec:") {
            return Some(Service::RawShell { command: command.to_owned(), pty: false });
        }
        let rest = destination.strip_prefix("shell")?;
        let (args, command) = rest.split_once(':')?;
        let args: Vec<&str> = args.split(',').filter(|a| !a.is_empty()).collect();
        let v2 = args.contains(&"v2");
        // adbd: without an explicit type, an interactive shell gets a pty and a command does not.
        let pty = if args.contains(&"raw") {
            false
        } else if args.contains(&"pty") {
            true
        } else {
            command.is_empty()
        };
        let command = command.to_owned();
        Some(if v2 { Service::ShellV2 { command, pty } } else { Service::RawShell { command, pty } })
    }

    /// Runs the service on `stream` until it ends.
    pub fn run(self, phone: &Phone, stream: &mut AdbStream) {
        let capacity = stream.max_payload();
        let outcome = match self {
            Service::Sync => sync::serve(phone, stream),
            Service::RawShell { command, pty } => run_raw(phone, stream, &command, pty, capacity),
            Service::ShellV2 { command, pty } => run_v2(phone, stream, &command, pty, capacity),
        };
        if let Err(e) = outcome {
            // The host closing mid-way is ordinary (a client killed with ^C); anything else is worth a line.
            log::debug!("virtual phone: service ended early: {e}");
        }
    }
}

/// Shares one buffered stream between stdout and stderr.
type SharedOut<'a> = Rc<RefCell<BufWriter<&'a mut AdbStream>>>;

/// stdout or stderr of a raw shell: both go to the same bytes, optionally with terminal newlines.
struct RawChannel<'a> {
    out: SharedOut<'a>,
    pty: bool,
}

impl Write for RawChannel<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = self.out.borrow_mut();
        if self.pty {
            for part in buf.split_inclusive(|&b| b == b'\n') {
                match part.strip_suffix(b"\n") {
                    Some(line) => {
                        out.write_all(line)?;
                        out.write_all(b"\r\n")?;
                    }
                    None => out.write_all(part)?,
                }
            }
        } else {
            out.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.borrow_mut().flush()
    }
}

/// Reads the host's bytes of a raw shell. Reading would need the stream the output also uses, so raw shells
/// read their stdin before any output is produced; the commands that read stdin do so first.
struct RawStdin<'a> {
    out: SharedOut<'a>,
}

impl Read for RawStdin<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut out = self.out.borrow_mut();
        out.flush()?;
        out.get_mut().read(buf)
    }
}

fn run_raw(
    phone: &Phone,
    stream: &mut AdbStream,
    command: &str,
    pty: bool,
    capacity: usize,
) -> io::Result<()> {
    let out: SharedOut<'_> = Rc::new(RefCell::new(BufWriter::with_capacity(capacity, stream)));
    let mut stdout = RawChannel { out: Rc::clone(&out), pty };
    let mut stderr = RawChannel { out: Rc::clone(&out), pty };
    let mut stdin = RawStdin { out: Rc::clone(&out) };
    let mut io = ShellIo { out: &mut stdout, err: &mut stderr, stdin: &mut stdin };
    if command.is_empty() {
        shell::interactive(phone, &mut io)?;
    } else {
        shell::run_line(phone, command, &mut io);
    }
    out.borrow_mut().flush()
}

/// Shell v2 packet ids.
const ID_STDIN: u8 = 0;
const ID_STDOUT: u8 = 1;
const ID_STDERR: u8 = 2;
const ID_EXIT: u8 = 3;
const ID_CLOSE_STDIN: u8 = 4;

/// Writes one shell v2 packet.
pub fn write_packet(out: &mut impl Write, id: u8, data: &[u8]) -> io::Result<()> {
    let length = u32::try_from(data.len()).map_err(|_| io::Error::other("shell packet too large"))?;
    out.write_all(&[id])?;
    out.write_all(&length.to_le_bytes())?;
    out.write_all(data)
}

/// The output side of a v2 shell: bytes of one channel are gathered into one packet until the other
/// channel writes, the packet is large, or the command waits for input (one packet per `write!` fragment
/// would cost five bytes and often a WRTE each).
struct Framed<'a> {
    out: BufWriter<&'a mut AdbStream>,
    pending_id: u8,
    pending: Vec<u8>,
}

/// Largest shell packet gathered before it is sent.
const MAX_SHELL_PACKET: usize = 64 * 1024;

impl Framed<'_> {
    fn push(&mut self, id: u8, data: &[u8]) -> io::Result<()> {
        if id != self.pending_id {
            self.emit()?;
            self.pending_id = id;
        }
        self.pending.extend_from_slice(data);
        if self.pending.len() >= MAX_SHELL_PACKET { self.emit() } else { Ok(()) }
    }

    fn emit(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            write_packet(&mut self.out, self.pending_id, &self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit()?;
        self.out.flush()
    }
}

type SharedFramed<'a> = Rc<RefCell<Framed<'a>>>;

/// stdout or stderr of a v2 shell.
struct FramedChannel<'a> {
    out: SharedFramed<'a>,
    id: u8,
    pty: bool,
}

impl Write for FramedChannel<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = self.out.borrow_mut();
        if self.pty {
            for part in buf.split_inclusive(|&b| b == b'\n') {
                match part.strip_suffix(b"\n") {
                    Some(line) => {
                        out.push(self.id, line)?;
                        out.push(self.id, b"\r\n")?;
                    }
                    None => out.push(self.id, part)?,
                }
            }
        } else {
            out.push(self.id, buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.borrow_mut().flush()
    }
}

/// The stdin of a v2 shell: the data of stdin packets, until close-stdin or the end of the stream.
struct FramedStdin<'a> {
    out: SharedFramed<'a>,
    buffered: Vec<u8>,
    closed: bool,
}

impl FramedStdin<'_> {
    fn fill(&mut self) -> io::Result<()> {
        let mut out = self.out.borrow_mut();
        out.flush()?;
        let stream = out.out.get_mut();
        while self.buffered.is_empty() && !self.closed {
            let mut header = [0u8; 5];
            if let Err(e) = stream.read_exact(&mut header) {
                if e.kind() == io::ErrorKind::UnexpectedEof {
                    self.closed = true;
                    return Ok(());
                }
                return Err(e);
            }
            let length = u32::from_le_bytes([header[1], header[2], header[3], header[4]]) as usize;
            if length > 16 * 1024 * 1024 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "shell packet larger than 16 MiB"));
            }
            let mut data = vec![0u8; length];
            stream.read_exact(&mut data)?;
            match header[0] {
                ID_STDIN => self.buffered = data,
                ID_CLOSE_STDIN => self.closed = true,
                // Window size changes and unknown packets do not concern a non-interactive command.
                _ => {}
            }
        }
        Ok(())
    }
}

impl Read for FramedStdin<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.buffered.is_empty() {
            self.fill()?;
        }
        let n = self.buffered.len().min(buf.len());
        buf[..n].copy_from_slice(&self.buffered[..n]);
        self.buffered.drain(..n);
        Ok(n)
    }
}

fn run_v2(
    phone: &Phone,
    stream: &mut AdbStream,
    command: &str,
    pty: bool,
    capacity: usize,
) -> io::Result<()> {
    let framed = Framed {
        out: BufWriter::with_capacity(capacity, stream),
        pending_id: ID_STDOUT,
        pending: Vec::new(),
    };
    let out: SharedFramed<'_> = Rc::new(RefCell::new(framed));
    let mut stdout = FramedChannel { out: Rc::clone(&out), id: ID_STDOUT, pty };
    let mut stderr = FramedChannel { out: Rc::clone(&out), id: ID_STDERR, pty };
    let mut stdin = FramedStdin { out: Rc::clone(&out), buffered: Vec::new(), closed: false };
    let status = {
        let mut io = ShellIo { out: &mut stdout, err: &mut stderr, stdin: &mut stdin };
        if command.is_empty() {
            shell::interactive(phone, &mut io)?
        } else {
            shell::run_line(phone, command, &mut io)
        }
    };
    let mut out = out.borrow_mut();
    out.emit()?;
    write_packet(&mut out.out, ID_EXIT, &[status])?;
    out.out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_service_names_like_adbd() {
        assert_eq!(Service::parse("sync:"), Some(Service::Sync));
        assert_eq!(
            Service::parse("shell:getprop ro.serialno"),
            Some(Service::RawShell { command: "getprop ro.serialno".into(), pty: false })
        );
        assert_eq!(Service::parse("shell:"), Some(Service::RawShell { command: String::new(), pty: true }));
        assert_eq!(
            Service::parse("shell,v2,TERM=xterm-256color,raw:echo hi"),
            Some(Service::ShellV2 { command: "echo hi".into(), pty: false })
        );
        assert_eq!(
            Service::parse("shell,v2,pty:ls"),
            Some(Service::ShellV2 { command: "ls".into(), pty: true })
        );
        assert_eq!(
            Service::parse("exec:cat /x"),
            Some(Service::RawShell { command: "cat /x".into(), pty: false })
        );
        assert_eq!(Service::parse("reboot:"), None);
        assert_eq!(Service::parse("framebuffer:"), None);
        assert_eq!(Service::parse("shellfish"), None);
    }

    #[test]
    fn frames_shell_packets() {
        let mut bytes = Vec::new();
        write_packet(&mut bytes, ID_EXIT, &[127]).unwrap();
        assert_eq!(bytes, [3, 1, 0, 0, 0, 127]);
    }
}
