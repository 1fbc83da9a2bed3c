//! A vault index file's plaintext (after decryption: a fuzzer cannot forge its AEAD tag).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::fuzzing::vault_index(data);
});
