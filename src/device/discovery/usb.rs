//! USB devices as phones: classifying them by their interfaces (ADB, MTP/PTP, Apple, a phone maker's vendor
//! id) and listing them with `nusb`, which reads sysfs on Linux and never needs libusb. A computer without a
//! USB subsystem (a container, a locked-down server) is "no USB here", never a panic.

use nusb::MaybeFuture;

use crate::device::DeviceKind;

/// Apple's USB vendor id.
pub const APPLE_VENDOR: u16 = 0x05ac;

/// Vendor ids of phone makers, to recognise a phone that shows neither ADB nor MTP (charging only).
const PHONE_VENDORS: [(u16, &str); 12] = [
    (0x18d1, "Google"),
    (0x04e8, "Samsung"),
    (0x22b8, "Motorola"),
    (0x2717, "Xiaomi"),
    (0x12d1, "Huawei"),
    (0x2a70, "OnePlus"),
    (0x0bb4, "HTC"),
    (0x1004, "LG"),
    (0x0fce, "Sony"),
    (0x22d9, "OPPO"),
    (0x2d95, "vivo"),
    (0x0e8d, "MediaTek"),
];

/// What a USB device offers, as far as Lifeboat cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsbClass {
    /// An ADB interface: an Android phone with USB debugging on.
    Adb,
    /// MTP or PTP only: a phone sharing files (or a camera), USB debugging off.
    Mtp,
    /// An iPhone or iPad.
    Apple,
    /// A phone maker's device with neither: charging only, or a mode Lifeboat cannot use.
    UnknownPhone,
}

/// One USB device's identifying facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsbCandidate {
    /// Vendor id.
    pub vendor_id: u16,
    /// Product id.
    pub product_id: u16,
    /// The serial number string (Android: `ro.serialno`).
    pub serial: Option<String>,
    /// The maker as the device names itself.
    pub manufacturer: Option<String>,
    /// The product name.
    pub product: Option<String>,
    /// `(class, subclass, protocol)` of each interface.
    pub interfaces: Vec<(u8, u8, u8)>,
    /// Bus and address, for messages (`1-4`).
    pub location: String,
}

/// Decides what a USB device is; `None` for anything that is not a phone or camera (a mouse, a hub).
pub fn classify(device: &UsbCandidate) -> Option<(DeviceKind, UsbClass)> {
    let has = |triple: (u8, u8, u8)| device.interfaces.contains(&triple);
    if device.vendor_id == APPLE_VENDOR {
        // Apple makes keyboards and displays too: only devices with the iPhone's PTP or usbmux interface count.
        let phone =
            has((0x06, 0x01, 0x01)) || device.interfaces.iter().any(|&(c, s, _)| c == 0xff && s == 0xfe);
        let kind = if device.product.as_deref().is_some_and(|p| p.contains("iPad")) {
            DeviceKind::Ipad
        } else {
            DeviceKind::Iphone
        };
        return phone.then_some((kind, UsbClass::Apple));
    }
    if has(crate::device::adb::usb::ADB_INTERFACE) {
        return Some((DeviceKind::Android, UsbClass::Adb));
    }
    // MTP: class 6/1/1 (PTP, which MTP reuses) or a vendor-specific interface named MTP.
    if has((0x06, 0x01, 0x01)) {
        let known_phone = PHONE_VENDORS.iter().any(|(v, _)| *v == device.vendor_id);
        let kind = if known_phone { DeviceKind::Android } else { DeviceKind::Camera };
        return Some((kind, UsbClass::Mtp));
    }
    if PHONE_VENDORS.iter().any(|(v, _)| *v == device.vendor_id) {
        return Some((DeviceKind::Android, UsbClass::UnknownPhone));
    }
    None
}

/// The maker's name for a vendor id, when it is a phone maker.
pub fn vendor_name(vendor_id: u16) -> Option<&'static str> {
    if vendor_id == APPLE_VENDOR {
        return Some("Apple");
    }
    PHONE_VENDORS.iter().find(|(v, _)| *v == vendor_id).map(|(_, name)| *name)
}

/// Whether opening the device failed for lack of permission (udev rules missing on Linux).
pub fn is_permission_problem(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::PermissionDenied
}

/// Lists USB devices; `None` when this computer has no USB subsystem Lifeboat can read.
pub fn list() -> Option<Vec<(UsbCandidate, nusb::DeviceInfo)>> {
    let devices = match nusb::list_devices().wait() {
        Ok(devices) => devices,
        Err(e) => {
            log::debug!("no USB here: {e}");
            return None;
        }
    };
    Some(
        devices
            .map(|info| {
                let candidate = UsbCandidate {
                    vendor_id: info.vendor_id(),
                    product_id: info.product_id(),
                    serial: info.serial_number().map(str::to_string),
                    manufacturer: info.manufacturer_string().map(str::to_string),
                    product: info.product_string().map(str::to_string),
                    interfaces: info.interfaces().map(|i| (i.class(), i.subclass(), i.protocol())).collect(),
                    location: location(&info),
                };
                (candidate, info)
            })
            .collect(),
    )
}

#[cfg(target_os = "linux")]
fn location(info: &nusb::DeviceInfo) -> String {
    format!("{}-{}", info.busnum(), info.device_address())
}

#[cfg(not(target_os = "linux"))]
fn location(info: &nusb::DeviceInfo) -> String {
    format!("{}-{}", info.bus_id(), info.device_address())
}

/// Checks that the device can be opened; the error tells "no permission" from "in use".
pub fn try_open(info: &nusb::DeviceInfo) -> Result<(), std::io::Error> {
    info.open().wait().map(|_| ()).map_err(std::io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(vendor_id: u16, interfaces: &[(u8, u8, u8)]) -> UsbCandidate {
        UsbCandidate { vendor_id, interfaces: interfaces.to_vec(), ..UsbCandidate::default() }
    }

    #[test]
    fn classifies_by_interfaces_and_vendor() {
        let adb_and_mtp = candidate(0x18d1, &[(0x06, 0x01, 0x01), (0xff, 0x42, 0x01)]);
        assert_eq!(classify(&adb_and_mtp), Some((DeviceKind::Android, UsbClass::Adb)));
        let mtp_only = candidate(0x04e8, &[(0x06, 0x01, 0x01)]);
        assert_eq!(classify(&mtp_only), Some((DeviceKind::Android, UsbClass::Mtp)));
        let camera = candidate(0x04a9, &[(0x06, 0x01, 0x01)]);
        assert_eq!(classify(&camera), Some((DeviceKind::Camera, UsbClass::Mtp)));
        let iphone = candidate(APPLE_VENDOR, &[(0x06, 0x01, 0x01), (0xff, 0xfe, 0x02)]);
        assert_eq!(classify(&iphone), Some((DeviceKind::Iphone, UsbClass::Apple)));
        let apple_keyboard = candidate(APPLE_VENDOR, &[(0x03, 0x01, 0x01)]);
        assert_eq!(classify(&apple_keyboard), None);
        let charging = candidate(0x2717, &[(0xff, 0xff, 0x00)]);
        assert_eq!(classify(&charging), Some((DeviceKind::Android, UsbClass::UnknownPhone)));
        let mouse = candidate(0x046d, &[(0x03, 0x01, 0x02)]);
        assert_eq!(classify(&mouse), None);
        assert_eq!(vendor_name(0x04e8), Some("Samsung"));
    }

    #[test]
    fn listing_never_panics_without_usb() {
        // Here (a container) there may be no USB at all: either answer is fine, a panic is not.
        let _ = list();
    }
}
