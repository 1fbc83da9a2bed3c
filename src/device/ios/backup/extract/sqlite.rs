//! Reading the iPhone's SQLite databases leniently. Their schemas change with every iOS version and the test
//! copies in the wild are trimmed (the mvt sample's sms.db has only `handle` and `message`), so rows are read
//! whole (`SELECT *`) and fields are looked up by name: a missing table is "nothing there", a missing column is
//! `None`, and a value of an unexpected type (SQLite does not enforce column types) is converted, not an error.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};

/// Seconds from 1970-01-01 to 2001-01-01, Apple's epoch ("Mac absolute time").
const APPLE_EPOCH_SECS: i64 = 978_307_200;

/// An open database copied out of the backup.
pub(crate) struct Db {
    conn: Connection,
}

/// One row, with its column names.
pub(crate) struct Row {
    columns: Arc<Vec<String>>,
    values: Vec<Value>,
}

impl Db {
    /// Opens a scratch copy. Read-write on purpose: SQLite only replays a `-wal` file (where recent iPhone
    /// changes often still sit) when it may write, and this copy is Lifeboat's own, never the backup.
    pub(crate) fn open(path: &Path) -> rusqlite::Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Ok(Self { conn })
    }

    /// Whether `table` exists.
    pub(crate) fn has_table(&self, table: &str) -> rusqlite::Result<bool> {
        let mut statement = self
            .conn
            .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE")?;
        statement.exists([table])
    }

    /// Calls `each` for every row of `table` (all columns, plus the rowid as `_rowid`), in rowid order. A
    /// missing table yields no rows.
    pub(crate) fn for_each_row(
        &self,
        table: &str,
        mut each: impl FnMut(Row) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<()> {
        if !self.has_table(table)? {
            return Ok(());
        }
        // Table names come from this module's code, never from the database, so quoting is enough.
        let sql = format!("SELECT rowid AS _rowid, * FROM \"{table}\" ORDER BY rowid");
        let mut statement = self.conn.prepare(&sql)?;
        let columns: Arc<Vec<String>> =
            Arc::new(statement.column_names().into_iter().map(str::to_string).collect());
        let count = columns.len();
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let values = (0..count).map(|i| row.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
            each(Row { columns: Arc::clone(&columns), values })?;
        }
        Ok(())
    }

    /// Every row of `table`, keyed by its rowid.
    pub(crate) fn rows_by_id(&self, table: &str) -> rusqlite::Result<HashMap<i64, Row>> {
        let mut out = HashMap::new();
        self.for_each_row(table, |row| {
            if let Some(id) = row.int("_rowid") {
                out.insert(id, row);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// A join table as a map from one column to the list of the other (`chat_message_join`, ...).
    pub(crate) fn join(&self, table: &str, from: &str, to: &str) -> rusqlite::Result<HashMap<i64, Vec<i64>>> {
        let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
        self.for_each_row(table, |row| {
            if let (Some(a), Some(b)) = (row.int(from), row.int(to)) {
                out.entry(a).or_default().push(b);
            }
            Ok(())
        })?;
        Ok(out)
    }
}

impl Row {
    fn value(&self, name: &str) -> Option<&Value> {
        let index = self.columns.iter().position(|c| c.eq_ignore_ascii_case(name))?;
        self.values.get(index).filter(|v| !matches!(v, Value::Null))
    }

    /// A column as text (numbers are written out; blobs that are UTF-8 are read as text).
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        match self.value(name)? {
            Value::Text(text) => Some(text.clone()),
            Value::Integer(i) => Some(i.to_string()),
            Value::Real(r) => Some(r.to_string()),
            Value::Blob(bytes) => String::from_utf8(bytes.clone()).ok(),
            Value::Null => None,
        }
    }

    /// A column as text, `None` when empty or only whitespace.
    pub(crate) fn non_empty(&self, name: &str) -> Option<String> {
        self.text(name).filter(|t| !t.trim().is_empty())
    }

    /// A column as an integer (reals are truncated, numeric text is parsed).
    pub(crate) fn int(&self, name: &str) -> Option<i64> {
        match self.value(name)? {
            Value::Integer(i) => Some(*i),
            Value::Real(r) => Some(*r as i64),
            Value::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// A column as a real number.
    pub(crate) fn real(&self, name: &str) -> Option<f64> {
        match self.value(name)? {
            Value::Integer(i) => Some(*i as f64),
            Value::Real(r) => Some(*r),
            Value::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// A column as bytes.
    pub(crate) fn blob(&self, name: &str) -> Option<&[u8]> {
        match self.value(name)? {
            Value::Blob(bytes) => Some(bytes),
            Value::Text(text) => Some(text.as_bytes()),
            _ => None,
        }
    }

    /// Whether an integer flag column is set.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.int(name).is_some_and(|v| v != 0)
    }

    /// The row as a JSON object (blobs in base64), for a record's raw source.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        for (name, value) in self.columns.iter().zip(&self.values) {
            let json = match value {
                Value::Null => serde_json::Value::Null,
                Value::Integer(i) => serde_json::Value::from(*i),
                Value::Real(r) => {
                    serde_json::Number::from_f64(*r).map_or(serde_json::Value::Null, Into::into)
                }
                Value::Text(text) => serde_json::Value::from(text.as_str()),
                Value::Blob(bytes) => serde_json::json!({
                    "base64": base64::engine::general_purpose::STANDARD.encode(bytes)
                }),
            };
            object.insert(name.clone(), json);
        }
        serde_json::Value::Object(object)
    }
}

/// Converts an Apple timestamp (seconds since 2001, or nanoseconds since 2001 as iOS 11+ writes in sms.db) to
/// milliseconds since 1970. Seconds stay below 10^11 for the next thousand years and nanoseconds are above it
/// for anything after January 2001 plus two minutes, so the magnitude tells them apart.
pub(crate) fn apple_time_to_unix_ms(value: f64) -> i64 {
    let ms = if value.abs() > 1e11 { value / 1e6 } else { value * 1000.0 };
    ms.round() as i64 + APPLE_EPOCH_SECS * 1000
}

/// An Apple timestamp column as milliseconds since 1970; `None` when absent or zero (iOS writes 0 for "never").
pub(crate) fn apple_time_column(row: &Row, name: &str) -> Option<i64> {
    // Integers are converted exactly: nanosecond values do not fit an f64 without rounding.
    match row.value(name)? {
        Value::Integer(0) => None,
        Value::Integer(i) if i.unsigned_abs() > 100_000_000_000 => {
            Some(i.saturating_add(500_000).div_euclid(1_000_000) + APPLE_EPOCH_SECS * 1000)
        }
        Value::Integer(i) => Some(i.saturating_mul(1000) + APPLE_EPOCH_SECS * 1000),
        _ => row.real(name).filter(|r| *r != 0.0).map(apple_time_to_unix_ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_times_in_seconds_and_nanoseconds() {
        // 2019-08-28T23:13:30.539Z, as the mvt sample's sms.db stores it (nanoseconds since 2001).
        assert_eq!(apple_time_to_unix_ms(588_813_210_539_788_032.0), 1_567_120_410_540);
        assert_eq!(apple_time_to_unix_ms(588_813_210.5), 1_567_120_410_500);
        assert_eq!(apple_time_to_unix_ms(0.0), 978_307_200_000);
    }

    #[test]
    fn rows_are_read_leniently_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER, b TEXT, c BLOB, d REAL);
             INSERT INTO t VALUES ('42', 'x', X'6869', 1.5), (7, NULL, NULL, 588813210539788032);",
        )
        .unwrap();
        drop(conn);
        let db = Db::open(&path).unwrap();
        let mut rows = Vec::new();
        db.for_each_row("t", |row| {
            rows.push(row);
            Ok(())
        })
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].int("A"), Some(42));
        assert_eq!(rows[0].text("c").as_deref(), Some("hi"));
        assert_eq!(rows[1].text("b"), None);
        assert_eq!(rows[1].text("missing"), None);
        assert_eq!(apple_time_column(&rows[1], "d"), Some(1_567_120_410_540));
        assert_eq!(rows[0].to_json()["c"]["base64"], "aGk=");
        let mut none = 0;
        db.for_each_row("absent", |_| {
            none += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(none, 0);
    }
}
