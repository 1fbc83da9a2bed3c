//! Talking to a running adb server (`adb start-server`, port 5037 by default): its smart-socket protocol is a
//! 4-hex-digit length and a request (`host:devices-l`, `host:transport:SERIAL`, then the service), answered
//! `OKAY` or `FAIL` + length + message. After `host:transport:` and the service, the socket *is* the stream.
//!
//! When another program's adb server holds a USB phone, only that server can talk to it; this is how
//! Lifeboat does it without taking the phone away.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use super::AdbError;
use super::error::io_error;
use crate::device::DeviceError;

/// adb's default server port.
pub const DEFAULT_PORT: u16 = 5037;

/// One device as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerDevice {
    /// Its serial (`R58M123ABC`, `127.0.0.1:5555`).
    pub serial: String,
    /// `device`, `unauthorized`, `offline`, `no permissions`...
    pub state: String,
    /// `model:` and friends from `devices -l`.
    pub props: Vec<(String, String)>,
}

impl ServerDevice {
    /// A `key:value` from the long listing.
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// A client of one adb server.
#[derive(Debug, Clone)]
pub struct AdbServer {
    addr: SocketAddr,
}

impl AdbServer {
    /// The server at `127.0.0.1:port`.
    pub fn local(port: u16) -> Self {
        Self { addr: SocketAddr::from(([127, 0, 0, 1], port)) }
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn connect(&self) -> Result<TcpStream, AdbError> {
        let stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2))
            .map_err(|source| AdbError::Connect { target: format!("adb server {}", self.addr), source })?;
        let _ = stream.set_nodelay(true);
        Ok(stream)
    }

    /// Whether a server answers.
    pub fn is_running(&self) -> bool {
        self.request("host:version").is_ok()
    }

    /// Sends one host request and returns its length-prefixed answer.
    pub fn request(&self, request: &str) -> Result<String, AdbError> {
        let mut stream = self.connect()?;
        send_request(&mut stream, request)?;
        read_status(&mut stream, request)?;
        let text =
            read_length_prefixed(&mut stream).map_err(|e| AdbError::Server(format!("{request}: {e}")))?;
        Ok(text)
    }

    /// `adb devices -l`.
    pub fn devices(&self) -> Result<Vec<ServerDevice>, AdbError> {
        Ok(parse_devices(&self.request("host:devices-l")?))
    }

    /// `adb connect HOST:PORT`; returns the server's sentence.
    pub fn connect_device(&self, target: &str) -> Result<String, AdbError> {
        self.request(&format!("host:connect:{target}"))
    }

    /// The features of a device (`shell_v2`, `ls_v2`...), as the server negotiated them.
    pub fn features(&self, serial: &str) -> Result<Vec<String>, AdbError> {
        Ok(super::wire::parse_features(&self.request(&format!("host-serial:{serial}:features"))?))
    }

    /// Opens `service` on the device `serial`: the returned socket is the stream.
    pub fn open(&self, serial: &str, service: &str) -> Result<ServerStream, AdbError> {
        let mut stream = self.connect()?;
        let transport = format!("host:transport:{serial}");
        send_request(&mut stream, &transport)?;
        read_status(&mut stream, &transport).map_err(|e| match e {
            AdbError::Server(message) if message.contains("unauthorized") => {
                AdbError::Unauthorized { device: serial.to_string() }
            }
            AdbError::Server(message) if message.contains("not found") || message.contains("offline") => {
                AdbError::Disconnected { device: serial.to_string() }
            }
            other => other,
        })?;
        send_request(&mut stream, service)?;
        // A phone that vanishes without the server noticing must not hang a backup forever.
        let _ = stream.set_read_timeout(Some(Duration::from_secs(300)));
        read_status(&mut stream, service).map_err(|e| match e {
            AdbError::Server(_) => {
                AdbError::Refused { device: serial.to_string(), service: service.to_string() }
            }
            other => other,
        })?;
        Ok(ServerStream { socket: stream, device: serial.to_string() })
    }
}

fn send_request(stream: &mut TcpStream, request: &str) -> Result<(), AdbError> {
    let framed = format!("{:04x}{request}", request.len());
    stream.write_all(framed.as_bytes()).map_err(|e| AdbError::Server(format!("{request}: {e}")))
}

fn read_status(stream: &mut TcpStream, request: &str) -> Result<(), AdbError> {
    let mut status = [0u8; 4];
    stream.read_exact(&mut status).map_err(|e| AdbError::Server(format!("{request}: {e}")))?;
    match &status {
        b"OKAY" => Ok(()),
        b"FAIL" => {
            let message = read_length_prefixed(stream).unwrap_or_else(|e| e.to_string());
            Err(AdbError::Server(message))
        }
        other => Err(AdbError::Server(format!(
            "{request}: unexpected answer {:?}",
            String::from_utf8_lossy(other)
        ))),
    }
}

fn read_length_prefixed(stream: &mut impl Read) -> io::Result<String> {
    let mut length = [0u8; 4];
    stream.read_exact(&mut length)?;
    let length = std::str::from_utf8(&length)
        .ok()
        .and_then(|text| usize::from_str_radix(text, 16).ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad length"))?;
    let mut text = vec![0u8; length];
    stream.read_exact(&mut text)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Parses `host:devices-l`: `SERIAL<spaces>STATE key:value key:value`. A state can be two words
/// (`no permissions`), followed by a hint in brackets; the serial never has spaces.
pub fn parse_devices(text: &str) -> Vec<ServerDevice> {
    let mut devices = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let Some(serial) = words.next() else { continue };
        let rest: Vec<&str> = words.collect();
        let mut state = Vec::new();
        let mut props = Vec::new();
        for word in rest {
            match word.split_once(':') {
                Some((key, value)) if !key.is_empty() && !key.contains('(') && !key.contains('[') => {
                    props.push((key.to_string(), value.to_string()))
                }
                _ if props.is_empty() => state.push(word),
                _ => {}
            }
        }
        let state = state.join(" ");
        let state =
            state.split(" (").next().unwrap_or(&state).split(" [").next().unwrap_or(&state).to_string();
        devices.push(ServerDevice { serial: serial.to_string(), state, props });
    }
    devices
}

/// A stream through the adb server: a plain socket, whose failures are the phone going away.
pub struct ServerStream {
    socket: TcpStream,
    device: String,
}

impl ServerStream {
    fn lost(&self, error: io::Error) -> io::Error {
        log::debug!("adb server stream for {} broke: {error}", self.device);
        io_error(error.kind(), DeviceError::Disconnected { device: self.device.clone() })
    }
}

impl Read for ServerStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.read(buf).map_err(|e| self.lost(e))
    }
}

impl Write for ServerStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.socket.write(buf).map_err(|e| self.lost(e))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.socket.flush().map_err(|e| self.lost(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_long_device_list() {
        let text = "R58M123ABC             device usb:1-1 product:beyond1 model:SM_G973F device:beyond1 transport_id:3\n\
                    127.0.0.1:5555         unauthorized transport_id:4\n\
                    0123456789ABCDEF       no permissions (missing udev rules? user is in the plugdev group); see [http://developer.android.com/tools/device.html] usb:1-2 transport_id:5\n";
        let devices = parse_devices(text);
        assert_eq!(devices.len(), 3);
        assert_eq!(devices[0].state, "device");
        assert_eq!(devices[0].prop("model"), Some("SM_G973F"));
        assert_eq!(devices[1].state, "unauthorized");
        assert_eq!(devices[2].state, "no permissions");
        assert!(parse_devices("").is_empty());
    }
}
