//! A direct ADB connection (TCP to a phone's adbd, or USB bulk endpoints): the CNXN/AUTH handshake, then any
//! number of concurrent streams multiplexed over the one link.
//!
//! Why our own and not adb_client's: the backup engine reads several files at once, a phone is asked for
//! contacts while a photo streams, and a file must stream into the vault as a `Read` without landing in
//! memory. So one reader thread demultiplexes WRTE messages to streams, and each stream acknowledges
//! (OKAY) a payload only when its reader has taken it: ADB's one-WRTE-then-OKAY flow control then keeps at
//! most one payload per stream in memory, whatever the phone sends.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use super::error::io_error;
use super::key::AdbKey;
use super::wire::{self, Banner, Message};
use super::{AdbError, AdbStream};
use crate::device::DeviceError;

/// How long to wait for the phone's first answer (it is quick unless the link is dead).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a phone may leave an OPEN unanswered.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a stream may stay silent before the phone counts as gone. A phone that loses Wi-Fi sends no
/// reset, and TCP alone would wait for hours; a busy phone still sends something well within this.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// The halves of a link and a way to bound reads during the handshake.
pub struct Link {
    /// Messages from the phone.
    pub reader: Box<dyn Read + Send>,
    /// Messages to the phone.
    pub writer: Box<dyn Write + Send>,
    /// Sets (or clears) a read timeout, where the link has one.
    pub set_timeout: Box<dyn Fn(Option<Duration>) + Send + Sync>,
    /// Cuts the link so the reader thread ends (shutting a TCP socket); called when the transport is dropped.
    pub shutdown: Box<dyn Fn() + Send + Sync>,
}

/// One stream's state, shared between its handle and the reader thread.
#[derive(Default)]
struct Slot {
    /// The phone's id for the stream, once it said OKAY to our OPEN.
    remote: Option<u32>,
    /// Whether the OPEN was answered (OKAY or CLSE).
    answered: bool,
    /// Payloads received and not yet read.
    incoming: VecDeque<Vec<u8>>,
    /// Whether we may send the next WRTE (the phone acknowledged the last one).
    may_write: bool,
    /// The phone closed the stream.
    closed: bool,
}

/// A stream's state and the signal that it changed.
type SlotHandle = Arc<(Mutex<Slot>, Condvar)>;

struct Shared {
    name: String,
    writer: Mutex<Box<dyn Write + Send>>,
    slots: Mutex<HashMap<u32, SlotHandle>>,
    /// Set when the link broke: every stream fails with `Disconnected` from then on.
    broken: Mutex<bool>,
    next_id: AtomicU32,
    max_payload: usize,
    shutdown: Box<dyn Fn() + Send + Sync>,
}

impl Shared {
    fn send(&self, message: &Message) -> io::Result<()> {
        let mut writer =
            self.writer.lock().map_err(|_| io::Error::other("the connection's writer is unusable"))?;
        message.write_to(&mut **writer)
    }

    fn is_broken(&self) -> bool {
        self.broken.lock().map(|b| *b).unwrap_or(true)
    }

    fn disconnected(&self) -> io::Error {
        io_error(io::ErrorKind::ConnectionReset, DeviceError::Disconnected { device: self.name.clone() })
    }

    /// Marks the link broken and wakes every stream.
    fn break_all(&self) {
        if let Ok(mut broken) = self.broken.lock() {
            *broken = true;
        }
        let slots: Vec<_> = self.slots.lock().map(|s| s.values().cloned().collect()).unwrap_or_default();
        for slot in slots {
            let (lock, signal) = &*slot;
            if let Ok(mut state) = lock.lock() {
                state.closed = true;
                state.answered = true;
            }
            signal.notify_all();
        }
    }
}

/// A connected phone.
pub struct Transport {
    shared: Arc<Shared>,
    banner: Banner,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").field("name", &self.shared.name).field("banner", &self.banner).finish()
    }
}

impl Transport {
    /// Connects over `link`: CNXN, then AUTH with the key `load_key` gives (signature first; the public key if
    /// the phone does not know it yet, waiting up to `allow_wait` for the person to tap Allow). The key is
    /// loaded (or made) only when the phone asks for it: an emulator or a phone without authentication never
    /// needs one.
    pub fn connect(
        name: &str,
        link: Link,
        load_key: &dyn Fn() -> Result<AdbKey, AdbError>,
        allow_wait: Duration,
        on_prompt: Option<&super::AllowPrompt>,
    ) -> Result<Self, AdbError> {
        let Link { mut reader, mut writer, set_timeout, shutdown } = link;
        let lost = |e: io::Error| {
            log::debug!("ADB handshake with {name} failed: {e}");
            AdbError::Disconnected { device: name.to_string() }
        };
        let host_banner =
            b"host::features=shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir,sendrecv_v2\0".to_vec();
        Message::new(wire::A_CNXN, wire::VERSION, wire::MAX_PAYLOAD, host_banner)
            .write_to(&mut *writer)
            .map_err(lost)?;
        set_timeout(Some(HANDSHAKE_TIMEOUT));
        let mut key: Option<AdbKey> = None;
        let mut sent_signature = false;
        let mut deadline: Option<Instant> = None;
        let connected = loop {
            let message = match Message::read_from(&mut *reader) {
                Ok(message) => message,
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    if deadline.is_some_and(|d| Instant::now() < d) {
                        continue;
                    }
                    shutdown();
                    return Err(if sent_signature {
                        AdbError::Unauthorized { device: name.to_string() }
                    } else {
                        AdbError::Protocol {
                            device: name.to_string(),
                            detail: "it did not answer the connection request".into(),
                        }
                    });
                }
                Err(e) => return Err(lost(e)),
            };
            match (message.command, message.arg0) {
                (wire::A_CNXN, _) => break message,
                (wire::A_AUTH, wire::AUTH_TOKEN) if !sent_signature => {
                    let signature = match &mut key {
                        Some(key) => key.sign(&message.payload)?,
                        empty => empty.insert(load_key()?).sign(&message.payload)?,
                    };
                    Message::new(wire::A_AUTH, wire::AUTH_SIGNATURE, 0, signature)
                        .write_to(&mut *writer)
                        .map_err(lost)?;
                    sent_signature = true;
                }
                (wire::A_AUTH, wire::AUTH_TOKEN) => {
                    // The phone does not know our key: offer it, and the phone shows "Allow USB debugging?".
                    if deadline.is_some() {
                        continue;
                    }
                    let mut public = match &mut key {
                        Some(key) => key.public_key_line(),
                        empty => empty.insert(load_key()?).public_key_line(),
                    }
                    .into_bytes();
                    public.push(0);
                    Message::new(wire::A_AUTH, wire::AUTH_RSAPUBLICKEY, 0, public)
                        .write_to(&mut *writer)
                        .map_err(lost)?;
                    if allow_wait.is_zero() {
                        shutdown();
                        return Err(AdbError::Unauthorized { device: name.to_string() });
                    }
                    if let Some(prompt) = on_prompt {
                        prompt(name);
                    }
                    deadline = Some(Instant::now() + allow_wait);
                    set_timeout(Some(allow_wait.min(Duration::from_millis(500))));
                }
                (wire::A_STLS, _) => {
                    shutdown();
                    return Err(AdbError::Protocol {
                        device: name.to_string(),
                        detail: "it asks for TLS (wireless debugging with a pairing code); pair it with `adb pair` and back it up through the adb server".into(),
                    });
                }
                (command, _) => log::debug!("ADB handshake: ignoring message {command:08x} from {name}"),
            }
        };
        set_timeout(None);
        let banner = Banner::parse(&connected.payload);
        let max_payload = (connected.arg1 as usize).clamp(4096, wire::MAX_PAYLOAD as usize);
        let shared = Arc::new(Shared {
            name: name.to_string(),
            writer: Mutex::new(writer),
            slots: Mutex::new(HashMap::new()),
            broken: Mutex::new(false),
            next_id: AtomicU32::new(1),
            max_payload,
            shutdown,
        });
        let for_reader = Arc::clone(&shared);
        thread::Builder::new()
            .name(format!("adb-reader-{name}"))
            .spawn(move || read_loop(reader, for_reader))
            .map_err(|e| lost(io::Error::other(e)))?;
        Ok(Self { shared, banner })
    }

    /// What the phone said about itself.
    pub fn banner(&self) -> &Banner {
        &self.banner
    }

    /// Whether the link has broken.
    pub fn is_broken(&self) -> bool {
        self.shared.is_broken()
    }

    /// Opens a stream to `service` (`shell,v2,raw:ls`, `sync:`...).
    pub fn open(&self, service: &str) -> Result<AdbStream, AdbError> {
        let name = &self.shared.name;
        let disconnected = || AdbError::Disconnected { device: name.clone() };
        if self.shared.is_broken() {
            return Err(disconnected());
        }
        let local = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new((Mutex::new(Slot::default()), Condvar::new()));
        self.shared.slots.lock().map_err(|_| disconnected())?.insert(local, Arc::clone(&slot));
        let mut payload = service.as_bytes().to_vec();
        payload.push(0);
        if self.shared.send(&Message::new(wire::A_OPEN, local, 0, payload)).is_err() {
            self.shared.break_all();
            return Err(disconnected());
        }
        let (lock, signal) = &*slot;
        let state = lock.lock().map_err(|_| disconnected())?;
        let (state, waited) =
            signal.wait_timeout_while(state, OPEN_TIMEOUT, |s| !s.answered).map_err(|_| disconnected())?;
        if waited.timed_out() {
            drop(state);
            self.forget(local);
            return Err(AdbError::Protocol {
                device: name.clone(),
                detail: format!("it did not answer the request for \"{service}\""),
            });
        }
        match state.remote {
            Some(remote) if !self.shared.is_broken() => {
                drop(state);
                Ok(AdbStream::Direct(DirectStream {
                    shared: Arc::clone(&self.shared),
                    slot,
                    local,
                    remote,
                    pending: Vec::new(),
                    offset: 0,
                    closed_by_us: false,
                }))
            }
            _ => {
                drop(state);
                self.forget(local);
                if self.shared.is_broken() {
                    Err(disconnected())
                } else {
                    Err(AdbError::Refused { device: name.clone(), service: service.to_string() })
                }
            }
        }
    }

    fn forget(&self, local: u32) {
        if let Ok(mut slots) = self.shared.slots.lock() {
            slots.remove(&local);
        }
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        (self.shared.shutdown)();
    }
}

fn read_loop(mut reader: Box<dyn Read + Send>, shared: Arc<Shared>) {
    loop {
        let message = match Message::read_from(&mut *reader) {
            Ok(message) => message,
            Err(e) => {
                log::debug!("ADB link to {} ended: {e}", shared.name);
                shared.break_all();
                return;
            }
        };
        // arg1 is our id for the stream on every stream message.
        let slot = shared.slots.lock().ok().and_then(|s| s.get(&message.arg1).cloned());
        let Some(slot) = slot else {
            if message.command == wire::A_WRTE {
                // A stream we no longer know: tell the phone so it stops sending.
                let _ = shared.send(&Message::new(wire::A_CLSE, 0, message.arg0, Vec::new()));
            }
            continue;
        };
        let (lock, signal) = &*slot;
        let Ok(mut state) = lock.lock() else { continue };
        match message.command {
            wire::A_OKAY => {
                state.remote.get_or_insert(message.arg0);
                state.answered = true;
                state.may_write = true;
            }
            wire::A_WRTE => state.incoming.push_back(message.payload),
            wire::A_CLSE => {
                state.closed = true;
                state.answered = true;
                drop(state);
                if let Ok(mut slots) = shared.slots.lock() {
                    slots.remove(&message.arg1);
                }
                signal.notify_all();
                continue;
            }
            other => log::debug!("ADB: ignoring message {other:08x} from {}", shared.name),
        }
        drop(state);
        signal.notify_all();
    }
}

/// A stream on a direct connection.
pub struct DirectStream {
    shared: Arc<Shared>,
    slot: Arc<(Mutex<Slot>, Condvar)>,
    local: u32,
    remote: u32,
    /// The payload being read, and how far.
    pending: Vec<u8>,
    offset: usize,
    closed_by_us: bool,
}

impl DirectStream {
    fn state(&self) -> io::Result<MutexGuard<'_, Slot>> {
        self.slot.0.lock().map_err(|_| self.shared.disconnected())
    }
}

impl Read for DirectStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.offset >= self.pending.len() {
            let state = self.state()?;
            let (mut state, waited) = self
                .slot
                .1
                .wait_timeout_while(state, IDLE_TIMEOUT, |s| s.incoming.is_empty() && !s.closed)
                .map_err(|_| self.shared.disconnected())?;
            if waited.timed_out() {
                drop(state);
                log::warn!(
                    "{}: no data for {} s; treating the phone as gone",
                    self.shared.name,
                    IDLE_TIMEOUT.as_secs()
                );
                self.shared.break_all();
                (self.shared.shutdown)();
                return Err(self.shared.disconnected());
            }
            match state.incoming.pop_front() {
                Some(payload) => {
                    drop(state);
                    self.pending = payload;
                    self.offset = 0;
                    // Acknowledge only now: the phone sends the next payload once we have room for it.
                    if self
                        .shared
                        .send(&Message::new(wire::A_OKAY, self.local, self.remote, Vec::new()))
                        .is_err()
                    {
                        self.shared.break_all();
                    }
                }
                None => {
                    drop(state);
                    return if self.shared.is_broken() { Err(self.shared.disconnected()) } else { Ok(0) };
                }
            }
        }
        let n = buf.len().min(self.pending.len() - self.offset);
        buf[..n].copy_from_slice(&self.pending[self.offset..self.offset + n]);
        self.offset += n;
        Ok(n)
    }
}

impl Write for DirectStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = buf.len().min(self.shared.max_payload);
        {
            let state = self.state()?;
            let (mut state, waited) = self
                .slot
                .1
                .wait_timeout_while(state, IDLE_TIMEOUT, |s| !s.may_write && !s.closed)
                .map_err(|_| self.shared.disconnected())?;
            if waited.timed_out() {
                drop(state);
                self.shared.break_all();
                (self.shared.shutdown)();
                return Err(self.shared.disconnected());
            }
            if state.closed {
                drop(state);
                return Err(if self.shared.is_broken() {
                    self.shared.disconnected()
                } else {
                    io::Error::new(io::ErrorKind::BrokenPipe, "the phone closed the stream")
                });
            }
            state.may_write = false;
        }
        if self.shared.send(&Message::new(wire::A_WRTE, self.local, self.remote, buf[..n].to_vec())).is_err()
        {
            self.shared.break_all();
            return Err(self.shared.disconnected());
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for DirectStream {
    fn drop(&mut self) {
        if !self.closed_by_us {
            self.closed_by_us = true;
            let closed = self.state().map(|s| s.closed).unwrap_or(true);
            if !closed && !self.shared.is_broken() {
                let _ = self.shared.send(&Message::new(wire::A_CLSE, self.local, self.remote, Vec::new()));
            }
            if let Ok(mut slots) = self.shared.slots.lock() {
                slots.remove(&self.local);
            }
        }
    }
}
