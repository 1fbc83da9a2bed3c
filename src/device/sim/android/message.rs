//! ADB messages on the wire: a 24-byte little-endian header (command, arg0, arg1, payload length, payload
//! checksum, magic) followed by the payload.
//!
//! The "checksum" AOSP calls `data_crc32` is really the byte sum of the payload. Peers speaking protocol
//! version 0x01000001 or later neither send nor check it; older ones do, and a CNXN is always sent before
//! the version is known, so we always fill it in and check it only while the peer may be old.

use std::io::{self, Read, Write};

/// `CNXN`: the connection handshake.
pub const A_CNXN: u32 = 0x4e58_4e43;
/// `AUTH`: token, signature or public key.
pub const A_AUTH: u32 = 0x4854_5541;
/// `OPEN`: a new stream to a named service.
pub const A_OPEN: u32 = 0x4e45_504f;
/// `OKAY`: a stream is ready (for the first or the next write).
pub const A_OKAY: u32 = 0x5941_4b4f;
/// `CLSE`: a stream is closed.
pub const A_CLSE: u32 = 0x4553_4c43;
/// `WRTE`: bytes for a stream.
pub const A_WRTE: u32 = 0x4554_5257;
/// `STLS`: switch to TLS (only used by wireless debugging pairing; this phone never asks for it).
pub const A_STLS: u32 = 0x534c_5453;
/// `SYNC`: obsolete, never valid on the wire.
pub const A_SYNC: u32 = 0x434e_5953;

/// The protocol version this phone speaks: the one that dropped payload checksums.
pub const A_VERSION: u32 = 0x0100_0001;
/// The first version that no longer checks checksums.
pub const A_VERSION_SKIP_CHECKSUM: u32 = 0x0100_0001;
/// Largest payload this phone accepts, as modern adbd (1 MiB).
pub const MAX_PAYLOAD: u32 = 1024 * 1024;
/// Largest payload an old peer accepts before CNXN tells us more.
pub const MAX_PAYLOAD_V1: u32 = 4096;

/// `AUTH` arg0: a token to sign.
pub const AUTH_TOKEN: u32 = 1;
/// `AUTH` arg0: a signature of the last token.
pub const AUTH_SIGNATURE: u32 = 2;
/// `AUTH` arg0: a public key the user is asked to trust.
pub const AUTH_RSAPUBLICKEY: u32 = 3;

/// Size of the header in bytes.
pub const HEADER_LEN: usize = 24;

/// One ADB message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// One of the `A_*` constants.
    pub command: u32,
    /// First argument (meaning depends on the command).
    pub arg0: u32,
    /// Second argument.
    pub arg1: u32,
    /// The payload, at most the negotiated maximum.
    pub payload: Vec<u8>,
}

/// Why a message could not be read. Any of these ends the connection: the protocol has shared state and a
/// broken stream of messages cannot be resynchronised.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The socket failed or closed.
    #[error("the connection failed: {0}")]
    Io(#[from] io::Error),
    /// The magic word is not the command's complement.
    #[error("message header is corrupt (command {command:#010x}, magic {magic:#010x})")]
    BadMagic {
        /// The command word read.
        command: u32,
        /// The magic word read.
        magic: u32,
    },
    /// The command is none of the known ones.
    #[error("unknown command {0:#010x}")]
    UnknownCommand(u32),
    /// The payload is larger than allowed.
    #[error("payload of {length} bytes is larger than the {limit} bytes allowed")]
    TooLarge {
        /// Announced length.
        length: u32,
        /// The limit in force.
        limit: u32,
    },
    /// The payload does not match its checksum.
    #[error("payload checksum mismatch (header says {expected:#x}, bytes sum to {actual:#x})")]
    BadChecksum {
        /// Checksum in the header.
        expected: u32,
        /// Checksum of the bytes received.
        actual: u32,
    },
}

/// The byte sum ADB calls a checksum.
pub fn checksum(payload: &[u8]) -> u32 {
    payload.iter().fold(0u32, |sum, &b| sum.wrapping_add(u32::from(b)))
}

/// A printable name for a command, for logs.
pub fn command_name(command: u32) -> String {
    let bytes = command.to_le_bytes();
    if bytes.iter().all(|b| b.is_ascii_uppercase()) {
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        format!("{command:#010x}")
    }
}

fn is_known(command: u32) -> bool {
    matches!(command, A_CNXN | A_AUTH | A_OPEN | A_OKAY | A_CLSE | A_WRTE | A_STLS | A_SYNC)
}

impl Message {
    /// Reads one message. `limit` bounds the payload; `verify_checksum` is true while the peer may be older
    /// than [`A_VERSION_SKIP_CHECKSUM`].
    pub fn read_from(reader: &mut impl Read, limit: u32, verify_checksum: bool) -> Result<Self, FrameError> {
        let mut header = [0u8; HEADER_LEN];
        reader.read_exact(&mut header)?;
        let word = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let (command, arg0, arg1, length, check, magic) =
            (word(0), word(4), word(8), word(12), word(16), word(20));
        if magic != command ^ 0xffff_ffff {
            return Err(FrameError::BadMagic { command, magic });
        }
        if !is_known(command) {
            return Err(FrameError::UnknownCommand(command));
        }
        if length > limit {
            return Err(FrameError::TooLarge { length, limit });
        }
        let mut payload = vec![0u8; length as usize];
        reader.read_exact(&mut payload)?;
        if verify_checksum && check != 0 {
            let actual = checksum(&payload);
            if actual != check {
                return Err(FrameError::BadChecksum { expected: check, actual });
            }
        }
        Ok(Self { command, arg0, arg1, payload })
    }
}

/// Builds the header of a message without building the message.
pub fn header_for(command: u32, arg0: u32, arg1: u32, payload: &[u8]) -> [u8; HEADER_LEN] {
    let mut header = [0u8; HEADER_LEN];
    let length = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    for (i, word) in
        [command, arg0, arg1, length, checksum(payload), command ^ 0xffff_ffff].iter().enumerate()
    {
        header[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
    }
    header
}

/// Writes one message: header then payload.
pub fn write_message(
    writer: &mut impl Write,
    command: u32,
    arg0: u32,
    arg1: u32,
    payload: &[u8],
) -> io::Result<()> {
    writer.write_all(&header_for(command, arg0, arg1, payload))?;
    if !payload.is_empty() {
        writer.write_all(payload)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(command: u32, arg0: u32, arg1: u32, payload: &[u8]) -> Message {
        Message { command, arg0, arg1, payload: payload.to_vec() }
    }

    fn encode(message: &Message) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_message(&mut bytes, message.command, message.arg0, message.arg1, &message.payload).unwrap();
        bytes
    }

    #[test]
    fn round_trips_a_message() {
        let message = message(A_WRTE, 7, 9, b"hello");
        let bytes = encode(&message);
        assert_eq!(bytes.len(), HEADER_LEN + 5);
        assert_eq!(&bytes[0..4], b"WRTE");
        assert_eq!(u32::from_le_bytes(bytes[12..16].try_into().unwrap()), 5);
        assert_eq!(u32::from_le_bytes(bytes[16..20].try_into().unwrap()), 532, "byte sum of hello");
        let read = Message::read_from(&mut bytes.as_slice(), MAX_PAYLOAD, true).unwrap();
        assert_eq!(read, message);
    }

    #[test]
    fn matches_a_real_host_cnxn_header() {
        // The host CNXN of Debian's adb 29: version 0x01000000, maxdata 256 KiB.
        let message = message(A_CNXN, 0x0100_0000, 256 * 1024, b"host::features=shell_v2\0");
        let header = header_for(message.command, message.arg0, message.arg1, &message.payload);
        assert_eq!(&header[0..4], b"CNXN");
        assert_eq!(&header[20..24], &(A_CNXN ^ 0xffff_ffff).to_le_bytes());
        assert_eq!(command_name(A_CNXN), "CNXN");
        assert_eq!(command_name(0x1234), "0x00001234");
    }

    #[test]
    fn rejects_a_bad_magic() {
        let mut bytes = encode(&message(A_OKAY, 1, 2, &[]));
        bytes[20] ^= 1;
        let error = Message::read_from(&mut bytes.as_slice(), MAX_PAYLOAD, true).unwrap_err();
        assert!(matches!(error, FrameError::BadMagic { .. }), "{error}");
    }

    #[test]
    fn rejects_an_unknown_command() {
        let bytes = encode(&message(0x5858_5858, 1, 2, &[]));
        let error = Message::read_from(&mut bytes.as_slice(), MAX_PAYLOAD, true).unwrap_err();
        assert!(matches!(error, FrameError::UnknownCommand(0x5858_5858)), "{error}");
    }

    #[test]
    fn rejects_an_oversized_payload_before_reading_it() {
        let bytes = encode(&message(A_WRTE, 1, 2, &[0; 5000]));
        let error = Message::read_from(&mut bytes.as_slice(), MAX_PAYLOAD_V1, true).unwrap_err();
        assert!(matches!(error, FrameError::TooLarge { length: 5000, limit: 4096 }), "{error}");
    }

    #[test]
    fn checks_checksums_only_when_asked() {
        let mut bytes = encode(&message(A_WRTE, 1, 2, b"abc"));
        bytes[HEADER_LEN] = b'x';
        let error = Message::read_from(&mut bytes.as_slice(), MAX_PAYLOAD, true).unwrap_err();
        assert!(matches!(error, FrameError::BadChecksum { .. }), "{error}");
        let read = Message::read_from(&mut bytes.as_slice(), MAX_PAYLOAD, false).unwrap();
        assert_eq!(read.payload, b"xbc");
    }

    #[test]
    fn a_truncated_message_is_an_io_error_not_a_panic() {
        let bytes = encode(&message(A_WRTE, 1, 2, b"abcdef"));
        for cut in 0..bytes.len() {
            let error = Message::read_from(&mut &bytes[..cut], MAX_PAYLOAD, true).unwrap_err();
            assert!(matches!(error, FrameError::Io(_)), "cut at {cut}: {error}");
        }
    }
}
