//! Properties to a [`Contact`]: which vCard property (in which version's spelling, with which exporter's
//! X-name) fills which field, and everything else kept verbatim in [`Contact::extra`].

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

use super::decode::{split_unescaped, unescape};
use super::lines::RawCard;
use super::property::{Property, Transport, parse_property};
use super::{VcardVersion, VcardWarning};
use crate::data::media::sniff_mime;
use crate::data::{
    Contact, ContactDate, Email, ExtraProperty, FieldMeta, InstantMessenger, Organization, Param, Phone,
    Photo, PhotoContent, PostalAddress, RawFormat, RawSource, StructuredName, TextField, WebLink,
};

/// Base64 as exporters really write it: padding optional, stray trailing bits tolerated.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Legacy instant-messaging properties and the protocol each one means.
const LEGACY_MESSENGERS: &[(&str, &str)] = &[
    ("X-AIM", "aim"),
    ("X-ICQ", "icq"),
    ("X-JABBER", "xmpp"),
    ("X-MSN", "msn"),
    ("X-YAHOO", "yahoo"),
    ("X-SKYPE", "skype"),
    ("X-SKYPE-USERNAME", "skype"),
    ("X-QQ", "qq"),
    ("X-GTALK", "gtalk"),
    ("X-GOOGLE-TALK", "gtalk"),
    ("X-SIP", "sip"),
];

/// Properties that mean "anniversary", by exporter.
const ANNIVERSARIES: [&str; 4] =
    ["ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY"];

/// Image formats that 2.1 and 3.0 name in `TYPE` (`PHOTO;TYPE=JPEG`).
const IMAGE_TYPES: [&str; 8] = ["JPEG", "JPG", "PNG", "GIF", "BMP", "TIFF", "HEIC", "WEBP"];

/// Reads one card into a contact, pushing problems onto `warnings`. `None` when the card holds nothing usable.
pub(super) fn read_card(card: &RawCard, warnings: &mut Vec<VcardWarning>) -> Option<Contact> {
    let mut warn =
        |line: usize, reason: String| warnings.push(VcardWarning { card: card.index, line, reason });
    for (line, reason) in &card.problems {
        warn(*line, reason.clone());
    }
    let version = detect_version(card);
    let carets = version != VcardVersion::V2_1;
    let mut contact = Contact::default();
    let mut labels: Vec<Property> = Vec::new();
    let mut properties = 0;
    for line in &card.lines {
        let property = match parse_property(line, carets) {
            Ok(property) => property,
            Err(reason) => {
                warn(line.line, format!("{reason}; the line was skipped"));
                continue;
            }
        };
        if let Some(note) = &property.note {
            warn(property.line, format!("{}: {note}", property.name));
        }
        properties += 1;
        let key = property.key();
        if key == "VERSION" {
            continue;
        }
        if key == "X-ABLABEL" && property.group.is_some() {
            labels.push(property);
            continue;
        }
        if let Err(reason) = apply(&mut contact, &key, &property) {
            warn(
                property.line,
                format!("{}: {reason}; it is kept unchanged as an extra property", property.name),
            );
            contact.extra.push(verbatim(&property));
        }
    }
    for label in labels {
        attach_label(&mut contact, label);
    }
    if properties == 0 {
        warn(card.lines.first().map_or(0, |l| l.line), "the card has no properties; it was skipped".into());
        return None;
    }
    let format = match version {
        VcardVersion::V2_1 => RawFormat::Vcard21,
        VcardVersion::V3_0 => RawFormat::Vcard30,
        VcardVersion::V4_0 => RawFormat::Vcard40,
    };
    contact.raw = Some(RawSource::from_bytes(format, card.source.clone()));
    Some(contact)
}

/// The card's VERSION (it may come last, as ownCloud writes it); 2.1 when absent, as Android assumes.
fn detect_version(card: &RawCard) -> VcardVersion {
    for line in &card.lines {
        let Ok(property) = parse_property(line, false) else { continue };
        if property.key() == "VERSION" {
            return match property.value.trim() {
                "4.0" => VcardVersion::V4_0,
                "3.0" => VcardVersion::V3_0,
                _ => VcardVersion::V2_1,
            };
        }
    }
    VcardVersion::V2_1
}

/// Puts one property into its field. `Err` means it could not be read as its kind and should be kept verbatim.
fn apply(contact: &mut Contact, key: &str, property: &Property) -> Result<(), String> {
    let text = || unescape(&property.value);
    match key {
        "FN" if contact.formatted_name.is_none() => {
            let name = text();
            contact.formatted_name = (!name.trim().is_empty()).then_some(name);
        }
        "N" if contact.name.is_none() => contact.name = structured_name(&property.value),
        "NICKNAME" => contact
            .nicknames
            .extend(split_unescaped(&property.value, ',').into_iter().filter(|n| !n.trim().is_empty())),
        "TEL" => telephone(contact, property),
        "EMAIL" => contact.emails.push(Email { address: text(), meta: meta(property) }),
        "ADR" => contact.addresses.push(address(property)),
        "ORG" => {
            let mut parts = split_unescaped(&property.value, ';').into_iter();
            let name = parts.next().unwrap_or_default();
            contact.organizations.push(Organization { name, units: parts.collect(), meta: meta(property) });
        }
        "TITLE" => contact.titles.push(TextField { value: text(), meta: meta(property) }),
        "ROLE" => contact.roles.push(TextField { value: text(), meta: meta(property) }),
        "NOTE" => contact.notes.push(TextField { value: text(), meta: meta(property) }),
        "URL" => contact.urls.push(WebLink { url: text(), meta: meta(property) }),
        "BDAY" if contact.birthday.is_none() => contact.birthday = Some(date(property)),
        key if ANNIVERSARIES.contains(&key) && contact.anniversary.is_none() => {
            contact.anniversary = Some(date(property));
        }
        "IMPP" => {
            let value = text();
            let (protocol, handle) = match value.split_once(':') {
                Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest.to_string()),
                None => (String::new(), value),
            };
            contact.instant_messengers.push(InstantMessenger { protocol, handle, meta: meta(property) });
        }
        key if LEGACY_MESSENGERS.iter().any(|(name, _)| *name == key) => {
            let protocol = LEGACY_MESSENGERS.iter().find(|(name, _)| *name == key).map_or("", |(_, p)| *p);
            let value = text();
            // X-SIP values sometimes carry their own scheme ("sip:90-180-360").
            let handle = match value.split_once(':') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case(protocol) => rest.to_string(),
                _ => value,
            };
            contact.instant_messengers.push(InstantMessenger {
                protocol: protocol.to_string(),
                handle,
                meta: meta(property),
            });
        }
        "PHOTO" => contact.photos.push(photo(property)?),
        "CATEGORIES" => contact
            .categories
            .extend(split_unescaped(&property.value, ',').into_iter().filter(|c| !c.trim().is_empty())),
        "UID" if contact.uid.is_none() => contact.uid = Some(text()),
        _ => contact.extra.push(verbatim(property)),
    }
    Ok(())
}

/// The property as an [`ExtraProperty`], with transport encodings normalized: base64 says `ENCODING=b`.
fn verbatim(property: &Property) -> ExtraProperty {
    let mut params = property.params.clone();
    if property.transport == Transport::Base64 {
        params.push(Param { name: "ENCODING".into(), values: vec!["b".into()] });
    }
    ExtraProperty {
        group: property.group.clone(),
        name: property.name.clone(),
        params,
        value: property.verbatim_value(),
    }
}

/// Kinds, preference, group and leftover parameters of a typed field.
fn meta(property: &Property) -> FieldMeta {
    let mut meta = FieldMeta { group: property.group.clone(), ..FieldMeta::default() };
    for param in &property.params {
        match param.name.as_str() {
            "TYPE" => {
                for value in &param.values {
                    let value = value.trim().to_lowercase();
                    if value == "pref" {
                        meta.pref = Some(meta.pref.map_or(1, |p| p.min(1)));
                    } else if !value.is_empty() {
                        meta.types.push(value);
                    }
                }
            }
            "PREF" => {
                if let Some(pref) = param.values.first().and_then(|v| v.trim().parse::<u8>().ok()) {
                    meta.pref = Some(pref);
                }
            }
            "VALUE" => {}
            _ => meta.params.push(param.clone()),
        }
    }
    meta
}

fn structured_name(value: &str) -> Option<StructuredName> {
    let mut parts = split_unescaped(value, ';').into_iter();
    let mut next = || parts.next().unwrap_or_default();
    let mut name = StructuredName {
        family: next(),
        given: next(),
        additional: next(),
        prefixes: next(),
        suffixes: next(),
    };
    // Components past the fifth are not in any version; keep them in the suffixes rather than lose them.
    let rest: Vec<String> = parts.collect();
    if !rest.is_empty() {
        name.suffixes = std::iter::once(name.suffixes).chain(rest).collect::<Vec<_>>().join(";");
    }
    let empty = [&name.family, &name.given, &name.additional, &name.prefixes, &name.suffixes]
        .iter()
        .all(|part| part.is_empty());
    (!empty).then_some(name)
}

fn telephone(contact: &mut Contact, property: &Property) {
    let is_text = property.param("VALUE").is_some_and(|v| v.iter().any(|v| v.eq_ignore_ascii_case("text")));
    let value = unescape(&property.value);
    let trimmed = value.trim();
    if !is_text {
        if let Some(number) = strip_scheme(trimmed, "tel") {
            contact.phones.push(Phone { number: number.to_string(), meta: meta(property) });
            return;
        }
        // Android's 4.0 export writes SIP addresses as TEL (`TEL;TYPE=HOME:sip:…`).
        if let Some(handle) = strip_scheme(trimmed, "sip") {
            contact.instant_messengers.push(InstantMessenger {
                protocol: "sip".into(),
                handle: handle.to_string(),
                meta: meta(property),
            });
            return;
        }
    }
    contact.phones.push(Phone { number: value, meta: meta(property) });
}

fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (head, rest) = value.split_once(':')?;
    head.eq_ignore_ascii_case(scheme).then_some(rest)
}

fn address(property: &Property) -> PostalAddress {
    let mut parts = split_unescaped(&property.value, ';').into_iter();
    let mut next = || parts.next().unwrap_or_default();
    let mut address = PostalAddress {
        po_box: next(),
        extended: next(),
        street: next(),
        locality: next(),
        region: next(),
        postal_code: next(),
        country: next(),
        meta: meta(property),
    };
    let rest: Vec<String> = parts.collect();
    if !rest.is_empty() {
        address.country = std::iter::once(address.country).chain(rest).collect::<Vec<_>>().join(";");
    }
    address
}

fn date(property: &Property) -> ContactDate {
    let text = unescape(&property.value);
    let is_text = property.param("VALUE").is_some_and(|v| v.iter().any(|v| v.eq_ignore_ascii_case("text")));
    if is_text {
        return ContactDate::Text(text);
    }
    parse_date(text.trim()).unwrap_or(ContactDate::Text(text))
}

/// `1980-03-22`, `19800322`, `--0203`, `--02-03`, each optionally followed by `T` and a time.
pub(super) fn parse_date(text: &str) -> Option<ContactDate> {
    let (day_part, time) = match text.split_once('T') {
        Some((day, time)) if !time.is_empty() => (day, Some(time.to_string())),
        Some((day, _)) => (day, None),
        None => (text, None),
    };
    let digits: String = day_part.chars().filter(char::is_ascii_digit).collect();
    if day_part.chars().any(|c| !c.is_ascii_digit() && c != '-') {
        return None;
    }
    let (year, rest) = if let Some(rest) = day_part.strip_prefix("--") {
        if rest.chars().filter(char::is_ascii_digit).count() != 4 {
            return None;
        }
        (None, &digits[..])
    } else if digits.len() == 8 {
        (Some(digits[..4].parse::<u16>().ok()?), &digits[4..])
    } else {
        return None;
    };
    let month: u8 = rest.get(..2)?.parse().ok()?;
    let day: u8 = rest.get(2..4)?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(ContactDate::Date {
        year,
        month,
        day,
        time,
    })
}

fn photo(property: &Property) -> Result<Photo, String> {
    let mut meta = meta(property);
    let mut mime: Option<String> = None;
    // The image format hides among the kinds in 2.1 and 3.0 (TYPE=JPEG, TYPE=image/png).
    let mut kinds = Vec::new();
    for kind in std::mem::take(&mut meta.types) {
        let upper = kind.to_ascii_uppercase();
        if mime.is_none() && (kind.contains('/') || IMAGE_TYPES.contains(&upper.as_str())) {
            mime = Some(if kind.contains('/') { kind } else { image_mime(&upper) });
        } else {
            kinds.push(kind);
        }
    }
    meta.types = kinds;
    let content = if property.transport == Transport::Base64 {
        let bytes = decode_base64_leniently(&property.value)?;
        let mime = mime.or_else(|| sniff_mime(&bytes).map(str::to_string));
        PhotoContent::Inline { mime, bytes }
    } else {
        let value = unescape(property.value.trim());
        match value.strip_prefix("data:").or_else(|| value.strip_prefix("DATA:")) {
            Some(data) => {
                let (header, payload) = data.split_once(',').ok_or("the data: URI has no ','")?;
                if !header.to_ascii_lowercase().ends_with(";base64") {
                    return Err("the data: URI is not base64".into());
                }
                let bytes = decode_base64_leniently(payload.trim())?;
                let declared = &header[..header.len() - ";base64".len()];
                let mime = (!declared.is_empty())
                    .then(|| declared.to_string())
                    .or(mime)
                    .or_else(|| sniff_mime(&bytes).map(str::to_string));
                PhotoContent::Inline { mime, bytes }
            }
            None if value.is_empty() => return Err("the photo is empty".into()),
            None => PhotoContent::Uri(value),
        }
    };
    Ok(Photo { content, meta })
}

/// Base64 as exporters really write it: padding optional. Anything that cannot be whole bytes (a character
/// missing, padding in the wrong place) is an error, because decoding it anyway would produce a corrupt picture.
fn decode_base64_leniently(text: &str) -> Result<Vec<u8>, String> {
    let data = text.trim_end_matches('=');
    let padding = text.len() - data.len();
    let whole = matches!((data.len() % 4, padding), (0, 0) | (2, 0..=2) | (3, 0..=1));
    if !whole {
        return Err(format!(
            "the photo's base64 is damaged ({} characters and {padding} padding characters cannot be whole bytes)",
            data.len()
        ));
    }
    LENIENT_BASE64.decode(data.as_bytes()).map_err(|error| format!("the photo is not valid base64 ({error})"))
}

fn image_mime(upper: &str) -> String {
    match upper {
        "JPG" | "JPEG" => "image/jpeg".into(),
        other => format!("image/{}", other.to_ascii_lowercase()),
    }
}

/// Ties `itemN.X-ABLabel` to the first field of the same group that has no label yet; keeps it verbatim when
/// no field claims it (a label on an X- property, such as `item4.X-ABDATE`).
fn attach_label(contact: &mut Contact, label: Property) {
    let group = label.group.clone().unwrap_or_default();
    let text = unescape(&label.value);
    let metas = contact
        .phones
        .iter_mut()
        .map(|f| &mut f.meta)
        .chain(contact.emails.iter_mut().map(|f| &mut f.meta))
        .chain(contact.addresses.iter_mut().map(|f| &mut f.meta))
        .chain(contact.organizations.iter_mut().map(|f| &mut f.meta))
        .chain(contact.titles.iter_mut().map(|f| &mut f.meta))
        .chain(contact.roles.iter_mut().map(|f| &mut f.meta))
        .chain(contact.urls.iter_mut().map(|f| &mut f.meta))
        .chain(contact.notes.iter_mut().map(|f| &mut f.meta))
        .chain(contact.instant_messengers.iter_mut().map(|f| &mut f.meta))
        .chain(contact.photos.iter_mut().map(|f| &mut f.meta));
    for meta in metas {
        if meta.label.is_none() && meta.group.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(&group)) {
            meta.label = Some(text);
            return;
        }
    }
    contact.extra.push(verbatim(&label));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_spelling() {
        let date = |y, m, d| Some(ContactDate::Date { year: y, month: m, day: d, time: None });
        assert_eq!(parse_date("1980-03-22"), date(Some(1980), 3, 22));
        assert_eq!(parse_date("19800322"), date(Some(1980), 3, 22));
        assert_eq!(parse_date("--0203"), date(None, 2, 3));
        assert_eq!(parse_date("--02-03"), date(None, 2, 3));
        assert_eq!(
            parse_date("1955-07-19T00:00:00Z"),
            Some(ContactDate::Date { year: Some(1955), month: 7, day: 19, time: Some("00:00:00Z".into()) })
        );
        assert_eq!(parse_date("1980-13-01"), None);
        assert_eq!(parse_date("circa 1800"), None);
    }
}
