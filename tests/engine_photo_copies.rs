//! Space-saving copies (`lifeboat backup --space-saving`, the app's Settings → Photos): a large JPEG photo
//! is stored at 2,560 pixels on its long side with its EXIF, everything else byte for byte; an unchanged
//! photo is reused by the next backup without reading it; asking for originals again stores the original;
//! a restore gives back the copy with the photo's time.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{PASSWORD, init_vault, lifeboat, ok};
use lifeboat::engine::ORIGINAL_SIZE;
use lifeboat::vault::{Node, Vault};

/// A noisy camera-sized JPEG (noise keeps it several MB) with an EXIF block naming the camera.
fn camera_photo(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 7u32;
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        image::Rgb([(x / 16) as u8, (y / 12) as u8, (seed >> 24) as u8])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 92).encode_image(&picture).unwrap();
    // EXIF: one IFD with Make = "Lifeboat" (ASCII, 9 bytes, stored at offset 26).
    let mut tiff = b"MM\0\x2A\0\0\0\x08\0\x01\x01\x0F\0\x02\0\0\0\x09\0\0\0\x1A\0\0\0\0".to_vec();
    tiff.extend_from_slice(b"Lifeboat\0");
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    [&plain[..2], &app1, &plain[2..]].concat()
}

fn make_of(jpeg: &[u8]) -> Option<String> {
    let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(jpeg)).ok()?;
    let field = exif.get_field(exif::Tag::Make, exif::In::PRIMARY)?;
    Some(field.display_value().to_string().trim_matches('"').to_string())
}

/// The newest snapshot's catalog, by path.
fn catalog(vault_dir: &Path) -> BTreeMap<String, Node> {
    let vault = Vault::open(vault_dir, PASSWORD).unwrap();
    let snapshot = vault.snapshots().unwrap().snapshots.pop().unwrap();
    let index = vault.load_index().unwrap();
    let nodes = vault.catalog(&snapshot, &vault.blobs(&index)).unwrap();
    nodes.into_iter().map(|n| (n.entry.path.to_string(), n)).collect()
}

fn backup(vault: &Path, phone: &Path, extra: &[&str]) -> serde_json::Value {
    let output =
        ok(lifeboat(vault).args(["backup", "--from", phone.to_str().unwrap(), "--json"]).args(extra));
    common::json(&output)
}

#[test]
fn large_jpegs_are_kept_as_space_saving_copies_and_reused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let phone = dir.path().join("phone");
    let camera = phone.join("DCIM/Camera");
    std::fs::create_dir_all(&camera).unwrap();
    let big = camera_photo(4000, 3000);
    assert!(big.len() > 2 << 20, "a camera-sized photo: {} bytes", big.len());
    std::fs::write(camera.join("IMG_0001.jpg"), &big).unwrap();
    let small = camera_photo(640, 480);
    std::fs::write(camera.join("IMG_0002.jpg"), &small).unwrap();
    std::fs::write(camera.join("VID_0003.mp4"), vec![7u8; 3 << 20]).unwrap();
    let vault = dir.path().join("vault");
    init_vault(&vault);

    let first = backup(&vault, &phone, &["--space-saving"]);
    assert_eq!(first["items_read"], 3, "{first:#}");
    let nodes = catalog(&vault);
    let copy_node = &nodes["DCIM/Camera/IMG_0001.jpg"];
    assert_eq!(copy_node.entry.meta[ORIGINAL_SIZE], big.len() as u64);
    assert!(copy_node.entry.size < big.len() as u64 / 2, "{} of {}", copy_node.entry.size, big.len());
    assert!(!nodes["DCIM/Camera/IMG_0002.jpg"].entry.meta.contains_key(ORIGINAL_SIZE), "too small to reduce");
    assert!(!nodes["DCIM/Camera/VID_0003.mp4"].entry.meta.contains_key(ORIGINAL_SIZE));

    // Restored: the copy, a valid photo of the same shape with its EXIF; the others byte for byte.
    let restored = dir.path().join("restored");
    ok(lifeboat(&vault).args(["restore", "latest", "--to", restored.to_str().unwrap()]));
    let copy = std::fs::read(restored.join("DCIM/Camera/IMG_0001.jpg")).unwrap();
    assert_eq!(copy.len() as u64, copy_node.entry.size);
    let picture = image::load_from_memory(&copy).unwrap();
    assert_eq!((picture.width(), picture.height()), (2560, 1920));
    assert_eq!(make_of(&copy).as_deref(), Some("Lifeboat"), "the EXIF travels with the copy");
    assert_eq!(std::fs::read(restored.join("DCIM/Camera/IMG_0002.jpg")).unwrap(), small);
    let mtime = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    assert_eq!(mtime(&restored.join("DCIM/Camera/IMG_0001.jpg")), mtime(&camera.join("IMG_0001.jpg")));

    // Unchanged on the phone: nothing is read again, and the copy stays.
    let second = backup(&vault, &phone, &["--space-saving"]);
    assert_eq!((second["items_read"].as_u64(), second["items_unchanged"].as_u64()), (Some(0), Some(3)));
    assert_eq!(catalog(&vault)["DCIM/Camera/IMG_0001.jpg"], *copy_node);

    // Originals asked for again: the photo is read and stored as it is.
    let third = backup(&vault, &phone, &[]);
    assert_eq!((third["items_read"].as_u64(), third["items_unchanged"].as_u64()), (Some(1), Some(2)));
    let original = &catalog(&vault)["DCIM/Camera/IMG_0001.jpg"];
    assert_eq!(original.entry.size, big.len() as u64);
    assert!(!original.entry.meta.contains_key(ORIGINAL_SIZE));
}
