//! The content providers behind `content://` URIs: SMS/MMS, contacts, call log and settings, each an SQLite
//! database in the state folder, queried the way Android's providers do: the URI picks a table and a filter,
//! `--where` and `--sort` are handed to SQLite as they are. A malformed clause therefore fails exactly as
//! it would on a phone, with an `SQLiteException`.
//!
//! Writing SMS and MMS needs the shell's WRITE_SMS app-op; without it a phone silently ignores the insert
//! (`ContentProvider.rejectInsert`), and so does this one.

use std::fs;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite::types::{Value as SqlValue, ValueRef};

use super::schema;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (Java long).
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes (a contact photo).
    Blob(Vec<u8>),
}

impl Value {
    fn to_sql(&self) -> SqlValue {
        match self {
            Value::Null => SqlValue::Null,
            Value::Integer(i) => SqlValue::Integer(*i),
            Value::Real(r) => SqlValue::Real(*r),
            Value::Text(t) => SqlValue::Text(t.clone()),
            Value::Blob(b) => SqlValue::Blob(b.clone()),
        }
    }

    fn from_ref(value: ValueRef<'_>) -> Self {
        match value {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(r) => Value::Real(r),
            // Java strings cannot hold invalid UTF-8: a phone shows U+FFFD where the database has junk.
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

/// The result of a query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rows {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Value>>,
}

/// A provider failure, worded as the Java exception `content` prints.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// No provider has that authority.
    #[error("java.lang.IllegalStateException: Could not find provider: {0}")]
    NoProvider(String),
    /// The provider does not know the path.
    #[error("java.lang.IllegalArgumentException: Unknown URL {0}")]
    UnknownUri(String),
    /// The operation is not allowed on that URI.
    #[error("java.lang.UnsupportedOperationException: {0}")]
    Unsupported(String),
    /// A value is missing or wrong.
    #[error("java.lang.IllegalArgumentException: {0}")]
    Invalid(String),
    /// SQLite refused the statement (a bad `--where`, an unknown column).
    #[error("android.database.sqlite.SQLiteException: {0} (code 1 SQLITE_ERROR)")]
    Sql(String),
    /// There is no file behind the URI.
    #[error("java.io.FileNotFoundException: {0}")]
    NotFound(String),
    /// The system will not open the provider for the shell (a phone refusing it, see `refusals`).
    #[error("java.lang.SecurityException: {0}")]
    Security(String),
}

impl From<rusqlite::Error> for ProviderError {
    fn from(error: rusqlite::Error) -> Self {
        ProviderError::Sql(error.to_string())
    }
}

/// Which database a URI lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Db {
    Telephony,
    Contacts,
    CallLog,
    Settings,
}

/// What a URI means beyond its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sms,
    Mms,
    MmsPart,
    MmsAddr,
    RawContacts,
    ContactData,
    Calls,
    Setting,
    ReadOnly,
}

/// A parsed `content://` URI.
#[derive(Debug, Clone)]
struct Route {
    db: Db,
    read_table: &'static str,
    write_table: &'static str,
    kind: Kind,
    filter: Option<String>,
    /// Values an insert through this URI implies (`content://sms/inbox` means type 1).
    implied: Vec<(&'static str, Value)>,
    default_sort: &'static str,
}

fn number(text: &str) -> Option<i64> {
    text.parse().ok()
}

/// Splits `content://authority/a/b?query` into the authority and the path segments.
pub fn split_uri(uri: &str) -> Option<(String, Vec<String>)> {
    let rest = uri.strip_prefix("content://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut parts = rest.split('/');
    let authority = parts.next()?.to_owned();
    Some((authority, parts.filter(|p| !p.is_empty()).map(str::to_owned).collect()))
}

fn route(uri: &str) -> Result<Route, ProviderError> {
    let (authority, segments) = split_uri(uri).ok_or_else(|| ProviderError::UnknownUri(uri.to_owned()))?;
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let unknown = || ProviderError::UnknownUri(uri.to_owned());
    let base = |db, read_table, write_table, kind, default_sort| Route {
        db,
        read_table,
        write_table,
        kind,
        filter: None,
        implied: Vec::new(),
        default_sort,
    };
    let with_id = |mut route: Route, column: &str, id: &str| -> Result<Route, ProviderError> {
        let id = number(id).ok_or_else(unknown)?;
        route.filter = Some(format!("{column} = {id}"));
        Ok(route)
    };
    match authority.as_str() {
        "sms" => {
            let sms = base(Db::Telephony, "sms", "sms", Kind::Sms, "date DESC");
            let boxes =
                [("inbox", 1), ("sent", 2), ("draft", 3), ("outbox", 4), ("failed", 5), ("queued", 6)];
            match segments.as_slice() {
                [] => Ok(sms),
                ["conversations"] => Ok(Route {
                    read_table: "(SELECT thread_id, count(*) AS msg_count, \
                        (SELECT body FROM sms s2 WHERE s2.thread_id = sms.thread_id ORDER BY date DESC LIMIT 1) \
                        AS snippet FROM sms GROUP BY thread_id)",
                    kind: Kind::ReadOnly,
                    default_sort: "thread_id DESC",
                    ..sms
                }),
                [name, rest @ ..] if boxes.iter().any(|(b, _)| b == name) => {
                    let kind = boxes.iter().find(|(b, _)| b == name).map(|(_, k)| *k).unwrap_or(1);
                    let mut route = Route { filter: Some(format!("type = {kind}")), ..sms };
                    route.implied.push(("type", Value::Integer(kind)));
                    match rest {
                        [] => Ok(route),
                        [id] => {
                            let id = number(id).ok_or_else(unknown)?;
                            route.filter = Some(format!("type = {kind} AND _id = {id}"));
                            Ok(route)
                        }
                        _ => Err(unknown()),
                    }
                }
                [id] => with_id(sms, "_id", id),
                _ => Err(unknown()),
            }
        }
        "mms" => {
            let mms = base(Db::Telephony, "pdu", "pdu", Kind::Mms, "date DESC");
            let part = base(Db::Telephony, "part", "part", Kind::MmsPart, "seq ASC");
            let boxes = [("inbox", 1), ("sent", 2), ("drafts", 3), ("outbox", 4)];
            match segments.as_slice() {
                [] => Ok(mms),
                ["part"] => Ok(part),
                ["part", id] => with_id(part, "_id", id),
                [name] if boxes.iter().any(|(b, _)| b == name) => {
                    let kind = boxes.iter().find(|(b, _)| b == name).map(|(_, k)| *k).unwrap_or(1);
                    let mut route = Route { filter: Some(format!("msg_box = {kind}")), ..mms };
                    route.implied.push(("msg_box", Value::Integer(kind)));
                    Ok(route)
                }
                [id] => with_id(mms, "_id", id),
                [id, "part"] => {
                    let mid = number(id).ok_or_else(unknown)?;
                    let mut route = with_id(part, "mid", id)?;
                    route.implied.push(("mid", Value::Integer(mid)));
                    Ok(route)
                }
                [id, "addr"] => {
                    let mid = number(id).ok_or_else(unknown)?;
                    let addr = base(Db::Telephony, "addr", "addr", Kind::MmsAddr, "_id ASC");
                    let mut route = with_id(addr, "msg_id", id)?;
                    route.implied.push(("msg_id", Value::Integer(mid)));
                    Ok(route)
                }
                _ => Err(unknown()),
            }
        }
        "mms-sms" => match segments.as_slice() {
            ["conversations"] => Ok(base(Db::Telephony, "threads", "threads", Kind::ReadOnly, "date DESC")),
            ["canonical-addresses"] => Ok(base(
                Db::Telephony,
                "canonical_addresses",
                "canonical_addresses",
                Kind::ReadOnly,
                "_id ASC",
            )),
            ["canonical-address", id] => with_id(
                base(Db::Telephony, "canonical_addresses", "canonical_addresses", Kind::ReadOnly, "_id ASC"),
                "_id",
                id,
            ),
            _ => Err(unknown()),
        },
        "call_log" => {
            let calls = base(Db::CallLog, "calls", "calls", Kind::Calls, "date DESC");
            match segments.as_slice() {
                ["calls"] => Ok(calls),
                ["calls", id] => with_id(calls, "_id", id),
                _ => Err(unknown()),
            }
        }
        "com.android.contacts" | "contacts" => {
            let raw = base(Db::Contacts, "raw_contacts", "raw_contacts", Kind::RawContacts, "_id ASC");
            let data = base(Db::Contacts, "view_data", "data", Kind::ContactData, "_id ASC");
            let contacts = base(
                Db::Contacts,
                "view_contacts",
                "raw_contacts",
                Kind::ReadOnly,
                "display_name COLLATE NOCASE ASC",
            );
            match segments.as_slice() {
                ["raw_contacts"] => Ok(raw),
                ["raw_contacts", id] => with_id(raw, "_id", id),
                ["raw_contacts", id, "data"] => {
                    let raw_id = number(id).ok_or_else(unknown)?;
                    let mut route = with_id(data, "raw_contact_id", id)?;
                    route.implied.push(("raw_contact_id", Value::Integer(raw_id)));
                    Ok(route)
                }
                ["data"] => Ok(data),
                ["data", "phones"] => {
                    Ok(Route { filter: Some("mimetype = 'vnd.android.cursor.item/phone_v2'".into()), ..data })
                }
                ["data", "emails"] => {
                    Ok(Route { filter: Some("mimetype = 'vnd.android.cursor.item/email_v2'".into()), ..data })
                }
                ["data", id] => with_id(data, "_id", id),
                ["contacts"] => Ok(contacts),
                ["contacts", id] => with_id(contacts, "_id", id),
                _ => Err(unknown()),
            }
        }
        "settings" => {
            let table = match segments.first() {
                Some(&"system") => "system",
                Some(&"secure") => "secure",
                Some(&"global") => "global",
                _ => return Err(unknown()),
            };
            let settings = base(Db::Settings, table, table, Kind::Setting, "_id ASC");
            match segments.as_slice() {
                [_] => Ok(settings),
                [_, name] => {
                    Ok(Route { filter: Some(format!("name = '{}'", name.replace('\'', "''"))), ..settings })
                }
                _ => Err(unknown()),
            }
        }
        other => Err(ProviderError::NoProvider(other.to_owned())),
    }
}

/// MIME type of a contact's structured name.
pub const MIME_NAME: &str = "vnd.android.cursor.item/name";
/// MIME type of a contact's photo.
pub const MIME_PHOTO: &str = "vnd.android.cursor.item/photo";

/// The four databases.
pub struct Providers {
    telephony: Mutex<Connection>,
    contacts: Mutex<Connection>,
    call_log: Mutex<Connection>,
    settings: Mutex<Connection>,
    /// The phone's `/` on the host, to read and write MMS part files.
    fs_root: PathBuf,
}

/// Where MMS attachments live on a phone (readable only by the telephony provider).
pub const PARTS_DIR: &str = "/data/user_de/0/com.android.providers.telephony/app_parts";

/// Quotes an identifier for SQL.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Providers {
    /// Opens (creating when missing) the databases under `db_dir`.
    pub fn open(db_dir: &std::path::Path, fs_root: PathBuf) -> Result<Self, rusqlite::Error> {
        let open = |name: &str, schema: &str| -> Result<Mutex<Connection>, rusqlite::Error> {
            let connection = Connection::open(db_dir.join(name))?;
            // Bulk generation and restores write many rows; WAL keeps each commit cheap.
            connection.pragma_update(None, "journal_mode", "WAL")?;
            connection.pragma_update(None, "synchronous", "NORMAL")?;
            connection.execute_batch(schema)?;
            Ok(Mutex::new(connection))
        };
        Ok(Self {
            telephony: open("mmssms.db", schema::TELEPHONY)?,
            contacts: open("contacts2.db", schema::CONTACTS)?,
            call_log: open("calllog.db", schema::CALL_LOG)?,
            settings: open("settings.db", schema::SETTINGS)?,
            fs_root,
        })
    }

    fn db(&self, db: Db) -> MutexGuard<'_, Connection> {
        let mutex = match db {
            Db::Telephony => &self.telephony,
            Db::Contacts => &self.contacts,
            Db::CallLog => &self.call_log,
            Db::Settings => &self.settings,
        };
        // SQLite connections stay consistent even if a thread panicked mid-statement (it rolls back).
        mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` in one transaction on the telephony database (profile generation).
    pub fn with_telephony<T, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        Self::in_transaction(&self.db(Db::Telephony), work)
    }

    /// Runs `work` in one transaction on the contacts database.
    pub fn with_contacts<T, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        Self::in_transaction(&self.db(Db::Contacts), work)
    }

    /// Runs `work` in one transaction on the call log database.
    pub fn with_call_log<T, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        Self::in_transaction(&self.db(Db::CallLog), work)
    }

    /// Runs `work` in one transaction on the settings database.
    pub fn with_settings<T, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        Self::in_transaction(&self.db(Db::Settings), work)
    }

    fn in_transaction<T, E: From<rusqlite::Error>>(
        connection: &Connection,
        work: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        connection.execute_batch("BEGIN")?;
        match work(connection) {
            Ok(value) => {
                connection.execute_batch("COMMIT")?;
                Ok(value)
            }
            Err(e) => {
                let _ = connection.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// `content query`.
    pub fn query(
        &self,
        uri: &str,
        projection: Option<&[String]>,
        selection: Option<&str>,
        sort: Option<&str>,
    ) -> Result<Rows, ProviderError> {
        let route = route(uri)?;
        let columns = match projection {
            Some(columns) if !columns.is_empty() => columns.join(", "),
            _ => "*".to_owned(),
        };
        let mut sql = format!("SELECT {columns} FROM {}", route.read_table);
        push_where(&mut sql, route.filter.as_deref(), selection);
        sql.push_str(" ORDER BY ");
        sql.push_str(sort.filter(|s| !s.trim().is_empty()).unwrap_or(route.default_sort));
        let connection = self.db(route.db);
        let mut statement = connection.prepare(&sql)?;
        let columns: Vec<String> = statement.column_names().into_iter().map(str::to_owned).collect();
        let count = columns.len();
        let mut rows = Vec::new();
        let mut cursor = statement.query([])?;
        while let Some(row) = cursor.next()? {
            let mut values = Vec::with_capacity(count);
            for i in 0..count {
                values.push(Value::from_ref(row.get_ref(i)?));
            }
            rows.push(values);
        }
        Ok(Rows { columns, rows })
    }

    /// `content insert`. Returns the new row's URI, or `None` when the phone silently ignored the insert.
    pub fn insert(
        &self,
        uri: &str,
        values: &[(String, Value)],
        may_write_sms: bool,
    ) -> Result<Option<String>, ProviderError> {
        let route = route(uri)?;
        if route.kind == Kind::ReadOnly {
            return Err(ProviderError::Unsupported(format!("Cannot insert into URL: {uri}")));
        }
        if matches!(route.kind, Kind::Sms | Kind::Mms | Kind::MmsPart | Kind::MmsAddr) && !may_write_sms {
            return Ok(None);
        }
        let mut values: Vec<(String, Value)> = values.to_vec();
        for (column, value) in &route.implied {
            if !values.iter().any(|(c, _)| c == column) {
                values.push(((*column).to_owned(), value.clone()));
            }
        }
        let connection = self.db(route.db);
        let now_ms = now_millis();
        match route.kind {
            Kind::Sms => {
                set_default(&mut values, "date", Value::Integer(now_ms));
                let thread = values.iter().find(|(c, _)| c == "thread_id").map(|(_, v)| v.clone());
                if matches!(thread, None | Some(Value::Integer(0)) | Some(Value::Null)) {
                    let address = text_of(&values, "address").unwrap_or_default();
                    let thread_id = thread_for(&connection, &address)?;
                    values.retain(|(c, _)| c != "thread_id");
                    values.push(("thread_id".into(), Value::Integer(thread_id)));
                }
            }
            Kind::Mms => set_default(&mut values, "date", Value::Integer(now_ms / 1000)),
            Kind::Calls => {
                set_default(&mut values, "date", Value::Integer(now_ms));
                set_default(&mut values, "new", Value::Integer(1));
            }
            Kind::ContactData if !values.iter().any(|(c, _)| c == "raw_contact_id") => {
                return Err(ProviderError::Invalid("raw_contact_id is required".into()));
            }
            _ => {}
        }
        let names: Vec<String> = values.iter().map(|(c, _)| quote(c)).collect();
        let marks = vec!["?"; values.len()].join(", ");
        let verb = if route.kind == Kind::Setting { "INSERT OR REPLACE" } else { "INSERT" };
        let sql = format!("{verb} INTO {} ({}) VALUES ({marks})", route.write_table, names.join(", "));
        let params: Vec<SqlValue> = values.iter().map(|(_, v)| v.to_sql()).collect();
        connection.execute(&sql, rusqlite::params_from_iter(params))?;
        let id = connection.last_insert_rowid();
        match route.kind {
            Kind::RawContacts => {
                connection.execute("UPDATE raw_contacts SET contact_id = _id WHERE _id = ?1", [id])?;
            }
            Kind::ContactData => refresh_display_name(&connection, id)?,
            Kind::Sms | Kind::Mms => {
                if let Some(Value::Integer(thread)) =
                    values.iter().find(|(c, _)| c == "thread_id").map(|(_, v)| v)
                {
                    refresh_thread(&connection, *thread)?;
                }
            }
            _ => {}
        }
        let (authority, segments) = split_uri(uri).unwrap_or_default();
        let base =
            if segments.is_empty() { authority } else { format!("{authority}/{}", segments.join("/")) };
        Ok(Some(format!("content://{base}/{id}")))
    }

    /// `content delete`: the number of rows deleted.
    pub fn delete(
        &self,
        uri: &str,
        selection: Option<&str>,
        may_write_sms: bool,
    ) -> Result<usize, ProviderError> {
        let route = route(uri)?;
        if route.kind == Kind::ReadOnly {
            return Err(ProviderError::Unsupported(format!("Cannot delete that URL: {uri}")));
        }
        if matches!(route.kind, Kind::Sms | Kind::Mms | Kind::MmsPart | Kind::MmsAddr) && !may_write_sms {
            return Ok(0);
        }
        let connection = self.db(route.db);
        let mut filter = String::new();
        push_where(&mut filter, route.filter.as_deref(), selection);
        let deleted = match route.kind {
            Kind::RawContacts => {
                connection.execute(
                    &format!(
                        "DELETE FROM data WHERE raw_contact_id IN (SELECT _id FROM raw_contacts{filter})"
                    ),
                    [],
                )?;
                connection.execute(&format!("DELETE FROM raw_contacts{filter}"), [])?
            }
            Kind::Mms => {
                connection
                    .execute(&format!("DELETE FROM part WHERE mid IN (SELECT _id FROM pdu{filter})"), [])?;
                connection.execute(
                    &format!("DELETE FROM addr WHERE msg_id IN (SELECT _id FROM pdu{filter})"),
                    [],
                )?;
                connection.execute(&format!("DELETE FROM pdu{filter}"), [])?
            }
            _ => connection.execute(&format!("DELETE FROM {}{filter}", route.write_table), [])?,
        };
        if matches!(route.kind, Kind::Sms | Kind::Mms) && deleted > 0 {
            let threads: Vec<i64> = {
                let mut statement = connection.prepare("SELECT _id FROM threads")?;
                statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?
            };
            for thread in threads {
                refresh_thread(&connection, thread)?;
            }
        }
        Ok(deleted)
    }

    /// `content update`: the number of rows changed.
    pub fn update(
        &self,
        uri: &str,
        values: &[(String, Value)],
        selection: Option<&str>,
        may_write_sms: bool,
    ) -> Result<usize, ProviderError> {
        let route = route(uri)?;
        if route.kind == Kind::ReadOnly {
            return Err(ProviderError::Unsupported(format!("Cannot update URL: {uri}")));
        }
        if matches!(route.kind, Kind::Sms | Kind::Mms | Kind::MmsPart | Kind::MmsAddr) && !may_write_sms {
            return Ok(0);
        }
        let assignments: Vec<String> = values.iter().map(|(c, _)| format!("{} = ?", quote(c))).collect();
        let mut sql = format!("UPDATE {} SET {}", route.write_table, assignments.join(", "));
        push_where(&mut sql, route.filter.as_deref(), selection);
        let params: Vec<SqlValue> = values.iter().map(|(_, v)| v.to_sql()).collect();
        Ok(self.db(route.db).execute(&sql, rusqlite::params_from_iter(params))?)
    }

    /// `content read`: a contact photo or an MMS attachment.
    pub fn read(&self, uri: &str) -> Result<Vec<u8>, ProviderError> {
        let (authority, segments) =
            split_uri(uri).ok_or_else(|| ProviderError::UnknownUri(uri.to_owned()))?;
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let not_found = || ProviderError::NotFound(format!("No content for {uri}"));
        match (authority.as_str(), segments.as_slice()) {
            (
                "com.android.contacts" | "contacts",
                ["contacts" | "raw_contacts", id, "photo" | "display_photo"],
            ) => {
                let id = number(id).ok_or_else(not_found)?;
                let connection = self.db(Db::Contacts);
                let photo: Option<Vec<u8>> = connection
                    .query_row(
                        "SELECT data15 FROM data WHERE raw_contact_id = ?1 AND mimetype = ?2 AND data15 IS NOT NULL",
                        rusqlite::params![id, MIME_PHOTO],
                        |row| row.get(0),
                    )
                    .ok();
                photo.ok_or_else(not_found)
            }
            ("mms", ["part", id]) => {
                let id = number(id).ok_or_else(not_found)?;
                let connection = self.db(Db::Telephony);
                let (data, text): (Option<String>, Option<String>) = connection
                    .query_row("SELECT _data, text FROM part WHERE _id = ?1", [id], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })
                    .map_err(|_| not_found())?;
                match (data, text) {
                    (Some(path), _) => fs::read(self.part_host_path(&path)?).map_err(|_| not_found()),
                    (None, Some(text)) => Ok(text.into_bytes()),
                    _ => Err(not_found()),
                }
            }
            (
                "sms" | "mms" | "mms-sms" | "call_log" | "settings" | "com.android.contacts" | "contacts",
                _,
            ) => Err(ProviderError::NotFound(format!("No files supported by provider at {uri}"))),
            (other, _) => Err(ProviderError::NoProvider(other.to_owned())),
        }
    }

    /// `content write`: sets a contact's photo or an MMS attachment's bytes.
    pub fn write(&self, uri: &str, bytes: &[u8], may_write_sms: bool) -> Result<(), ProviderError> {
        let (authority, segments) =
            split_uri(uri).ok_or_else(|| ProviderError::UnknownUri(uri.to_owned()))?;
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let unknown = || ProviderError::UnknownUri(uri.to_owned());
        match (authority.as_str(), segments.as_slice()) {
            ("com.android.contacts" | "contacts", ["raw_contacts", id, "display_photo"]) => {
                let id = number(id).ok_or_else(unknown)?;
                let connection = self.db(Db::Contacts);
                connection.execute(
                    "DELETE FROM data WHERE raw_contact_id = ?1 AND mimetype = ?2",
                    rusqlite::params![id, MIME_PHOTO],
                )?;
                connection.execute(
                    "INSERT INTO data (raw_contact_id, mimetype, data15) VALUES (?1, ?2, ?3)",
                    rusqlite::params![id, MIME_PHOTO, bytes],
                )?;
                Ok(())
            }
            ("mms", ["part", id]) => {
                if !may_write_sms {
                    return Ok(());
                }
                let id = number(id).ok_or_else(unknown)?;
                let phone_path = format!("{PARTS_DIR}/PART_{id}");
                let host = self.part_host_path(&phone_path)?;
                if let Some(parent) = host.parent() {
                    fs::create_dir_all(parent).map_err(|e| ProviderError::NotFound(e.to_string()))?;
                }
                fs::write(&host, bytes).map_err(|e| ProviderError::NotFound(e.to_string()))?;
                let changed = self.db(Db::Telephony).execute(
                    "UPDATE part SET _data = ?1 WHERE _id = ?2",
                    rusqlite::params![phone_path, id],
                )?;
                if changed == 0 {
                    let _ = fs::remove_file(&host);
                    return Err(ProviderError::NotFound(format!("No part {id}")));
                }
                Ok(())
            }
            (other, _) if route(uri).is_err() && !matches!(other, "sms" | "mms" | "com.android.contacts") => {
                Err(ProviderError::NoProvider(other.to_owned()))
            }
            _ => Err(ProviderError::NotFound(format!("No files supported by provider at {uri}"))),
        }
    }

    /// The host file of a part's `_data` path; only paths inside the parts folder are honoured.
    fn part_host_path(&self, phone_path: &str) -> Result<PathBuf, ProviderError> {
        let name = phone_path
            .strip_prefix(PARTS_DIR)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|name| !name.is_empty() && !name.contains('/') && *name != "..")
            .ok_or_else(|| ProviderError::NotFound(format!("{phone_path} is not an MMS part file")))?;
        let mut host = self.fs_root.clone();
        host.extend(PARTS_DIR.trim_start_matches('/').split('/'));
        host.push(name);
        Ok(host)
    }

    /// All settings of a namespace, sorted by name (`settings list`).
    pub fn settings_list(&self, namespace: &str) -> Result<Vec<(String, Option<String>)>, ProviderError> {
        let rows = self.query(&format!("content://settings/{namespace}"), None, None, Some("name ASC"))?;
        let name_at = rows.columns.iter().position(|c| c == "name").unwrap_or(1);
        let value_at = rows.columns.iter().position(|c| c == "value").unwrap_or(2);
        Ok(rows
            .rows
            .into_iter()
            .map(|row| {
                let text = |v: &Value| match v {
                    Value::Text(t) => Some(t.clone()),
                    Value::Integer(i) => Some(i.to_string()),
                    Value::Real(r) => Some(r.to_string()),
                    _ => None,
                };
                (text(&row[name_at]).unwrap_or_default(), text(&row[value_at]))
            })
            .collect())
    }
}

fn push_where(sql: &mut String, filter: Option<&str>, selection: Option<&str>) {
    let selection = selection.filter(|s| !s.trim().is_empty());
    match (filter, selection) {
        (Some(f), Some(s)) => sql.push_str(&format!(" WHERE ({f}) AND ({s})")),
        (Some(f), None) => sql.push_str(&format!(" WHERE {f}")),
        (None, Some(s)) => sql.push_str(&format!(" WHERE ({s})")),
        (None, None) => {}
    }
}

fn set_default(values: &mut Vec<(String, Value)>, column: &str, value: Value) {
    if !values.iter().any(|(c, _)| c == column) {
        values.push((column.to_owned(), value));
    }
}

fn text_of(values: &[(String, Value)], column: &str) -> Option<String> {
    values.iter().find(|(c, _)| c == column).and_then(|(_, v)| match v {
        Value::Text(t) => Some(t.clone()),
        Value::Integer(i) => Some(i.to_string()),
        _ => None,
    })
}

/// Milliseconds since the epoch, now.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The thread of a conversation with `address`, created when new (`Threads.getOrCreateThreadId`).
pub fn thread_for(connection: &Connection, address: &str) -> rusqlite::Result<i64> {
    let canonical: Option<i64> = connection
        .query_row("SELECT _id FROM canonical_addresses WHERE address = ?1", [address], |row| row.get(0))
        .ok();
    let canonical = match canonical {
        Some(id) => id,
        None => {
            connection.execute("INSERT INTO canonical_addresses (address) VALUES (?1)", [address])?;
            connection.last_insert_rowid()
        }
    };
    let recipients = canonical.to_string();
    let thread: Option<i64> = connection
        .query_row("SELECT _id FROM threads WHERE recipient_ids = ?1", [&recipients], |row| row.get(0))
        .ok();
    match thread {
        Some(id) => Ok(id),
        None => {
            connection.execute("INSERT INTO threads (recipient_ids) VALUES (?1)", [&recipients])?;
            Ok(connection.last_insert_rowid())
        }
    }
}

/// Recomputes a thread's count, date and snippet after its messages changed.
pub fn refresh_thread(connection: &Connection, thread: i64) -> rusqlite::Result<()> {
    connection.execute(
        "UPDATE threads SET
            message_count = (SELECT count(*) FROM sms WHERE thread_id = ?1)
                          + (SELECT count(*) FROM pdu WHERE thread_id = ?1),
            date = max(coalesce((SELECT max(date) FROM sms WHERE thread_id = ?1), 0),
                       coalesce((SELECT max(date) * 1000 FROM pdu WHERE thread_id = ?1), 0)),
            snippet = (SELECT body FROM sms WHERE thread_id = ?1 ORDER BY date DESC LIMIT 1),
            read = NOT EXISTS (SELECT 1 FROM sms WHERE thread_id = ?1 AND read = 0),
            has_attachment = EXISTS (SELECT 1 FROM pdu WHERE thread_id = ?1)
         WHERE _id = ?1",
        [thread],
    )?;
    Ok(())
}

/// A raw contact's display name follows its structured name, as the contacts aggregator does.
fn refresh_display_name(connection: &Connection, data_id: i64) -> rusqlite::Result<()> {
    connection.execute(
        "UPDATE raw_contacts SET display_name = (
            SELECT coalesce(d.data1, trim(coalesce(d.data2, '') || ' ' || coalesce(d.data3, '')))
            FROM data d WHERE d._id = ?1)
         WHERE _id = (SELECT raw_contact_id FROM data WHERE _id = ?1 AND mimetype = ?2)",
        rusqlite::params![data_id, MIME_NAME],
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "providers_tests.rs"]
mod tests;
