//! The NSKeyedArchiver `MBFile` plist in each row of an iPhone backup's `Manifest.db`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::fuzzing::ios_mbfile(data);
});
