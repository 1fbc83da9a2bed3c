//! The keybag of an encrypted iPhone backup (`BackupKeyBag` in `Manifest.plist`): TLV records.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::fuzzing::ios_keybag(data);
});
