//! ADB over USB, through `nusb`: find the phone's ADB interface (class 0xff, subclass 0x42, protocol 1),
//! claim it, and carry the same 24-byte messages as TCP over its two bulk endpoints.
//!
//! adbd on the phone reads each message header as a USB transfer of its own, so every header and every
//! payload ends with a short (or zero-length) packet: `flush` ends a transfer, and [`super::wire::Message`]
//! flushes after the header and after the payload.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use nusb::MaybeFuture;
use nusb::descriptors::TransferType;
use nusb::transfer::{Bulk, In, Out};

use super::AdbError;
use super::transport::Link;

/// ADB's interface class, subclass and protocol.
pub const ADB_INTERFACE: (u8, u8, u8) = (0xff, 0x42, 0x01);

/// How long one USB read waits before checking whether the link was closed.
const POLL: Duration = Duration::from_millis(500);

/// Where a USB phone is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbAddress {
    /// Bus number.
    pub bus: String,
    /// Device address on the bus.
    pub address: u8,
}

/// One interface as USB describes it: number, class, subclass, protocol, and its endpoints (address, bulk?).
pub type InterfaceSummary = (u8, u8, u8, u8, Vec<(u8, bool)>);

/// Whether an interface descriptor triple is ADB's.
pub fn is_adb_interface(class: u8, subclass: u8, protocol: u8) -> bool {
    (class, subclass, protocol) == ADB_INTERFACE
}

/// Finds the endpoints of the ADB interface among `(interface number, class, subclass, protocol, endpoints)`,
/// where each endpoint is `(address, is_bulk)`. Returns the interface number and the IN and OUT addresses.
pub fn pick_endpoints(interfaces: &[InterfaceSummary]) -> Option<(u8, u8, u8)> {
    interfaces.iter().find(|(_, c, s, p, _)| is_adb_interface(*c, *s, *p)).and_then(
        |(number, _, _, _, endpoints)| {
            let bulk_in = endpoints.iter().find(|(a, bulk)| *bulk && a & 0x80 != 0).map(|(a, _)| *a)?;
            let bulk_out = endpoints.iter().find(|(a, bulk)| *bulk && a & 0x80 == 0).map(|(a, _)| *a)?;
            Some((*number, bulk_in, bulk_out))
        },
    )
}

/// Opens the USB phone with `serial` and returns a link carrying ADB messages.
pub fn open(serial: &str) -> Result<Link, AdbError> {
    let usb_error = |detail: String| AdbError::Usb { device: serial.to_string(), detail };
    let devices =
        nusb::list_devices().wait().map_err(|e| usb_error(format!("USB devices cannot be listed: {e}")))?;
    let info = devices
        .into_iter()
        .find(|d| d.serial_number() == Some(serial))
        .ok_or_else(|| usb_error("it is not plugged in".into()))?;
    let device = info.open().wait().map_err(|e| {
        usb_error(format!("{e}; on Linux, install dist/udev/51-lifeboat-phones.rules (see docs/android.md) or stop the other program using it"))
    })?;
    let configuration = device.active_configuration().map_err(|e| usb_error(e.to_string()))?;
    let interfaces: Vec<InterfaceSummary> = configuration
        .interface_alt_settings()
        .map(|alt| {
            let endpoints =
                alt.endpoints().map(|e| (e.address(), e.transfer_type() == TransferType::Bulk)).collect();
            (alt.interface_number(), alt.class(), alt.subclass(), alt.protocol(), endpoints)
        })
        .collect();
    let (number, bulk_in, bulk_out) = pick_endpoints(&interfaces)
        .ok_or_else(|| usb_error("it has no ADB interface: turn on USB debugging".into()))?;
    let interface = device
        .claim_interface(number)
        .wait()
        .map_err(|e| usb_error(format!("{e}; another program (an adb server?) is using it: stop it with `adb kill-server`, or let Lifeboat use that server")))?;
    let reader = interface.endpoint::<Bulk, In>(bulk_in).map_err(|e| usb_error(e.to_string()))?;
    let writer = interface.endpoint::<Bulk, Out>(bulk_out).map_err(|e| usb_error(e.to_string()))?;
    let mut reader = reader.reader(64 * 1024);
    reader.set_read_timeout(POLL);
    let writer = writer.writer(64 * 1024);
    let closed = Arc::new(AtomicBool::new(false));
    let timeout: Arc<Mutex<Option<Duration>>> = Arc::new(Mutex::new(None));
    let (closed_read, closed_shut) = (Arc::clone(&closed), Arc::clone(&closed));
    let (timeout_read, timeout_set) = (Arc::clone(&timeout), Arc::clone(&timeout));
    Ok(Link {
        reader: Box::new(UsbReader {
            inner: reader,
            closed: closed_read,
            timeout: timeout_read,
            waited: Duration::ZERO,
        }),
        writer: Box::new(UsbWriter { inner: writer }),
        set_timeout: Box::new(move |t| {
            if let Ok(mut slot) = timeout_set.lock() {
                *slot = t;
            }
        }),
        shutdown: Box::new(move || closed_shut.store(true, Ordering::SeqCst)),
    })
}

/// Reads the IN endpoint. USB reads time out every half second so a closed link is noticed; a timeout only
/// reaches the caller while the handshake asked for one.
struct UsbReader {
    inner: nusb::io::EndpointRead<Bulk>,
    closed: Arc<AtomicBool>,
    timeout: Arc<Mutex<Option<Duration>>>,
    waited: Duration,
}

impl Read for UsbReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.closed.load(Ordering::SeqCst) {
                return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "the USB link was closed"));
            }
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    self.waited += POLL;
                    let limit = self.timeout.lock().ok().and_then(|t| *t);
                    if limit.is_some_and(|limit| self.waited >= limit) {
                        self.waited = Duration::ZERO;
                        return Err(e);
                    }
                }
                other => {
                    self.waited = Duration::ZERO;
                    return other;
                }
            }
        }
    }
}

/// Writes the OUT endpoint; `flush` ends the transfer with a short or zero-length packet.
struct UsbWriter {
    inner: nusb::io::EndpointWrite<Bulk>,
}

impl Write for UsbWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush_end().map_err(io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_adb_interface_among_mtp_and_others() {
        let interfaces = vec![
            (0, 0x06, 0x01, 0x01, vec![(0x81, true), (0x01, true), (0x82, false)]),
            (1, 0xff, 0x42, 0x01, vec![(0x83, true), (0x02, true)]),
        ];
        assert_eq!(pick_endpoints(&interfaces), Some((1, 0x83, 0x02)));
        let mtp_only = vec![(0, 0x06, 0x01, 0x01, vec![(0x81, true), (0x01, true)])];
        assert_eq!(pick_endpoints(&mtp_only), None);
        let broken = vec![(1, 0xff, 0x42, 0x01, vec![(0x83, true)])];
        assert_eq!(pick_endpoints(&broken), None, "an ADB interface needs both directions");
        assert!(is_adb_interface(0xff, 0x42, 0x01));
        assert!(!is_adb_interface(0xff, 0x42, 0x03), "fastboot is 0xff/0x42/0x03");
    }
}

#[cfg(test)]
#[path = "usb_tests.rs"]
mod capture_tests;
