//! From bytes to cards and logical property lines: finds `BEGIN:VCARD` … `END:VCARD`, and undoes the four ways
//! exporters continue a property on the next line.
//!
//! 1. Folding (all versions): a line that starts with a space or tab continues the previous one. Unfolding works
//!    on bytes, so a fold that splits a UTF-8 sequence (ownCloud does this) heals before anything is decoded.
//! 2. Quoted-printable soft line breaks (2.1): a QP value ending in `=` continues on the next line, which does
//!    not start with whitespace and may even be empty or start with `#`.
//! 3. Base64 in 2.1: the value continues on lines of bare base64 until a blank line.
//! 4. A line ending in a backslash followed by a line that is not a property (AOSP's multi-line ADR): the
//!    exporter meant an escaped line break, so it becomes `\n`.
//!
//! Lines starting with `#` between properties are comments (AOSP ignores them; so do we). Line endings may be
//! `\r\n`, `\n` or even `\r\r\n` (the iPhone sample).

/// One logical property line, unfolded, with the number of the physical line it started on.
pub(super) struct LogicalLine {
    /// 1-based line number in the file.
    pub line: usize,
    /// The unfolded bytes.
    pub bytes: Vec<u8>,
}

/// One card as found in the file.
pub(super) struct RawCard {
    /// 1-based position of the card in the file.
    pub index: usize,
    /// The card's bytes, `BEGIN:VCARD` to `END:VCARD` inclusive.
    pub source: Vec<u8>,
    /// Its property lines, in order.
    pub lines: Vec<LogicalLine>,
    /// Problems found while splitting lines: (line, reason).
    pub problems: Vec<(usize, String)>,
}

/// How a property's value continues, judged from its header.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Continuation {
    Plain,
    QuotedPrintable,
    Base64,
}

struct Open {
    start_offset: usize,
    index: usize,
    lines: Vec<LogicalLine>,
    current: Option<LogicalLine>,
    problems: Vec<(usize, String)>,
}

impl Open {
    fn finish_current(&mut self) {
        if let Some(line) = self.current.take() {
            self.lines.push(line);
        }
    }

    fn close(mut self, input: &[u8], end_offset: usize) -> RawCard {
        self.finish_current();
        RawCard {
            index: self.index,
            source: input[self.start_offset..end_offset].to_vec(),
            lines: self.lines,
            problems: self.problems,
        }
    }
}

/// Splits a file into cards and their logical lines.
pub(super) fn split_cards(input: &[u8]) -> Vec<RawCard> {
    split_cards_from(input, 1, 1)
}

/// Splits part of a file into cards: `input` starts on line `first_line` of the file, and its first card is
/// card `first_card` of the file.
pub(super) fn split_cards_from(input: &[u8], first_line: usize, first_card: usize) -> Vec<RawCard> {
    let mut cards = Vec::new();
    let mut open: Option<Open> = None;
    let mut offset = 0;
    let mut number = first_line - 1;
    while offset < input.len() {
        number += 1;
        let start = offset;
        let end = input[start..].iter().position(|&b| b == b'\n').map_or(input.len(), |p| start + p);
        offset = (end + 1).min(input.len());
        let mut line = &input[start..end];
        while let [rest @ .., b'\r'] = line {
            line = rest;
        }

        let Some(card) = open.as_mut() else {
            if is_marker(line, b"BEGIN:VCARD") {
                open = Some(Open {
                    start_offset: start,
                    index: first_card + cards.len(),
                    lines: Vec::new(),
                    current: None,
                    problems: Vec::new(),
                });
            }
            continue;
        };

        if let Some(current) = card.current.as_mut() {
            if let [b' ' | b'\t', rest @ ..] = line {
                current.bytes.extend_from_slice(rest);
                continue;
            }
            match continuation(&current.bytes) {
                Continuation::QuotedPrintable if current.bytes.ends_with(b"=") => {
                    current.bytes.pop();
                    current.bytes.extend_from_slice(line);
                    continue;
                }
                Continuation::Base64 if !line.is_empty() && is_bare_base64(line) => {
                    current.bytes.extend_from_slice(line);
                    continue;
                }
                _ => {}
            }
            if ends_with_lone_backslash(&current.bytes) && !line.is_empty() && !line.contains(&b':') {
                current.bytes.push(b'n');
                current.bytes.extend_from_slice(line);
                continue;
            }
        }

        if line.iter().all(|b| b.is_ascii_whitespace()) || line.starts_with(b"#") {
            card.finish_current();
            continue;
        }
        if is_marker(line, b"END:VCARD") {
            if let Some(card) = open.take() {
                cards.push(card.close(input, offset));
            }
            continue;
        }
        if is_marker(line, b"BEGIN:VCARD") {
            card.problems.push((number, "a new card starts before this one ended (no END:VCARD)".into()));
            if let Some(card) = open.take() {
                cards.push(card.close(input, start));
            }
            open = Some(Open {
                start_offset: start,
                index: first_card + cards.len(),
                lines: Vec::new(),
                current: None,
                problems: Vec::new(),
            });
            continue;
        }
        card.finish_current();
        card.current = Some(LogicalLine { line: number, bytes: line.to_vec() });
    }
    if let Some(mut card) = open.take() {
        card.problems.push((number, "the file ends before END:VCARD".into()));
        cards.push(card.close(input, input.len()));
    }
    cards
}

pub(super) fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    line.trim_ascii().eq_ignore_ascii_case(marker)
}

fn ends_with_lone_backslash(bytes: &[u8]) -> bool {
    let trailing = bytes.iter().rev().take_while(|&&b| b == b'\\').count();
    trailing % 2 == 1
}

fn is_bare_base64(line: &[u8]) -> bool {
    line.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\t'))
}

/// Judges from a property's header (everything before the first `:` outside quotes) how its value continues.
fn continuation(bytes: &[u8]) -> Continuation {
    let header = &bytes[..header_end(bytes).unwrap_or(bytes.len())];
    let mut result = Continuation::Plain;
    for param in header.split(|&b| b == b';').skip(1) {
        let param = param.trim_ascii();
        let value = match param.iter().position(|&b| b == b'=') {
            Some(eq) if param[..eq].trim_ascii().eq_ignore_ascii_case(b"ENCODING") => &param[eq + 1..],
            Some(_) => continue,
            None => param,
        };
        let value = value.trim_ascii();
        if value.eq_ignore_ascii_case(b"QUOTED-PRINTABLE") {
            result = Continuation::QuotedPrintable;
        } else if value.eq_ignore_ascii_case(b"BASE64")
            || (value.eq_ignore_ascii_case(b"B") && param.contains(&b'='))
        {
            result = Continuation::Base64;
        }
    }
    result
}

/// The position of the `:` that ends a property's name and parameters (quoted parameter values may contain
/// colons).
pub(super) fn header_end(bytes: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<String> {
        split_cards(input.as_bytes())
            .into_iter()
            .flat_map(|c| c.lines)
            .map(|l| String::from_utf8_lossy(&l.bytes).into_owned())
            .collect()
    }

    #[test]
    fn unfolds_and_joins_soft_breaks() {
        let input = "BEGIN:VCARD\r\nNOTE:a\r\n b\r\nN;ENCODING=QUOTED-PRINTABLE:=41=\r\n=42\r\n# comment\r\nEND:VCARD\r\n";
        assert_eq!(lines(input), vec!["NOTE:ab", "N;ENCODING=QUOTED-PRINTABLE:=41=42"]);
    }

    #[test]
    fn base64_runs_to_the_blank_line() {
        let input = "BEGIN:VCARD\nPHOTO;ENCODING=BASE64:AAAA\nBBBB\n\nFN:x\nEND:VCARD\n";
        assert_eq!(lines(input), vec!["PHOTO;ENCODING=BASE64:AAAABBBB", "FN:x"]);
    }

    #[test]
    fn unterminated_cards_are_reported() {
        let cards = split_cards(b"BEGIN:VCARD\nFN:a\nBEGIN:VCARD\nFN:b\nEND:VCARD\nBEGIN:VCARD\nFN:c\n");
        assert_eq!(cards.len(), 3);
        assert_eq!(cards[0].problems.len(), 1);
        assert_eq!(cards[0].problems[0].0, 3);
        assert!(cards[1].problems.is_empty());
        assert_eq!(cards[2].problems.len(), 1);
    }
}
