//! Attribute text as SMS Backup & Restore writes it, and the small pieces of text it derives.
//!
//! The app escapes characters outside the Basic Multilingual Plane (emoji) as two numeric references, one per
//! UTF-16 surrogate (`&#55357;&#56832;` for 😀). Those are not characters, so a strict XML parser rejects
//! them; we decode attribute values ourselves and join the pairs. Control characters written as `&#1;` (the
//! app keeps them from the SMS) are accepted for the same reason.

use std::borrow::Cow;

/// Decodes an attribute's raw bytes: UTF-8, then `&lt; &gt; &amp; &quot; &apos; &#N; &#xH;` with surrogate pairs
/// joined. Lone surrogates become U+FFFD. Nothing makes the value unreadable: bytes that are not UTF-8 become
/// U+FFFD and an unknown or unterminated entity is kept as written, and the second value says so, so that one
/// bad byte costs one field a character, not the whole message.
pub(super) fn unescape_attribute(raw: &[u8]) -> (String, Option<String>) {
    let mut notes = Vec::new();
    let text = match std::str::from_utf8(raw) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            let bad = invalid_utf8_bytes(raw);
            notes.push(format!(
                "{bad} byte{} that {} not UTF-8 replaced by U+FFFD",
                if bad == 1 { "" } else { "s" },
                if bad == 1 { "is" } else { "are" }
            ));
            String::from_utf8_lossy(raw)
        }
    };
    if !text.contains('&') {
        return (text.into_owned(), join(notes));
    }
    let mut out = String::with_capacity(text.len());
    let mut pending_high: Option<u32> = None;
    let mut rest: &str = &text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';') else {
            notes.push(format!("an unterminated \"&\" near \"{}\" kept as written", preview(&rest[amp..])));
            out.push('&');
            rest = after;
            continue;
        };
        let entity = &after[..semi];
        let code = match entity {
            "lt" => u32::from('<'),
            "gt" => u32::from('>'),
            "amp" => u32::from('&'),
            "quot" => u32::from('"'),
            "apos" => u32::from('\''),
            _ => match parse_numeric(entity) {
                Some(code) => code,
                None => {
                    notes.push(format!("the unknown entity \"&{};\" kept as written", preview(entity)));
                    out.push('&');
                    rest = after;
                    continue;
                }
            },
        };
        rest = &after[semi + 1..];
        match (pending_high.take(), code) {
            (Some(high), 0xDC00..=0xDFFF) => {
                let joined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                out.push(char::from_u32(joined).unwrap_or(char::REPLACEMENT_CHARACTER));
                continue;
            }
            (Some(_), _) => out.push(char::REPLACEMENT_CHARACTER),
            (None, _) => {}
        }
        match code {
            0xD800..=0xDBFF => pending_high = Some(code),
            _ => out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        // A high surrogate only pairs with a reference that follows it immediately.
        if pending_high.is_some() && !rest.starts_with("&#") {
            pending_high = None;
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    if pending_high.is_some() {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    out.push_str(rest);
    (out, join(notes))
}

fn join(notes: Vec<String>) -> Option<String> {
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// How many bytes of `raw` are not part of valid UTF-8.
fn invalid_utf8_bytes(raw: &[u8]) -> usize {
    let mut bad = 0;
    let mut rest = raw;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(_) => break,
            Err(e) => {
                let skip = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                bad += skip;
                rest = &rest[e.valid_up_to() + skip..];
            }
        }
    }
    bad
}

fn parse_numeric(entity: &str) -> Option<u32> {
    let digits = entity.strip_prefix('#')?;
    match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => digits.parse().ok(),
    }
}

fn preview(text: &str) -> &str {
    let end = text.char_indices().nth(16).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Escapes an attribute value as the app does: markup characters as entities, line breaks, tabs and other
/// control characters as numeric references (a raw line break in an attribute would be read back as a space).
pub(super) fn escape_attribute(value: &str) -> Cow<'_, str> {
    if !value.chars().any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || c.is_control()) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 16);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push_str(&format!("&#{};", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `readable_date` as the app writes it (`Dec 2, 2017 06:49:27`), in UTC: the app's own value is in the
/// phone's time zone, which a backup does not record, and the app only shows this text, never reads it.
pub(super) fn readable_date(millis: i64) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match time::OffsetDateTime::from_unix_timestamp(millis.div_euclid(1000)) {
        Ok(t) => format!(
            "{} {}, {} {:02}:{:02}:{:02}",
            MONTHS[usize::from(u8::from(t.month())) - 1],
            t.day(),
            t.year(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => "n/a".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_surrogate_pairs_written_as_two_references() {
        assert_eq!(unescape_attribute(b"Hi &#55357;&#56832;!"), ("Hi 😀!".into(), None));
        assert_eq!(unescape_attribute(b"a&#10;b &lt;&amp;&gt; &#x41;").0, "a\nb <&> A");
        assert_eq!(unescape_attribute(b"&#55357;x").0, "\u{FFFD}x");
        let (text, note) = unescape_attribute(b"&bogus; &amp;");
        assert_eq!(text, "&bogus; &");
        assert!(note.is_some_and(|n| n.contains("&bogus;")));
        let (text, note) = unescape_attribute(b"a & b");
        assert_eq!(text, "a & b");
        assert!(note.is_some_and(|n| n.contains("unterminated")));
        let (text, note) = unescape_attribute(b"caf\xE9 \xff\xfe");
        assert_eq!(text, "caf\u{FFFD} \u{FFFD}\u{FFFD}");
        assert!(note.is_some_and(|n| n.starts_with("3 bytes")));
    }

    #[test]
    fn escaping_round_trips() {
        let text = "line 1\nline \"2\"\t<&> 😀 \u{1}";
        let escaped = escape_attribute(text);
        assert!(!escaped.contains('\n'));
        assert_eq!(unescape_attribute(escaped.as_bytes()), (text.to_string(), None));
    }

    #[test]
    fn readable_dates_look_like_the_apps() {
        assert_eq!(readable_date(1_512_226_167_463), "Dec 2, 2017 14:49:27");
    }
}
