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
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use iced::futures::channel::mpsc;
use iced::widget::image::Handle;

use super::jobs::SharedVault;
use super::thumbnail_cache::{Cached, DiskCache};
use crate::vault::{Id, Index};

/// Identifies a picture by its content: BLAKE3 over its chunk ids.
pub type ThumbKey = [u8; 32];

pub use crate::data::thumbnail::{THUMB_SIZE, thumbnail_of};
use crate::data::thumbnail::{downscaled, exif_of, orient, square, upright_as};

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
