//! SMS Backup & Restore XML files: messages (SMS, MMS with parts) and call logs, every record read.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(reader) = lifeboat::data::sms_xml::SmsXmlReader::new(std::io::Cursor::new(data)) else { return };
    let mut reader = reader.keep_raw(true);
    for record in reader.by_ref().take(100_000) {
        let _ = record;
    }
    let _ = (reader.warnings().len(), reader.records_seen(), reader.header());
});
