//! Media items from real phone and camera pictures (peer-data/photos): media type, capture time, camera,
//! GPS, size and orientation from EXIF, and content identity from the bytes.

mod common;

use lifeboat::data::MediaItem;

fn item(relative: &str) -> MediaItem {
    let path = common::peer_file(&format!("photos/{relative}"));
    MediaItem::from_file(&path, &format!("DCIM/{relative}")).unwrap()
}

#[test]
fn every_peer_data_picture_is_described() {
    let mut pictures = Vec::new();
    for extension in ["jpg", "heic", "heif"] {
        pictures.extend(common::files_with_extension("photos", extension));
    }
    assert_eq!(pictures.len(), 43);
    let mut with_camera_data = 0;
    for path in &pictures {
        let item = MediaItem::from_file(path, "x").unwrap();
        assert_eq!(item.size, std::fs::metadata(path).unwrap().len());
        assert!(matches!(item.mime.as_deref(), Some("image/jpeg" | "image/heic")), "{}", path.display());
        assert!(item.content_hash.is_some());
        if item.orientation.is_some() {
            with_camera_data += 1;
        }
    }
    // jpeg-broken/image01088.jpg has no EXIF at all and heic/IMG_5195.HEIC records no orientation.
    assert_eq!(with_camera_data, 41);
}

#[test]
fn phone_pictures_carry_time_camera_and_place() {
    let iphone = item("jpeg-phone/iphone_hdr_YES.jpg");
    assert_eq!(iphone.captured.as_deref(), Some("2015-04-10T20:12:23"));
    assert_eq!(
        (iphone.camera_make.as_deref(), iphone.camera_model.as_deref()),
        (Some("Apple"), Some("iPhone 6"))
    );
    assert_eq!((iphone.width, iphone.height), (Some(3264), Some(2448)));
    let place = iphone.location.unwrap();
    assert!((place.latitude - 40.446_972).abs() < 1e-5, "{place:?}");
    assert!((place.longitude + 3.724_752).abs() < 1e-5, "west is negative: {place:?}");
    assert!((place.altitude.unwrap() - 639.61).abs() < 0.01);

    let heic = item("heic/iphone_13_pro_max.HEIC");
    assert_eq!(heic.mime.as_deref(), Some("image/heic"));
    assert_eq!(heic.captured.as_deref(), Some("2022-02-16T12:55:41+01:00"), "with the recorded UTC offset");
    assert_eq!(heic.camera_model.as_deref(), Some("iPhone 13 Pro Max"));
    assert_eq!(heic.orientation, Some(6));

    let nikon = item("jpeg-camera/DSCN0010_gps.jpg");
    assert_eq!(nikon.camera_model.as_deref(), Some("COOLPIX P6000"));
    let place = nikon.location.unwrap();
    assert!((place.latitude - 43.467_448).abs() < 1e-5 && (place.longitude - 11.885_126).abs() < 1e-5);
}

#[test]
fn orientation_values_including_the_invalid_zero() {
    for orientation in 0..=8u16 {
        let item = item(&format!("orientation/recurser_Landscape_{orientation}.jpg"));
        assert_eq!(item.orientation, Some(orientation));
    }
    let rotated = item("orientation/ianare_portrait_6.jpg");
    assert_eq!((rotated.orientation, rotated.width, rotated.height), (Some(6), Some(600), Some(450)));
}

#[test]
fn broken_exif_is_not_an_error_and_identity_follows_bytes() {
    let broken = item("jpeg-broken/image01088.jpg");
    assert_eq!(broken.mime.as_deref(), Some("image/jpeg"));
    assert!(broken.captured.is_none());
    assert!(broken.unreadable_metadata.as_deref().is_some_and(|r| r.contains("Exif")));

    let a = item("orientation/ianare_landscape_1.jpg");
    let mut renamed = a.clone();
    renamed.path = "Pictures/copy.jpg".into();
    assert_eq!(a.content_id(), renamed.content_id(), "same bytes, same picture wherever it lives");
    assert_ne!(a.content_id(), item("orientation/ianare_landscape_2.jpg").content_id());
}
