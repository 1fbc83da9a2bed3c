//! Messages from the iPhone's `sms.db`: SMS, MMS and iMessage, flattened onto the normalized SMS/MMS model.
//!
//! Tables used when present: `message` (one row per message), `handle` (the other party's number or e-mail),
//! `chat` with `chat_handle_join` (conversations and their participants) and `chat_message_join`, `attachment`
//! with `message_attachment_join`. Dates are Apple time, in nanoseconds since 2001 from iOS 11 on and in
//! seconds before. What SMS/MMS cannot carry (reactions, effects, replies, edits, iMessage apps) is written into
//! the message's `lost` notes; the whole row stays in its raw source.

use std::collections::HashMap;

use crate::data::{
    AddressRole, Message, MessageAddress, MessageFolder, MessageKind, MessagePart, PartContent, RawFormat,
    RawSource,
};

use super::sqlite::{Db, Row, apple_time_column};

/// Where an attachment's phone path (`~/Library/SMS/Attachments/…`) is found in the snapshot, when the backup
/// holds it.
pub(crate) type AttachmentLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads every message. Missing tables only mean less detail.
pub(crate) fn read_messages(
    db: &Db,
    attachment_item: AttachmentLookup<'_>,
) -> rusqlite::Result<Vec<Message>> {
    let handles = db.rows_by_id("handle")?;
    let chats = db.rows_by_id("chat")?;
    let chat_handles = db.join("chat_handle_join", "chat_id", "handle_id")?;
    let message_chats = db.join("chat_message_join", "message_id", "chat_id")?;
    let attachments = db.rows_by_id("attachment")?;
    let message_attachments = db.join("message_attachment_join", "message_id", "attachment_id")?;
    let context = Context { handles, chats, chat_handles, attachments, attachment_item };

    let mut messages = Vec::new();
    db.for_each_row("message", |row| {
        let id = row.int("_rowid").unwrap_or_default();
        let chat = message_chats.get(&id).and_then(|ids| ids.first()).copied();
        let attachment_ids = message_attachments.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        messages.push(context.message(&row, chat, attachment_ids));
        Ok(())
    })?;
    Ok(messages)
}

struct Context<'a> {
    handles: HashMap<i64, Row>,
    chats: HashMap<i64, Row>,
    chat_handles: HashMap<i64, Vec<i64>>,
    attachments: HashMap<i64, Row>,
    attachment_item: AttachmentLookup<'a>,
}

impl Context<'_> {
    fn handle_address(&self, id: i64) -> Option<String> {
        self.handles.get(&id).and_then(|h| h.non_empty("id"))
    }

    fn message(&self, row: &Row, chat_id: Option<i64>, attachment_ids: &[i64]) -> Message {
        let chat = chat_id.and_then(|id| self.chats.get(&id));
        let handle = row.int("handle_id").filter(|&h| h != 0);
        let sender = handle.and_then(|h| self.handle_address(h));
        let mut conversation: Vec<String> = chat_id
            .and_then(|id| self.chat_handles.get(&id))
            .map(|ids| ids.iter().filter_map(|&h| self.handle_address(h)).collect())
            .unwrap_or_default();
        if conversation.is_empty() {
            conversation.extend(sender.clone().or_else(|| chat.and_then(|c| c.non_empty("chat_identifier"))));
        }
        let service = row
            .non_empty("service")
            .or_else(|| handle.and_then(|h| self.handles.get(&h)).and_then(|h| h.non_empty("service")))
            .or_else(|| chat.and_then(|c| c.non_empty("service_name")));
        let from_me = row.flag("is_from_me");
        let failed = row.int("error").is_some_and(|e| e != 0);
        let group = conversation.len() > 1 || chat.and_then(|c| c.int("style")) == Some(43);

        let mut lost = Vec::new();
        let mut extra = Vec::new();
        let (mut body, recovered) = match row.text("text") {
            Some(text) => (Some(text), false),
            None => (row.blob("attributedBody").and_then(text_from_attributed_body), true),
        };
        if recovered && body.is_some() {
            extra.push(("text_source".to_string(), "attributedBody".to_string()));
        }
        // U+FFFC marks where an attachment sat inline; the attachment itself becomes a part.
        body = body.map(|b| b.replace('\u{fffc}', "").trim().to_string()).filter(|b| !b.is_empty());
        note_what_is_lost(row, &mut body, &mut lost);

        let mut parts = Vec::new();
        for attachment in attachment_ids.iter().filter_map(|id| self.attachments.get(id)) {
            parts.push(self.attachment_part(attachment, &mut lost));
        }
        let subject = row.non_empty("subject");
        let kind =
            if group || !parts.is_empty() || subject.is_some() { MessageKind::Mms } else { MessageKind::Sms };
        if kind == MessageKind::Mms
            && let Some(text) = &body
        {
            parts.insert(0, text_part(text));
        }

        let mut addresses = Vec::new();
        if from_me {
            let own = row
                .non_empty("destination_caller_id")
                .or_else(|| row.non_empty("account").map(strip_account));
            addresses.extend(own.map(|address| address_with(address, AddressRole::From)));
            addresses.extend(conversation.iter().map(|a| address_with(a.clone(), AddressRole::To)));
        } else if let Some(sender) = &sender {
            addresses.push(address_with(sender.clone(), AddressRole::From));
            // A group message went to the others too: as an MMS, it names them as recipients, so the phone it is
            // restored to files it in the group's conversation, not in one with the sender alone.
            if group {
                addresses.extend(
                    conversation
                        .iter()
                        .filter(|a| *a != sender)
                        .map(|a| address_with(a.clone(), AddressRole::To)),
                );
            }
        }

        extra.extend(row.non_empty("guid").map(|guid| ("guid".to_string(), guid)));
        extra.extend(service.clone().map(|service| ("service".to_string(), service)));
        extra.extend(row.non_empty("account").map(|account| ("account".to_string(), account)));
        if let Some(sender) = &sender {
            extra.push(("handle".to_string(), sender.clone()));
        }
        for name in ["date_read", "date_delivered"] {
            if let Some(ms) = apple_time_column(row, name) {
                extra.push((name.to_string(), ms.to_string()));
            }
        }

        let mut raw = serde_json::json!({ "message": row.to_json() });
        let attachment_rows: Vec<serde_json::Value> =
            attachment_ids.iter().filter_map(|id| self.attachments.get(id)).map(Row::to_json).collect();
        if !attachment_rows.is_empty() {
            raw["attachments"] = serde_json::Value::Array(attachment_rows);
        }

        Message {
            kind,
            folder: match (from_me, failed) {
                (false, _) => MessageFolder::Inbox,
                (true, true) => MessageFolder::Failed,
                (true, false) => MessageFolder::Sent,
            },
            thread_id: chat.and_then(|c| c.non_empty("guid")),
            conversation,
            addresses,
            date: apple_time_column(row, "date").unwrap_or(978_307_200_000),
            date_sent: None,
            read: from_me || row.flag("is_read"),
            seen: None,
            status: from_me.then(|| match (failed, row.flag("is_delivered")) {
                (true, _) => 64,
                (false, true) => 0,
                (false, false) => -1,
            }),
            locked: false,
            subject,
            body,
            parts,
            contact_name: chat.and_then(|c| c.non_empty("display_name")),
            subscription_id: None,
            origin: match service.as_deref() {
                Some(s) if s.eq_ignore_ascii_case("iMessage") => Some("imessage".into()),
                Some(s) if s.eq_ignore_ascii_case("RCS") => Some("rcs".into()),
                _ => None,
            },
            lost,
            extra,
            raw: Some(RawSource::from_text(RawFormat::Other("ios-sms-db".into()), raw.to_string())),
        }
    }

    fn attachment_part(&self, attachment: &Row, lost: &mut Vec<String>) -> MessagePart {
        let phone_path = attachment.non_empty("filename");
        let name = attachment
            .non_empty("transfer_name")
            .or_else(|| phone_path.as_deref().and_then(|p| p.rsplit('/').next()).map(str::to_string));
        let content = match &phone_path {
            Some(path) => match (self.attachment_item)(path) {
                Some(item) => PartContent::Reference(item),
                None => {
                    lost.push(format!(
                        "the attachment \"{}\" is not in the backup (it may live only in iCloud)",
                        name.as_deref().unwrap_or(path)
                    ));
                    PartContent::Reference(path.clone())
                }
            },
            None => PartContent::Empty,
        };
        let mut extra = Vec::new();
        for key in ["guid", "uti", "total_bytes"] {
            if let Some(value) = attachment.non_empty(key) {
                extra.push((key.to_string(), value));
            }
        }
        MessagePart {
            content_type: attachment
                .non_empty("mime_type")
                .unwrap_or_else(|| "application/octet-stream".into()),
            name: name.clone(),
            charset: None,
            content_id: None,
            content_location: name,
            content,
            extra,
        }
    }
}

fn text_part(text: &str) -> MessagePart {
    MessagePart {
        content_type: "text/plain".into(),
        name: None,
        charset: Some("106".into()),
        content_id: None,
        content_location: None,
        content: PartContent::Text(text.to_string()),
        extra: Vec::new(),
    }
}

fn address_with(address: String, role: AddressRole) -> MessageAddress {
    MessageAddress { address, role, extra: Vec::new() }
}

/// `account` is written as `p:+15550100` or `e:someone@example.com`.
fn strip_account(account: String) -> String {
    match account.split_once(':') {
        Some((prefix, rest)) if prefix.len() == 1 => rest.to_string(),
        _ => account,
    }
}

/// Notes iMessage features SMS/MMS cannot carry. A reaction becomes its text ("Loved “hello”", which iOS
/// itself writes for phones without iMessage) and a note.
fn note_what_is_lost(row: &Row, body: &mut Option<String>, lost: &mut Vec<String>) {
    if let Some(kind) = row.int("associated_message_type").filter(|&k| k != 0) {
        let target = row.non_empty("associated_message_guid").unwrap_or_default();
        let (removed, base) = if (3000..4000).contains(&kind) { (true, kind - 1000) } else { (false, kind) };
        let verb = match base {
            2000 => "loved",
            2001 => "liked",
            2002 => "disliked",
            2003 => "laughed at",
            2004 => "emphasized",
            2005 => "questioned",
            2006 => "reacted with an emoji to",
            2007 => "reacted with a sticker to",
            _ => "",
        };
        if verb.is_empty() {
            lost.push(format!("iMessage association of type {kind} to message {target}"));
        } else {
            let what =
                if removed { format!("removed the reaction \"{verb}\" from") } else { verb.to_string() };
            lost.push(format!("iMessage reaction: {what} message {target}; kept as text"));
            if body.is_none() {
                let mut sentence = format!("{what} a message");
                if let Some(first) = sentence.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                *body = Some(sentence);
            }
        }
    }
    if let Some(effect) = row.non_empty("expressive_send_style_id") {
        lost.push(format!("iMessage effect {effect}"));
    }
    if let Some(app) = row.non_empty("balloon_bundle_id") {
        lost.push(format!("iMessage app content ({app}); its data is kept only in the raw row"));
    }
    if let Some(thread) = row.non_empty("thread_originator_guid") {
        lost.push(format!("inline reply to message {thread}; shown as an ordinary message"));
    }
    if row.int("date_edited").is_some_and(|d| d != 0) {
        lost.push("edited after sending; earlier versions are kept only in the raw row".into());
    }
    if row.int("date_retracted").is_some_and(|d| d != 0) {
        lost.push("unsent by its sender".into());
    }
    if let Some(item_type) = row.int("item_type").filter(|&t| t != 0) {
        lost.push(format!("conversation event of type {item_type} (a rename or a change of participants)"));
        if body.is_none()
            && let Some(title) = row.non_empty("group_title")
        {
            *body = Some(format!("Named the conversation \"{title}\""));
        }
    }
}

/// Recovers the plain text of a message from `attributedBody` (an NSAttributedString in Apple's typedstream
/// format), which is the only place iOS 16 and later keep it for many messages. The string follows the class
/// name `NSString`, a few marker bytes ending in `+`, and a length: one byte below 0x80, or 0x81 and two bytes,
/// or 0x82 and four bytes, little-endian.
pub(crate) fn text_from_attributed_body(blob: &[u8]) -> Option<String> {
    let class = blob.windows(8).position(|w| w == b"NSString")? + 8;
    let rest = &blob[class..];
    let plus = rest.iter().take(8).position(|&b| b == b'+')?;
    let rest = &rest[plus + 1..];
    let (len, skip): (usize, usize) = match *rest.first()? {
        0x81 => (usize::from(u16::from_le_bytes([*rest.get(1)?, *rest.get(2)?])), 3),
        0x82 => {
            (u32::from_le_bytes([*rest.get(1)?, *rest.get(2)?, *rest.get(3)?, *rest.get(4)?]) as usize, 5)
        }
        short if short < 0x80 => (usize::from(short), 1),
        _ => return None,
    };
    let text = rest.get(skip..skip.checked_add(len)?)?;
    String::from_utf8(text.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_text_from_attributed_bodies() {
        let mut short = b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+".to_vec();
        short.push(5);
        short.extend_from_slice(b"hello\x86\x84");
        assert_eq!(text_from_attributed_body(&short).as_deref(), Some("hello"));

        let long_text = "é".repeat(100);
        let mut long = b"....NSString\x01\x94\x84\x01+\x81".to_vec();
        long.extend_from_slice(&(long_text.len() as u16).to_le_bytes());
        long.extend_from_slice(long_text.as_bytes());
        assert_eq!(text_from_attributed_body(&long).as_deref(), Some(long_text.as_str()));

        assert_eq!(text_from_attributed_body(b"NSString\x01+\x7f"), None, "length past the end");
        assert_eq!(text_from_attributed_body(b"no class here"), None);
    }

    #[test]
    fn accounts_lose_their_prefix() {
        assert_eq!(strip_account("p:+15550100".into()), "+15550100");
        assert_eq!(strip_account("e:a@b.example".into()), "a@b.example");
        assert_eq!(strip_account("plain".into()), "plain");
    }
}
