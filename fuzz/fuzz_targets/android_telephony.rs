//! The telephony provider's backup chunks inside an `.ab` (SMS and MMS JSON): first byte picks the kind.
#![no_main]
use lifeboat::data::MessageKind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else { return };
    let kind = if first & 1 == 0 { MessageKind::Sms } else { MessageKind::Mms };
    let _ = lifeboat::device::import::android_backup::messages_from_telephony_backup(kind, rest);
});
