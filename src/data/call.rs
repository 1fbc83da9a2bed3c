//! Call history entries, normalized across Android's call log and the iPhone's CallHistory database.

use serde::{Deserialize, Serialize};

use super::identity::{ContentId, IdentityHasher, normalize_phone_number};
use super::raw::RawSource;

/// What happened on a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallDirection {
    /// Someone called and it was answered.
    Incoming,
    /// The person called out.
    Outgoing,
    /// Someone called and nobody answered.
    Missed,
    /// Someone called and left a voicemail.
    Voicemail,
    /// Someone called and the person declined.
    Rejected,
    /// Someone called and the phone blocked the number.
    Blocked,
    /// Answered on another device signed in to the same account.
    AnsweredElsewhere,
    /// A code Lifeboat does not know, kept as the phone wrote it.
    Other(i64),
}

impl CallDirection {
    /// Android's `CallLog.Calls.TYPE` code, which SMS Backup & Restore also uses.
    pub fn android_code(self) -> i64 {
        match self {
            CallDirection::Incoming => 1,
            CallDirection::Outgoing => 2,
            CallDirection::Missed => 3,
            CallDirection::Voicemail => 4,
            CallDirection::Rejected => 5,
            CallDirection::Blocked => 6,
            CallDirection::AnsweredElsewhere => 7,
            CallDirection::Other(code) => code,
        }
    }

    /// The direction for an Android `CallLog.Calls.TYPE` code.
    pub fn from_android_code(code: i64) -> Self {
        match code {
            1 => CallDirection::Incoming,
            2 => CallDirection::Outgoing,
            3 => CallDirection::Missed,
            4 => CallDirection::Voicemail,
            5 => CallDirection::Rejected,
            6 => CallDirection::Blocked,
            7 => CallDirection::AnsweredElsewhere,
            other => CallDirection::Other(other),
        }
    }

    /// A short English word for exports (`incoming`, `missed`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Incoming => "incoming",
            CallDirection::Outgoing => "outgoing",
            CallDirection::Missed => "missed",
            CallDirection::Voicemail => "voicemail",
            CallDirection::Rejected => "rejected",
            CallDirection::Blocked => "blocked",
            CallDirection::AnsweredElsewhere => "answered-elsewhere",
            CallDirection::Other(_) => "other",
        }
    }
}

/// One call in the call history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallEntry {
    /// The other party's number as stored; empty when the caller hid it.
    pub number: String,
    /// The name the phone showed when the backup was made.
    pub name: Option<String>,
    /// Incoming, outgoing, missed…
    pub direction: CallDirection,
    /// When the call started, in milliseconds since 1970 UTC.
    pub date: i64,
    /// How long it lasted, in seconds (0 for missed calls).
    pub duration_secs: u64,
    /// Android's number presentation (1 allowed, 2 restricted, 3 unknown, 4 payphone), when known.
    pub presentation: Option<i64>,
    /// The SIM subscription the call went through, when known.
    pub sim: Option<String>,
    /// The calling account (the telephony service, or an app such as a VoIP client), when known.
    pub account: Option<String>,
    /// Source attributes with no field of their own, verbatim and in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
    /// The element or row it was read from.
    pub raw: Option<RawSource>,
}

impl CallEntry {
    /// The call's content identity.
    ///
    /// What counts: the number (last ten digits), the direction, the start time to the second and the duration.
    /// What does not: the name (it is whatever the address book said that day), the SIM and account,
    /// presentation, unknown attributes and the raw source.
    pub fn content_id(&self) -> ContentId {
        let mut hasher = IdentityHasher::new("lifeboat.call.v1");
        hasher.text("number", &normalize_phone_number(&self.number));
        hasher.int("direction", self.direction.android_code());
        hasher.int("date", self.date.div_euclid(1000));
        hasher.int("duration", i64::try_from(self.duration_secs).unwrap_or(i64::MAX));
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(number: &str, date: i64) -> CallEntry {
        CallEntry {
            number: number.into(),
            name: None,
            direction: CallDirection::Missed,
            date,
            duration_secs: 0,
            presentation: None,
            sim: None,
            account: None,
            extra: Vec::new(),
            raw: None,
        }
    }

    #[test]
    fn identity_ignores_number_format_and_names() {
        let one = call("+1 555 000 0001", 1_000_400);
        let mut two = call("555-000-0001", 1_000_000);
        two.name = Some("Alice".into());
        assert_eq!(one.content_id(), two.content_id());
        assert_ne!(one.content_id(), call("555-000-0002", 1_000_000).content_id());
    }

    #[test]
    fn android_codes_round_trip() {
        for code in 0..10 {
            assert_eq!(CallDirection::from_android_code(code).android_code(), code);
        }
    }
}
