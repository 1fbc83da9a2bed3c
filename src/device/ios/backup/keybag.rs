//! The BackupKeyBag of an encrypted iPhone backup, and unlocking it with the backup password.
//!
//! The keybag (in `Manifest.plist`) is a flat list of tag-length-value fields: 4-byte ASCII tag, 4-byte
//! big-endian length, value. The first fields describe the bag (`VERS`, `TYPE`, `UUID`, `HMCK`, `WRAP`, and the
//! password derivation: `SALT`/`ITER`, plus `DPSL`/`DPIC` since iOS 10.2); every later `UUID` starts one class
//! key (`CLAS`, `WRAP`, `KTYP`, `WPKY`). Class keys wrapped with the password (`WRAP` bit 2) are unwrapped with
//! RFC 3394 AES key unwrap under the key derived from the password:
//! PBKDF2-HMAC-SHA256(password, DPSL, DPIC) then PBKDF2-HMAC-SHA1(that, SALT, ITER), 32 bytes each.
//!
//! DPIC is 10,000,000 on current iOS, which takes seconds; the first derivation reports progress and can be
//! cancelled, and it is done once per backup. Every file's own key is then one cheap AES unwrap away.

use std::collections::BTreeMap;

use aes_kw::KekAes256;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::engine::Cancel;

/// Password-wrapped class keys have this bit in their `WRAP` field.
const WRAP_PASSCODE: u32 = 2;

/// How often (in PBKDF2 rounds) progress is reported and cancellation checked.
const REPORT_EVERY: u32 = 100_000;

/// One class key as stored: still wrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrappedClassKey {
    /// How it is wrapped (bit 2: with the password).
    pub(crate) wrap: u32,
    /// The key type, when given (0 AES, 1 Curve25519).
    pub(crate) key_type: Option<u32>,
    /// The wrapped key (40 bytes for a 32-byte key).
    pub(crate) wrapped: Vec<u8>,
}

/// A parsed BackupKeyBag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Keybag {
    /// Keybag version (`VERS`).
    pub(crate) version: Option<u32>,
    /// Keybag type (`TYPE`; 1 is a backup keybag).
    pub(crate) kind: Option<u32>,
    /// Salt of the SHA-1 round (`SALT`).
    pub(crate) salt: Vec<u8>,
    /// Rounds of the SHA-1 round (`ITER`).
    pub(crate) iterations: u32,
    /// Salt of the SHA-256 round (`DPSL`), absent before iOS 10.2.
    pub(crate) dp_salt: Option<Vec<u8>>,
    /// Rounds of the SHA-256 round (`DPIC`), absent before iOS 10.2.
    pub(crate) dp_iterations: Option<u32>,
    /// Class keys by protection class.
    pub(crate) class_keys: BTreeMap<u32, WrappedClassKey>,
}

/// Why a keybag cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum KeybagError {
    /// The bytes do not follow the format.
    #[error("{0}")]
    Malformed(String),
    /// The password does not unwrap the class keys.
    #[error("the password does not unlock the backup's keys")]
    WrongPassword,
    /// The person cancelled during key derivation.
    #[error("cancelled")]
    Cancelled,
}

impl Keybag {
    /// Parses the TLV fields.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, KeybagError> {
        let mut bag = Keybag {
            version: None,
            kind: None,
            salt: Vec::new(),
            iterations: 0,
            dp_salt: None,
            dp_iterations: None,
            class_keys: BTreeMap::new(),
        };
        let mut seen_bag_uuid = false;
        let mut current: Option<(Option<u32>, WrappedClassKey)> = None;
        let mut rest = bytes;
        while !rest.is_empty() {
            if rest.len() < 8 {
                return Err(KeybagError::Malformed(format!(
                    "{} stray bytes at the end of the keybag",
                    rest.len()
                )));
            }
            let tag = &rest[..4];
            let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
            let value = rest.get(8..8 + len).ok_or_else(|| {
                KeybagError::Malformed(format!(
                    "the field {} claims {len} bytes but only {} follow",
                    String::from_utf8_lossy(tag),
                    rest.len() - 8
                ))
            })?;
            rest = &rest[8 + len..];
            let number = (len == 4).then(|| u32::from_be_bytes([value[0], value[1], value[2], value[3]]));
            match (tag, current.as_mut()) {
                (b"UUID", _) if !seen_bag_uuid => seen_bag_uuid = true,
                (b"UUID", _) => {
                    bag.finish_class(current.take());
                    current = Some((None, WrappedClassKey { wrap: 0, key_type: None, wrapped: Vec::new() }));
                }
                (b"CLAS", Some((class, _))) => *class = number,
                (b"WRAP", Some((_, key))) => key.wrap = number.unwrap_or(0),
                (b"KTYP", Some((_, key))) => key.key_type = number,
                (b"WPKY", Some((_, key))) => key.wrapped = value.to_vec(),
                (b"VERS", None) => bag.version = number,
                (b"TYPE", None) => bag.kind = number,
                (b"SALT", None) => bag.salt = value.to_vec(),
                (b"ITER", None) => bag.iterations = number.unwrap_or(0),
                (b"DPSL", None) => bag.dp_salt = Some(value.to_vec()),
                (b"DPIC", None) => bag.dp_iterations = number,
                // HMCK, the bag's own WRAP, DPWT, PBKY and tags of later iOS versions carry nothing needed here.
                _ => {}
            }
        }
        bag.finish_class(current);
        if bag.iterations == 0 || bag.salt.is_empty() {
            return Err(KeybagError::Malformed("the keybag has no password salt or round count".into()));
        }
        if bag.class_keys.is_empty() {
            return Err(KeybagError::Malformed("the keybag holds no class keys".into()));
        }
        Ok(bag)
    }

    fn finish_class(&mut self, class: Option<(Option<u32>, WrappedClassKey)>) {
        if let Some((Some(class), key)) = class {
            self.class_keys.insert(class, key);
        }
    }

    /// Total PBKDF2 rounds the password derivation runs (for progress).
    pub(crate) fn total_rounds(&self) -> u64 {
        u64::from(self.dp_iterations.unwrap_or(0)) + u64::from(self.iterations)
    }

    /// Derives the password key and unwraps every password-wrapped class key. `progress` receives rounds done
    /// and rounds in all, about every hundred thousand rounds.
    pub(crate) fn unlock(
        &self,
        password: &str,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &Cancel,
    ) -> Result<ClassKeys, KeybagError> {
        let total = self.total_rounds();
        progress(0, total);
        let first: Zeroizing<Vec<u8>> = match (&self.dp_salt, self.dp_iterations) {
            (Some(salt), Some(rounds)) if rounds > 0 => {
                let key = pbkdf2_sha256_with_progress(
                    password.as_bytes(),
                    salt,
                    rounds,
                    &mut |done| progress(u64::from(done), total),
                    cancel,
                )?;
                Zeroizing::new(key.to_vec())
            }
            // Before iOS 10.2 the password went straight into the SHA-1 round.
            _ => Zeroizing::new(password.as_bytes().to_vec()),
        };
        let mut passcode_key = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(&first, &self.salt, self.iterations, passcode_key.as_mut());
        progress(total, total);
        let kek = KekAes256::from(*passcode_key);
        let mut keys = BTreeMap::new();
        for (class, key) in &self.class_keys {
            if key.wrap & WRAP_PASSCODE == 0 || key.wrapped.len() != 40 {
                // Keys not wrapped with the password (or asymmetric ones) cannot be used in a backup anyway.
                continue;
            }
            let mut plain = Zeroizing::new([0u8; 32]);
            kek.unwrap(&key.wrapped, plain.as_mut()).map_err(|_| KeybagError::WrongPassword)?;
            keys.insert(*class, plain);
        }
        if keys.is_empty() {
            return Err(KeybagError::Malformed(
                "no class key of the keybag is wrapped with the password".into(),
            ));
        }
        Ok(ClassKeys { keys })
    }
}

/// The unwrapped class keys of an unlocked backup. Zeroed when dropped.
pub(crate) struct ClassKeys {
    keys: BTreeMap<u32, Zeroizing<[u8; 32]>>,
}

impl ClassKeys {
    /// Unwraps a file key or the manifest key: 4 bytes of protection class (little-endian) and the wrapped key.
    pub(crate) fn unwrap_key(&self, blob: &[u8]) -> Result<Zeroizing<[u8; 32]>, String> {
        if blob.len() != 44 {
            return Err(format!("the wrapped key is {} bytes long instead of 44", blob.len()));
        }
        let class = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]);
        let class_key = self
            .keys
            .get(&class)
            .ok_or_else(|| format!("the keybag has no usable key for protection class {class}"))?;
        let mut key = Zeroizing::new([0u8; 32]);
        KekAes256::from(**class_key)
            .unwrap(&blob[4..], key.as_mut())
            .map_err(|_| format!("the key for protection class {class} does not unwrap it"))?;
        Ok(key)
    }
}

/// PBKDF2-HMAC-SHA256 for one 32-byte block, reporting rounds done and checking `cancel` as it goes. The
/// `pbkdf2` crate computes the same but in one uninterruptible call, which at 10,000,000 rounds would freeze
/// the caller for seconds with no word.
fn pbkdf2_sha256_with_progress(
    password: &[u8],
    salt: &[u8],
    rounds: u32,
    progress: &mut dyn FnMut(u32),
    cancel: &Cancel,
) -> Result<Zeroizing<[u8; 32]>, KeybagError> {
    // HMAC accepts keys of any length, so this cannot fail.
    let prf = Hmac::<Sha256>::new_from_slice(password).map_err(|e| KeybagError::Malformed(e.to_string()))?;
    let mut mac = prf.clone();
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut u: [u8; 32] = mac.finalize().into_bytes().into();
    let mut out = Zeroizing::new(u);
    for round in 1..rounds {
        let mut mac = prf.clone();
        mac.update(&u);
        u = mac.finalize().into_bytes().into();
        for (o, x) in out.iter_mut().zip(u.iter()) {
            *o ^= x;
        }
        if round % REPORT_EVERY == 0 {
            if cancel.is_cancelled() {
                return Err(KeybagError::Cancelled);
            }
            progress(round);
        }
    }
    progress(rounds);
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a keybag the way iOS lays one out, for fixtures: every class key wrapped under `password`.
    pub(crate) fn build_keybag(
        password: &str,
        dp_iterations: u32,
        class_keys: &[(u32, [u8; 32])],
    ) -> Vec<u8> {
        let (salt, dp_salt, iterations) = ([3u8; 20], [5u8; 20], 10u32);
        let mut first = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &dp_salt, dp_iterations, &mut first);
        let mut passcode_key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(&first, &salt, iterations, &mut passcode_key);
        let kek = KekAes256::from(passcode_key);
        let mut out = Vec::new();
        let mut field = |tag: &[u8], value: &[u8]| {
            out.extend_from_slice(tag);
            out.extend_from_slice(&(value.len() as u32).to_be_bytes());
            out.extend_from_slice(value);
        };
        field(b"VERS", &5u32.to_be_bytes());
        field(b"TYPE", &1u32.to_be_bytes());
        field(b"UUID", &[1; 16]);
        field(b"HMCK", &[0; 40]);
        field(b"WRAP", &0u32.to_be_bytes());
        field(b"SALT", &salt);
        field(b"ITER", &iterations.to_be_bytes());
        field(b"DPWT", &1u32.to_be_bytes());
        field(b"DPIC", &dp_iterations.to_be_bytes());
        field(b"DPSL", &dp_salt);
        for (class, key) in class_keys {
            let mut wrapped = [0u8; 40];
            kek.wrap(key, &mut wrapped).unwrap();
            field(b"UUID", &[2; 16]);
            field(b"CLAS", &class.to_be_bytes());
            field(b"WRAP", &2u32.to_be_bytes());
            field(b"KTYP", &0u32.to_be_bytes());
            field(b"WPKY", &wrapped);
        }
        out
    }

    #[test]
    fn progress_pbkdf2_matches_the_pbkdf2_crate() {
        for rounds in [1, 2, 1000, 250_001] {
            let mut expected = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<Sha256>(b"0000", b"salt", rounds, &mut expected);
            let mut reports = Vec::new();
            let got = pbkdf2_sha256_with_progress(
                b"0000",
                b"salt",
                rounds,
                &mut |r| reports.push(r),
                &Cancel::new(),
            )
            .unwrap();
            assert_eq!(*got, expected, "{rounds} rounds");
            assert_eq!(reports.last(), Some(&rounds));
        }
    }

    #[test]
    fn unlocks_with_the_right_password_only_and_honours_cancel() {
        let bag = Keybag::parse(&build_keybag("hunter2", 1000, &[(1, [11; 32]), (3, [33; 32])])).unwrap();
        assert_eq!(bag.class_keys.len(), 2);
        assert_eq!((bag.version, bag.kind, bag.dp_iterations), (Some(5), Some(1), Some(1000)));
        let keys = bag.unlock("hunter2", &mut |_, _| {}, &Cancel::new()).unwrap();
        let file_key = [77u8; 32];
        let mut blob = 3u32.to_le_bytes().to_vec();
        let mut wrapped = [0u8; 40];
        KekAes256::from([33u8; 32]).wrap(&file_key, &mut wrapped).unwrap();
        blob.extend_from_slice(&wrapped);
        assert_eq!(*keys.unwrap_key(&blob).unwrap(), file_key);
        blob[0] = 2;
        assert!(keys.unwrap_key(&blob).unwrap_err().contains("protection class 2"));

        let wrong = bag.unlock("hunter3", &mut |_, _| {}, &Cancel::new());
        assert_eq!(wrong.err(), Some(KeybagError::WrongPassword));

        let slow = Keybag::parse(&build_keybag("x", 1, &[(1, [1; 32])])).unwrap();
        let mut slow = slow;
        slow.dp_iterations = Some(10_000_000);
        let cancel = Cancel::new();
        cancel.cancel();
        assert_eq!(slow.unlock("x", &mut |_, _| {}, &cancel).err(), Some(KeybagError::Cancelled));
    }

    #[test]
    fn malformed_keybags_are_errors() {
        assert!(matches!(Keybag::parse(b"VERS\0\0\0\x04\0\0"), Err(KeybagError::Malformed(_))));
        assert!(matches!(Keybag::parse(b"VER"), Err(KeybagError::Malformed(_))));
        assert!(matches!(Keybag::parse(b""), Err(KeybagError::Malformed(_))));
    }
}
