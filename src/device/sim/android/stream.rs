//! One ADB stream as a service sees it: a blocking byte pipe with ADB's flow control underneath.
//!
//! Flow control is the classic one (no `delayed_ack`): after a WRTE, the sender waits for the peer's OKAY
//! before sending the next. Both directions honour it here: [`AdbStream::write`] waits for the host's OKAY,
//! and the phone acknowledges a host WRTE only when the service has taken its bytes, so a slow service slows
//! the host down instead of filling memory.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::message::{self, A_CLSE, A_OKAY, A_WRTE};

/// The sending half of a connection, shared by every stream on it. One lock per message keeps messages
/// from different streams from interleaving.
pub struct PacketWriter {
    socket: Mutex<TcpStream>,
}

impl PacketWriter {
    /// Wraps the connection's socket.
    pub fn new(socket: TcpStream) -> Self {
        Self { socket: Mutex::new(socket) }
    }

    /// Sends one message.
    pub fn send(&self, command: u32, arg0: u32, arg1: u32, payload: &[u8]) -> io::Result<()> {
        let mut socket = self.socket.lock().map_err(|_| io::Error::other("connection writer poisoned"))?;
        message::write_message(&mut *socket, command, arg0, arg1, payload)?;
        socket.flush()
    }
}

/// What the connection and the service share about one stream.
pub struct StreamShared {
    state: Mutex<StreamState>,
    changed: Condvar,
}

#[derive(Default)]
struct StreamState {
    /// Payloads of host WRTEs not yet read by the service.
    inbound: VecDeque<Vec<u8>>,
    /// Whether the host has acknowledged our last WRTE (an OPEN counts as the first acknowledgement).
    may_send: bool,
    /// The host closed the stream, or the connection went away.
    closed: bool,
}

/// Most host WRTEs queued before the host is considered to be ignoring flow control.
const MAX_QUEUED_WRITES: usize = 64;

impl StreamShared {
    /// A freshly opened stream: the host's OPEN implies it is ready for our first WRTE.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(StreamState { may_send: true, ..StreamState::default() }),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, StreamState> {
        // A poisoned lock only means a service thread panicked; the state itself is still consistent.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The host sent bytes. Returns false when the host ignores flow control so badly that the
    /// connection should be dropped.
    pub fn push_inbound(&self, payload: Vec<u8>) -> bool {
        let mut state = self.lock();
        if state.inbound.len() >= MAX_QUEUED_WRITES {
            return false;
        }
        state.inbound.push_back(payload);
        self.changed.notify_all();
        true
    }

    /// The host acknowledged our last WRTE.
    pub fn acknowledge(&self) {
        self.lock().may_send = true;
        self.changed.notify_all();
    }

    /// The host closed the stream or the connection ended: readers see the end once the queue is drained,
    /// writers fail at once.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    /// Whether the stream was closed from the host's side.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }
}

/// The service's end of a stream.
pub struct AdbStream {
    shared: Arc<StreamShared>,
    writer: Arc<PacketWriter>,
    local_id: u32,
    remote_id: u32,
    max_payload: usize,
    pending: Vec<u8>,
    pending_at: usize,
}

impl AdbStream {
    /// Connects a service to stream `local_id` (ours) ⇄ `remote_id` (the host's).
    pub fn new(
        shared: Arc<StreamShared>,
        writer: Arc<PacketWriter>,
        local_id: u32,
        remote_id: u32,
        max_payload: usize,
    ) -> Self {
        Self {
            shared,
            writer,
            local_id,
            remote_id,
            max_payload: max_payload.max(1),
            pending: Vec::new(),
            pending_at: 0,
        }
    }

    /// The negotiated largest payload of one WRTE.
    pub fn max_payload(&self) -> usize {
        self.max_payload
    }

    /// Takes the next whole WRTE payload the host sent, or `None` at the end of the stream.
    pub fn read_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.pending_at < self.pending.len() {
            let rest = self.pending.split_off(self.pending_at);
            self.pending.clear();
            self.pending_at = 0;
            return Ok(Some(rest));
        }
        let chunk = {
            let mut state = self.shared.lock();
            loop {
                if let Some(chunk) = state.inbound.pop_front() {
                    break chunk;
                }
                if state.closed {
                    return Ok(None);
                }
                state = self.shared.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
            }
        };
        // Acknowledge only now that the service has the bytes: this is the backpressure.
        if !self.shared.is_closed() {
            self.writer.send(A_OKAY, self.local_id, self.remote_id, &[])?;
        }
        Ok(Some(chunk))
    }

    /// Closes the stream from the phone's side, unless the host already did.
    pub fn close(&mut self) {
        let already_closed = {
            let mut state = self.shared.lock();
            let was = state.closed;
            state.closed = true;
            was
        };
        self.shared.changed.notify_all();
        if !already_closed {
            // Nothing useful can be done if the host has gone: the connection's reader notices it too.
            let _ = self.writer.send(A_CLSE, self.local_id, self.remote_id, &[]);
        }
    }
}

impl super::sync::SyncStream for AdbStream {
    fn input_waiting(&self) -> bool {
        self.pending_at < self.pending.len() || !self.shared.lock().inbound.is_empty()
    }

    fn may_send(&self) -> bool {
        let state = self.shared.lock();
        state.may_send || state.closed
    }
}

impl Read for AdbStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pending_at >= self.pending.len() {
            match self.read_chunk()? {
                Some(chunk) => {
                    self.pending = chunk;
                    self.pending_at = 0;
                }
                None => return Ok(0),
            }
        }
        let available = &self.pending[self.pending_at..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.pending_at += n;
        Ok(n)
    }
}

impl Write for AdbStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = buf.len().min(self.max_payload);
        {
            let mut state = self.shared.lock();
            while !state.may_send && !state.closed {
                state = self.shared.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            if state.closed {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "the host closed the stream"));
            }
            state.may_send = false;
        }
        self.writer.send(A_WRTE, self.local_id, self.remote_id, &buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
