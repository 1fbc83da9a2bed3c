//! Android phones over ADB: Lifeboat's own ADB client (direct TCP to a phone's adbd, USB bulk endpoints, or
//! through a running adb server) and [`AndroidDevice`], the [`Device`](crate::device::Device) on top of it.
//!
//! Inside: `wire` (message framing), `key` (the host key shared with adb), `transport` (handshake and
//! multiplexed streams), `server` (the adb server's smart sockets), `usb` (nusb), `shell` (shell v2),
//! `sync` (file transfer), `content` (parsing `content query`), `records` (provider rows → normalized
//! records), `device` (walk, open, survey), `readahead` (pipelined fetching of small files), `restore`.

pub(crate) mod content;
mod device;
mod error;
mod key;
mod merge;
mod read;
mod readahead;
mod records;
mod restore;
mod server;
mod shell;
mod sync;
mod transport;
pub mod usb;
pub(crate) mod wire;

pub use content::{ContentRow, parse_rows};
pub use device::{AndroidDevice, AndroidOptions, PhoneInfo};
pub use error::AdbError;
pub use key::{AdbKey, default_key_path};
pub use restore::SETTINGS_ALLOWED;
pub use server::{AdbServer, DEFAULT_PORT as DEFAULT_SERVER_PORT, ServerDevice, parse_devices};
pub use shell::{ShellOutput, ShellReader, quote};
pub use sync::{RemoteEntry, RemoteStat, SyncReader, SyncSession};

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use server::ServerStream;
use transport::{DirectStream, Link, Transport};

/// How to reach a phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdbTarget {
    /// Directly over TCP (wireless debugging, `adb tcpip`, an emulator, the virtual phone): `HOST:PORT`.
    Tcp(String),
    /// Through a running adb server on `127.0.0.1:port`, by the serial it lists.
    Server {
        /// The server's port (5037 unless changed).
        port: u16,
        /// The device's serial as the server lists it.
        serial: String,
    },
    /// Directly over USB, by the phone's USB serial number.
    Usb {
        /// The USB serial number (the same as `ro.serialno`).
        serial: String,
    },
}

impl std::fmt::Display for AdbTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdbTarget::Tcp(addr) => write!(f, "{addr}"),
            AdbTarget::Server { port, serial } => write!(f, "{serial} (adb server :{port})"),
            AdbTarget::Usb { serial } => write!(f, "{serial} (USB)"),
        }
    }
}

/// Called when a phone shows "Allow USB debugging?" for this computer, so the person can be told to look.
pub type AllowPrompt = Arc<dyn Fn(&str) + Send + Sync>;

/// How to connect.
#[derive(Clone)]
pub struct ConnectOptions {
    /// The host key (default: adb's, created when missing).
    pub key_path: Option<PathBuf>,
    /// How long to wait for the person to tap Allow on a phone that does not know this computer yet.
    pub allow_wait: Duration,
    /// How long to wait for a TCP connection.
    pub connect_timeout: Duration,
    /// Told (with the phone's name) when the phone asks the person to allow this computer.
    pub on_allow_prompt: Option<AllowPrompt>,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("key_path", &self.key_path)
            .field("allow_wait", &self.allow_wait)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            key_path: None,
            allow_wait: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
            on_allow_prompt: None,
        }
    }
}

/// A stream to one service on the phone.
pub enum AdbStream {
    /// Multiplexed on a direct link.
    Direct(DirectStream),
    /// A socket through the adb server.
    Server(ServerStream),
}

impl Read for AdbStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            AdbStream::Direct(s) => s.read(buf),
            AdbStream::Server(s) => s.read(buf),
        }
    }
}

impl Write for AdbStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            AdbStream::Direct(s) => s.write(buf),
            AdbStream::Server(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            AdbStream::Direct(s) => s.flush(),
            AdbStream::Server(s) => s.flush(),
        }
    }
}

enum Route {
    Direct(Transport),
    Server { server: AdbServer, serial: String },
}

/// A connection to one phone, shareable between threads: every call opens a stream of its own.
#[derive(Clone)]
pub struct Connection {
    route: Arc<Route>,
    name: String,
    features: Arc<Vec<String>>,
    target: AdbTarget,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("target", &self.target).field("features", &self.features).finish()
    }
}

fn load_key(options: &ConnectOptions) -> Result<AdbKey, AdbError> {
    match options.key_path.clone().or_else(default_key_path) {
        Some(path) => AdbKey::load_or_create(&path),
        None => AdbKey::ephemeral(),
    }
}

impl Connection {
    /// Connects to `target`.
    pub fn connect(target: &AdbTarget, options: &ConnectOptions) -> Result<Self, AdbError> {
        match target {
            AdbTarget::Tcp(addr) => Self::tcp(addr, options),
            AdbTarget::Server { port, serial } => Self::via_server(AdbServer::local(*port), serial),
            AdbTarget::Usb { serial } => {
                let link = usb::open(serial)?;
                let transport = Transport::connect(
                    serial,
                    link,
                    &|| load_key(options),
                    options.allow_wait,
                    options.on_allow_prompt.as_ref(),
                )?;
                Ok(Self::direct(transport, serial.clone(), target.clone()))
            }
        }
    }

    fn direct(transport: Transport, name: String, target: AdbTarget) -> Self {
        let features = Arc::new(transport.banner().features.clone());
        Self { route: Arc::new(Route::Direct(transport)), name, features, target }
    }

    /// Connects straight to a phone's adbd at `HOST:PORT`.
    pub fn tcp(addr: &str, options: &ConnectOptions) -> Result<Self, AdbError> {
        let connect_error = |source: io::Error| AdbError::Connect { target: addr.to_string(), source };
        let socket_addr: SocketAddr =
            addr.to_socket_addrs().map_err(connect_error)?.next().ok_or_else(|| {
                connect_error(io::Error::new(io::ErrorKind::NotFound, "the name has no address"))
            })?;
        let socket =
            TcpStream::connect_timeout(&socket_addr, options.connect_timeout).map_err(connect_error)?;
        let _ = socket.set_nodelay(true);
        let reader = socket.try_clone().map_err(connect_error)?;
        let for_timeout = socket.try_clone().map_err(connect_error)?;
        let for_shutdown = socket.try_clone().map_err(connect_error)?;
        let link = Link {
            reader: Box::new(reader),
            writer: Box::new(socket),
            set_timeout: Box::new(move |t| {
                let _ = for_timeout.set_read_timeout(t);
            }),
            shutdown: Box::new(move || {
                let _ = for_shutdown.shutdown(std::net::Shutdown::Both);
            }),
        };
        let transport = Transport::connect(
            addr,
            link,
            &|| load_key(options),
            options.allow_wait,
            options.on_allow_prompt.as_ref(),
        )?;
        Ok(Self::direct(transport, addr.to_string(), AdbTarget::Tcp(addr.to_string())))
    }

    /// Talks to the phone `serial` through the adb server `server`.
    pub fn via_server(server: AdbServer, serial: &str) -> Result<Self, AdbError> {
        let devices = server.devices()?;
        let listed = devices.iter().find(|d| d.serial == serial);
        match listed.map(|d| d.state.as_str()) {
            Some("device") => {}
            Some("unauthorized") => return Err(AdbError::Unauthorized { device: serial.to_string() }),
            Some(other) => {
                return Err(AdbError::Server(format!("the phone {serial} is {other}")));
            }
            None => return Err(AdbError::Disconnected { device: serial.to_string() }),
        }
        let features = server.features(serial).unwrap_or_default();
        let target = AdbTarget::Server { port: server.addr().port(), serial: serial.to_string() };
        Ok(Self {
            route: Arc::new(Route::Server { server, serial: serial.to_string() }),
            name: serial.to_string(),
            features: Arc::new(features),
            target,
        })
    }

    /// The name used in messages (the serial or the address).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How this connection reaches the phone.
    pub fn target(&self) -> &AdbTarget {
        &self.target
    }

    /// Whether the phone has an ADB feature (`shell_v2`, `ls_v2`, `sendrecv_v2`...).
    pub fn has_feature(&self, feature: &str) -> bool {
        self.features.iter().any(|f| f == feature)
    }

    /// The banner properties of a direct connection (`ro.product.model`...).
    pub fn banner_prop(&self, key: &str) -> Option<String> {
        match &*self.route {
            Route::Direct(transport) => transport.banner().prop(key).map(str::to_string),
            Route::Server { .. } => None,
        }
    }

    /// Whether the link is known to be broken.
    pub fn is_broken(&self) -> bool {
        match &*self.route {
            Route::Direct(transport) => transport.is_broken(),
            Route::Server { .. } => false,
        }
    }

    /// Opens a stream to `service`.
    pub fn open(&self, service: &str) -> Result<AdbStream, AdbError> {
        match &*self.route {
            Route::Direct(transport) => transport.open(service),
            Route::Server { server, serial } => server.open(serial, service).map(AdbStream::Server),
        }
    }

    /// Turns an I/O failure on a stream into the right error: a vanished phone is `Disconnected`.
    fn io_failure(&self, error: io::Error) -> AdbError {
        if error::device_error_in(&error).is_some()
            || matches!(
                error.kind(),
                io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof
            )
        {
            AdbError::Disconnected { device: self.name.clone() }
        } else {
            AdbError::Protocol { device: self.name.clone(), detail: error.to_string() }
        }
    }
}
