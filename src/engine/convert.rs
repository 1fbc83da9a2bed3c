//! Conversions on the way to a target, as the fidelity rules decide them: HEIC photos become JPEG for targets
//! that cannot show HEIC (see `fidelity::photo_rule`). The converted photo takes the original's place with a
//! JPEG name (`IMG_0001.HEIC` → `IMG_0001.JPG`) and the original's modification time; its EXIF block
//! (capture time, camera, GPS) travels inside it. Conversion is deterministic, so a second restore finds the
//! same JPEG already on the target and writes nothing.

use std::collections::HashSet;
use std::io::{self, Read};

use crate::data::heic::{HeicError, MAX_HEIC_BYTES, heic_to_jpeg, jpeg_path, looks_like_heic};
use crate::data::{Category, ItemPath};
use crate::device::{DeviceIdentity, Entry};
use crate::t;
use crate::vault::Node;

use super::fidelity::{Target, Transfer, photo_rule};

/// What to restore instead of an item.
pub(crate) enum Converted {
    /// The converted item.
    Replaced {
        /// Its entry: the new name and size, the original's time.
        entry: Entry,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// The item could not be converted: its original bytes (already read), and a sentence saying why.
    Original {
        /// The original bytes.
        bytes: Vec<u8>,
        /// Why it was not converted.
        note: String,
    },
}

/// Converts the items of one restore.
pub(crate) struct Converter {
    target: Target,
    /// Every path of the snapshot, so a converted name never takes the place of another item.
    taken: HashSet<String>,
}

impl Converter {
    /// A converter for restoring `nodes` onto `target`.
    pub(crate) fn new(target: &DeviceIdentity, nodes: &[Node]) -> Self {
        Self {
            target: Target::of(target),
            taken: nodes.iter().map(|n| n.entry.path.as_str().to_ascii_lowercase()).collect(),
        }
    }

    /// Whether `entry` is converted on the way.
    pub(crate) fn wants(&self, entry: &Entry) -> bool {
        entry.category == Category::Photos
            && entry.is_file()
            && matches!(photo_rule(entry.path.as_str(), self.target), Transfer::Converted(_))
    }

    /// Reads `content` and converts it. Reading errors are the caller's to report, like any restore error.
    pub(crate) fn convert(&self, entry: &Entry, content: &mut dyn Read) -> io::Result<Converted> {
        let path = entry.path.as_str();
        if entry.size > MAX_HEIC_BYTES {
            let mut bytes = Vec::new();
            content.read_to_end(&mut bytes)?;
            let reason = HeicError::TooLarge { size: entry.size }.to_string();
            return Ok(Converted::Original {
                bytes,
                note: t!("convert-kept-heic", path = path, reason = reason),
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0));
        content.read_to_end(&mut bytes)?;
        if !looks_like_heic(&bytes) {
            return Ok(Converted::Original { note: t!("convert-not-heic", path = path), bytes });
        }
        let jpeg = match heic_to_jpeg(&bytes) {
            Ok(jpeg) => jpeg,
            Err(e) => {
                let note = t!("convert-kept-heic", path = path, reason = e.to_string());
                return Ok(Converted::Original { note, bytes });
            }
        };
        let name = self.free_name(path);
        let Ok(item) = ItemPath::new(name.clone()) else {
            let reason = format!("\"{name}\" is not a usable name");
            return Ok(Converted::Original {
                note: t!("convert-kept-heic", path = path, reason = reason),
                bytes,
            });
        };
        let mut converted = entry.clone();
        converted.path = item;
        converted.size = jpeg.len() as u64;
        converted.meta.insert("converted_from".into(), path.into());
        Ok(Converted::Replaced { entry: converted, bytes: jpeg })
    }

    /// `IMG_0001.JPG`, or `IMG_0001-heic.JPG` when the snapshot already has an `IMG_0001.JPG`.
    fn free_name(&self, path: &str) -> String {
        let name = jpeg_path(path);
        if !self.taken.contains(&name.to_ascii_lowercase()) {
            return name;
        }
        match name.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}-heic.{ext}"),
            None => format!("{name}-heic"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{DeviceKind, EntryKind};

    fn node(path: &str) -> Node {
        Node {
            entry: Entry::file(ItemPath::new(path).unwrap(), Category::Photos, 10, Some(5)),
            chunks: Vec::new(),
        }
    }

    fn phone(os: &str) -> DeviceIdentity {
        DeviceIdentity {
            kind: DeviceKind::Android,
            name: "old".into(),
            manufacturer: None,
            model: None,
            serial: "1".into(),
            os_version: Some(os.into()),
        }
    }

    #[test]
    fn only_heic_photos_for_old_phones_are_wanted_and_names_never_collide() {
        let nodes = [node("DCIM/IMG_0001.HEIC"), node("DCIM/IMG_0002.HEIC"), node("DCIM/IMG_0002.JPG")];
        let old = Converter::new(&phone("Android 8.1.0"), &nodes);
        assert_eq!(old.wants(&nodes[0].entry), crate::data::heic::CONVERTS_HEIC);
        assert!(!old.wants(&nodes[2].entry));
        let mut dir = nodes[0].entry.clone();
        dir.kind = EntryKind::Dir;
        assert!(!old.wants(&dir));
        assert!(!Converter::new(&phone("Android 14"), &nodes).wants(&nodes[0].entry));
        assert_eq!(old.free_name("DCIM/IMG_0001.HEIC"), "DCIM/IMG_0001.JPG");
        assert_eq!(old.free_name("DCIM/IMG_0002.HEIC"), "DCIM/IMG_0002-heic.JPG");
    }

    #[test]
    fn what_cannot_be_converted_goes_as_it_is_with_a_note() {
        let nodes = [node("DCIM/IMG_0001.HEIC")];
        let old = Converter::new(&phone("Android 8.1.0"), &nodes);
        let mut not_heic: &[u8] = b"\xff\xd8\xff\xe0 a jpeg";
        match old.convert(&nodes[0].entry, &mut not_heic).unwrap() {
            Converted::Original { bytes, note } => {
                assert_eq!(bytes, b"\xff\xd8\xff\xe0 a jpeg");
                assert!(note.contains("not a HEIC photo inside"), "{note}");
            }
            Converted::Replaced { .. } => panic!("a JPEG is not converted"),
        }
        let mut fake = b"\0\0\0\x18ftypheic\0\0\0\0".to_vec();
        fake.extend([9u8; 300]);
        match old.convert(&nodes[0].entry, &mut fake.as_slice()).unwrap() {
            Converted::Original { bytes, note } => {
                assert_eq!(bytes, fake);
                assert!(note.ends_with("restored as HEIC"), "{note}");
            }
            Converted::Replaced { .. } => panic!("noise does not decode"),
        }
    }
}
