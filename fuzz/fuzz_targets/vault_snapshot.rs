//! A snapshot file and a snapshot's catalog (plaintext JSON, after decryption).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::fuzzing::vault_snapshot(data);
    let _ = lifeboat::fuzzing::vault_catalog(data);
});
