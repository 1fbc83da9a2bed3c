//! A key slot file (`keys/<id>`, JSON, not sealed): parsed and checked, and a password tried on it when its
//! cost parameters are cheap (the key derivation of a real slot takes a quarter of a second).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::fuzzing::vault_key_slot(data);
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let cost = |key: &str| value.get(key).and_then(serde_json::Value::as_u64).unwrap_or(u64::MAX);
    if cost("memory_kib") <= 1024 && cost("passes") <= 2 && cost("lanes") <= 4 {
        let _ = lifeboat::fuzzing::vault_key_slot_unlock(data, "password");
    }
});
