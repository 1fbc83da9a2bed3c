//! A pack file's header plaintext (after decryption), with the pack body's length from the first 8 bytes.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let body = u64::from_le_bytes(data[..8].try_into().unwrap());
    let _ = lifeboat::fuzzing::vault_pack_header(&data[8..], body);
});
