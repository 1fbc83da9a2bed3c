//! Thumbnails for the photo grid: a small pool of named worker threads decodes them off the UI thread, from
//! the disk cache when it can, else from the vault: the JPEG thumbnail embedded in the EXIF first (it costs
//! no decoding of the full picture), an HEIC file's own preview image, else the picture itself decoded at a
//! reduced scale.
//!
//! The disk cache (`thumbnail_cache.rs`) is keyed by the item's content chunk ids and sealed with a key of
//! the vault's.
//!
//! Requests can go stale while they wait (the person scrolled on): workers skip anything no longer in the
//! wanted set and say so, so the grid can ask again when the tile comes back into view.

use std::collections::HashSet;
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use iced::futures::channel::mpsc;
use iced::widget::image::Handle;

use super::jobs::SharedVault;
use super::thumbnail_cache::{Cached, DiskCache};
use crate::vault::{Id, Index};

/// Identifies a picture by its content: BLAKE3 over its chunk ids.
pub type ThumbKey = [u8; 32];

/// The longest side of a thumbnail, in pixels: enough for the grid's tiles on a 1.5× screen.
pub const THUMB_SIZE: u32 = 240;

/// The key of content made of `chunks`.
pub fn key_of(chunks: &[Id]) -> ThumbKey {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"lifeboat thumbnail v2");
    for chunk in chunks {
        hasher.update(&chunk.0);
    }
    *hasher.finalize().as_bytes()
}

/// One picture to make a thumbnail of.
#[derive(Debug, Clone)]
pub struct Request {
    /// Its key.
    pub key: ThumbKey,
    /// Its content.
    pub chunks: Vec<Id>,
}

/// What became of a request.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The thumbnail.
    Image(Handle),
    /// The item has no picture Lifeboat can show (a video, a HEIC without a preview image, damage).
    NoPreview,
    /// It was no longer wanted when its turn came.
    Skipped,
}

/// A finished request.
#[derive(Debug, Clone)]
pub struct Thumbnail {
    /// Which picture.
    pub key: ThumbKey,
    /// Its thumbnail or why there is none.
    pub outcome: Outcome,
}

/// The worker pool. Dropping it stops the workers once they finish what they hold.
pub struct Pool {
    sender: crossbeam_channel::Sender<Request>,
    wanted: Arc<Mutex<HashSet<ThumbKey>>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pool")
    }
}

impl Pool {
    /// Starts `workers` threads reading from `vault` through `index`; finished thumbnails arrive on the
    /// returned receiver.
    pub fn start(
        vault: SharedVault,
        index: Arc<Index>,
        cache: Option<PathBuf>,
        workers: usize,
    ) -> (Self, mpsc::UnboundedReceiver<Thumbnail>) {
        let (sender, requests) = crossbeam_channel::unbounded::<Request>();
        let (results, receiver) = mpsc::unbounded();
        let wanted = Arc::new(Mutex::new(HashSet::new()));
        for n in 0..workers.max(1) {
            let (vault, index, cache, requests, results, wanted) = (
                vault.clone(),
                index.clone(),
                cache.clone(),
                requests.clone(),
                results.clone(),
                wanted.clone(),
            );
            let spawned = std::thread::Builder::new().name(format!("lifeboat-thumb-{n}")).spawn(move || {
                let blobs = vault.blobs(&index);
                let cache = cache.map(|dir| DiskCache::new(dir, &vault));
                for request in requests {
                    let still_wanted = wanted.lock().map(|w| w.contains(&request.key)).unwrap_or(true);
                    let made = if still_wanted {
                        match cache.as_ref().and_then(|cache| cache.load(&request.key)) {
                            Some(Cached::Picture(picture)) => Made::Cached(to_handle(&picture)),
                            Some(Cached::NoPreview) => Made::Cached(Outcome::NoPreview),
                            None => make(&blobs, &request),
                        }
                    } else {
                        Made::Cached(Outcome::Skipped)
                    };
                    let outcome = match &made {
                        Made::Cached(outcome) => outcome.clone(),
                        Made::Picture(picture) => to_handle(picture),
                        Made::NoPreview | Made::Unreadable => Outcome::NoPreview,
                    };
                    if results.unbounded_send(Thumbnail { key: request.key, outcome }).is_err() {
                        return;
                    }
                    // Written to the disk cache only once the grid has it: encoding is not on the way to
                    // the screen.
                    if let Some(cache) = cache.as_ref() {
                        made.keep(cache, &request.key);
                    }
                }
            });
            if let Err(e) = spawned {
                log::error!("cannot start a thumbnail worker: {e}");
            }
        }
        (Self { sender, wanted }, receiver)
    }

    /// Replaces the set of pictures worth decoding (what is on screen, and a little around it).
    pub fn set_wanted(&self, keys: impl IntoIterator<Item = ThumbKey>) {
        if let Ok(mut wanted) = self.wanted.lock() {
            wanted.clear();
            wanted.extend(keys);
        }
    }

    /// Queues a request.
    pub fn request(&self, request: Request) {
        if let Ok(mut wanted) = self.wanted.lock() {
            wanted.insert(request.key);
        }
        let _ = self.sender.send(request);
    }
}

/// What [`prepare`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prepared {
    /// Thumbnails made and written to the disk cache.
    pub made: usize,
    /// Pictures the cache already knew: their thumbnail, or that they have none.
    pub cached: usize,
    /// Pictures found to have nothing to show (damage, a format without a decoder), or unreadable.
    pub no_preview: usize,
}

/// Makes the disk cache's thumbnails of `requests` ahead of the grid, in the order given, one at a time,
/// skipping those already cached; stops early when `cancel` is flipped. The grid then shows them from the
/// cache at once, even for a picture that takes a long decode (a large HEIF without its own preview).
pub fn prepare(
    vault: &SharedVault,
    index: &Index,
    cache: &DiskCache,
    requests: impl IntoIterator<Item = Request>,
    cancel: &crate::engine::Cancel,
) -> Prepared {
    let blobs = vault.blobs(index);
    let mut prepared = Prepared::default();
    for request in requests {
        if cancel.is_cancelled() {
            break;
        }
        if cache.has(&request.key) {
            prepared.cached += 1;
            continue;
        }
        let made = make(&blobs, &request);
        match made {
            Made::Picture(_) => prepared.made += 1,
            _ => prepared.no_preview += 1,
        }
        made.keep(cache, &request.key);
    }
    prepared
}

/// What a worker got for a request.
enum Made {
    /// The disk cache's answer (or the request was stale).
    Cached(Outcome),
    /// A thumbnail, just made.
    Picture(image::DynamicImage),
    /// The picture does not decode: remembered, so it is not tried again on every visit.
    NoPreview,
    /// The vault could not be read (a drive gone, damage that Verify reports): tried again next time.
    Unreadable,
}

impl Made {
    /// Puts what was just learned in the disk cache.
    fn keep(&self, cache: &DiskCache, key: &ThumbKey) {
        match self {
            Made::Picture(picture) => cache.store(key, picture),
            Made::NoPreview => cache.store_no_preview(key),
            Made::Cached(_) | Made::Unreadable => {}
        }
    }
}

/// Makes the thumbnail of a request from the vault.
fn make(blobs: &crate::vault::BlobReader<'_>, request: &Request) -> Made {
    // A photo's EXIF block sits in its first 64 KiB and a chunk is at least 512 KiB, so the first chunk
    // alone usually yields the embedded thumbnail: the rest of a 4 MB photo is never read or decrypted.
    let Some((first, rest)) = request.chunks.split_first() else { return Made::NoPreview };
    let mut bytes = Vec::new();
    if std::io::Read::read_to_end(&mut blobs.content(std::slice::from_ref(first)), &mut bytes).is_err() {
        return Made::Unreadable;
    }
    let exif = exif_of(&bytes);
    let thumbnail = match exif.embedded {
        Some(embedded) => Some(square(orient(embedded, exif.orientation))),
        None => {
            if std::io::Read::read_to_end(&mut blobs.content(rest), &mut bytes).is_err() {
                return Made::Unreadable;
            }
            // A HEIF file's EXIF may sit past its first chunk: look again in the whole file.
            let orientation = if rest.is_empty() { exif.orientation } else { exif_of(&bytes).orientation };
            downscaled(&bytes).map(|picture| square(orient(picture, upright_as(&bytes, orientation))))
        }
    };
    match thumbnail {
        Some(thumbnail) => Made::Picture(thumbnail),
        None => Made::NoPreview,
    }
}

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
fn upright_as(bytes: &[u8], orientation: u32) -> u32 {
    if crate::data::heic::looks_like_heic(bytes) { 1 } else { orientation }
}

/// What a picture's EXIF block offers a thumbnail maker.
struct ExifPreview {
    orientation: u32,
    embedded: Option<image::DynamicImage>,
}

fn exif_of(bytes: &[u8]) -> ExifPreview {
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
fn downscaled(bytes: &[u8]) -> Option<image::DynamicImage> {
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
fn square(picture: image::DynamicImage) -> image::DynamicImage {
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
fn orient(picture: image::DynamicImage, orientation: u32) -> image::DynamicImage {
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

fn to_handle(picture: &image::DynamicImage) -> Outcome {
    let rgba = picture.to_rgba8();
    Outcome::Image(Handle::from_rgba(rgba.width(), rgba.height(), rgba.into_raw()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscales_and_keys_by_content() {
        let picture = image::RgbImage::from_pixel(1000, 500, image::Rgb([10, 120, 200]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg).encode_image(&picture).unwrap();
        let thumbnail = thumbnail_of(&jpeg).unwrap();
        assert_eq!((thumbnail.width(), thumbnail.height()), (THUMB_SIZE, THUMB_SIZE));
        // A tall picture decoded at a reduced scale still covers the whole square.
        let tall = image::RgbImage::from_pixel(1200, 2600, image::Rgb([200, 20, 20]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg).encode_image(&tall).unwrap();
        let thumbnail = thumbnail_of(&jpeg).unwrap();
        assert_eq!((thumbnail.width(), thumbnail.height()), (THUMB_SIZE, THUMB_SIZE));
        assert!(thumbnail_of(b"not a picture").is_none());
    }

    #[cfg(feature = "heic")]
    #[test]
    fn heic_photos_show_their_preview_image() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-data/photos/heic");
        // One with a preview item (iPhone 13 Pro Max), one without (decoded whole).
        for name in ["iphone_13_pro_max.HEIC", "samplefilehub.heif"] {
            let Ok(bytes) = std::fs::read(dir.join(name)) else {
                eprintln!("peer-data is not here: skipped");
                return;
            };
            let thumbnail = thumbnail_of(&bytes).expect("an HEIC photo gets a thumbnail");
            assert!(thumbnail.width() == thumbnail.height() && thumbnail.width() > 100, "{name}");
            // A real picture, not a blank: its pixels differ.
            let rgb = thumbnail.to_rgb8();
            assert!(rgb.pixels().any(|p| p != rgb.get_pixel(0, 0)), "{name}");
        }
        assert_ne!(key_of(&[Id([1; 32])]), key_of(&[Id([2; 32])]));
    }
}
