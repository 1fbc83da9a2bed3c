//! Phones reached over TCP that the person asked Lifeboat to remember (`lifeboat connect HOST:PORT`), kept in
//! `devices.json` in Lifeboat's config folder and probed on every scan.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The config folder: `LIFEBOAT_CONFIG_DIR` when set, else the platform's (`~/.config/lifeboat` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LIFEBOAT_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    crate::paths::project_dirs().map(|dirs| dirs.config_dir().to_path_buf())
}

/// The remembered addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// `HOST:PORT` of phones reached over TCP.
    #[serde(default)]
    pub tcp: Vec<String>,
}

impl Remembered {
    fn file(dir: &Path) -> PathBuf {
        dir.join("devices.json")
    }

    /// Loads the list (empty when there is none yet).
    pub fn load(dir: &Path) -> io::Result<Self> {
        match fs::read_to_string(Self::file(dir)) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e),
        }
    }

    /// Saves the list atomically.
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)?;
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        serde_json::to_writer_pretty(file.as_file_mut(), self).map_err(io::Error::other)?;
        file.persist(Self::file(dir)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Adds an address; false when it was already there.
    pub fn add(&mut self, address: &str) -> bool {
        if self.tcp.iter().any(|a| a == address) {
            return false;
        }
        self.tcp.push(address.to_string());
        true
    }

    /// Removes an address; false when it was not there.
    pub fn remove(&mut self, address: &str) -> bool {
        let before = self.tcp.len();
        self.tcp.retain(|a| a != address);
        before != self.tcp.len()
    }
}

/// Checks `HOST:PORT` (a name or an address, and a port number).
pub fn parse_address(text: &str) -> Option<String> {
    let (host, port) = text.trim().rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (!host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0) && !host.contains(char::is_whitespace))
        .then(|| text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_forgets_addresses() {
        let dir = tempfile::tempdir().unwrap();
        let mut list = Remembered::load(dir.path()).unwrap();
        assert!(list.add("192.0.2.5:5555"));
        assert!(!list.add("192.0.2.5:5555"));
        list.save(dir.path()).unwrap();
        let mut back = Remembered::load(dir.path()).unwrap();
        assert_eq!(back.tcp, ["192.0.2.5:5555"]);
        assert!(back.remove("192.0.2.5:5555"));
        assert!(!back.remove("192.0.2.5:5555"));
        assert_eq!(parse_address("phone.local:5555").as_deref(), Some("phone.local:5555"));
        assert_eq!(parse_address("[::1]:5555").as_deref(), Some("[::1]:5555"));
        assert_eq!(parse_address("no-port"), None);
        assert_eq!(parse_address("host:99999"), None);
    }
}
