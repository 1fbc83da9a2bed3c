//! Call history from the iPhone: `CallHistory.storedata` (iOS 8 and later, a Core Data store whose calls are
//! rows of `ZCALLRECORD`) or the older `call_history.db` (table `call`).
//!
//! `ZCALLRECORD` dates are Apple time in seconds (a real number), durations seconds; `ZORIGINATED` marks calls
//! the person made, `ZANSWERED` incoming calls that were picked up. `ZADDRESS` is text on some iOS versions and a
//! UTF-8 blob on others. FaceTime and third-party VoIP calls share the table; `ZSERVICE_PROVIDER` tells them
//! apart and becomes the call's account.

use crate::data::{CallDirection, CallEntry, RawFormat, RawSource};

use super::sqlite::{Db, Row, apple_time_column};

/// Reads every call from whichever schema the database has.
pub(crate) fn read_calls(db: &Db) -> rusqlite::Result<Vec<CallEntry>> {
    let mut calls = Vec::new();
    if db.has_table("ZCALLRECORD")? {
        db.for_each_row("ZCALLRECORD", |row| {
            calls.push(core_data_call(&row));
            Ok(())
        })?;
    } else {
        db.for_each_row("call", |row| {
            calls.push(legacy_call(&row));
            Ok(())
        })?;
    }
    Ok(calls)
}

fn core_data_call(row: &Row) -> CallEntry {
    let direction = if row.flag("ZORIGINATED") {
        CallDirection::Outgoing
    } else if row.flag("ZANSWERED") {
        CallDirection::Incoming
    } else {
        CallDirection::Missed
    };
    let mut extra = Vec::new();
    if let Some(kind) = row.int("ZCALLTYPE") {
        let name = match kind {
            1 => "phone".to_string(),
            8 => "facetime-video".to_string(),
            16 => "facetime-audio".to_string(),
            other => other.to_string(),
        };
        extra.push(("call_type".to_string(), name));
    }
    for (key, column) in [
        ("unique_id", "ZUNIQUE_ID"),
        ("iso_country_code", "ZISO_COUNTRY_CODE"),
        ("location", "ZLOCATION"),
        ("disconnected_cause", "ZDISCONNECTED_CAUSE"),
    ] {
        if let Some(value) = row.non_empty(column) {
            extra.push((key.to_string(), value));
        }
    }
    CallEntry {
        number: row.text("ZADDRESS").unwrap_or_default(),
        name: row.non_empty("ZNAME"),
        direction,
        date: apple_time_column(row, "ZDATE").unwrap_or(978_307_200_000),
        duration_secs: duration(row.real("ZDURATION")),
        presentation: None,
        sim: None,
        account: row.non_empty("ZSERVICE_PROVIDER"),
        extra,
        raw: Some(RawSource::from_text(
            RawFormat::Other("ios-call-history".into()),
            row.to_json().to_string(),
        )),
    }
}

/// The `call` table of iOS 7 and earlier: Unix-time dates, and `flags` whose lowest bit marks outgoing calls
/// (4 incoming, 5 outgoing); an incoming call that lasted no time was missed.
fn legacy_call(row: &Row) -> CallEntry {
    let flags = row.int("flags").unwrap_or(0);
    let duration_secs = duration(row.real("duration"));
    let direction = if flags & 1 == 1 {
        CallDirection::Outgoing
    } else if duration_secs > 0 {
        CallDirection::Incoming
    } else {
        CallDirection::Missed
    };
    let mut extra = vec![("flags".to_string(), flags.to_string())];
    if let Some(code) = row.non_empty("country_code") {
        extra.push(("country_code".to_string(), code));
    }
    CallEntry {
        number: row.text("address").unwrap_or_default(),
        name: row.non_empty("name"),
        direction,
        date: row.int("date").unwrap_or(0).saturating_mul(1000),
        duration_secs,
        presentation: None,
        sim: None,
        account: None,
        extra,
        raw: Some(RawSource::from_text(
            RawFormat::Other("ios-call-history-db".into()),
            row.to_json().to_string(),
        )),
    }
}

fn duration(seconds: Option<f64>) -> u64 {
    seconds.filter(|s| s.is_finite() && *s > 0.0).map(|s| s.round() as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legacy_call_table_reads_unix_times_and_flag_directions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call_history.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE call (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT, date INTEGER,
                duration INTEGER, flags INTEGER, id INTEGER, name TEXT, country_code TEXT);
             INSERT INTO call VALUES (1, '+15550001', 1300000000, 42, 5, -1, 'Anna', '310'),
                (2, '+15550002', 1300000100, 12, 4, -1, NULL, NULL),
                (3, '+15550003', 1300000200, 0, 4, -1, NULL, NULL);",
        )
        .unwrap();
        drop(conn);
        let calls = read_calls(&Db::open(&path).unwrap()).unwrap();
        let summary: Vec<(CallDirection, i64, u64)> =
            calls.iter().map(|c| (c.direction, c.date, c.duration_secs)).collect();
        assert_eq!(
            summary,
            [
                (CallDirection::Outgoing, 1_300_000_000_000, 42),
                (CallDirection::Incoming, 1_300_000_100_000, 12),
                (CallDirection::Missed, 1_300_000_200_000, 0),
            ]
        );
        assert_eq!(calls[0].name.as_deref(), Some("Anna"));
        assert!(calls[0].extra.contains(&("country_code".into(), "310".into())));
    }
}
