//! Reading content providers with `content query`, whose output is the hard part: Android prints
//! `Row: N col=value, col=value` with no escaping at all, so a body holding `, date=5`, a newline followed by
//! `Row: 3 _id=9`, or the text `NULL` can impersonate structure.
//!
//! The strategy, in three steps:
//! 1. Ask for the ids alone (`--projection _id`, sorted): integers, so the list is certain. It fixes how many
//!    rows there are and how each row must begin (`Row: K _id=ID, `).
//! 2. Ask for the wanted columns in a known order, and cut the text using the column names as anchors and
//!    the known row starts as boundaries.
//! 3. Any row where a value still contains something that looks like structure (`, NAME=` for a projected
//!    column, or a newline followed by `Row: `), and its neighbours (a forged boundary shifts both), is asked
//!    again column by column (`--projection COL --where _id=ID`): one value per answer is never ambiguous.
//!
//! What stays ambiguous is NULL against the text `NULL` (and `BLOB` against a blob): both print the same, and
//! Lifeboat reads them as NULL and blob. Old phones (the `content` tool of Android 6 and earlier) print
//! integers through `Cursor.getInt`, so 64-bit values such as millisecond dates arrive truncated there;
//! nothing in the text can undo that.

use std::sync::Arc;

use super::shell::command_line;
use super::{AdbError, Connection};

/// One row, its values in the order of the columns asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentRow {
    columns: Arc<Vec<String>>,
    /// `None` is SQL NULL.
    pub values: Vec<Option<String>>,
}

impl ContentRow {
    /// A row.
    pub fn new(columns: Arc<Vec<String>>, values: Vec<Option<String>>) -> Self {
        Self { columns, values }
    }

    /// The value of `column`, when it is there and not NULL.
    pub fn get(&self, column: &str) -> Option<&str> {
        let at = self.columns.iter().position(|c| c == column)?;
        self.values.get(at).and_then(|v| v.as_deref())
    }

    /// The value of `column` as a number.
    pub fn int(&self, column: &str) -> Option<i64> {
        self.get(column).and_then(|v| v.trim().parse().ok())
    }

    /// The column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The row as a JSON object (NULL as null), for the raw source kept with each record.
    pub fn to_json(&self) -> serde_json::Value {
        let map = self
            .columns
            .iter()
            .zip(&self.values)
            .map(|(c, v)| {
                (c.clone(), v.clone().map(serde_json::Value::String).unwrap_or(serde_json::Value::Null))
            })
            .collect();
        serde_json::Value::Object(map)
    }
}

/// A parsed row and whether its text looked ambiguous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    /// The values.
    pub values: Vec<Option<String>>,
    /// Whether it must be asked for again, column by column.
    pub doubtful: bool,
}

fn cell(text: &str) -> Option<String> {
    (text != "NULL").then(|| text.to_string())
}

/// Parses `content query` output for `columns`, when the ids of the rows (in order) are known and `_id` is
/// the first column. Returns `None` when the text does not have the expected shape at all.
pub fn parse_rows(text: &str, columns: &[String], ids: &[i64]) -> Option<Vec<ParsedRow>> {
    if ids.is_empty() {
        return Some(Vec::new());
    }
    if columns.first().map(String::as_str) != Some("_id") {
        return None;
    }
    // The text that starts each column's value, made once: a phone's whole message store is parsed here.
    let anchors: Vec<String> = columns.iter().map(|c| format!(", {c}=")).collect();
    let start_of = |k: usize| -> String {
        match columns.get(1) {
            Some(next) => format!("Row: {k} _id={}, {next}=", ids[k]),
            None => format!("Row: {k} _id={}", ids[k]),
        }
    };
    // Find where each row starts: row 0 at the beginning, row k+1 at the first "\nRow: k+1 _id=ID, " after row k.
    let mut starts = Vec::with_capacity(ids.len());
    let mut from = 0;
    for k in 0..ids.len() {
        let marker = start_of(k);
        let at = if k == 0 {
            text.starts_with(&marker).then_some(0)?
        } else {
            text[from..].find(&format!("\n{marker}")).map(|i| from + i + 1)?
        };
        starts.push(at);
        from = at + marker.len();
    }
    let mut rows = Vec::with_capacity(ids.len());
    for k in 0..ids.len() {
        let end = starts.get(k + 1).map(|next| next - 1).unwrap_or_else(|| text.len());
        let record = &text[starts[k]..end];
        let record = if k + 1 == ids.len() { record.strip_suffix('\n').unwrap_or(record) } else { record };
        let body = record.strip_prefix(&format!("Row: {k} "))?;
        let mut values = Vec::with_capacity(columns.len());
        let mut rest = body.strip_prefix(&format!("{}=", columns[0]))?;
        for i in 0..columns.len() {
            match anchors.get(i + 1) {
                Some(anchor) => {
                    let at = rest.find(anchor.as_str())?;
                    values.push(cell(&rest[..at]));
                    rest = &rest[at + anchor.len()..];
                }
                None => values.push(cell(rest)),
            }
        }
        let doubtful = values.iter().flatten().any(|value| {
            value.contains("\nRow: ")
                || (value.contains(", ") && anchors.iter().any(|anchor| value.contains(anchor.as_str())))
        });
        rows.push(ParsedRow { values, doubtful });
    }
    // A forged boundary shifts the row after it as well: doubt spreads to neighbours.
    let doubtful: Vec<bool> = (0..rows.len())
        .map(|k| {
            rows[k].doubtful || (k > 0 && rows[k - 1].doubtful) || rows.get(k + 1).is_some_and(|r| r.doubtful)
        })
        .collect();
    for (row, doubt) in rows.iter_mut().zip(doubtful) {
        row.doubtful = doubt;
    }
    Some(rows)
}

/// Parses the answer to a one-row, one-column query: `Row: 0 COL=VALUE\n`.
pub fn parse_single(text: &str, column: &str) -> Option<Option<String>> {
    let value = text.strip_prefix(&format!("Row: 0 {column}="))?;
    Some(cell(value.strip_suffix('\n').unwrap_or(value)))
}

/// Why a provider gave nothing.
#[derive(Debug)]
pub enum QueryError {
    /// The phone refused this provider (permission, no such provider, a query it cannot run): the category
    /// is unavailable, the rest goes on.
    Refused(String),
    /// The connection failed.
    Adb(AdbError),
}

/// A phone's refusal as a sentence: a permission denial (a `SecurityException`, as some makers' phones give
/// the shell for the call log, the contacts or the messages) says that the phone keeps this from USB
/// debugging, with the phone's own words after it.
pub fn explain_refusal(message: &str) -> String {
    let denial = message.contains("SecurityException") || message.contains("Permission Denial");
    let message = message.trim().trim_start_matches("java.lang.SecurityException:").trim();
    if denial {
        format!("the phone does not allow this over USB debugging (some makers block it): {message}")
    } else {
        format!("the phone refused: {message}")
    }
}

impl From<AdbError> for QueryError {
    fn from(error: AdbError) -> Self {
        QueryError::Adb(error)
    }
}

/// The provider's complaint in `content`'s stderr (it exits 0 even when the provider throws).
fn provider_failure(stdout: &str, stderr: &str) -> Option<String> {
    let stderr = stderr.trim();
    if !stderr.is_empty() {
        // The exception's message is the line after "Error while accessing provider:..."; stack lines start with a tab.
        let message = stderr
            .lines()
            .find(|l| {
                !l.starts_with("Error while accessing provider")
                    && !l.starts_with('\t')
                    && !l.trim().is_empty()
            })
            .unwrap_or(stderr);
        return Some(message.trim().to_string());
    }
    if stdout.starts_with("usage:") || stdout.contains("[ERROR]") {
        return Some(
            stdout
                .lines()
                .find(|l| l.starts_with("[ERROR]"))
                .unwrap_or("the content command refused the query")
                .to_string(),
        );
    }
    None
}

/// The column SQLite says is missing, in `no such column: NAME` (older phones lack newer columns).
fn missing_column(message: &str) -> Option<String> {
    let rest = &message[message.find("no such column: ")? + "no such column: ".len()..];
    Some(
        rest.split(|c: char| c.is_whitespace() || c == ')' || c == ',').next()?.trim_matches('"').to_string(),
    )
}

impl Connection {
    fn content_text(&self, words: &[&str]) -> Result<String, QueryError> {
        let output = self.shell(&command_line(words))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if let Some(message) = provider_failure(&stdout, &output.error_text()) {
            return Err(QueryError::Refused(message));
        }
        Ok(stdout)
    }

    /// Queries `uri` for `columns` (`_id` is added first), sorted by id, with an optional filter. Columns the
    /// phone does not have are dropped (and read as NULL).
    pub fn query(
        &self,
        uri: &str,
        columns: &[&str],
        filter: Option<&str>,
    ) -> Result<Vec<ContentRow>, QueryError> {
        let mut wanted: Vec<String> = std::iter::once("_id")
            .chain(columns.iter().copied().filter(|c| *c != "_id"))
            .map(str::to_string)
            .collect();
        let all = Arc::new(wanted.clone());
        let ids_text = self.query_text(uri, &["_id".to_string()], filter)?;
        let ids: Vec<i64> = ids_text
            .lines()
            .filter_map(|line| line.split_once(" _id=").and_then(|(_, id)| id.trim().parse().ok()))
            .collect();
        let (text, parsed) = loop {
            match self.query_text(uri, &wanted, filter) {
                Ok(text) => {
                    let parsed = parse_rows(&text, &wanted, &ids);
                    break (text, parsed);
                }
                Err(QueryError::Refused(message)) => match missing_column(&message) {
                    Some(column) if column != "_id" && wanted.contains(&column) => {
                        log::debug!("{}: {uri} has no column {column}", self.name());
                        wanted.retain(|c| *c != column);
                    }
                    _ => return Err(QueryError::Refused(message)),
                },
                Err(other) => return Err(other),
            }
        };
        let rows = match parsed {
            Some(rows) => rows,
            // The rows changed between the two queries (or the text is unreadable): take every row the slow way.
            None => {
                log::debug!(
                    "{}: {uri}: the listing did not match its ids ({} bytes); reading row by row",
                    self.name(),
                    text.len()
                );
                ids.iter().map(|_| ParsedRow { values: vec![None; wanted.len()], doubtful: true }).collect()
            }
        };
        let mut out = Vec::with_capacity(rows.len());
        for (row, id) in rows.into_iter().zip(&ids) {
            let values = if row.doubtful {
                let mut values = vec![Some(id.to_string())];
                for column in &wanted[1..] {
                    let text =
                        self.query_text(uri, std::slice::from_ref(column), Some(&format!("_id={id}")))?;
                    values.push(parse_single(&text, column).flatten());
                }
                values
            } else {
                row.values
            };
            // Back to the caller's column order, with NULL for columns the phone lacks.
            let full = all
                .iter()
                .map(|c| wanted.iter().position(|w| w == c).and_then(|at| values.get(at).cloned().flatten()))
                .collect();
            out.push(ContentRow::new(Arc::clone(&all), full));
        }
        Ok(out)
    }

    fn query_text(
        &self,
        uri: &str,
        projection: &[String],
        filter: Option<&str>,
    ) -> Result<String, QueryError> {
        let projection = projection.join(":");
        let mut words = vec!["content", "query", "--uri", uri, "--projection", projection.as_str()];
        if let Some(filter) = filter {
            words.extend(["--where", filter]);
        }
        words.extend(["--sort", "_id ASC"]);
        let text = self.content_text(&words)?;
        Ok(if text.trim_end() == "No result found." { String::new() } else { text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn plain_rows_split_on_column_anchors() {
        let text = "Row: 0 _id=3, address=+1 555, body=hello, world\nRow: 1 _id=7, address=NULL, body=\n";
        let rows = parse_rows(text, &columns(&["_id", "address", "body"]), &[3, 7]).unwrap();
        assert_eq!(rows[0].values, [Some("3".into()), Some("+1 555".into()), Some("hello, world".into())]);
        assert!(!rows[0].doubtful, "a comma without a column name after it is not ambiguous");
        assert_eq!(rows[1].values, [Some("7".into()), None, Some(String::new())]);
    }

    #[test]
    fn multi_line_and_unicode_values_stay_whole() {
        let text = "Row: 0 _id=1, body=multi\nline\r\nbody, with=equals ☎\nRow: 1 _id=2, body=ok\n";
        let rows = parse_rows(text, &columns(&["_id", "body"]), &[1, 2]).unwrap();
        assert_eq!(rows[0].values[1].as_deref(), Some("multi\nline\r\nbody, with=equals ☎"));
        assert!(!rows[0].doubtful && !rows[1].doubtful);
    }

    #[test]
    fn forged_structure_makes_rows_doubtful() {
        // A body that imitates the next column: the anchor split is wrong, and the row is marked.
        let text = "Row: 0 _id=1, body=a, date=5, date=7\n";
        let rows = parse_rows(text, &columns(&["_id", "body", "date"]), &[1]).unwrap();
        assert!(rows[0].doubtful);
        // A body that forges a whole next row, with the right next id: both rows are doubtful.
        let text = "Row: 0 _id=1, body=x\nRow: 1 _id=2, body=forged\nRow: 1 _id=2, body=real\nRow: 2 _id=3, body=z\n";
        let rows = parse_rows(text, &columns(&["_id", "body"]), &[1, 2, 3]).unwrap();
        assert!(rows[0].doubtful && rows[1].doubtful && rows[2].doubtful);
        // A forged row with an id that is not the next one is just text.
        let text =
            "Row: 0 _id=1, body=Row: 99 _id=1, address=+1 555 0199, body=forged\nRow: 1 _id=2, body=b\n";
        let rows = parse_rows(text, &columns(&["_id", "address", "body"]), &[1, 2]);
        assert!(rows.is_none() || rows.unwrap().iter().all(|r| r.doubtful));
    }

    #[test]
    fn shape_mismatches_are_refused() {
        assert!(parse_rows("Row: 0 _id=1, body=x\n", &columns(&["_id", "body"]), &[2]).is_none());
        assert!(parse_rows("", &columns(&["_id"]), &[]).unwrap().is_empty());
        assert_eq!(parse_single("Row: 0 body=a, b=c\nd\n", "body"), Some(Some("a, b=c\nd".into())));
        assert_eq!(parse_single("Row: 0 body=NULL\n", "body"), Some(None));
    }

    #[test]
    fn provider_errors_are_recognised() {
        let stderr = "Error while accessing provider:sms\njava.lang.SecurityException: Permission Denial: reading com.android.providers.telephony.SmsProvider\n\tat x";
        assert_eq!(
            provider_failure("", stderr).unwrap(),
            "java.lang.SecurityException: Permission Denial: reading com.android.providers.telephony.SmsProvider"
        );
        assert_eq!(
            missing_column("android.database.sqlite.SQLiteException: no such column: sub_id (code 1)"),
            Some("sub_id".into())
        );
        assert!(provider_failure("Row: 0 _id=1\n", "").is_none());
    }

    #[test]
    fn permission_denials_are_explained() {
        let denial = explain_refusal(
            "java.lang.SecurityException: Permission Denial: opening provider com.android.providers.contacts.CallLogProvider from (null) (pid=1, uid=2000) requires android.permission.READ_CALL_LOG or android.permission.WRITE_CALL_LOG",
        );
        assert!(denial.starts_with("the phone does not allow this over USB debugging"), "{denial}");
        assert!(
            denial
                .ends_with("requires android.permission.READ_CALL_LOG or android.permission.WRITE_CALL_LOG")
        );
        assert!(!denial.contains("java.lang"), "{denial}");
        assert_eq!(
            explain_refusal("java.lang.IllegalArgumentException: Unknown URL content://x"),
            "the phone refused: java.lang.IllegalArgumentException: Unknown URL content://x"
        );
    }
}
