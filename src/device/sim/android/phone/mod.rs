//! The virtual phone itself: who it is (identity and system properties), what it holds (files, content
//! providers, apps, settings) and its small mutable state (app-ops, trusted keys), all living in one state
//! folder so that whatever a client does to it can be inspected afterwards.
//!
//! State folder layout:
//! - `phone.json`: identity, battery, storage sizes, installed apps;
//! - `fs/`: the file system (`fs/storage/emulated/0` is shared storage);
//! - `db/`: `mmssms.db`, `contacts2.db`, `calllog.db`, `settings.db` (SQLite);
//! - `appops.json`: app-op modes set with `appops set`;
//! - `quirks.json`: the hostile profile's phantom and endless files;
//! - `adb_keys`: host keys the phone trusts.

pub mod providers;
mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::error::SimError;
use super::refusals::{self, Refusal};
use super::vfs::{Quirks, Vfs};
use providers::Providers;

/// Features this phone advertises in its CNXN banner: only those it implements.
pub const FEATURES: &[&str] = &["shell_v2", "stat_v2", "ls_v2", "fixed_push_mkdir", "sendrecv_v2"];

/// Who the phone is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `ro.serialno`.
    pub serial: String,
    /// `ro.product.manufacturer`.
    pub manufacturer: String,
    /// `ro.product.brand`.
    pub brand: String,
    /// `ro.product.model`.
    pub model: String,
    /// `ro.product.name`.
    pub name: String,
    /// `ro.product.device`.
    pub device: String,
    /// `ro.build.version.release`.
    pub release: String,
    /// `ro.build.version.sdk`.
    pub sdk: u32,
    /// `ro.build.id`.
    pub build_id: String,
    /// `ro.build.version.incremental`.
    pub incremental: String,
    /// `ro.build.version.security_patch`.
    pub security_patch: String,
}

/// The battery, as `dumpsys battery` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Battery {
    /// Charge in percent.
    pub level: u32,
    /// BatteryManager status: 2 charging, 3 discharging, 5 full.
    pub status: u32,
    /// Plugged into a computer.
    pub usb_powered: bool,
    /// Tenths of a degree Celsius.
    pub temperature: u32,
    /// Millivolts.
    pub voltage: u32,
}

/// One installed app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// `versionName`.
    pub version_name: String,
    /// `versionCode`.
    pub version_code: u64,
    /// Preinstalled (not shown by `pm list packages -3`).
    pub system: bool,
    /// APK paths on the phone, base first, then splits.
    pub apks: Vec<String>,
    /// Linux uid.
    pub uid: u32,
    /// Milliseconds since the epoch.
    pub first_install_ms: i64,
    /// Milliseconds since the epoch.
    pub last_update_ms: i64,
    /// Who installed it.
    pub installer: Option<String>,
    /// `targetSdk`.
    pub target_sdk: u32,
}

impl Package {
    /// The folder holding the APKs (`codePath`).
    pub fn code_path(&self) -> String {
        self.apks
            .first()
            .and_then(|apk| apk.rsplit_once('/').map(|(dir, _)| dir.to_owned()))
            .unwrap_or_default()
    }
}

/// Sizes of the phone's storage, in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Storage {
    /// Size of `/data` (and so of shared storage).
    pub data_total_kb: u64,
    /// Used by apps and the system, before any file in shared storage.
    pub data_base_used_kb: u64,
}

/// Everything in `phone.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhoneFile {
    /// Layout version of the state folder.
    pub format: u32,
    /// The profile it was generated from.
    pub profile: String,
    /// The seed it was generated with.
    pub seed: u64,
    /// Who the phone is.
    pub identity: Identity,
    /// The battery.
    pub battery: Battery,
    /// Storage sizes.
    pub storage: Storage,
    /// Installed apps.
    pub packages: Vec<Package>,
}

/// The current layout version of state folders.
pub const STATE_FORMAT: u32 = 1;

/// A running phone's state.
pub struct Phone {
    state_dir: PathBuf,
    file: PhoneFile,
    props: BTreeMap<String, String>,
    vfs: Vfs,
    providers: Providers,
    appops: Mutex<BTreeMap<String, String>>,
    refusals: BTreeSet<Refusal>,
}

impl Phone {
    /// Opens an existing state folder.
    pub fn open(state_dir: &Path) -> Result<Self, SimError> {
        let phone_json = state_dir.join("phone.json");
        let text = fs::read_to_string(&phone_json).map_err(|e| SimError::io("read", &phone_json, e))?;
        let file: PhoneFile = serde_json::from_str(&text)
            .map_err(|e| SimError::BadState { path: phone_json.clone(), detail: e.to_string() })?;
        if file.format != STATE_FORMAT {
            return Err(SimError::BadState {
                path: phone_json,
                detail: format!("layout version {} is not the supported {STATE_FORMAT}", file.format),
            });
        }
        let quirks_path = state_dir.join("quirks.json");
        let quirks = match fs::read_to_string(&quirks_path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| SimError::BadState { path: quirks_path.clone(), detail: e.to_string() })?,
            Err(_) => Quirks::default(),
        };
        let appops_path = state_dir.join("appops.json");
        let appops = match fs::read_to_string(&appops_path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| SimError::BadState { path: appops_path.clone(), detail: e.to_string() })?,
            Err(_) => BTreeMap::new(),
        };
        let fs_root = state_dir.join("fs");
        let db_dir = state_dir.join("db");
        fs::create_dir_all(&db_dir).map_err(|e| SimError::io("create", &db_dir, e))?;
        let providers = Providers::open(&db_dir, fs_root.clone())
            .map_err(|e| SimError::BadState { path: db_dir.clone(), detail: e.to_string() })?;
        let props = system_properties(&file);
        Ok(Self {
            state_dir: state_dir.to_path_buf(),
            file,
            props,
            vfs: Vfs::new(fs_root, quirks),
            providers,
            appops: Mutex::new(appops),
            refusals: BTreeSet::new(),
        })
    }

    /// Everything in `phone.json`.
    pub fn file(&self) -> &PhoneFile {
        &self.file
    }

    /// The file system.
    pub fn vfs(&self) -> &Vfs {
        &self.vfs
    }

    /// The content providers.
    pub fn providers(&self) -> &Providers {
        &self.providers
    }

    /// All system properties, sorted.
    pub fn props(&self) -> &BTreeMap<String, String> {
        &self.props
    }

    /// What the phone says in its CNXN: `device::ro.product.name=...;ro.product.model=...;...;features=...`.
    pub fn connection_banner(&self) -> String {
        let prop = |key: &str| self.props.get(key).cloned().unwrap_or_default();
        format!(
            "device::ro.product.name={};ro.product.model={};ro.product.device={};features={}",
            prop("ro.product.name"),
            prop("ro.product.model"),
            prop("ro.product.device"),
            FEATURES.join(",")
        )
    }

    /// The mode of an app-op for a package (`default` when never set).
    pub fn appop(&self, package: &str, op: &str) -> String {
        let appops = self.appops.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        appops.get(&format!("{package} {op}")).cloned().unwrap_or_else(|| "default".to_owned())
    }

    /// Sets an app-op mode and remembers it in `appops.json`.
    pub fn set_appop(&self, package: &str, op: &str, mode: &str) -> Result<(), SimError> {
        let mut appops = self.appops.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        appops.insert(format!("{package} {op}"), mode.to_owned());
        let path = self.state_dir.join("appops.json");
        let text = serde_json::to_string_pretty(&*appops)
            .map_err(|e| SimError::BadState { path: path.clone(), detail: e.to_string() })?;
        fs::write(&path, text).map_err(|e| SimError::io("write", &path, e))
    }

    /// Whether the shell may write SMS and MMS: only once `appops set com.android.shell WRITE_SMS allow` ran,
    /// and never on a phone refusing `sms-write`.
    pub fn shell_may_write_sms(&self) -> bool {
        !self.refuses(Refusal::SmsWrite) && self.appop("com.android.shell", "WRITE_SMS") == "allow"
    }

    /// Makes the phone refuse these things from now on.
    pub fn refuse(&mut self, refusals: BTreeSet<Refusal>) {
        self.refusals = refusals;
    }

    /// Whether the phone refuses `refusal`.
    pub fn refuses(&self, refusal: Refusal) -> bool {
        self.refusals.contains(&refusal)
    }

    /// The "Permission Denial" a phone refusing the provider of `authority` gives the shell, if it does.
    pub fn provider_denial(&self, authority: &str) -> Option<String> {
        refusals::provider_denial(&self.refusals, authority)
    }
}

/// The system properties of a phone, built from its identity like a real build's `build.prop` would be.
fn system_properties(file: &PhoneFile) -> BTreeMap<String, String> {
    let id = &file.identity;
    let fingerprint = format!(
        "{}/{}/{}:{}/{}/{}:user/release-keys",
        id.brand, id.name, id.device, id.release, id.build_id, id.incremental
    );
    let pairs: Vec<(&str, String)> = vec![
        ("dalvik.vm.heapgrowthlimit", "256m".into()),
        ("dalvik.vm.heapsize", "512m".into()),
        ("gsm.operator.alpha", "Lifeboat Mobile".into()),
        ("gsm.sim.operator.iso-country", "us".into()),
        ("gsm.sim.state", "LOADED".into()),
        ("persist.sys.locale", "en-US".into()),
        ("persist.sys.timezone", "UTC".into()),
        ("persist.sys.usb.config", "mtp,adb".into()),
        ("ro.adb.secure", "1".into()),
        ("ro.boot.serialno", id.serial.clone()),
        ("ro.build.characteristics", "nosdcard".into()),
        ("ro.build.date.utc", "1704067200".into()),
        (
            "ro.build.description",
            format!("{}-user {} {} {} release-keys", id.name, id.release, id.build_id, id.incremental),
        ),
        ("ro.build.display.id", id.build_id.clone()),
        ("ro.build.fingerprint", fingerprint.clone()),
        ("ro.build.id", id.build_id.clone()),
        ("ro.build.tags", "release-keys".into()),
        ("ro.build.type", "user".into()),
        ("ro.build.version.incremental", id.incremental.clone()),
        ("ro.build.version.release", id.release.clone()),
        ("ro.build.version.release_or_codename", id.release.clone()),
        ("ro.build.version.sdk", id.sdk.to_string()),
        ("ro.build.version.security_patch", id.security_patch.clone()),
        ("ro.crypto.state", "encrypted".into()),
        ("ro.crypto.type", "file".into()),
        ("ro.debuggable", "0".into()),
        ("ro.hardware", id.device.clone()),
        ("ro.lifeboat.virtual", "1".into()),
        ("ro.product.board", id.device.clone()),
        ("ro.product.brand", id.brand.clone()),
        ("ro.product.cpu.abi", "arm64-v8a".into()),
        ("ro.product.cpu.abilist", "arm64-v8a,armeabi-v7a,armeabi".into()),
        ("ro.product.device", id.device.clone()),
        ("ro.product.locale", "en-US".into()),
        ("ro.product.manufacturer", id.manufacturer.clone()),
        ("ro.product.model", id.model.clone()),
        ("ro.product.name", id.name.clone()),
        ("ro.secure", "1".into()),
        ("ro.serialno", id.serial.clone()),
        ("ro.system.build.fingerprint", fingerprint),
        ("service.adb.tcp.port", "5555".into()),
        ("sys.boot_completed", "1".into()),
        ("sys.usb.state", "mtp,adb".into()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
