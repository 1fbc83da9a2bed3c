//! A vault of its own and `lifeboat` commands that reach virtual Android phones at their addresses: the
//! set-up of every end-to-end test that backs up or restores a virtual phone.

use std::path::PathBuf;
use std::process::Command;

use lifeboat::device::adb::{AdbTarget, AndroidDevice, AndroidOptions, ConnectOptions};
use lifeboat::device::sim::android::RunningSim;

use super::{init_vault, lifeboat};

/// A fresh vault in a temporary folder, with the binary's config folder beside it.
pub struct PhoneVault {
    pub dir: tempfile::TempDir,
    pub vault: PathBuf,
    pub config: PathBuf,
}

impl PhoneVault {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let vault = dir.path().join("vault");
        init_vault(&vault);
        let config = dir.path().join("config");
        Self { dir, vault, config }
    }

    /// A `lifeboat` command on this vault. No adb server: phones are reached at their addresses.
    pub fn cmd(&self) -> Command {
        let mut command = lifeboat(&self.vault);
        command
            .env("LIFEBOAT_CONFIG_DIR", &self.config)
            .env("ANDROID_ADB_SERVER_PORT", "1")
            .env_remove("ANDROID_USER_HOME");
        command
    }

    /// Connect options using the same ADB key as the binary, so the phone knows this test as it knows it.
    pub fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            key_path: Some(self.vault.with_extension("home").join(".android/adbkey")),
            ..ConnectOptions::default()
        }
    }

    /// The virtual phone, reached by Lifeboat's own ADB client.
    pub fn phone(&self, sim: &RunningSim) -> AndroidDevice {
        AndroidDevice::connect(
            &AdbTarget::Tcp(sim.addr().to_string()),
            &self.connect_options(),
            AndroidOptions::default(),
        )
        .expect("the virtual phone connects")
    }
}
