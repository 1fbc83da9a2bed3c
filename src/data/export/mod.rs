//! Exports for people rather than programs: the call history as CSV (for a spreadsheet) and message threads as
//! one self-contained HTML page (for reading, printing or handing to a lawyer).

mod calls_csv;
mod html;

pub use calls_csv::{CALL_CSV_COLUMNS, write_calls_csv};
pub use html::{HtmlOptions, write_threads_html};

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing to the output failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed (it wraps the output's error).
    #[error("cannot write the CSV export: {0}")]
    Csv(#[from] csv::Error),
}

/// Milliseconds since 1970 as ISO 8601 in UTC (`2017-12-02T14:49:27Z`); exports name the zone rather than guess
/// the phone's, which a backup does not record.
pub fn iso_utc(millis: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(millis.div_euclid(1000)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => format!("{millis} ms"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_dates_are_utc() {
        assert_eq!(super::iso_utc(1_512_226_167_463), "2017-12-02T14:49:27Z");
        assert_eq!(super::iso_utc(0), "1970-01-01T00:00:00Z");
    }
}
