//! The `attributedBody` column of an iPhone's `sms.db` (a typedstream NSAttributedString).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::fuzzing::ios_attributed_body(data);
});
