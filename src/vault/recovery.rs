//! Recovery codes: a second way into a vault for the day its password is forgotten.
//!
//! A code is 160 random bits written as 32 characters of Crockford's base32 (digits and capitals without I, L,
//! O and U, so nothing reads as something else), followed by 4 check characters: nine groups of four, meant to be
//! printed or written down. The check characters are BLAKE3 of the 20 random bytes, so a typo is caught with a
//! sentence instead of looking like a wrong code. The code opens its own key slot (`"kind": "recovery"`), made
//! exactly like a password slot; what is typed is normalised first (case, spaces, dashes, and I/L read as 1 and
//! O as 0), so it can be typed however it was written down.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SECRET_BYTES: usize = 20;
const SECRET_CHARS: usize = SECRET_BYTES * 8 / 5;
const CHECK_CHARS: usize = 4;
const GROUP: usize = 4;

/// A recovery code, in its canonical form (what a key slot is made with).
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct RecoveryCode(String);

/// Why typed text is not a recovery code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadRecoveryCode {
    /// Too few or too many characters.
    #[error("a recovery code has {expected} letters and digits, but {found} were typed")]
    Length {
        /// How many a code has.
        expected: usize,
        /// How many were typed.
        found: usize,
    },
    /// A character that is in no code.
    #[error("\"{0}\" is not in any recovery code; check that character")]
    Character(char),
    /// The check characters do not fit: a typo.
    #[error("this recovery code has a typo: its last four characters do not fit the rest")]
    Typo,
}

impl RecoveryCode {
    /// A new random code.
    pub fn generate() -> Self {
        let mut secret: [u8; SECRET_BYTES] = rand::random();
        let code = Self::from_secret(&secret);
        secret.zeroize();
        code
    }

    fn from_secret(secret: &[u8; SECRET_BYTES]) -> Self {
        let mut chars = String::with_capacity(SECRET_CHARS + CHECK_CHARS);
        encode(secret, &mut chars);
        chars.push_str(&check(secret));
        Self(chars)
    }

    /// Reads a code as a person typed it.
    pub fn parse(typed: &str) -> Result<Self, BadRecoveryCode> {
        let mut values = Vec::with_capacity(SECRET_CHARS + CHECK_CHARS);
        for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            let value =
                ALPHABET.iter().position(|a| char::from(*a) == c).ok_or(BadRecoveryCode::Character(c))?;
            values.push(value as u8);
        }
        if values.len() != SECRET_CHARS + CHECK_CHARS {
            return Err(BadRecoveryCode::Length {
                expected: SECRET_CHARS + CHECK_CHARS,
                found: values.len(),
            });
        }
        let mut secret = decode(&values[..SECRET_CHARS]);
        let canonical = Self::from_secret(&secret);
        secret.zeroize();
        let typed_check: String =
            values[SECRET_CHARS..].iter().map(|v| char::from(ALPHABET[*v as usize])).collect();
        if canonical.0[SECRET_CHARS..] != typed_check {
            return Err(BadRecoveryCode::Typo);
        }
        Ok(canonical)
    }

    /// The canonical form, which key slots are made with.
    pub fn as_secret(&self) -> &str {
        &self.0
    }
}

/// Printed in groups of four: `7XK2-9QMV-…`.
impl fmt::Display for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, group) in self.0.as_bytes().chunks(GROUP).enumerate() {
            if n > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(group).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

/// Never printed by accident (logs, panics).
impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

fn encode(bytes: &[u8; SECRET_BYTES], out: &mut String) {
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
}

fn decode(values: &[u8]) -> [u8; SECRET_BYTES] {
    let mut out = [0u8; SECRET_BYTES];
    let (mut buffer, mut bits, mut at) = (0u32, 0u32, 0);
    for value in values {
        buffer = (buffer << 5) | u32::from(*value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            if let Some(slot) = out.get_mut(at) {
                *slot = (buffer >> bits) as u8;
            }
            at += 1;
        }
    }
    out
}

fn check(secret: &[u8; SECRET_BYTES]) -> String {
    let hash = blake3::hash(secret);
    let bits = u32::from_be_bytes([hash.as_bytes()[0], hash.as_bytes()[1], hash.as_bytes()[2], 0]) >> 12;
    (0..CHECK_CHARS).rev().map(|n| char::from(ALPHABET[((bits >> (n * 5)) & 31) as usize])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed() {
        let code = RecoveryCode::generate();
        let printed = code.to_string();
        assert_eq!(printed.len(), 9 * 4 + 8, "{printed}");
        assert_eq!(RecoveryCode::parse(&printed).unwrap(), code);
        let sloppy = printed.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(RecoveryCode::parse(&sloppy).unwrap(), code);
        assert_ne!(RecoveryCode::generate(), code);
    }

    #[test]
    fn typos_and_wrong_lengths_are_named() {
        let code = RecoveryCode::generate().to_string();
        let mut chars: Vec<char> = code.chars().collect();
        chars[5] = if chars[5] == '7' { '8' } else { '7' };
        let typo: String = chars.into_iter().collect();
        assert_eq!(RecoveryCode::parse(&typo), Err(BadRecoveryCode::Typo));
        assert!(matches!(RecoveryCode::parse(&code[..20]), Err(BadRecoveryCode::Length { .. })));
        assert_eq!(RecoveryCode::parse("U"), Err(BadRecoveryCode::Character('U')));
        assert!(format!("{:?}", RecoveryCode::generate()).contains('…'));
    }

    #[test]
    fn every_secret_survives_the_round_trip() {
        for seed in [[0u8; SECRET_BYTES], [0xff; SECRET_BYTES], std::array::from_fn(|i| i as u8 * 13)] {
            let code = RecoveryCode::from_secret(&seed);
            let values: Vec<u8> = code
                .0
                .bytes()
                .take(SECRET_CHARS)
                .map(|c| ALPHABET.iter().position(|a| *a == c).unwrap() as u8)
                .collect();
            assert_eq!(decode(&values), seed);
        }
    }
}
