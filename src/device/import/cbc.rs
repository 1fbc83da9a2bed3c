//! Streaming AES-256-CBC decryption, shared by the importers: iTunes/Finder backups encrypt every file with
//! AES-256-CBC and a zero IV, `adb backup` files encrypt their whole tar stream with AES-256-CBC. Both can be
//! gigabytes, so this decrypts a bounded window at a time and never holds a whole file.
//!
//! The two formats end differently. `adb backup` uses PKCS#7 padding, which is only known to be padding once the
//! last block is known to be last; the reader therefore always holds one ciphertext block back until it has
//! seen the end. iPhone backups pad too, but their metadata records the true size, which is more trustworthy
//! than the padding (some iOS versions pad oddly), so there the output is cut at that size.

use std::io::{self, Read};

use aes::Aes256;
use aes::cipher::generic_array::GenericArray;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};

/// AES block size in bytes.
pub(crate) const BLOCK: usize = 16;

/// How much ciphertext is decrypted per refill.
const CHUNK: usize = 64 * 1024;

/// How the plaintext ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// Strip PKCS#7 padding from the last block, refusing padding that is not valid.
    Pkcs7,
    /// Deliver exactly this many bytes and ignore whatever padding follows.
    Exact(u64),
}

/// Decrypts AES-256-CBC from `inner` as it is read.
pub(crate) struct CbcReader<R> {
    inner: R,
    cipher: cbc::Decryptor<Aes256>,
    tail: Tail,
    /// Ciphertext read but not decrypted yet.
    input: Vec<u8>,
    /// Plaintext ready to hand out, from `out_pos`.
    output: Vec<u8>,
    out_pos: usize,
    /// Plaintext bytes produced so far (for [`Tail::Exact`]).
    produced: u64,
    /// The inner reader is exhausted.
    eof: bool,
    /// Nothing more will be produced.
    done: bool,
}

impl<R: Read> CbcReader<R> {
    /// Decrypts `inner` with `key` and `iv`.
    pub(crate) fn new(inner: R, key: &[u8; 32], iv: &[u8; 16], tail: Tail) -> Self {
        let cipher = cbc::Decryptor::<Aes256>::new(key.into(), iv.into());
        Self {
            inner,
            cipher,
            tail,
            input: Vec::with_capacity(CHUNK + BLOCK),
            output: Vec::with_capacity(CHUNK + BLOCK),
            out_pos: 0,
            produced: 0,
            eof: false,
            done: tail == Tail::Exact(0),
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        // Gather a chunk plus one block, so the final block is only decrypted once it is known to be final.
        while !self.eof && self.input.len() < CHUNK + BLOCK {
            let start = self.input.len();
            self.input.resize(CHUNK + BLOCK, 0);
            let read = self.inner.read(&mut self.input[start..]);
            match read {
                Ok(0) => {
                    self.input.truncate(start);
                    self.eof = true;
                }
                Ok(n) => self.input.truncate(start + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.input.truncate(start),
                Err(e) => {
                    self.input.truncate(start);
                    return Err(e);
                }
            }
        }
        let take = if self.eof {
            if !self.input.len().is_multiple_of(BLOCK) {
                return Err(invalid("the encrypted data ends in the middle of a 16-byte block"));
            }
            self.input.len()
        } else {
            (self.input.len() / BLOCK - 1) * BLOCK
        };
        self.output.clear();
        self.output.extend_from_slice(&self.input[..take]);
        self.input.drain(..take);
        self.out_pos = 0;
        for block in self.output.chunks_exact_mut(BLOCK) {
            self.cipher.decrypt_block_mut(GenericArray::from_mut_slice(block));
        }
        match self.tail {
            Tail::Pkcs7 if self.eof => {
                let pad = self.output.last().copied().map(usize::from).unwrap_or(0);
                let valid = (1..=BLOCK).contains(&pad)
                    && pad <= self.output.len()
                    && self.output[self.output.len() - pad..].iter().all(|&b| usize::from(b) == pad);
                if !valid {
                    return Err(invalid(
                        "the decrypted data has no valid padding: the key is wrong or the file is damaged",
                    ));
                }
                self.output.truncate(self.output.len() - pad);
                self.done = true;
            }
            Tail::Pkcs7 => {}
            Tail::Exact(size) => {
                let left = size - self.produced;
                if self.output.len() as u64 >= left {
                    // `left` is smaller than the buffer here, so it fits in usize.
                    self.output.truncate(left as usize);
                    self.done = true;
                } else if self.eof {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "the encrypted file holds {} bytes but its metadata says {size}",
                            self.produced + self.output.len() as u64
                        ),
                    ));
                }
            }
        }
        self.produced += self.output.len() as u64;
        Ok(())
    }
}

impl<R: Read> Read for CbcReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.output.len() {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.output.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

/// Decrypts a small buffer in one go (a master key blob, a keybag field), with PKCS#7 padding.
pub(crate) fn decrypt_pkcs7(data: &[u8], key: &[u8; 32], iv: &[u8; 16]) -> io::Result<Vec<u8>> {
    let mut plain = Vec::with_capacity(data.len());
    CbcReader::new(data, key, iv, Tail::Pkcs7).read_to_end(&mut plain)?;
    Ok(plain)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use cbc::cipher::BlockEncryptMut;

    /// Encrypts with PKCS#7 padding, for building test fixtures.
    pub(crate) fn encrypt_pkcs7(plain: &[u8], key: &[u8; 32], iv: &[u8; 16]) -> Vec<u8> {
        let pad = BLOCK - plain.len() % BLOCK;
        let mut data = plain.to_vec();
        data.extend(std::iter::repeat_n(pad as u8, pad));
        let mut cipher = cbc::Encryptor::<Aes256>::new(key.into(), iv.into());
        for block in data.chunks_exact_mut(BLOCK) {
            cipher.encrypt_block_mut(GenericArray::from_mut_slice(block));
        }
        data
    }

    /// A reader that hands out at most a few bytes per call, to exercise refills.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(7);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn round_trips_every_length_around_chunk_and_block_edges() {
        let key = [7u8; 32];
        let iv = [9u8; 16];
        for len in [0, 1, 15, 16, 17, 31, 32, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 16, 3 * CHUNK + 5] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let cipher = encrypt_pkcs7(&plain, &key, &iv);
            let mut back = Vec::new();
            CbcReader::new(Trickle(&cipher), &key, &iv, Tail::Pkcs7).read_to_end(&mut back).unwrap();
            assert_eq!(back, plain, "PKCS#7, {len} bytes");
            let mut exact = Vec::new();
            CbcReader::new(&cipher[..], &key, &iv, Tail::Exact(len as u64)).read_to_end(&mut exact).unwrap();
            assert_eq!(exact, plain, "exact, {len} bytes");
        }
    }

    #[test]
    fn wrong_key_and_short_files_are_errors_not_garbage() {
        let cipher = encrypt_pkcs7(b"secret message", &[1; 32], &[0; 16]);
        let wrong = decrypt_pkcs7(&cipher, &[2; 32], &[0; 16]);
        assert_eq!(wrong.unwrap_err().kind(), io::ErrorKind::InvalidData);
        let mut out = Vec::new();
        let short = CbcReader::new(&cipher[..], &[1; 32], &[0; 16], Tail::Exact(100)).read_to_end(&mut out);
        assert_eq!(short.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        let ragged = decrypt_pkcs7(&cipher[..15], &[1; 32], &[0; 16]);
        assert!(ragged.unwrap_err().to_string().contains("middle of a 16-byte block"));
    }
}
