//! Tests of the sync service with scripted host bytes: well-formed sessions and malformed ones, which must
//! end with a FAIL or quietly, never a panic.

use std::fs;
use std::io::{self, Cursor, Read, Write};

use super::*;
use crate::device::sim::android::vfs::{Phantom, Quirks};

/// A scripted host: what it "sends" is read from `input`, what the phone replies lands in `output`.
struct Script {
    input: Cursor<Vec<u8>>,
    output: Vec<u8>,
}

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.input.read(buf)
    }
}

impl SyncStream for Script {}

impl Write for Script {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn request(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut bytes = id.to_vec();
    bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
    bytes.extend_from_slice(body);
    bytes
}

fn phone_fs() -> (tempfile::TempDir, Vfs) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("storage/emulated/0/DCIM")).unwrap();
    fs::write(dir.path().join("storage/emulated/0/DCIM/a.jpg"), b"0123456789").unwrap();
    filetime::set_file_mtime(
        dir.path().join("storage/emulated/0/DCIM/a.jpg"),
        filetime::FileTime::from_unix_time(1_700_000_000, 0),
    )
    .unwrap();
    let quirks = Quirks {
        endless: vec![],
        phantoms: vec![Phantom {
            dir: "/storage/emulated/0/DCIM".into(),
            name_hex: hex::encode(b"../../escape.txt"),
            content_hex: hex::encode(b"gotcha"),
            mtime: 1_600_000_000,
        }],
    };
    let vfs = Vfs::new(dir.path().to_path_buf(), quirks);
    (dir, vfs)
}

fn run(vfs: &Vfs, input: Vec<u8>) -> Vec<u8> {
    let mut script = Script { input: Cursor::new(input), output: Vec::new() };
    serve_vfs(vfs, &mut script).unwrap();
    script.output
}

fn word(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

#[test]
fn stat_v1_reports_mode_size_and_mtime() {
    let (_dir, vfs) = phone_fs();
    let out = run(&vfs, request(b"STAT", b"/sdcard/DCIM/a.jpg"));
    assert_eq!(&out[..4], b"STAT");
    assert_eq!(word(&out, 4), 0o100660);
    assert_eq!(word(&out, 8), 10);
    assert_eq!(word(&out, 12), 1_700_000_000);
    let missing = run(&vfs, request(b"STAT", b"/sdcard/nope"));
    assert_eq!(missing, [b"STAT".as_slice(), &[0; 12]].concat(), "a missing file is all zeros");
}

#[test]
fn stat_v2_reports_errno_for_missing_files() {
    let (_dir, vfs) = phone_fs();
    let out = run(&vfs, request(b"STA2", b"/sdcard/nope"));
    assert_eq!(out.len(), 72);
    assert_eq!(&out[..4], b"STA2");
    assert_eq!(word(&out, 4), 2, "ENOENT");
    let out = run(&vfs, request(b"LST2", b"/sdcard"));
    assert_eq!(word(&out, 4), 0);
    assert_eq!(word(&out, 24) & 0o170000, S_IFLNK, "lstat sees the link itself");
}

#[test]
fn lists_with_v1_and_v2_dents_including_phantoms() {
    let (_dir, vfs) = phone_fs();
    let out = run(&vfs, request(b"LIST", b"/sdcard/DCIM"));
    let mut names = Vec::new();
    let mut at = 0;
    while &out[at..at + 4] == b"DENT" {
        let len = word(&out, at + 16) as usize;
        names.push(out[at + 20..at + 20 + len].to_vec());
        at += 20 + len;
    }
    assert_eq!(&out[at..at + 4], b"DONE");
    assert_eq!(out.len(), at + 20);
    assert_eq!(names, vec![b".".to_vec(), b"..".to_vec(), b"a.jpg".to_vec(), b"../../escape.txt".to_vec()]);

    let out = run(&vfs, request(b"LIS2", b"/sdcard/DCIM"));
    assert_eq!(&out[..4], b"DNT2");
    assert_eq!(&out[out.len() - 76..out.len() - 72], b"DONE");
}

#[test]
fn receives_and_sends_a_file_with_its_mtime() {
    let (dir, vfs) = phone_fs();
    let mut input = request(b"SEND", b"/sdcard/Download/new.txt,33188");
    input.extend(request(b"DATA", b"hello "));
    input.extend(request(b"DATA", b"world"));
    input.extend(b"DONE".iter().chain(&1_650_000_000u32.to_le_bytes()));
    input.extend(request(b"RECV", b"/sdcard/Download/new.txt"));
    input.extend(request(b"QUIT", b""));
    let out = run(&vfs, input);
    assert_eq!(&out[..8], b"OKAY\0\0\0\0");
    assert_eq!(&out[8..12], b"DATA");
    assert_eq!(word(&out, 12), 11);
    assert_eq!(&out[16..27], b"hello world");
    assert_eq!(&out[27..31], b"DONE");
    let host = dir.path().join("storage/emulated/0/Download/new.txt");
    let mtime = filetime::FileTime::from_last_modification_time(&fs::metadata(host).unwrap());
    assert_eq!(mtime.unix_seconds(), 1_650_000_000);
}

#[test]
fn send_v2_and_recv_v2_work_without_compression_and_decline_it() {
    let (_dir, vfs) = phone_fs();
    let mut input = request(b"SND2", b"/sdcard/x.bin");
    input.extend(b"SND2".iter().chain(&0o644u32.to_le_bytes()).chain(&0u32.to_le_bytes()));
    input.extend(request(b"DATA", b"abc"));
    input.extend(b"DONE".iter().chain(&5u32.to_le_bytes()));
    input.extend(request(b"RCV2", b"/sdcard/x.bin"));
    input.extend(b"RCV2".iter().chain(&0u32.to_le_bytes()));
    let out = run(&vfs, input);
    assert_eq!(&out[..8], b"OKAY\0\0\0\0");
    assert_eq!(&out[8..16], b"DATA\x03\0\0\0");
    assert_eq!(&out[16..19], b"abc");

    let mut brotli = request(b"RCV2", b"/sdcard/x.bin");
    brotli.extend(b"RCV2".iter().chain(&1u32.to_le_bytes()));
    let out = run(&vfs, brotli);
    assert_eq!(&out[..4], b"FAIL");
    assert_eq!(&out[8..], b"unknown flags: 1");
}

#[test]
fn recv_of_a_missing_file_fails_like_adbd() {
    let (_dir, vfs) = phone_fs();
    let out = run(&vfs, request(b"RECV", b"/sdcard/missing.jpg"));
    assert_eq!(&out[..4], b"FAIL");
    assert_eq!(&out[8..], b"open failed: No such file or directory");
}

#[test]
fn refuses_to_write_outside_shared_storage() {
    let (dir, vfs) = phone_fs();
    let mut input = request(b"SEND", b"/sdcard/../../../../etc/evil,420");
    input.extend(request(b"DATA", b"x"));
    input.extend(b"DONE\0\0\0\0");
    let out = run(&vfs, input);
    assert_eq!(&out[..4], b"FAIL");
    assert_eq!(&out[8..], b"couldn't create file: Permission denied");
    assert!(!dir.path().join("etc/evil").exists());
}

#[test]
fn malformed_sessions_end_cleanly() {
    let (_dir, vfs) = phone_fs();
    // A path length beyond the limit.
    let mut too_long = b"STAT".to_vec();
    too_long.extend(&5000u32.to_le_bytes());
    let out = run(&vfs, too_long);
    assert_eq!(&out[8..], b"path too long");
    // An unknown request.
    let out = run(&vfs, request(b"XXXX", b"/"));
    assert_eq!(&out[8..], b"unknown command 58585858");
    // A path shorter than announced.
    let mut short = b"STAT".to_vec();
    short.extend(&10u32.to_le_bytes());
    short.extend(b"/sd");
    let out = run(&vfs, short);
    assert_eq!(&out[8..], b"filename read failure");
    // A SEND without a mode, with a bad mode, and DATA that is not DATA.
    assert_eq!(&run(&vfs, request(b"SEND", b"/sdcard/x"))[8..], b"missing , in ID_SEND_V1");
    assert_eq!(&run(&vfs, request(b"SEND", b"/sdcard/x,abc"))[8..], b"bad mode");
    let mut bad_data = request(b"SEND", b"/sdcard/y,420");
    bad_data.extend(request(b"JUNK", b""));
    assert_eq!(&run(&vfs, bad_data)[8..], b"invalid data message");
    // Every prefix of a valid session ends without a panic.
    let mut session = request(b"SEND", b"/sdcard/z,420");
    session.extend(request(b"DATA", b"abc"));
    session.extend(b"DONE\0\0\0\0");
    for cut in 0..session.len() {
        let mut script = Script { input: Cursor::new(session[..cut].to_vec()), output: Vec::new() };
        let _ = serve_vfs(&vfs, &mut script);
    }
}

#[test]
fn parses_modes_like_strtoul() {
    assert_eq!(parse_mode(b"33188"), Some(0o100644));
    assert_eq!(parse_mode(b"0644"), Some(0o644));
    assert_eq!(parse_mode(b"0x1a4"), Some(0o644));
    assert_eq!(parse_mode(b"rw"), None);
}

/// A host that pipelines: it has sent everything at once and acknowledges nothing until it has read, like
/// a real host whose acknowledgement of the last message is still on its way. Each write is one message.
struct Pipelining {
    input: Cursor<Vec<u8>>,
    messages: Vec<Vec<u8>>,
    acknowledged: bool,
}

impl SyncStream for Pipelining {
    fn input_waiting(&self) -> bool {
        (self.input.position() as usize) < self.input.get_ref().len()
    }
    fn may_send(&self) -> bool {
        self.acknowledged
    }
}

impl Read for Pipelining {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Pipelining {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.messages.push(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn pipelined_requests_get_their_answers_batched_as_adbd_sends_them() {
    let (_dir, vfs) = phone_fs();
    let mut input = Vec::new();
    for _ in 0..3 {
        input.extend(request(b"RCV2", b"/sdcard/DCIM/a.jpg"));
        input.extend(request(b"RCV2", &[]));
    }
    input.extend(request(b"QUIT", &[]));
    let expected = run(&vfs, input.clone());

    // While the host has more requests waiting and has not acknowledged, answers are gathered: one message.
    let mut host =
        Pipelining { input: Cursor::new(input.clone()), messages: Vec::new(), acknowledged: false };
    serve_vfs(&vfs, &mut host).unwrap();
    assert_eq!(host.messages.len(), 1, "three answers, one message");
    assert_eq!(host.messages.concat(), expected, "the same bytes as answered one by one");

    // A host that has acknowledged gets each answer as soon as it is ready.
    let mut host = Pipelining { input: Cursor::new(input), messages: Vec::new(), acknowledged: true };
    serve_vfs(&vfs, &mut host).unwrap();
    assert_eq!(host.messages.len(), 3);
    assert_eq!(host.messages.concat(), expected);
}
