//! Contacts from the iPhone's `AddressBook.sqlitedb`.
//!
//! `ABPerson` holds one row per person (names, organization, job title, note, birthday). Everything that can
//! repeat is in `ABMultiValue` (`record_id` → person, `property` says what it is, `label` → `ABMultiValueLabel`,
//! `value`); structured values (postal addresses, messengers, social profiles) keep their parts in
//! `ABMultiValueEntry` (`parent_id` → the multi-value's `UID`, `key` → `ABMultiValueEntryKey`). Apple's own
//! labels look like `_$!<Mobile>!$_`; they become vCard kinds, custom labels stay labels.

use std::collections::HashMap;

use crate::data::{
    Contact, ContactDate, Email, ExtraProperty, FieldMeta, InstantMessenger, Organization, Param, Phone,
    PostalAddress, RawFormat, RawSource, StructuredName, TextField, WebLink,
};

use super::sqlite::{Db, Row};

/// `ABMultiValue.property` numbers.
const PHONE: i64 = 3;
const EMAIL: i64 = 4;
const ADDRESS: i64 = 5;
const DATE: i64 = 12;
const MESSENGER: i64 = 13;
const URL: i64 = 22;
const RELATED_NAME: i64 = 23;
const SOCIAL_PROFILE: i64 = 46;

/// Seconds from 1970 to 2001, Apple's epoch.
const APPLE_EPOCH_SECS: i64 = 978_307_200;

/// Apple writes this year for dates stored without one.
const NO_YEAR: i32 = 1604;

struct MultiValue {
    property: i64,
    label: Option<String>,
    value: Option<String>,
    entries: Vec<(String, String)>,
    raw: serde_json::Value,
}

/// Reads every person.
pub(crate) fn read_contacts(db: &Db) -> rusqlite::Result<Vec<Contact>> {
    let labels: HashMap<i64, String> = db
        .rows_by_id("ABMultiValueLabel")?
        .into_iter()
        .filter_map(|(id, row)| row.text("value").map(|v| (id, v)))
        .collect();
    let keys: HashMap<i64, String> = db
        .rows_by_id("ABMultiValueEntryKey")?
        .into_iter()
        .filter_map(|(id, row)| row.text("value").map(|v| (id, v)))
        .collect();
    let mut entries: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    db.for_each_row("ABMultiValueEntry", |row| {
        if let (Some(parent), Some(key), Some(value)) =
            (row.int("parent_id"), row.int("key"), row.text("value"))
        {
            let key = keys.get(&key).cloned().unwrap_or_else(|| key.to_string());
            entries.entry(parent).or_default().push((key, value));
        }
        Ok(())
    })?;
    let mut values: HashMap<i64, Vec<MultiValue>> = HashMap::new();
    db.for_each_row("ABMultiValue", |row| {
        let (Some(record), Some(property)) = (row.int("record_id"), row.int("property")) else {
            return Ok(());
        };
        let uid = row.int("UID").or_else(|| row.int("_rowid"));
        let label = row.int("label").and_then(|l| labels.get(&l).cloned()).or_else(|| row.non_empty("label"));
        let mut raw = row.to_json();
        raw["label_text"] = label.clone().into();
        values.entry(record).or_default().push(MultiValue {
            property,
            label,
            value: row.text("value"),
            entries: uid.and_then(|u| entries.remove(&u)).unwrap_or_default(),
            raw,
        });
        Ok(())
    })?;
    let mut contacts = Vec::new();
    db.for_each_row("ABPerson", |row| {
        let id = row.int("ROWID").or_else(|| row.int("_rowid")).unwrap_or_default();
        contacts.push(person(&row, values.remove(&id).unwrap_or_default()));
        Ok(())
    })?;
    Ok(contacts)
}

fn person(row: &Row, values: Vec<MultiValue>) -> Contact {
    let name = StructuredName {
        family: row.non_empty("Last").unwrap_or_default(),
        given: row.non_empty("First").unwrap_or_default(),
        additional: row.non_empty("Middle").unwrap_or_default(),
        prefixes: row.non_empty("Prefix").unwrap_or_default(),
        suffixes: row.non_empty("Suffix").unwrap_or_default(),
    };
    let has_name = name != StructuredName::default();
    let organization = row.non_empty("Organization");
    let is_company = row.int("Kind") == Some(1);
    let formatted_name = match (is_company, has_name) {
        (true, _) | (false, false) => organization.clone().or_else(|| has_name.then(|| name.display())),
        (false, true) => Some(name.display()),
    };
    let mut contact = Contact {
        formatted_name,
        name: has_name.then_some(name),
        nicknames: row.non_empty("Nickname").into_iter().collect(),
        organizations: organization
            .map(|org| Organization {
                name: org,
                units: row.non_empty("Department").into_iter().collect(),
                meta: FieldMeta::default(),
            })
            .into_iter()
            .collect(),
        titles: row.non_empty("JobTitle").map(text_field).into_iter().collect(),
        notes: row.non_empty("Note").map(text_field).into_iter().collect(),
        birthday: row.non_empty("Birthday").and_then(|b| apple_date(&b)),
        uid: row.non_empty("guid"),
        ..Contact::default()
    };
    for (column, property) in [
        ("FirstPhonetic", "X-PHONETIC-FIRST-NAME"),
        ("MiddlePhonetic", "X-PHONETIC-MIDDLE-NAME"),
        ("LastPhonetic", "X-PHONETIC-LAST-NAME"),
    ] {
        if let Some(value) = row.non_empty(column) {
            contact.extra.push(extra(property, value, Vec::new()));
        }
    }
    let mut raw_values = Vec::new();
    for value in values {
        raw_values.push(value.raw.clone());
        add_value(&mut contact, value);
    }
    let raw = serde_json::json!({ "person": row.to_json(), "multivalues": raw_values });
    contact.raw = Some(RawSource::from_text(RawFormat::Other("ios-address-book".into()), raw.to_string()));
    contact
}

fn add_value(contact: &mut Contact, value: MultiValue) {
    let meta = field_meta(value.label.as_deref());
    let text = value.value.clone().unwrap_or_default();
    let entry = |key: &str| {
        value
            .entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    match value.property {
        PHONE if !text.is_empty() => contact.phones.push(Phone { number: text, meta }),
        EMAIL if !text.is_empty() => {
            let mut meta = meta;
            meta.types.insert(0, "internet".into());
            contact.emails.push(Email { address: text, meta });
        }
        ADDRESS => contact.addresses.push(PostalAddress {
            street: entry("Street"),
            locality: entry("City"),
            region: entry("State"),
            postal_code: entry("ZIP"),
            country: entry("Country"),
            extended: entry("SubLocality"),
            po_box: String::new(),
            meta,
        }),
        URL if !text.is_empty() => contact.urls.push(WebLink { url: text, meta }),
        MESSENGER => {
            let handle = entry("username");
            if !handle.is_empty() {
                contact.instant_messengers.push(InstantMessenger {
                    protocol: messenger_protocol(&entry("service")),
                    handle,
                    meta,
                });
            }
        }
        DATE => {
            let Some(date) = apple_date(&text) else { return };
            if value.label.as_deref() == Some("_$!<Anniversary>!$_") && contact.anniversary.is_none() {
                contact.anniversary = Some(date);
            } else {
                contact.extra.push(extra("X-ABDATE", date.to_iso(), label_param(value.label)));
            }
        }
        RELATED_NAME if !text.is_empty() => {
            contact.extra.push(extra("X-ABRELATEDNAMES", text, label_param(value.label)));
        }
        SOCIAL_PROFILE => {
            let shown = [entry("url"), entry("username")].into_iter().find(|v| !v.is_empty());
            if let Some(shown) = shown {
                let service = entry("service");
                let params = if service.is_empty() {
                    Vec::new()
                } else {
                    vec![Param { name: "TYPE".into(), values: vec![service.to_lowercase()] }]
                };
                contact.extra.push(extra("X-SOCIALPROFILE", shown, params));
            }
        }
        // Anything else (ringtones, unknown properties of later iOS versions) stays in the raw source.
        _ => {}
    }
}

fn text_field(value: String) -> TextField {
    TextField { value, meta: FieldMeta::default() }
}

fn extra(name: &str, value: String, params: Vec<Param>) -> ExtraProperty {
    ExtraProperty { group: None, name: name.into(), params, value }
}

fn label_param(label: Option<String>) -> Vec<Param> {
    label.map(|l| vec![Param { name: "X-ABLABEL".into(), values: vec![l] }]).unwrap_or_default()
}

/// Apple's built-in labels as vCard kinds; anything else is a custom label, kept as written.
fn field_meta(label: Option<&str>) -> FieldMeta {
    let types: &[&str] = match label {
        None => &[],
        Some("_$!<Mobile>!$_") => &["cell"],
        Some("iPhone") => &["cell", "iphone"],
        Some("_$!<Home>!$_") => &["home"],
        Some("_$!<Work>!$_") => &["work"],
        Some("_$!<Main>!$_") => &["main"],
        Some("_$!<HomeFAX>!$_") => &["home", "fax"],
        Some("_$!<WorkFAX>!$_") => &["work", "fax"],
        Some("_$!<OtherFAX>!$_") => &["fax"],
        Some("_$!<Pager>!$_") => &["pager"],
        Some("_$!<Other>!$_") => &["other"],
        Some("_$!<HomePage>!$_") => &["homepage"],
        Some(custom) => return FieldMeta { label: Some(custom.to_string()), ..FieldMeta::default() },
    };
    FieldMeta { types: types.iter().map(|t| t.to_string()).collect(), ..FieldMeta::default() }
}

/// Apple's service names as the lowercase protocol names the model uses.
fn messenger_protocol(service: &str) -> String {
    match service.to_ascii_lowercase().as_str() {
        "jabber" => "xmpp".into(),
        "googletalk" => "gtalk".into(),
        "" => "unknown".into(),
        other => other.into(),
    }
}

/// Reads an Apple date (seconds since 2001 as text, sometimes with a fraction) as a calendar date. Birthdays
/// are stored at midnight or noon of the day in some time zone, so the nearest UTC day is taken, leaning to the
/// earlier day at exactly noon. Year 1604 means "no year".
fn apple_date(text: &str) -> Option<ContactDate> {
    let seconds: f64 = text.trim().parse().ok()?;
    if !seconds.is_finite() {
        return Some(ContactDate::Text(text.to_string()));
    }
    let unix = (seconds as i64).checked_add(APPLE_EPOCH_SECS)?;
    let day = unix.checked_add(43_199)?.div_euclid(86_400);
    let date = time::OffsetDateTime::from_unix_timestamp(day.checked_mul(86_400)?).ok()?.date();
    Some(ContactDate::Date {
        year: (date.year() != NO_YEAR).then(|| u16::try_from(date.year()).ok()).flatten(),
        month: u8::from(date.month()),
        day: date.day(),
        time: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_dates_become_calendar_dates() {
        // 1985-03-22 00:00 UTC is Unix time 480297600.
        let midnight = (480_297_600i64 - APPLE_EPOCH_SECS).to_string();
        assert_eq!(apple_date(&midnight).unwrap().to_iso(), "1985-03-22");
        let noon = (480_297_600i64 + 43_200 - APPLE_EPOCH_SECS).to_string();
        assert_eq!(apple_date(&noon).unwrap().to_iso(), "1985-03-22");
        let local_midnight_east = (480_297_600i64 - 7_200 - APPLE_EPOCH_SECS).to_string();
        assert_eq!(apple_date(&local_midnight_east).unwrap().to_iso(), "1985-03-22");
        // 1604-06-15, Apple's way of saying "15 June".
        let no_year = time::Date::from_calendar_date(1604, time::Month::June, 15).unwrap();
        let seconds = no_year.midnight().assume_utc().unix_timestamp() - APPLE_EPOCH_SECS;
        assert_eq!(apple_date(&format!("{seconds}.0")).unwrap().to_iso(), "--06-15");
        assert_eq!(apple_date("not a date"), None);
    }

    #[test]
    fn labels_become_kinds_or_stay_custom() {
        assert_eq!(field_meta(Some("_$!<Mobile>!$_")).types, vec!["cell"]);
        assert_eq!(field_meta(Some("_$!<WorkFAX>!$_")).types, vec!["work", "fax"]);
        let custom = field_meta(Some("Grandma's landline"));
        assert_eq!(custom.label.as_deref(), Some("Grandma's landline"));
        assert!(custom.types.is_empty());
    }
}
