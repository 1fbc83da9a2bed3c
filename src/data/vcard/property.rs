//! One logical line to a property: group, name, parameters in all three versions' spellings, and the value
//! with its transport encoding (quoted-printable, charset, base64) undone.

use super::decode::{decode_carets, decode_quoted_printable, decode_text, escape_line_breaks};
use super::lines::{LogicalLine, header_end};
use crate::data::Param;

/// How the value was transported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transport {
    /// Plain text (possibly in a legacy charset, already decoded).
    Text,
    /// Base64 (`ENCODING=b`, `ENCODING=BASE64`, 2.1's bare `BASE64`); the text is the base64 itself.
    Base64,
}

/// A parsed property line.
pub(super) struct Property {
    /// 1-based line number where it started.
    pub line: usize,
    /// The group (`item1`), as written.
    pub group: Option<String>,
    /// The name, as written.
    pub name: String,
    /// Parameters: names uppercased, bare 2.1 parameters turned into `TYPE` (or `ENCODING`), all `TYPE`s merged
    /// into one; `ENCODING` and `CHARSET` removed (they are undone here).
    pub params: Vec<Param>,
    /// How the value was transported.
    pub transport: Transport,
    /// The value as text: decoded from QP and its charset, still vCard-escaped; for base64 the base64 text
    /// without whitespace.
    pub value: String,
    /// Something worth telling the person (a guessed charset), when there is.
    pub note: Option<String>,
}

impl Property {
    /// The uppercased name, for matching.
    pub(super) fn key(&self) -> String {
        self.name.to_ascii_uppercase()
    }

    /// The values of a parameter (case-insensitive name).
    pub(super) fn param(&self, name: &str) -> Option<&[String]> {
        self.params.iter().find(|p| p.name.eq_ignore_ascii_case(name)).map(|p| p.values.as_slice())
    }

    /// The value as a still-escaped string with real line breaks turned into `\n`, for verbatim keeping.
    pub(super) fn verbatim_value(&self) -> String {
        escape_line_breaks(&self.value)
    }
}

/// Bare 2.1 parameters that name an encoding rather than a type.
const BARE_ENCODINGS: [&str; 4] = ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"];

/// Parses one logical line. `carets` turns on RFC 6868 decoding of parameter values (3.0 and 4.0).
pub(super) fn parse_property(line: &LogicalLine, carets: bool) -> Result<Property, String> {
    let colon =
        header_end(&line.bytes).ok_or_else(|| "this line is not a property (it has no \":\")".to_string())?;
    let header = String::from_utf8_lossy(&line.bytes[..colon]).into_owned();
    let raw_value = &line.bytes[colon + 1..];
    let mut segments = split_outside_quotes(&header, ';').into_iter();
    let full_name = segments.next().unwrap_or_default();
    let full_name = full_name.trim();
    let (group, name) = match full_name.rfind('.') {
        Some(dot) => (Some(full_name[..dot].to_string()), full_name[dot + 1..].to_string()),
        None => (None, full_name.to_string()),
    };
    let valid =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid(&name) || group.as_deref().is_some_and(|g| !valid(g)) {
        return Err(format!("\"{full_name}\" is not a property name"));
    }

    let mut params: Vec<Param> = Vec::new();
    let mut encoding: Option<String> = None;
    let mut charset: Option<String> = None;
    for segment in segments {
        let segment = segment.trim();
        if segment.is_empty() {
            continue;
        }
        let (param_name, values) = match split_outside_quotes(segment, '=').as_slice() {
            [bare] => {
                let upper = bare.trim().to_ascii_uppercase();
                if BARE_ENCODINGS.contains(&upper.as_str()) {
                    ("ENCODING".to_string(), vec![upper])
                } else {
                    ("TYPE".to_string(), vec![bare.trim().to_string()])
                }
            }
            [name, rest @ ..] => {
                let name = name.trim().to_ascii_uppercase();
                let joined = rest.join("=");
                (name.clone(), split_param_values(&name, &joined, carets))
            }
            [] => continue,
        };
        match param_name.as_str() {
            "ENCODING" => encoding = values.first().map(|v| v.to_ascii_uppercase()),
            "CHARSET" => charset = values.first().cloned(),
            _ => match params.iter_mut().find(|p| p.name == "TYPE" && param_name == "TYPE") {
                Some(types) => types.values.extend(values),
                None => params.push(Param { name: param_name, values }),
            },
        }
    }

    let (transport, value, note) = match encoding.as_deref() {
        Some("BASE64" | "B") => {
            let text: String =
                String::from_utf8_lossy(raw_value).chars().filter(|c| !c.is_whitespace()).collect();
            (Transport::Base64, text, None)
        }
        Some("QUOTED-PRINTABLE") => {
            let bytes = decode_quoted_printable(raw_value);
            let (text, note) = decode_text(&bytes, charset.as_deref());
            (Transport::Text, text, note)
        }
        _ => {
            let (text, note) = decode_text(raw_value, charset.as_deref());
            (Transport::Text, text, note)
        }
    };
    // Quoted-printable carries Windows line breaks (=0D=0A); one kind of line break keeps round trips exact.
    let value =
        if transport == Transport::Text { value.replace("\r\n", "\n").replace('\r', "\n") } else { value };
    Ok(Property { line: line.line, group, name, params, transport, value, note })
}

/// Splits on a separator outside double quotes, keeping the quotes.
fn split_outside_quotes(text: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if c == separator && !quoted {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
}

/// Splits a parameter's value list. Commas outside quotes separate values; a quoted value is one value, except
/// for `TYPE`, whose quoted form (`TYPE="work,voice"`, RFC 6350's own example) is still a list.
fn split_param_values(name: &str, text: &str, carets: bool) -> Vec<String> {
    let unquote = |v: &str| {
        let v = v.trim();
        let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
        if carets { decode_carets(v) } else { v.to_string() }
    };
    if name == "TYPE" {
        return text.split(',').map(|v| unquote(v.trim_matches('"'))).filter(|v| !v.is_empty()).collect();
    }
    split_outside_quotes(text, ',').iter().map(|v| unquote(v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> Property {
        parse_property(&LogicalLine { line: 1, bytes: text.to_vec() }, true).unwrap()
    }

    #[test]
    fn reads_all_three_parameter_styles() {
        let p = parse(b"TEL;HOME;VOICE:1");
        assert_eq!(p.param("TYPE"), Some(&["HOME".to_string(), "VOICE".to_string()][..]));
        let p = parse(b"item1.TEL;type=CELL;type=pref:2");
        assert_eq!(p.group.as_deref(), Some("item1"));
        assert_eq!(p.param("type").map(<[String]>::len), Some(2));
        let p = parse(b"TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+1");
        assert_eq!(p.param("TYPE").map(<[String]>::len), Some(2));
        assert_eq!(p.param("PREF"), Some(&["1".to_string()][..]));
        assert_eq!(p.value, "tel:+1");
    }

    #[test]
    fn undoes_quoted_printable_and_charsets() {
        let p = parse(b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=20=C3=91");
        assert_eq!(p.value, "Ñ Ñ");
        assert!(p.params.is_empty());
        let p = parse(b"FN;CHARSET=ISO-8859-1:J\xF6rg");
        assert_eq!(p.value, "Jörg");
    }

    #[test]
    fn rejects_lines_that_are_not_properties() {
        let line = LogicalLine { line: 9, bytes: b"just text".to_vec() };
        assert!(parse_property(&line, false).is_err());
    }
}
