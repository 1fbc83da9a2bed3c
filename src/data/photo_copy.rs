//! Space-saving copies of JPEG photos, for backups where the person chose them over originals: the picture
//! at no more than [`REDUCED_LONG_SIDE`] pixels on its long side, re-encoded at quality 85, keeping the
//! original's EXIF (date, camera, GPS, orientation), XMP and colour profile byte for byte. A 12-megapixel
//! phone photo becomes about a quarter of its size and still fills a 4K screen's short side.
//!
//! Only JPEGs are reduced: HEIC photos are already compact, and videos, PNG screenshots and RAW files are
//! kept as they are.

/// The longest side of a space-saving copy, in pixels.
pub const REDUCED_LONG_SIDE: u32 = 2560;
/// Photos smaller than this are kept as they are: a copy would save little.
pub const REDUCE_FROM_BYTES: u64 = 1024 * 1024;
/// Photos larger than this are kept as they are: a copy is made in memory.
pub const REDUCE_UP_TO_BYTES: u64 = 64 * 1024 * 1024;
const QUALITY: u8 = 85;

/// Whether a file at `path` of `size` bytes is a photo a space-saving copy is made of.
pub fn is_reducible(path: &str, size: u64) -> bool {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(extension.as_str(), "jpg" | "jpeg") && (REDUCE_FROM_BYTES..=REDUCE_UP_TO_BYTES).contains(&size)
}

/// A space-saving copy of `jpeg` with its long side at most `long_side` pixels, or `None` when the photo is
/// already that small, does not decode, or the copy would not be smaller.
pub fn reduced_jpeg(jpeg: &[u8], long_side: u32) -> Option<Vec<u8>> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut decoder = jpeg_decoder::Decoder::new(jpeg);
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let longest = width.max(height);
    if longest <= long_side {
        return None;
    }
    let fit =
        |side: u32| ((u64::from(side) * u64::from(long_side)).div_ceil(u64::from(longest))).max(1) as u32;
    let (target_width, target_height) = (fit(width), fit(height));
    // The decoder skips most of the inverse transform when asked for a half, quarter or eighth: it picks the
    // smallest of those that still covers the size asked for.
    decoder.scale(target_width as u16, target_height as u16).ok()?;
    let pixels = decoder.decode().ok()?;
    let info = decoder.info()?;
    let (decoded_width, decoded_height) = (u32::from(info.width), u32::from(info.height));
    let picture = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => image::RgbImage::from_raw(decoded_width, decoded_height, pixels)
            .map(image::DynamicImage::ImageRgb8),
        jpeg_decoder::PixelFormat::L8 => image::GrayImage::from_raw(decoded_width, decoded_height, pixels)
            .map(image::DynamicImage::ImageLuma8),
        // CMYK and 16-bit JPEGs are kept as they are: a copy would change their colours.
        _ => None,
    }?;
    let picture = if decoded_width.max(decoded_height) > long_side {
        picture.resize_exact(target_width, target_height, image::imageops::FilterType::Triangle)
    } else {
        picture
    };
    let mut encoded = Vec::with_capacity(jpeg.len() / 4);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, QUALITY).encode_image(&picture).ok()?;
    let copy = with_segments(&encoded, &metadata_segments(jpeg));
    (copy.len() < jpeg.len()).then_some(copy)
}

/// The original's APP1 (EXIF, XMP) and APP2 (ICC profile) segments, whole, in their order.
fn metadata_segments(jpeg: &[u8]) -> Vec<&[u8]> {
    let mut segments = Vec::new();
    let mut at = 2;
    while let (Some(0xFF), Some(&marker)) = (jpeg.get(at).copied(), jpeg.get(at + 1)) {
        // Start of scan or end of image: no more headers. Markers without a length do not occur before SOS.
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let Some(length) = jpeg.get(at + 2..at + 4).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            break;
        };
        let Some(segment) = jpeg.get(at..at + 2 + length) else { break };
        if marker == 0xE1 || marker == 0xE2 {
            segments.push(segment);
        }
        at += 2 + length;
    }
    segments
}

/// `encoded` with `segments` put after its JFIF header (or right after its start marker).
fn with_segments(encoded: &[u8], segments: &[&[u8]]) -> Vec<u8> {
    let mut insert_at = 2;
    if encoded.get(2..4) == Some(&[0xFF, 0xE0])
        && let Some(length) = encoded.get(4..6).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    {
        insert_at = (4 + length).min(encoded.len());
    }
    let mut out = Vec::with_capacity(encoded.len() + segments.iter().map(|s| s.len()).sum::<usize>());
    out.extend_from_slice(&encoded[..insert_at]);
    for segment in segments {
        out.extend_from_slice(segment);
    }
    out.extend_from_slice(&encoded[insert_at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noisy 3000×2000 photo (noise keeps JPEG from compressing it to nothing) with an EXIF segment.
    fn photo(width: u32, height: u32) -> Vec<u8> {
        let mut seed = 1u32;
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            image::Rgb([(x / 12) as u8, (y / 8) as u8, (seed >> 24) as u8])
        });
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 95).encode_image(&picture).unwrap();
        let exif = [b"\xFF\xE1\x00\x10Exif\0\0".as_slice(), b"MM\0\x2A\0\0\0\x08".as_slice()].concat();
        with_segments(&plain, &[&exif])
    }

    #[test]
    fn a_large_photo_becomes_smaller_keeping_its_shape_and_exif() {
        let original = photo(3000, 2000);
        let copy = reduced_jpeg(&original, 1200).expect("reduced");
        assert!(copy.len() < original.len() / 2, "{} of {}", copy.len(), original.len());
        let picture = image::load_from_memory(&copy).unwrap();
        assert_eq!((picture.width(), picture.height()), (1200, 800));
        assert_eq!(metadata_segments(&copy), metadata_segments(&original), "EXIF kept byte for byte");
        assert_eq!(metadata_segments(&copy).len(), 1);
    }

    #[test]
    fn small_or_foreign_pictures_are_left_alone() {
        assert!(reduced_jpeg(&photo(800, 600), 1200).is_none(), "already small enough");
        assert!(reduced_jpeg(b"\x89PNG\r\n\x1a\n", 1200).is_none());
        assert!(reduced_jpeg(b"\xFF\xD8\xFF\xE1\x00", 1200).is_none(), "cut short");
        assert!(is_reducible("DCIM/Camera/IMG_1.JPG", 3 << 20));
        assert!(!is_reducible("DCIM/Camera/IMG_1.HEIC", 3 << 20));
        assert!(!is_reducible("DCIM/Camera/IMG_1.jpg", 200 << 10), "too small to bother");
        assert!(!is_reducible("DCIM/Camera/VID_1.mp4", 3 << 20));
    }
}
