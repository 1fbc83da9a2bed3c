//! Value-level encodings of vCard: quoted-printable, charsets, backslash escapes, component and list
//! separators, and RFC 6868's caret encoding of parameter values.
//!
//! Order matters and is the reason this is separate: transport encodings (QP, then the charset) are undone on
//! bytes first; only then are `;`, `,` and `\` interpreted, on characters. A SHIFT_JIS name can contain the byte
//! 0x5C (`\`) as the second half of a character, so escaping must never be looked at before decoding.

use encoding_rs::Encoding;

/// Undoes quoted-printable: `=XX` becomes the byte 0xXX. A `=` not followed by two hex digits is kept as it is
/// (exporters write stray ones), and so is everything else.
pub(super) fn decode_quoted_printable(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Decodes text bytes. With a charset named, that charset (any WHATWG label: `SHIFT_JIS`, `ISO-8859-1`,
/// `windows-1252`, `UTF-8`…); without one, UTF-8 when valid, else windows-1252, which is what old desktop
/// exporters wrote. Returns the text and a note when something had to be guessed or replaced.
pub(super) fn decode_text(bytes: &[u8], charset: Option<&str>) -> (String, Option<String>) {
    if let Some(label) = charset {
        match Encoding::for_label(label.trim().as_bytes()) {
            Some(encoding) => {
                let (text, _, had_errors) = encoding.decode(bytes);
                let note = had_errors
                    .then(|| format!("the value is not valid {}; bad bytes were replaced", encoding.name()));
                return (text.into_owned(), note);
            }
            None => {
                let (text, note) = decode_text(bytes, None);
                let unknown = format!("unknown charset \"{label}\"");
                return (text, Some(note.map_or(unknown.clone(), |n| format!("{unknown}; {n}"))));
            }
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (
                text.into_owned(),
                Some("the value is not UTF-8 and names no charset; read it as windows-1252".into()),
            )
        }
    }
}

/// Undoes backslash escapes: `\\`, `\;`, `\,`, `\:` and `\n`/`\N` (a line break). Any other backslash is kept
/// with the character after it, as vCard 2.1 files use bare backslashes in ordinary text.
pub(super) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(next @ ('\\' | ';' | ',' | ':')) => out.push(next),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Splits on a separator that is not escaped, then unescapes each piece.
pub(super) fn split_unescaped(text: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            current.push(c);
            if let Some(next) = chars.next() {
                current.push(next);
            }
        } else if c == separator {
            parts.push(unescape(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    parts.push(unescape(&current));
    parts
}

/// Escapes text for a vCard value: backslash, `;`, `,` and line breaks.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

/// Turns real line breaks inside a value into the `\n` escape, for values kept still escaped.
pub(super) fn escape_line_breaks(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n").replace('\n', "\\n")
}

/// RFC 6868: `^n` is a line break, `^'` a double quote, `^^` a caret (vCard 4.0 parameter values).
pub(super) fn decode_carets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '^' {
            match chars.peek() {
                Some('n') => {
                    chars.next();
                    out.push('\n');
                    continue;
                }
                Some('\'') => {
                    chars.next();
                    out.push('"');
                    continue;
                }
                Some('^') => {
                    chars.next();
                    out.push('^');
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// The inverse of [`decode_carets`].
pub(super) fn encode_carets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '^' => out.push_str("^^"),
            '\n' => out.push_str("^n"),
            '"' => out.push_str("^'"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_keeps_stray_equals() {
        assert_eq!(decode_quoted_printable(b"=C3=91=20x=ZZ="), b"\xC3\x91 x=ZZ=");
    }

    #[test]
    fn shift_jis_backslash_byte_is_part_of_a_character() {
        // 能 is 0x94 0x5C in SHIFT_JIS: the second byte is an ASCII backslash.
        let (text, note) = decode_text(b"\x94\x5C", Some("SHIFT_JIS"));
        assert_eq!(text, "能");
        assert!(note.is_none());
    }

    #[test]
    fn escapes_round_trip() {
        let text = "a;b,c\\d\ne";
        assert_eq!(unescape(&escape(text)), text);
        assert_eq!(split_unescaped("a\\;b;c\\,d;", ';'), vec!["a;b", "c,d", ""]);
        assert_eq!(unescape("http\\://x \\q"), "http://x \\q");
    }

    #[test]
    fn carets_round_trip() {
        let text = "line1\nsay \"hi\" ^_^";
        assert_eq!(decode_carets(&encode_carets(text)), text);
    }
}
