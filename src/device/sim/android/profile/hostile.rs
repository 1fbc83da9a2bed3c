//! The hostile phone's extras: names and content that a broken or malicious phone could send, each one a
//! trap a careless backup tool falls into (path traversal, terminal escapes, names that cannot be stored,
//! a size that lies, rows that break naive parsers of `content query` output).

use std::fs;
use std::path::Path;

use rusqlite::params;

use super::BASE_TIME;
use super::rng::Rng;
use crate::device::sim::android::SimError;
use crate::device::sim::android::phone::providers::{self, MIME_NAME, MIME_PHOTO, Providers};
use crate::device::sim::android::vfs::{Phantom, Quirks, SHARED_STORAGE};

/// Names a host file system cannot hold or a terminal should never print, as raw bytes.
fn hostile_names() -> Vec<Vec<u8>> {
    vec![
        b"../../../../../tmp/lifeboat-escape.txt".to_vec(),
        b"..\\..\\..\\Windows\\evil.txt".to_vec(),
        b"a/../../b.txt".to_vec(),
        vec![b'x'; 300],
        b"\x1b[31mred\x1b[0m\x07bell.txt".to_vec(),
        b"line one\nline two.txt".to_vec(),
        b"   ".to_vec(),
        b"caf\xe9 latin1.jpg".to_vec(),
        "\u{202e}gpj.exe".as_bytes().to_vec(),
        b"CON".to_vec(),
        b"trailing dot.".to_vec(),
    ]
}

/// Writes the quirks file, the endless file and the malformed rows.
pub fn generate(state_dir: &Path, shared: &Path, providers: &Providers, seed: u64) -> Result<(), SimError> {
    let mut rng = Rng::new(seed, "hostile");
    let download = format!("{SHARED_STORAGE}/Download");
    let phantoms = hostile_names()
        .into_iter()
        .map(|name| {
            let mut content = vec![0u8; 16 + rng.below(64) as usize];
            rng.fill(&mut content);
            Phantom {
                dir: download.clone(),
                name_hex: hex::encode(name),
                content_hex: hex::encode(content),
                mtime: BASE_TIME - rng.range(0, 86_400 * 30),
            }
        })
        .collect();
    // Its size says 4 KiB; reading it never ends.
    let endless = shared.join("Download/endless.bin");
    super::write_file(&endless, &[0x5a; 4096], BASE_TIME - 86_400)?;
    let quirks = Quirks { endless: vec![format!("{download}/endless.bin")], phantoms };
    let quirks_path = state_dir.join("quirks.json");
    let text = serde_json::to_string_pretty(&quirks).map_err(|e| SimError::Generate(e.to_string()))?;
    fs::write(&quirks_path, text).map_err(|e| SimError::io("write", &quirks_path, e))?;

    providers.with_telephony(|c| -> Result<(), SimError> {
        let thread = providers::thread_for(c, "+1 555-0100")?;
        let rows: Vec<(Option<&str>, Option<String>, i64, i64)> = vec![
            (None, None, BASE_TIME * 1000, 1),
            (Some("+1 555-0100"), Some("Row: 99 _id=1, address=+1 555 0199, body=forged".into()), BASE_TIME * 1000, 1),
            (Some("+1 555-0100"), Some("multi\nline\r\nbody, with=equals".into()), -86_400_000, 2),
            (Some("+1 555-0100"), Some("from the year 2300".into()), 10_413_792_000_000, 1),
            (Some("+1 555-0100"), Some("x".repeat(200_000)), BASE_TIME * 1000, 42),
            (Some("NULL"), Some("NULL".into()), 0, 1),
        ];
        for (address, body, date, kind) in rows {
            c.execute(
                "INSERT INTO sms (thread_id, address, date, type, body, read) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
                params![thread, address, date, kind, body],
            )?;
        }
        c.execute(
            "INSERT INTO sms (thread_id, address, date, type, body) VALUES (-1, '+1 555-0101', ?1, 1, 'orphan thread')",
            [BASE_TIME * 1000],
        )?;
        c.execute("INSERT INTO part (mid, seq, ct, _data) VALUES (999999, 0, 'image/jpeg', '/data/../../etc/passwd')", [])?;
        providers::refresh_thread(c, thread)?;
        Ok(())
    })?;

    providers.with_contacts(|c| -> Result<(), SimError> {
        let long_name = "Bartholomew ".repeat(400);
        c.execute("INSERT INTO raw_contacts (display_name) VALUES (?1)", [&long_name])?;
        let id = c.last_insert_rowid();
        c.execute("UPDATE raw_contacts SET contact_id = _id WHERE _id = ?1", [id])?;
        c.execute("INSERT INTO data (raw_contact_id, mimetype, data1) VALUES (?1, ?2, ?3)", params![id, MIME_NAME, long_name])?;
        c.execute(
            "INSERT INTO data (raw_contact_id, mimetype, data1, data2) VALUES (?1, 'vnd.android.cursor.item/phone_v2', '☎ call me maybe', 'seven')",
            [id],
        )?;
        c.execute("INSERT INTO data (raw_contact_id, mimetype, data1) VALUES (?1, 'vnd.com.evil/thing', 'unknown kind')", [id])?;
        let mut junk = vec![0u8; 512];
        rng.fill(&mut junk);
        c.execute("INSERT INTO data (raw_contact_id, mimetype, data15) VALUES (?1, ?2, ?3)", params![id, MIME_PHOTO, junk])?;
        c.execute("INSERT INTO raw_contacts (display_name) VALUES (NULL)", [])?;
        c.execute("UPDATE raw_contacts SET contact_id = _id WHERE contact_id IS NULL", [])?;
        c.execute(
            "INSERT INTO data (raw_contact_id, mimetype, data1) VALUES (424242, ?1, 'Nobody Atall')",
            [MIME_NAME],
        )?;
        Ok(())
    })?;

    providers.with_call_log(|c| -> Result<(), SimError> {
        c.execute("INSERT INTO calls (number, date, duration, type) VALUES (NULL, ?1, -5, 1)", [BASE_TIME * 1000])?;
        c.execute(
            "INSERT INTO calls (number, date, duration, type, name) VALUES ('+1 555-0100', 0, 99999999, 99, 'a, b=c')",
            [],
        )?;
        Ok(())
    })?;

    providers.with_settings(|c| -> Result<(), SimError> {
        c.execute("INSERT INTO system (name, value) VALUES ('weird=name', 'value\nwith newline')", [])?;
        c.execute("INSERT INTO global (name, value) VALUES ('null_value', NULL)", [])?;
        Ok(())
    })
}
