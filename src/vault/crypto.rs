//! The vault's cryptography in one place.
//!
//! A random 32-byte master secret is the root of everything. From it, BLAKE3's key derivation gives two
//! independent keys: one for XChaCha20-Poly1305 (every byte the vault stores) and one for keyed BLAKE3 chunk
//! ids (so an id reveals nothing about the plaintext to someone without the key). The master secret itself is
//! only ever stored wrapped by a password-derived key, in a key slot (see `keys.rs`).
//!
//! Every sealed message is `nonce (24 bytes) || ciphertext || tag (16 bytes)`. Random 192-bit nonces are why
//! XChaCha20 is used: they never repeat in practice without any counter to keep crash-safe. The associated data
//! binds each message to its role and name, so an index cannot be passed off as a snapshot, or one blob as
//! another.

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Key, Tag, XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::id::Id;

/// Bytes a sealed message adds to its plaintext.
pub const SEAL_OVERHEAD: usize = NONCE_LEN + TAG_LEN;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// The unwrapped master secret.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterSecret(pub(crate) [u8; 32]);

impl MasterSecret {
    /// A new random secret, for a new vault.
    pub fn generate() -> Self {
        Self(rand::random())
    }
}

/// The working keys derived from the master secret.
pub struct Keys {
    cipher: XChaCha20Poly1305,
    id_key: [u8; 32],
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.id_key.zeroize();
    }
}

/// Authentication failed: wrong key or changed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unauthentic;

impl Keys {
    /// Derives the working keys.
    pub fn derive(master: &MasterSecret) -> Self {
        let mut data_key = blake3::derive_key("lifeboat vault 2026-11 data encryption", &master.0);
        let id_key = blake3::derive_key("lifeboat vault 2026-11 chunk ids", &master.0);
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&data_key));
        data_key.zeroize();
        Self { cipher, id_key }
    }

    /// Keys for data the vault's owner keeps outside the vault (a cache of previews): derived from the same
    /// master secret, under a context of their own, so they can never open or name the vault's own blobs.
    pub fn derive_local(master: &MasterSecret, purpose: &str) -> Self {
        let mut data_key =
            blake3::derive_key(&format!("lifeboat vault 2026-11 local {purpose} encryption"), &master.0);
        let id_key = blake3::derive_key(&format!("lifeboat vault 2026-11 local {purpose} ids"), &master.0);
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&data_key));
        data_key.zeroize();
        Self { cipher, id_key }
    }

    /// The keyed id of a plaintext blob.
    pub fn blob_id(&self, plaintext: &[u8]) -> Id {
        Id(*blake3::keyed_hash(&self.id_key, plaintext).as_bytes())
    }

    /// Encrypts and authenticates `plaintext`, binding it to `ad`.
    pub fn seal(&self, ad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(plaintext.len() + SEAL_OVERHEAD);
        let nonce: [u8; NONCE_LEN] = rand::random();
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        let tag = self
            .cipher
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), ad, &mut out[NONCE_LEN..])
            // Encryption fails only for messages longer than 256 GiB; nothing the vault seals comes close.
            .expect("a sealed message is far below XChaCha20's length limit");
        out.extend_from_slice(&tag);
        out
    }

    /// Checks and decrypts a sealed message.
    pub fn open(&self, ad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Unauthentic> {
        let mut buffer = sealed.to_vec();
        self.open_in_place(ad, &mut buffer)?;
        Ok(buffer)
    }

    /// Checks and decrypts a sealed message held in `buffer`, leaving only the plaintext there.
    pub fn open_in_place(&self, ad: &[u8], buffer: &mut Vec<u8>) -> Result<(), Unauthentic> {
        if buffer.len() < SEAL_OVERHEAD {
            return Err(Unauthentic);
        }
        let tag_at = buffer.len() - TAG_LEN;
        let nonce: [u8; NONCE_LEN] = buffer[..NONCE_LEN].try_into().map_err(|_| Unauthentic)?;
        let tag = Tag::clone_from_slice(&buffer[tag_at..]);
        self.cipher
            .decrypt_in_place_detached(XNonce::from_slice(&nonce), ad, &mut buffer[NONCE_LEN..tag_at], &tag)
            .map_err(|_| Unauthentic)?;
        buffer.truncate(tag_at);
        buffer.drain(..NONCE_LEN);
        Ok(())
    }
}

/// Wraps a master secret with a key derived from a password.
pub fn wrap_secret(kek: &[u8; 32], master: &MasterSecret) -> Vec<u8> {
    let cipher = Keys::with_raw_key(kek);
    cipher.seal(b"lifeboat key slot", &master.0)
}

/// Unwraps a master secret; fails on a wrong password.
pub fn unwrap_secret(kek: &[u8; 32], wrapped: &[u8]) -> Result<MasterSecret, Unauthentic> {
    let cipher = Keys::with_raw_key(kek);
    let mut plain = cipher.open(b"lifeboat key slot", wrapped)?;
    let secret: [u8; 32] = plain.as_slice().try_into().map_err(|_| Unauthentic)?;
    plain.zeroize();
    Ok(MasterSecret(secret))
}

impl Keys {
    fn with_raw_key(key: &[u8; 32]) -> Self {
        Self { cipher: XChaCha20Poly1305::new(Key::from_slice(key)), id_key: [0; 32] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_keys_are_apart_from_the_vaults_and_from_each_other() {
        let master = MasterSecret::generate();
        let (vault, thumbnails) = (Keys::derive(&master), Keys::derive_local(&master, "thumbnails"));
        let sealed = thumbnails.seal(b"name", b"preview");
        assert_eq!(Keys::derive_local(&master, "thumbnails").open(b"name", &sealed).unwrap(), b"preview");
        assert!(vault.open(b"name", &sealed).is_err());
        assert!(Keys::derive_local(&master, "other").open(b"name", &sealed).is_err());
        assert!(Keys::derive_local(&MasterSecret::generate(), "thumbnails").open(b"name", &sealed).is_err());
        assert!(thumbnails.open(b"name", &vault.seal(b"name", b"blob")).is_err());
    }

    #[test]
    fn seal_open_round_trip_and_tamper_detection() {
        let keys = Keys::derive(&MasterSecret::generate());
        let sealed = keys.seal(b"ad", b"hello");
        assert_eq!(sealed.len(), 5 + SEAL_OVERHEAD);
        assert_eq!(keys.open(b"ad", &sealed).unwrap(), b"hello");
        assert!(keys.open(b"other role", &sealed).is_err(), "associated data is bound");
        let mut flipped = sealed.clone();
        flipped[30] ^= 1;
        assert!(keys.open(b"ad", &flipped).is_err());
        assert!(keys.open(b"ad", &sealed[..10]).is_err());
    }

    #[test]
    fn ids_are_keyed() {
        let a = Keys::derive(&MasterSecret::generate());
        let b = Keys::derive(&MasterSecret::generate());
        assert_eq!(a.blob_id(b"x"), a.blob_id(b"x"));
        assert_ne!(a.blob_id(b"x"), b.blob_id(b"x"));
    }

    #[test]
    fn wrapped_secret_needs_the_right_key() {
        let master = MasterSecret::generate();
        let wrapped = wrap_secret(&[7; 32], &master);
        assert_eq!(unwrap_secret(&[7; 32], &wrapped).unwrap().0, master.0);
        assert!(unwrap_secret(&[8; 32], &wrapped).is_err());
    }
}
