//! ADB wire messages as a phone (or anything on the ADB port) sends them, and the CNXN banner in each payload.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::fuzzing::adb_messages(data);
});
