//! ADB's transport messages: a 24-byte little-endian header (command, two arguments, payload length, payload
//! checksum, command ^ 0xffffffff) and the payload. The same framing runs over TCP and over USB bulk
//! endpoints; only the adb server speaks something else (see `server`).

use std::io::{self, Read, Write};

/// `CNXN`: opens the connection, carrying the version, the largest payload and the banner.
pub const A_CNXN: u32 = 0x4e58_4e43;
/// `AUTH`: token, signature or public key.
pub const A_AUTH: u32 = 0x4854_5541;
/// `OPEN`: opens a stream to a service.
pub const A_OPEN: u32 = 0x4e45_504f;
/// `OKAY`: a stream is ready, or a WRTE was consumed.
pub const A_OKAY: u32 = 0x5941_4b4f;
/// `CLSE`: a stream ends (or was refused).
pub const A_CLSE: u32 = 0x4553_4c43;
/// `WRTE`: data on a stream.
pub const A_WRTE: u32 = 0x4554_5257;
/// `STLS`: the phone wants TLS (wireless debugging with pairing); Lifeboat does not do that.
pub const A_STLS: u32 = 0x534c_5453;

/// AUTH type: the phone's random token to sign.
pub const AUTH_TOKEN: u32 = 1;
/// AUTH type: the token signed with the host's key.
pub const AUTH_SIGNATURE: u32 = 2;
/// AUTH type: the host's public key, for the person to allow.
pub const AUTH_RSAPUBLICKEY: u32 = 3;

/// Protocol version with checksums skipped (Android 9+); older phones answer with their own and we adapt.
pub const VERSION: u32 = 0x0100_0001;
/// The payload size the host offers. Phones answer with theirs; the smaller wins.
pub const MAX_PAYLOAD: u32 = 1024 * 1024;
/// The largest payload accepted from any phone, whatever it announces, so a broken one cannot make us
/// allocate gigabytes.
const PAYLOAD_LIMIT: u32 = 16 * 1024 * 1024;

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `A_*`.
    pub command: u32,
    /// First argument (usually the sender's stream id).
    pub arg0: u32,
    /// Second argument (usually the receiver's stream id).
    pub arg1: u32,
    /// The payload.
    pub payload: Vec<u8>,
}

impl Message {
    /// A message.
    pub fn new(command: u32, arg0: u32, arg1: u32, payload: impl Into<Vec<u8>>) -> Self {
        Self { command, arg0, arg1, payload: payload.into() }
    }

    /// The 24-byte header. The checksum is the byte sum older phones (before version 0x01000001) insist on;
    /// newer ones ignore it, so it is always sent.
    pub fn header(&self) -> [u8; 24] {
        let mut header = [0u8; 24];
        let sum = self.payload.iter().fold(0u32, |sum, &b| sum.wrapping_add(u32::from(b)));
        let words = [self.command, self.arg0, self.arg1, self.payload.len() as u32, sum, !self.command];
        for (slot, word) in header.chunks_exact_mut(4).zip(words) {
            slot.copy_from_slice(&word.to_le_bytes());
        }
        header
    }

    /// Writes the message: header and payload as two flushed writes, because adbd on USB expects the header
    /// as a bulk transfer of its own (on TCP the extra flush costs nothing).
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.header())?;
        out.flush()?;
        if !self.payload.is_empty() {
            out.write_all(&self.payload)?;
        }
        out.flush()
    }

    /// Reads one message, checking the magic and the size.
    pub fn read_from(input: &mut dyn Read) -> io::Result<Self> {
        let mut header = [0u8; 24];
        input.read_exact(&mut header)?;
        let word = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let (command, arg0, arg1, length, magic) = (word(0), word(4), word(8), word(12), word(20));
        if magic != !command {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a message header is damaged (command {command:08x}, magic {magic:08x})"),
            ));
        }
        if length > PAYLOAD_LIMIT {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the phone announced a message of {length} bytes, far more than ADB allows"),
            ));
        }
        let mut payload = vec![0u8; length as usize];
        input.read_exact(&mut payload)?;
        Ok(Self { command, arg0, arg1, payload })
    }
}

/// What a phone's CNXN banner says: `device::ro.product.name=x;ro.product.model=y;features=a,b`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Banner {
    /// `device`, `recovery`, `sideload`, `bootloader`...
    pub state: String,
    /// The properties, in order.
    pub props: Vec<(String, String)>,
    /// The features (`shell_v2`, `ls_v2`, `sendrecv_v2`...).
    pub features: Vec<String>,
}

impl Banner {
    /// Parses a banner; anything unexpected is kept out rather than failing, since phones vary.
    pub fn parse(bytes: &[u8]) -> Self {
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim_end_matches('\0');
        let mut parts = text.splitn(3, ':');
        let state = parts.next().unwrap_or_default().to_string();
        let _serial = parts.next();
        let mut banner = Banner { state, ..Banner::default() };
        for pair in parts.next().unwrap_or_default().split(';') {
            let Some((key, value)) = pair.split_once('=') else { continue };
            if key == "features" {
                banner.features = parse_features(value);
            } else {
                banner.props.push((key.to_string(), value.to_string()));
            }
        }
        banner
    }

    /// A property.
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Splits a comma-separated feature list.
pub fn parse_features(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_damage_is_refused() {
        let message = Message::new(A_OPEN, 1, 0, b"shell:ls\0".to_vec());
        let mut bytes = Vec::new();
        message.write_to(&mut bytes).unwrap();
        assert_eq!(&bytes[..4], b"OPEN");
        assert_eq!(Message::read_from(&mut bytes.as_slice()).unwrap(), message);
        bytes[20] ^= 1;
        assert!(Message::read_from(&mut bytes.as_slice()).is_err());
        let mut huge = Message::new(A_WRTE, 1, 2, Vec::new()).header();
        huge[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Message::read_from(&mut huge.as_slice()).is_err());
    }

    #[test]
    fn banners_give_props_and_features() {
        let banner = Banner::parse(
            b"device::ro.product.name=lb;ro.product.model=Virtual Phone;features=shell_v2,ls_v2,sendrecv_v2\0",
        );
        assert_eq!(banner.state, "device");
        assert_eq!(banner.prop("ro.product.model"), Some("Virtual Phone"));
        assert_eq!(banner.features, ["shell_v2", "ls_v2", "sendrecv_v2"]);
        assert_eq!(Banner::parse(b"recovery::").state, "recovery");
    }
}
