//! The virtual Android phone at the wire level, with a small ADB client written here: what Debian's adb 29
//! cannot exercise (SND2/RCV2, which it predates), what it never does on purpose (ignoring flow control,
//! vanishing mid-transfer) and the hostile profile's traps.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use base64::Engine;
use lifeboat::device::sim::android::{self, AndroidSimOptions, AuthMode, Profile, RunningSim};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};

const CNXN: &[u8; 4] = b"CNXN";
const AUTH: &[u8; 4] = b"AUTH";
const OPEN: &[u8; 4] = b"OPEN";
const OKAY: &[u8; 4] = b"OKAY";
const WRTE: &[u8; 4] = b"WRTE";
const CLSE: &[u8; 4] = b"CLSE";

#[derive(Debug)]
struct Packet {
    command: [u8; 4],
    arg0: u32,
    arg1: u32,
    payload: Vec<u8>,
}

/// A bare ADB host.
struct Host {
    socket: TcpStream,
}

impl Host {
    fn connect(sim: &RunningSim) -> Self {
        let socket = TcpStream::connect(sim.addr()).unwrap();
        socket.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        Self { socket }
    }

    fn send(&mut self, command: &[u8; 4], arg0: u32, arg1: u32, payload: &[u8]) {
        let word = u32::from_le_bytes(*command);
        let sum = payload.iter().map(|&b| u32::from(b)).sum::<u32>();
        let mut bytes = Vec::new();
        for value in [word, arg0, arg1, payload.len() as u32, sum, word ^ 0xffff_ffff] {
            bytes.extend(value.to_le_bytes());
        }
        bytes.extend_from_slice(payload);
        self.socket.write_all(&bytes).unwrap();
    }

    fn receive(&mut self) -> Packet {
        let mut header = [0u8; 24];
        self.socket.read_exact(&mut header).unwrap();
        let word = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().unwrap());
        let mut payload = vec![0u8; word(12) as usize];
        self.socket.read_exact(&mut payload).unwrap();
        assert_eq!(word(20), word(0) ^ 0xffff_ffff, "magic");
        Packet { command: header[..4].try_into().unwrap(), arg0: word(4), arg1: word(8), payload }
    }

    /// CNXN with a phone that does not ask for authentication; returns the phone's banner.
    fn handshake(&mut self) -> String {
        self.send(CNXN, 0x0100_0001, 256 * 1024, b"host::features=shell_v2,sendrecv_v2\0");
        let reply = self.receive();
        assert_eq!(&reply.command, CNXN);
        assert_eq!(reply.arg0, 0x0100_0001);
        assert_eq!(reply.arg1, 256 * 1024, "the smaller maximum payload wins");
        String::from_utf8(reply.payload).unwrap()
    }

    /// Opens a stream; returns the phone's id for it, or `None` when the phone refused.
    fn open(&mut self, local: u32, service: &str) -> Option<u32> {
        self.send(OPEN, local, 0, format!("{service}\0").as_bytes());
        let reply = self.receive();
        match &reply.command {
            OKAY => {
                assert_eq!(reply.arg1, local);
                Some(reply.arg0)
            }
            CLSE => {
                assert_eq!((reply.arg0, reply.arg1), (0, local));
                None
            }
            other => panic!("unexpected {:?}", String::from_utf8_lossy(other)),
        }
    }

    /// Reads a stream's data until `want` bytes arrived, acknowledging each WRTE.
    fn read_stream(&mut self, local: u32, remote: u32, want: usize) -> Vec<u8> {
        let mut data = Vec::new();
        while data.len() < want {
            let packet = self.receive();
            match &packet.command {
                WRTE => {
                    data.extend(packet.payload);
                    self.send(OKAY, local, remote, &[]);
                }
                CLSE => break,
                OKAY => {}
                other => panic!("unexpected {:?}", String::from_utf8_lossy(other)),
            }
        }
        data
    }

    /// Writes to a stream and waits for the phone's acknowledgement.
    fn write_stream(&mut self, local: u32, remote: u32, data: &[u8]) {
        self.send(WRTE, local, remote, data);
        let ack = self.receive();
        assert_eq!(&ack.command, OKAY, "{ack:?}");
    }
}

fn start(profile: Profile, auth: AuthMode) -> (tempfile::TempDir, RunningSim) {
    let state = tempfile::tempdir().unwrap();
    let sim = android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile,
        state_dir: Some(state.path().to_path_buf()),
        auth,
        ..AndroidSimOptions::default()
    })
    .unwrap();
    (state, sim)
}

fn sync_request(id: &[u8; 4], path: &[u8]) -> Vec<u8> {
    let mut bytes = id.to_vec();
    bytes.extend((path.len() as u32).to_le_bytes());
    bytes.extend_from_slice(path);
    bytes
}

#[test]
fn banner_names_the_phone_and_only_implemented_features() {
    let (_state, sim) = start(Profile::Empty, AuthMode::Off);
    let mut host = Host::connect(&sim);
    assert_eq!(
        host.handshake(),
        "device::ro.product.name=lb_virtual;ro.product.model=Virtual Phone;ro.product.device=lb_virtual;\
         features=shell_v2,stat_v2,ls_v2,fixed_push_mkdir,sendrecv_v2"
    );
    assert_eq!(host.open(1, "framebuffer:"), None, "services the phone lacks are refused");
    assert_eq!(host.open(2, "reboot:"), None);
}

#[test]
fn signature_auth_accepts_a_trusted_key_and_retries_on_a_wrong_one() {
    let (state, sim) = start(Profile::Empty, AuthMode::Never);
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    // Trust the key beforehand, as a phone that allowed this computer last week.
    let public = key.to_public_key();
    let mut raw = 64u32.to_le_bytes().to_vec();
    raw.extend(0u32.to_le_bytes());
    let mut modulus = public.n().to_bytes_le();
    modulus.resize(256, 0);
    raw.extend(modulus);
    raw.extend([0u8; 256]);
    raw.extend(65_537u32.to_le_bytes());
    let line = format!("{} me@host\n", base64::engine::general_purpose::STANDARD.encode(raw));
    std::fs::write(state.path().join("adb_keys"), line).unwrap();
    drop(sim);
    let sim = android::start(AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile: Profile::Empty,
        state_dir: Some(state.path().to_path_buf()),
        auth: AuthMode::Never,
        ..AndroidSimOptions::default()
    })
    .unwrap();

    let mut host = Host::connect(&sim);
    host.send(CNXN, 0x0100_0001, 4096, b"host::\0");
    let token = host.receive();
    assert_eq!((&token.command, token.arg0, token.payload.len()), (AUTH, 1, 20));
    host.send(AUTH, 2, 0, &[0u8; 256]);
    let retry = host.receive();
    assert_eq!((&retry.command, retry.arg0), (AUTH, 1), "a bad signature gets a fresh token");
    assert_ne!(retry.payload, token.payload);
    let signature = key.sign(Pkcs1v15Sign::new::<sha1::Sha1>(), &retry.payload).unwrap();
    host.send(AUTH, 2, 0, &signature);
    assert_eq!(&host.receive().command, CNXN, "the trusted key's signature opens the phone");
}

#[test]
fn shell_v2_frames_stdout_stderr_and_exit() {
    let (_state, sim) = start(Profile::Empty, AuthMode::Off);
    let mut host = Host::connect(&sim);
    host.handshake();
    let remote = host.open(5, "shell,v2,raw:echo out; nosuch").unwrap();
    let mut data = Vec::new();
    loop {
        let packet = host.receive();
        if &packet.command == CLSE {
            break;
        }
        if &packet.command == WRTE {
            data.extend(packet.payload);
            host.send(OKAY, 5, remote, &[]);
        }
    }
    let mut packets = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let length = u32::from_le_bytes(data[at + 1..at + 5].try_into().unwrap()) as usize;
        packets.push((data[at], data[at + 5..at + 5 + length].to_vec()));
        at += 5 + length;
    }
    assert_eq!(
        packets,
        vec![
            (1, b"out\n".to_vec()),
            (2, b"/system/bin/sh: nosuch: inaccessible or not found\n".to_vec()),
            (3, vec![127]),
        ]
    );
}

#[test]
fn send_v2_and_recv_v2_round_trip_through_flow_control() {
    let (state, sim) = start(Profile::Empty, AuthMode::Off);
    let mut host = Host::connect(&sim);
    host.handshake();
    let remote = host.open(9, "sync:").unwrap();
    // 300 KB crosses several WRTEs and several 64 KiB DATA chunks.
    let content: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut request = sync_request(b"SND2", b"/sdcard/Download/big.bin");
    request.extend(b"SND2");
    request.extend(0o644u32.to_le_bytes());
    request.extend(0u32.to_le_bytes());
    host.write_stream(9, remote, &request);
    for chunk in content.chunks(64 * 1024) {
        let mut data = b"DATA".to_vec();
        data.extend((chunk.len() as u32).to_le_bytes());
        data.extend(chunk);
        host.write_stream(9, remote, &data);
    }
    let mut done = b"DONE".to_vec();
    done.extend(1_234_567_890u32.to_le_bytes());
    host.write_stream(9, remote, &done);
    assert_eq!(host.read_stream(9, remote, 8), b"OKAY\0\0\0\0");
    let stored = state.path().join("fs/storage/emulated/0/Download/big.bin");
    assert_eq!(std::fs::read(&stored).unwrap(), content);
    let mtime = filetime::FileTime::from_last_modification_time(&std::fs::metadata(&stored).unwrap());
    assert_eq!(mtime.unix_seconds(), 1_234_567_890);

    let mut request = sync_request(b"RCV2", b"/sdcard/Download/big.bin");
    request.extend(b"RCV2");
    request.extend(0u32.to_le_bytes());
    host.write_stream(9, remote, &request);
    let expected = content.len() + content.len().div_ceil(64 * 1024) * 8 + 8;
    let reply = host.read_stream(9, remote, expected);
    let mut received = Vec::new();
    let mut at = 0;
    while &reply[at..at + 4] == b"DATA" {
        let length = u32::from_le_bytes(reply[at + 4..at + 8].try_into().unwrap()) as usize;
        assert!(length <= 64 * 1024);
        received.extend_from_slice(&reply[at + 8..at + 8 + length]);
        at += 8 + length;
    }
    assert_eq!(&reply[at..at + 4], b"DONE");
    assert_eq!(received, content);
}

#[test]
fn hostile_names_and_an_endless_file_reach_the_wire_and_a_vanishing_client_is_survived() {
    let (_state, sim) = start(Profile::Hostile, AuthMode::Off);
    let mut host = Host::connect(&sim);
    host.handshake();
    let remote = host.open(3, "sync:").unwrap();
    host.write_stream(3, remote, &sync_request(b"LIST", b"/sdcard/Download"));
    let mut listing = Vec::new();
    while !listing.windows(4).any(|w| w == b"DONE") {
        listing.extend(host.read_stream(3, remote, 1));
    }
    let mut names = Vec::new();
    let mut at = 0;
    while &listing[at..at + 4] == b"DENT" {
        let length = u32::from_le_bytes(listing[at + 16..at + 20].try_into().unwrap()) as usize;
        names.push(listing[at + 20..at + 20 + length].to_vec());
        at += 20 + length;
    }
    assert!(names.contains(&b"../../../../../tmp/lifeboat-escape.txt".to_vec()));
    assert!(names.contains(&b"caf\xe9 latin1.jpg".to_vec()), "invalid UTF-8 arrives as is");
    assert!(names.iter().any(|n| n.len() == 300));
    assert!(names.contains(&b"endless.bin".to_vec()));

    host.write_stream(3, remote, &sync_request(b"STAT", b"/sdcard/Download/endless.bin"));
    let stat = host.read_stream(3, remote, 16);
    assert_eq!(u32::from_le_bytes(stat[8..12].try_into().unwrap()), 4096, "STAT says 4 KiB");
    host.write_stream(3, remote, &sync_request(b"RECV", b"/sdcard/Download/endless.bin"));
    let flood = host.read_stream(3, remote, 2 * 1024 * 1024);
    assert!(flood.len() >= 2 * 1024 * 1024, "far more than the announced size keeps coming");
    drop(host);

    // The phone is still fine for the next client.
    let mut next = Host::connect(&sim);
    next.handshake();
    let shell = next.open(1, "shell:echo ok").unwrap();
    assert_eq!(next.read_stream(1, shell, 3), b"ok\n");
}

#[test]
fn a_host_ignoring_flow_control_is_dropped_without_harm() {
    let (_state, sim) = start(Profile::Empty, AuthMode::Off);
    let mut host = Host::connect(&sim);
    host.handshake();
    let remote = host.open(4, "shell:cat").unwrap();
    for _ in 0..200 {
        host.send(WRTE, 4, remote, &[b'x'; 1024]);
    }
    let mut next = Host::connect(&sim);
    next.handshake();
    let shell = next.open(1, "shell:echo alive").unwrap();
    assert_eq!(next.read_stream(1, shell, 6), b"alive\n");
}

#[test]
fn a_state_folder_reopens_as_the_same_phone_and_refuses_another_profile() {
    let (state, sim) = start(Profile::Empty, AuthMode::Off);
    let mut host = Host::connect(&sim);
    host.handshake();
    let shell = host.open(1, "shell:echo kept > /sdcard/Documents/note.txt").unwrap();
    host.read_stream(1, shell, 1);
    sim.stop();
    let options = |profile| AndroidSimOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        profile,
        state_dir: Some(state.path().to_path_buf()),
        auth: AuthMode::Off,
        ..AndroidSimOptions::default()
    };
    let error = android::start(options(Profile::Demo)).err().expect("another profile is refused");
    assert!(matches!(error, android::SimError::ProfileMismatch { .. }), "{error}");
    assert!(error.to_string().contains("holds a \"empty\" phone"), "{error}");
    let again = android::start(options(Profile::Empty)).unwrap();
    let mut host = Host::connect(&again);
    host.handshake();
    let shell = host.open(1, "shell:cat /sdcard/Documents/note.txt").unwrap();
    assert_eq!(host.read_stream(1, shell, 5), b"kept\n");
}
