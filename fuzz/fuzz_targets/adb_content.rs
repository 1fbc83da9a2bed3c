//! Text a phone's shell prints: `content query` output (rows of `column=value, ...`), read for the columns
//! named on the input's first line, and the ADB server's `devices -l` list.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once('\n').unwrap_or((&text, ""));
    let columns: Vec<String> = head.split(',').map(str::to_string).collect();
    let ids: Vec<i64> = (0..columns.len() as i64).collect();
    let _ = lifeboat::device::adb::parse_rows(body, &columns, &ids);
    let _ = lifeboat::fuzzing::adb_content_single(body, &columns[0]);
    let _ = lifeboat::device::adb::parse_devices(body);
});
