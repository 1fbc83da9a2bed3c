//! The call history as CSV: one row per call, a header row, dates in ISO 8601 UTC, and every value quoted as
//! needed by the `csv` crate (names with commas, numbers with `+`).

use std::io::Write;

use super::{ExportError, iso_utc};
use crate::data::CallEntry;

/// The columns, in order.
pub const CALL_CSV_COLUMNS: [&str; 7] =
    ["date", "number", "name", "direction", "duration_seconds", "sim", "account"];

/// Writes calls as CSV with a header row.
pub fn write_calls_csv<'a, W, I>(calls: I, out: W) -> Result<(), ExportError>
where
    W: Write,
    I: IntoIterator<Item = &'a CallEntry>,
{
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CALL_CSV_COLUMNS)?;
    for call in calls {
        writer.write_record([
            iso_utc(call.date),
            call.number.clone(),
            call.name.clone().unwrap_or_default(),
            call.direction.as_str().to_string(),
            call.duration_secs.to_string(),
            call.sim.clone().unwrap_or_default(),
            call.account.clone().unwrap_or_default(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
