//! One host connection: the CNXN/AUTH handshake, then OPEN/OKAY/WRTE/CLSE for any number of concurrent
//! streams, each served on its own thread.
//!
//! The handshake follows adbd: the host's CNXN is answered with an AUTH token (unless authentication is off);
//! a good signature, or a public key the person "allows", is answered with the phone's CNXN. A phone that
//! never allows simply stays silent after the public key, which adb reports as "unauthorized".

use std::collections::HashMap;
use std::io::BufReader;
use std::net::TcpStream;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use rand::RngCore;

use super::auth::TOKEN_SIZE;
use super::message::{
    self, A_AUTH, A_CLSE, A_CNXN, A_OKAY, A_OPEN, A_VERSION, A_VERSION_SKIP_CHECKSUM, A_WRTE,
    AUTH_RSAPUBLICKEY, AUTH_SIGNATURE, AUTH_TOKEN, FrameError, MAX_PAYLOAD, MAX_PAYLOAD_V1, Message,
};
use super::services::Service;
use super::stream::{AdbStream, PacketWriter, StreamShared};
use super::{AuthMode, SimContext};

/// Where the handshake stands.
enum Handshake {
    /// Nothing received yet.
    AwaitingConnect,
    /// A token was sent; waiting for a signature or a public key.
    Authorizing { token: [u8; TOKEN_SIZE] },
    /// The host is waiting for a person to tap "Allow", who never will.
    Refused,
    /// Streams may be opened.
    Online,
}

/// The state of one connection, owned by its reader thread.
struct Connection {
    context: Arc<SimContext>,
    writer: Arc<PacketWriter>,
    peer: String,
    handshake: Handshake,
    peer_version: u32,
    max_payload: usize,
    streams: HashMap<u32, Arc<StreamShared>>,
    workers: Vec<JoinHandle<()>>,
    next_local_id: u32,
}

/// Serves one accepted socket until the host goes away or the phone stops.
pub fn serve(socket: TcpStream, context: Arc<SimContext>) {
    let peer = socket.peer_addr().map(|a| a.to_string()).unwrap_or_else(|_| "unknown host".into());
    // Small control messages must not wait for Nagle: ADB is request/response at every step.
    let _ = socket.set_nodelay(true);
    let read_half = match socket.try_clone() {
        Ok(read_half) => read_half,
        Err(e) => {
            log::warn!("virtual phone: cannot use the connection from {peer}: {e}");
            return;
        }
    };
    let mut connection = Connection {
        context,
        writer: Arc::new(PacketWriter::new(socket)),
        peer,
        handshake: Handshake::AwaitingConnect,
        peer_version: 0x0100_0000,
        max_payload: MAX_PAYLOAD_V1 as usize,
        streams: HashMap::new(),
        workers: Vec::new(),
        next_local_id: 1,
    };
    let mut reader = BufReader::with_capacity(256 * 1024, read_half);
    loop {
        let verify = connection.peer_version < A_VERSION_SKIP_CHECKSUM;
        match Message::read_from(&mut reader, MAX_PAYLOAD, verify) {
            Ok(message) => {
                if let Err(e) = connection.handle(message) {
                    log::info!("virtual phone: dropping {}: {e}", connection.peer);
                    break;
                }
            }
            Err(FrameError::Io(e)) => {
                log::debug!("virtual phone: {} disconnected: {e}", connection.peer);
                break;
            }
            Err(e) => {
                log::info!("virtual phone: dropping {}: {e}", connection.peer);
                break;
            }
        }
    }
    connection.shut_down();
}

impl Connection {
    fn handle(&mut self, message: Message) -> Result<(), String> {
        match message.command {
            A_CNXN => self.on_connect(&message),
            A_AUTH => self.on_auth(&message),
            _ if !matches!(self.handshake, Handshake::Online) => {
                // adbd ignores stream traffic before the handshake is done.
                log::debug!(
                    "virtual phone: ignoring {} before the handshake",
                    message::command_name(message.command)
                );
                Ok(())
            }
            A_OPEN => self.on_open(&message),
            A_OKAY => {
                if let Some(stream) = self.streams.get(&message.arg1) {
                    stream.acknowledge();
                }
                Ok(())
            }
            A_WRTE => match self.streams.get(&message.arg1) {
                Some(stream) if !stream.push_inbound(message.payload) => {
                    Err("the host sent data without waiting for acknowledgements".into())
                }
                _ => Ok(()),
            },
            A_CLSE => {
                if let Some(stream) = self.streams.remove(&message.arg1) {
                    stream.close();
                }
                Ok(())
            }
            // STLS and the obsolete SYNC are never asked for by this phone; ignore them as adbd would.
            _ => Ok(()),
        }
    }

    fn on_connect(&mut self, message: &Message) -> Result<(), String> {
        // A second CNXN restarts the session, as on a phone: every open stream is dropped.
        self.close_all_streams();
        self.peer_version = message.arg0.min(A_VERSION);
        self.max_payload = message.arg1.clamp(MAX_PAYLOAD_V1, MAX_PAYLOAD) as usize;
        log::debug!(
            "virtual phone: {} says {:?}",
            self.peer,
            String::from_utf8_lossy(&message.payload).trim_end_matches('\0')
        );
        if self.context.auth == AuthMode::Off {
            return self.go_online();
        }
        self.send_token()
    }

    fn on_auth(&mut self, message: &Message) -> Result<(), String> {
        let Handshake::Authorizing { token } = self.handshake else {
            return Ok(());
        };
        match message.arg0 {
            AUTH_SIGNATURE => {
                if self.context.keys.accepts(&token, &message.payload) {
                    self.go_online()
                } else {
                    // A fresh token lets the host try its next key, as adbd does.
                    self.send_token()
                }
            }
            AUTH_RSAPUBLICKEY => match self.context.auth {
                AuthMode::Never => {
                    log::info!("virtual phone: {} asks to be trusted; this phone never allows", self.peer);
                    self.handshake = Handshake::Refused;
                    Ok(())
                }
                _ => {
                    let key = String::from_utf8_lossy(&message.payload).into_owned();
                    match self.context.keys.trust(&key) {
                        Ok(()) => {
                            log::info!("virtual phone: allowed {} (key remembered)", self.peer);
                            self.go_online()
                        }
                        Err(e) => Err(format!("cannot accept the host's key: {e}")),
                    }
                }
            },
            other => Err(format!("unexpected AUTH type {other}")),
        }
    }

    fn send_token(&mut self) -> Result<(), String> {
        let mut token = [0u8; TOKEN_SIZE];
        rand::thread_rng().fill_bytes(&mut token);
        self.handshake = Handshake::Authorizing { token };
        self.writer.send(A_AUTH, AUTH_TOKEN, 0, &token).map_err(|e| e.to_string())
    }

    fn go_online(&mut self) -> Result<(), String> {
        self.handshake = Handshake::Online;
        let banner = self.context.phone.connection_banner();
        self.writer
            .send(A_CNXN, self.peer_version, self.max_payload as u32, banner.as_bytes())
            .map_err(|e| e.to_string())
    }

    fn on_open(&mut self, message: &Message) -> Result<(), String> {
        let remote_id = message.arg0;
        if remote_id == 0 {
            return Ok(());
        }
        self.streams.retain(|_, stream| !stream.is_closed());
        self.workers.retain(|worker| !worker.is_finished());
        let destination = String::from_utf8_lossy(&message.payload).trim_end_matches('\0').to_owned();
        let Some(service) = Service::parse(&destination) else {
            log::info!("virtual phone: {} asked for unknown service {destination:?}", self.peer);
            return self.writer.send(A_CLSE, 0, remote_id, &[]).map_err(|e| e.to_string());
        };
        let local_id = self.next_local_id;
        self.next_local_id = self.next_local_id.checked_add(1).unwrap_or(1);
        let shared = StreamShared::new();
        self.streams.insert(local_id, Arc::clone(&shared));
        self.writer.send(A_OKAY, local_id, remote_id, &[]).map_err(|e| e.to_string())?;
        let stream = AdbStream::new(shared, Arc::clone(&self.writer), local_id, remote_id, self.max_payload);
        let phone = Arc::clone(&self.context.phone);
        let spawned = thread::Builder::new().name(format!("sim-stream-{local_id}")).spawn(move || {
            let mut stream = stream;
            service.run(&phone, &mut stream);
            stream.close();
        });
        match spawned {
            Ok(worker) => {
                self.workers.push(worker);
                Ok(())
            }
            Err(e) => Err(format!("cannot start a service thread: {e}")),
        }
    }

    fn close_all_streams(&mut self) {
        for (_, stream) in self.streams.drain() {
            stream.close();
        }
    }

    fn shut_down(&mut self) {
        self.close_all_streams();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
