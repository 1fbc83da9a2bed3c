//! Media a phone's camera and screen produce: JPEG photos with EXIF (camera make and model, capture time,
//! sometimes GPS), PNG screenshots, and MP4 files with a real box structure (ftyp, moov/mvhd with the
//! creation time, mdat). Pixels are cheap procedural scenes: each file is different, valid, and small.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};

use super::rng::Rng;
use crate::device::sim::android::SimError;

/// Camera metadata written into a photo's EXIF.
pub struct Exif<'a> {
    /// Camera maker.
    pub make: &'a str,
    /// Camera model.
    pub model: &'a str,
    /// Capture time, seconds since the epoch (UTC).
    pub taken: i64,
    /// Latitude and longitude in degrees, when the photo is geotagged.
    pub gps: Option<(f64, f64)>,
}

/// A procedural landscape: sky gradient, sun, hills, noise. `variant` makes each picture different.
fn scene(width: u32, height: u32, rng: &mut Rng) -> Vec<u8> {
    let sky = [rng.range(40, 140) as f32, rng.range(90, 190) as f32, rng.range(170, 255) as f32];
    let ground = [rng.range(30, 120) as f32, rng.range(80, 170) as f32, rng.range(20, 90) as f32];
    let sun = (rng.below(u64::from(width)) as f32, rng.below(u64::from(height / 2).max(1)) as f32);
    let sun_r = (width.min(height) as f32) * (0.05 + rng.below(10) as f32 / 100.0);
    let phase = rng.below(628) as f32 / 100.0;
    let hill = height as f32 * (0.55 + rng.below(20) as f32 / 100.0);
    let mut noise = Rng::new(rng.next_u64(), "noise");
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32, y as f32);
            let horizon = hill + (fx / width as f32 * 6.0 + phase).sin() * height as f32 * 0.08;
            let mut color = if fy < horizon {
                let t = fy / horizon;
                [sky[0] + t * 60.0, sky[1] + t * 40.0, sky[2] - t * 30.0]
            } else {
                let t = (fy - horizon) / (height as f32 - horizon).max(1.0);
                [ground[0] * (1.0 - t * 0.4), ground[1] * (1.0 - t * 0.4), ground[2] * (1.0 - t * 0.3)]
            };
            let d = ((fx - sun.0).powi(2) + (fy - sun.1).powi(2)).sqrt();
            if d < sun_r && fy < horizon {
                color = [255.0, 230.0, 120.0];
            }
            let grain = noise.below(13) as f32 - 6.0;
            pixels.extend(color.iter().map(|c| (c + grain).clamp(0.0, 255.0) as u8));
        }
    }
    pixels
}

/// A JPEG photo with EXIF.
pub fn jpeg_photo(width: u32, height: u32, exif: &Exif<'_>, rng: &mut Rng) -> Result<Vec<u8>, SimError> {
    let pixels = scene(width, height, rng);
    let mut encoded = Vec::new();
    JpegEncoder::new_with_quality(&mut encoded, 82)
        .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
        .map_err(|e| SimError::Generate(format!("JPEG encoding: {e}")))?;
    Ok(with_exif(&encoded, &exif_block(width, height, exif)))
}

/// A square JPEG for a contact photo: a coloured tile, as the contacts app's thumbnails are.
pub fn contact_thumbnail(rng: &mut Rng) -> Result<Vec<u8>, SimError> {
    let side = 96;
    let pixels = scene(side, side, rng);
    let mut encoded = Vec::new();
    JpegEncoder::new_with_quality(&mut encoded, 75)
        .write_image(&pixels, side, side, ExtendedColorType::Rgb8)
        .map_err(|e| SimError::Generate(format!("JPEG encoding: {e}")))?;
    Ok(encoded)
}

/// A PNG screenshot: status bar, cards and a navigation bar, in flat colours.
pub fn png_screenshot(width: u32, height: u32, rng: &mut Rng) -> Result<Vec<u8>, SimError> {
    let background = [rng.range(230, 255) as u8, rng.range(230, 255) as u8, rng.range(230, 255) as u8];
    let accent = [rng.range(0, 200) as u8, rng.range(60, 200) as u8, rng.range(120, 255) as u8];
    let cards: Vec<(u32, u32)> = (0..rng.range(3, 6))
        .map(|i| {
            let top = 40 + (i as u32) * (height / 7);
            (top, top + height / 9)
        })
        .collect();
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let color = if y < 24 {
                [30, 30, 30]
            } else if y > height - 40 {
                [20, 20, 20]
            } else if cards.iter().any(|&(top, bottom)| y >= top && y < bottom && x > 12 && x < width - 12) {
                if x < 60 { accent } else { [255, 255, 255] }
            } else {
                background
            };
            pixels.extend_from_slice(&color);
        }
    }
    let mut encoded = Vec::new();
    PngEncoder::new(&mut encoded)
        .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
        .map_err(|e| SimError::Generate(format!("PNG encoding: {e}")))?;
    Ok(encoded)
}

/// An MP4 file: `ftyp`, `moov` with an `mvhd` carrying the creation time and duration, `mdat` with
/// `payload` bytes of (undecodable) media data.
pub fn mp4_video(created: i64, duration_ms: u32, payload: usize, rng: &mut Rng) -> Vec<u8> {
    // MP4 times count seconds from 1904-01-01.
    let mp4_time = (created + 2_082_844_800) as u32;
    let mut ftyp = b"isom".to_vec();
    ftyp.extend(512u32.to_be_bytes());
    for brand in [b"isom", b"iso2", b"avc1", b"mp41"] {
        ftyp.extend_from_slice(brand);
    }
    let mut mvhd = vec![0u8; 4]; // version 0, flags 0
    for word in [mp4_time, mp4_time, 1000, duration_ms, 0x0001_0000] {
        mvhd.extend(word.to_be_bytes());
    }
    mvhd.extend(0x0100u16.to_be_bytes()); // volume 1.0
    mvhd.extend([0u8; 10]);
    for word in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        mvhd.extend(word.to_be_bytes()); // identity matrix
    }
    mvhd.extend([0u8; 24]);
    mvhd.extend(3u32.to_be_bytes()); // next track id
    let moov = mp4_box(b"moov", &mp4_box(b"mvhd", &mvhd));
    let mut data = vec![0u8; payload];
    rng.fill(&mut data);
    let mut out = mp4_box(b"ftyp", &ftyp);
    out.extend(moov);
    out.extend(mp4_box(b"mdat", &data));
    out
}

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// Inserts an APP1 Exif segment right after the JPEG's SOI marker, where cameras put it.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(jpeg.len() + tiff.len() + 10);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// One IFD entry: tag, type, count and the value bytes (placed inline when they fit in 4 bytes).
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    value: Vec<u8>,
}

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;
const BYTE: u16 = 1;

fn ascii(tag: u16, text: &str) -> Entry {
    let mut value = text.as_bytes().to_vec();
    value.push(0);
    Entry { tag, kind: ASCII, count: value.len() as u32, value }
}

fn long(tag: u16, value: u32) -> Entry {
    Entry { tag, kind: LONG, count: 1, value: value.to_le_bytes().to_vec() }
}

fn degrees(tag: u16, value: f64) -> Entry {
    let value = value.abs();
    let d = value.trunc();
    let m = ((value - d) * 60.0).trunc();
    let s = ((value - d) * 60.0 - m) * 60.0;
    let mut bytes = Vec::new();
    for (num, den) in [(d as u32, 1u32), (m as u32, 1), ((s * 100.0) as u32, 100)] {
        bytes.extend(num.to_le_bytes());
        bytes.extend(den.to_le_bytes());
    }
    Entry { tag, kind: RATIONAL, count: 3, value: bytes }
}

/// Writes an IFD at `at` (offset from the TIFF header), its out-of-line values after it, and returns the
/// bytes. `next` is the offset of the following IFD (0 for none).
fn ifd(mut entries: Vec<Entry>, at: usize, next: u32) -> Vec<u8> {
    entries.sort_by_key(|e| e.tag);
    let table_len = 2 + entries.len() * 12 + 4;
    let mut table = (entries.len() as u16).to_le_bytes().to_vec();
    let mut data = Vec::new();
    for entry in &entries {
        table.extend(entry.tag.to_le_bytes());
        table.extend(entry.kind.to_le_bytes());
        table.extend(entry.count.to_le_bytes());
        if entry.value.len() <= 4 {
            let mut inline = entry.value.clone();
            inline.resize(4, 0);
            table.extend(inline);
        } else {
            let offset = (at + table_len + data.len()) as u32;
            table.extend(offset.to_le_bytes());
            data.extend(&entry.value);
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    table.extend(next.to_le_bytes());
    table.extend(data);
    table
}

/// The TIFF structure of an Exif block: IFD0 (make, model, orientation, date), the Exif IFD (original date,
/// pixel size) and, for geotagged photos, the GPS IFD.
fn exif_block(width: u32, height: u32, exif: &Exif<'_>) -> Vec<u8> {
    let date = exif_date(exif.taken);
    let exif_entries = |_: ()| {
        vec![
            ascii(0x9003, &date),
            ascii(0x9004, &date),
            ascii(0x9010, "+00:00"),
            long(0xa002, width),
            long(0xa003, height),
        ]
    };
    let gps_entries = |(lat, lon): (f64, f64)| {
        vec![
            Entry { tag: 0x0000, kind: BYTE, count: 4, value: vec![2, 2, 0, 0] },
            ascii(0x0001, if lat >= 0.0 { "N" } else { "S" }),
            degrees(0x0002, lat),
            ascii(0x0003, if lon >= 0.0 { "E" } else { "W" }),
            degrees(0x0004, lon),
        ]
    };
    // IFD0 is laid out first with placeholder pointers to learn its size, then again with the real ones.
    let ifd0_entries = |exif_at: u32, gps_at: Option<u32>| {
        let mut entries = vec![
            ascii(0x010f, exif.make),
            ascii(0x0110, exif.model),
            Entry { tag: 0x0112, kind: SHORT, count: 1, value: 1u16.to_le_bytes().to_vec() },
            ascii(0x0132, &date),
            long(0x8769, exif_at),
        ];
        if let Some(gps_at) = gps_at {
            entries.push(long(0x8825, gps_at));
        }
        entries
    };
    let has_gps = exif.gps.is_some();
    let ifd0_len = ifd(ifd0_entries(0, has_gps.then_some(0)), 8, 0).len();
    let exif_at = 8 + ifd0_len;
    let exif_ifd = ifd(exif_entries(()), exif_at, 0);
    let gps_at = exif_at + exif_ifd.len();
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend(ifd(ifd0_entries(exif_at as u32, has_gps.then_some(gps_at as u32)), 8, 0));
    tiff.extend(exif_ifd);
    if let Some(position) = exif.gps {
        tiff.extend(ifd(gps_entries(position), gps_at, 0));
    }
    tiff
}

/// `YYYY:MM:DD HH:MM:SS`, the EXIF date format.
fn exif_date(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = super::civil(secs);
    format!("{y:04}:{mo:02}:{d:02} {h:02}:{mi:02}:{s:02}")
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    #[test]
    fn photos_decode_and_carry_their_exif() {
        let mut rng = Rng::new(3, "test");
        let exif = Exif {
            make: "Lifeboat",
            model: "Virtual Phone",
            taken: 1_700_000_000,
            gps: Some((48.8566, 2.3522)),
        };
        let jpeg = jpeg_photo(64, 48, &exif, &mut rng).unwrap();
        let decoded = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (64, 48));
        let reader = exif::Reader::new().read_from_container(&mut Cursor::new(&jpeg)).unwrap();
        let original = reader.get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY).unwrap();
        assert_eq!(original.display_value().to_string(), "2023-11-14 22:13:20");
        let model = reader.get_field(exif::Tag::Model, exif::In::PRIMARY).unwrap();
        assert_eq!(model.display_value().to_string(), "\"Virtual Phone\"");
        assert!(reader.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).is_some());
    }

    #[test]
    fn screenshots_and_videos_are_well_formed() {
        let mut rng = Rng::new(3, "test");
        let png = png_screenshot(90, 160, &mut rng).unwrap();
        assert_eq!(image::load_from_memory(&png).unwrap().width(), 90);
        let mp4 = mp4_video(1_700_000_000, 5000, 1000, &mut rng);
        assert_eq!(&mp4[4..8], b"ftyp");
        let ftyp_len = u32::from_be_bytes(mp4[0..4].try_into().unwrap()) as usize;
        assert_eq!(&mp4[ftyp_len + 4..ftyp_len + 8], b"moov");
        assert_eq!(&mp4[ftyp_len + 12..ftyp_len + 16], b"mvhd");
    }
}
