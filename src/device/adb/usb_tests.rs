//! The USB path without a phone: ADB framing checked against a real usbmon capture of `adb` talking to a
//! phone over USB (peer-data `protocol-captures/adb/nuttx_usbmon_adb_over_usb.pcapng`), and opening a phone
//! on a computer without USB, which must be an error, never a panic.

use std::path::PathBuf;

use super::*;
use crate::device::adb::wire::{A_CLSE, A_CNXN, A_OKAY, A_OPEN, A_WRTE, Banner, Message};

/// The capture, from `$LIFEBOAT_PEER_DATA` or `shared/peer-data` beside the crate.
fn capture() -> Vec<u8> {
    let root = std::env::var_os("LIFEBOAT_PEER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-data"));
    let path = root.join("protocol-captures/adb/nuttx_usbmon_adb_over_usb.pcapng");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; set LIFEBOAT_PEER_DATA", path.display()))
}

/// One completed USB transfer as usbmon saw it.
#[derive(Debug)]
struct Transfer {
    /// 2 control, 3 bulk.
    kind: u8,
    /// Endpoint address with the direction bit.
    endpoint: u8,
    data: Vec<u8>,
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// The transfers of a little-endian pcapng file of link type 220 (Linux usbmon, 64-byte headers): OUT data
/// is in the submission event, IN data in the completion.
fn transfers(file: &[u8]) -> Vec<Transfer> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 12 <= file.len() {
        let (kind, length) = (u32_at(file, at), u32_at(file, at + 4) as usize);
        assert!(length >= 12 && at + length <= file.len(), "a damaged block at {at}");
        let body = &file[at + 8..at + length - 4];
        if kind == 1 {
            assert_eq!(u16::from_le_bytes([body[0], body[1]]), 220, "link type USB Linux mmapped");
        }
        if kind == 6 {
            let captured = u32_at(body, 12) as usize;
            let packet = &body[20..20 + captured];
            let (event, transfer, endpoint) = (packet[8], packet[9], packet[10]);
            let data = packet[64..].to_vec();
            let inbound = endpoint & 0x80 != 0;
            if (event == b'S' && !inbound) || (event == b'C' && inbound) {
                out.push(Transfer { kind: transfer, endpoint, data });
            }
        }
        at += length;
    }
    out
}

/// Records what a writer sends, one entry per transfer: USB ends a transfer at every flush.
#[derive(Default)]
struct Transfers {
    done: Vec<Vec<u8>>,
    current: Vec<u8>,
}

impl Write for Transfers {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.current.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if !self.current.is_empty() {
            self.done.push(std::mem::take(&mut self.current));
        }
        Ok(())
    }
}

/// The interfaces of a configuration descriptor (as `pick_endpoints` takes them).
fn interfaces(descriptor: &[u8]) -> Vec<InterfaceSummary> {
    let mut found: Vec<InterfaceSummary> = Vec::new();
    let mut at = 0;
    while at + 2 <= descriptor.len() && descriptor[at] >= 2 {
        let d = &descriptor[at..(at + usize::from(descriptor[at])).min(descriptor.len())];
        match d[1] {
            4 if d.len() >= 9 => found.push((d[2], d[5], d[6], d[7], Vec::new())),
            5 if d.len() >= 7 => {
                if let Some(last) = found.last_mut() {
                    last.4.push((d[2], d[3] & 3 == 2));
                }
            }
            _ => {}
        }
        at += usize::from(descriptor[at]);
    }
    found
}

#[test]
fn messages_are_framed_byte_for_byte_as_adb_frames_them_on_usb() {
    let all = transfers(&capture());
    let bulk_out: Vec<&Transfer> = all.iter().filter(|t| t.kind == 3 && t.endpoint & 0x80 == 0).collect();
    let bulk_in: Vec<&Transfer> = all.iter().filter(|t| t.kind == 3 && t.endpoint & 0x80 != 0).collect();
    assert!(bulk_out.len() >= 4 && bulk_in.len() >= 4, "{all:?}");

    // The host's messages, read back from its transfers and written again, give the very same transfers:
    // a header transfer, then the payload as a transfer of its own (adbd on a phone insists on this).
    let sent: Vec<u8> = bulk_out.iter().flat_map(|t| t.data.clone()).collect();
    let mut reader = sent.as_slice();
    let mut ours = Transfers::default();
    let mut commands = Vec::new();
    while !reader.is_empty() {
        let message = Message::read_from(&mut reader).unwrap();
        commands.push(message.command);
        message.write_to(&mut ours).unwrap();
    }
    let theirs: Vec<Vec<u8>> = bulk_out.iter().map(|t| t.data.clone()).collect();
    assert_eq!(ours.done, theirs, "framing, checksums and transfer boundaries match adb's");
    assert_eq!(&commands[..2], [A_CNXN, A_OPEN]);
    assert_eq!(commands.last(), Some(&A_OKAY));

    // The phone's answers parse: its banner, the stream opening, the data and the end.
    let received: Vec<u8> = bulk_in.iter().flat_map(|t| t.data.clone()).collect();
    let mut reader = received.as_slice();
    let mut answers = Vec::new();
    while !reader.is_empty() {
        answers.push(Message::read_from(&mut reader).unwrap());
    }
    assert_eq!(answers[0].command, A_CNXN);
    let banner = Banner::parse(&answers[0].payload);
    assert_eq!(banner.state, "device");
    assert_eq!(banner.prop("ro.product.name"), Some("adb dev"));
    assert_eq!(answers[1].command, A_OKAY);
    let data = answers.iter().find(|m| m.command == A_WRTE).expect("the shell's output");
    assert!(data.payload.starts_with(b"/dev:\n adb0/\n"), "{:?}", String::from_utf8_lossy(&data.payload));
    assert!(answers.iter().all(|m| [A_CNXN, A_OKAY, A_WRTE, A_CLSE].contains(&m.command)));

    // A damaged header in the middle of real traffic is refused, not misread.
    let mut damaged = received.clone();
    damaged[20] ^= 0xff;
    assert!(Message::read_from(&mut damaged.as_slice()).is_err());
}

#[test]
fn the_adb_interface_of_a_real_descriptor_is_found() {
    let all = transfers(&capture());
    let configuration = all
        .iter()
        .filter(|t| t.kind == 2 && t.data.len() > 9 && t.data[1] == 2)
        .max_by_key(|t| t.data.len())
        .expect("the configuration descriptor was read");
    let found = interfaces(&configuration.data);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(pick_endpoints(&found), Some((0, 0x82, 0x01)));
}

#[test]
fn opening_a_usb_phone_without_usb_is_an_error_not_a_panic() {
    // This machine may have no USB at all (a container): the answer is an error that names the phone.
    match open("LIFEBOAT-NO-SUCH-PHONE") {
        Ok(_) => panic!("a phone that does not exist was opened"),
        Err(AdbError::Usb { device, detail }) => {
            assert_eq!(device, "LIFEBOAT-NO-SUCH-PHONE");
            assert!(detail.contains("not plugged in") || detail.contains("cannot be listed"), "{detail}");
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}
