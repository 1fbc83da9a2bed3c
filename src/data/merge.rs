//! Record identity across versions: whether a contact, message or call in a backup is the same record as one a
//! phone holds now, even after either was edited, and what the backup's version of a contact adds to the
//! phone's.
//!
//! [`ContentId`] answers "is this the same content": any edit changes it. A restore onto the phone a backup
//! came from needs the other question too, or a contact edited on the phone after the backup comes back as a
//! second contact. The rules, also in `docs/data-formats.md`:
//!
//! - **Contact**: the same non-empty `uid` (an Android raw contact's `sourceid`, a vCard's `UID`), or the same
//!   normalized display name with at least one phone number or e-mail address in common (or none at all on
//!   one side, as when the only number was deleted).
//! - **Message**: SMS or MMS, incoming or outgoing, the parties and the date to the second; not the text, so
//!   a draft finished on the phone is still the same message.
//! - **Call**: the number, the direction and the start to the second; not the duration.
//!
//! The merge keeps the phone's edits: lists (numbers, e-mail and postal addresses, web links, messenger
//! handles, rows of kinds Lifeboat does not model) get what only the backup has; a field a contact holds once
//! (name, organization and title, note, nickname, birthday, anniversary, photo) is taken from the backup only
//! when the phone has none.

use std::collections::HashSet;

use super::identity::{
    ContentId, IdentityHasher, normalize_address, normalize_email, normalize_phone_number,
};
use super::{CallEntry, Contact, Message, MessageKind, normalize_text};

impl Contact {
    /// Whether `self` and `other` are versions of the same contact (see the module's rules).
    pub fn same_contact(&self, other: &Contact) -> bool {
        if let (Some(one), Some(two)) = (nonempty(&self.uid), nonempty(&other.uid))
            && one == two
        {
            return true;
        }
        let name = normalize_text(&self.display_name());
        if name.is_empty() || name != normalize_text(&other.display_name()) {
            return false;
        }
        let (mine, theirs) = (self.reachable_at(), other.reachable_at());
        mine.is_empty() || theirs.is_empty() || !mine.is_disjoint(&theirs)
    }

    /// How many numbers and e-mail addresses `self` and `other` share: the better match among several.
    pub fn shared_with(&self, other: &Contact) -> usize {
        self.reachable_at().intersection(&other.reachable_at()).count()
    }

    /// What this version (a backup's) holds that `phone`, the same contact as a phone holds it now, lacks:
    /// a contact holding only that, empty (see [`Contact::is_blank`]) when the phone has everything.
    pub fn missing_from(&self, phone: &Contact) -> Contact {
        let numbers: HashSet<String> =
            phone.phones.iter().map(|p| normalize_phone_number(&p.number)).collect();
        let emails: HashSet<String> = phone.emails.iter().map(|e| normalize_email(&e.address)).collect();
        let addresses: HashSet<String> = phone.addresses.iter().map(address_key).collect();
        let urls: HashSet<String> = phone.urls.iter().map(|u| normalize_text(&u.url)).collect();
        let handles: HashSet<String> =
            phone.instant_messengers.iter().map(|im| handle_key(&im.protocol, &im.handle)).collect();
        let single = !phone.organizations.is_empty() || !phone.titles.is_empty();
        Contact {
            formatted_name: self
                .formatted_name
                .clone()
                .filter(|_| phone.name.is_none() && self.name.is_some()),
            name: self.name.clone().filter(|_| phone.name.is_none()),
            nicknames: if phone.nicknames.is_empty() { self.nicknames.clone() } else { Vec::new() },
            phones: self
                .phones
                .iter()
                .filter(|p| !numbers.contains(&normalize_phone_number(&p.number)))
                .cloned()
                .collect(),
            emails: self
                .emails
                .iter()
                .filter(|e| !emails.contains(&normalize_email(&e.address)))
                .cloned()
                .collect(),
            addresses: self
                .addresses
                .iter()
                .filter(|a| !addresses.contains(&address_key(a)))
                .cloned()
                .collect(),
            organizations: if single { Vec::new() } else { self.organizations.clone() },
            titles: if single { Vec::new() } else { self.titles.clone() },
            roles: if phone.roles.is_empty() { self.roles.clone() } else { Vec::new() },
            urls: self.urls.iter().filter(|u| !urls.contains(&normalize_text(&u.url))).cloned().collect(),
            birthday: self.birthday.clone().filter(|_| phone.birthday.is_none()),
            anniversary: self.anniversary.clone().filter(|_| phone.anniversary.is_none()),
            notes: if phone.notes.is_empty() { self.notes.clone() } else { Vec::new() },
            instant_messengers: self
                .instant_messengers
                .iter()
                .filter(|im| !handles.contains(&handle_key(&im.protocol, &im.handle)))
                .cloned()
                .collect(),
            photos: if phone.photos.is_empty() { self.photos.clone() } else { Vec::new() },
            categories: Vec::new(),
            uid: None,
            extra: self.extra.iter().filter(|e| !phone.extra.contains(e)).cloned().collect(),
            raw: None,
        }
    }

    /// Whether the contact holds nothing to write (as [`Contact::missing_from`] gives when there is nothing to
    /// add); categories, uid and the raw source are not written to a phone, so they do not count.
    pub fn is_blank(&self) -> bool {
        self.formatted_name.is_none()
            && self.name.is_none()
            && self.nicknames.is_empty()
            && self.phones.is_empty()
            && self.emails.is_empty()
            && self.addresses.is_empty()
            && self.organizations.is_empty()
            && self.titles.is_empty()
            && self.roles.is_empty()
            && self.urls.is_empty()
            && self.birthday.is_none()
            && self.anniversary.is_none()
            && self.notes.is_empty()
            && self.instant_messengers.is_empty()
            && self.photos.is_empty()
            && self.extra.is_empty()
    }

    /// Normalized numbers and e-mail addresses, the ways to reach the person.
    fn reachable_at(&self) -> HashSet<String> {
        let numbers = self.phones.iter().map(|p| format!("tel:{}", normalize_phone_number(&p.number)));
        let emails = self.emails.iter().map(|e| format!("email:{}", normalize_email(&e.address)));
        numbers.chain(emails).filter(|key| !key.ends_with(':')).collect()
    }
}

fn nonempty(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn address_key(address: &super::PostalAddress) -> String {
    address.components().map(normalize_text).join("\u{1f}")
}

fn handle_key(protocol: &str, handle: &str) -> String {
    format!("{}:{}", protocol.to_lowercase(), normalize_text(handle))
}

impl Message {
    /// The message's identity across edits: SMS or MMS, incoming or outgoing, the parties (as in
    /// [`Message::content_id`]) and the date to the second. Two versions of one message share it; so may,
    /// rarely, two messages to the same person in the same second, which is why a restore first looks for the
    /// exact content and only then for this.
    pub fn identity_key(&self) -> ContentId {
        let mut hasher = IdentityHasher::new("lifeboat.message-identity.v1");
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
        hasher.set(
            "address",
            self.conversation.iter().chain(own.iter().map(|a| &a.address)).map(|a| normalize_address(a)),
        );
        hasher.int("date", self.date.div_euclid(1000));
        hasher.finish()
    }
}

impl CallEntry {
    /// The call's identity across edits: the number, the direction and the start to the second.
    pub fn identity_key(&self) -> ContentId {
        let mut hasher = IdentityHasher::new("lifeboat.call-identity.v1");
        hasher.text("number", &normalize_phone_number(&self.number));
        hasher.int("direction", self.direction.android_code());
        hasher.int("date", self.date.div_euclid(1000));
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Email, Phone, TextField};

    fn contact(name: &str, numbers: &[&str], emails: &[&str]) -> Contact {
        Contact {
            formatted_name: Some(name.into()),
            phones: numbers
                .iter()
                .map(|n| Phone { number: n.to_string(), meta: Default::default() })
                .collect(),
            emails: emails
                .iter()
                .map(|e| Email { address: e.to_string(), meta: Default::default() })
                .collect(),
            ..Contact::default()
        }
    }

    #[test]
    fn a_contact_is_known_by_name_and_a_shared_number_or_address() {
        let backup = contact("Ana Lima", &["+1 905 555 0100"], &["ana@example.org"]);
        let edited = contact("ana  lima", &["905-555-0100"], &["ana@new.example"]);
        assert!(backup.same_contact(&edited));
        assert!(backup.same_contact(&contact("Ana Lima", &[], &[])), "its only number was deleted");
        assert!(!backup.same_contact(&contact("Ana Lima", &["555 0199"], &["other@example.org"])));
        assert!(!backup.same_contact(&contact("Ana Silva", &["+1 905 555 0100"], &[])));
        let mut renamed = contact("Ana Lima-Silva", &[], &[]);
        renamed.uid = Some("c0ffee".into());
        let mut known = backup.clone();
        known.uid = Some("c0ffee".into());
        assert!(known.same_contact(&renamed), "the same source id");
    }

    #[test]
    fn the_backup_adds_what_the_phone_lacks_and_never_overrides_it() {
        let mut backup = contact("Ana Lima", &["+1 905 555 0100", "555 0101"], &["ana@example.org"]);
        backup.notes.push(TextField { value: "old note".into(), meta: Default::default() });
        let mut phone = contact("Ana Lima", &["(905) 555-0100"], &["ANA@example.org", "ana@new.example"]);
        phone.notes.push(TextField { value: "new note".into(), meta: Default::default() });
        let missing = backup.missing_from(&phone);
        assert_eq!(missing.phones.len(), 1);
        assert_eq!(missing.phones[0].number, "555 0101");
        assert!(missing.emails.is_empty() && missing.notes.is_empty() && missing.formatted_name.is_none());
        assert!(!missing.is_blank());
        assert!(phone.missing_from(&phone).is_blank());
    }

    #[test]
    fn a_message_or_call_keeps_its_identity_through_an_edit() {
        let sms = |body: &str| Message {
            kind: MessageKind::Sms,
            folder: crate::data::MessageFolder::Draft,
            thread_id: None,
            conversation: vec!["+1 555 0100".into()],
            addresses: Vec::new(),
            date: 1_700_000_000_123,
            date_sent: None,
            read: false,
            seen: None,
            status: None,
            locked: false,
            subject: None,
            body: Some(body.into()),
            parts: Vec::new(),
            contact_name: None,
            subscription_id: None,
            origin: None,
            lost: Vec::new(),
            extra: Vec::new(),
            raw: None,
        };
        assert_ne!(sms("Hel").content_id(), sms("Hello").content_id());
        assert_eq!(sms("Hel").identity_key(), sms("Hello").identity_key());
        let mut later = sms("Hel");
        later.date += 1000;
        assert_ne!(later.identity_key(), sms("Hel").identity_key());

        let call = |duration_secs| CallEntry {
            number: "555-0100".into(),
            name: None,
            direction: crate::data::CallDirection::Incoming,
            date: 1_700_000_000_000,
            duration_secs,
            presentation: None,
            sim: None,
            account: None,
            extra: Vec::new(),
            raw: None,
        };
        assert_ne!(call(5).content_id(), call(4242).content_id());
        assert_eq!(call(5).identity_key(), call(4242).identity_key());
    }
}
