//! The device commands: `devices`, `connect`, `disconnect`, `sim android`, and opening the phone that
//! `backup --device` and `restore --device` name.

use std::path::PathBuf;

use serde_json::json;

use crate::device::adb::{AdbError, AdbTarget, AndroidDevice, AndroidOptions, ConnectOptions, Connection};
use crate::device::discovery::{self, FoundDevice, Remembered, ScanOptions};
use crate::device::sim::android::{self, AndroidSimOptions, AuthMode, Profile, Refusal};
use crate::{t, text};

use super::Failure;
use super::output::{self, errln, outln};

/// `lifeboat sim android` options.
#[derive(Debug, clap::Args)]
pub struct SimAndroidArgs {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:5555")]
    pub listen: std::net::SocketAddr,
    /// What a new phone holds: empty, demo, large or hostile.
    #[arg(long, default_value = "demo")]
    pub profile: String,
    /// The state folder (default: a temporary folder, deleted on exit).
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// The phone's serial number.
    #[arg(long)]
    pub serial: Option<String>,
    /// How a new computer is treated: allow (asks, then allows), never (unauthorized), off (no check).
    #[arg(long, default_value = "allow")]
    pub auth: AuthMode,
    /// Refuse what some makers' phones refuse USB debugging, comma-separated: calls, contacts, sms (reading
    /// them), sms-write (restoring messages).
    #[arg(long, value_name = "LIST")]
    pub refuse: Option<String>,
}

fn config_dir() -> Result<PathBuf, Failure> {
    discovery::config_dir().ok_or_else(|| Failure::usage(t!("no-config-dir")))
}

/// `lifeboat devices`.
pub fn list(as_json: bool) -> Result<(), Failure> {
    let devices = discovery::scan(&ScanOptions::default());
    if as_json {
        let values: Vec<serde_json::Value> = devices
            .iter()
            .map(|d| {
                let mut value = serde_json::to_value(d).unwrap_or_default();
                if let Some(object) = value.as_object_mut() {
                    object.insert("hint".into(), json!(d.state.hint()));
                }
                value
            })
            .collect();
        output::json(&serde_json::Value::Array(values));
        return Ok(());
    }
    if devices.is_empty() {
        outln!("{}", t!("devices-none"));
        return Ok(());
    }
    let mut rows =
        vec![vec![t!("col-id"), t!("col-device"), t!("col-transport"), t!("col-state"), t!("col-details")]];
    for device in &devices {
        rows.push(vec![
            device.id.clone(),
            device.name.clone(),
            device.transport.as_str().into(),
            device.state.as_str().into(),
            details(device),
        ]);
    }
    output::table(&rows);
    for device in devices.iter().filter(|d| !d.state.is_ready()) {
        outln!("{}", t!("device-hint", id = device.id.clone(), hint = device.state.hint()));
    }
    Ok(())
}

fn details(device: &FoundDevice) -> String {
    let mut parts = Vec::new();
    if let Some(os) = &device.os {
        parts.push(os.clone());
    }
    if let Some(battery) = device.battery {
        parts.push(t!("device-battery", percent = battery));
    }
    if let (Some(free), Some(total)) = (device.storage_free, device.storage_total) {
        parts.push(t!("device-storage", free = text::bytes(free), total = text::bytes(total)));
    }
    parts.join(", ")
}

/// `lifeboat connect HOST:PORT`: connects (the phone may ask to allow this computer) and remembers it.
pub fn connect(address: &str) -> Result<(), Failure> {
    let address = discovery::parse_address(address)
        .ok_or_else(|| Failure::usage(t!("bad-address", address = address.to_string())))?;
    let connection = Connection::tcp(&address, &connect_options()).map_err(adb_failure)?;
    let found =
        discovery::describe(connection, discovery::Transport::Tcp, address.clone()).map_err(adb_failure)?;
    let dir = config_dir()?;
    let mut remembered = Remembered::load(&dir).map_err(|e| Failure::general(e.to_string()))?;
    remembered.add(&address);
    remembered.save(&dir).map_err(|e| Failure::general(e.to_string()))?;
    outln!("{}", t!("connected", name = found.name.clone(), id = found.id.clone(), address = address));
    Ok(())
}

/// `lifeboat disconnect HOST:PORT`: forgets it.
pub fn disconnect(address: &str) -> Result<(), Failure> {
    let dir = config_dir()?;
    let mut remembered = Remembered::load(&dir).map_err(|e| Failure::general(e.to_string()))?;
    if !remembered.remove(address.trim()) {
        return Err(Failure::usage(t!("not-remembered", address = address.to_string())));
    }
    remembered.save(&dir).map_err(|e| Failure::general(e.to_string()))?;
    outln!("{}", t!("disconnected", address = address.to_string()));
    Ok(())
}

/// Turns an ADB failure into the command's failure.
pub fn adb_failure(error: AdbError) -> Failure {
    Failure::general(error.to_string())
}

/// Opens the phone `id` names for a backup or a restore.
pub fn open(id: &str, options: AndroidOptions) -> Result<AndroidDevice, Failure> {
    let scan = ScanOptions::default();
    let target: AdbTarget = discovery::resolve(id, &scan)
        .ok_or_else(|| Failure::usage(t!("device-not-found", id = id.to_string())))?;
    AndroidDevice::connect(&target, &connect_options(), options).map_err(adb_failure)
}

/// How long to wait for the person to tap Allow: a minute, or `LIFEBOAT_ALLOW_WAIT_SECS`.
fn connect_options() -> ConnectOptions {
    let mut options = ConnectOptions {
        on_allow_prompt: Some(std::sync::Arc::new(|phone: &str| {
            errln!("{}", t!("allow-prompt", phone = phone.to_string()));
        })),
        ..ConnectOptions::default()
    };
    if let Some(seconds) = std::env::var("LIFEBOAT_ALLOW_WAIT_SECS").ok().and_then(|s| s.parse::<u64>().ok())
    {
        options.allow_wait = std::time::Duration::from_secs(seconds);
    }
    options
}

/// `lifeboat sim android`: prints the address, then serves until killed.
pub fn sim_android(args: SimAndroidArgs) -> Result<(), Failure> {
    let profile: Profile = args
        .profile
        .parse()
        .map_err(|e: crate::device::sim::android::SimError| Failure::usage(e.to_string()))?;
    let refuse = Refusal::parse_list(args.refuse.as_deref().unwrap_or("")).map_err(Failure::usage)?;
    let mut options = AndroidSimOptions {
        listen: args.listen,
        profile,
        state_dir: args.state,
        auth: args.auth,
        refuse,
        ..AndroidSimOptions::default()
    };
    if let Some(serial) = args.serial {
        options.serial = serial;
    }
    let sim = android::start(options).map_err(|e| Failure::general(e.to_string()))?;
    outln!("{}", t!("sim-listening", address = sim.addr().to_string(), serial = sim.serial().to_string()));
    use std::io::Write;
    let _ = std::io::stdout().flush();
    sim.wait();
    Ok(())
}
