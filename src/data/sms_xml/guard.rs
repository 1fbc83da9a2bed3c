//! The input side of the reader: counts lines for error messages, and bounds the memory one element can take.
//!
//! The XML parser buffers a whole start tag (with every attribute) or a whole text run before handing it over,
//! and the reader then copies it a few times (owned event, raw XML, decoded values, base64). A 300 MB
//! attribute took 1.86 GB that way. So this reader watches the bytes it hands out: once a single tag or text
//! run reaches [`MAX_ELEMENT_BYTES`], the rest of it is read and thrown away here, the tag is closed with a few
//! synthetic bytes so the parser can go on with the next record, and the element is reported through
//! [`GuardedInput::take_oversize`] for the reader to refuse it by name. Comments and declarations
//! (`<!…>`, `<?…?>`) over the limit end reading instead, as they hold no record.

use std::io::{self, BufRead, Read};

/// The most bytes one element's start tag (all its attributes, such as an MMS part's base64 `data`) or one
/// text run may have: 64 MiB, about 48 MB of attachment. Documented in docs/imports.md.
pub const MAX_ELEMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Where the scanner is in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Between tags.
    Text,
    /// Just after `<`.
    TagStart,
    /// Inside a tag, outside quotes.
    Tag { slash: bool },
    /// Inside a quoted attribute value.
    Quote(u8),
    /// Inside `<!…>` or `<?…>`, where quotes mean nothing.
    Markup,
}

impl Scan {
    /// The state after `byte`, and whether `byte` ended the current run (a tag's `>`, or the `<` that ends
    /// text).
    fn step(self, byte: u8) -> (Scan, bool) {
        match (self, byte) {
            (Scan::Text, b'<') => (Scan::TagStart, true),
            (Scan::Text, _) => (Scan::Text, false),
            (Scan::TagStart, b'!' | b'?') => (Scan::Markup, false),
            (Scan::TagStart, b'>') | (Scan::Tag { .. }, b'>') | (Scan::Markup, b'>') => (Scan::Text, true),
            (Scan::TagStart | Scan::Tag { .. }, b'"' | b'\'') => (Scan::Quote(byte), false),
            (Scan::TagStart | Scan::Tag { .. }, b'/') => (Scan::Tag { slash: true }, false),
            (Scan::TagStart | Scan::Tag { .. }, _) => (Scan::Tag { slash: false }, false),
            (Scan::Quote(q), b) if b == q => (Scan::Tag { slash: false }, false),
            (state @ (Scan::Quote(_) | Scan::Markup), _) => (state, false),
        }
    }
}

/// An element refused for its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oversize {
    /// The line it starts on.
    pub line: usize,
    /// How many bytes it has.
    pub bytes: u64,
}

/// A [`BufRead`] that counts line breaks and cuts elements over [`MAX_ELEMENT_BYTES`] (see the module text).
pub(super) struct GuardedInput<R> {
    inner: R,
    newlines: usize,
    scan: Scan,
    /// Bytes handed out in the current tag or text run.
    run: u64,
    /// The line the current run started on.
    run_line: usize,
    limit: u64,
    /// Synthetic bytes that close a cut tag, handed out before any more input.
    inject: Vec<u8>,
    injected: usize,
    oversize: Option<Oversize>,
}

impl<R: BufRead> GuardedInput<R> {
    pub(super) fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_ELEMENT_BYTES)
    }

    pub(super) fn with_limit(inner: R, limit: u64) -> Self {
        Self {
            inner,
            newlines: 0,
            scan: Scan::Text,
            run: 0,
            run_line: 1,
            limit,
            inject: Vec::new(),
            injected: 0,
            oversize: None,
        }
    }

    /// The 1-based line the next unread byte is on.
    pub(super) fn line(&self) -> usize {
        self.newlines + 1
    }

    /// The element cut since the last call, if any.
    pub(super) fn take_oversize(&mut self) -> Option<Oversize> {
        self.oversize.take()
    }

    /// Advances the scanner over bytes handed out.
    fn track(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == b'\n' {
                self.newlines += 1;
            }
            let (next, ended) = self.scan.step(byte);
            if ended {
                self.run = 0;
                self.run_line = self.newlines + 1;
            } else {
                self.run += 1;
            }
            self.scan = next;
        }
    }

    /// Reads and drops the rest of the run that reached the limit, then prepares the bytes that close it.
    fn cut(&mut self) -> io::Result<()> {
        let (start_scan, line) = (self.scan, self.run_line);
        let mut bytes = self.run;
        if start_scan == Scan::Markup {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a comment or declaration at line {line} is larger than the limit of {} bytes",
                    self.limit
                ),
            ));
        }
        let mut slash = false;
        loop {
            let buffer = self.inner.fill_buf()?;
            if buffer.is_empty() {
                // The file ends inside the cut element: the parser reports the cut-off file.
                return Ok(());
            }
            let mut used = 0;
            let mut ended = false;
            for &byte in buffer {
                if self.scan == Scan::Text && byte == b'<' {
                    ended = true;
                    break;
                }
                used += 1;
                if byte == b'\n' {
                    self.newlines += 1;
                }
                let (next, end) = self.scan.step(byte);
                if let Scan::Tag { slash: s } = self.scan {
                    slash = s;
                }
                self.scan = next;
                if end {
                    ended = true;
                    break;
                }
            }
            bytes += used as u64;
            self.inner.consume(used);
            if ended {
                break;
            }
        }
        self.run = 0;
        self.run_line = self.newlines + 1;
        if start_scan == Scan::Text {
            // Text between records means nothing; it is simply dropped.
            return Ok(());
        }
        self.inject.clear();
        self.injected = 0;
        if let Scan::Quote(q) = start_scan {
            self.inject.push(q);
        }
        self.inject.extend_from_slice(if slash { b"/>" } else { b">" });
        self.oversize = Some(Oversize { line, bytes });
        Ok(())
    }
}

/// How many of `bytes` can be handed out before the run (at `scan`, `run` bytes long) passes `limit`.
fn allowed(scan: Scan, run: u64, limit: u64, bytes: &[u8]) -> usize {
    if run + bytes.len() as u64 <= limit {
        return bytes.len();
    }
    let (mut scan, mut run) = (scan, run);
    for (i, &byte) in bytes.iter().enumerate() {
        let (next, ended) = scan.step(byte);
        run = if ended { 0 } else { run + 1 };
        if run > limit {
            return i;
        }
        scan = next;
    }
    bytes.len()
}

impl<R: BufRead> Read for GuardedInput<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for GuardedInput<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.injected < self.inject.len() {
            return Ok(&self.inject[self.injected..]);
        }
        let (scan, run, limit) = (self.scan, self.run, self.limit);
        let buffer = self.inner.fill_buf()?;
        let n = allowed(scan, run, limit, buffer);
        if n > 0 || buffer.is_empty() {
            return Ok(&self.inner.fill_buf()?[..n]);
        }
        self.cut()?;
        if self.injected < self.inject.len() {
            return Ok(&self.inject[self.injected..]);
        }
        let (scan, run) = (self.scan, self.run);
        let buffer = self.inner.fill_buf()?;
        let n = allowed(scan, run, limit, buffer);
        Ok(&buffer[..n])
    }

    fn consume(&mut self, amount: usize) {
        if self.injected < self.inject.len() {
            self.injected = (self.injected + amount).min(self.inject.len());
            if self.injected == self.inject.len() {
                // The synthetic bytes end the cut tag.
                self.scan = Scan::Text;
                self.run = 0;
            }
            return;
        }
        // The bytes being consumed are still in the inner buffer; fill_buf returns them without reading.
        let end = match self.inner.fill_buf() {
            Ok(buffer) => {
                let end = amount.min(buffer.len());
                let consumed = buffer[..end].to_vec();
                self.track(&consumed);
                end
            }
            Err(_) => amount,
        };
        self.inner.consume(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_as_bytes_are_consumed() {
        let mut input = GuardedInput::new(&b"a\nb\nc"[..]);
        let n = input.fill_buf().unwrap().len();
        input.consume(n.min(3));
        assert_eq!(input.line(), 2);
    }

    #[test]
    fn a_tag_over_the_limit_is_cut_and_closed() {
        let xml = b"<a x=\"1\"/>\n<b data=\"0123456789abcdef\" y='2'/>\n<c/>";
        let mut input = GuardedInput::with_limit(&xml[..], 12);
        let mut out = String::new();
        input.read_to_string(&mut out).unwrap();
        assert_eq!(out, "<a x=\"1\"/>\n<b data=\"0123\"/>\n<c/>");
        assert_eq!(input.take_oversize(), Some(Oversize { line: 2, bytes: 33 }));
        let text = b"<a>0123456789abcdefghij</a>";
        let mut input = GuardedInput::with_limit(&text[..], 8);
        let mut out = String::new();
        input.read_to_string(&mut out).unwrap();
        assert_eq!(out, "<a>01234567</a>");
        assert_eq!(input.take_oversize(), None, "text is dropped, not reported");
    }
}
