//! Watching for phones: a named thread looks every `interval` (at most a second, so a phone appears within
//! one) and reports what changed on a channel; USB hotplug events (nusb, on Linux through netlink) wake it
//! at once. Where hotplug is unavailable it simply polls; where there is no USB at all it watches the adb
//! server and remembered TCP phones only.
//!
//! Connections to TCP phones are kept between looks, so a second's look costs no new handshake; a phone
//! that vanishes breaks its connection and is reported at the next look.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::{
    Described, DeviceState, FoundDevice, Remembered, ScanOptions, Transport, describe, from_server_reusing,
    from_usb, merge,
};
use crate::device::adb::Connection;

/// A change in the devices present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// A device appeared.
    Added(FoundDevice),
    /// A device's state or details changed.
    Changed(FoundDevice),
    /// A device went away (its id).
    Removed(String),
}

/// Watches devices until dropped.
pub struct DeviceWatcher {
    events: Receiver<DeviceEvent>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DeviceWatcher {
    /// Starts watching; the first events list what is there now. `interval` is capped at one second.
    pub fn start(options: ScanOptions, interval: Duration) -> std::io::Result<Self> {
        let interval = interval.min(Duration::from_secs(1));
        let (events_tx, events) = unbounded();
        let (wake_tx, wake_rx) = unbounded::<()>();
        let stop = Arc::new(AtomicBool::new(false));
        if options.usb {
            start_hotplug(wake_tx, Arc::clone(&stop));
        }
        let stop_for_thread = Arc::clone(&stop);
        let thread = thread::Builder::new().name("lifeboat-device-watcher".into()).spawn(move || {
            let mut state = WatchState::default();
            while !stop_for_thread.load(Ordering::SeqCst) {
                let now = state.look(&options);
                if !state.report(now, &events_tx) {
                    return;
                }
                match wake_rx.recv_timeout(interval) {
                    Ok(()) => while wake_rx.try_recv().is_ok() {},
                    Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                    Err(crossbeam_channel::RecvTimeoutError::Disconnected) => thread::sleep(interval),
                }
            }
        })?;
        Ok(Self { events, stop, thread: Some(thread) })
    }

    /// The events, for a GUI's subscription or a loop.
    pub fn events(&self) -> &Receiver<DeviceEvent> {
        &self.events
    }
}

impl Drop for DeviceWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Forwards USB hotplug events as wake-ups. The thread blocks inside nusb's stream; it ends at the next
/// event after the watcher stopped.
fn start_hotplug(wake: Sender<()>, stop: Arc<AtomicBool>) {
    let watch = match nusb::watch_devices() {
        Ok(watch) => watch,
        Err(e) => {
            log::debug!("no USB hotplug here ({e}); polling instead");
            return;
        }
    };
    let spawned = thread::Builder::new().name("lifeboat-usb-hotplug".into()).spawn(move || {
        for _event in futures_lite::stream::block_on(watch) {
            if stop.load(Ordering::SeqCst) || wake.send(()).is_err() {
                return;
            }
        }
    });
    if let Err(e) = spawned {
        log::warn!("USB hotplug is not watched: {e}");
    }
}

/// How long a phone that did not allow this computer is left alone before asking again: each attempt waits
/// for the person, and the other phones must not wait behind it.
const UNAUTHORIZED_RETRY: Duration = Duration::from_secs(5);

struct WatchState {
    known: HashMap<String, FoundDevice>,
    /// Live connections to remembered TCP phones, with what they told us.
    tcp: HashMap<String, (Connection, FoundDevice)>,
    /// Remembered phones that refused this computer, until when to leave them alone.
    refused: HashMap<String, (Instant, FoundDevice)>,
    /// What phones held by the adb server told us.
    described: Described,
}

/// How long a description of a phone held by the adb server is shown before asking it again.
const DESCRIPTION_FRESH_FOR: Duration = Duration::from_secs(30);

impl Default for WatchState {
    fn default() -> Self {
        Self {
            known: HashMap::new(),
            tcp: HashMap::new(),
            refused: HashMap::new(),
            described: Described::new(DESCRIPTION_FRESH_FOR),
        }
    }
}

impl WatchState {
    fn look(&mut self, options: &ScanOptions) -> Vec<FoundDevice> {
        let mut devices = from_server_reusing(options.adb_server_port, &mut self.described);
        let held: Vec<String> = devices.iter().map(|d| d.id.clone()).collect();
        if options.usb {
            devices.extend(from_usb(&options.connect, &held));
        }
        let remembered = options
            .config_dir
            .as_ref()
            .map(|dir| Remembered::load(dir).unwrap_or_default())
            .unwrap_or_default();
        self.tcp
            .retain(|address, (connection, _)| remembered.tcp.contains(address) && !connection.is_broken());
        for address in remembered.tcp {
            if let Some((_, found)) = self.tcp.get(&address) {
                devices.push(found.clone());
                continue;
            }
            if let Some((until, found)) = self.refused.get(&address)
                && Instant::now() < *until
            {
                devices.push(found.clone());
                continue;
            }
            match Connection::tcp(&address, &options.connect) {
                Ok(connection) => match describe(connection.clone(), Transport::Tcp, address.clone()) {
                    Ok(found) => {
                        self.tcp.insert(address, (connection, found.clone()));
                        devices.push(found);
                    }
                    Err(_) => devices.push(super::probe_tcp(&address, &options.connect)),
                },
                Err(error) => {
                    let found = super::unreachable(&address, &error);
                    if found.state == DeviceState::Unauthorized {
                        self.refused
                            .insert(address.clone(), (Instant::now() + UNAUTHORIZED_RETRY, found.clone()));
                    }
                    devices.push(found);
                }
            }
        }
        merge(devices)
    }

    /// Sends the differences; false when nobody listens any more.
    fn report(&mut self, now: Vec<FoundDevice>, events: &Sender<DeviceEvent>) -> bool {
        // Removals first: a phone that went away and its "disconnected" entry arrive in that order.
        for id in self.known.keys() {
            if !now.iter().any(|d| &d.id == id) && events.send(DeviceEvent::Removed(id.clone())).is_err() {
                return false;
            }
        }
        let mut next = HashMap::new();
        for device in now {
            let event = match self.known.get(&device.id) {
                None => Some(DeviceEvent::Added(device.clone())),
                Some(old) if *old != device => Some(DeviceEvent::Changed(device.clone())),
                Some(_) => None,
            };
            if let Some(event) = event
                && events.send(event).is_err()
            {
                return false;
            }
            next.insert(device.id.clone(), device);
        }
        self.known = next;
        true
    }
}
