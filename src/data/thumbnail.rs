//! Thumbnails of picture files (JPEG, PNG, HEIC): the JPEG thumbnail embedded in the EXIF first (it costs no
//! decoding of the full picture), an HEIC file's own preview image, else the picture itself decoded at a
//! reduced scale; turned upright and cut square. Pure functions over bytes a phone wrote, so the app's
//! thumbnail workers (`gui::thumbnails`) and the fuzz targets (`fuzz/`) share them.

use std::io::Cursor;

/// The longest side of a thumbnail, in pixels: enough for the grid's tiles on a 1.5× screen.
pub const THUMB_SIZE: u32 = 240;

/// A thumbnail of a picture file's bytes: its EXIF thumbnail when it has a usable one, else a downscale.
pub fn thumbnail_of(bytes: &[u8]) -> Option<image::DynamicImage> {
    let exif = exif_of(bytes);
    let picture = match exif.embedded {
        Some(picture) => return Some(square(orient(picture, exif.orientation))),
        None => downscaled(bytes)?,
    };
    Some(square(orient(picture, upright_as(bytes, exif.orientation))))
}

/// The EXIF orientation to apply to a decoded picture: none for HEIF, whose decoder has already applied the
/// file's own rotation and mirroring (the EXIF tag repeats them for viewers of the original).
pub(crate) fn upright_as(bytes: &[u8], orientation: u32) -> u32 {
    if crate::data::heic::looks_like_heic(bytes) { 1 } else { orientation }
}

/// What a picture's EXIF block offers a thumbnail maker.
pub(crate) struct ExifPreview {
    pub(crate) orientation: u32,
    pub(crate) embedded: Option<image::DynamicImage>,
}

pub(crate) fn exif_of(bytes: &[u8]) -> ExifPreview {
    match exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => ExifPreview {
            orientation: exif
                .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
                .unwrap_or(1),
            embedded: embedded_thumbnail(&exif),
        },
        Err(_) => ExifPreview { orientation: 1, embedded: None },
    }
}

/// The picture at no less than the thumbnail's size. A JPEG is decoded at 1/2, 1/4 or 1/8 of its size
/// straight from its DCT coefficients (the smallest scale that still covers a thumbnail: a phone photo at
/// 1/8, which skips most of the inverse transform); other formats are decoded whole and scaled down.
pub(crate) fn downscaled(bytes: &[u8]) -> Option<image::DynamicImage> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        // The decoder picks its scale from the size asked for; ask for the picture's shape with its short
        // side at the thumbnail's size, so the square cut from it is still a full thumbnail.
        let wanted = decoder.read_info().ok().and_then(|()| decoder.info()).map(|info| {
            let short = u32::from(info.width.min(info.height)).max(1);
            let fit = |side: u16| (u32::from(side) * THUMB_SIZE).div_ceil(short).min(u32::from(side)) as u16;
            (fit(info.width), fit(info.height))
        });
        if let Some((width, height)) = wanted
            && decoder.scale(width, height).is_ok()
            && let Ok(pixels) = decoder.decode()
            && let Some(info) = decoder.info()
        {
            let (width, height) = (u32::from(info.width), u32::from(info.height));
            let picture = match info.pixel_format {
                jpeg_decoder::PixelFormat::RGB24 => {
                    image::RgbImage::from_raw(width, height, pixels).map(image::DynamicImage::ImageRgb8)
                }
                jpeg_decoder::PixelFormat::L8 => {
                    image::GrayImage::from_raw(width, height, pixels).map(image::DynamicImage::ImageLuma8)
                }
                // CMYK and 16-bit JPEGs are rare enough to take the general path below.
                _ => None,
            };
            if picture.is_some() {
                return picture;
            }
        }
    }
    if crate::data::heic::looks_like_heic(bytes) {
        return crate::data::heic::heic_preview(bytes, THUMB_SIZE).map(image::DynamicImage::ImageRgb8);
    }
    Some(image::load_from_memory(bytes).ok()?.thumbnail(THUMB_SIZE * 2, THUMB_SIZE * 2))
}

/// The JPEG thumbnail stored in the EXIF's second image directory, when it is big enough to show.
fn embedded_thumbnail(exif: &exif::Exif) -> Option<image::DynamicImage> {
    let offset = exif.get_field(exif::Tag::JPEGInterchangeFormat, exif::In::THUMBNAIL)?.value.get_uint(0)?;
    let length =
        exif.get_field(exif::Tag::JPEGInterchangeFormatLength, exif::In::THUMBNAIL)?.value.get_uint(0)?;
    let (offset, length) = (offset as usize, length as usize);
    let jpeg = exif.buf().get(offset..offset.checked_add(length)?)?;
    let picture = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).ok()?;
    // Some cameras store a 64×48 stamp: upscaled it would look worse than decoding the photo.
    (picture.width().max(picture.height()) >= 120).then_some(picture)
}

/// The middle square of a picture, at most [`THUMB_SIZE`] on a side: the grid's tiles are square, and a
/// picture cut to fit draws exactly inside its tile (nothing outside it for the renderer to clip). A smaller
/// picture is left as it is: the renderer scales it to the tile, and scaling it here would cost time and
/// add nothing.
pub(crate) fn square(picture: image::DynamicImage) -> image::DynamicImage {
    let side = picture.width().min(picture.height());
    let (x, y) = ((picture.width() - side) / 2, (picture.height() - side) / 2);
    let square = picture.crop_imm(x, y, side, side);
    if side <= THUMB_SIZE {
        return square;
    }
    // A triangle filter over a picture at most twice the thumbnail's size (what the scaled JPEG decoding
    // and the EXIF thumbnails give) is as sharp as `thumbnail`'s area average and several times cheaper.
    if side <= THUMB_SIZE * 2 {
        return square.resize_exact(THUMB_SIZE, THUMB_SIZE, image::imageops::FilterType::Triangle);
    }
    square.thumbnail(THUMB_SIZE, THUMB_SIZE)
}

/// Turns a picture upright according to its EXIF orientation (1–8).
pub(crate) fn orient(picture: image::DynamicImage, orientation: u32) -> image::DynamicImage {
    match orientation {
        2 => picture.fliph(),
        3 => picture.rotate180(),
        4 => picture.flipv(),
        5 => picture.rotate90().fliph(),
        6 => picture.rotate90(),
        7 => picture.rotate270().fliph(),
        8 => picture.rotate270(),
        _ => picture,
    }
}
