//! A [`Contact`] to vCard 3.0 (the default: every phone and address book reads it) or 4.0 text.
//!
//! Lines are folded at 75 octets without splitting a UTF-8 sequence, values are escaped, and unknown properties
//! are written back exactly as they were read, so that exporting and importing again loses nothing.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::VcardWriteVersion;
use super::decode::{encode_carets, escape};
use crate::data::{Contact, ContactDate, FieldMeta, Param, PhotoContent};

/// Longest physical line, in octets, not counting the line break (RFC 2425 / RFC 6350).
const MAX_LINE_OCTETS: usize = 75;

/// Messenger protocols that vCard 3.0 readers (Android's above all) know only by their X- property.
const LEGACY_MESSENGERS_OUT: &[(&str, &str)] = &[
    ("aim", "X-AIM"),
    ("icq", "X-ICQ"),
    ("xmpp", "X-JABBER"),
    ("msn", "X-MSN"),
    ("yahoo", "X-YAHOO"),
    ("skype", "X-SKYPE-USERNAME"),
    ("qq", "X-QQ"),
    ("gtalk", "X-GOOGLE-TALK"),
];

/// Writes contacts as one vCard file.
pub fn write_vcards(contacts: &[Contact], version: VcardWriteVersion) -> String {
    let mut out = String::new();
    for contact in contacts {
        write_vcard(contact, version, &mut out);
    }
    out
}

/// Appends one card to `out`.
pub fn write_vcard(contact: &Contact, version: VcardWriteVersion, out: &mut String) {
    let mut card = Card { out, version, groups: GroupAllocator::new(contact) };
    card.out.push_str("BEGIN:VCARD\r\n");
    card.line(None, "VERSION", &[], if version == VcardWriteVersion::V4_0 { "4.0" } else { "3.0" });
    // FN is required by 3.0 and 4.0; when the source had none, the best display name stands in.
    let formatted = contact.formatted_name.clone().unwrap_or_else(|| contact.display_name());
    card.line(None, "FN", &[], &escape(&formatted));
    if let Some(name) = &contact.name {
        let parts = [&name.family, &name.given, &name.additional, &name.prefixes, &name.suffixes];
        card.line(None, "N", &[], &join_escaped(parts.iter().map(|p| p.as_str()), ';'));
    }
    if !contact.nicknames.is_empty() {
        card.line(None, "NICKNAME", &[], &join_escaped(contact.nicknames.iter().map(String::as_str), ','));
    }
    for org in &contact.organizations {
        let parts = std::iter::once(org.name.as_str()).chain(org.units.iter().map(String::as_str));
        card.field("ORG", &org.meta, &[], &join_escaped(parts, ';'));
    }
    for title in &contact.titles {
        card.field("TITLE", &title.meta, &[], &escape(&title.value));
    }
    for role in &contact.roles {
        card.field("ROLE", &role.meta, &[], &escape(&role.value));
    }
    for phone in &contact.phones {
        if version == VcardWriteVersion::V4_0 && is_tel_uri_safe(&phone.number) {
            card.field("TEL", &phone.meta, &[value_param("uri")], &format!("tel:{}", phone.number));
        } else if version == VcardWriteVersion::V4_0 {
            card.field("TEL", &phone.meta, &[value_param("text")], &escape(&phone.number));
        } else {
            card.field("TEL", &phone.meta, &[], &escape(&phone.number));
        }
    }
    for email in &contact.emails {
        card.field("EMAIL", &email.meta, &[], &escape(&email.address));
    }
    for address in &contact.addresses {
        card.field("ADR", &address.meta, &[], &join_escaped(address.components().into_iter(), ';'));
    }
    for url in &contact.urls {
        card.field("URL", &url.meta, &[], &escape_uri(&url.url));
    }
    for im in &contact.instant_messengers {
        let legacy = LEGACY_MESSENGERS_OUT.iter().find(|(protocol, _)| *protocol == im.protocol);
        match legacy {
            Some((_, name)) if version == VcardWriteVersion::V3_0 => {
                card.field(name, &im.meta, &[], &escape(&im.handle))
            }
            _ if im.protocol.is_empty() => card.field("IMPP", &im.meta, &[], &escape_uri(&im.handle)),
            _ => card.field("IMPP", &im.meta, &[], &escape_uri(&format!("{}:{}", im.protocol, im.handle))),
        }
    }
    if let Some(birthday) = &contact.birthday {
        card.date("BDAY", birthday);
    }
    if let Some(anniversary) = &contact.anniversary {
        let name = if version == VcardWriteVersion::V4_0 { "ANNIVERSARY" } else { "X-ANNIVERSARY" };
        card.date(name, anniversary);
    }
    for note in &contact.notes {
        card.field("NOTE", &note.meta, &[], &escape(&note.value));
    }
    if !contact.categories.is_empty() {
        card.line(None, "CATEGORIES", &[], &join_escaped(contact.categories.iter().map(String::as_str), ','));
    }
    for photo in &contact.photos {
        card.photo(&photo.content, &photo.meta);
    }
    if let Some(uid) = &contact.uid {
        card.line(None, "UID", &[], &escape(uid));
    }
    for extra in &contact.extra {
        card.line(extra.group.as_deref(), &extra.name, &extra.params, &extra.value);
    }
    card.out.push_str("END:VCARD\r\n");
}

struct Card<'a> {
    out: &'a mut String,
    version: VcardWriteVersion,
    groups: GroupAllocator,
}

impl Card<'_> {
    /// A typed field: kinds, preference and leftover parameters from its meta, then its label on a grouped
    /// `X-ABLabel` line when it has one.
    fn field(&mut self, name: &str, meta: &FieldMeta, leading: &[Param], value: &str) {
        let mut params: Vec<Param> = leading.to_vec();
        let mut types = meta.types.clone();
        match (self.version, meta.pref) {
            (VcardWriteVersion::V3_0, Some(1)) => types.push("pref".into()),
            (_, Some(pref)) => params.push(Param { name: "PREF".into(), values: vec![pref.to_string()] }),
            (_, None) => {}
        }
        if !types.is_empty() {
            params.insert(leading.len(), Param { name: "TYPE".into(), values: types });
        }
        params.extend(meta.params.iter().cloned());
        let group = match (&meta.group, &meta.label) {
            (Some(group), _) => Some(group.clone()),
            (None, Some(_)) => Some(self.groups.next()),
            (None, None) => None,
        };
        self.line(group.as_deref(), name, &params, value);
        if let (Some(label), Some(group)) = (&meta.label, &group) {
            self.line(Some(group), "X-ABLabel", &[], &escape(label));
        }
    }

    fn date(&mut self, name: &str, date: &ContactDate) {
        match date {
            ContactDate::Date { year, month, day, time } => {
                let mut text = match (self.version, year) {
                    (VcardWriteVersion::V4_0, Some(year)) => format!("{year:04}{month:02}{day:02}"),
                    (VcardWriteVersion::V4_0, None) => format!("--{month:02}{day:02}"),
                    (VcardWriteVersion::V3_0, Some(year)) => format!("{year:04}-{month:02}-{day:02}"),
                    (VcardWriteVersion::V3_0, None) => format!("--{month:02}-{day:02}"),
                };
                if let Some(time) = time {
                    text.push('T');
                    text.push_str(time);
                }
                self.line(None, name, &[], &text);
            }
            ContactDate::Text(text) => {
                // VALUE=text, so that text which happens to look like a date stays text when read back.
                self.line(None, name, &[value_param("text")], &escape(text));
            }
        }
    }

    fn photo(&mut self, content: &PhotoContent, meta: &FieldMeta) {
        match (content, self.version) {
            (PhotoContent::Inline { mime, bytes }, VcardWriteVersion::V3_0) => {
                let mut meta = meta.clone();
                if let Some(mime) = mime {
                    meta.types.insert(0, image_type_name(mime));
                }
                let encoding = Param { name: "ENCODING".into(), values: vec!["b".into()] };
                self.field("PHOTO", &meta, &[encoding], &STANDARD.encode(bytes));
            }
            (PhotoContent::Inline { mime, bytes }, VcardWriteVersion::V4_0) => {
                let uri = format!("data:{};base64,{}", mime.as_deref().unwrap_or(""), STANDARD.encode(bytes));
                self.field("PHOTO", meta, &[], &uri);
            }
            (PhotoContent::Uri(uri), VcardWriteVersion::V3_0) => {
                self.field("PHOTO", meta, &[value_param("uri")], &escape_uri(uri));
            }
            (PhotoContent::Uri(uri), VcardWriteVersion::V4_0) => {
                self.field("PHOTO", meta, &[], &escape_uri(uri))
            }
        }
    }

    /// One property, folded.
    fn line(&mut self, group: Option<&str>, name: &str, params: &[Param], value: &str) {
        let mut line = String::new();
        if let Some(group) = group {
            line.push_str(group);
            line.push('.');
        }
        line.push_str(name);
        for param in params {
            line.push(';');
            line.push_str(&param.name);
            if param.values.is_empty() {
                continue;
            }
            line.push('=');
            let values: Vec<String> = param.values.iter().map(|v| param_value(v)).collect();
            line.push_str(&values.join(","));
        }
        line.push(':');
        line.push_str(value);
        fold_into(&line, self.out);
    }
}

/// Picks `itemN` names that no property of the contact uses yet, for labels on fields without a group.
struct GroupAllocator {
    used: BTreeSet<String>,
    next: usize,
}

impl GroupAllocator {
    fn new(contact: &Contact) -> Self {
        let metas = contact
            .phones
            .iter()
            .map(|f| &f.meta)
            .chain(contact.emails.iter().map(|f| &f.meta))
            .chain(contact.addresses.iter().map(|f| &f.meta))
            .chain(contact.organizations.iter().map(|f| &f.meta))
            .chain(contact.titles.iter().map(|f| &f.meta))
            .chain(contact.roles.iter().map(|f| &f.meta))
            .chain(contact.urls.iter().map(|f| &f.meta))
            .chain(contact.notes.iter().map(|f| &f.meta))
            .chain(contact.instant_messengers.iter().map(|f| &f.meta))
            .chain(contact.photos.iter().map(|f| &f.meta));
        let used = metas
            .filter_map(|m| m.group.clone())
            .chain(contact.extra.iter().filter_map(|e| e.group.clone()))
            .map(|g| g.to_ascii_lowercase())
            .collect();
        Self { used, next: 1 }
    }

    fn next(&mut self) -> String {
        loop {
            let name = format!("item{}", self.next);
            self.next += 1;
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }
}

fn value_param(value: &str) -> Param {
    Param { name: "VALUE".into(), values: vec![value.into()] }
}

/// A parameter value: caret-encoded (RFC 6868) and quoted when it holds a separator.
fn param_value(value: &str) -> String {
    let encoded = encode_carets(value);
    if encoded.contains([',', ';', ':', ' ']) { format!("\"{encoded}\"") } else { encoded }
}

fn join_escaped<'a>(parts: impl Iterator<Item = &'a str>, separator: char) -> String {
    parts.map(escape).collect::<Vec<_>>().join(&separator.to_string())
}

/// URIs are not text: only a backslash needs escaping (so that reading, which undoes escapes, gets it back).
fn escape_uri(uri: &str) -> String {
    uri.replace('\\', "\\\\")
}

/// Whether a number can be written as a `tel:` URI without changing it.
fn is_tel_uri_safe(number: &str) -> bool {
    !number.is_empty()
        && number.chars().any(|c| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_alphanumeric() || "+-.()*#;=,".contains(c))
}

/// `image/jpeg` → `JPEG`, as 3.0's `TYPE` names image formats; anything else keeps its full media type.
fn image_type_name(mime: &str) -> String {
    match mime.strip_prefix("image/") {
        Some(subtype) if !subtype.contains(['+', '.']) => subtype.to_ascii_uppercase(),
        _ => mime.to_string(),
    }
}

/// Folds one logical line at [`MAX_LINE_OCTETS`] octets, never inside a UTF-8 sequence, and appends it with
/// CRLF line breaks.
fn fold_into(line: &str, out: &mut String) {
    let mut rest = line;
    let mut limit = MAX_LINE_OCTETS;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // Continuation lines start with the space, which counts toward their length.
        limit = MAX_LINE_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_never_splits_utf8_and_respects_the_limit() {
        let line = format!("NOTE:{}", "ö€😀".repeat(40));
        let mut out = String::new();
        fold_into(&line, &mut out);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= MAX_LINE_OCTETS, "{} octets: {physical}", physical.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn parameter_values_are_quoted_when_needed() {
        assert_eq!(param_value("home"), "home");
        assert_eq!(param_value("a,b"), "\"a,b\"");
        assert_eq!(param_value("say \"hi\"\nthere"), "\"say ^'hi^'^nthere\"");
    }
}
