//! Messages from the telephony provider's part of an `adb backup`: `apps/com.android.providers.telephony/d_f/`
//! holds numbered chunks `000000_sms_backup`, `000001_mms_backup`, …, each a zlib-deflated JSON array written by
//! Android's `TelephonyBackupAgent`.
//!
//! SMS objects carry `address`, `body`, `date` and `date_sent` (milliseconds, as strings), `type` (1 inbox,
//! 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued), `status`, `read` and the thread's `recipients`. MMS objects
//! carry `date`/`date_sent` in seconds, `msg_box` (the same folders), `mms_addresses` with PDU header types
//! (137 from, 151 to, 130 cc, 129 bcc), `mms_body`, `sub` and `recipients`. The agent keeps only the text of an
//! MMS; that loss is noted on every MMS.

use std::io::Read;

use flate2::read::ZlibDecoder;
use serde_json::{Map, Value};

use crate::data::{
    AddressRole, Message, MessageAddress, MessageFolder, MessageKind, MessagePart, PartContent, RawFormat,
    RawSource,
};

/// The package whose backup holds SMS and MMS.
pub const TELEPHONY_PACKAGE: &str = "com.android.providers.telephony";

/// No chunk inflates beyond this; a larger one is damaged or hostile.
const MAX_CHUNK: u64 = 1 << 30;

/// SMS keys that have a field of their own.
const SMS_FIELDS: [&str; 8] =
    ["address", "body", "date", "date_sent", "type", "status", "read", "recipients"];
/// MMS keys that have a field of their own.
const MMS_FIELDS: [&str; 9] =
    ["date", "date_sent", "msg_box", "read", "recipients", "mms_addresses", "mms_body", "mms_charset", "sub"];

/// Whether a tar entry name is a telephony SMS or MMS chunk, and which.
pub(crate) fn chunk_kind(tar_path: &str) -> Option<MessageKind> {
    let rest = tar_path.strip_prefix("apps/")?.strip_prefix(TELEPHONY_PACKAGE)?.strip_prefix("/d_f/")?;
    if rest.ends_with("_sms_backup") {
        Some(MessageKind::Sms)
    } else if rest.ends_with("_mms_backup") {
        Some(MessageKind::Mms)
    } else {
        None
    }
}

/// Reads one chunk (deflated or plain JSON) of `kind` into messages.
pub fn messages_from_telephony_backup(kind: MessageKind, bytes: &[u8]) -> Result<Vec<Message>, String> {
    let json: Vec<u8> = if bytes.first() == Some(&0x78) {
        let mut out = Vec::new();
        ZlibDecoder::new(bytes)
            .take(MAX_CHUNK)
            .read_to_end(&mut out)
            .map_err(|e| format!("it does not inflate: {e}"))?;
        out
    } else {
        bytes.to_vec()
    };
    let value: Value = serde_json::from_slice(&json).map_err(|e| format!("it is not JSON: {e}"))?;
    let Value::Array(items) = value else { return Err("it is not a JSON array of messages".into()) };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let object =
                item.as_object().ok_or_else(|| format!("message {} is not a JSON object", index + 1))?;
            Ok(match kind {
                MessageKind::Sms => sms(object),
                MessageKind::Mms => mms(object),
            })
        })
        .collect()
}

fn sms(object: &Map<String, Value>) -> Message {
    let folder = MessageFolder::from_android(int(object, "type").unwrap_or(1));
    let address = text(object, "address");
    let recipients = strings(object, "recipients");
    let conversation = if recipients.is_empty() { address.clone().into_iter().collect() } else { recipients };
    let role = if folder.is_incoming() { AddressRole::From } else { AddressRole::To };
    Message {
        kind: MessageKind::Sms,
        folder,
        thread_id: None,
        conversation,
        addresses: address
            .map(|address| MessageAddress { address, role, extra: Vec::new() })
            .into_iter()
            .collect(),
        date: int(object, "date").unwrap_or(0),
        date_sent: int(object, "date_sent").filter(|&d| d != 0),
        read: int(object, "read") == Some(1),
        seen: None,
        status: int(object, "status"),
        locked: false,
        subject: None,
        body: text(object, "body"),
        parts: Vec::new(),
        contact_name: None,
        subscription_id: None,
        origin: None,
        lost: Vec::new(),
        extra: extra(object, &SMS_FIELDS),
        raw: Some(raw(object)),
    }
}

fn mms(object: &Map<String, Value>) -> Message {
    let seconds = |key| int(object, key).filter(|&s| s != 0).map(|s| s.saturating_mul(1000));
    let mut addresses = Vec::new();
    for address in object.get("mms_addresses").and_then(Value::as_array).into_iter().flatten() {
        let Some(address) = address.as_object() else { continue };
        let Some(text_address) = text(address, "address") else { continue };
        let role = match int(address, "type") {
            Some(137) => AddressRole::From,
            Some(130) => AddressRole::Cc,
            Some(129) => AddressRole::Bcc,
            _ => AddressRole::To,
        };
        let extra = text(address, "charset").map(|c| vec![("charset".to_string(), c)]).unwrap_or_default();
        addresses.push(MessageAddress { address: text_address, role, extra });
    }
    let body = text(object, "mms_body");
    let parts = body
        .iter()
        .map(|text| MessagePart {
            content_type: "text/plain".into(),
            name: None,
            charset: self::text(object, "mms_charset"),
            content_id: None,
            content_location: None,
            content: PartContent::Text(text.clone()),
            extra: Vec::new(),
        })
        .collect();
    Message {
        kind: MessageKind::Mms,
        folder: MessageFolder::from_android(int(object, "msg_box").unwrap_or(1)),
        thread_id: None,
        conversation: strings(object, "recipients"),
        addresses,
        date: seconds("date").unwrap_or(0),
        date_sent: seconds("date_sent"),
        read: int(object, "read") == Some(1),
        seen: None,
        status: None,
        locked: false,
        subject: text(object, "sub"),
        body,
        parts,
        contact_name: None,
        subscription_id: None,
        origin: None,
        lost: vec![
            "Android's telephony backup keeps only the text of an MMS: its pictures and other parts were not \
             backed up by the phone"
                .into(),
        ],
        extra: extra(object, &MMS_FIELDS),
        raw: Some(raw(object)),
    }
}

/// A value as text: strings as they are, numbers written out.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as an integer, whether the agent wrote it as a number or as a string.
fn int(object: &Map<String, Value>, key: &str) -> Option<i64> {
    match object.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn strings(object: &Map<String, Value>, key: &str) -> Vec<String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Every key without a field of its own, verbatim (non-strings as JSON).
fn extra(object: &Map<String, Value>, known: &[&str]) -> Vec<(String, String)> {
    object
        .iter()
        .filter(|(key, _)| !known.contains(&key.as_str()))
        .map(|(key, value)| {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (key.clone(), value)
        })
        .collect()
}

fn raw(object: &Map<String, Value>) -> RawSource {
    RawSource::from_text(
        RawFormat::Other("android-telephony-backup".into()),
        Value::Object(object.clone()).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_telephony_chunks() {
        assert_eq!(
            chunk_kind("apps/com.android.providers.telephony/d_f/000000_sms_backup"),
            Some(MessageKind::Sms)
        );
        assert_eq!(
            chunk_kind("apps/com.android.providers.telephony/d_f/000001_mms_backup"),
            Some(MessageKind::Mms)
        );
        assert_eq!(chunk_kind("apps/com.android.providers.telephony/_manifest"), None);
        assert_eq!(chunk_kind("apps/com.example/d_f/000000_sms_backup"), None);
    }

    #[test]
    fn bad_chunks_are_errors() {
        assert!(messages_from_telephony_backup(MessageKind::Sms, b"{}").unwrap_err().contains("array"));
        assert!(messages_from_telephony_backup(MessageKind::Sms, b"[1]").unwrap_err().contains("message 1"));
        assert!(
            messages_from_telephony_backup(MessageKind::Sms, b"\x78\x9c\x00")
                .unwrap_err()
                .contains("inflate")
        );
    }
}
