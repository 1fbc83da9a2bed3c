//! HEIC photos to JPEG, for targets that cannot show HEIC (Android 8 and older, Windows Phones, cameras).
//!
//! Decoding is `heifer`, a HEIF/HEVC decoder in safe Rust (no libheif to install). On the HEIC photos in
//! peer-data (iPhone 11 Pro Max and 13 Pro Max, Nokia 8.3, a web sample) its pixels agree with libheif 1.15's
//! to 48–51 dB PSNR, which is rounding, not a visible difference. Encoding is the `image` crate's JPEG encoder.
//!
//! What the camera wrote stays with the picture: the original's EXIF block (capture time, camera, GPS) is
//! copied into the JPEG, with its orientation set to 1 because the decoder has already applied the HEIF
//! rotation and mirroring to the pixels (a viewer would otherwise turn the picture a second time). The file's
//! dates are the restore engine's business: it writes the converted file with the original's modification time.
//!
//! Without the `heic` cargo feature nothing is decoded: [`CONVERTS_HEIC`] is false and the fidelity report
//! says that HEIC photos are kept as HEIC because this build cannot convert them.

/// Whether this build converts HEIC photos to JPEG (the `heic` cargo feature, on by default).
pub const CONVERTS_HEIC: bool = cfg!(feature = "heic");

/// JPEG quality of converted photos: visually lossless for camera pictures, about the size of the HEIC × 2.
pub const JPEG_QUALITY: u8 = 90;

/// Larger HEIC files are not converted: they are decoded in memory, and no camera writes such files.
pub const MAX_HEIC_BYTES: u64 = 256 * 1024 * 1024;

/// Why a HEIC photo was not converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeicError {
    /// Built without a decoder.
    #[error("this build of Lifeboat cannot convert HEIC photos (it was built without the \"heic\" feature)")]
    NotBuiltIn,
    /// Too large to convert in memory.
    #[error("the photo is {size} bytes, more than the {max} bytes Lifeboat converts", max = MAX_HEIC_BYTES)]
    TooLarge {
        /// Its size.
        size: u64,
    },
    /// The decoder refused it.
    #[error(
        "the photo cannot be decoded ({0}); it may be damaged or use a HEIF feature Lifeboat cannot read"
    )]
    Decode(String),
    /// The JPEG could not be written.
    #[error("the JPEG cannot be written: {0}")]
    Encode(String),
}

/// Whether a file name says HEIC or HEIF (`IMG_0001.HEIC`, `photo.heif`, Canon's `.HIF`).
pub fn is_heic_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && ["heic", "heif", "hif"].iter().any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// Whether the first bytes are an HEVC-coded HEIF file (the brands iPhones and Android cameras write).
pub fn looks_like_heic(head: &[u8]) -> bool {
    head.len() >= 12
        && &head[4..8] == b"ftyp"
        && matches!(&head[8..12], b"heic" | b"heix" | b"heim" | b"heis" | b"mif1" | b"msf1")
}

/// The name of the converted photo: the same name with a JPEG extension in the same case (`IMG_0001.HEIC`
/// becomes `IMG_0001.JPG`, `photo.heic` becomes `photo.jpg`).
pub fn jpeg_path(path: &str) -> String {
    let (stem, ext) = match path.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => (stem, ext),
        _ => (path, ""),
    };
    let upper = !ext.is_empty() && ext.chars().all(|c| c.is_ascii_uppercase());
    format!("{stem}.{}", if upper { "JPG" } else { "jpg" })
}

/// Converts a HEIC photo to a JPEG carrying the original's EXIF block.
#[cfg(feature = "heic")]
pub fn heic_to_jpeg(heic: &[u8]) -> Result<Vec<u8>, HeicError> {
    use image::ImageEncoder;

    if heic.len() as u64 > MAX_HEIC_BYTES {
        return Err(HeicError::TooLarge { size: heic.len() as u64 });
    }
    let options = heifer::Options::default();
    // sRGB for viewers without colour management (iPhone photos are Display P3); HDR files (PQ, HLG), which
    // have no sRGB rendering, are written as coded.
    let image = match heifer::decode_srgb_rgba8(heic, &options) {
        Ok(image) => image,
        Err(heifer::Error::Unsupported(_)) => {
            heifer::decode_rgba8(heic, &options).map_err(|e| HeicError::Decode(e.to_string()))?
        }
        Err(e) => return Err(HeicError::Decode(e.to_string())),
    };
    let (width, height, has_alpha) = (image.width, image.height, image.has_alpha);
    let mut rgba = image.data;
    if has_alpha {
        // JPEG has no transparency: transparent areas become white, as most viewers show them.
        for pixel in rgba.chunks_exact_mut(4) {
            let alpha = u32::from(pixel[3]);
            for sample in &mut pixel[..3] {
                *sample = ((u32::from(*sample) * alpha + 255 * (255 - alpha) + 127) / 255) as u8;
            }
        }
    }
    let rgb = rgba_to_rgb(rgba);
    let mut jpeg = Vec::with_capacity(rgb.len() / 8);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
        .map_err(|e| HeicError::Encode(e.to_string()))?;
    let exif = heifer::read_metadata(heic).ok().and_then(|m| m.exif);
    Ok(match exif {
        Some(mut tiff) => {
            set_orientation_upright(&mut tiff);
            with_exif(jpeg, &tiff)
        }
        None => jpeg,
    })
}

/// A picture to make a thumbnail from, in 8-bit RGB, with its short side at least `short_side` pixels when
/// the file allows: the small preview an HEIC file carries (a `thmb` item, 320×240 on recent iPhones: a
/// fraction of the cost of the photo), else the photo itself, decoded and reduced by averaging blocks of
/// pixels as it is read (a 16-megapixel photo is never held again at full size in 8 bits). `None` when it
/// cannot be decoded or this build has no decoder.
#[cfg(feature = "heic")]
pub fn heic_preview(heic: &[u8], short_side: u32) -> Option<image::RgbImage> {
    if heic.len() as u64 > MAX_HEIC_BYTES {
        return None;
    }
    let block = |width: u32, height: u32| (width.min(height) / short_side.max(1)).max(1);
    if let Ok(Some(preview)) = heifer::decode_thumbnail(heic) {
        let (width, height) = (preview.width, preview.height);
        return reduce(&preview.data, width, height, preview.bit_depth, block(width, height));
    }
    // The photo itself, in 8-bit samples: half the memory of the decoder's 16-bit ones.
    let picture = heifer::decode_rgba8(heic, &heifer::Options::default()).ok()?;
    let (width, height) = (picture.width, picture.height);
    reduce(&picture.data, width, height, 8, block(width, height))
}

/// Averages `block`×`block` squares of RGBA samples of `bit_depth` bits into 8-bit RGB; the last partial
/// row and column of blocks are left out.
#[cfg_attr(not(feature = "heic"), allow(dead_code))]
fn reduce<S: Copy + Into<u64>>(
    rgba: &[S],
    width: u32,
    height: u32,
    bit_depth: u8,
    block: u32,
) -> Option<image::RgbImage> {
    let (out_width, out_height) = (width / block, height / block);
    if out_width == 0 || out_height == 0 || rgba.len() < width as usize * height as usize * 4 {
        return None;
    }
    let shift = u32::from(bit_depth.clamp(8, 16) - 8);
    let samples = u64::from(block) * u64::from(block);
    let (width, block) = (width as usize, block as usize);
    let mut out = Vec::with_capacity(out_width as usize * out_height as usize * 3);
    let mut sums = vec![[0u64; 3]; out_width as usize];
    for out_row in 0..out_height as usize {
        sums.iter_mut().for_each(|sum| *sum = [0; 3]);
        for row in out_row * block..(out_row + 1) * block {
            let line = &rgba[row * width * 4..(row + 1) * width * 4];
            for (column, sum) in sums.iter_mut().enumerate() {
                for pixel in line[column * block * 4..(column + 1) * block * 4].chunks_exact(4) {
                    sum[0] += pixel[0].into();
                    sum[1] += pixel[1].into();
                    sum[2] += pixel[2].into();
                }
            }
        }
        for sum in &sums {
            out.extend(sum.iter().map(|&total| ((total / samples) >> shift).min(255) as u8));
        }
    }
    image::RgbImage::from_raw(out_width, out_height, out)
}

/// Without a decoder there is no preview.
#[cfg(not(feature = "heic"))]
pub fn heic_preview(_heic: &[u8], _short_side: u32) -> Option<image::RgbImage> {
    None
}

/// Without a decoder, nothing converts.
#[cfg(not(feature = "heic"))]
pub fn heic_to_jpeg(_heic: &[u8]) -> Result<Vec<u8>, HeicError> {
    Err(HeicError::NotBuiltIn)
}

/// Drops the alpha samples in place, so a 48-megapixel photo is not held twice.
#[cfg_attr(not(feature = "heic"), allow(dead_code))]
fn rgba_to_rgb(mut data: Vec<u8>) -> Vec<u8> {
    let pixels = data.len() / 4;
    for i in 0..pixels {
        data.copy_within(i * 4..i * 4 + 3, i * 3);
    }
    data.truncate(pixels * 3);
    data
}

/// Sets the orientation tag of IFD0 of a TIFF-structured EXIF block to 1 ("upright"), when it has one.
/// Anything that does not parse is left untouched.
#[cfg_attr(not(feature = "heic"), allow(dead_code))]
fn set_orientation_upright(tiff: &mut [u8]) {
    let big_endian = match tiff.get(..2) {
        Some(b"MM") => true,
        Some(b"II") => false,
        _ => return,
    };
    let u16_at = |data: &[u8], at: usize| -> Option<u16> {
        let bytes: [u8; 2] = data.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian { u16::from_be_bytes(bytes) } else { u16::from_le_bytes(bytes) })
    };
    let Some(ifd) = tiff
        .get(4..8)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(|b| if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) } as usize)
    else {
        return;
    };
    let Some(count) = u16_at(tiff, ifd) else { return };
    for index in 0..usize::from(count) {
        let entry = ifd + 2 + index * 12;
        // Tag 0x0112 (Orientation), type 3 (SHORT): the value sits in the entry itself.
        if u16_at(tiff, entry) == Some(0x0112) && u16_at(tiff, entry + 2) == Some(3) {
            let one = if big_endian { [0, 1] } else { [1, 0] };
            if let Some(value) = tiff.get_mut(entry + 8..entry + 10) {
                value.copy_from_slice(&one);
            }
            return;
        }
    }
}

/// Puts a TIFF-structured EXIF block into a JPEG as an APP1 segment, after the JFIF header when there is one.
/// A block too large for one segment (64 KiB) is left out rather than split, which no reader would expect.
#[cfg_attr(not(feature = "heic"), allow(dead_code))]
fn with_exif(jpeg: Vec<u8>, tiff: &[u8]) -> Vec<u8> {
    const HEADER: &[u8] = b"Exif\0\0";
    let length = 2 + HEADER.len() + tiff.len();
    if !jpeg.starts_with(&[0xFF, 0xD8]) || length > usize::from(u16::MAX) {
        return jpeg;
    }
    let mut at = 2;
    if jpeg.get(2..4) == Some(&[0xFF, 0xE0][..])
        && let Some(len) = jpeg.get(4..6).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    {
        at = (4 + len).min(jpeg.len());
    }
    let mut out = Vec::with_capacity(jpeg.len() + length + 2);
    out.extend_from_slice(&jpeg[..at]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&(length as u16).to_be_bytes());
    out.extend_from_slice(HEADER);
    out.extend_from_slice(tiff);
    out.extend_from_slice(&jpeg[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_heic_and_become_jpeg_in_the_same_case() {
        assert!(is_heic_path("DCIM/100APPLE/IMG_0001.HEIC"));
        assert!(is_heic_path("a/photo.heif") && is_heic_path("CANON/IMG_1.HIF"));
        assert!(!is_heic_path("DCIM/IMG_0001.JPG") && !is_heic_path("heic") && !is_heic_path("dir.heic/x"));
        assert_eq!(jpeg_path("DCIM/100APPLE/IMG_0001.HEIC"), "DCIM/100APPLE/IMG_0001.JPG");
        assert_eq!(jpeg_path("a/photo.heic"), "a/photo.jpg");
        assert_eq!(jpeg_path("a.b/noext"), "a.b/noext.jpg");
        assert!(looks_like_heic(b"\0\0\0\x18ftypheic\0\0\0\0"));
        assert!(!looks_like_heic(b"\0\0\0\x18ftypqt  \0\0\0\0"));
    }

    fn tiff(big_endian: bool, orientation: u16) -> Vec<u8> {
        let u16b = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        let u32b = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut out = if big_endian { b"MM".to_vec() } else { b"II".to_vec() };
        out.extend(u16b(42));
        out.extend(u32b(8));
        out.extend(u16b(2));
        // Make (ASCII, 4 bytes inline), then Orientation.
        out.extend(u16b(0x010F));
        out.extend(u16b(2));
        out.extend(u32b(4));
        out.extend(b"ABC\0");
        out.extend(u16b(0x0112));
        out.extend(u16b(3));
        out.extend(u32b(1));
        out.extend(u16b(orientation));
        out.extend([0, 0]);
        out.extend(u32b(0));
        out
    }

    #[test]
    fn orientation_becomes_upright_in_both_byte_orders() {
        for big_endian in [false, true] {
            let mut block = tiff(big_endian, 6);
            set_orientation_upright(&mut block);
            assert_eq!(block, tiff(big_endian, 1));
        }
        let mut junk = b"XX junk".to_vec();
        set_orientation_upright(&mut junk);
        assert_eq!(junk, b"XX junk");
        let mut cut = tiff(false, 6);
        cut.truncate(20);
        set_orientation_upright(&mut cut);
    }

    #[test]
    fn exif_goes_after_the_jfif_header() {
        let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, b'J', b'F'][..], &[0xFF, 0xD9]].concat();
        let out = with_exif(jpeg.clone(), b"II*\0");
        assert_eq!(&out[..8], &jpeg[..8]);
        assert_eq!(&out[8..12], &[0xFF, 0xE1, 0x00, 12]);
        assert_eq!(&out[12..22], b"Exif\0\0II*\0");
        assert_eq!(&out[22..], &[0xFF, 0xD9]);
        assert_eq!(with_exif(b"not a jpeg".to_vec(), b"II*\0"), b"not a jpeg");
    }

    #[test]
    fn reducing_averages_whole_blocks_and_scales_deep_samples_to_8_bits() {
        // 5×2 pixels of 10-bit samples; blocks of 2 give 2×1 pixels (the fifth column is left out).
        let pixel = |r: u16, g: u16, b: u16| [r, g, b, 1023];
        let rows = [
            [pixel(0, 4, 1020), pixel(8, 4, 1020), pixel(400, 0, 0), pixel(400, 0, 0), pixel(9, 9, 9)],
            [pixel(0, 4, 1020), pixel(8, 4, 1020), pixel(400, 0, 0), pixel(400, 0, 0), pixel(9, 9, 9)],
        ];
        let samples: Vec<u16> = rows.iter().flatten().flatten().copied().collect();
        let reduced = reduce(&samples, 5, 2, 10, 2).expect("reduced");
        assert_eq!(reduced.dimensions(), (2, 1));
        assert_eq!(reduced.as_raw(), &vec![1, 1, 255, 100, 0, 0]);
        assert!(reduce(&samples, 5, 2, 10, 3).is_none(), "no whole block fits");
        assert!(reduce(&samples[..8], 5, 2, 10, 1).is_none(), "too few samples for the size");
    }

    #[test]
    fn alpha_is_dropped_in_place() {
        assert_eq!(rgba_to_rgb(vec![1, 2, 3, 255, 4, 5, 6, 0]), vec![1, 2, 3, 4, 5, 6]);
    }

    #[cfg(feature = "heic")]
    #[test]
    fn garbage_is_a_decode_error_not_a_panic() {
        let mut fake = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        fake.extend([7u8; 500]);
        assert!(matches!(heic_to_jpeg(&fake), Err(HeicError::Decode(_))));
    }
}
