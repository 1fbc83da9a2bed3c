//! Reading ahead: small files fetched with pipelined sync requests while the engine stores earlier ones.
//!
//! The sync protocol answers one request at a time, and a host that waits for each answer before asking
//! again pays a round trip to the phone (over USB, Wi-Fi or an adb server) per file. A camera roll of
//! 10,000 small pictures then spends its time waiting, and the engine opens files one at a time per worker.
//! adbd, though, reads requests as they arrive, so a host may send many at once and read the answers in
//! order. So the device watches the order files are opened in: once they come in the order the walk listed
//! them (as in a first backup; an incremental backup opens a scattered few), a fetcher thread asks for the
//! next small files of that order in batches, on a sync session of its own, and [`Readahead::take`] hands
//! them to `open` from memory.
//!
//! Bounded: only files up to [`SMALL`] bytes, at most [`BUDGET`] bytes held or on their way, at most
//! [`AHEAD`] files past the last one opened; files the engine passed by are dropped. Anything unusual about
//! a fetched file (a FAIL, more bytes than the walk announced, a lost session) leaves that file to the
//! ordinary path, which reads and reports it as it always does.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;

use crate::data::ItemPath;

use super::Connection;
use super::sync::{Received, SyncSession};

/// Files larger than this are not read ahead: they stream on their own at full speed anyway.
pub const SMALL: u64 = 1024 * 1024;
/// Bytes of read-ahead files held in memory or requested, at most.
pub const BUDGET: u64 = 16 * 1024 * 1024;
/// How many files past the last one opened may be requested.
pub const AHEAD: usize = 256;
/// Opens in walk order needed before reading ahead starts.
const STREAK: u32 = 8;
/// How far apart (in walk positions) two opens may be and still count as "in order": the engine's workers
/// take files from one queue, so their opens arrive nearly, not exactly, in order.
const NEAR: usize = 8;
/// Read-ahead files this far behind the newest open were passed by (never opened): they are dropped.
const PASSED: usize = 64;
/// Requests sent in one message: at most this many, and at most [`BATCH_BYTES`] bytes, so a batch is one
/// ADB message even to a phone with the smallest payload (4 KiB); a batch split in two could wait on an
/// acknowledgement the phone sends only after answering the first half.
const BATCH_FILES: usize = 64;
/// See [`BATCH_FILES`].
const BATCH_BYTES: usize = 4096;

/// A file the walk listed, in walk order.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Its item path, as `open` gets it.
    pub path: ItemPath,
    /// Where it is on the phone.
    pub phone_path: String,
    /// The size the walk announced.
    pub size: u64,
}

enum Slot {
    /// Claimed when an open moved the window: the fetcher asks for it next. Claiming at the open, not when
    /// the fetcher gets round to it, means an open of a claimed file waits for it instead of overtaking the
    /// fetcher (an open that cannot wait would ask the phone for it a second time).
    Wanted,
    /// Asked for; the answer is on its way.
    Requested,
    /// Arrived whole.
    Ready(Vec<u8>),
    /// Left to the ordinary path.
    Failed,
}

#[derive(Default)]
struct State {
    files: Vec<Planned>,
    by_path: HashMap<ItemPath, usize>,
    slots: BTreeMap<usize, Slot>,
    /// The next position that may be claimed.
    cursor: usize,
    /// Positions below this may be claimed.
    window_end: usize,
    /// Announced bytes of every slot.
    held: u64,
    /// The highest position opened, and how many opens in a row were near it.
    newest: Option<usize>,
    streak: u32,
    /// Bumped by every new walk, so answers to an older walk's requests are dropped.
    generation: u64,
    fetcher_running: bool,
    stop: bool,
}

impl State {
    fn release(&mut self, position: usize) -> Option<Slot> {
        let slot = self.slots.remove(&position)?;
        self.held = self.held.saturating_sub(self.files.get(position).map_or(0, |f| f.size));
        Some(slot)
    }
}

struct Inner {
    connection: Connection,
    state: Mutex<State>,
    changed: Condvar,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock means a fetcher panicked; the state is still consistent enough to drop.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The read-ahead of one device.
pub struct Readahead {
    inner: Arc<Inner>,
}

impl Readahead {
    /// Nothing planned yet.
    pub fn new(connection: Connection) -> Self {
        Self {
            inner: Arc::new(Inner {
                connection,
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
            }),
        }
    }

    /// A new walk listed `files`, in the order it listed them: forget the old plan.
    pub fn plan(&self, files: Vec<Planned>) {
        let mut state = self.inner.lock();
        let generation = state.generation + 1;
        let (running, stop) = (state.fetcher_running, state.stop);
        let by_path = files.iter().enumerate().map(|(i, f)| (f.path.clone(), i)).collect();
        *state = State { files, by_path, generation, fetcher_running: running, stop, ..State::default() };
        self.inner.changed.notify_all();
    }

    /// The bytes of `path` when they were read ahead; `None` sends the caller down the ordinary path.
    /// Waits when they are on their way.
    pub fn take(&self, path: &ItemPath) -> Option<Vec<u8>> {
        let mut state = self.inner.lock();
        let position = *state.by_path.get(path)?;
        self.opened(&mut state, position);
        loop {
            match state.slots.get(&position) {
                None => return None,
                Some(Slot::Wanted | Slot::Requested) => {
                    state = self.inner.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
                }
                Some(Slot::Ready(_) | Slot::Failed) => {
                    let slot = state.release(position);
                    // Room in the budget: the fetcher may go on.
                    self.inner.changed.notify_all();
                    return match slot {
                        Some(Slot::Ready(bytes)) => Some(bytes),
                        _ => None,
                    };
                }
            }
        }
    }

    /// Notes an open at `position`: follows the order, drops what was passed by, moves the window and claims
    /// the small files in it, as far as the budget allows.
    fn opened(&self, state: &mut State, position: usize) {
        let near = state.newest.is_none_or(|newest| position + NEAR >= newest && position <= newest + NEAR);
        state.streak = if near { state.streak.saturating_add(1) } else { 0 };
        state.newest = Some(state.newest.map_or(position, |n| n.max(position)));
        let newest = state.newest.unwrap_or(position);
        // Passed-by files that are on their way are dropped once they arrive, at a later open.
        let passed: Vec<usize> = state
            .slots
            .range(..newest.saturating_sub(PASSED))
            .filter(|(_, slot)| !matches!(slot, Slot::Requested))
            .map(|(p, _)| *p)
            .collect();
        for p in passed {
            state.release(p);
        }
        // Nothing behind the newest open is worth fetching any more.
        state.cursor = state.cursor.max(newest + 1);
        if state.streak >= STREAK {
            state.window_end = state.window_end.max((newest + 1 + AHEAD).min(state.files.len()));
            while state.cursor < state.window_end {
                let size = state.files[state.cursor].size;
                if size <= SMALL {
                    if state.held + size > BUDGET {
                        break;
                    }
                    state.held += size;
                    let cursor = state.cursor;
                    state.slots.insert(cursor, Slot::Wanted);
                }
                state.cursor += 1;
            }
            if !state.fetcher_running && !state.stop {
                let inner = Arc::clone(&self.inner);
                let spawned =
                    thread::Builder::new().name("lifeboat-adb-readahead".into()).spawn(move || fetch(&inner));
                match spawned {
                    Ok(_) => state.fetcher_running = true,
                    Err(e) => {
                        log::debug!("no read-ahead: {e}");
                        for slot in state.slots.values_mut() {
                            *slot = Slot::Failed;
                        }
                    }
                }
            }
        } else {
            // Out of order (an incremental backup): fetch nothing more until the order is back.
            state.window_end = state.cursor;
        }
        self.inner.changed.notify_all();
    }
}

impl Drop for Readahead {
    fn drop(&mut self) {
        self.inner.lock().stop = true;
        self.inner.changed.notify_all();
    }
}

/// A batch of requests sent together.
struct Batch {
    generation: u64,
    /// Positions still to be answered, in request order.
    positions: VecDeque<usize>,
    /// Whether any answer of it was read (then the phone has acknowledged its message).
    answered: bool,
}

/// What the fetcher should do next.
enum Next {
    Send(u64, Vec<(usize, String)>),
    Nothing,
    Stop,
}

/// Picks the next batch: the claimed files, in order. Waits for work when `wait`.
fn next_batch(inner: &Inner, wait: bool) -> Next {
    let mut state = inner.lock();
    loop {
        if state.stop {
            return Next::Stop;
        }
        let State { files, slots, .. } = &mut *state;
        let mut batch = Vec::new();
        let mut bytes = 0;
        for (position, slot) in slots.iter_mut().filter(|(_, slot)| matches!(slot, Slot::Wanted)) {
            let phone_path = &files[*position].phone_path;
            if batch.len() == BATCH_FILES || bytes + phone_path.len() + 16 > BATCH_BYTES {
                break;
            }
            bytes += phone_path.len() + 16;
            *slot = Slot::Requested;
            batch.push((*position, phone_path.clone()));
        }
        if !batch.is_empty() {
            return Next::Send(state.generation, batch);
        }
        if !wait {
            return Next::Nothing;
        }
        state = inner.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
    }
}

/// Settles one requested file, unless a new walk replaced the plan it belonged to.
fn settle(inner: &Inner, generation: u64, position: usize, slot: Slot) {
    let mut state = inner.lock();
    if state.generation == generation && matches!(state.slots.get(&position), Some(Slot::Requested)) {
        if matches!(slot, Slot::Failed) {
            log::debug!("read-ahead leaves {} to the ordinary path", state.files[position].phone_path);
        }
        state.slots.insert(position, slot);
    }
    drop(state);
    inner.changed.notify_all();
}

/// The fetcher thread: keeps up to two batches at the phone, so it never waits between them, and sends a
/// new one only once an answer of the last has arrived (so its message was acknowledged, and writing the
/// next cannot wait on a phone that waits on us).
fn fetch(inner: &Inner) {
    let _finished = Finished(inner);
    let mut session: Option<SyncSession> = None;
    let mut in_flight: VecDeque<Batch> = VecDeque::new();
    loop {
        if in_flight.len() < 2 && in_flight.back().is_none_or(|b| b.answered) {
            match next_batch(inner, in_flight.is_empty()) {
                Next::Stop => break,
                Next::Nothing => {}
                Next::Send(generation, batch) => {
                    let sent = match session.as_mut() {
                        Some(sync) => Ok(sync),
                        None => inner.connection.sync().map(|sync| session.insert(sync)),
                    }
                    .and_then(|sync| {
                        let paths: Vec<&[u8]> = batch.iter().map(|(_, p)| p.as_bytes()).collect();
                        sync.request_files(&paths)
                    });
                    let positions = batch.into_iter().map(|(p, _)| p).collect();
                    in_flight.push_back(Batch { generation, positions, answered: false });
                    if let Err(e) = sent {
                        log::debug!("read-ahead stopped: {e}");
                        abandon(inner, &mut session, &mut in_flight);
                    }
                }
            }
        }
        let (Some(batch), Some(sync)) = (in_flight.front_mut(), session.as_mut()) else { continue };
        let Some(position) = batch.positions.pop_front() else {
            in_flight.pop_front();
            continue;
        };
        batch.answered = true;
        let generation = batch.generation;
        let limit = inner.lock().files.get(position).map_or(0, |f| f.size);
        let mut bytes = Vec::with_capacity(limit as usize);
        match sync.receive_into(limit, &mut bytes) {
            Ok(Received::Done) => settle(inner, generation, position, Slot::Ready(bytes)),
            Ok(Received::Failed(_) | Received::TooLong) | Err(_) => {
                // After a FAIL the phone has ended the session; a file longer than announced is still
                // arriving; a lost session answers nothing more. Either way the rest goes the ordinary way.
                settle(inner, generation, position, Slot::Failed);
                abandon(inner, &mut session, &mut in_flight);
            }
        }
    }
    abandon(inner, &mut session, &mut in_flight);
}

/// Marks the fetcher gone when it ends, even by a panic, and leaves whatever it still owed to the ordinary
/// path: nobody waits for an answer that will not come.
struct Finished<'a>(&'a Inner);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.fetcher_running = false;
        for slot in state.slots.values_mut() {
            if matches!(slot, Slot::Wanted | Slot::Requested) {
                *slot = Slot::Failed;
            }
        }
        drop(state);
        self.0.changed.notify_all();
    }
}

/// Drops the session and leaves every file still requested to the ordinary path.
fn abandon(inner: &Inner, session: &mut Option<SyncSession>, in_flight: &mut VecDeque<Batch>) {
    // Dropping the session closes its stream: the phone stops sending.
    session.take();
    for batch in in_flight.drain(..) {
        for position in batch.positions {
            settle(inner, batch.generation, position, Slot::Failed);
        }
    }
}

#[cfg(test)]
#[path = "readahead_tests.rs"]
mod tests;
