//! The demo in the app: virtual Android phones (the library's simulator, speaking the real ADB protocol on
//! loopback) running inside the app. **Try the demo phone** starts the `demo` profile with its state under
//! the demo folder (the same phone `lifeboat demo` backs up); **Add an empty demo phone** starts a second,
//! empty phone to restore onto, fresh each time.
//!
//! Nothing in the app knows these phones are virtual: each one's address is remembered (`devices.json` in
//! the config folder, as `lifeboat connect` does), so the phone watcher finds it at its next look, like a
//! phone on Wi-Fi debugging, and backups and restores reach it over ADB. When a phone stops (the app
//! closes) its address is forgotten first, so it leaves no unreachable entry behind. A file beside its state
//! folder records the address, so a run that ended without stopping (a crash) is cleaned up at the next
//! start.

use std::fs;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::device::discovery::{self, Remembered};
use crate::device::sim::android::{self, AndroidSimOptions, Profile, RunningSim, SimError};
use crate::t;

/// Which of the two virtual phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The demo phone: photos, contacts, conversations, calls, settings and apps.
    Demo,
    /// A phone fresh out of the box, the "new phone" to restore onto.
    Empty,
}

impl Role {
    /// Both, in the order they are offered.
    pub const ALL: [Role; 2] = [Role::Demo, Role::Empty];

    /// Its state folder under the demo folder (`phone` is the one `lifeboat demo` uses too).
    fn folder(self) -> &'static str {
        match self {
            Role::Demo => "phone",
            Role::Empty => "new-phone",
        }
    }

    /// Its serial number: different, so the two are two devices with their own backups.
    pub fn serial(self) -> &'static str {
        match self {
            Role::Demo => android::DEFAULT_SERIAL,
            Role::Empty => "LB-VIRT-0002",
        }
    }

    fn profile(self) -> Profile {
        match self {
            Role::Demo => Profile::Demo,
            Role::Empty => Profile::Empty,
        }
    }
}

/// Why a virtual phone did not start. Shown to the person, so its sentences are translated (the `Display`
/// below).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Neither `LIFEBOAT_DEMO_DIR` nor a home folder.
    NoFolder,
    /// The simulator failed (its state folder, its port).
    Sim(#[from] SimError),
    /// The address could not be written where the watcher looks.
    Remember {
        /// The config folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// The empty phone's old state could not be cleared.
    Reset {
        /// Its state folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: io::Error,
    },
}

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sentence = match self {
            DemoError::NoFolder => t!("gui-demo-no-folder"),
            DemoError::Sim(e) => t!("gui-demo-sim-failed", reason = e.to_string()),
            DemoError::Remember { path, source } => {
                t!("gui-demo-remember-failed", path = path.display().to_string(), reason = source.to_string())
            }
            DemoError::Reset { path, source } => {
                t!("gui-demo-reset-failed", path = path.display().to_string(), reason = source.to_string())
            }
        };
        f.write_str(&sentence)
    }
}

/// Where the virtual phones keep their state: `LIFEBOAT_DEMO_DIR`, else the demo folder in the data folder.
pub fn demo_dir() -> Option<PathBuf> {
    match std::env::var_os("LIFEBOAT_DEMO_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => crate::paths::demo_dir(),
    }
}

/// `devices.json` is read-modify-written; two phones starting or stopping at once must not lose an entry.
static REMEMBERED: Mutex<()> = Mutex::new(());

fn edit_remembered(config_dir: &Path, edit: impl FnOnce(&mut Remembered)) -> io::Result<()> {
    let _guard = REMEMBERED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut remembered = Remembered::load(config_dir)?;
    edit(&mut remembered);
    remembered.save(config_dir)
}

/// The file recording a running phone's address, beside its state folder.
fn address_file(demo_dir: &Path, role: Role) -> PathBuf {
    demo_dir.join(format!("{}.address", role.folder()))
}

/// Forgets the addresses of virtual phones an earlier run left remembered (it ended without stopping them).
pub fn forget_stale(demo_dir: &Path, config_dir: &Path) -> io::Result<()> {
    for role in Role::ALL {
        let file = address_file(demo_dir, role);
        let address = match fs::read_to_string(&file) {
            Ok(address) => address.trim().to_string(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        edit_remembered(config_dir, |r| {
            r.remove(&address);
        })?;
        fs::remove_file(&file)?;
    }
    Ok(())
}

/// A running virtual phone. Dropping it forgets its address and stops it.
pub struct VirtualPhone {
    role: Role,
    address: String,
    sim: Option<RunningSim>,
    demo_dir: PathBuf,
    config_dir: Option<PathBuf>,
}

impl VirtualPhone {
    /// Starts `role`'s phone under the demo folder and remembers it in the config folder.
    pub fn start(role: Role) -> Result<Self, DemoError> {
        let demo_dir = demo_dir().ok_or(DemoError::NoFolder)?;
        Self::start_in(role, &demo_dir, discovery::config_dir())
    }

    /// Starts `role`'s phone with its state under `demo_dir`, listening on a free loopback port, and adds
    /// its address to the remembered phones in `config_dir` (none: nobody will find it).
    pub fn start_in(role: Role, demo_dir: &Path, config_dir: Option<PathBuf>) -> Result<Self, DemoError> {
        let state = demo_dir.join(role.folder());
        let remember_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| DemoError::Remember { path, source }
        };
        if let Some(config) = &config_dir {
            forget_stale(demo_dir, config).map_err(remember_error(config))?;
        }
        if role == Role::Empty && state.exists() {
            // "New" means empty: what an earlier demo restored onto it is cleared.
            fs::remove_dir_all(&state).map_err(|source| DemoError::Reset { path: state.clone(), source })?;
        }
        let sim = android::start(AndroidSimOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            profile: role.profile(),
            state_dir: Some(state),
            serial: role.serial().to_string(),
            ..AndroidSimOptions::default()
        })?;
        let address = sim.addr().to_string();
        let phone = Self {
            role,
            address: address.clone(),
            sim: Some(sim),
            demo_dir: demo_dir.to_path_buf(),
            config_dir: config_dir.clone(),
        };
        if let Some(config) = &config_dir {
            // The record first: if remembering fails half-way, the next start still cleans up.
            fs::write(address_file(demo_dir, role), &address).map_err(remember_error(demo_dir))?;
            edit_remembered(config, |r| {
                r.add(&address);
            })
            .map_err(remember_error(config))?;
        }
        log::info!("virtual {role:?} phone at {address}");
        Ok(phone)
    }

    /// Which phone.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Where it listens (`127.0.0.1:PORT`), which is also how the watcher names its connection.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Its state folder (what a restore wrote can be read there).
    pub fn state_dir(&self) -> PathBuf {
        self.demo_dir.join(self.role.folder())
    }
}

impl Drop for VirtualPhone {
    fn drop(&mut self) {
        if let Some(config) = &self.config_dir {
            let address = self.address.clone();
            if let Err(e) = edit_remembered(config, |r| {
                r.remove(&address);
            }) {
                log::warn!("the virtual phone's address {address} stays remembered: {e}");
            }
            let _ = fs::remove_file(address_file(&self.demo_dir, self.role));
        }
        if let Some(sim) = self.sim.take() {
            sim.stop();
        }
    }
}

/// A running virtual phone as messages carry it: cheap to clone, stopped when the last clone is dropped.
#[derive(Clone)]
pub struct DemoPhone(Arc<VirtualPhone>);

impl DemoPhone {
    /// Shares `phone`.
    pub fn new(phone: VirtualPhone) -> Self {
        Self(Arc::new(phone))
    }
}

impl std::ops::Deref for DemoPhone {
    type Target = VirtualPhone;
    fn deref(&self) -> &VirtualPhone {
        &self.0
    }
}

impl std::fmt::Debug for DemoPhone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DemoPhone({:?} at {})", self.0.role, self.0.address)
    }
}

/// Starts `role`'s phone (call from a job thread: it generates the phone on first use and binds a port).
pub fn start(role: Role) -> Result<DemoPhone, String> {
    VirtualPhone::start(role).map(DemoPhone::new).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_virtual_phone_is_remembered_while_it_runs_and_forgotten_when_it_stops() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let phone = VirtualPhone::start_in(Role::Empty, dir.path(), Some(config.clone())).unwrap();
        let address = phone.address().to_string();
        assert_eq!(Remembered::load(&config).unwrap().tcp, std::slice::from_ref(&address));
        assert!(phone.state_dir().join("phone.json").is_file());
        drop(phone);
        assert!(Remembered::load(&config).unwrap().tcp.is_empty());
        assert!(std::net::TcpStream::connect(&address).is_err(), "the phone stopped listening");
    }

    #[test]
    fn an_address_left_by_a_run_that_did_not_stop_is_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let mut remembered = Remembered::default();
        remembered.add("127.0.0.1:1");
        remembered.add("192.0.2.9:5555");
        remembered.save(&config).unwrap();
        fs::write(address_file(dir.path(), Role::Demo), "127.0.0.1:1\n").unwrap();
        forget_stale(dir.path(), &config).unwrap();
        assert_eq!(Remembered::load(&config).unwrap().tcp, ["192.0.2.9:5555"], "only the stale demo address");
        assert!(!address_file(dir.path(), Role::Demo).exists());
    }
}
