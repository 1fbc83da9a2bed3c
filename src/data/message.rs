//! Messages, normalized: SMS and MMS (and iMessage, flattened onto them with a note of what did not fit), and
//! the conversation threads they form.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::identity::{ContentId, IdentityHasher, normalize_address};
use super::raw::{RawSource, base64_bytes};

/// SMS or MMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    /// A text message.
    Sms,
    /// A multimedia message (also what group chats and RCS messages are exported as).
    Mms,
}

/// The folder a message sits in, which also says its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageFolder {
    /// Received.
    Inbox,
    /// Sent.
    Sent,
    /// Not sent yet, being written.
    Draft,
    /// Waiting to be sent.
    Outbox,
    /// Sending failed.
    Failed,
    /// Queued to be sent later.
    Queued,
    /// A folder number Lifeboat does not know, kept as the phone wrote it.
    Other(i64),
}

impl MessageFolder {
    /// Whether the message came from someone else.
    pub fn is_incoming(self) -> bool {
        self == MessageFolder::Inbox
    }

    /// The folder an Android message box code stands for (`Telephony.TextBasedSmsColumns.TYPE` for SMS,
    /// `Mms.MESSAGE_BOX` for MMS; the same numbers in SMS Backup & Restore files and `adb backup` files).
    pub fn from_android(code: i64) -> Self {
        match code {
            1 => MessageFolder::Inbox,
            2 => MessageFolder::Sent,
            3 => MessageFolder::Draft,
            4 => MessageFolder::Outbox,
            5 => MessageFolder::Failed,
            6 => MessageFolder::Queued,
            other => MessageFolder::Other(other),
        }
    }

    /// The Android message box code of this folder.
    pub fn android_code(self) -> i64 {
        match self {
            MessageFolder::Inbox => 1,
            MessageFolder::Sent => 2,
            MessageFolder::Draft => 3,
            MessageFolder::Outbox => 4,
            MessageFolder::Failed => 5,
            MessageFolder::Queued => 6,
            MessageFolder::Other(code) => code,
        }
    }
}

/// What role an address plays in one message (the PDU header it came from, for MMS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddressRole {
    /// The sender.
    From,
    /// A recipient.
    To,
    /// A copied recipient.
    Cc,
    /// A blind-copied recipient.
    Bcc,
}

/// One address of a message with its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageAddress {
    /// A phone number, an e-mail address or a group id, as stored.
    pub address: String,
    /// Sender or recipient.
    pub role: AddressRole,
    /// Source attributes with no field of their own (`charset`), verbatim and in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
}

/// The content of one MMS part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartContent {
    /// Nothing was stored for this part.
    Empty,
    /// Text (`text/plain`, SMIL layout).
    Text(String),
    /// Binary content, such as an image.
    Bytes(#[serde(with = "base64_bytes")] Vec<u8>),
    /// Content kept elsewhere: a path inside the backup or on the phone.
    Reference(String),
    /// Content that could not be decoded (corrupt base64), kept as it was found so it can be written back.
    Unreadable(String),
}

/// One part of an MMS: a text, an image, a SMIL layout, a vCard…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePart {
    /// Its media type (`image/jpeg`, `text/plain`, `application/smil`).
    pub content_type: String,
    /// Its name, when it has one.
    pub name: Option<String>,
    /// The text charset as the phone recorded it (`106` is the MIBenum of UTF-8).
    pub charset: Option<String>,
    /// The part's Content-ID (`<image_8.png>`), which SMIL refers to.
    pub content_id: Option<String>,
    /// The part's Content-Location (`image_8.png`).
    pub content_location: Option<String>,
    /// Its content.
    pub content: PartContent,
    /// Source attributes with no field of their own (`seq`, `cd`, `fn`), verbatim and in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
}

impl MessagePart {
    /// Whether this part only lays out the others (SMIL), rather than being content a person reads or sees.
    pub fn is_layout(&self) -> bool {
        self.content_type.eq_ignore_ascii_case("application/smil")
    }

    /// Whether this part is text a person reads.
    pub fn is_text(&self) -> bool {
        self.content_type.eq_ignore_ascii_case("text/plain")
    }
}

/// An SMS or MMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// SMS or MMS.
    pub kind: MessageKind,
    /// Inbox, sent, draft…
    pub folder: MessageFolder,
    /// The phone's own thread id, when the source has one.
    pub thread_id: Option<String>,
    /// The other participants of the conversation, as the phone stored them: one number for a plain SMS,
    /// several for a group MMS, or a group id such as `group_8@rcs.google.com`.
    pub conversation: Vec<String>,
    /// Who sent and who received this very message, with roles (MMS carries these; for an SMS they follow
    /// from the folder).
    pub addresses: Vec<MessageAddress>,
    /// When the message was received (incoming) or stored (outgoing), in milliseconds since 1970 UTC.
    pub date: i64,
    /// When the sender sent it, in milliseconds since 1970 UTC, when known.
    pub date_sent: Option<i64>,
    /// Whether it has been read.
    pub read: bool,
    /// Whether the notification was seen, when the source says.
    pub seen: Option<bool>,
    /// The phone's delivery status code (`-1` none, `0` complete, `32` pending, `64` failed), when known.
    pub status: Option<i64>,
    /// Whether the person locked it against deletion.
    pub locked: bool,
    /// Subject line.
    pub subject: Option<String>,
    /// The text: an SMS body, or the text parts of an MMS joined by new lines.
    pub body: Option<String>,
    /// MMS parts (empty for SMS).
    pub parts: Vec<MessagePart>,
    /// The name the phone showed for the conversation when the backup was made.
    pub contact_name: Option<String>,
    /// The SIM subscription it went through, when known.
    pub subscription_id: Option<i64>,
    /// Where the message really came from when it was flattened onto SMS/MMS (`imessage`).
    pub origin: Option<String>,
    /// What could not be carried over when flattening (reactions, effects, edits), one note each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<String>,
    /// Source attributes with no field of their own, verbatim and in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
    /// The element or row it was read from.
    pub raw: Option<RawSource>,
}

impl Message {
    /// Whether the message came from someone else.
    pub fn is_incoming(&self) -> bool {
        self.folder.is_incoming()
    }

    /// The parts a person sees (everything but the SMIL layout and the text already in [`Message::body`]).
    pub fn attachments(&self) -> impl Iterator<Item = &MessagePart> {
        self.parts.iter().filter(|part| !part.is_layout() && !part.is_text())
    }

    /// The message's content identity.
    ///
    /// What counts: SMS or MMS, incoming or outgoing, the parties (normalized, as a set: for an MMS the
    /// conversation's addresses and the message's own; for an SMS its conversation, the one other party, since
    /// its addresses only repeat it, and an iPhone also names the phone's own number there, which an Android
    /// phone never stores), the date to the second (phones and exporters round milliseconds differently),
    /// the subject and body with line endings unified and surrounding whitespace trimmed, and the media types of
    /// the attachments. What does not: read/seen/locked flags, status, the thread id and the SIM (both
    /// differ per phone), contact names, SMIL layout, attachment bytes (one backup may hold a reference where
    /// another holds the bytes), unknown attributes and the raw source.
    pub fn content_id(&self) -> ContentId {
        // v2: an SMS's own addresses no longer count (v1 counted them, so an iPhone's sent SMS, which names the
        // phone's own number, never matched the same SMS on an Android phone).
        let mut hasher = IdentityHasher::new("lifeboat.message.v2");
        hasher.text(
            "kind",
            match self.kind {
                MessageKind::Sms => "sms",
                MessageKind::Mms => "mms",
            },
        );
        hasher.text("direction", if self.is_incoming() { "in" } else { "out" });
        let own = match self.kind {
            MessageKind::Sms if !self.conversation.is_empty() => &[][..],
            _ => &self.addresses[..],
        };
        let addresses =
            self.conversation.iter().chain(own.iter().map(|a| &a.address)).map(|a| normalize_address(a));
        hasher.set("address", addresses);
        hasher.int("date", self.date.div_euclid(1000));
        hasher.text("subject", &unify_line_endings(self.subject.as_deref().unwrap_or("")));
        hasher.text("body", &unify_line_endings(self.body.as_deref().unwrap_or("")));
        let mut types: Vec<String> = self.attachments().map(|p| p.content_type.to_lowercase()).collect();
        types.sort();
        hasher.int("attachments", types.len() as i64);
        for kind in &types {
            hasher.text("attachment", kind);
        }
        hasher.finish()
    }
}

fn unify_line_endings(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n").trim().to_string()
}

/// A conversation: the messages exchanged with one person or one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    /// A key that is stable for the same participants: the phone's thread id when every message had one,
    /// otherwise the sorted normalized participants.
    pub key: String,
    /// The other participants, as stored in the first message.
    pub participants: Vec<String>,
    /// The name the phone showed, from the newest message that had one.
    pub contact_name: Option<String>,
    /// The messages, oldest first.
    pub messages: Vec<Message>,
}

impl Thread {
    /// The thread's content identity: its participants, normalized, as a set.
    pub fn content_id(&self) -> ContentId {
        let mut hasher = IdentityHasher::new("lifeboat.thread.v1");
        hasher.set("participant", self.participants.iter().map(|p| normalize_address(p)));
        hasher.finish()
    }

    /// The date of the newest message, in milliseconds since 1970 UTC.
    pub fn last_date(&self) -> Option<i64> {
        self.messages.iter().map(|m| m.date).max()
    }
}

/// Groups messages into threads: by the phone's thread id when a message has one, otherwise by the set of
/// normalized conversation addresses. Threads come newest first; messages inside a thread oldest first.
pub fn group_into_threads<I>(messages: I) -> Vec<Thread>
where
    I: IntoIterator<Item = Message>,
{
    let mut threads: BTreeMap<String, Thread> = BTreeMap::new();
    for message in messages {
        let key = match &message.thread_id {
            Some(id) => format!("thread:{id}"),
            None => {
                let mut participants: Vec<String> =
                    message.conversation.iter().map(|a| normalize_address(a)).collect();
                participants.sort();
                participants.dedup();
                format!("participants:{}", participants.join(","))
            }
        };
        let thread = threads.entry(key.clone()).or_insert_with(|| Thread {
            key,
            participants: message.conversation.clone(),
            contact_name: None,
            messages: Vec::new(),
        });
        thread.messages.push(message);
    }
    let mut threads: Vec<Thread> = threads.into_values().collect();
    for thread in &mut threads {
        thread.messages.sort_by_key(|m| m.date);
        thread.contact_name = thread.messages.iter().rev().find_map(|m| m.contact_name.clone());
    }
    threads.sort_by_key(|t| std::cmp::Reverse(t.last_date()));
    threads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn android_box_codes_round_trip_including_unknown_ones() {
        for code in [1, 2, 3, 4, 5, 6, 0, 7, 99] {
            assert_eq!(MessageFolder::from_android(code).android_code(), code);
        }
        assert_eq!(MessageFolder::from_android(1), MessageFolder::Inbox);
        assert_eq!(MessageFolder::from_android(2), MessageFolder::Sent);
        assert_eq!(MessageFolder::from_android(42), MessageFolder::Other(42));
    }

    fn sms(address: &str, date: i64, body: &str, folder: MessageFolder) -> Message {
        Message {
            kind: MessageKind::Sms,
            folder,
            thread_id: None,
            conversation: vec![address.to_string()],
            addresses: Vec::new(),
            date,
            date_sent: None,
            read: true,
            seen: None,
            status: None,
            locked: false,
            subject: None,
            body: Some(body.to_string()),
            parts: Vec::new(),
            contact_name: None,
            subscription_id: None,
            origin: None,
            lost: Vec::new(),
            extra: Vec::new(),
            raw: None,
        }
    }

    #[test]
    fn identity_survives_reformatting_and_millisecond_rounding() {
        let one = sms("+1 555 000 0001", 1_512_226_167_463, "Hello\r\nthere", MessageFolder::Inbox);
        let mut two = sms("(555) 000-0001", 1_512_226_167_000, "Hello\nthere ", MessageFolder::Inbox);
        two.read = false;
        two.thread_id = Some("7".into());
        assert_eq!(one.content_id(), two.content_id());
        let three = sms("(555) 000-0001", 1_512_226_167_000, "Hello\nthere", MessageFolder::Sent);
        assert_ne!(one.content_id(), three.content_id());
    }

    /// Regression: an iPhone's sent SMS names the phone's own number as its sender; the same SMS restored to an
    /// Android phone and read back does not, and must still be the same message (or a second restore repeats it).
    #[test]
    fn an_sms_is_known_by_its_other_party_not_the_phones_own_number() {
        let mut iphone = sms("+15550001", 1_000, "Reply", MessageFolder::Sent);
        iphone.addresses = vec![
            MessageAddress { address: "+15559999".into(), role: AddressRole::From, extra: Vec::new() },
            MessageAddress { address: "+15550001".into(), role: AddressRole::To, extra: Vec::new() },
        ];
        let mut android = sms("+1 555 0001", 1_000, "Reply", MessageFolder::Sent);
        android.addresses =
            vec![MessageAddress { address: "+1 555 0001".into(), role: AddressRole::To, extra: Vec::new() }];
        assert_eq!(iphone.content_id(), android.content_id());
        let mut mms = iphone.clone();
        mms.kind = MessageKind::Mms;
        let mut other = mms.clone();
        other.addresses[0].address = "+15558888".into();
        assert_ne!(mms.content_id(), other.content_id(), "an MMS still counts every party");
    }

    #[test]
    fn threads_group_by_normalized_participants() {
        let messages = vec![
            sms("+15550000001", 3, "c", MessageFolder::Inbox),
            sms("555-000-0002", 2, "b", MessageFolder::Inbox),
            sms("5550000001", 1, "a", MessageFolder::Sent),
        ];
        let threads = group_into_threads(messages);
        assert_eq!(threads.len(), 2);
        assert_eq!(threads[0].messages.len(), 2);
        assert_eq!(threads[0].messages[0].body.as_deref(), Some("a"));
        assert_eq!(threads[1].participants, vec!["555-000-0002".to_string()]);
    }
}
