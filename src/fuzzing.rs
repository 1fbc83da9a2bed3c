//! Entry points for the fuzz targets (`fuzz/`), for the parsers that are not reachable from outside the crate.
//! Each is a thin call into the parser a device, a file or a peer's bytes reach; none holds logic of its own.
//! Sealed vault files are fuzzed after decryption (a fuzzer cannot forge an AEAD tag): these take the
//! plaintext. Not a stable API.

use std::io::Cursor;

/// A vault index file's plaintext (`LBI1` …), as [`crate::vault::Index::load`] decodes it once opened.
pub fn vault_index(plain: &[u8]) -> Result<usize, String> {
    crate::vault::index::IndexFile::decode(plain).map(|file| file.packs.len())
}

/// A pack header's plaintext, with the length of the pack body before it.
pub fn vault_pack_header(plain: &[u8], body: u64) -> Result<usize, String> {
    crate::vault::pack::decode_header(plain, body).map(|entries| entries.len())
}

/// A snapshot's catalog plaintext (JSON lines).
pub fn vault_catalog(plain: &[u8]) -> Result<usize, String> {
    crate::vault::snapshot::decode_catalog(plain, &crate::vault::Id::default())
        .map(|nodes| nodes.len())
        .map_err(|e| e.to_string())
}

/// A snapshot file's plaintext (JSON), as `Snapshot::read` decodes it.
pub fn vault_snapshot(plain: &[u8]) -> Result<u64, String> {
    serde_json::from_slice::<crate::vault::Snapshot>(plain).map(|s| s.items()).map_err(|e| e.to_string())
}

/// A key slot file (`keys/<id>`, JSON, not sealed): parsed and checked as opening a vault does, without
/// running its key derivation.
pub fn vault_key_slot(text: &[u8]) -> Option<bool> {
    serde_json::from_slice::<crate::vault::keys::KeySlot>(text).ok().map(|slot| slot.is_intact())
}

/// Tries `password` on a key slot file, running the key derivation its parameters ask for.
pub fn vault_key_slot_unlock(text: &[u8], password: &str) -> Option<bool> {
    let slot = serde_json::from_slice::<crate::vault::keys::KeySlot>(text).ok()?;
    Some(matches!(slot.unlock(password), Ok(Some(_))))
}

/// An iPhone backup's `Manifest.db` `file` column: an NSKeyedArchiver plist of an `MBFile`.
pub fn ios_mbfile(blob: &[u8]) -> bool {
    crate::device::ios::backup::manifest::decode_mbfile(blob).is_ok()
}

/// An iPhone backup's keybag (`BackupKeyBag` in `Manifest.plist`): TLV records.
pub fn ios_keybag(bytes: &[u8]) -> Option<u64> {
    crate::device::ios::backup::keybag::Keybag::parse(bytes).ok().map(|keybag| keybag.total_rounds())
}

/// An iPhone backup's `Info.plist`, `Manifest.plist` and `Status.plist` (XML or binary plists), read into the
/// backup's description as `ItunesBackup::open` does.
pub fn ios_plists(info: &[u8], manifest: &[u8], status: &[u8]) -> usize {
    let dict = |bytes: &[u8]| {
        plist::Value::from_reader(Cursor::new(bytes)).ok().and_then(|value| value.into_dictionary())
    };
    let (info, manifest, status) = (dict(info), dict(manifest), dict(status));
    crate::device::ios::backup::backup_info(info.as_ref(), manifest.as_ref(), status.as_ref())
        .installed_applications
        .len()
}

/// An iMessage `attributedBody` (a `typedstream` NSAttributedString) from an iPhone's `sms.db`.
pub fn ios_attributed_body(blob: &[u8]) -> Option<String> {
    crate::device::ios::backup::extract::sms::text_from_attributed_body(blob)
}

/// ADB wire messages read one after another from what a phone sent, and a CNXN banner.
pub fn adb_messages(bytes: &[u8]) -> usize {
    let mut input = bytes;
    let mut count = 0;
    while let Ok(message) = crate::device::adb::wire::Message::read_from(&mut input) {
        crate::device::adb::wire::Banner::parse(&message.payload);
        count += 1;
    }
    count
}

/// One `content query` reply with one column asked for, as the single-value reads use it.
pub fn adb_content_single(text: &str, column: &str) -> Option<Option<String>> {
    crate::device::adb::content::parse_single(text, column)
}
