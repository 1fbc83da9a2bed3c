//! Finding phones: USB devices (classified by their interfaces), phones an adb server already holds, and
//! remembered phones over TCP, merged so that one physical phone is one entry even when it is reachable
//! two ways. [`scan`] looks once; [`DeviceWatcher`] keeps looking and reports changes, for the app.
//!
//! Every state is one a person can act on: [`DeviceState`] says what is wrong and [`DeviceState::hint`]
//! what to do.

mod remembered;
pub mod usb;
mod watcher;

pub use remembered::{Remembered, config_dir, parse_address};
pub use watcher::{DeviceEvent, DeviceWatcher};

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::device::DeviceKind;
use crate::device::adb::{
    AdbError, AdbServer, AdbTarget, AndroidDevice, AndroidOptions, ConnectOptions, Connection,
};
use crate::t;
use usb::UsbClass;

/// How a device is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transport {
    /// A USB cable, directly.
    Usb,
    /// The network (wireless debugging, `adb tcpip`, an emulator, a virtual phone).
    Tcp,
    /// Through a running adb server, which holds the phone.
    AdbServer,
}

impl Transport {
    /// The stable name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Usb => "usb",
            Transport::Tcp => "tcp",
            Transport::AdbServer => "adb-server",
        }
    }
}

/// What a person can do with a device right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceState {
    /// Ready to back up.
    Ready,
    /// The phone has not allowed this computer: unlock it and tap Allow.
    Unauthorized,
    /// Another program holds the USB device.
    InUse,
    /// The system does not let Lifeboat open it (udev rules missing on Linux).
    NoPermission,
    /// Only files are shared (MTP): contacts and messages need USB debugging.
    MtpOnly,
    /// A phone that offers nothing Lifeboat can use (charging only, an iPhone without its service).
    Unsupported,
    /// Known but not reachable now.
    Disconnected,
}

impl DeviceState {
    /// The stable name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceState::Ready => "ready",
            DeviceState::Unauthorized => "unauthorized",
            DeviceState::InUse => "in-use",
            DeviceState::NoPermission => "no-permission",
            DeviceState::MtpOnly => "mtp-only",
            DeviceState::Unsupported => "unsupported",
            DeviceState::Disconnected => "disconnected",
        }
    }

    /// What this state means to a person, with what to do about it (in their language).
    pub fn hint(self) -> String {
        match self {
            DeviceState::Ready => t!("state-ready"),
            DeviceState::Unauthorized => t!("state-unauthorized"),
            DeviceState::InUse => t!("state-in-use"),
            DeviceState::NoPermission => t!("state-no-permission"),
            DeviceState::MtpOnly => t!("state-mtp-only"),
            DeviceState::Unsupported => t!("state-unsupported"),
            DeviceState::Disconnected => t!("state-disconnected"),
        }
    }

    /// Whether a backup can start.
    pub fn is_ready(self) -> bool {
        self == DeviceState::Ready
    }

    /// The state for an adb server's word for a device (`device`, `unauthorized`, `no permissions`...).
    pub fn from_server(state: &str) -> Self {
        match state {
            "device" => DeviceState::Ready,
            "unauthorized" | "authorizing" => DeviceState::Unauthorized,
            s if s.starts_with("no permissions") => DeviceState::NoPermission,
            "offline" | "connecting" => DeviceState::Disconnected,
            _ => DeviceState::Unsupported,
        }
    }

    /// The state for a failed connection.
    pub fn from_error(error: &AdbError) -> Self {
        match error {
            AdbError::Unauthorized { .. } => DeviceState::Unauthorized,
            AdbError::Usb { detail, .. } if detail.contains("ermission") => DeviceState::NoPermission,
            AdbError::Usb { .. } => DeviceState::InUse,
            _ => DeviceState::Disconnected,
        }
    }
}

/// One device found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundDevice {
    /// What to pass to `--device`: the serial when known, else the address.
    pub id: String,
    /// Android, iPhone, camera...
    pub kind: DeviceKind,
    /// The name to show.
    pub name: String,
    /// How it is reached.
    pub transport: Transport,
    /// The address, USB location or serial on the adb server.
    pub address: String,
    /// What can be done now.
    pub state: DeviceState,
    /// Maker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// Model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Operating system and version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Battery percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub battery: Option<u8>,
    /// Free bytes of storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_free: Option<u64>,
    /// Total bytes of storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_total: Option<u64>,
    /// How Lifeboat would connect to it for a backup.
    #[serde(skip)]
    pub target: Option<AdbTarget>,
}

impl FoundDevice {
    fn bare(
        id: String,
        kind: DeviceKind,
        name: String,
        transport: Transport,
        address: String,
        state: DeviceState,
    ) -> Self {
        Self {
            id,
            kind,
            name,
            transport,
            address,
            state,
            manufacturer: None,
            model: None,
            os: None,
            battery: None,
            storage_free: None,
            storage_total: None,
            target: None,
        }
    }
}

/// How to look.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Where remembered devices are stored (`None`: none are probed).
    pub config_dir: Option<std::path::PathBuf>,
    /// The adb server's port (`ANDROID_ADB_SERVER_PORT` or 5037).
    pub adb_server_port: u16,
    /// Whether to look at USB at all.
    pub usb: bool,
    /// How to connect when probing: a short wait, never the Allow dialog's full minute.
    pub connect: ConnectOptions,
}

impl Default for ScanOptions {
    fn default() -> Self {
        let port = std::env::var("ANDROID_ADB_SERVER_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(crate::device::adb::DEFAULT_SERVER_PORT);
        Self {
            config_dir: config_dir(),
            adb_server_port: port,
            usb: true,
            connect: ConnectOptions {
                allow_wait: Duration::from_millis(1500),
                connect_timeout: Duration::from_millis(800),
                ..ConnectOptions::default()
            },
        }
    }
}

/// Describes a connected phone (identity, battery, storage).
pub fn describe(
    connection: Connection,
    transport: Transport,
    address: String,
) -> Result<FoundDevice, AdbError> {
    let target = connection.target().clone();
    let device = AndroidDevice::new(connection, AndroidOptions::default())?;
    let identity = crate::device::Device::identity(&device).clone();
    let info = device.info();
    let mut found = FoundDevice::bare(
        identity.serial.clone(),
        DeviceKind::Android,
        identity.name.clone(),
        transport,
        address,
        DeviceState::Ready,
    );
    found.manufacturer = identity.manufacturer;
    found.model = identity.model;
    found.os = identity.os_version;
    found.battery = info.battery_percent;
    found.storage_free = info.storage_free;
    found.storage_total = info.storage_total;
    found.target = Some(target);
    Ok(found)
}

/// Probes one TCP address.
pub fn probe_tcp(address: &str, connect: &ConnectOptions) -> FoundDevice {
    match Connection::tcp(address, connect).and_then(|c| describe(c, Transport::Tcp, address.to_string())) {
        Ok(found) => found,
        Err(error) => unreachable(address, &error),
    }
}

/// The entry of a remembered address that could not be used, named by its address.
fn unreachable(address: &str, error: &AdbError) -> FoundDevice {
    let mut found = FoundDevice::bare(
        address.to_string(),
        DeviceKind::Android,
        address.to_string(),
        Transport::Tcp,
        address.to_string(),
        DeviceState::from_error(error),
    );
    found.target = Some(AdbTarget::Tcp(address.to_string()));
    found
}

/// Devices an adb server lists (when one runs).
pub fn from_server(port: u16) -> Vec<FoundDevice> {
    from_server_reusing(port, &mut Described::new(Duration::ZERO))
}

/// What phones held by an adb server told us, and when: describing one runs several commands on it, which
/// a watcher looking twice a second must not repeat each time.
#[derive(Debug)]
pub(crate) struct Described {
    fresh_for: Duration,
    by_serial: BTreeMap<String, (Instant, FoundDevice)>,
}

impl Described {
    /// Descriptions are asked again once older than `fresh_for` (battery and storage change).
    pub(crate) fn new(fresh_for: Duration) -> Self {
        Self { fresh_for, by_serial: BTreeMap::new() }
    }

    fn get(&self, serial: &str, now: Instant) -> Option<FoundDevice> {
        let (when, found) = self.by_serial.get(serial)?;
        (now.saturating_duration_since(*when) < self.fresh_for).then(|| found.clone())
    }

    fn insert(&mut self, serial: &str, now: Instant, found: FoundDevice) {
        self.by_serial.insert(serial.to_string(), (now, found));
    }

    /// Forgets phones the server no longer lists as ready, so a phone plugged in again is asked afresh.
    fn keep_only(&mut self, ready: &[&str]) {
        self.by_serial.retain(|serial, _| ready.contains(&serial.as_str()));
    }
}

/// Like [`from_server`], reusing descriptions of ready phones from `described` while they are fresh.
pub(crate) fn from_server_reusing(port: u16, described: &mut Described) -> Vec<FoundDevice> {
    let server = AdbServer::local(port);
    let Ok(devices) = server.devices() else { return Vec::new() };
    let now = Instant::now();
    let ready: Vec<&str> = devices
        .iter()
        .filter(|d| DeviceState::from_server(&d.state).is_ready())
        .map(|d| d.serial.as_str())
        .collect();
    described.keep_only(&ready);
    devices
        .iter()
        .map(|listed| {
            let state = DeviceState::from_server(&listed.state);
            let target = AdbTarget::Server { port, serial: listed.serial.clone() };
            let found = state
                .is_ready()
                .then(|| {
                    described.get(&listed.serial, now).or_else(|| {
                        let found = Connection::via_server(server.clone(), &listed.serial)
                            .and_then(|c| describe(c, Transport::AdbServer, listed.serial.clone()))
                            .ok()?;
                        described.insert(&listed.serial, now, found.clone());
                        Some(found)
                    })
                })
                .flatten();
            found.unwrap_or_else(|| {
                let name = listed
                    .prop("model")
                    .map(|m| m.replace('_', " "))
                    .unwrap_or_else(|| listed.serial.clone());
                let mut found = FoundDevice::bare(
                    listed.serial.clone(),
                    DeviceKind::Android,
                    name,
                    Transport::AdbServer,
                    listed.serial.clone(),
                    state,
                );
                found.target = Some(target);
                found
            })
        })
        .collect()
}

/// USB devices that look like phones or cameras. Android phones with ADB are left to the adb server when it
/// lists them, and probed directly otherwise.
pub fn from_usb(connect: &ConnectOptions, held_by_server: &[String]) -> Vec<FoundDevice> {
    let Some(devices) = usb::list() else { return Vec::new() };
    let mut found = Vec::new();
    for (candidate, info) in devices {
        let Some((kind, class)) = usb::classify(&candidate) else { continue };
        let serial = candidate.serial.clone().unwrap_or_else(|| candidate.location.clone());
        let name = match (&candidate.manufacturer, &candidate.product) {
            (_, Some(product)) => product.clone(),
            (Some(maker), None) => maker.clone(),
            _ => usb::vendor_name(candidate.vendor_id).unwrap_or("USB device").to_string(),
        };
        let bare = |state| {
            FoundDevice::bare(
                serial.clone(),
                kind,
                name.clone(),
                Transport::Usb,
                candidate.location.clone(),
                state,
            )
        };
        let device = match class {
            UsbClass::Adb if held_by_server.contains(&serial) => continue,
            UsbClass::Adb => {
                let target = AdbTarget::Usb { serial: serial.clone() };
                match Connection::connect(&target, connect)
                    .and_then(|c| describe(c, Transport::Usb, candidate.location.clone()))
                {
                    Ok(found) => found,
                    Err(error) => {
                        let mut device = bare(DeviceState::from_error(&error));
                        device.target = Some(target);
                        device
                    }
                }
            }
            UsbClass::Mtp | UsbClass::Apple | UsbClass::UnknownPhone => {
                let state = match usb::try_open(&info) {
                    Err(e) if usb::is_permission_problem(&e) => DeviceState::NoPermission,
                    _ if class == UsbClass::Mtp => DeviceState::MtpOnly,
                    _ => DeviceState::Unsupported,
                };
                bare(state)
            }
        };
        found.push(device);
    }
    found
}

/// Keeps one entry per physical phone (same id): the most usable one, USB before the adb server before TCP.
pub fn merge(devices: Vec<FoundDevice>) -> Vec<FoundDevice> {
    let rank = |d: &FoundDevice| {
        let state = if d.state.is_ready() { 0 } else { 1 };
        let transport = match d.transport {
            Transport::Usb => 0,
            Transport::AdbServer => 1,
            Transport::Tcp => 2,
        };
        (state, transport)
    };
    let mut by_id: BTreeMap<String, FoundDevice> = BTreeMap::new();
    for device in devices {
        match by_id.get(&device.id) {
            Some(kept) if rank(kept) <= rank(&device) => {}
            _ => {
                by_id.insert(device.id.clone(), device);
            }
        }
    }
    by_id.into_values().collect()
}

/// Looks everywhere once.
pub fn scan(options: &ScanOptions) -> Vec<FoundDevice> {
    let mut devices = from_server(options.adb_server_port);
    let held: Vec<String> = devices.iter().map(|d| d.id.clone()).collect();
    if options.usb {
        devices.extend(from_usb(&options.connect, &held));
    }
    if let Some(dir) = &options.config_dir {
        let remembered = Remembered::load(dir).unwrap_or_default();
        for address in remembered.tcp {
            // A phone the adb server already reaches at this address is not connected to twice.
            if devices.iter().any(|d| d.address == address && d.state.is_ready()) {
                continue;
            }
            devices.push(probe_tcp(&address, &options.connect));
        }
    }
    merge(devices)
}

/// What `--device` names: `usb:SERIAL`, `adb:SERIAL` (through the adb server), `HOST:PORT` (TCP), or a
/// serial as `lifeboat devices` lists it.
pub fn resolve(id: &str, options: &ScanOptions) -> Option<AdbTarget> {
    if let Some(serial) = id.strip_prefix("usb:") {
        return Some(AdbTarget::Usb { serial: serial.to_string() });
    }
    if let Some(serial) = id.strip_prefix("adb:") {
        return Some(AdbTarget::Server { port: options.adb_server_port, serial: serial.to_string() });
    }
    if let Some(address) = parse_address(id.strip_prefix("tcp:").unwrap_or(id)) {
        return Some(AdbTarget::Tcp(address));
    }
    scan(options).into_iter().find(|d| d.id == id).and_then(|d| d.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: &str, transport: Transport, state: DeviceState) -> FoundDevice {
        FoundDevice::bare(
            id.into(),
            DeviceKind::Android,
            id.into(),
            transport,
            format!("{id}@{}", transport.as_str()),
            state,
        )
    }

    #[test]
    fn descriptions_are_reused_while_fresh_and_forgotten_when_unlisted() {
        let mut described = Described::new(Duration::from_secs(30));
        let start = Instant::now();
        described.insert("A", start, device("A", Transport::AdbServer, DeviceState::Ready));
        assert!(described.get("A", start + Duration::from_secs(29)).is_some());
        assert!(described.get("A", start + Duration::from_secs(30)).is_none(), "asked again when old");
        assert!(described.get("B", start).is_none());
        described.keep_only(&["B"]);
        assert!(described.get("A", start).is_none(), "unplugged: asked afresh when back");
        let never = Described::new(Duration::ZERO);
        assert!(never.get("A", start).is_none());
    }

    #[test]
    fn one_phone_reachable_two_ways_is_one_entry() {
        let merged = merge(vec![
            device("R58M", Transport::Tcp, DeviceState::Ready),
            device("R58M", Transport::Usb, DeviceState::Ready),
            device("OTHER", Transport::Tcp, DeviceState::Disconnected),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged.iter().find(|d| d.id == "R58M").unwrap().transport, Transport::Usb);
        // A ready way beats an unusable one.
        let merged = merge(vec![
            device("X", Transport::Usb, DeviceState::NoPermission),
            device("X", Transport::Tcp, DeviceState::Ready),
        ]);
        assert_eq!(merged[0].transport, Transport::Tcp);
    }

    #[test]
    fn states_map_from_the_server_and_errors() {
        assert_eq!(DeviceState::from_server("device"), DeviceState::Ready);
        assert_eq!(DeviceState::from_server("unauthorized"), DeviceState::Unauthorized);
        assert_eq!(DeviceState::from_server("no permissions"), DeviceState::NoPermission);
        assert_eq!(DeviceState::from_server("offline"), DeviceState::Disconnected);
        assert_eq!(
            DeviceState::from_error(&AdbError::Unauthorized { device: "x".into() }),
            DeviceState::Unauthorized
        );
        let no_permission =
            AdbError::Usb { device: "1-4".into(), detail: "Permission denied (os error 13)".into() };
        assert_eq!(DeviceState::from_error(&no_permission), DeviceState::NoPermission);
        let busy = AdbError::Usb { device: "1-4".into(), detail: "Device or resource busy".into() };
        assert_eq!(DeviceState::from_error(&busy), DeviceState::InUse);
        let json = serde_json::to_value(device("A", Transport::AdbServer, DeviceState::MtpOnly)).unwrap();
        assert_eq!(json["transport"], "adb-server");
        assert_eq!(json["state"], "mtp-only");
        assert_eq!(json["kind"], "android");
    }

    #[test]
    fn device_ids_resolve_without_looking_when_explicit() {
        let options = ScanOptions { config_dir: None, usb: false, ..ScanOptions::default() };
        assert_eq!(resolve("127.0.0.1:5555", &options), Some(AdbTarget::Tcp("127.0.0.1:5555".into())));
        assert_eq!(resolve("usb:R58M", &options), Some(AdbTarget::Usb { serial: "R58M".into() }));
        assert!(matches!(resolve("adb:emulator-5554", &options), Some(AdbTarget::Server { .. })));
    }
}
