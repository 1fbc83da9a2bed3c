//! A contact, normalized: what every address book (Android's provider, iPhone's AddressBook, a vCard file) can
//! say about a person, plus every property none of them agree on, kept verbatim so that nothing is lost on the
//! way from one phone to another.

use serde::{Deserialize, Serialize};

use super::identity::{ContentId, IdentityHasher, normalize_email, normalize_phone_number, normalize_text};
use super::raw::{RawSource, base64_bytes};

/// A parameter of a property that the model has no field for (`X-COUCHDB-UUID=…`, `LANGUAGE=en-us`), kept as
/// it was read. Names are uppercased (they are case-insensitive); values are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    /// The parameter name, uppercased.
    pub name: String,
    /// Its values, in order.
    pub values: Vec<String>,
}

/// What every repeatable contact field carries besides its value: its kinds, whether it is preferred, a custom
/// label, the group that ties it to other properties, and parameters nobody models.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMeta {
    /// Kinds in lowercase, such as `cell`, `home`, `work`, `fax`, `voice`, `internet`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// Preference order, 1 (most preferred) to 100; `TYPE=pref` reads as 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pref: Option<u8>,
    /// A custom label (Apple's `itemN.X-ABLabel`), such as `GRAND_CENTRAL` or `_$!<AssistantPhone>!$_`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The property group (`item1` in `item1.TEL`), which ties a field to its label and to other properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Parameters with no field of their own, verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
}

impl FieldMeta {
    /// Whether the field has this kind (case-insensitive).
    pub fn has_type(&self, kind: &str) -> bool {
        self.types.iter().any(|t| t.eq_ignore_ascii_case(kind))
    }
}

/// The parts of a person's name. Components that hold several values (two given names) keep them joined by
/// commas, as vCard 3.0 and 4.0 write them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructuredName {
    /// Family name (surname).
    pub family: String,
    /// Given name.
    pub given: String,
    /// Additional (middle) names.
    pub additional: String,
    /// Honorific prefixes (`Mr.`, `Dr. med.`).
    pub prefixes: String,
    /// Honorific suffixes (`Jr.`, `ing. jr,M.Sc.`).
    pub suffixes: String,
}

impl StructuredName {
    /// The parts in the usual Western reading order, skipping empty ones.
    pub fn display(&self) -> String {
        [&self.prefixes, &self.given, &self.additional, &self.family, &self.suffixes]
            .iter()
            .filter(|part| !part.trim().is_empty())
            .map(|part| part.trim())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A telephone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// The number as the phone stored it (`+1 (905) 555-1234`, `p1234p5678w9` with pauses and waits).
    pub number: String,
    /// Kinds, label, group and other parameters.
    #[serde(default)]
    pub meta: FieldMeta,
}

/// An e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The address as stored.
    pub address: String,
    /// Kinds, label, group and other parameters.
    #[serde(default)]
    pub meta: FieldMeta,
}

/// A postal address, in vCard's seven components. Each component may hold several comma-joined values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    /// Post office box.
    pub po_box: String,
    /// Extended address (apartment, suite).
    pub extended: String,
    /// Street address; may hold several lines.
    pub street: String,
    /// City.
    pub locality: String,
    /// State or province.
    pub region: String,
    /// Postal code.
    pub postal_code: String,
    /// Country.
    pub country: String,
    /// Kinds, label, group and other parameters.
    #[serde(default)]
    pub meta: FieldMeta,
}

impl PostalAddress {
    /// The seven components in vCard order.
    pub fn components(&self) -> [&str; 7] {
        [
            &self.po_box,
            &self.extended,
            &self.street,
            &self.locality,
            &self.region,
            &self.postal_code,
            &self.country,
        ]
    }
}

/// An organization and its units (`IBM;Accounting;Dungeon`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// The organization's name.
    pub name: String,
    /// Units, from the largest to the smallest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Kinds, label, group and other parameters.
    #[serde(default)]
    pub meta: FieldMeta,
}

/// A free-text field that may carry parameters: a title, a role or a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextField {
    /// The text, with real line breaks.
    pub value: String,
    /// Kinds, label, group and other parameters.
    #[serde(default)]
    pub meta: FieldMeta,
}

/// A web address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebLink {
    /// The URL as stored.
    pub url: String,
    /// Kinds, label, group and other parameters.
    #[serde(default)]
    pub meta: FieldMeta,
}

/// An instant-messaging or SIP address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstantMessenger {
    /// The protocol in lowercase: a URI scheme (`sip`, `xmpp`, `skype`, `aim`) or a legacy service name
    /// (`icq`, `msn`, `yahoo`, `qq`, `gtalk`).
    pub protocol: String,
    /// The handle within that protocol (`android@android.example.com`, `johnny5@aol.com`).
    pub handle: String,
    /// Kinds, label, group and other parameters.
    #[serde(default)]
    pub meta: FieldMeta,
}

/// A photo's content: embedded bytes or a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhotoContent {
    /// The image itself.
    Inline {
        /// Its media type (`image/jpeg`), from the card or sniffed from the bytes.
        mime: Option<String>,
        /// The image bytes.
        #[serde(with = "base64_bytes")]
        bytes: Vec<u8>,
    },
    /// A link to the image.
    Uri(String),
}

/// A contact photo (or one of several: some exporters write a work and a home photo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// The image or its link.
    pub content: PhotoContent,
    /// Kinds, label, group and other parameters.
    #[serde(default)]
    pub meta: FieldMeta,
}

/// A birthday or anniversary. Phones store dates without a year (`--0203`) and with a time of day; both are
/// kept. Anything that is not a date stays text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContactDate {
    /// A calendar date.
    Date {
        /// The year, when known.
        year: Option<u16>,
        /// Month, 1 to 12.
        month: u8,
        /// Day of the month, 1 to 31.
        day: u8,
        /// A time of day that came with the date (`T00:00:00Z`, `T1430-0500`), verbatim without the `T`.
        time: Option<String>,
    },
    /// Free text ("circa 1800").
    Text(String),
}

impl ContactDate {
    /// The date in ISO 8601 form (`1980-03-22`, `--02-03` without a year, `…T14:30` with a time), or the text.
    pub fn to_iso(&self) -> String {
        match self {
            ContactDate::Date { year, month, day, time } => {
                let mut out = match year {
                    Some(year) => format!("{year:04}-{month:02}-{day:02}"),
                    None => format!("--{month:02}-{day:02}"),
                };
                if let Some(time) = time {
                    out.push('T');
                    out.push_str(time);
                }
                out
            }
            ContactDate::Text(text) => text.clone(),
        }
    }
}

/// A property no field models (`X-ANDROID-CUSTOM`, `X-ABDATE`, `GEO`, `REV`, a second `BDAY`), kept verbatim so
/// that exporting and importing again loses nothing.
///
/// The value is as it appeared in the card after transport decoding (quoted-printable and charsets are undone,
/// real line breaks become `\n`), with vCard escapes left in place because only the property's own definition
/// says which `;` and `,` separate components. Base64 values keep `ENCODING=b` and have no line breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraProperty {
    /// The group, as written (`item4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The property name, as written (case is kept: KAddressBook's custom fields depend on it).
    pub name: String,
    /// Its parameters, verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Its value, still vCard-escaped.
    pub value: String,
}

/// One person or organization in an address book.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The name as shown (`FN`).
    pub formatted_name: Option<String>,
    /// The structured name (`N`).
    pub name: Option<StructuredName>,
    /// Nicknames.
    pub nicknames: Vec<String>,
    /// Telephone numbers.
    pub phones: Vec<Phone>,
    /// E-mail addresses.
    pub emails: Vec<Email>,
    /// Postal addresses.
    pub addresses: Vec<PostalAddress>,
    /// Organizations (several are allowed, and happen).
    pub organizations: Vec<Organization>,
    /// Job titles.
    pub titles: Vec<TextField>,
    /// Roles or professions.
    pub roles: Vec<TextField>,
    /// Web addresses.
    pub urls: Vec<WebLink>,
    /// Birthday.
    pub birthday: Option<ContactDate>,
    /// Wedding or other anniversary.
    pub anniversary: Option<ContactDate>,
    /// Notes.
    pub notes: Vec<TextField>,
    /// Instant-messaging and SIP addresses.
    pub instant_messengers: Vec<InstantMessenger>,
    /// Photos.
    pub photos: Vec<Photo>,
    /// Groups and categories ("My Contacts", "VIP").
    pub categories: Vec<String>,
    /// The exporter's unique id, when it had one.
    pub uid: Option<String>,
    /// Every property no field models, verbatim and in order.
    pub extra: Vec<ExtraProperty>,
    /// The card this contact was read from.
    pub raw: Option<RawSource>,
}

impl Contact {
    /// The best name to show: the formatted name, else the structured name, else the organization, else the
    /// first e-mail address or number.
    pub fn display_name(&self) -> String {
        let candidates = [
            self.formatted_name.clone(),
            self.name.as_ref().map(StructuredName::display),
            self.organizations.first().map(|org| org.name.clone()),
            self.emails.first().map(|email| email.address.clone()),
            self.phones.first().map(|phone| phone.number.clone()),
        ];
        candidates
            .into_iter()
            .flatten()
            .map(|name| name.trim().to_string())
            .find(|name| !name.is_empty())
            .unwrap_or_default()
    }

    /// The contact's content identity.
    ///
    /// What counts: the display name (FN, or what N, the organization, e-mail or phone make of it) and the
    /// structured name, nicknames, phone numbers (last ten digits), e-mail
    /// addresses (lowercased), postal addresses, organizations, titles, roles, URLs, birthday, anniversary,
    /// notes and messenger handles, all with whitespace collapsed and case folded, and each list compared as a
    /// set. What does not: photos (phones re-encode them), categories and groups (each phone has its own),
    /// the uid (each exporter makes its own), kinds, labels, parameters, unknown properties and the raw source.
    pub fn content_id(&self) -> ContentId {
        let mut hasher = IdentityHasher::new("lifeboat.contact.v1");
        // The display name, not the raw FN: a vCard 2.1 card without FN gets one from N when written as 3.0,
        // and must still be the same contact when read back.
        hasher.text("fn", &normalize_text(&self.display_name()));
        let name = self.name.clone().unwrap_or_default();
        for (tag, part) in [
            ("n.family", &name.family),
            ("n.given", &name.given),
            ("n.additional", &name.additional),
            ("n.prefixes", &name.prefixes),
            ("n.suffixes", &name.suffixes),
        ] {
            hasher.text(tag, &normalize_text(part));
        }
        hasher.set("nickname", self.nicknames.iter().map(|n| normalize_text(n)));
        hasher.set("tel", self.phones.iter().map(|p| normalize_phone_number(&p.number)));
        hasher.set("email", self.emails.iter().map(|e| normalize_email(&e.address)));
        hasher.set("adr", self.addresses.iter().map(|a| a.components().map(normalize_text).join("\u{1f}")));
        hasher.set(
            "org",
            self.organizations.iter().map(|o| {
                std::iter::once(&o.name)
                    .chain(&o.units)
                    .map(|part| normalize_text(part))
                    .collect::<Vec<_>>()
                    .join("\u{1f}")
            }),
        );
        hasher.set("title", self.titles.iter().map(|t| normalize_text(&t.value)));
        hasher.set("role", self.roles.iter().map(|t| normalize_text(&t.value)));
        hasher.set("url", self.urls.iter().map(|u| normalize_text(&u.url)));
        hasher.text("bday", &self.birthday.as_ref().map(ContactDate::to_iso).unwrap_or_default());
        hasher.text("anniversary", &self.anniversary.as_ref().map(ContactDate::to_iso).unwrap_or_default());
        hasher.set("note", self.notes.iter().map(|n| normalize_text(&n.value)));
        hasher.set(
            "impp",
            self.instant_messengers
                .iter()
                .map(|im| format!("{}:{}", im.protocol.to_lowercase(), normalize_text(&im.handle))),
        );
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Contact {
        Contact {
            formatted_name: Some("John Doe".into()),
            phones: vec![
                Phone { number: "+1 905-555-1234".into(), meta: FieldMeta::default() },
                Phone { number: "905-666-1234".into(), meta: FieldMeta::default() },
            ],
            emails: vec![Email { address: "John.Doe@ibm.com".into(), meta: FieldMeta::default() }],
            ..Contact::default()
        }
    }

    #[test]
    fn identity_ignores_formatting_order_and_photos() {
        let one = sample();
        let mut two = sample();
        two.formatted_name = Some("  john   DOE ".into());
        two.phones.reverse();
        two.phones[0].number = "(905) 666 1234".into();
        two.phones[0].meta.types = vec!["cell".into()];
        two.emails[0].address = "john.doe@IBM.com".into();
        two.photos.push(Photo {
            content: PhotoContent::Uri("http://example.com/a.jpg".into()),
            meta: FieldMeta::default(),
        });
        two.categories.push("VIP".into());
        assert_eq!(one.content_id(), two.content_id());
    }

    #[test]
    fn identity_changes_with_content() {
        let one = sample();
        let mut two = sample();
        two.phones[1].number = "905-666-1235".into();
        assert_ne!(one.content_id(), two.content_id());
        let mut three = sample();
        three.notes.push(TextField { value: "met at the fair".into(), meta: FieldMeta::default() });
        assert_ne!(one.content_id(), three.content_id());
    }

    #[test]
    fn display_name_falls_back() {
        let mut contact = Contact {
            name: Some(StructuredName { family: "Doe".into(), given: "Jane".into(), ..Default::default() }),
            ..Contact::default()
        };
        assert_eq!(contact.display_name(), "Jane Doe");
        contact.name = None;
        contact.emails.push(Email { address: "x@y.z".into(), meta: FieldMeta::default() });
        assert_eq!(contact.display_name(), "x@y.z");
    }
}
