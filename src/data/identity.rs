//! Content identity: a BLAKE3 digest over the normalized fields of a record, so that the same contact, message or
//! call read from two backups (or two phones, or two file formats) compares equal even when the bytes differ.
//!
//! What goes into each record's identity is documented on its `content_id` method and in
//! `docs/data-formats.md`. The rules shared by all of them live here: text is trimmed, runs of whitespace become
//! one space and case is folded; phone numbers keep their last ten digits; e-mail addresses are lowercased; sets
//! are sorted so that order never matters. Every field is written with its tag and its length, so that no two
//! different records can produce the same byte stream by shifting text from one field into the next.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A stable, 32-byte identity of a record's content (BLAKE3 over its normalized fields).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId([u8; 32]);

impl ContentId {
    /// The raw digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest as 64 lowercase hexadecimal characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Twelve characters are plenty to tell records apart in logs and test failures.
        write!(f, "ContentId({}…)", &self.to_hex()[..12])
    }
}

/// A string that is not 64 hexadecimal characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a content id (expected 64 hexadecimal characters)")]
pub struct InvalidContentId(pub String);

impl FromStr for ContentId {
    type Err = InvalidContentId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| InvalidContentId(s.to_string()))?;
        Ok(ContentId(bytes))
    }
}

impl Serialize for ContentId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for ContentId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Feeds tagged, length-prefixed fields into BLAKE3; records build their identity with it.
pub(crate) struct IdentityHasher {
    inner: blake3::Hasher,
}

impl IdentityHasher {
    /// Starts an identity in its own domain (such as `lifeboat.contact.v1`), so that a contact and a message
    /// can never share an identity, and a future change of rules bumps the version instead of colliding.
    pub(crate) fn new(domain: &str) -> Self {
        let mut inner = blake3::Hasher::new();
        inner.update(domain.as_bytes());
        inner.update(&[0]);
        Self { inner }
    }

    /// One text field, written as given (callers normalize first).
    pub(crate) fn text(&mut self, tag: &str, value: &str) {
        self.bytes(tag, value.as_bytes());
    }

    /// One optional text field; absence and the empty string are the same thing for identity.
    pub(crate) fn opt_text(&mut self, tag: &str, value: Option<&str>) {
        self.text(tag, value.unwrap_or(""));
    }

    /// One number.
    pub(crate) fn int(&mut self, tag: &str, value: i64) {
        self.bytes(tag, &value.to_le_bytes());
    }

    /// A set of texts: sorted and deduplicated, so order and repetition never matter.
    pub(crate) fn set<I>(&mut self, tag: &str, values: I)
    where
        I: IntoIterator<Item = String>,
    {
        let mut values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
        values.sort();
        values.dedup();
        self.int(tag, values.len() as i64);
        for value in &values {
            self.text(tag, value);
        }
    }

    /// One opaque byte field.
    pub(crate) fn bytes(&mut self, tag: &str, value: &[u8]) {
        self.inner.update(&(tag.len() as u64).to_le_bytes());
        self.inner.update(tag.as_bytes());
        self.inner.update(&(value.len() as u64).to_le_bytes());
        self.inner.update(value);
    }

    /// The identity.
    pub(crate) fn finish(self) -> ContentId {
        ContentId(*self.inner.finalize().as_bytes())
    }
}

/// Text as compared for identity: trimmed, whitespace runs collapsed to one space, case folded, and `\r\n`
/// treated like `\n` (both are whitespace here).
pub fn normalize_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// How many trailing digits of a phone number count for identity.
///
/// Phones store the same number as `+44 20 7946 0958`, `020 7946 0958` or `(020) 79460958` depending on who
/// typed it and where; the country and trunk prefixes differ but the subscriber part does not. Ten digits cover
/// the national significant number of nearly every country (Android compares only seven for caller id).
pub const PHONE_IDENTITY_DIGITS: usize = 10;

/// A phone number as compared for identity: its last [`PHONE_IDENTITY_DIGITS`] digits, with `*` and `#`
/// kept (service codes) and pauses/waits written as `,` and `;`. Something with no digits at all (an
/// alphanumeric sender such as "Google", or an e-mail address used as an SMS address) is compared as
/// normalized text instead.
pub fn normalize_phone_number(number: &str) -> String {
    let mut kept = Vec::new();
    for c in number.chars() {
        match c {
            '0'..='9' | '*' | '#' => kept.push(c),
            'p' | 'P' | ',' => kept.push(','),
            'w' | 'W' | ';' => kept.push(';'),
            _ => {}
        }
    }
    if !kept.iter().any(char::is_ascii_digit) {
        return normalize_text(number);
    }
    // Trailing pauses and extensions belong to the number; keep the tail that ends at the last digit group.
    let start = kept.len().saturating_sub(PHONE_IDENTITY_DIGITS);
    if kept.iter().all(char::is_ascii_digit) { kept[start..].iter().collect() } else { kept.iter().collect() }
}

/// An e-mail address as compared for identity: trimmed and lowercased. (The local part is case-sensitive in
/// theory and never in practice.)
pub fn normalize_email(address: &str) -> String {
    address.trim().to_lowercase()
}

/// A message or call address as compared for identity: a phone number when it has digits and no `@`,
/// otherwise an e-mail or group id compared as lowercased text.
pub fn normalize_address(address: &str) -> String {
    if address.contains('@') { normalize_email(address) } else { normalize_phone_number(address) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_in_national_and_international_form_agree() {
        assert_eq!(normalize_phone_number("+44 20 7946 0958"), normalize_phone_number("020 7946 0958"));
        assert_eq!(normalize_phone_number("+1 (905) 555-1234"), normalize_phone_number("905.555.1234"));
        assert_ne!(normalize_phone_number("905-555-1234"), normalize_phone_number("905-555-1235"));
        assert_eq!(normalize_phone_number("p1234p5678w9"), ",1234,5678;9");
        assert_eq!(normalize_phone_number("Google"), "google");
    }

    #[test]
    fn text_is_folded_and_collapsed() {
        assert_eq!(normalize_text("  Hello\r\n  WORLD\t"), "hello world");
    }

    #[test]
    fn content_id_round_trips_through_hex() {
        let mut hasher = IdentityHasher::new("test");
        hasher.text("a", "b");
        let id = hasher.finish();
        assert_eq!(id.to_hex().parse::<ContentId>(), Ok(id));
        assert!("xyz".parse::<ContentId>().is_err());
    }

    #[test]
    fn fields_cannot_shift_into_each_other() {
        let mut one = IdentityHasher::new("test");
        one.text("a", "bc");
        one.text("a", "d");
        let mut two = IdentityHasher::new("test");
        two.text("a", "b");
        two.text("a", "cd");
        assert_ne!(one.finish(), two.finish());
    }
}
