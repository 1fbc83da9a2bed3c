//! The computer's ADB key: the RSA key a phone remembers after "Allow USB debugging?".
//!
//! Lifeboat shares the key with the platform's `adb` (`~/.android/adbkey`, or `$ANDROID_USER_HOME/adbkey`),
//! so a phone that already trusts this computer's adb trusts Lifeboat too, and a person is asked once. When
//! there is no key, one is made in adb's own format (PKCS#8 PEM, 2048 bits, with `adbkey.pub` beside it) so
//! that adb will happily use it later.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, Pkcs1v15Sign, RsaPrivateKey};
use sha1::Sha1;

use super::AdbError;

/// Words of a 2048-bit modulus in Android's public key structure.
const KEY_WORDS: usize = 64;

/// The host key.
pub struct AdbKey {
    key: RsaPrivateKey,
    /// `user@host`, the comment adb appends to the public key; the phone shows it in its dialog.
    comment: String,
}

impl std::fmt::Debug for AdbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdbKey").field("comment", &self.comment).finish_non_exhaustive()
    }
}

/// Where adb keeps its key: `$ANDROID_USER_HOME/adbkey`, else `~/.android/adbkey`.
pub fn default_key_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ANDROID_USER_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("adbkey"));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()))?;
    Some(home.join(".android").join("adbkey"))
}

impl AdbKey {
    /// Loads the key at `path`, creating it (and `path.pub`) in adb's format when it does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, AdbError> {
        let bad = |detail: String| AdbError::Key { path: path.to_path_buf(), detail };
        match fs::read_to_string(path) {
            Ok(text) => {
                // adb writes PKCS#8 ("BEGIN PRIVATE KEY"); keys from before 2016 are PKCS#1.
                let key = RsaPrivateKey::from_pkcs8_pem(&text)
                    .or_else(|_| RsaPrivateKey::from_pkcs1_pem(&text))
                    .map_err(|e| bad(format!("it is not an RSA key adb could use ({e})")))?;
                Ok(Self { key, comment: comment() })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048)
                    .map_err(|e| bad(format!("cannot make a key: {e}")))?;
                let this = Self { key, comment: comment() };
                this.save(path).map_err(|e| bad(format!("cannot save the new key: {e}")))?;
                log::info!("created the ADB key {}", path.display());
                Ok(this)
            }
            Err(e) => Err(bad(e.to_string())),
        }
    }

    /// A key that lives only in memory (tests, or a computer with no home folder).
    pub fn ephemeral() -> Result<Self, AdbError> {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048)
            .map_err(|e| AdbError::Key { path: PathBuf::from("(memory)"), detail: e.to_string() })?;
        Ok(Self { key, comment: comment() })
    }

    fn save(&self, path: &Path) -> io::Result<()> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let pem = self.key.to_pkcs8_pem(LineEnding::LF).map_err(io::Error::other)?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        use std::io::Write;
        options.open(path)?.write_all(pem.as_bytes())?;
        let mut public = path.as_os_str().to_owned();
        public.push(".pub");
        fs::write(PathBuf::from(public), self.public_key_line())
    }

    /// Signs a phone's 20-byte AUTH token. adbd verifies it as an RSA PKCS#1 v1.5 signature of a SHA-1
    /// digest, with the token standing in for the digest: it is signed as is, never hashed.
    pub fn sign(&self, token: &[u8]) -> Result<Vec<u8>, AdbError> {
        self.key.sign(Pkcs1v15Sign::new::<Sha1>(), token).map_err(|e| AdbError::Protocol {
            device: String::new(),
            detail: format!("the phone's authentication token cannot be signed: {e}"),
        })
    }

    /// The public key as adb sends it (and writes `adbkey.pub`): base64 of Android's RSA structure, a space,
    /// `user@host`.
    pub fn public_key_line(&self) -> String {
        format!("{} {}", STANDARD.encode(android_public_key(&self.key)), self.comment)
    }
}

fn comment() -> String {
    let user =
        std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "lifeboat".into());
    format!("{user}@{}", crate::vault::hostname())
}

/// Android's `RSAPublicKey` structure (`android_pubkey_encode`): modulus size in words, n0inv = -1/n mod 2^32,
/// the modulus little-endian, R² mod n (R = 2^2048) little-endian, and the exponent.
fn android_public_key(key: &RsaPrivateKey) -> Vec<u8> {
    let n = key.n();
    let n0 =
        n.to_bytes_le().iter().take(4).enumerate().fold(0u32, |w, (i, b)| w | (u32::from(*b) << (8 * i)));
    // Newton's iteration doubles the correct low bits each step: 5 steps reach 32 bits for odd n0.
    let mut inverse = n0;
    for _ in 0..5 {
        inverse = inverse.wrapping_mul(2u32.wrapping_sub(n0.wrapping_mul(inverse)));
    }
    let n0inv = inverse.wrapping_neg();
    let rr = (BigUint::from(1u32) << (KEY_WORDS * 32 * 2)) % n;
    let le = |value: &BigUint| {
        let mut bytes = value.to_bytes_le();
        bytes.resize(KEY_WORDS * 4, 0);
        bytes
    };
    let exponent = key
        .e()
        .to_bytes_le()
        .iter()
        .take(4)
        .enumerate()
        .fold(0u32, |w, (i, b)| w | (u32::from(*b) << (8 * i)));
    let mut out = Vec::with_capacity(4 + 4 + KEY_WORDS * 8 + 4);
    out.extend_from_slice(&(KEY_WORDS as u32).to_le_bytes());
    out.extend_from_slice(&n0inv.to_le_bytes());
    out.extend_from_slice(&le(n));
    out.extend_from_slice(&le(&rr));
    out.extend_from_slice(&exponent.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::RsaPublicKey;

    #[test]
    fn creates_a_key_adb_can_read_and_reloads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".android/adbkey");
        let key = AdbKey::load_or_create(&path).unwrap();
        let pem = fs::read_to_string(&path).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "adb's PKCS#8 PEM: {pem}");
        let public = fs::read_to_string(dir.path().join(".android/adbkey.pub")).unwrap();
        assert_eq!(public, key.public_key_line());
        let again = AdbKey::load_or_create(&path).unwrap();
        assert_eq!(again.public_key_line(), key.public_key_line());

        // The structure a phone parses: size in words, n0inv with n * n0inv = -1 mod 2^32, modulus, R², e.
        let encoded = STANDARD.decode(public.split(' ').next().unwrap()).unwrap();
        assert_eq!(encoded.len(), 524);
        let word = |at: usize| u32::from_le_bytes(encoded[at..at + 4].try_into().unwrap());
        assert_eq!(word(0), 64);
        assert_eq!(word(8).wrapping_mul(word(4)), u32::MAX, "n0inv is -1/n mod 2^32");
        assert_eq!(word(520), 65537);
        let n = BigUint::from_bytes_le(&encoded[8..264]);
        assert_eq!(&n, key.key.n());
        assert_eq!(BigUint::from_bytes_le(&encoded[264..520]), (BigUint::from(1u32) << 4096) % &n);

        // A signature of a token verifies as adbd checks it.
        let token = [9u8; 20];
        let signature = key.sign(&token).unwrap();
        let public = RsaPublicKey::from(&key.key);
        assert!(public.verify(Pkcs1v15Sign::new::<Sha1>(), &token, &signature).is_ok());
    }

    #[test]
    fn a_damaged_key_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("adbkey");
        fs::write(&path, "not a key").unwrap();
        let error = AdbKey::load_or_create(&path).unwrap_err().to_string();
        assert!(error.contains("adbkey"), "{error}");
    }
}
