//! Provider rows → normalized records, and back: Android's contacts `data` rows (one per phone number, e-mail,
//! name... told apart by `mimetype`, with the meaning of `data1`–`data15` depending on it), SMS/MMS rows,
//! call log rows and settings. Every record keeps the rows it came from as its raw source.

use std::collections::BTreeMap;

use crate::data::{
    AddressRole, CallDirection, CallEntry, Contact, ContactDate, Email, ExtraProperty, FieldMeta,
    InstantMessenger, Message, MessageAddress, MessageFolder, MessageKind, MessagePart, Organization, Phone,
    Photo, PhotoContent, PostalAddress, RawFormat, RawSource, StructuredName, TextField, WebLink, sniff_mime,
};

use super::content::ContentRow;

/// Contacts `data` mimetypes.
pub mod mime {
    /// Structured name.
    pub const NAME: &str = "vnd.android.cursor.item/name";
    /// Phone number.
    pub const PHONE: &str = "vnd.android.cursor.item/phone_v2";
    /// E-mail address.
    pub const EMAIL: &str = "vnd.android.cursor.item/email_v2";
    /// Postal address.
    pub const POSTAL: &str = "vnd.android.cursor.item/postal-address_v2";
    /// Organization.
    pub const ORGANIZATION: &str = "vnd.android.cursor.item/organization";
    /// Note.
    pub const NOTE: &str = "vnd.android.cursor.item/note";
    /// Nickname.
    pub const NICKNAME: &str = "vnd.android.cursor.item/nickname";
    /// Website.
    pub const WEBSITE: &str = "vnd.android.cursor.item/website";
    /// Birthday, anniversary.
    pub const EVENT: &str = "vnd.android.cursor.item/contact_event";
    /// Instant messaging.
    pub const IM: &str = "vnd.android.cursor.item/im";
    /// SIP address.
    pub const SIP: &str = "vnd.android.cursor.item/sip_address";
    /// Photo.
    pub const PHOTO: &str = "vnd.android.cursor.item/photo";
}

/// The `data` columns read for every contact row (`data15` is a blob: photos, read separately).
pub const DATA_COLUMNS: [&str; 19] = [
    "raw_contact_id",
    "mimetype",
    "is_primary",
    "is_super_primary",
    "data1",
    "data2",
    "data3",
    "data4",
    "data5",
    "data6",
    "data7",
    "data8",
    "data9",
    "data10",
    "data11",
    "data12",
    "data13",
    "data14",
    "data15",
];

/// The `raw_contacts` columns read.
pub const RAW_CONTACT_COLUMNS: [&str; 8] = [
    "contact_id",
    "account_name",
    "account_type",
    "sourceid",
    "deleted",
    "starred",
    "custom_ringtone",
    "display_name",
];

const PHONE_TYPES: [(i64, &str); 7] =
    [(1, "home"), (2, "cell"), (3, "work"), (4, "fax"), (5, "fax"), (6, "pager"), (7, "other")];
const EMAIL_TYPES: [(i64, &str); 4] = [(1, "home"), (2, "work"), (3, "other"), (4, "cell")];
const POSTAL_TYPES: [(i64, &str); 3] = [(1, "home"), (2, "work"), (3, "other")];
const IM_PROTOCOLS: [(i64, &str); 8] =
    [(0, "aim"), (1, "msn"), (2, "yahoo"), (3, "skype"), (4, "qq"), (5, "gtalk"), (6, "icq"), (7, "xmpp")];

fn kind_of(table: &[(i64, &str)], code: Option<i64>) -> Vec<String> {
    code.and_then(|c| table.iter().find(|(k, _)| *k == c))
        .map(|(_, name)| vec![name.to_string()])
        .unwrap_or_default()
}

fn code_of(table: &[(i64, &str)], meta: &FieldMeta) -> Option<i64> {
    table.iter().find(|(_, name)| meta.has_type(name)).map(|(code, _)| *code)
}

fn meta_of(row: &ContentRow, table: &[(i64, &str)]) -> FieldMeta {
    let code = row.int("data2");
    FieldMeta {
        types: kind_of(table, code),
        pref: (row.int("is_primary") == Some(1)).then_some(1),
        // Type 0 is "custom", with the person's own label in data3.
        label: if code == Some(0) { row.get("data3").map(str::to_string) } else { None },
        ..FieldMeta::default()
    }
}

fn text(row: &ContentRow, column: &str) -> String {
    row.get(column).unwrap_or_default().to_string()
}

/// Parses Android's event dates: `1980-03-22`, `--03-22` (no year), anything else stays text.
pub fn parse_date(value: &str) -> ContactDate {
    let value = value.trim();
    let (year, rest) = match value.strip_prefix("--") {
        Some(rest) => (None, rest),
        None => match value.split_once('-') {
            Some((year, rest)) if year.len() == 4 => match year.parse::<u16>() {
                Ok(year) => (Some(year), rest),
                Err(_) => return ContactDate::Text(value.to_string()),
            },
            _ => return ContactDate::Text(value.to_string()),
        },
    };
    let mut parts = rest.splitn(2, '-');
    let month = parts.next().and_then(|m| m.parse::<u8>().ok()).filter(|m| (1..=12).contains(m));
    let day = parts
        .next()
        .and_then(|d| d.get(..2))
        .and_then(|d| d.parse::<u8>().ok())
        .filter(|d| (1..=31).contains(d));
    match (month, day) {
        (Some(month), Some(day)) => ContactDate::Date { year, month, day, time: None },
        _ => ContactDate::Text(value.to_string()),
    }
}

/// Builds one contact from its raw contact row and data rows. `photo` gives the bytes of a photo row
/// (read with `content read`), `None` when it cannot be read.
pub fn contact_from_rows(
    raw: &ContentRow,
    data: &[ContentRow],
    photo: &mut dyn FnMut(&ContentRow) -> Option<Vec<u8>>,
) -> Contact {
    let mut contact = Contact::default();
    for row in data {
        let mimetype = row.get("mimetype").unwrap_or_default();
        match mimetype {
            mime::NAME => {
                contact.formatted_name = row.get("data1").map(str::to_string);
                let name = StructuredName {
                    given: text(row, "data2"),
                    family: text(row, "data3"),
                    prefixes: text(row, "data4"),
                    additional: text(row, "data5"),
                    suffixes: text(row, "data6"),
                };
                if name != StructuredName::default() {
                    contact.name = Some(name);
                }
            }
            mime::PHONE => {
                contact.phones.push(Phone { number: text(row, "data1"), meta: meta_of(row, &PHONE_TYPES) })
            }
            mime::EMAIL => {
                contact.emails.push(Email { address: text(row, "data1"), meta: meta_of(row, &EMAIL_TYPES) })
            }
            mime::POSTAL => contact.addresses.push(PostalAddress {
                po_box: text(row, "data5"),
                extended: text(row, "data6"),
                street: text(row, "data4"),
                locality: text(row, "data7"),
                region: text(row, "data8"),
                postal_code: text(row, "data9"),
                country: text(row, "data10"),
                meta: meta_of(row, &POSTAL_TYPES),
            }),
            mime::ORGANIZATION => {
                if row.get("data1").is_some() || row.get("data5").is_some() {
                    let units = row.get("data5").map(|d| vec![d.to_string()]).unwrap_or_default();
                    contact.organizations.push(Organization {
                        name: text(row, "data1"),
                        units,
                        meta: FieldMeta::default(),
                    });
                }
                if let Some(title) = row.get("data4") {
                    contact.titles.push(TextField { value: title.to_string(), meta: FieldMeta::default() });
                }
            }
            mime::NOTE => {
                contact.notes.push(TextField { value: text(row, "data1"), meta: FieldMeta::default() })
            }
            mime::NICKNAME => contact.nicknames.push(text(row, "data1")),
            mime::WEBSITE => {
                contact.urls.push(WebLink { url: text(row, "data1"), meta: FieldMeta::default() })
            }
            mime::EVENT => {
                let date = parse_date(&text(row, "data1"));
                match row.int("data2") {
                    Some(1) => contact.anniversary = Some(date),
                    _ => contact.birthday = Some(date),
                }
            }
            mime::IM => {
                let protocol = match row.int("data5") {
                    Some(-1) | None => row.get("data6").unwrap_or("custom").to_lowercase(),
                    code => kind_of(&IM_PROTOCOLS, code).pop().unwrap_or_else(|| "custom".into()),
                };
                contact.instant_messengers.push(InstantMessenger {
                    protocol,
                    handle: text(row, "data1"),
                    meta: FieldMeta::default(),
                });
            }
            mime::SIP => contact.instant_messengers.push(InstantMessenger {
                protocol: "sip".into(),
                handle: text(row, "data1"),
                meta: FieldMeta::default(),
            }),
            mime::PHOTO => {
                if let Some(bytes) = photo(row) {
                    let mime = sniff_mime(&bytes).map(str::to_string);
                    contact.photos.push(Photo {
                        content: PhotoContent::Inline { mime, bytes },
                        meta: FieldMeta::default(),
                    });
                }
            }
            other => {
                // A kind Lifeboat does not model (a messenger app's own rows): kept whole, to be written back.
                let mut columns = serde_json::Map::new();
                for column in &DATA_COLUMNS[2..] {
                    if let Some(value) = row.get(column) {
                        columns.insert((*column).to_string(), serde_json::Value::String(value.to_string()));
                    }
                }
                contact.extra.push(ExtraProperty {
                    group: None,
                    name: other.to_string(),
                    params: Vec::new(),
                    value: serde_json::Value::Object(columns).to_string(),
                });
            }
        }
    }
    if contact.formatted_name.is_none() {
        contact.formatted_name = raw.get("display_name").map(str::to_string);
    }
    // The sync account's id of the contact survives every edit, even of the name: a restore knows the
    // contact by it.
    contact.uid = raw.get("sourceid").filter(|id| !id.trim().is_empty()).map(str::to_string);
    let source = serde_json::json!({
        "raw_contact": raw.to_json(),
        "data": data.iter().map(ContentRow::to_json).collect::<Vec<_>>(),
    });
    contact.raw =
        Some(RawSource::from_text(RawFormat::Other("android-contacts-provider".into()), source.to_string()));
    contact
}

/// One data row to insert: its mimetype and its bindings (column, `content` type letter, value).
pub type DataRow = (String, Vec<(String, char, String)>);

/// The `content insert` bindings (column, type, value) of the data rows that carry `contact`, photo excepted.
pub fn contact_data_rows(contact: &Contact) -> Vec<DataRow> {
    let mut rows = Vec::new();
    let mut push = |mime: &str, values: Vec<(&str, char, String)>| {
        let values: Vec<(String, char, String)> = values
            .into_iter()
            .filter(|(_, _, v)| !v.is_empty())
            .map(|(c, t, v)| (c.to_string(), t, v))
            .collect();
        if !values.is_empty() {
            rows.push((mime.to_string(), values));
        }
    };
    let name = contact.name.clone().unwrap_or_default();
    push(
        mime::NAME,
        vec![
            ("data1", 's', contact.formatted_name.clone().unwrap_or_default()),
            ("data2", 's', name.given),
            ("data3", 's', name.family),
            ("data4", 's', name.prefixes),
            ("data5", 's', name.additional),
            ("data6", 's', name.suffixes),
        ],
    );
    let typed = |meta: &FieldMeta, table: &[(i64, &str)]| -> Vec<(&'static str, char, String)> {
        let mut values = Vec::new();
        match (code_of(table, meta), &meta.label) {
            (_, Some(label)) => {
                values.push(("data2", 'i', "0".to_string()));
                values.push(("data3", 's', label.clone()));
            }
            (Some(code), None) => values.push(("data2", 'i', code.to_string())),
            (None, None) => {
                values.push(("data2", 'i', table.last().map(|(c, _)| c.to_string()).unwrap_or_default()))
            }
        }
        if meta.pref == Some(1) {
            values.push(("is_primary", 'i', "1".to_string()));
        }
        values
    };
    for phone in &contact.phones {
        let mut values = vec![("data1", 's', phone.number.clone())];
        values.extend(typed(&phone.meta, &PHONE_TYPES));
        push(mime::PHONE, values);
    }
    for email in &contact.emails {
        let mut values = vec![("data1", 's', email.address.clone())];
        values.extend(typed(&email.meta, &EMAIL_TYPES));
        push(mime::EMAIL, values);
    }
    for address in &contact.addresses {
        let mut values = vec![
            ("data4", 's', address.street.clone()),
            ("data5", 's', address.po_box.clone()),
            ("data6", 's', address.extended.clone()),
            ("data7", 's', address.locality.clone()),
            ("data8", 's', address.region.clone()),
            ("data9", 's', address.postal_code.clone()),
            ("data10", 's', address.country.clone()),
        ];
        values.extend(typed(&address.meta, &POSTAL_TYPES));
        push(mime::POSTAL, values);
    }
    let titles: Vec<&str> = contact.titles.iter().map(|t| t.value.as_str()).collect();
    for (index, organization) in contact.organizations.iter().enumerate() {
        push(
            mime::ORGANIZATION,
            vec![
                ("data1", 's', organization.name.clone()),
                ("data4", 's', titles.get(index).map(|t| t.to_string()).unwrap_or_default()),
                ("data5", 's', organization.units.first().cloned().unwrap_or_default()),
            ],
        );
    }
    for title in titles.iter().skip(contact.organizations.len()) {
        push(mime::ORGANIZATION, vec![("data4", 's', title.to_string())]);
    }
    for note in &contact.notes {
        push(mime::NOTE, vec![("data1", 's', note.value.clone())]);
    }
    for nickname in &contact.nicknames {
        push(mime::NICKNAME, vec![("data1", 's', nickname.clone())]);
    }
    for url in &contact.urls {
        push(mime::WEBSITE, vec![("data1", 's', url.url.clone())]);
    }
    for (date, code) in [(&contact.birthday, "3"), (&contact.anniversary, "1")] {
        if let Some(date) = date {
            push(mime::EVENT, vec![("data1", 's', date.to_iso()), ("data2", 'i', code.to_string())]);
        }
    }
    for im in &contact.instant_messengers {
        if im.protocol == "sip" {
            push(mime::SIP, vec![("data1", 's', im.handle.clone())]);
            continue;
        }
        let values = match IM_PROTOCOLS.iter().find(|(_, p)| *p == im.protocol) {
            Some((code, _)) => vec![("data1", 's', im.handle.clone()), ("data5", 'i', code.to_string())],
            None => vec![
                ("data1", 's', im.handle.clone()),
                ("data5", 'i', "-1".to_string()),
                ("data6", 's', im.protocol.clone()),
            ],
        };
        push(mime::IM, values);
    }
    for extra in &contact.extra {
        // Only rows this module kept from Android (a mimetype and a JSON object of data columns) go back.
        let Ok(serde_json::Value::Object(columns)) = serde_json::from_str::<serde_json::Value>(&extra.value)
        else {
            continue;
        };
        if !extra.name.contains('/') {
            continue;
        }
        let values: Vec<(&str, char, String)> = DATA_COLUMNS[4..18]
            .iter()
            .filter_map(|c| columns.get(*c).and_then(|v| v.as_str()).map(|v| (*c, 's', v.to_string())))
            .collect();
        push(&extra.name, values);
    }
    rows
}

/// SMS columns read.
pub const SMS_COLUMNS: [&str; 18] = [
    "thread_id",
    "address",
    "person",
    "date",
    "date_sent",
    "protocol",
    "read",
    "status",
    "type",
    "reply_path_present",
    "service_center",
    "locked",
    "sub_id",
    "error_code",
    "creator",
    "seen",
    "subject",
    "body",
];

fn raw_row(format: &str, value: serde_json::Value) -> Option<RawSource> {
    Some(RawSource::from_text(RawFormat::Other(format.into()), value.to_string()))
}

/// One SMS.
pub fn sms_from_row(row: &ContentRow) -> Message {
    let folder = row.int("type").map_or(MessageFolder::Other(0), MessageFolder::from_android);
    let address = row.get("address").map(str::to_string);
    let role = if folder.is_incoming() { AddressRole::From } else { AddressRole::To };
    Message {
        kind: MessageKind::Sms,
        folder,
        thread_id: row.get("thread_id").map(str::to_string),
        conversation: address.iter().cloned().collect(),
        addresses: address
            .map(|address| vec![MessageAddress { address, role, extra: Vec::new() }])
            .unwrap_or_default(),
        date: row.int("date").unwrap_or(0),
        date_sent: row.int("date_sent").filter(|d| *d > 0),
        read: row.int("read") == Some(1),
        seen: row.int("seen").map(|s| s == 1),
        status: row.int("status"),
        locked: row.int("locked") == Some(1),
        subject: row.get("subject").map(str::to_string),
        body: row.get("body").map(str::to_string),
        parts: Vec::new(),
        contact_name: None,
        subscription_id: row.int("sub_id"),
        origin: None,
        lost: Vec::new(),
        extra: ["protocol", "service_center", "error_code", "creator", "reply_path_present"]
            .iter()
            .filter_map(|c| row.get(c).map(|v| (c.to_string(), v.to_string())))
            .collect(),
        raw: raw_row("android-sms-provider", row.to_json()),
    }
}

/// MMS (`pdu`) columns read.
pub const MMS_COLUMNS: [&str; 16] = [
    "thread_id",
    "date",
    "date_sent",
    "msg_box",
    "read",
    "m_id",
    "sub_cs",
    "ct_t",
    "m_type",
    "m_size",
    "tr_id",
    "locked",
    "sub_id",
    "seen",
    "text_only",
    "sub",
];

/// MMS part columns read.
pub const PART_COLUMNS: [&str; 13] =
    ["mid", "seq", "ct", "name", "chset", "cd", "fn", "cid", "cl", "ctt_s", "ctt_t", "_data", "text"];

/// MMS address columns read.
pub const ADDR_COLUMNS: [&str; 4] = ["msg_id", "address", "type", "charset"];

/// The PDU header codes of MMS address roles.
pub fn address_role(code: Option<i64>) -> Option<AddressRole> {
    match code {
        Some(137) => Some(AddressRole::From),
        Some(151) => Some(AddressRole::To),
        Some(130) => Some(AddressRole::Cc),
        Some(129) => Some(AddressRole::Bcc),
        _ => None,
    }
}

/// The PDU header code of a role.
pub fn role_code(role: AddressRole) -> i64 {
    match role {
        AddressRole::From => 137,
        AddressRole::To => 151,
        AddressRole::Cc => 130,
        AddressRole::Bcc => 129,
    }
}

/// One MMS, from its pdu row, address rows and parts (already turned into [`MessagePart`]s).
pub fn mms_from_rows(
    row: &ContentRow,
    addresses: &[ContentRow],
    parts: Vec<MessagePart>,
    raw_parts: Vec<serde_json::Value>,
) -> Message {
    let folder = row.int("msg_box").map_or(MessageFolder::Other(0), MessageFolder::from_android);
    let mut message_addresses = Vec::new();
    let mut conversation = Vec::new();
    for address in addresses {
        let Some(text) = address.get("address") else { continue };
        let Some(role) = address_role(address.int("type")) else { continue };
        // "insert-address-token" stands for the phone's own number in sent messages.
        if text != "insert-address-token" && !conversation.iter().any(|c| c == text) {
            conversation.push(text.to_string());
        }
        let extra =
            address.get("charset").map(|c| vec![("charset".to_string(), c.to_string())]).unwrap_or_default();
        message_addresses.push(MessageAddress { address: text.to_string(), role, extra });
    }
    let body: Vec<&str> = parts
        .iter()
        .filter(|p| p.is_text())
        .filter_map(|p| match &p.content {
            crate::data::PartContent::Text(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    Message {
        kind: MessageKind::Mms,
        folder,
        thread_id: row.get("thread_id").map(str::to_string),
        conversation,
        addresses: message_addresses,
        // MMS dates are in seconds.
        date: row.int("date").unwrap_or(0).saturating_mul(1000),
        date_sent: row.int("date_sent").filter(|d| *d > 0).map(|d| d.saturating_mul(1000)),
        read: row.int("read") == Some(1),
        seen: row.int("seen").map(|s| s == 1),
        status: None,
        locked: row.int("locked") == Some(1),
        subject: row.get("sub").map(str::to_string),
        body: (!body.is_empty()).then(|| body.join("\n")),
        parts,
        contact_name: None,
        subscription_id: row.int("sub_id"),
        origin: None,
        lost: Vec::new(),
        extra: ["m_id", "ct_t", "m_type", "m_size", "tr_id", "text_only", "sub_cs"]
            .iter()
            .filter_map(|c| row.get(c).map(|v| (c.to_string(), v.to_string())))
            .collect(),
        raw: raw_row(
            "android-mms-provider",
            serde_json::json!({
                "pdu": row.to_json(),
                "addr": addresses.iter().map(ContentRow::to_json).collect::<Vec<_>>(),
                "part": raw_parts,
            }),
        ),
    }
}

/// Call log columns read.
pub const CALL_COLUMNS: [&str; 13] = [
    "number",
    "presentation",
    "date",
    "duration",
    "type",
    "subscription_component_name",
    "subscription_id",
    "numbertype",
    "numberlabel",
    "countryiso",
    "geocoded_location",
    "features",
    "name",
];

/// One call.
pub fn call_from_row(row: &ContentRow) -> CallEntry {
    CallEntry {
        number: text(row, "number"),
        name: row.get("name").map(str::to_string),
        direction: CallDirection::from_android_code(row.int("type").unwrap_or(0)),
        date: row.int("date").unwrap_or(0),
        // A negative duration (a broken dialer) reads as zero; the raw row keeps what the phone said.
        duration_secs: row.int("duration").unwrap_or(0).max(0) as u64,
        presentation: row.int("presentation"),
        sim: row.get("subscription_id").map(str::to_string),
        account: row.get("subscription_component_name").map(str::to_string),
        extra: ["numbertype", "numberlabel", "countryiso", "geocoded_location", "features"]
            .iter()
            .filter_map(|c| row.get(c).map(|v| (c.to_string(), v.to_string())))
            .collect(),
        raw: raw_row("android-call-log-provider", row.to_json()),
    }
}

/// Groups rows by an integer column.
pub fn group_by(rows: Vec<ContentRow>, column: &str) -> BTreeMap<i64, Vec<ContentRow>> {
    let mut groups: BTreeMap<i64, Vec<ContentRow>> = BTreeMap::new();
    for row in rows {
        if let Some(key) = row.int(column) {
            groups.entry(key).or_default().push(row);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn row(pairs: &[(&str, Option<&str>)]) -> ContentRow {
        let columns = Arc::new(pairs.iter().map(|(c, _)| c.to_string()).collect());
        ContentRow::new(columns, pairs.iter().map(|(_, v)| v.map(str::to_string)).collect())
    }

    #[test]
    fn contact_rows_become_a_contact_and_back() {
        let raw =
            row(&[("_id", Some("4")), ("sourceid", Some("c0ffee")), ("display_name", Some("Ana Lima"))]);
        let data = vec![
            row(&[
                ("mimetype", Some(mime::NAME)),
                ("data1", Some("Ana Lima")),
                ("data2", Some("Ana")),
                ("data3", Some("Lima")),
            ]),
            row(&[
                ("mimetype", Some(mime::PHONE)),
                ("data1", Some("+1 555 0100")),
                ("data2", Some("2")),
                ("is_primary", Some("1")),
            ]),
            row(&[
                ("mimetype", Some(mime::PHONE)),
                ("data1", Some("555 0101")),
                ("data2", Some("0")),
                ("data3", Some("Boat")),
            ]),
            row(&[("mimetype", Some(mime::EVENT)), ("data1", Some("--03-22")), ("data2", Some("3"))]),
            row(&[("mimetype", Some(mime::ORGANIZATION)), ("data1", Some("ACME")), ("data4", Some("Boss"))]),
            row(&[("mimetype", Some("vnd.com.evil/thing")), ("data1", Some("unknown kind"))]),
            row(&[("mimetype", Some(mime::PHOTO)), ("data15", Some("BLOB"))]),
        ];
        let contact = contact_from_rows(&raw, &data, &mut |_| Some(vec![0xFF, 0xD8, 0xFF, 0xE0]));
        assert_eq!(contact.display_name(), "Ana Lima");
        assert_eq!(contact.uid.as_deref(), Some("c0ffee"), "the sync account's id, which survives edits");
        assert_eq!(contact.phones[0].meta.types, ["cell"]);
        assert_eq!(contact.phones[0].meta.pref, Some(1));
        assert_eq!(contact.phones[1].meta.label.as_deref(), Some("Boat"));
        assert_eq!(contact.birthday, Some(ContactDate::Date { year: None, month: 3, day: 22, time: None }));
        assert_eq!(contact.titles[0].value, "Boss");
        assert_eq!(contact.extra[0].name, "vnd.com.evil/thing");
        assert!(
            matches!(&contact.photos[0].content, PhotoContent::Inline { mime: Some(m), .. } if m == "image/jpeg")
        );

        // Written back as data rows and read again, the contact is the same contact.
        let rows = contact_data_rows(&contact);
        let back: Vec<ContentRow> = rows
            .iter()
            .map(|(mimetype, values)| {
                let mut pairs: Vec<(&str, Option<&str>)> = vec![("mimetype", Some(mimetype.as_str()))];
                pairs.extend(values.iter().map(|(c, _, v)| (c.as_str(), Some(v.as_str()))));
                row(&pairs)
            })
            .collect();
        let again = contact_from_rows(&raw, &back, &mut |_| None);
        assert_eq!(again.content_id(), contact.content_id());
        assert_eq!(again.extra, contact.extra);
    }

    #[test]
    fn dates_and_hostile_calls() {
        assert_eq!(
            parse_date("1980-03-22"),
            ContactDate::Date { year: Some(1980), month: 3, day: 22, time: None }
        );
        assert_eq!(parse_date("soon"), ContactDate::Text("soon".into()));
        assert_eq!(parse_date("2001-13-01"), ContactDate::Text("2001-13-01".into()));
        let call = call_from_row(&row(&[
            ("number", None),
            ("duration", Some("-5")),
            ("type", Some("99")),
            ("date", Some("0")),
        ]));
        assert_eq!(call.duration_secs, 0);
        assert_eq!(call.direction, CallDirection::Other(99));
        assert_eq!(call.number, "");
    }
}
