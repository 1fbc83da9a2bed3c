//! HEIC to JPEG on every HEIC/HEIF photo in peer-data (iPhone 11 Pro Max, iPhone 13 Pro Max with EXIF
//! orientation 6, a Nokia 8.3 HDR HEIF, a small web sample): each becomes a JPEG of the size the picture is shown
//! at (rotation applied), carrying the original's EXIF capture time, camera and GPS, with its orientation set
//! upright so no viewer turns it twice.

#![cfg(feature = "heic")]

mod common;

use std::io::Cursor;

use lifeboat::data::heic::{heic_to_jpeg, is_heic_path, looks_like_heic};

fn field(bytes: &[u8], tag: exif::Tag) -> Option<String> {
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)).ok()?;
    exif.get_field(tag, exif::In::PRIMARY).map(|f| f.display_value().to_string())
}

#[test]
fn every_peer_data_heic_photo_becomes_a_jpeg_that_keeps_its_exif() {
    let mut files = common::files_with_extension("photos/heic", "heic");
    files.extend(common::files_with_extension("photos/heic", "heif"));
    files.sort();
    let names: Vec<String> =
        files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        ["HMD_Nokia_8.3_5G_hdr.heif", "IMG_5195.HEIC", "iphone_13_pro_max.HEIC", "samplefilehub.heif"]
    );
    // (shown width, shown height, capture time as EXIF writes it, camera model)
    let expected = [
        (4608, 3456, Some("2022-01-12 07:30:14"), None),
        (2566, 3313, Some("2021-04-11 15:47:53"), Some("\"iPhone 11 Pro Max\"")),
        (3024, 4032, Some("2022-02-16 12:55:41"), Some("\"iPhone 13 Pro Max\"")),
        (640, 426, None, None),
    ];
    for (file, (width, height, captured, model)) in files.iter().zip(expected) {
        let name = file.display().to_string();
        let heic = std::fs::read(file).unwrap();
        assert!(is_heic_path(&name) && looks_like_heic(&heic), "{name}");
        let jpeg = heic_to_jpeg(&heic).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&jpeg[..3], b"\xff\xd8\xff", "{name}");
        let picture = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((picture.width(), picture.height()), (width, height), "{name}");
        let time = field(&jpeg, exif::Tag::DateTimeOriginal).or_else(|| field(&jpeg, exif::Tag::DateTime));
        assert_eq!(time.as_deref(), captured, "{name}");
        assert_eq!(field(&jpeg, exif::Tag::Model).as_deref(), model, "{name}");
        assert_eq!(field(&jpeg, exif::Tag::GPSLatitude), field(&heic, exif::Tag::GPSLatitude), "{name}");
        if let Some(orientation) = field(&jpeg, exif::Tag::Orientation) {
            assert_eq!(orientation, "row 0 at top and column 0 at left", "{name}");
        }
        if heic.len() < 100_000 {
            // Deterministic: a second restore finds the same bytes on the target (checked on the small one only,
            // to keep the test quick; the round trip in cross_device.rs checks a large one).
            assert_eq!(heic_to_jpeg(&heic).unwrap(), jpeg, "{name}");
        }
    }
}
