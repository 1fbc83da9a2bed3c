//! The phone's side of ADB authentication: which host keys it trusts, and checking a host's signature.
//!
//! A host public key travels in Android's own format: base64 of a 524-byte little-endian structure
//! (modulus size in 32-bit words, n0inv, modulus, R², exponent) followed by ` user@host`. The host signs the
//! phone's 20-byte token with RSA PKCS#1 v1.5 *as if the token were a SHA-1 digest*; that is what adbd's
//! `RSA_verify(NID_sha1, token, ...)` checks, and what [`verify_signature`] checks here.
//!
//! Trusted keys live in `adb_keys` in the state folder, one key a line, exactly like
//! `/data/misc/adb/adb_keys` on a phone.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use base64::Engine;
use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
use sha1::Sha1;

/// Size of the token the phone asks the host to sign, as adbd.
pub const TOKEN_SIZE: usize = 20;

/// Modulus size of the keys adb generates, in 32-bit words (RSA-2048).
const KEY_WORDS: usize = 64;
/// Size of the binary key structure.
const KEY_STRUCT_LEN: usize = 4 + 4 + KEY_WORDS * 4 * 2 + 4;

/// Why a host key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key is not base64.
    #[error("the host key is not valid base64")]
    NotBase64,
    /// The key decodes to the wrong structure.
    #[error("the host key is {0} bytes long; Android keys are 524")]
    WrongLength(usize),
    /// The key says it is not RSA-2048.
    #[error("the host key has a {0}-word modulus; only 2048-bit keys are supported")]
    WrongSize(u32),
    /// The numbers do not form a valid RSA key.
    #[error("the host key is not a valid RSA key: {0}")]
    Invalid(String),
}

/// Parses one key in Android's format (the part before ` user@host` may be given alone).
pub fn parse_public_key(text: &str) -> Result<RsaPublicKey, KeyError> {
    let encoded = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let encoded = encoded.split_whitespace().next().unwrap_or("");
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| KeyError::NotBase64)?;
    if bytes.len() != KEY_STRUCT_LEN {
        return Err(KeyError::WrongLength(bytes.len()));
    }
    let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let words = word(0);
    if words as usize != KEY_WORDS {
        return Err(KeyError::WrongSize(words));
    }
    let modulus = BigUint::from_bytes_le(&bytes[8..8 + KEY_WORDS * 4]);
    let exponent = BigUint::from(word(8 + KEY_WORDS * 8));
    RsaPublicKey::new(modulus, exponent).map_err(|e| KeyError::Invalid(e.to_string()))
}

/// Whether `signature` is the host's signature of `token` with `key`.
pub fn verify_signature(key: &RsaPublicKey, token: &[u8], signature: &[u8]) -> bool {
    key.verify(Pkcs1v15Sign::new::<Sha1>(), token, signature).is_ok()
}

/// The keys this phone trusts, backed by the `adb_keys` file.
pub struct TrustedKeys {
    path: PathBuf,
    lines: Mutex<Vec<String>>,
}

impl TrustedKeys {
    /// Loads `path`; a missing file is a phone that trusts nobody yet.
    pub fn load(path: PathBuf) -> io::Result<Self> {
        let lines = match fs::read_to_string(&path) {
            Ok(text) => text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(Self { path, lines: Mutex::new(lines) })
    }

    /// Whether any trusted key signed `token` as `signature`.
    pub fn accepts(&self, token: &[u8], signature: &[u8]) -> bool {
        let lines = match self.lines.lock() {
            Ok(lines) => lines.clone(),
            Err(_) => return false,
        };
        lines
            .iter()
            .filter_map(|line| parse_public_key(line).ok())
            .any(|key| verify_signature(&key, token, signature))
    }

    /// Trusts a key, as a person tapping "Always allow from this computer" does; the key is kept in
    /// `adb_keys` so the next connection needs no confirmation.
    pub fn trust(&self, key_line: &str) -> Result<(), TrustError> {
        let line = key_line.trim_matches(|c: char| c == '\0' || c.is_whitespace()).to_owned();
        parse_public_key(&line)?;
        let mut lines = self.lines.lock().map_err(|_| TrustError::Poisoned)?;
        if lines.iter().any(|known| same_key(known, &line)) {
            return Ok(());
        }
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|source| TrustError::Io { path: self.path.clone(), source })?;
        writeln!(file, "{line}").map_err(|source| TrustError::Io { path: self.path.clone(), source })?;
        lines.push(line);
        Ok(())
    }
}

fn same_key(a: &str, b: &str) -> bool {
    a.split_whitespace().next() == b.split_whitespace().next()
}

/// Why a key could not be trusted.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// The key itself is unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The key list could not be written.
    #[error("cannot write the trusted keys file \"{path}\": {source}")]
    Io {
        /// The `adb_keys` file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// Another thread panicked while holding the key list.
    #[error("the trusted key list is unusable after an internal failure; restart the virtual phone")]
    Poisoned,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::RsaPrivateKey;
    use rsa::traits::PublicKeyParts;

    /// Encodes a key the way adb's `android_pubkey_encode` does.
    fn android_encode(key: &RsaPublicKey) -> String {
        let mut bytes = Vec::with_capacity(KEY_STRUCT_LEN);
        bytes.extend_from_slice(&(KEY_WORDS as u32).to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes()); // n0inv: unused by this verifier.
        let mut modulus = key.n().to_bytes_le();
        modulus.resize(KEY_WORDS * 4, 0);
        bytes.extend_from_slice(&modulus);
        bytes.extend_from_slice(&[0u8; KEY_WORDS * 4]); // R²: unused by this verifier.
        let exponent = key.e().to_bytes_le();
        let mut e = [0u8; 4];
        e[..exponent.len()].copy_from_slice(&exponent);
        bytes.extend_from_slice(&e);
        format!("{} tester@host", base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    #[test]
    fn verifies_a_token_signed_like_adb_does() {
        let mut rng = rand::thread_rng();
        let private = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let line = android_encode(&private.to_public_key());
        let key = parse_public_key(&line).unwrap();
        let token = [7u8; TOKEN_SIZE];
        let signature = private.sign(Pkcs1v15Sign::new::<Sha1>(), &token).unwrap();
        assert!(verify_signature(&key, &token, &signature));
        assert!(!verify_signature(&key, &[8u8; TOKEN_SIZE], &signature));

        let dir = tempfile::tempdir().unwrap();
        let trusted = TrustedKeys::load(dir.path().join("adb_keys")).unwrap();
        assert!(!trusted.accepts(&token, &signature));
        trusted.trust(&format!("{line}\0")).unwrap();
        trusted.trust(&line).unwrap();
        let stored = fs::read_to_string(dir.path().join("adb_keys")).unwrap();
        assert_eq!(stored.lines().count(), 1, "the same key is remembered once");
        assert!(trusted.accepts(&token, &signature));
        let reloaded = TrustedKeys::load(dir.path().join("adb_keys")).unwrap();
        assert!(reloaded.accepts(&token, &signature), "trust survives a restart");
    }

    #[test]
    fn rejects_malformed_keys() {
        assert!(matches!(parse_public_key("not base64 !!!"), Err(KeyError::NotBase64)));
        assert!(matches!(parse_public_key("AAAA"), Err(KeyError::WrongLength(3))));
        let dir = tempfile::tempdir().unwrap();
        let trusted = TrustedKeys::load(dir.path().join("adb_keys")).unwrap();
        assert!(trusted.trust("AAAA user@host").is_err());
        assert!(!dir.path().join("adb_keys").exists());
    }
}
