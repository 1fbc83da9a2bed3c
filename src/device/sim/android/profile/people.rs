//! The people on a phone: contacts (with every kind of data row a contacts app writes), conversations
//! (SMS, and MMS with picture attachments stored as part files) and the call log.

use std::fs;
use std::path::Path;

use rusqlite::{Connection, params};

use super::media::{self, Exif};
use super::rng::Rng;
use super::{BASE_TIME, Scale};
use crate::device::sim::android::SimError;
use crate::device::sim::android::phone::providers::{self, MIME_NAME, MIME_PHOTO, PARTS_DIR};

const FIRST: &[&str] = &[
    "Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kasia", "Liam",
    "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena",
    "Yusuf", "Zoë",
];
const LAST: &[&str] = &[
    "Andersson",
    "Bakker",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "O'Brien",
    "Petrov",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Weber",
];
const COMPANIES: &[(&str, &str)] = &[
    ("Harbour Logistics", "Dispatcher"),
    ("City Library", "Librarian"),
    ("Nordlicht GmbH", "Engineer"),
    ("St. Mary's Hospital", "Nurse"),
    ("Blue Fern Café", "Owner"),
];
const STREETS: &[(&str, &str, &str, &str)] = &[
    ("12 Harbour Road", "Bristol", "BS1 5TY", "United Kingdom"),
    ("Kastanienallee 7", "Berlin", "10435", "Germany"),
    ("45 Rue des Lilas", "Lyon", "69003", "France"),
    ("221 Pine Street", "Seattle", "98101", "United States"),
];
const LINES: &[&str] = &[
    "Are we still on for tonight?",
    "Running 10 minutes late, sorry!",
    "Can you pick up bread on the way home?",
    "Happy birthday!! 🎉",
    "The package arrived, thanks",
    "Call me when you can",
    "👍",
    "See you at the station at 8",
    "Did you see the match yesterday?",
    "Your appointment is confirmed for Tuesday 14:30.",
    "ok",
    "Love you, drive safe ❤️",
    "Meeting moved to room 4B",
    "Here's the address: Kastanienallee 7",
    "Haha yes exactly",
];

/// A person in the address book.
pub struct Person {
    /// Display name.
    pub name: String,
    /// Mobile number.
    pub phone: String,
}

/// Makes `count` people with distinct names and numbers.
pub fn people(count: usize, rng: &mut Rng) -> Vec<Person> {
    (0..count)
        .map(|i| {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len() + i * 7) % LAST.len()];
            let suffix = if i >= FIRST.len() * LAST.len() { format!(" {}", i) } else { String::new() };
            Person {
                name: format!("{first} {last}{suffix}"),
                phone: format!("+1 555-{:03}-{:04}", 100 + i % 900, rng.below(10_000)),
            }
        })
        .collect()
}

/// Writes contacts: names, phones, and for some email, address, organisation, note, birthday, photo.
pub fn contacts(
    connection: &Connection,
    people: &[Person],
    scale: &Scale,
    rng: &mut Rng,
) -> Result<(), SimError> {
    let mut raw = connection.prepare(
        "INSERT INTO raw_contacts (account_name, account_type, display_name, starred, times_contacted, last_time_contacted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut data = connection.prepare(
        "INSERT INTO data (raw_contact_id, mimetype, is_primary, data1, data2, data3, data4, data7, data9, data10)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut photo =
        connection.prepare("INSERT INTO data (raw_contact_id, mimetype, data15) VALUES (?1, ?2, ?3)")?;
    for (i, person) in people.iter().enumerate() {
        let (given, family) = person.name.split_once(' ').unwrap_or((&person.name, ""));
        let account =
            if i % 3 == 0 { (None, None) } else { (Some("anna.virtual@example.org"), Some("com.google")) };
        raw.execute(params![
            account.0,
            account.1,
            person.name,
            i64::from(rng.chance(15)),
            rng.range(0, 40),
            (BASE_TIME - rng.range(0, 90 * 86_400)) * 1000
        ])?;
        let id = connection.last_insert_rowid();
        connection.execute("UPDATE raw_contacts SET contact_id = _id WHERE _id = ?1", [id])?;
        let row = |mime: &str, primary: bool, d1: &str, d2: Option<&str>, d3: Option<&str>| {
            (mime.to_owned(), primary, d1.to_owned(), d2.map(str::to_owned), d3.map(str::to_owned))
        };
        let mut rows = vec![
            row(MIME_NAME, false, &person.name, Some(given), Some(family)),
            row("vnd.android.cursor.item/phone_v2", true, &person.phone, Some("2"), None),
        ];
        if rng.chance(60) {
            let email =
                format!("{}.{}@example.com", given.to_lowercase(), family.to_lowercase().replace('\'', ""));
            rows.push(row("vnd.android.cursor.item/email_v2", true, &email, Some("1"), None));
        }
        if rng.chance(25) {
            let work = format!("+1 555-0{:02}-{:04}", rng.below(100), rng.below(10_000));
            rows.push(row("vnd.android.cursor.item/phone_v2", false, &work, Some("3"), None));
        }
        if rng.chance(30) {
            let (company, title) = rng.pick(COMPANIES);
            data.execute(params![
                id,
                "vnd.android.cursor.item/organization",
                0,
                company,
                "1",
                None::<String>,
                title,
                None::<String>,
                None::<String>,
                None::<String>
            ])?;
        }
        if rng.chance(30) {
            let born = format!("{}-{:02}-{:02}", rng.range(1950, 2005), rng.range(1, 12), rng.range(1, 28));
            rows.push(row("vnd.android.cursor.item/contact_event", false, &born, Some("3"), None));
        }
        if rng.chance(20) {
            rows.push(row(
                "vnd.android.cursor.item/note",
                false,
                "Met at the climbing gym. Allergic to nuts.",
                None,
                None,
            ));
        }
        for (mime, primary, d1, d2, d3) in rows {
            data.execute(params![
                id,
                mime,
                i64::from(primary),
                d1,
                d2,
                d3,
                None::<String>,
                None::<String>,
                None::<String>,
                None::<String>
            ])?;
        }
        if rng.chance(30) {
            let (street, city, postcode, country) = rng.pick(STREETS);
            let formatted = format!("{street}\n{city} {postcode}\n{country}");
            data.execute(params![
                id,
                "vnd.android.cursor.item/postal-address_v2",
                0,
                formatted,
                "1",
                None::<String>,
                street,
                city,
                postcode,
                country
            ])?;
        }
        if i < scale.contact_photos {
            photo.execute(params![id, MIME_PHOTO, media::contact_thumbnail(rng)?])?;
        }
    }
    Ok(())
}

/// Writes conversations: SMS both ways, and some MMS with a photo and a caption.
pub fn messages(
    connection: &Connection,
    fs_root: &Path,
    people: &[Person],
    scale: &Scale,
    rng: &mut Rng,
) -> Result<(), SimError> {
    if people.is_empty() || scale.sms == 0 {
        return Ok(());
    }
    let threads = scale.threads.clamp(1, people.len());
    let mut sms = connection.prepare(
        "INSERT INTO sms (thread_id, address, date, date_sent, protocol, read, status, type, reply_path_present,
                          body, service_center, seen)
         VALUES (?1, ?2, ?3, ?4, 0, ?5, -1, ?6, 0, ?7, ?8, 1)",
    )?;
    let mut thread_ids = Vec::with_capacity(threads);
    for person in &people[..threads] {
        thread_ids.push(providers::thread_for(connection, &person.phone)?);
    }
    let span = 365 * 86_400;
    for i in 0..scale.sms {
        let who = i % threads;
        let date = (BASE_TIME - span + (i as i64 * span / scale.sms as i64) + rng.range(0, 600)) * 1000;
        let kind = if rng.chance(55) { 1 } else { 2 };
        let body = rng.pick(LINES);
        let center = (kind == 1).then_some("+15550000000");
        sms.execute(params![
            thread_ids[who],
            people[who].phone,
            date,
            if kind == 1 { date - rng.range(500, 5000) } else { 0 },
            i64::from(kind == 2 || i + 5 < scale.sms),
            kind,
            body,
            center
        ])?;
    }
    let parts_dir = fs_root.join(PARTS_DIR.trim_start_matches('/'));
    fs::create_dir_all(&parts_dir).map_err(|e| SimError::io("create", &parts_dir, e))?;
    for i in 0..scale.mms {
        let who = i % threads;
        let date = BASE_TIME - rng.range(0, span);
        let msg_box = if rng.chance(50) { 1 } else { 2 };
        connection.execute(
            "INSERT INTO pdu (thread_id, date, msg_box, read, m_id, ct_t, m_type, v, m_size, pri, tr_id, seen, text_only)
             VALUES (?1, ?2, ?3, 1, ?4, 'application/vnd.wap.multipart.related', ?5, 18, ?6, 129, ?7, 1, 0)",
            params![
                thread_ids[who],
                date,
                msg_box,
                format!("mms{:012x}", rng.next_u64() >> 16),
                if msg_box == 1 { 132 } else { 128 },
                rng.range(20_000, 90_000),
                format!("T{:x}", rng.next_u64() >> 20)
            ],
        )?;
        let mid = connection.last_insert_rowid();
        let (from, to) = if msg_box == 1 {
            (people[who].phone.as_str(), "insert-address-token")
        } else {
            ("insert-address-token", people[who].phone.as_str())
        };
        connection.execute(
            "INSERT INTO addr (msg_id, address, type, charset) VALUES (?1, ?2, 137, 106)",
            params![mid, from],
        )?;
        connection.execute(
            "INSERT INTO addr (msg_id, address, type, charset) VALUES (?1, ?2, 151, 106)",
            params![mid, to],
        )?;
        let smil = "<smil><head><layout><root-layout/><region id=\"Image\" top=\"0\" height=\"80%\"/><region id=\"Text\" top=\"80%\"/></layout></head><body><par dur=\"5000ms\"><img src=\"image000000.jpg\" region=\"Image\"/><text src=\"text_0.txt\" region=\"Text\"/></par></body></smil>";
        connection.execute(
            "INSERT INTO part (mid, seq, ct, cid, cl, text) VALUES (?1, -1, 'application/smil', '<smil>', 'smil.xml', ?2)",
            params![mid, smil],
        )?;
        let (w, h) = scale.mms_image;
        let exif = Exif { make: "Lifeboat", model: "Virtual Phone", taken: date, gps: None };
        let jpeg = media::jpeg_photo(w, h, &exif, rng)?;
        connection.execute(
            "INSERT INTO part (mid, seq, ct, name, cid, cl) VALUES (?1, 0, 'image/jpeg', 'image000000.jpg', '<image000000>', 'image000000.jpg')",
            [mid],
        )?;
        let part = connection.last_insert_rowid();
        let data_path = format!("{PARTS_DIR}/PART_{date}{part:04}");
        let host = fs_root.join(data_path.trim_start_matches('/'));
        super::write_file(&host, &jpeg, date)?;
        connection.execute("UPDATE part SET _data = ?1 WHERE _id = ?2", params![data_path, part])?;
        connection.execute(
            "INSERT INTO part (mid, seq, ct, chset, cid, cl, text) VALUES (?1, 0, 'text/plain', 106, '<text_0>', 'text_0.txt', ?2)",
            params![mid, rng.pick(LINES)],
        )?;
    }
    for thread in thread_ids {
        providers::refresh_thread(connection, thread)?;
    }
    Ok(())
}

/// Writes the call log: incoming, outgoing, missed, some from unknown numbers.
pub fn calls(
    connection: &Connection,
    people: &[Person],
    count: usize,
    rng: &mut Rng,
) -> Result<(), SimError> {
    let mut call = connection.prepare(
        "INSERT INTO calls (number, presentation, date, duration, type, new, name, numbertype, countryiso,
                            is_read, normalized_number, phone_account_address)
         VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, 'US', 1, ?8, NULL)",
    )?;
    for i in 0..count {
        let known = !people.is_empty() && rng.chance(80);
        let (number, name) = if known {
            let person = rng.pick(people);
            (person.phone.clone(), Some(person.name.clone()))
        } else {
            (format!("+1 555-{:03}-{:04}", rng.range(100, 999), rng.below(10_000)), None)
        };
        let kind = *rng.pick(&[1, 1, 2, 2, 3]);
        let duration = if kind == 3 { 0 } else { rng.range(5, 1800) };
        let date = (BASE_TIME - rng.range(0, 180 * 86_400)) * 1000 - i as i64;
        let normalized: String = number.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        call.execute(params![
            number,
            date,
            duration,
            kind,
            i64::from(kind == 3 && i < 3),
            name,
            name.as_ref().map(|_| 2),
            normalized
        ])?;
    }
    Ok(())
}
