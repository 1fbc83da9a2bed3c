//! Telling the records of a backup apart when restoring onto a phone that already holds some of them: each
//! is already there (the same content), a version of a record there (the same identity, edited on either
//! side since: merged, never written twice), or new.
//!
//! Exact content wins over identity, so that of two messages sent to one person in the same second, the one
//! the phone holds unchanged is never taken for a version of the other. A phone record is the version of at
//! most one backup record, and never of one when the backup also holds it exactly. The identity rules live
//! with the records (`src/data/merge.rs`).

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use crate::data::{Contact, ContentId, normalize_text};

/// A contact as the phone holds it, with what a restore needs to add to it.
pub(super) struct PhoneContact {
    /// Its raw contact's `_id`, to which new data rows are added.
    pub(super) raw_id: i64,
    /// Whether it has a photo (read without the bytes, which a restore does not need).
    pub(super) has_photo: bool,
    /// The contact.
    pub(super) contact: Contact,
}

/// What a backup record is on the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// The phone holds the same content (or this restore already wrote or matched it).
    Present,
    /// The phone's record at this index is another version of it.
    Version(usize),
    /// The phone does not have it.
    New,
}

/// The phone's records of one kind, by content and by identity key.
pub(super) struct Known<K> {
    /// Content ids on the phone, and those this restore has written or matched.
    present: HashSet<ContentId>,
    /// Phone records (their indices) by identity key.
    by_key: HashMap<K, Vec<usize>>,
    /// Per phone record: whether it is already some backup record's match.
    taken: Vec<bool>,
}

impl<K: Hash + Eq> Known<K> {
    /// `phone` gives each phone record's content id and identity keys, in the phone's order (the indices
    /// [`Found::Version`] names); `backup` the content ids of every record about to be restored.
    pub(super) fn new(
        phone: impl IntoIterator<Item = (ContentId, Vec<K>)>,
        backup: impl IntoIterator<Item = ContentId>,
    ) -> Self {
        let backup: HashSet<ContentId> = backup.into_iter().collect();
        let mut known = Known { present: HashSet::new(), by_key: HashMap::new(), taken: Vec::new() };
        for (index, (id, keys)) in phone.into_iter().enumerate() {
            known.taken.push(backup.contains(&id));
            known.present.insert(id);
            for key in keys {
                known.by_key.entry(key).or_default().push(index);
            }
        }
        known
    }

    /// What the backup record with content `id` and identity `keys` is on the phone. `score` says whether the
    /// phone record at an index is really the same record (`None`: it only shares a key), and how well it
    /// matches; the best match wins, the first among equals.
    pub(super) fn find(
        &mut self,
        id: ContentId,
        keys: &[K],
        score: impl Fn(usize) -> Option<usize>,
    ) -> Found {
        if !self.present.insert(id) {
            return Found::Present;
        }
        let mut best: Option<(usize, usize)> = None;
        for index in keys.iter().filter_map(|k| self.by_key.get(k)).flatten().copied() {
            if self.taken.get(index).copied().unwrap_or(true) {
                continue;
            }
            if let Some(score) = score(index)
                && best.is_none_or(|(_, top)| score > top)
            {
                best = Some((index, score));
            }
        }
        match best {
            Some((index, _)) => {
                self.taken[index] = true;
                Found::Version(index)
            }
            None => Found::New,
        }
    }
}

/// A contact's identity keys: its uid when it has one, and its normalized display name. Candidates share one;
/// [`Contact::same_contact`] decides.
pub(super) fn contact_keys(contact: &Contact) -> Vec<String> {
    let mut keys = Vec::with_capacity(2);
    if let Some(uid) = contact.uid.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        keys.push(format!("uid:{uid}"));
    }
    let name = normalize_text(&contact.display_name());
    if !name.is_empty() {
        keys.push(format!("name:{name}"));
    }
    keys
}

/// How well the phone's contact matches the backup's: `None` when it is not the same contact; otherwise the
/// same uid counts most, then each shared number or address.
pub(super) fn contact_score(backup: &Contact, phone: &Contact) -> Option<usize> {
    if !backup.same_contact(phone) {
        return None;
    }
    let same_uid = backup.uid.is_some() && backup.uid == phone.uid;
    Some(usize::from(same_uid) * 1000 + backup.shared_with(phone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Phone;

    fn id(n: u8) -> ContentId {
        let text = format!("{n:02x}").repeat(32);
        text.parse().unwrap()
    }

    #[test]
    fn exact_content_comes_before_identity() {
        // The phone holds messages 1 and 2, both under key "k"; the backup holds 2 unchanged and 3, a version
        // of 1. Whatever the order, 3 must be matched to 1, not to 2.
        let mut known = Known::new([(id(1), vec!["k"]), (id(2), vec!["k"])], [id(3), id(2)]);
        assert_eq!(known.find(id(3), &["k"], |_| Some(0)), Found::Version(0));
        assert_eq!(known.find(id(2), &["k"], |_| Some(0)), Found::Present);
        // A second version of the same record finds nothing left to merge with: it is new.
        assert_eq!(known.find(id(4), &["k"], |_| Some(0)), Found::New);
        // And the same record twice in the backup is written once.
        assert_eq!(known.find(id(4), &["k"], |_| Some(0)), Found::Present);
    }

    #[test]
    fn the_best_scoring_contact_wins() {
        let person = |numbers: &[&str]| Contact {
            formatted_name: Some("Ana Lima".into()),
            phones: numbers
                .iter()
                .map(|n| Phone { number: n.to_string(), meta: Default::default() })
                .collect(),
            ..Contact::default()
        };
        let phone = [person(&["555 0100"]), person(&["555 0100", "555 0101"])];
        let backup = person(&["555 0100", "555 0101", "555 0102"]);
        let mut known =
            Known::new(phone.iter().map(|c| (c.content_id(), contact_keys(c))), [backup.content_id()]);
        let found =
            known.find(backup.content_id(), &contact_keys(&backup), |i| contact_score(&backup, &phone[i]));
        assert_eq!(found, Found::Version(1));
    }
}
