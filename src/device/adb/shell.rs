//! Running commands on the phone. Shell protocol v2 (`shell,v2,raw:`) frames stdin, stdout, stderr and the
//! exit status as packets (`id: u8, length: u32 LE, data`), so output is binary-safe and the status is
//! known. Phones without `shell_v2` (Android 6 and older) get `exec:`, which at least never puts a terminal
//! in between (a pty would turn `\n` into `\r\n` and ruin `content read` of a JPEG); their status is unknown.

use std::io::{self, Read, Write};

use super::{AdbError, AdbStream, Connection};

const ID_STDIN: u8 = 0;
const ID_STDOUT: u8 = 1;
const ID_STDERR: u8 = 2;
const ID_EXIT: u8 = 3;
const ID_CLOSE_STDIN: u8 = 4;

/// Error output kept from one command; more is dropped (a broken command can print forever).
const STDERR_LIMIT: usize = 64 * 1024;

/// What a finished command printed and returned.
#[derive(Debug, Clone, Default)]
pub struct ShellOutput {
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error (at most 64 KiB).
    pub stderr: Vec<u8>,
    /// The exit status, when the phone reports it (shell v2).
    pub status: Option<u8>,
}

impl ShellOutput {
    /// Standard output as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text (lossy), trimmed.
    pub fn error_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).trim().to_string()
    }

    /// Whether it succeeded (status 0, or unknown status and nothing on stderr).
    pub fn success(&self) -> bool {
        match self.status {
            Some(status) => status == 0,
            None => self.stderr.is_empty(),
        }
    }
}

/// Quotes one word for the phone's shell (mksh): single quotes, with `'` written as `'\''`.
pub fn quote(word: &str) -> String {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=,+@%".contains(&b)) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Joins words into one quoted command line.
pub fn command_line(words: &[&str]) -> String {
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}

/// Standard output of a running command, as a stream.
pub struct ShellReader {
    stream: AdbStream,
    v2: bool,
    /// Bytes left in the current stdout packet.
    remaining: usize,
    stderr: Vec<u8>,
    status: Option<u8>,
    finished: bool,
}

impl ShellReader {
    /// The exit status, once the output has been read to its end.
    pub fn status(&self) -> Option<u8> {
        self.status
    }

    /// What the command printed on stderr so far.
    pub fn stderr(&self) -> &[u8] {
        &self.stderr
    }

    /// Reads the next packet header, skipping and keeping stderr; returns false at the end.
    fn next_stdout_packet(&mut self) -> io::Result<bool> {
        loop {
            let mut header = [0u8; 5];
            if !read_exact_or_eof(&mut self.stream, &mut header)? {
                return Ok(false);
            }
            let length = u32::from_le_bytes([header[1], header[2], header[3], header[4]]) as usize;
            match header[0] {
                ID_STDOUT => {
                    self.remaining = length;
                    if length > 0 {
                        return Ok(true);
                    }
                }
                ID_STDERR => {
                    let mut data = vec![0u8; length];
                    self.stream.read_exact(&mut data)?;
                    let room = STDERR_LIMIT.saturating_sub(self.stderr.len());
                    self.stderr.extend_from_slice(&data[..data.len().min(room)]);
                }
                ID_EXIT => {
                    let mut data = vec![0u8; length];
                    self.stream.read_exact(&mut data)?;
                    self.status = data.first().copied();
                    return Ok(false);
                }
                _ => {
                    let mut data = vec![0u8; length];
                    self.stream.read_exact(&mut data)?;
                }
            }
        }
    }
}

/// `read_exact`, but a clean end before the first byte is `false` rather than an error.
fn read_exact_or_eof(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the shell stream ended mid-packet",
                ));
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

impl Read for ShellReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        if !self.v2 {
            let n = self.stream.read(buf)?;
            self.finished = n == 0;
            return Ok(n);
        }
        if self.remaining == 0 && !self.next_stdout_packet()? {
            self.finished = true;
            return Ok(0);
        }
        let want = buf.len().min(self.remaining);
        let n = self.stream.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the shell stream ended mid-packet"));
        }
        self.remaining -= n;
        Ok(n)
    }
}

fn packet(id: u8, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + data.len());
    out.push(id);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    out
}

impl Connection {
    /// Starts `command` and returns its standard output as a stream.
    pub fn shell_reader(&self, command: &str) -> Result<ShellReader, AdbError> {
        self.start_shell(command, None)
    }

    fn start_shell(&self, command: &str, input: Option<&mut dyn Read>) -> Result<ShellReader, AdbError> {
        let v2 = self.has_feature("shell_v2");
        let service = if v2 { format!("shell,v2,raw:{command}") } else { format!("exec:{command}") };
        let mut stream = self.open(&service)?;
        if let Some(input) = input {
            let lost = |e: io::Error| self.io_failure(e);
            let mut chunk = vec![0u8; 32 * 1024];
            loop {
                let n = match input.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        return Err(AdbError::Command {
                            device: self.name().to_string(),
                            command: short(command),
                            detail: format!("its input could not be read: {e}"),
                        });
                    }
                };
                if v2 {
                    stream.write_all(&packet(ID_STDIN, &chunk[..n])).map_err(lost)?;
                } else {
                    stream.write_all(&chunk[..n]).map_err(lost)?;
                }
            }
            if v2 {
                stream.write_all(&packet(ID_CLOSE_STDIN, &[])).map_err(lost)?;
            }
        }
        Ok(ShellReader { stream, v2, remaining: 0, stderr: Vec::new(), status: None, finished: false })
    }

    /// Runs `command` and collects what it prints.
    pub fn shell(&self, command: &str) -> Result<ShellOutput, AdbError> {
        self.shell_with_input(command, None)
    }

    /// Runs `command` with `input` on its standard input (shell v2 only carries stdin faithfully).
    pub fn shell_with_input(
        &self,
        command: &str,
        input: Option<&mut dyn Read>,
    ) -> Result<ShellOutput, AdbError> {
        let mut reader = self.start_shell(command, input)?;
        let mut stdout = Vec::new();
        reader.read_to_end(&mut stdout).map_err(|e| self.io_failure(e))?;
        Ok(ShellOutput { stdout, stderr: std::mem::take(&mut reader.stderr), status: reader.status })
    }

    /// Runs `command` and insists it succeeds; returns its standard output as text.
    pub fn run(&self, command: &str) -> Result<String, AdbError> {
        let output = self.shell(command)?;
        if output.success() {
            Ok(output.text())
        } else {
            let status = output.status.map(|s| format!("exit status {s}")).unwrap_or_default();
            Err(AdbError::Command {
                device: self.name().to_string(),
                command: short(command),
                detail: format!("{} {}", output.error_text(), status).trim().to_string(),
            })
        }
    }
}

/// A command shortened for messages.
pub fn short(command: &str) -> String {
    let mut text: String = command.chars().take(80).collect();
    if text.len() < command.len() {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_words_for_the_phone_shell() {
        assert_eq!(quote("content"), "content");
        assert_eq!(quote("--uri"), "--uri");
        assert_eq!(quote("it's a test"), r"'it'\''s a test'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a;rm -rf /"), "'a;rm -rf /'");
        assert_eq!(command_line(&["settings", "put", "system", "x", "a b"]), "settings put system x 'a b'");
    }
}
