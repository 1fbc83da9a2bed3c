//! A virtual Android phone that speaks the real ADB protocol over TCP: `adb connect 127.0.0.1:5555` and
//! every ordinary `adb` command work against it, and so does Lifeboat's own Android transport.
//!
//! It is the product's test peer and its demo phone: [`start`] generates (or reopens) a phone in a state
//! folder from a [`Profile`] and a seed, listens, and returns a [`RunningSim`] that stops the phone when
//! dropped. [`serve`] does the same and blocks.
//!
//! Inside: `message` (framing), `auth` (RSA keys), `connection` and `stream` (the transport), `services`,
//! `sync` and `shell` (what a host can open), `phone` (state and content providers), `vfs` (the file
//! system), `profile` (generation) and `refusals` (what the phone keeps from the shell, like some makers'
//! phones).

mod auth;
mod connection;
mod error;
mod message;
mod phone;
mod profile;
mod refusals;
mod services;
mod shell;
mod stream;
mod sync;
mod vfs;

pub use error::SimError;
pub use profile::Profile;
pub use refusals::Refusal;

use std::collections::BTreeSet;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use auth::TrustedKeys;
use phone::Phone;

/// The serial of a virtual phone unless told otherwise.
pub const DEFAULT_SERIAL: &str = "LB-VIRT-0001";

/// The address a virtual phone listens on unless told otherwise: adbd's TCP port, on loopback.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 5555);

/// How the phone answers a computer it does not know yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthMode {
    /// Asks, and the person taps "Always allow": the key is remembered in the state folder.
    #[default]
    Allow,
    /// Asks, and nobody ever answers: the host sees the phone as "unauthorized".
    Never,
    /// Does not ask at all, like an emulator or a `ro.adb.secure=0` build.
    Off,
}

impl std::str::FromStr for AuthMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "allow" => Ok(AuthMode::Allow),
            "never" => Ok(AuthMode::Never),
            "off" => Ok(AuthMode::Off),
            other => Err(format!("\"{other}\" is not an authorisation mode; choose allow, never or off")),
        }
    }
}

/// How to start a virtual phone.
#[derive(Debug, Clone)]
pub struct AndroidSimOptions {
    /// Where to listen; port 0 picks a free port (see [`RunningSim::addr`]).
    pub listen: SocketAddr,
    /// What the phone holds when its state folder is new.
    pub profile: Profile,
    /// The state folder; `None` uses a temporary folder deleted when the phone stops.
    pub state_dir: Option<PathBuf>,
    /// The phone's serial number (`ro.serialno`).
    pub serial: String,
    /// Seed of the generated content: the same seed gives the same phone, byte for byte.
    pub seed: u64,
    /// How unknown computers are treated.
    pub auth: AuthMode,
    /// A folder of real photos to add to the camera roll of a new phone (JPEG, PNG and HEIC files).
    pub photos_from: Option<PathBuf>,
    /// What the phone refuses the shell, as some makers' phones do (for as long as it runs; not stored in
    /// the state folder).
    pub refuse: BTreeSet<Refusal>,
}

impl Default for AndroidSimOptions {
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN,
            profile: Profile::Demo,
            state_dir: None,
            serial: DEFAULT_SERIAL.to_owned(),
            seed: 1,
            auth: AuthMode::Allow,
            photos_from: None,
            refuse: BTreeSet::new(),
        }
    }
}

/// What every connection of one phone shares.
struct SimContext {
    phone: Arc<Phone>,
    keys: TrustedKeys,
    auth: AuthMode,
}

/// What the accept loop and [`RunningSim`] share.
struct ServerShared {
    stopping: AtomicBool,
    /// Live connections, so stopping can cut them (a blocked read only ends when its socket does).
    connections: Mutex<Vec<(TcpStream, JoinHandle<()>)>>,
}

/// A phone that is listening. Dropping it stops the phone and closes every connection.
pub struct RunningSim {
    addr: SocketAddr,
    serial: String,
    state_dir: PathBuf,
    shared: Arc<ServerShared>,
    accept: Option<JoinHandle<()>>,
    /// Kept so a temporary state folder lives exactly as long as the phone.
    _temporary: Option<tempfile::TempDir>,
}

impl RunningSim {
    /// The address the phone listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The phone's serial number.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The state folder.
    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// Blocks until the phone stops (it only stops when [`RunningSim::stop`] is called from elsewhere or the
    /// process ends).
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }

    /// Stops listening, closes every connection and waits for every thread to end.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let Some(accept) = self.accept.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // accept() only returns on a connection: make one.
        let wake = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => {
                SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.addr.port())
            }
            IpAddr::V6(ip) if ip.is_unspecified() => {
                SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), self.addr.port())
            }
            _ => self.addr,
        };
        let _ = TcpStream::connect(wake);
        let _ = accept.join();
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Creates (from the profile) or reopens the phone in `options.state_dir`, then listens.
pub fn start(options: AndroidSimOptions) -> Result<RunningSim, SimError> {
    let (state_dir, temporary) = match &options.state_dir {
        Some(dir) => (dir.clone(), None),
        None => {
            let temporary = tempfile::Builder::new()
                .prefix("lifeboat-virtual-android-")
                .tempdir()
                .map_err(|e| SimError::io("create", std::env::temp_dir(), e))?;
            (temporary.path().to_path_buf(), Some(temporary))
        }
    };
    let phone = open_or_create(&state_dir, &options)?;
    let keys_path = state_dir.join("adb_keys");
    let keys = TrustedKeys::load(keys_path.clone()).map_err(|e| SimError::io("read", &keys_path, e))?;
    let listener = TcpListener::bind(options.listen)
        .map_err(|source| SimError::Bind { addr: options.listen, source })?;
    let addr = listener.local_addr().map_err(|source| SimError::Bind { addr: options.listen, source })?;
    let serial = phone.file().identity.serial.clone();
    let context = Arc::new(SimContext { phone: Arc::new(phone), keys, auth: options.auth });
    let shared =
        Arc::new(ServerShared { stopping: AtomicBool::new(false), connections: Mutex::new(Vec::new()) });
    let accept_shared = Arc::clone(&shared);
    let accept = thread::Builder::new()
        .name(format!("sim-android-{}", addr.port()))
        .spawn(move || accept_loop(listener, context, accept_shared))
        .map_err(SimError::Thread)?;
    log::info!("virtual Android phone {serial} listening on {addr} (state in {})", state_dir.display());
    Ok(RunningSim { addr, serial, state_dir, shared, accept: Some(accept), _temporary: temporary })
}

/// [`start`], then serve until the process ends.
pub fn serve(options: AndroidSimOptions) -> Result<(), SimError> {
    start(options)?.wait();
    Ok(())
}

fn open_or_create(state_dir: &Path, options: &AndroidSimOptions) -> Result<Phone, SimError> {
    let phone_json = state_dir.join("phone.json");
    if !phone_json.exists() {
        fs::create_dir_all(state_dir).map_err(|e| SimError::io("create", state_dir, e))?;
        profile::generate(state_dir, options)?;
    }
    let mut phone = Phone::open(state_dir)?;
    phone.refuse(options.refuse.clone());
    let existing = phone.file().profile.clone();
    if existing != options.profile.as_str() {
        return Err(SimError::ProfileMismatch {
            path: state_dir.to_path_buf(),
            existing,
            requested: options.profile.as_str().to_owned(),
        });
    }
    Ok(phone)
}

fn accept_loop(listener: TcpListener, context: Arc<SimContext>, shared: Arc<ServerShared>) {
    let mut next = 1u64;
    for incoming in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let socket = match incoming {
            Ok(socket) => socket,
            Err(e) => {
                log::warn!("virtual phone: a connection failed before it started: {e}");
                continue;
            }
        };
        let Ok(handle) = socket.try_clone() else {
            continue;
        };
        let context = Arc::clone(&context);
        let spawned = thread::Builder::new()
            .name(format!("sim-conn-{next}"))
            .spawn(move || connection::serve(socket, context));
        next += 1;
        match spawned {
            Ok(worker) => {
                let mut connections =
                    shared.connections.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                connections.retain(|(_, worker)| !worker.is_finished());
                connections.push((handle, worker));
            }
            Err(e) => log::warn!("virtual phone: cannot serve a connection: {e}"),
        }
    }
    let connections = {
        let mut connections = shared.connections.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut *connections)
    };
    for (socket, _) in &connections {
        let _ = socket.shutdown(std::net::Shutdown::Both);
    }
    for (_, worker) in connections {
        let _ = worker.join();
    }
}
